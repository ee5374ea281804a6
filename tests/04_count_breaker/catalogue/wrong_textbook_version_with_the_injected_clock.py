"""The textbook version with its clock fixed: trial successes kept across re-openings, every caller let through in half-open.

The textbook version (wrong_textbook_version.py) after its author replaced time.time() with the
injected clock: the other two defects remain, and each is still caught.
"""

import enum
import time

CAUGHT_BY = ["test_trial_failure_reopens_and_restarts_the_timeout",
             "test_half_open_admits_one_trial_at_a_time"]


class State(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpenError(Exception):
    def __init__(self, name, retry_after):
        super().__init__(f"circuit {name} is open")
        self.name = name
        self.retry_after = retry_after


class CircuitBreaker:
    def __init__(self, failure_threshold=5, recovery_timeout=30.0, success_threshold=2, *,
                 name="breaker", clock=time.monotonic):
        if failure_threshold <= 0 or success_threshold <= 0 or recovery_timeout < 0:
            raise ValueError("invalid settings")
        self.failure_threshold = failure_threshold
        self.recovery_timeout = recovery_timeout
        self.success_threshold = success_threshold
        self.name = name
        self.clock = clock
        self.failure_count = 0
        self.success_count = 0
        self.last_failure_time = None
        self._state = State.CLOSED

    @property
    def state(self):
        if self._state is State.OPEN and \
                self.clock() - self.last_failure_time >= self.recovery_timeout:
            self._state = State.HALF_OPEN
        return self._state

    def call(self, func, *args, **kwargs):
        if self.state is State.OPEN:
            remaining = self.recovery_timeout - (self.clock() - self.last_failure_time)
            raise CircuitOpenError(self.name, max(0.0, remaining))
        try:
            result = func(*args, **kwargs)
        except Exception:
            self._record_failure()
            raise
        self._record_success()
        return result

    def _record_failure(self):
        self.failure_count += 1
        self.last_failure_time = self.clock()
        if self._state is State.HALF_OPEN or self.failure_count >= self.failure_threshold:
            self._state = State.OPEN

    def _record_success(self):
        if self._state is State.HALF_OPEN:
            self.success_count += 1
            if self.success_count >= self.success_threshold:
                self._state = State.CLOSED
                self.failure_count = 0
                self.success_count = 0
        else:
            self.failure_count = 0
