"""Rejects max_tokens below 1: the README allows any max_tokens above 0, such as 0.5."""
from harness.derive import inherit

CAUGHT_BY = ["test_budget_starts_full"]
reference = inherit(globals(), __file__)


class RetryBudget(reference.RetryBudget):
    def __init__(self, max_tokens=10, token_ratio=0.1):
        if max_tokens < 1:
            raise ValueError(f"max_tokens must be at least 1, got {max_tokens!r}")
        super().__init__(max_tokens, token_ratio)
