"""A pasted breaker with a default failure rule of its own that forgets timeouts: only connection errors and 5xx count, so a service that hangs never opens the breaker."""
import time

from harness.derive import inherit

CAUGHT_BY = ["test_the_default_rules_judge_every_outcome"]
reference = inherit(globals(), __file__)


def timeouts_forgotten(error):
    if isinstance(error, requests.ConnectionError):  # the mistake: requests.Timeout is missing
        return True
    if isinstance(error, requests.HTTPError):
        return error.response is not None and error.response.status_code >= 500
    return False


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, is_failure=timeouts_forgotten, **kwargs):
        super().__init__(*args, is_failure=is_failure, **kwargs)


class BreakerRegistry(reference.BreakerRegistry):
    def __init__(self, defaults=None, overrides=None, *, clock=time.monotonic,
                 factory=CircuitBreaker):
        super().__init__(defaults, overrides, clock=clock, factory=factory)
