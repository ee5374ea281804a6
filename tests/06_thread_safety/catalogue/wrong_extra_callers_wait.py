"""Half-open callers beyond the permits wait for one to come back instead of being rejected."""
from harness.derive import inherit

CAUGHT_BY = ["test_half_open_admits_at_most_max_calls"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._permit_back = threading.Condition()

    def _admit(self):
        while True:
            seen = self._status
            try:
                return super()._admit()
            except CircuitOpenError:
                if self._status.state is not HALF_OPEN:
                    raise
            with self._permit_back:  # the mistake: every permit taken, so wait for one
                self._permit_back.wait_for(lambda: self._status is not seen)

    def _complete(self, admitted, outcome):
        super()._complete(admitted, outcome)
        with self._permit_back:
            self._permit_back.notify_all()
