"""asyncio tools for lesson 14's checks: interleavings made to happen on every run.

In asyncio a task runs undisturbed until it awaits something that is not ready. So the
checks do not need luck, only control over *where* tasks suspend:

* :class:`Gate` -- an awaitable ``before_reply`` hook of the fake service: a call that
  reaches it stays suspended inside the service (on an ``asyncio.Event``) until the check
  opens it. Trial calls stay "in flight"; a caller can be cancelled right there.
* :class:`Meeting` -- a hook in which each call waits until ``parties`` calls are inside,
  for a bounded number of loop turns (never real time): calls that really overlap all get
  in; calls serialised by a lock arrive one at a time and ``most_inside`` stays at 1.
* :func:`settle` / :func:`until` -- let every ready task run until it blocks (a bounded
  number of event-loop turns, no real time). Tasks created together have all run up to
  their first real suspension after one ``settle()``: a breaker with an ``await`` between
  its check and its take has let every one of them past the check.
* :class:`Protected` -- a coroutine function for the breaker to guard that remembers what
  it did (how often it ran, what it returned or raised, the ``CancelledError`` it saw).
* :func:`run` -- each check's ``asyncio.run`` on its own event loop, in a daemon thread. A
  loop that stops turning (a ``threading.Lock`` held across an ``await`` blocks the thread
  the loop runs on) is reported after :data:`WAIT` real seconds, never waited for.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from types import TracebackType
from typing import Any, Awaitable, Callable, Coroutine

from fake_services import AsyncService, Call, FakeClock, FakeService
from harness import Outcome, Scenario
# The checks' words for outcomes, and their listener, are the harness's (lessons 4-11 use them).
from harness.breaker_calls import FAILED, OK, REJECTED, describe  # noqa: F401
from harness.breaker_calls import kind_of as kind  # noqa: F401
from harness.threads import Transitions  # noqa: F401

#: Real seconds a check waits for an event loop that has stopped turning.
WAIT = 1.0
#: Event-loop turns that ``settle`` and ``until`` allow (a correct breaker needs a handful).
TURNS = 50

#: What a check says of a caller that should have been rejected at once and was not.
STILL_RUNNING = ("not rejected: still running once every task had run as far as it could "
                 "(admitted and held inside the service, or waiting for a permit or a lock)")
#: The path every check fetches.
USER = "/users/42"


# -- the event loop ----------------------------------------------------------------------------

def run(scenario: Scenario, main: Callable[[], Coroutine[Any, Any, Any]], impl: Any,
        *, limit: float = WAIT) -> Any:
    """``asyncio.run(main())`` on a fresh loop; its result, or what it raised.

    The loop runs in a daemon thread so that a breaker which blocks it is reported instead of
    hanging the check. ``NotImplementedError`` and a check's verdict propagate unchanged.
    ``impl`` is the implementation under grading: once it has blocked one loop for good (a
    lock that is never released, say), its next checks wait 0.1 s for theirs, not a second.
    """
    __tracebackhide__ = True  # pytest: the check's own frames are what matter
    blocked = _blocked_loops.setdefault(_identity(impl), [])
    if any(thread.is_alive() for thread in blocked):
        limit = min(limit, 0.1)
    box: dict[str, Any] = {}

    async def watched() -> Any:
        box["loop"] = asyncio.get_running_loop()
        box["task"] = asyncio.current_task()
        return await main()

    def target() -> None:
        try:
            box["value"] = asyncio.run(watched())
        except BaseException as error:  # noqa: BLE001 - handed to the check's thread
            box["error"] = error

    thread = threading.Thread(target=target, name="kata-event-loop", daemon=True)
    thread.start()
    thread.join(limit)
    if thread.is_alive() and _still_turning(box, min(limit, 0.2)):
        # Every task is waiting for something that never comes: stop the check's loop (so no
        # thread is left behind) and say so.
        box["loop"].call_soon_threadsafe(box["task"].cancel)
        thread.join(limit)
        scenario.fail(
            expected="the check's calls each end: admitted and answered, or rejected at once",
            observed=f"after {limit:g} s of real time the check was still waiting for a call "
                     f"that never ended, while the event loop had nothing else to run. Does a "
                     f"caller wait (for a permit, or an asyncio.Lock held across the protected "
                     f"call) instead of being rejected at once?")
    if thread.is_alive():
        blocked.append(thread)
        scenario.fail(
            expected="the event loop keeps turning: at every await a task hands control back "
                     "to it, and the check goes on",
            observed=f"the event loop was blocked for {limit:g} s of real time, so no task "
                     f"could run any more. Is a threading.Lock held across an await? The task "
                     f"that holds it is suspended, and the next task that asks for it blocks "
                     f"the thread the whole loop runs on, forever (use no lock, or an "
                     f"asyncio.Lock, and never hold either across the protected call)")
    error = box.get("error")
    if isinstance(error, (KeyboardInterrupt, SystemExit)):
        scenario.fail(expected="the check's event loop ends normally",
                      observed=f"{type(error).__name__} escaped from the event loop")
    if error is not None:
        raise error.with_traceback(_from_the_check(error.__traceback__))
    return box.get("value")


#: Per implementation, the threads of loops a check found blocked (daemons: they can never
#: be stopped, and never keep the process alive).
_blocked_loops: dict[int, list[threading.Thread]] = {}


def _identity(impl: Any) -> int:
    """One number per implementation module (a check's ``impl`` is a fresh view of it)."""
    try:
        return id(impl.CircuitBreaker)
    except Exception:  # noqa: BLE001 - a module without the class: nothing to remember
        return id(impl)


def _from_the_check(tb: TracebackType | None) -> TracebackType | None:
    """The traceback without the frames of the loop's machinery (this thread's runner,
    asyncio's): from the check's own coroutine on, which is what a reader needs (and what
    pytest formats quickly)."""
    start = tb
    while start is not None and (start.tb_frame.f_code.co_filename == __file__
                                 or start.tb_frame.f_code.co_filename.startswith(_ASYNCIO)):
        start = start.tb_next
    return start if start is not None else tb


_ASYNCIO = str(Path(asyncio.__file__).parent)


def _still_turning(box: dict[str, Any], wait: float) -> bool:
    """Whether the check's event loop still runs callbacks (it is waiting, not blocked)."""
    loop = box.get("loop")
    if loop is None or loop.is_closed():
        return False
    turned = threading.Event()
    try:
        loop.call_soon_threadsafe(turned.set)
    except RuntimeError:  # closed in the meantime
        return False
    return turned.wait(wait)


async def settle(turns: int = TURNS) -> None:
    """Let every task that is ready run, ``turns`` times over (no real time passes)."""
    for _ in range(turns):
        await asyncio.sleep(0)


async def until(predicate: Callable[[], bool], turns: int = TURNS) -> bool:
    """Turn the loop until ``predicate()`` holds; False if it still does not after ``turns``."""
    for _ in range(turns):
        if predicate():
            return True
        await asyncio.sleep(0)
    return predicate()


# -- holding calls inside the service ------------------------------------------------------------

class Gate:
    """A ``before_reply`` hook: holds calls inside the service while it is closed.

    ``numbers`` limits it to those call numbers (1 = the service's first call). Create it
    inside the check's event loop.
    """

    def __init__(self, *, numbers: set[int] | None = None, closed: bool = True) -> None:
        self._numbers = numbers
        self._open = asyncio.Event()
        if not closed:
            self._open.set()
        self.arrived = 0
        self.inside = 0
        self.most_inside = 0

    async def __call__(self, call: Call) -> None:
        if self._numbers is not None and call.number not in self._numbers:
            return
        self.arrived += 1
        self.inside += 1
        self.most_inside = max(self.most_inside, self.inside)
        try:
            await self._open.wait()
        finally:
            self.inside -= 1

    def open(self) -> None:
        self._open.set()

    def close(self) -> None:
        self._open.clear()


class Meeting:
    """A ``before_reply`` hook: each call waits, a bounded number of loop turns, until
    ``parties`` calls have arrived. Overlapping calls all get in; serialised ones do not."""

    def __init__(self, parties: int) -> None:
        self._parties = parties
        self.arrived = 0
        self.inside = 0
        self.most_inside = 0

    async def __call__(self, call: Call) -> None:
        self.arrived += 1
        self.inside += 1
        self.most_inside = max(self.most_inside, self.inside)
        try:
            await until(lambda: self.arrived >= self._parties)
        finally:
            self.inside -= 1


# -- the guarded function -------------------------------------------------------------------------

class Protected:
    """Builds the coroutine function a check hands to the breaker (``protected.func``).

    ``func`` is a real ``async def`` function (so ``inspect.iscoroutinefunction`` says yes)
    that awaits ``body(*args, **kwargs)`` and remembers every run: ``invocations``, and in
    ``produced`` what it returned or raised, the very objects.
    """

    def __init__(self, body: Callable[..., Awaitable[Any]], name: str = "fetch_user") -> None:
        self.invocations = 0
        self.produced: list[tuple[str, Any]] = []

        async def protected(*args: Any, **kwargs: Any) -> Any:
            self.invocations += 1
            try:
                value = await body(*args, **kwargs)
            except BaseException as error:
                self.produced.append(("raised", error))
                raise
            self.produced.append(("returned", value))
            return value

        protected.__name__ = protected.__qualname__ = name
        self.func = protected

    @property
    def last_raised(self) -> BaseException | None:
        for how, thing in reversed(self.produced):
            if how == "raised":
                return thing
        return None


def fetching(users: AsyncService, path: str = "/users/42") -> Protected:
    """A guarded ``users.fetch_json(path)``: the JSON, or ``HTTPError`` on a 4xx/5xx."""
    async def body() -> object:
        return await users.fetch_json(path)
    return Protected(body)


def raising(error: BaseException, users: AsyncService | None = None) -> Protected:
    """A guarded call that reaches ``users`` (when given) and then raises ``error``."""
    async def body() -> object:
        if users is not None:
            await users.get("/users/42")
        raise error
    return Protected(body)


# -- calls and what they did --------------------------------------------------------------------

class Log:
    """What the callers of one check did, for the failure message's timeline."""

    def __init__(self, clock: FakeClock, *services: AsyncService) -> None:
        self.clock = clock
        self.services = services
        self.lines: list[str] = []

    def note(self, text: str) -> None:
        self.lines.append(f"t={self.clock():8.3f}  {text}")

    def timeline(self) -> str:
        return "\n".join(self.lines[-16:] + [s.timeline() for s in self.services])


async def attempt(impl: Any, call: Callable[[], Awaitable[Any]], log: Log | None = None,
                  who: str = "call") -> Outcome:
    """Make one call (``call()``, awaited) and capture what it returned or raised
    (``NotImplementedError`` and ``CancelledError`` propagate).

    ``call`` is a function, run inside the capture: ``breaker.call`` may be a plain ``def``
    that refuses (``TypeError``) or rejects (``CircuitOpenError``) before returning the
    coroutine, and ``await breaker.call(...)`` reads the same to its callers.
    """
    try:
        outcome = Outcome(value=await call())
    except NotImplementedError:
        raise
    except Exception as error:  # the learner's code may raise anything; the check judges it
        outcome = Outcome(error=error)
    if log is not None:
        log.note(f"{who}: {describe(impl, outcome)}")
    return outcome


def shown(results: list[str]) -> str:
    return ", ".join(results) if results else "no calls"


class Tasks:
    """Callers running as tasks of the check's loop; what each one ended with."""

    def __init__(self, impl: Any, log: Log) -> None:
        self.impl = impl
        self.log = log
        self.tasks: dict[str, asyncio.Task[Any]] = {}

    def start(self, who: str, awaitable: Callable[[], Awaitable[Any]]) -> asyncio.Task[Any]:
        """Start a caller; it runs at the loop's next turn."""
        async def caller() -> Any:
            return await awaitable()
        task = asyncio.get_running_loop().create_task(caller(), name=who)
        self.tasks[who] = task
        return task

    async def probe(self, who: str, awaitable: Callable[[], Awaitable[Any]]) -> Outcome | None:
        """Start a caller and let it run until it blocks: its outcome if it ended (rejected,
        say), None if it is still running (admitted, and held inside the service)."""
        task = self.start(who, awaitable)
        await until(task.done)
        outcome = self.outcome(who)
        self.log.note(f"{who}: " + ("still running (inside the service, or waiting)"
                                    if outcome is None else describe(self.impl, outcome)))
        return outcome

    async def timed(self, scenario: Scenario, who: str,
                    awaitable: Callable[[], Awaitable[Any]]) -> Outcome:
        """A call that ``call_timeout=0`` must end while the service hangs: its outcome, or
        the check fails if it is still waiting once every task has run as far as it can."""
        outcome = await self.probe(who, awaitable)
        if outcome is None:
            scenario.fail(expected=f"{who} ends with TimeoutError: call_timeout 0 gives a call "
                                   f"that has to wait no time at all",
                          observed=f"{who} is still waiting inside the hanging service: no "
                                   f"timeout fired. Is call_timeout=0 taken for 'no timeout' "
                                   f"(`if self.call_timeout:`)? Only None means no timeout",
                          timeline=self.log.timeline())
        return outcome

    def outcome(self, who: str) -> Outcome | None:
        """What the caller ended with: None while it runs; a CancelledError if it ended
        cancelled. ``NotImplementedError`` from the starter is re-raised."""
        task = self.tasks[who]
        if not task.done():
            return None
        if task.cancelled():
            return Outcome(error=asyncio.CancelledError())
        error = task.exception()
        if isinstance(error, NotImplementedError):
            raise error
        return Outcome(error=error) if error is not None else Outcome(value=task.result())

    def finished(self) -> list[str]:
        return [who for who, task in self.tasks.items() if task.done()]

    def running(self) -> list[str]:
        return [who for who, task in self.tasks.items() if not task.done()]

    def reraise_unwritten(self) -> None:
        """If a caller hit the starter's NotImplementedError, raise it (as a check would)."""
        errors = [task.exception() for task in self.tasks.values()
                  if task.done() and not task.cancelled()]  # retrieved, so never logged
        for error in errors:
            if isinstance(error, NotImplementedError):
                raise error

    def describe(self) -> str:
        lines = []
        for who in self.tasks:
            outcome = self.outcome(who)
            if outcome is None:
                lines.append(f"{who}: still inside")
            elif outcome.raised(asyncio.CancelledError):
                lines.append(f"{who}: ended cancelled")
            else:
                lines.append(f"{who}: {describe(self.impl, outcome)}")
        return "\n".join(lines)

    async def finish(self) -> None:
        """Cancel whatever still runs and collect every task, so nothing is left behind."""
        for task in self.tasks.values():
            if not task.done():
                task.cancel()
        await asyncio.gather(*self.tasks.values(), return_exceptions=True)


def arrows(events: list[tuple[Any, Any]]) -> str:
    names = [f"{getattr(old, 'name', old)}→{getattr(new, 'name', new)}" for old, new in events]
    return ", ".join(names) if names else "no transitions"


def transitions(impl: Any, *pairs: str) -> list[tuple[Any, Any]]:
    """``transitions(impl, "CLOSED>OPEN")`` -> ``[(State.CLOSED, State.OPEN)]``."""
    result = []
    for pair in pairs:
        old, new = pair.split(">")
        result.append((getattr(impl.State, old), getattr(impl.State, new)))
    return result


# -- the checks' common steps -----------------------------------------------------------------

def users_service(clock: FakeClock, name: str = "users") -> AsyncService:
    return AsyncService(FakeService(name, clock))


def pattern(outcomes: str) -> list[int]:
    """``"FSS"`` -> the replies a service gives: 503 for F, 200 for S."""
    return [503 if mark == "F" else 200 for mark in outcomes]


def getting(users: AsyncService) -> Protected:
    """A guarded ``users.get(USER)``: the response, whatever its status (a 503 is returned)."""
    async def body() -> object:
        return await users.get(USER)
    return Protected(body)


def rate_text(rate: object) -> str:
    return "None" if rate is None else f"{rate!r}"


def same(value: object, expected: float) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and \
        abs(value - expected) < 1e-6


def retry_after(outcome: Outcome) -> object:
    return getattr(outcome.error, "retry_after", None)


async def calls(impl: Any, breaker: Any, protected: Protected, count: int, log: Log,
                first: int = 1) -> list[str]:
    """``count`` calls one after another, each reduced to ok / failed / rejected."""
    results = []
    for number in range(first, first + count):
        outcome = await attempt(impl, lambda: breaker.call(protected.func), log, f"call {number}")
        results.append(kind(impl, outcome))
    return results


async def trip(impl: Any, breaker: Any, users: AsyncService, log: Log, failures: int = 1
               ) -> None:
    """Fail ``failures`` calls (503) and check that the breaker is open afterwards."""
    users.service.script(*[503] * failures)
    protected = fetching(users)
    for number in range(failures):
        await attempt(impl, lambda: breaker.call(protected.func), log, f"failing call {number + 1}")
    probe = fetching(users)
    before = users.call_count
    outcome = await attempt(impl, lambda: breaker.call(probe.func), log, "probe")
    Scenario(f"opening the breaker with {failures} failure(s)").expect(
        outcome.raised(impl.CircuitOpenError) and users.call_count == before,
        expected="the breaker is open: the next call is rejected with CircuitOpenError",
        observed=describe(impl, outcome), timeline=log.timeline())


def open_breaker(impl: Any, clock: FakeClock, **settings: Any) -> Any:
    """A breaker that one failure opens (window 1), with ``settings`` on top."""
    base = dict(failure_rate_threshold=50, window_size=1, minimum_calls=1, recovery_timeout=30,
                name="users", clock=clock)
    base.update(settings)
    return impl.CircuitBreaker(**base)
