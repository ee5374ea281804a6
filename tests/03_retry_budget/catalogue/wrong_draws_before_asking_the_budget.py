"""Works out the wait (drawing random()) before asking the budget, then gives up: a draw for
a wait that never happens."""
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
        wait = None
        if transient and k < attempts - 1:
            wait = _wait_before_retry(outcome, k, base_delay, max_delay, random, wall_clock)
            if budget is not None and not budget.can_retry():
                wait = None  # the budget says no, after the draw
        if wait is None:
            if error is not None:
                raise error
            return value
        sleep(wait)
