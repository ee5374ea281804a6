"""Fake, flaky HTTP services and a fake clock for the circuit breaker kata.

The pieces, each in its own module:

* :class:`FakeClock` (``clock``): monotonic time that moves only when told to;
* replies (``replies``): ``ok()``, ``error(503)``, ``refused()``, ``read_timeout()``...;
* :class:`FakeService` (``service``): a scripted service that records every call;
* :class:`FakeNetwork` (``network``): makes services reachable with ``requests``.
"""

from .clock import FakeClock
from .network import FakeNetwork, StrayRequestError
from .replies import (Reply, connect_timeout, error, malformed_json, ok, read_timeout, refused,
                      reset)
from .service import NO_TIMEOUT_WAIT, Call, FakeService, describe_calls
from .aio import AsyncService  # the awaitable transport (lesson 14)

__all__ = [
    "Call", "FakeClock", "FakeNetwork", "FakeService", "NO_TIMEOUT_WAIT", "Reply",
    "StrayRequestError", "connect_timeout", "describe_calls", "error", "malformed_json", "ok",
    "read_timeout", "refused", "reset",
]
