"""Times calls and ages the window with time.monotonic() instead of the injected clock."""
import time

from harness.derive import inherit

CAUGHT_BY = ["test_outcomes_leave_after_the_window",
             "test_idle_gap_empties_the_window",
             "test_slow_successes_open_the_breaker",
             "test_old_failures_no_longer_count",
             "test_slow_means_strictly_longer",
             "test_half_open_trials_are_judged_on_speed_too"]
reference = inherit(globals(), __file__)


class TimeWindow(reference.TimeWindow):
    def __init__(self, window_seconds, buckets, clock):
        super().__init__(window_seconds, buckets, time.monotonic)  # ignores the clock given


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._window = TimeWindow(self._window.window_seconds, self._window.buckets,
                                  self._clock)  # the window above

    def call(self, func, *args, **kwargs):
        epoch = self._admit()
        started = time.monotonic()  # not self._clock()
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            self._complete(epoch, failed=self._counts_as_failure(error),
                           slow=self._is_slow(started))
            raise
        except BaseException:
            self._abandon(epoch)
            raise
        self._complete(epoch, failed=self._is_failure_result(result),
                       slow=self._is_slow(started))
        return result

    def _is_slow(self, started):
        return time.monotonic() - started > self.slow_call_duration
