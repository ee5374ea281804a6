"""Raises HTTPError for a returned 503 response instead of handing the response to the caller."""
import requests

from harness.derive import inherit

CAUGHT_BY = ["test_returned_server_error_counts_but_reaches_the_caller"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def call(self, func, *args, **kwargs):
        result = super().call(func, *args, **kwargs)  # counts a returned 503 as a failure
        if self.is_failure_result(result) and isinstance(result, requests.Response):
            result.raise_for_status()  # the mistake: the caller asked for the response
        return result
