"""A budget shared by nothing: each call to retry copies the settings into a new, full bucket."""
from harness.derive import inherit

CAUGHT_BY = [
    "test_budget_caps_retries_in_an_outage",
    "test_retry_reports_every_attempt_to_the_budget",
    "test_budgets_tame_layered_retries",
]
reference = inherit(globals(), __file__)


def retry(func, *, budget=None, **settings):
    if budget is not None:
        budget = RetryBudget(budget.max_tokens, budget.token_ratio)
    return reference.retry(func, budget=budget, **settings)
