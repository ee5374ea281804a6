"""A default failure rule of its own that counts 429 Too Many Requests as a failure: a service that answers "slow down" is cut off for everyone."""
from harness.derive import inherit

CAUGHT_BY = ["test_the_default_rules_judge_every_outcome"]
reference = inherit(globals(), __file__)


def counts_429(error):
    if isinstance(error, requests.HTTPError) and error.response is not None \
            and error.response.status_code == 429:
        return True  # the mistake: a 429 is an answer, not a failure (lesson 5)
    return reference.is_failure_by_default(error)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, is_failure=counts_429, **kwargs):
        super().__init__(*args, is_failure=is_failure, **kwargs)
