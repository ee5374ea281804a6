"""Reports to the budget but never asks can_retry(): retries anyway."""
from harness.derive import inherit

CAUGHT_BY = ["test_retry_stops_when_the_budget_says_no", "test_budget_caps_retries_in_an_outage"]
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
        wait = None
        if transient and k < attempts - 1:  # the budget's verdict is never asked for
            wait = _wait_before_retry(outcome, k, base_delay, max_delay, random, wall_clock)
        if wait is None:
            if error is not None:
                raise error
            return value
        sleep(wait)
