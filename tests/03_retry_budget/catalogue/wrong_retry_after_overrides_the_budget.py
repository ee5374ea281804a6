"""Retries when the server sent Retry-After, even when the budget says no."""
from harness.derive import inherit

CAUGHT_BY = ["test_retry_stops_when_the_budget_says_no"]
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
        asked = retry_after_seconds(outcome, wall_clock) is not None
        wait = None
        if transient and k < attempts - 1 and (budget is None or asked or budget.can_retry()):
            wait = _wait_before_retry(outcome, k, base_delay, max_delay, random, wall_clock)
        if wait is None:  # no retry: the caller gets this outcome
            if error is not None:
                raise error
            return value
        sleep(wait)
