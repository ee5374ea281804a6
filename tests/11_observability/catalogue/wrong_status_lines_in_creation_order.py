"""Lists the status lines in the order the breakers were created, not sorted by name."""
from harness.derive import inherit

CAUGHT_BY = ["test_status_lines_are_sorted_by_name"]
reference = inherit(globals(), __file__)


class BreakerRegistry(reference.BreakerRegistry):
    def status_lines(self):
        with self._lock:
            breakers = list(self._breakers.values())  # a dict keeps insertion order
        return [status_line(breaker) for breaker in breakers]
