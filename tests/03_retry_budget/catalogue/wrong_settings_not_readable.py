"""Keeps the settings under other names: budget.max_tokens and budget.token_ratio do not exist."""
from harness.derive import inherit

CAUGHT_BY = ["test_budget_starts_full"]
reference = inherit(globals(), __file__)


class RetryBudget:
    def __init__(self, max_tokens=10, token_ratio=0.1):
        if not (max_tokens > 0 and token_ratio > 0):
            raise ValueError("max_tokens and token_ratio must be above 0")
        self._capacity, self._refund = float(max_tokens), float(token_ratio)
        self._tokens = self._capacity
        self._lock = threading.Lock()

    @property
    def tokens(self):
        with self._lock:
            return self._tokens

    def can_retry(self):
        with self._lock:
            return self._tokens > self._capacity / 2

    def record_failure(self):
        with self._lock:
            self._tokens = max(0.0, self._tokens - 1)

    def record_success(self):
        with self._lock:
            self._tokens = min(self._capacity, self._tokens + self._refund)
