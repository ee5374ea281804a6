"""Rejects a token_ratio above 1, though the README allows any number above 0."""
from harness.derive import inherit

CAUGHT_BY = ["test_budget_starts_full"]
reference = inherit(globals(), __file__)


class RetryBudget(reference.RetryBudget):
    def __init__(self, max_tokens=10, token_ratio=0.1):
        if not 0 < token_ratio <= 1:
            raise ValueError(f"token_ratio must be in (0, 1], got {token_ratio!r}")
        super().__init__(max_tokens, token_ratio)
