"""Half-open callers beyond the permits wait up to half a second for one to come back, then give up with CircuitOpenError: rejected in the end, but not at once."""
from harness.derive import inherit

CAUGHT_BY = ["test_half_open_admits_at_most_max_calls"]
REPEAT = 5
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._permit_back = threading.Condition()

    def _admit(self):
        seen = self._status
        try:
            return super()._admit()
        except CircuitOpenError:
            if self._status.state is not HALF_OPEN:
                raise
        with self._permit_back:  # the mistake: a bounded wait is still a wait
            self._permit_back.wait_for(lambda: self._status is not seen, timeout=0.5)
        return super()._admit()

    def _complete(self, admitted, outcome):
        super()._complete(admitted, outcome)
        with self._permit_back:
            self._permit_back.notify_all()
