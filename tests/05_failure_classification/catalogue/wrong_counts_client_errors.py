"""Counts every requests exception as a failure, so a 404 (no such user) trips the breaker."""
import requests

from harness.derive import inherit

CAUGHT_BY = [
    "test_default_failure_rules",
    "test_client_errors_pass_through_and_count_as_successes",
    "test_client_error_in_half_open_counts_as_a_trial_success",
]
reference = inherit(globals(), __file__)


def is_failure_by_default(error):
    return isinstance(error, requests.RequestException)  # the mistake: HTTPError 404 is one too


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, is_failure=is_failure_by_default, **options):
        super().__init__(*args, is_failure=is_failure, **options)
