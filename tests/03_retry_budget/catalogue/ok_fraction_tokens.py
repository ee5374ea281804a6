"""Correct, built differently: exact Fraction tokens (handed out as Fraction), an RLock, one
_update method for every change; the reference's retry wires it in."""

from fractions import Fraction
import threading

from harness.derive import rewrite

ACCEPTED = True
# The reference's retry (ok_decimal_tokens has a loop of its own); the bucket is this entry's.
rewrite(globals(), __file__)


class RetryBudget:
    """Exact rationals; RLock; one _update method does every read-and-write."""

    def __init__(self, max_tokens=10, token_ratio=0.1):
        if max_tokens <= 0:
            raise ValueError("max_tokens")
        if token_ratio <= 0:
            raise ValueError("token_ratio")
        self.max_tokens, self.token_ratio = max_tokens, token_ratio
        self._cap = Fraction(str(max_tokens))
        self._step = Fraction(str(token_ratio))
        self._t = self._cap
        self._lock = threading.RLock()

    def _update(self, delta):
        with self._lock:
            self._t = min(self._cap, max(Fraction(0), self._t + delta))

    @property
    def tokens(self):
        return self._t

    def can_retry(self):
        return self._t * 2 > self._cap

    def record_failure(self):
        self._update(-1)

    def record_success(self):
        self._update(self._step)
