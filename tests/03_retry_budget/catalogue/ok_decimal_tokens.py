"""Correct, built differently: a Decimal bucket behind a threading.Condition, handed out as
float; lesson 2's retry rewritten as a break-out loop."""

from decimal import Decimal
import threading

from harness.derive import rewrite

ACCEPTED = True
# The starter's handed-over part: lesson 2's helpers (_check_settings, _call,
# _wait_before_retry...). The bucket, and the loop that wires it in, are this entry's own.
rewrite(globals(), __file__, source="starter")


class RetryBudget:
    """A Decimal bucket behind a Condition; tokens handed out as float."""

    def __init__(self, max_tokens=10, token_ratio=0.1):
        if max_tokens <= 0 or token_ratio <= 0:
            raise ValueError("positive settings only")
        self.max_tokens = max_tokens
        self.token_ratio = token_ratio
        self._max = Decimal(repr(max_tokens))
        self._ratio = Decimal(repr(token_ratio))
        self._level = self._max
        self._cond = threading.Condition()

    @property
    def tokens(self):
        with self._cond:
            return float(self._level)

    def can_retry(self):
        with self._cond:
            return self._level > self._max / 2

    def record_failure(self):
        with self._cond:
            self._level -= 1
            if self._level < 0:
                self._level = Decimal(0)

    def record_success(self):
        with self._cond:
            self._level += self._ratio
            if self._level > self._max:
                self._level = self._max


def retry(func, *, attempts=3, budget=None, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
          random=random.random, should_retry=is_transient, wall_clock=time.time):
    _check_settings(attempts, base_delay, max_delay)
    for k in range(attempts):
        value, error = _call(func)
        outcome = error if error is not None else value
        transient = should_retry(outcome)
        if budget is not None:
            if transient:
                budget.record_failure()
            else:
                budget.record_success()
        if not transient or k == attempts - 1:
            break
        if budget is not None and not budget.can_retry():
            break
        wait = _wait_before_retry(outcome, k, base_delay, max_delay, random, wall_clock)
        if wait is None:
            break
        sleep(wait)
    if error is not None:
        raise error
    return value
