"""Retries at once when the budget allows it: the budget's yes replaces lesson 2's wait."""
from harness.derive import inherit

CAUGHT_BY = ["test_a_budgeted_retry_still_waits_like_lesson_2"]
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
            if transient and k < attempts - 1 and budget.can_retry():
                continue  # "the budget says yes": straight to the next attempt
        wait = None
        if transient and k < attempts - 1 and budget is None:
            wait = _wait_before_retry(outcome, k, base_delay, max_delay, random, wall_clock)
        if wait is None:
            if error is not None:
                raise error
            return value
        sleep(wait)
