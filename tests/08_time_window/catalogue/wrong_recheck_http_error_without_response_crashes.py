"""A default failure rule of its own that reads `error.response.status_code` without checking for None: an HTTPError with no response makes the predicate raise, so the call counts as a failure."""
from harness.derive import inherit

CAUGHT_BY = ["test_the_default_rules_judge_every_outcome"]
reference = inherit(globals(), __file__)


def no_none_check(error):
    if isinstance(error, (requests.ConnectionError, requests.Timeout)):
        return True
    if isinstance(error, requests.HTTPError):
        return error.response.status_code >= 500  # the mistake: response may be None
    return False


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, is_failure=no_none_check, **kwargs):
        super().__init__(*args, is_failure=is_failure, **kwargs)
