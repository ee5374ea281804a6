"""What a fake service can do with one request: the fault vocabulary.

A :class:`Reply` describes one answer. The helpers below build the common ones; a script of
replies such as ``service.script(503, 503, ok())`` says "fail twice, then succeed".
Plain integers stand for a reply with that status code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

#: Transport faults: the request never produces an HTTP response.
CONNECTION_REFUSED = "connection refused"
CONNECTION_RESET = "connection reset"
READ_TIMEOUT = "read timeout"
CONNECT_TIMEOUT = "connect timeout"


@dataclass(frozen=True)
class Reply:
    """One answer of a fake service.

    ``fault`` is ``None`` for an HTTP response, or one of the transport faults above.
    ``latency`` is how many (fake) seconds the answer takes; a latency longer than the
    caller's read timeout becomes a read timeout. ``json`` is the response body; when it is
    ``None`` the service answers with a small JSON document naming itself, the path and the
    call number. ``body`` (raw text) wins over ``json`` and is how malformed JSON is served.
    """

    status: int = 200
    json: Any = None
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    latency: float = 0.0
    fault: str | None = None

    def describe(self) -> str:
        """A short label for call logs and timelines: ``503``, ``read timeout``..."""
        if self.fault:
            return self.fault
        label = str(self.status)
        if self.body is not None and self.status == 200 and self.json is None:
            label += " (malformed JSON)"
        return label


ReplyLike = Union[Reply, int]


def ok(json: Any = None, *, latency: float = 0.0, headers: dict[str, str] | None = None) -> Reply:
    """A 200 response, optionally with a JSON body and a latency in seconds."""
    return Reply(200, json=json, latency=latency, headers=dict(headers or {}))


def error(status: int, *, retry_after: float | str | None = None, latency: float = 0.0,
          json: Any = None) -> Reply:
    """An HTTP error response (``error(503)``, ``error(429, retry_after=2)``).

    ``retry_after`` becomes the ``Retry-After`` header: a number of seconds, or a string
    used as is (an HTTP-date from ``FakeClock.http_date``).
    """
    headers: dict[str, str] = {}
    if retry_after is not None:
        headers["Retry-After"] = retry_after if isinstance(retry_after, str) else _seconds(retry_after)
    return Reply(status, json=json if json is not None else {"error": status}, headers=headers,
                 latency=latency)


def refused() -> Reply:
    """The connection is refused: nothing was sent, no time passes."""
    return Reply(fault=CONNECTION_REFUSED)


def reset() -> Reply:
    """The connection is reset by the peer while the request is in flight."""
    return Reply(fault=CONNECTION_RESET)


def read_timeout() -> Reply:
    """The server never answers: the caller waits its read timeout, then gives up."""
    return Reply(fault=READ_TIMEOUT)


def connect_timeout() -> Reply:
    """The connection cannot be opened: the caller waits its connect timeout."""
    return Reply(fault=CONNECT_TIMEOUT)


def malformed_json(*, status: int = 200) -> Reply:
    """A response whose body claims to be JSON and is not."""
    return Reply(status, body='{"id": 1, "name": ', headers={"Content-Type": "application/json"})


def as_reply(value: ReplyLike) -> Reply:
    """Turn the shorthand of scripts (``503``) into a :class:`Reply`."""
    if isinstance(value, Reply):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return ok() if value == 200 else error(value)
    raise TypeError(f"a reply is a Reply or an HTTP status code, not {value!r}")


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
