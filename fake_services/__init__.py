"""Fake, flaky HTTP services and clocks for the circuit breaker kata.

One behaviour model, two transports. The pieces, each in its own module:

* clocks (``clock``): :class:`FakeClock`, monotonic time that moves only when told to, and
  :class:`RealClock`, real seconds since a start, with the same face;
* replies (``replies``): ``ok()``, ``error(503)``, ``reset()``, ``dribble()``...: the fault
  vocabulary, and ``parse_reply("503")`` for replies written as text;
* the behaviour model (``behaviour``): scripts, outages, error rates, routes, hooks, faults
  asked for by request headers; the call log (``calls``): :class:`Call`, :class:`Event`,
  ``buckets()`` for timelines;
* in process (``service``, ``network``): :class:`FakeService` on a fake clock, reachable
  with ``requests`` through :class:`FakeNetwork` (or directly, a hundred times faster);
* on real sockets (``live``, ``pool``, ``wire``): :class:`LiveService`, an HTTP server on
  127.0.0.1 with a bounded worker pool and the faults only a real socket makes;
  :class:`LiveNetwork` for several on one time line; ``closed_port()`` for a refusal;
* ``python -m fake_services serve NAME`` (``cli``): one live service to poke at with curl.
"""

from .behaviour import ABORT_HEADER, DELAY_HEADER, FAULT_HEADER, Request
from .calls import Bucket, Call, Event, buckets
from .clock import FakeClock, RealClock
from .live import (ClosedPort, LiveNetwork, LiveService, ServiceStuck, UnansweredPort,
                   closed_port, stop_all)
from .network import FakeNetwork, StrayRequestError
from .pool import PoolStats, WorkerPool
from .replies import (Reply, black_hole, connect_timeout, dribble, error, garbage, half_close,
                      malformed_json, ok, parse_reply, read_timeout, refused, reset,
                      reset_mid_body, slow_headers, truncated)
from .service import NO_TIMEOUT_WAIT, FakeService, describe_calls
from .aio import AsyncService  # the awaitable transport (lesson 14)

__all__ = [
    "ABORT_HEADER", "Bucket", "Call", "ClosedPort", "DELAY_HEADER", "Event", "FAULT_HEADER",
    "FakeClock", "FakeNetwork", "FakeService", "LiveNetwork", "LiveService", "NO_TIMEOUT_WAIT",
    "PoolStats", "RealClock", "Reply", "Request", "ServiceStuck", "StrayRequestError",
    "UnansweredPort", "WorkerPool", "black_hole", "buckets", "closed_port", "connect_timeout", "describe_calls",
    "dribble", "error", "garbage", "half_close", "malformed_json", "ok", "parse_reply",
    "read_timeout", "refused", "reset", "reset_mid_body", "slow_headers", "stop_all",
    "truncated",
]
