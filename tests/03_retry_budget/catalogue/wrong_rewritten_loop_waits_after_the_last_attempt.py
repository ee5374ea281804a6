"""Rewrites lesson 2's loop to add the budget, and now sleeps after the last failed attempt
too (lesson 2's rule: never after the last attempt)."""
from harness.derive import inherit

CAUGHT_BY = ["test_retry_keeps_every_rule_of_lesson_2"]
reference = inherit(globals(), __file__)


def retry(func, *, attempts=3, budget=None, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
          random=random.random, should_retry=is_transient, wall_clock=time.time):
    _check_settings(attempts, base_delay, max_delay)
    for k in range(attempts):
        value, error = _call(func)
        outcome = error if error is not None else value
        transient = should_retry(outcome)
        if budget is not None:
            _report(budget, transient)
        if not transient or (budget is not None and not budget.can_retry()):
            if error is not None:
                raise error
            return value
        wait = _wait_before_retry(outcome, k, base_delay, max_delay, random, wall_clock)
        if wait is None:
            if error is not None:
                raise error
            return value
        sleep(wait)  # also after the last attempt
        if k == attempts - 1:
            if error is not None:
                raise error
            return value
