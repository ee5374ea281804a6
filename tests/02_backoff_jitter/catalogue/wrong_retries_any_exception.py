"""Judges only returned responses: every raised exception is retried, bugs and 404s too."""
from harness.derive import inherit

CAUGHT_BY = ["test_does_not_retry_malformed_json_or_bugs", "test_does_not_retry_a_404"]
reference = inherit(globals(), __file__)


def retry(func, *, should_retry=is_transient, **settings):
    def judge_returned_values_only(outcome):
        return isinstance(outcome, Exception) or should_retry(outcome)

    return reference.retry(func, should_retry=judge_returned_values_only, **settings)
