"""Makes a new RetryBudget() when none is given: budget=None is no longer lesson 2's retry
(with attempts=9 against a dead service, it stops after 5 calls)."""
from harness.derive import inherit

CAUGHT_BY = ["test_retry_keeps_every_rule_of_lesson_2"]
reference = inherit(globals(), __file__)


def retry(func, *, budget=None, **settings):
    return reference.retry(func, budget=budget if budget is not None else RetryBudget(),
                           **settings)
