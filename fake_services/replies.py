"""What a fake service can do with one request: the fault vocabulary.

A :class:`Reply` describes one answer. The helpers below build the common ones; a script of
replies such as ``service.script(503, 503, ok())`` says "fail twice, then succeed".
Plain integers stand for a reply with that status code.

Every reply means the same thing to both transports (``FakeService`` in process, and
``LiveService`` on a real socket), and each raises the same ``requests`` exception in both:

================================  ==============================================  =========================================
reply                             what the server does                            what ``requests`` raises
================================  ==============================================  =========================================
``ok()``, ``error(503)``          an HTTP response (``Retry-After`` if asked)     nothing: a ``Response``
``malformed_json()``              a 200 whose JSON body is cut short              ``JSONDecodeError`` from ``.json()``
``refused()``                     no connection (live: reset before any byte)     ``ConnectionError``
``reset()``                       RST (``SO_LINGER`` 0) before any response       ``ConnectionError`` (ConnectionResetError)
``reset_mid_body()``              headers and a few body bytes, then RST          ``ChunkedEncodingError``: *not* a ConnectionError
``half_close()``                  reads the request, closes, sends nothing        ``ConnectionError`` (RemoteDisconnected)
``truncated()``                   ``Content-Length`` larger than the body sent    ``ChunkedEncodingError`` (IncompleteRead)
``garbage()``                     bytes that are not a status line                ``ConnectionError`` (BadStatusLine)
``slow_headers(s)``               status line, then the headers ``s`` later       ``ReadTimeout`` if ``s`` > the read timeout
``dribble(every)``                the body one byte every ``every`` seconds       nothing (the read timeout is per read!);
                                                                                  ``ConnectionError`` if ``every`` > it
``black_hole()``                  accepts, reads, never answers                   ``ReadTimeout``
``read_timeout()``                the same as a black hole                        ``ReadTimeout``
``connect_timeout()``             in process only (loopback answers every SYN)    ``ConnectTimeout``
================================  ==============================================  =========================================

``ChunkedEncodingError`` subclasses neither ``ConnectionError`` nor ``Timeout``: a client that
classifies transport failures with ``except (ConnectionError, Timeout)`` misses it.

A reply can also be written as text (the command line, the ``x-fake-fault`` request header):
see :func:`parse_reply`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from http import HTTPStatus
from typing import Any, Union

#: Transport faults: the request never produces a (complete) HTTP response.
CONNECTION_REFUSED = "connection refused"
CONNECTION_RESET = "connection reset"
READ_TIMEOUT = "read timeout"
CONNECT_TIMEOUT = "connect timeout"
RESET_MID_BODY = "reset mid-body"
HALF_CLOSE = "half-close"
TRUNCATED = "truncated body"
GARBAGE = "garbage"
SLOW_HEADERS = "slow headers"
DRIBBLE = "dribble"
BLACK_HOLE = "black hole"

FAULTS = (CONNECTION_REFUSED, CONNECTION_RESET, READ_TIMEOUT, CONNECT_TIMEOUT, RESET_MID_BODY,
          HALF_CLOSE, TRUNCATED, GARBAGE, SLOW_HEADERS, DRIBBLE, BLACK_HOLE)


@dataclass(frozen=True)
class Reply:
    """One answer of a fake service.

    ``fault`` is ``None`` for an HTTP response, or one of the faults above.
    ``latency`` is how many seconds pass before anything is sent (fake seconds in process,
    real ones on a socket); a latency longer than the caller's read timeout becomes a read
    timeout. ``json`` is the response body; when it is ``None`` the service answers with a
    small JSON document naming itself, the path and the call number. ``body`` (raw text) wins
    over ``json`` and is how malformed JSON is served.

    The fault parameters: ``pause`` is the seconds between body bytes of a dribble, or before
    the headers of slow headers; ``sent`` is how many body bytes go out before a truncated
    body ends or a mid-body reset cuts it.
    """

    status: int = 200
    json: Any = None
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    latency: float = 0.0
    fault: str | None = None
    pause: float = 0.0
    sent: int = 0

    def __post_init__(self) -> None:
        if self.fault is not None and self.fault not in FAULTS:
            raise ValueError(f"unknown fault {self.fault!r}; the faults are: {', '.join(FAULTS)}")
        if self.latency < 0 or self.pause < 0 or self.sent < 0:
            raise ValueError(f"latency, pause and sent must be non-negative: {self!r}")
        if not 100 <= self.status <= 599:
            raise ValueError(f"an HTTP status is within 100..599, got {self.status!r}")

    def describe(self) -> str:
        """A short label for call logs and timelines: ``503``, ``read timeout``..."""
        if self.fault:
            return self.fault
        label = str(self.status)
        if self.body is not None and self.status == 200 and self.json is None:
            label += " (malformed JSON)"
        return label

    def delayed(self, seconds: float) -> Reply:
        """The same reply, ``seconds`` later."""
        return replace(self, latency=self.latency + seconds) if seconds else self


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
    """The connection is refused: nothing was sent, no time passes.

    A live service has already accepted the connection by the time it picks a reply, so it
    resets it before any byte instead: ``requests`` raises ``ConnectionError`` either way.
    For a port that really refuses, use ``fake_services.closed_port()``.
    """
    return Reply(fault=CONNECTION_REFUSED)


def reset(*, latency: float = 0.0) -> Reply:
    """The connection is reset by the peer (an RST) before any byte of the response."""
    return Reply(fault=CONNECTION_RESET, latency=latency)


def reset_mid_body(*, sent: int = 3, latency: float = 0.0) -> Reply:
    """Status line, headers and ``sent`` body bytes, then an RST."""
    return Reply(fault=RESET_MID_BODY, sent=sent, latency=latency)


def half_close(*, latency: float = 0.0) -> Reply:
    """The server reads the request and closes its side without a byte of response."""
    return Reply(fault=HALF_CLOSE, latency=latency)


def truncated(*, sent: int = 10, latency: float = 0.0) -> Reply:
    """A ``Content-Length`` larger than the body: ``sent`` bytes, then the connection closes."""
    return Reply(fault=TRUNCATED, sent=sent, latency=latency)


def garbage(*, latency: float = 0.0) -> Reply:
    """Bytes that are not HTTP where the status line should be, then the connection closes."""
    return Reply(fault=GARBAGE, latency=latency)


def slow_headers(seconds: float, *, latency: float = 0.0) -> Reply:
    """The status line at once, the headers and body ``seconds`` later.

    Past the caller's read timeout this is a ``ReadTimeout``; within it, a normal 200.
    """
    return Reply(fault=SLOW_HEADERS, pause=seconds, latency=latency)


def dribble(every: float = 0.1, *, size: int = 20, latency: float = 0.0) -> Reply:
    """Headers at once, then a body of ``size`` bytes sent one byte every ``every`` seconds.

    The whole answer takes ``size * every`` seconds, yet a read timeout longer than
    ``every`` never fires: it bounds each read, not the response (the slowloris case). The
    body is a valid JSON string, so a patient client gets a normal 200.
    """
    if size < 2:
        raise ValueError(f"a dribbled body has at least 2 bytes (a JSON string), got {size!r}")
    return Reply(fault=DRIBBLE, pause=every, body='"' + "x" * (size - 2) + '"',
                 headers={"Content-Type": "application/json"}, latency=latency)


def black_hole() -> Reply:
    """The connection is accepted and the request read, and nothing ever comes back."""
    return Reply(fault=BLACK_HOLE)


def read_timeout() -> Reply:
    """The server never answers: the caller waits its read timeout, then gives up."""
    return Reply(fault=READ_TIMEOUT)


def connect_timeout() -> Reply:
    """The connection cannot be opened: the caller waits its connect timeout.

    In process only: on loopback the kernel answers every connection attempt at once, so a
    live service refuses this reply when it is scripted.
    """
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


# -- replies as text -------------------------------------------------------------------------

#: Reply names accepted by :func:`parse_reply`, with what the optional number after ``:`` means.
SPEC_NAMES: dict[str, str] = {
    "reset": "", "reset-mid-body": "body bytes sent first (3)", "half-close": "",
    "truncate": "body bytes sent (10)", "garbage": "", "slow-headers": "seconds (1)",
    "dribble": "seconds between bytes (0.1)", "black-hole": "", "read-timeout": "",
    "refused": "", "malformed-json": "",
}

SPEC_HELP = ("a status code (200, 503; 429:2 adds Retry-After: 2) or a fault: "
             + ", ".join(f"{name}[:n]" if meaning else name for name, meaning in SPEC_NAMES.items()))


def parse_reply(spec: str) -> Reply:
    """A reply from its text form: ``503``, ``429:2`` (with ``Retry-After: 2``), ``reset``,
    ``dribble:0.05``, ``slow-headers:2``, ``truncate:10``...

    Raises ``ValueError`` with the accepted forms when ``spec`` is none of them.
    """
    text = spec.strip().lower()
    name, _, argument = text.partition(":")
    try:
        number = float(argument) if argument else None
    except ValueError:
        number = None
        argument = "!"  # not a number: reported below
    if number is not None and number < 0:
        raise ValueError(f"{spec!r}: the number after ':' must be non-negative")
    if name.isdigit():
        status = int(name)
        if not 100 <= status <= 599 or argument == "!":
            raise ValueError(f"{spec!r} is not a reply; a reply is {SPEC_HELP}")
        if status == 200:
            return ok()
        return error(status, retry_after=number)
    if name not in SPEC_NAMES or argument == "!" or (argument and not SPEC_NAMES[name]):
        raise ValueError(f"{spec!r} is not a reply; a reply is {SPEC_HELP}")
    builders = {
        "reset": lambda n: reset(),
        "reset-mid-body": lambda n: reset_mid_body(sent=int(3 if n is None else n)),
        "half-close": lambda n: half_close(),
        "truncate": lambda n: truncated(sent=int(10 if n is None else n)),
        "garbage": lambda n: garbage(),
        "slow-headers": lambda n: slow_headers(1.0 if n is None else n),
        "dribble": lambda n: dribble(0.1 if n is None else n),
        "black-hole": lambda n: black_hole(),
        "read-timeout": lambda n: read_timeout(),
        "refused": lambda n: refused(),
        "malformed-json": lambda n: malformed_json(),
    }
    return builders[name](number)


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def reason_phrase(status: int) -> str:
    """The standard reason phrase of ``status`` ("Service Unavailable"), or "" for a status
    HTTP does not name."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
