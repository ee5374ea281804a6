"""Reports an excluded error as "ignored" (Resilience4j's IGNORED_ERROR) and counts it so, while
the state machine treats it as the success it is: the events and metrics disagree with it."""
from harness.derive import inherit

CAUGHT_BY = ["test_raised_and_returned_outcomes_are_events"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def call(self, func, *args, **kwargs):
        ticket = self._admit()
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            if isinstance(error, self._exclude):
                self._record_excluded(ticket, error)
            else:
                self._record(ticket, failed=self._counts_as_failure(error), error=error)
            raise
        except BaseException as error:
            self._release(ticket, error)
            raise
        self._record(ticket, failed=self._is_failure_result(result), error=None)
        return result

    def _record_excluded(self, ticket, error):
        """A success for the state machine, but counted and reported as ignored."""
        events = []
        with self._lock:
            now = self._clock()
            self._ignored += 1
            events.append(Event(IGNORED, self.name, now, error=error))
            if ticket.generation == self._generation:
                if self._state is State.CLOSED:
                    self._failure_count = 0
                elif self._state is State.HALF_OPEN:
                    self._trials_in_flight -= 1
                    self._trial_successes += 1
                    if self._trial_successes >= self._success_threshold:
                        events.append(self._move_to(State.CLOSED, now))
        self._publish(events)
