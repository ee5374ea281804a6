"""The awaitable transport: a fake service reached with ``await``, for asyncio code.

:class:`AsyncService` wraps a :class:`~fake_services.service.FakeService` and serves every
call through that service's own behaviour model (``respond`` chooses, records and delivers
the reply; ``build_response`` turns it into a ``requests.Response``), so scripts, outages,
error rates, fake latency and the call log are exactly those of the other transports::

    users = AsyncService(FakeService("users", clock).script(503, 200))
    response = await users.get("/users/42")        # a requests.Response with status 503
    await users.fetch_json("/users/42")            # {"service": "users", ...}

No HTTP library is involved (no aiohttp, no httpx): the point is the shape of an async call,
not its wire format. Transport faults raise the same ``requests`` exceptions as the direct
transport (``requests.ConnectionError``, ``requests.ReadTimeout``...).

**Holding a call in flight.** ``before_reply(hook)`` takes an *async* hook: it is awaited
after the call is recorded and before its reply (or fault) is delivered, so a check can keep
a call suspended inside the service on an ``asyncio.Event`` and decide when it ends::

    release = asyncio.Event()
    async def hold(call): await release.wait()
    users.before_reply(hold)

Without a hook a call never suspends: it is answered at once, like a cached reply. A real
network call always suspends; checks that need that add a hook.
"""

from __future__ import annotations

import threading
from typing import Awaitable, Callable

import requests

from .clock import FakeClock
from .calls import Call
from .service import FakeService

AsyncHook = Callable[[Call], Awaitable[None]]
#: A ``requests`` timeout: one number for both phases, ``(connect, read)``, or ``None``.
Timeout = float | tuple[float | None, float | None] | None


class AsyncService:
    """A :class:`FakeService` reached with ``await``: same behaviour, same call log.

    >>> import asyncio
    >>> users = AsyncService(FakeService("users").script(503, 200))
    >>> async def two_calls():
    ...     return [(await users.get("/users/1")).status_code for _ in range(2)]
    >>> asyncio.run(two_calls())
    [503, 200]
    >>> users.call_count
    2
    """

    def __init__(self, service: FakeService) -> None:
        self.service = service
        self._hooks: list[AsyncHook] = []
        # respond() does not return the Call it recorded; a synchronous hook registered once
        # sees it, on the caller's thread, before respond() returns or raises.
        self._recorded = threading.local()
        service.before_reply(self._remember)

    # -- the service's own identity and call log -------------------------------------------

    @property
    def name(self) -> str:
        return self.service.name

    @property
    def clock(self) -> FakeClock:
        return self.service.clock

    @property
    def url(self) -> str:
        return self.service.url

    @property
    def calls(self) -> list[Call]:
        """Every call so far, whichever transport made it (a copy)."""
        return self.service.calls

    @property
    def call_count(self) -> int:
        return self.service.call_count

    def timeline(self, last: int | None = 12) -> str:
        return self.service.timeline(last)

    # -- holding calls ---------------------------------------------------------------------

    def before_reply(self, hook: AsyncHook) -> AsyncService:
        """Await ``hook(call)`` after a call is recorded and before it is answered.

        Hooks run in the order they were added, on the calling task: a hook that waits on an
        ``asyncio.Event`` keeps the call (and its caller) suspended inside the service.
        """
        self._hooks.append(hook)
        return self

    # -- serving ---------------------------------------------------------------------------

    async def request(self, method: str, path: str = "/", *,
                      timeout: Timeout = None) -> requests.Response:
        """Serve one call: the reply the service's behaviour model chooses, awaited."""
        self._recorded.call = None
        fault: requests.RequestException | None = None
        try:
            reply = self.service.respond(method, path, timeout)
        except requests.RequestException as error:  # a transport fault: delivered after hooks
            fault = error
        call: Call = self._recorded.call
        for hook in self._hooks:
            await hook(call)
        if fault is not None:
            raise fault
        return self.service.build_response(reply, method, path, call.number)

    async def get(self, path: str = "/", *, timeout: Timeout = None) -> requests.Response:
        """``GET path``, awaited."""
        return await self.request("GET", path, timeout=timeout)

    async def fetch_json(self, path: str = "/", *, timeout: Timeout = 2.0) -> object:
        """What a typical async client does with one request: GET ``path``, raise
        ``requests.HTTPError`` on a 4xx or 5xx, and return the decoded JSON."""
        response = await self.get(path, timeout=timeout)
        response.raise_for_status()
        return response.json()

    def _remember(self, call: Call) -> None:
        self._recorded.call = call

    def __repr__(self) -> str:
        return f"AsyncService({self.name!r}, calls={self.call_count})"


__all__ = ["AsyncHook", "AsyncService"]
