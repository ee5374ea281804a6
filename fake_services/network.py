"""In-process HTTP for fake services, on top of ``responses``.

Inside ``with FakeNetwork(clock) as net:`` every request made with ``requests`` (from any
thread) is answered by the fake service whose host it names, e.g. ``http://users.test/...``.
A request to a host no fake serves fails loudly with :class:`StrayRequestError` instead of
touching the network.
"""

from __future__ import annotations

import re
import threading
from types import TracebackType
from urllib.parse import urlsplit

import requests
import responses

from .clock import FakeClock
from .replies import ReplyLike
from .service import FakeService

_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


class StrayRequestError(AssertionError):
    """A request went to a URL that no fake service answers (usually a typo in the URL)."""


class FakeNetwork:
    """A set of fake services reachable with ``requests`` while the network is active.

    >>> with FakeNetwork() as net:
    ...     users = net.service("users").script(503, 200)
    ...     [requests.get(users.url + "/users/1", timeout=1).status_code for _ in range(2)]
    [503, 200]
    """

    def __init__(self, clock: FakeClock | None = None) -> None:
        self.clock = clock if clock is not None else FakeClock()
        self._services: dict[str, FakeService] = {}
        self._lock = threading.Lock()
        self._mock: responses.RequestsMock | None = None

    def service(self, name: str, *, default: ReplyLike = 200) -> FakeService:
        """Create a fake service reachable at ``http://<name>.test`` on this network."""
        return self.add(FakeService(name, self.clock, default=default))

    def add(self, service: FakeService) -> FakeService:
        """Make an existing fake service reachable on this network."""
        with self._lock:
            host = service.host.lower()  # host names are case-insensitive; urlsplit lowers them
            if host in self._services:
                raise ValueError(f"a service named {service.name!r} is already on this network")
            self._services[host] = service
        return service

    def session(self) -> requests.Session:
        """A ``requests.Session`` that skips proxy lookups from the environment (faster)."""
        session = requests.Session()
        session.trust_env = False
        return session

    def __enter__(self) -> FakeNetwork:
        mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        for method in _METHODS:
            mock.add_callback(method, re.compile(r".*"), callback=self._dispatch)
        mock.start()
        self._mock = mock
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._mock is not None:
            self._mock.stop()
            self._mock.reset()
            self._mock = None

    def _dispatch(self, request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        parts = urlsplit(request.url or "")
        with self._lock:
            service = self._services.get(parts.hostname or "")
            known = ", ".join(sorted(f"http://{host}" for host in self._services)) or "none"
        if service is None:
            raise StrayRequestError(
                f"no fake service answers {request.url} (fake services here: {known})")
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        timeout = getattr(request, "req_kwargs", {}).get("timeout")
        body = request.body.encode() if isinstance(request.body, str) else request.body
        reply, call = service.serve(request.method or "GET", path, timeout,
                                    headers=dict(request.headers),
                                    body=body if isinstance(body, bytes) else b"")
        return service.render(reply, path, call.number)
