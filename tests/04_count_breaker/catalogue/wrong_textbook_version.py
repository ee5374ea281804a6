"""The textbook version: wall-clock time, trial successes kept across re-openings, and every caller let through in half-open.

The breaker found in countless blog posts and interview answers, adapted to this lesson's API.
Its state is computed from `time.time()` (the injected clock is accepted and never used), its
success count is reset only on closing, and half-open has no gate at all. Each defect also has
an entry of its own (wrong_uses_the_wall_clock, wrong_keeps_trial_successes_after_reopening,
wrong_lets_every_caller_through_half_open), and wrong_textbook_version_with_the_injected_clock
shows that fixing the clock alone leaves the other two caught.
"""

import enum
import time

CAUGHT_BY = ["test_uses_only_the_injected_clock", "test_recovery_timeout_admits_a_trial_call",
             "test_trial_failure_reopens_and_restarts_the_timeout",
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
        self.clock = clock  # accepted for the API, never used
        self.failure_count = 0
        self.success_count = 0
        self.last_failure_time = None
        self._state = State.CLOSED

    @property
    def state(self):
        if self._state is State.OPEN and \
                time.time() - self.last_failure_time >= self.recovery_timeout:
            self._state = State.HALF_OPEN
        return self._state

    def call(self, func, *args, **kwargs):
        if self.state is State.OPEN:
            remaining = self.recovery_timeout - (time.time() - self.last_failure_time)
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
        self.last_failure_time = time.time()
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
