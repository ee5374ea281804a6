"""Counts only requests' errors (`except requests.RequestException`): a ValueError is no failure, and a trial that raises one stays "running" forever."""
import requests

from harness.derive import inherit

CAUGHT_BY = ["test_any_exception_is_a_failure"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def call(self, func, *args, **kwargs):
        trial = self._before_call()
        try:
            result = func(*args, **kwargs)
        except requests.RequestException:  # the mistake: lesson 4 counts every Exception
            self._on_failure(trial)
            raise
        self._on_success(trial)
        return result
