"""Matches `exclude` by exact type, so subclasses (ReadTimeout of Timeout, KeyError of LookupError) still count."""
from harness.derive import inherit

CAUGHT_BY = [
    "test_excluded_exceptions_never_count",
    "test_client_error_in_half_open_counts_as_a_trial_success",
]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def _counts_as_failure(self, error):
        if type(error) in self.exclude:  # the mistake: subclasses do not match
            return False
        return bool(self.is_failure(error))
