"""Gives up on a Retry-After longer than max_delay before telling the budget: that failed
attempt is never charged."""
from harness.derive import inherit

CAUGHT_BY = ["test_every_attempt_is_reported_even_when_retry_after_stops"]
reference = inherit(globals(), __file__)


def retry(func, *, attempts=3, budget=None, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
          random=random.random, should_retry=is_transient, wall_clock=time.time):
    _check_settings(attempts, base_delay, max_delay)
    for k in range(attempts):
        value, error = _call(func)
        outcome = error if error is not None else value
        transient = should_retry(outcome)
        asked = retry_after_seconds(outcome, wall_clock) if transient else None
        if asked is not None and asked > max_delay:  # give up first, forgetting the budget
            if error is not None:
                raise error
            return value
        if budget is not None:
            _report(budget, transient)
        wait = None
        if transient and k < attempts - 1 and (budget is None or budget.can_retry()):
            wait = _wait_before_retry(outcome, k, base_delay, max_delay, random, wall_clock)
        if wait is None:  # no retry: the caller gets this outcome
            if error is not None:
                raise error
            return value
        sleep(wait)
