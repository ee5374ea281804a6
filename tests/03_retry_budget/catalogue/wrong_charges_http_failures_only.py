"""Charges the budget only for failed HTTP answers: a refused connection or a timeout costs
nothing (nor refunds anything), though should_retry calls it transient."""
from harness.derive import inherit

CAUGHT_BY = ["test_retry_reports_every_attempt_to_the_budget"]
reference = inherit(globals(), __file__)


def _report(budget, transient, outcome=None):
    is_http = isinstance(outcome, (requests.Response, requests.HTTPError))
    if transient and is_http:
        budget.record_failure()
    elif not transient:
        budget.record_success()


def retry(func, *, attempts=3, budget=None, base_delay=0.1, max_delay=10.0, sleep=time.sleep,
          random=random.random, should_retry=is_transient, wall_clock=time.time):
    _check_settings(attempts, base_delay, max_delay)
    for k in range(attempts):
        value, error = _call(func)
        outcome = error if error is not None else value
        transient = should_retry(outcome)
        if budget is not None:
            _report(budget, transient, outcome)
        wait = None
        if transient and k < attempts - 1 and (budget is None or budget.can_retry()):
            wait = _wait_before_retry(outcome, k, base_delay, max_delay, random, wall_clock)
        if wait is None:
            if error is not None:
                raise error
            return value
        sleep(wait)
