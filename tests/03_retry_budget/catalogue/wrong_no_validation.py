"""Accepts max_tokens or token_ratio of 0 or below."""
from harness.derive import inherit

CAUGHT_BY = ["test_rejects_invalid_budget_settings"]
reference = inherit(globals(), __file__)


class RetryBudget(reference.RetryBudget):
    def __init__(self, max_tokens=10, token_ratio=0.1):
        self.max_tokens = float(max_tokens)
        self.token_ratio = float(token_ratio)
        self._tokens = self.max_tokens
        self._lock = threading.Lock()
