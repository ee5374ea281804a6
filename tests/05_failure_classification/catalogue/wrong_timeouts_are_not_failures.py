"""The default rule forgets timeouts: a read timeout is not a requests.ConnectionError."""
import requests

from harness.derive import inherit

CAUGHT_BY = [
    "test_default_failure_rules",
    "test_server_errors_and_transport_faults_open_the_breaker",
]
reference = inherit(globals(), __file__)


def is_failure_by_default(error):
    if isinstance(error, requests.HTTPError):
        return error.response is not None and error.response.status_code >= 500
    return isinstance(error, requests.ConnectionError)  # the mistake: ReadTimeout is not one


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, is_failure=is_failure_by_default, **options):
        super().__init__(*args, is_failure=is_failure, **options)
