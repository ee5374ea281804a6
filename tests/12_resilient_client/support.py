"""What lesson 12's checks share: clocks that skip ahead, a bounded way to time a call, and a
client built with the checks' usual settings.

Real sockets, real time where it is the point: a check that needs a backoff or a
``Retry-After`` wait but not its duration hands the client a :class:`JumpClock`, whose
``sleep`` records the wait and moves the clock past it at once, so a 1 s wait costs nothing
and the deadline arithmetic still sees it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from requests.adapters import HTTPAdapter

from fake_services import LiveNetwork, LiveService, RealClock
from harness import Outcome

#: How late an answer may be, past the deadline, on a loaded machine (seconds).
TOLERANCE = 0.25
#: Where the checks' clocks start: far from 0, as a real monotonic clock is, so that a sum
#: written for a difference (``deadline_at + now``) is caught.
START = 1000.0


class JumpClock(RealClock):
    """Real monotonic seconds (from ``START`` at creation), plus jumps the check makes.

    ``sleep(s)`` records ``s`` in :attr:`sleeps` and jumps the clock ``s`` ahead instead of
    waiting: as if the client had slept, in no real time. ``jump(s)`` does the same for the
    check itself (e.g. from a service's ``before_reply`` hook: "this call took 0.9 s").
    """

    def __init__(self) -> None:
        super().__init__()
        self._offset = START

    def __call__(self) -> float:
        with self._lock:
            return super().__call__() + self._offset

    def jump(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds

    def sleep(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"sleep length must be non-negative, got {seconds!r}")
        with self._lock:
            self.sleeps.append(seconds)
            self._offset += seconds


#: A real wait owned by the harness (the grader forbids ``time.sleep`` in graded code).
real_sleep = RealClock().sleep


@dataclass
class Timed:
    """What one bounded call did, and how long it took (real seconds)."""

    outcome: Outcome
    elapsed: float
    finished: bool
    started: float = 0.0  #: ``time.monotonic()`` when the call began

    def within(self, seconds: float) -> bool:
        return self.finished and self.elapsed <= seconds

    def shown(self) -> str:
        if not self.finished:
            return f"no answer after {self.elapsed:.2f} s (still waiting)"
        return f"{self.outcome} after {self.elapsed:.2f} s"


def timed(action: Callable[[], Any], *, limit: float) -> Timed:
    """Run ``action`` on its own thread and wait at most ``limit`` real seconds for it.

    A client that hangs (no timeout on a black hole) is reported, not waited for: its thread
    is a daemon, and stopping the services at the end of the check ends its wait.
    ``NotImplementedError`` (the untouched starter) and non-``Exception`` errors such as a
    forbidden real sleep are raised again here, so they are reported as what they are.
    """
    box: dict[str, Any] = {}

    def run() -> None:
        started = box["started"] = time.monotonic()
        try:
            box["outcome"] = Outcome(value=action())
        except BaseException as error:  # judged by the check, on its own thread
            box["outcome"] = Outcome(error=error)
        box["elapsed"] = time.monotonic() - started

    thread = threading.Thread(target=run, daemon=True, name="lesson 12 client call")
    started = time.monotonic()
    thread.start()
    thread.join(limit)
    if thread.is_alive():
        return Timed(Outcome(), time.monotonic() - started, False, box.get("started", started))
    outcome = box["outcome"]
    if isinstance(outcome.error, NotImplementedError) or \
            (outcome.error is not None and not isinstance(outcome.error, Exception)):
        raise outcome.error
    return Timed(outcome, box["elapsed"], True, box["started"])


def together(actions: list[Callable[[], Any]], *, limit: float) -> list[Timed]:
    """Run every action at the same moment (each on its own thread), each bounded by
    ``limit`` seconds from the common start."""
    start = threading.Barrier(len(actions) + 1, timeout=2.0)
    results: list[Timed | None] = [None] * len(actions)

    def runner(i: int, action: Callable[[], Any]) -> None:
        start.wait()
        results[i] = timed(action, limit=limit)

    threads = [threading.Thread(target=runner, args=(i, a), daemon=True)
               for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    start.wait()
    for thread in threads:
        thread.join(limit + 1.0)
    return [r if r is not None else Timed(Outcome(), limit, False) for r in results]


class RendezvousAdapter(HTTPAdapter):
    """A transport adapter that holds each thread's first request until ``parties`` threads
    have each sent one: every caller has started its call before any request goes out."""

    def __init__(self, parties: int) -> None:
        super().__init__()
        self._barrier = threading.Barrier(parties, timeout=2.0)
        self._seen: set[int] = set()
        self._lock = threading.Lock()

    def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            first = threading.get_ident() not in self._seen
            self._seen.add(threading.get_ident())
        if first:
            try:
                self._barrier.wait()
            except threading.BrokenBarrierError:
                pass  # a caller that never sent: go on, the check judges the outcome
        return super().send(request, *args, **kwargs)


class LockstepAdapter(HTTPAdapter):
    """A transport adapter that sends requests in rounds: each request waits until
    ``parties`` threads have each sent one more, so that the callers' attempts overlap
    one for one. A caller that stops early breaks the rounds; the rest then go on alone."""

    def __init__(self, parties: int) -> None:
        super().__init__()
        self._barrier = threading.Barrier(parties, timeout=2.0)

    def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            self._barrier.wait()
        except threading.BrokenBarrierError:
            pass  # a caller that sent fewer requests: go on, the check judges the counts
        return super().send(request, *args, **kwargs)


@dataclass
class Rig:
    """One check's client and what it was built with."""

    client: Any
    registry: Any
    budget: Any
    clock: Any
    fallback_calls: list[tuple[Any, ...]]

    def breaker(self, service: LiveService) -> Any:
        return self.registry.for_url(service.url)


def rig(impl: Any, network: LiveNetwork, *, registry: Any = None, budget: Any = None,
        clock: Any = None, fallback: Any = "none", breaker: dict[str, Any] | None = None,
        **settings: Any) -> Rig:
    """A client with the checks' usual settings, unless the check says otherwise.

    Usual: a breaker per host that opens only after 100 failures, a budget of 1,000 tokens
    (so neither gets in the way of a check about something else), a :class:`JumpClock`
    for the client and its breakers with its skip-ahead ``sleep``, no backoff (``0`` s), the
    network's session, and no fallback. ``fallback="record"`` is a fallback that answers
    ``"fallback"`` and records each call's arguments.
    """
    clock = clock if clock is not None else JumpClock()
    if registry is None:
        registry = impl.BreakerRegistry(defaults=breaker or {"failure_threshold": 100},
                                        clock=clock)
    budget = budget if budget is not None else impl.RetryBudget(max_tokens=1000)
    calls: list[tuple[Any, ...]] = []
    if fallback == "record":
        def recording_fallback(*args: Any, **kwargs: Any) -> str:
            calls.append(args + tuple(kwargs.values()))
            return "fallback"
        settings["fallback"] = recording_fallback
    elif fallback != "none":
        settings["fallback"] = fallback
    settings.setdefault("backoff", lambda k: 0.0)
    settings.setdefault("sleep", getattr(clock, "sleep", None) or real_sleep)
    settings.setdefault("session", network.session())
    client = impl.ResilientClient(registry=registry, budget=budget, clock=clock, **settings)
    return Rig(client, registry, budget, clock, calls)


def tokens(budget: Any) -> float:
    return float(budget.tokens)


def said(outcome: Outcome) -> str:
    """One call's outcome in the lesson's words: a response, a fallback's answer, an error."""
    if outcome.error is not None:
        text = str(outcome.error)
        text = text if len(text) <= 90 else text[:87] + "..."
        return f"raised {type(outcome.error).__name__}({text!r})"
    value = outcome.value
    status = getattr(value, "status_code", None)
    if isinstance(status, int):
        return f"returned a {status} response"
    text = repr(value)
    return "returned " + (text if len(text) <= 60 else text[:57] + "...")


def status_of(outcome: Outcome) -> int | None:
    """The status of the response a call returned, if it returned one."""
    status = getattr(outcome.value, "status_code", None) if outcome.returned else None
    return status if isinstance(status, int) else None
