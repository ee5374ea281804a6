"""Counts rejected calls as failures: the admission check sits inside the try block."""

import enum
import time

CAUGHT_BY = [
    "test_rejections_are_not_failures_and_do_not_extend_the_open_period",
    "test_half_open_admits_one_trial_at_a_time",
]


class State(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpenError(Exception):
    def __init__(self, name, retry_after):
        super().__init__(f"circuit breaker {name!r} is open; retry in {retry_after:.1f}s")
        self.name = name
        self.retry_after = retry_after


class CircuitBreaker:
    def __init__(self, failure_threshold=5, recovery_timeout=30.0, success_threshold=2, *,
                 name="breaker", clock=time.monotonic):
        if failure_threshold < 1 or success_threshold < 1:
            raise ValueError("the thresholds must be at least 1")
        if recovery_timeout < 0:
            raise ValueError("recovery_timeout must be 0 or more")
        self.failure_threshold = failure_threshold
        self.recovery_timeout = recovery_timeout
        self.success_threshold = success_threshold
        self.name = name
        self._clock = clock
        self._state = State.CLOSED
        self._failures = 0
        self._successes = 0
        self._trial_running = False
        self._opened_at = 0.0

    @property
    def state(self):
        self._half_open_if_due()
        return self._state

    @property
    def failure_count(self):
        return self._failures

    def call(self, func, *args, **kwargs):
        trial = False
        try:
            trial = self._before_call()  # the mistake: a rejection lands in `except` below
            result = func(*args, **kwargs)
        except Exception:
            self._on_failure(trial)
            raise
        except BaseException:
            if trial:
                self._trial_running = False
            raise
        self._on_success(trial)
        return result

    def _before_call(self):
        self._half_open_if_due()
        if self._state is State.CLOSED:
            return False
        if self._state is State.HALF_OPEN and not self._trial_running:
            self._trial_running = True
            return True
        raise CircuitOpenError(self.name, self._retry_after())

    def _half_open_if_due(self):
        if self._state is State.OPEN and self._clock() - self._opened_at >= self.recovery_timeout:
            self._transition_to(State.HALF_OPEN)

    def _retry_after(self):
        if self._state is State.OPEN:
            return max(0.0, self._opened_at + self.recovery_timeout - self._clock())
        return 0.0

    def _on_success(self, trial):
        if trial:
            self._trial_running = False
            self._successes += 1
            if self._successes >= self.success_threshold:
                self._transition_to(State.CLOSED)
        elif self._state is State.CLOSED:
            self._failures = 0

    def _on_failure(self, trial):
        self._failures += 1
        if trial or self._failures >= self.failure_threshold:
            self._transition_to(State.OPEN)

    def _transition_to(self, new_state):
        self._state = new_state
        self._trial_running = False
        if new_state is State.OPEN:
            self._opened_at = self._clock()
        elif new_state is State.HALF_OPEN:
            self._successes = 0
        else:
            self._failures = 0
            self._successes = 0
