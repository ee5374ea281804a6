"""Matches `exclude` by exact type, so subclasses (ReadTimeout of Timeout, KeyError of LookupError) still count."""

import enum
import functools
import time

import requests

CAUGHT_BY = [
    "test_excluded_exceptions_never_count",
    "test_client_error_in_half_open_counts_as_a_trial_success",
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


def is_failure_by_default(error):
    if isinstance(error, requests.HTTPError):
        return error.response is not None and error.response.status_code >= 500
    return isinstance(error, (requests.ConnectionError, requests.Timeout))


def is_failure_result_by_default(result):
    return isinstance(result, requests.Response) and result.status_code >= 500


class CircuitBreaker:
    def __init__(self, failure_threshold=5, recovery_timeout=30.0, success_threshold=2, *,
                 exclude=(), is_failure=is_failure_by_default,
                 is_failure_result=is_failure_result_by_default, name="breaker",
                 clock=time.monotonic):
        if failure_threshold < 1 or success_threshold < 1:
            raise ValueError("the thresholds must be at least 1")
        if recovery_timeout < 0:
            raise ValueError("recovery_timeout must be 0 or more")
        self.exclude = tuple(exclude)
        if not all(isinstance(kind, type) and issubclass(kind, BaseException)
                   for kind in self.exclude):
            raise TypeError("exclude must hold exception classes")
        if not callable(is_failure) or not callable(is_failure_result):
            raise TypeError("is_failure and is_failure_result must be callable")
        self.failure_threshold = failure_threshold
        self.recovery_timeout = recovery_timeout
        self.success_threshold = success_threshold
        self.is_failure = is_failure
        self.is_failure_result = is_failure_result
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
        trial = self._before_call()
        try:
            result = func(*args, **kwargs)
        except Exception as error:
            if self._counts_as_failure(error):
                self._on_failure(trial)
            else:
                self._on_success(trial)
            raise
        except BaseException:
            if trial:
                self._trial_running = False
            raise
        if self.is_failure_result(result):
            self._on_failure(trial)
        else:
            self._on_success(trial)
        return result

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            return self.call(func, *args, **kwargs)
        return wrapper

    def _counts_as_failure(self, error):
        if type(error) in self.exclude:  # the mistake: subclasses do not match
            return False
        return self.is_failure(error)

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
        if trial:
            self._transition_to(State.OPEN)
        elif self._state is State.CLOSED:
            self._failures += 1
            if self._failures >= self.failure_threshold:
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
