"""Starts the open period when the tripping call was sent, not when its failure opened the breaker."""
from harness.derive import inherit

CAUGHT_BY = ["test_the_open_period_starts_when_the_breaker_opens"]
reference = inherit(globals(), __file__)


class CircuitBreaker(reference.CircuitBreaker):
    async def call(self, func, *args, **kwargs):
        started, epoch = self._clock(), self._epoch
        try:
            return await super().call(func, *args, **kwargs)
        finally:
            if self._state is State.OPEN and self._epoch == epoch + 1:
                self._opened_at = started  # "the service failed from the moment we asked"
