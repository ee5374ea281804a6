"""Lesson 15 checks, pybreaker: lessons 4 and 5's scenarios, and where pybreaker disagrees.

Every breaker here is the learner's ``make_breaker(...)``: a real ``pybreaker.CircuitBreaker``.
pybreaker reads the wall clock itself, so the ``wall`` fixture (conftest.py) ties the
``datetime.now`` it calls to the check's fake clock; ``clock.advance`` moves both. The first
group of checks replays lessons 4 and 5 where pybreaker, configured well, agrees with the kata;
the second runs the disagreements, each check stating what the library does.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
import time
from types import SimpleNamespace
from typing import Any, Callable

import pybreaker
import pytest
import requests
from harness import Outcome, Scenario
from harness.breaker_calls import Caller as KataCaller

from fake_services import (FakeClock, FakeService, connect_timeout, malformed_json,
                           read_timeout, refused, reset)

USER = "/users/42"
EARLY = 0.5  # "just before the recovery timeout": this many seconds before it
LATE = 0.5  # "just after the recovery timeout": this many seconds after it


class Caller(KataCaller):
    """``harness.breaker_calls.Caller`` for a pybreaker breaker, whose rejection is
    ``pybreaker.CircuitBreakerError`` (the kata's ``CircuitOpenError``)."""

    def rejected(self, outcome: Outcome) -> bool:
        return outcome.raised(pybreaker.CircuitBreakerError)

    def describe(self, outcome: Outcome) -> str:
        if self.rejected(outcome):
            return "raised CircuitBreakerError"
        return super().describe(outcome)


def fetcher(service: FakeService) -> Callable[..., Any]:
    """What a learner protects: GET a user, raise on an HTTP error status, return the JSON."""

    def fetch_user(path: str = USER, timeout: float = 2) -> Any:
        return service.fetch_json(path, timeout=timeout)

    return fetch_user


def caller_for(breaker: Any, service: FakeService, clock: FakeClock, scenario: Scenario,
               who: str = "caller") -> Caller:
    return Caller(None, breaker, fetcher(service), clock, scenario, who=who)


def state_of(breaker: Any) -> str:
    """pybreaker's state name: 'closed', 'open' or 'half-open'."""
    return str(breaker.current_state)


def advance_to(clock: FakeClock, moment: float) -> None:
    clock.advance(max(0.0, moment - clock()))


TRIP_NOTE = (" (it reached the service and still raised CircuitBreakerError: pybreaker's "
             "throw_new_error_on_trip at work)")


def admitted(scenario: Scenario, caller: Caller, service: FakeService, *, when: str,
             why: str = "") -> Outcome:
    """A call the breaker must let through to the service."""
    before = service.call_count
    outcome = caller.call()
    reached = service.call_count - before
    scenario.expect(reached == 1 and not caller.rejected(outcome),
                    expected=f"{when}: the call admitted and reaching the {service.name} service"
                             + (f" ({why})" if why else ""),
                    observed=f"the call {caller.describe(outcome)}; {reached} calls reached "
                             f"the service" + (TRIP_NOTE if reached and caller.rejected(outcome)
                                               else ""),
                    timeline=caller.timeline(service))
    return outcome


def rejected(scenario: Scenario, caller: Caller, service: FakeService, *, when: str,
             why: str = "") -> Outcome:
    """A call the breaker must reject with CircuitBreakerError, without calling the service."""
    before, ran = service.call_count, caller.invocations
    outcome = caller.call()
    scenario.expect(caller.rejected(outcome) and service.call_count == before
                    and caller.invocations == ran,
                    expected=f"{when}: the call rejected with CircuitBreakerError, without "
                             f"calling the service" + (f" ({why})" if why else ""),
                    observed=f"the call {caller.describe(outcome)}; "
                             f"{service.call_count - before} calls reached the service",
                    timeline=caller.timeline(service))
    return outcome


def failing(scenario: Scenario, caller: Caller, service: FakeService, failures: int, *,
            gap: float = 0.0) -> None:
    """``failures`` calls in a row that reach the (failing) service and raise its own error."""
    for number in range(1, failures + 1):
        if number > 1 and gap:
            caller.clock.advance(gap)
        ran = caller.invocations
        outcome = caller.call()
        note = TRIP_NOTE if caller.invocations > ran and caller.rejected(outcome) else ""
        scenario.expect(caller.own_error(outcome),
                        expected=f"failure {number} of {failures} reaches the service and "
                                 f"raises its own error (the very exception the function "
                                 f"raised)",
                        observed=f"the call {caller.describe(outcome)}{note}",
                        timeline=caller.timeline(service))


def expect_state(scenario: Scenario, breaker: Any, expected: str, *, why: str,
                 timeline: str | None = None) -> None:
    scenario.expect(state_of(breaker) == expected,
                    expected=f"breaker.current_state {expected!r} ({why})",
                    observed=f"{state_of(breaker)!r}", timeline=timeline)


def trip(scenario: Scenario, caller: Caller, service: FakeService, failures: int,
         gap: float = 0.0) -> None:
    failing(scenario, caller, service, failures, gap=gap)
    expect_state(scenario, caller.breaker, "open",
                 why=f"{failures} failures in a row, failure_threshold={failures}",
                 timeline=caller.timeline(service))


def interrupt(breaker: Any) -> BaseException | None:
    """Call through ``breaker`` a function that raises KeyboardInterrupt; what came out."""
    pressed = KeyboardInterrupt()

    def interrupted() -> None:
        raise pressed

    try:
        breaker.call(interrupted)
    except NotImplementedError:
        raise
    except BaseException as error:  # noqa: B036 - Ctrl-C is the point of the check
        return error
    return None


# -- lessons 4 and 5, through pybreaker ----------------------------------------------------


def test_make_breaker_builds_a_named_pybreaker(impl, clock):
    """make_breaker returns a pybreaker.CircuitBreaker named after its dependency, which passes calls through"""
    users = FakeService("users", clock)
    breaker = impl.make_breaker("users", failure_threshold=3)
    scenario = Scenario("the users service is healthy; make_breaker('users', "
                        "failure_threshold=3); 3 calls, then breaker.call(fetch_user, "
                        "'/users/7', timeout=1)")
    scenario.expect(isinstance(breaker, pybreaker.CircuitBreaker),
                    expected="a pybreaker.CircuitBreaker", observed=repr(breaker))
    scenario.expect(breaker.name == "users", expected="breaker.name 'users'",
                    observed=f"{breaker.name!r}")
    caller = caller_for(breaker, users, clock, scenario)
    for _ in range(3):
        outcome = caller.call()
        scenario.expect(outcome.returned and caller.unchanged(outcome),
                        expected="the user's JSON returned by breaker.call, as the function "
                                 "returned it",
                        observed=caller.describe(outcome), timeline=caller.timeline(users))
    outcome = caller.call("/users/7", timeout=1)
    scenario.expect(outcome.returned and isinstance(outcome.value, dict)
                    and outcome.value.get("path") == "/users/7",
                    expected="the arguments passed on: user 7's JSON returned",
                    observed=caller.describe(outcome), timeline=caller.timeline(users))
    expect_state(scenario, breaker, "closed", why="every call succeeded")


def test_opens_after_threshold_consecutive_failures(impl, clock):
    """Opens after `failure_threshold` failures in a row, not one fewer, not one more"""
    for threshold in (1, 3, 5):
        users = FakeService(f"users{threshold}", clock).down(503)
        breaker = impl.make_breaker("users", failure_threshold=threshold)
        scenario = Scenario(f"the users service fails every call (503); "
                            f"make_breaker('users', failure_threshold={threshold})")
        caller = caller_for(breaker, users, clock, scenario)
        for number in range(1, threshold + 1):
            admitted(scenario, caller, users, when=f"call {number}",
                     why=f"{number - 1} failures so far, threshold {threshold}")
        expect_state(scenario, breaker, "open", why=f"right after failure {threshold}",
                     timeline=caller.timeline(users))
        rejected(scenario, caller, users, when=f"call {threshold + 1}",
                 why=f"{threshold} failures in a row opened the breaker")

    users = FakeService("users", clock).script(503, 503, 200, 503, 503)
    breaker = impl.make_breaker("users", failure_threshold=3)
    scenario = Scenario("the users service answers 503, 503, 200, 503, 503; "
                        "make_breaker('users', failure_threshold=3)")
    caller = caller_for(breaker, users, clock, scenario)
    counts = []
    for _ in range(5):
        caller.call()
        counts.append(breaker.fail_counter)
    scenario.expect(counts == [1, 2, 0, 1, 2],
                    expected="breaker.fail_counter after each call: [1, 2, 0, 1, 2] (the 200 "
                             "breaks the run)",
                    observed=str(counts), timeline=caller.timeline(users))
    admitted(scenario, caller, users, when="call 6", why="only 2 failures in a row so far")


def test_tripping_call_raises_its_own_error(impl, clock):
    """The call that trips the breaker raises its own error (pybreaker's default raises CircuitBreakerError)"""
    replies = (refused(), read_timeout(), 503)
    library = FakeService("library", clock).script(*replies)
    default = pybreaker.CircuitBreaker(fail_max=3)
    scenario = Scenario("the users service refuses the connection, times out, then answers "
                        "503; first pybreaker.CircuitBreaker(fail_max=3) as it comes, then "
                        "make_breaker('users', failure_threshold=3)")
    plain = caller_for(default, library, clock, scenario, who="pybreaker's default")
    plain.call()
    plain.call()
    outcome = plain.call()
    scenario.expect(outcome.raised(pybreaker.CircuitBreakerError) and library.call_count == 3,
                    expected="what pybreaker does by default (throw_new_error_on_trip=True): "
                             "the third call reaches the service, and raises "
                             "CircuitBreakerError instead of the 503",
                    observed=f"the third call {plain.describe(outcome)}",
                    timeline=plain.timeline(library))

    users = FakeService("users", clock).script(*replies)
    breaker = impl.make_breaker("users", failure_threshold=3)
    caller = caller_for(breaker, users, clock, scenario, who="make_breaker")
    caller.call()
    caller.call()
    outcome = caller.call()
    scenario.expect(caller.own_error(outcome) and outcome.raised(requests.HTTPError),
                    expected="with make_breaker, the third call, which trips the breaker, "
                             "raises its own 503 (the very HTTPError the function raised)",
                    observed=f"the third call {caller.describe(outcome)}",
                    timeline=caller.timeline(users))
    expect_state(scenario, breaker, "open", why="the third failure in a row",
                 timeline=caller.timeline(users))
    rejected(scenario, caller, users, when="the fourth call")


def test_recovery_timeout_admits_a_trial_call(impl, clock):
    """After `recovery_timeout` seconds the next call is a trial; before, every call is rejected and none extends the wait"""
    for timeout in (30.0, 2.5):
        users = FakeService(f"users{timeout:g}", clock).down(503)
        breaker = impl.make_breaker("users", failure_threshold=3, recovery_timeout=timeout)
        advance_to(clock, clock() + 100)
        opened = clock() + 2 * 4.0
        scenario = Scenario(f"the users service fails (503) at t={clock():g}, "
                            f"t={clock() + 4:g} and t={opened:g}, then recovers; "
                            f"make_breaker('users', failure_threshold=3, "
                            f"recovery_timeout={timeout:g}); a call every half second while "
                            f"it is open")
        caller = caller_for(breaker, users, clock, scenario)
        trip(scenario, caller, users, 3, gap=4.0)
        while clock() + 0.5 <= opened + timeout - EARLY:
            clock.advance(0.5)
            rejected(scenario, caller, users, when=f"t={clock():g}",
                     why=f"{clock() - opened:g} s after the breaker opened at t={opened:g}")
        users.healthy()
        advance_to(clock, opened + timeout - EARLY)
        rejected(scenario, caller, users, when=f"t={clock():g}",
                 why=f"{timeout - EARLY:g} s after the breaker opened: still open")
        advance_to(clock, opened + timeout + LATE)
        outcome = admitted(scenario, caller, users, when=f"t={clock():g}",
                           why=f"{timeout + LATE:g} s after the breaker opened: a trial call; "
                               f"the rejected calls must not have moved that")
        scenario.expect(outcome.returned, expected="the trial call returns the user's JSON",
                        observed=caller.describe(outcome), timeline=caller.timeline(users))

    users = FakeService("users0", clock).down(503)
    breaker = impl.make_breaker("users", failure_threshold=2, recovery_timeout=0)
    scenario = Scenario("make_breaker('users', failure_threshold=2, recovery_timeout=0): "
                        "the users service fails twice (503), then recovers")
    caller = caller_for(breaker, users, clock, scenario)
    trip(scenario, caller, users, 2)
    users.healthy()
    admitted(scenario, caller, users, when="the very next call, at the same instant",
             why="recovery_timeout=0: a trial call at once")


def test_trial_successes_close_the_breaker(impl, clock):
    """`success_threshold` trial successes in a row close the breaker; fewer leave it half-open"""
    for needed in (1, 2, 3):
        users = FakeService(f"users{needed}", clock).down(503)
        breaker = impl.make_breaker("users", failure_threshold=2, recovery_timeout=30,
                                    success_threshold=needed)
        start = clock()
        scenario = Scenario(f"the users service fails twice (503), then recovers; "
                            f"make_breaker('users', failure_threshold=2, recovery_timeout=30, "
                            f"success_threshold={needed}) tripped at t={start:g}")
        caller = caller_for(breaker, users, clock, scenario)
        trip(scenario, caller, users, 2)
        users.healthy()
        advance_to(clock, start + 30 + LATE)
        for number in range(1, needed + 1):
            admitted(scenario, caller, users, when=f"trial call {number}")
            expected = "closed" if number == needed else "half-open"
            expect_state(scenario, breaker, expected,
                         why=f"{number} trial success{'es' if number > 1 else ''}, "
                             f"success_threshold={needed}", timeline=caller.timeline(users))
        for _ in range(3):
            admitted(scenario, caller, users, when="after closing")


def test_trial_failure_reopens_and_restarts_the_timeout(impl, clock):
    """A failed trial raises its own error, re-opens the breaker for a full timeout, and trial successes count from zero"""
    users = FakeService("users", clock).down(503)
    breaker = impl.make_breaker("users", failure_threshold=3, recovery_timeout=30,
                                success_threshold=2)
    scenario = Scenario("the users service is down (503); make_breaker('users', "
                        "failure_threshold=3, recovery_timeout=30, success_threshold=2) "
                        "tripped at t=0; trial calls: a success at t=30.5, a failure at t=31")
    caller = caller_for(breaker, users, clock, scenario)
    trip(scenario, caller, users, 3)
    users.script(200)
    advance_to(clock, 30.5)
    admitted(scenario, caller, users, when="t=30.5", why="the first trial call")
    clock.advance(0.5)
    outcome = admitted(scenario, caller, users, when="t=31", why="the second trial call")
    scenario.expect(caller.own_error(outcome),
                    expected="the failed trial raises its own 503 (pybreaker's default would "
                             "raise CircuitBreakerError: 'Trial call failed')",
                    observed=f"the call {caller.describe(outcome)}",
                    timeline=caller.timeline(users))
    expect_state(scenario, breaker, "open", why="the trial failed",
                 timeline=caller.timeline(users))
    advance_to(clock, 31 + 30 - EARLY)
    rejected(scenario, caller, users, when=f"t={31 + 30 - EARLY}",
             why="the full 30 s start again from the failed trial at t=31")
    users.healthy()
    advance_to(clock, 31 + 30 + LATE)
    admitted(scenario, caller, users, when=f"t={31 + 30 + LATE}", why="a new trial call")
    expect_state(scenario, breaker, "half-open",
                 why="1 trial success in this half-open period: the successes of the last one "
                     "do not carry over (success_threshold=2)", timeline=caller.timeline(users))
    admitted(scenario, caller, users, when="the next call", why="the second trial")
    expect_state(scenario, breaker, "closed", why="2 trial successes in a row",
                 timeline=caller.timeline(users))


def test_default_settings(impl, clock):
    """With no settings, the kata's defaults, not pybreaker's: opens after 5 failures, waits 30 s, closes after 2 trial successes"""
    users = FakeService("users", clock).down(503)
    breaker = impl.make_breaker("users")
    scenario = Scenario("the users service fails (503) from t=0, recovers later; "
                        "make_breaker('users') with the default settings (pybreaker's own: "
                        "fail_max=5, reset_timeout=60, success_threshold=1)")
    caller = caller_for(breaker, users, clock, scenario)
    trip(scenario, caller, users, 5)
    rejected(scenario, caller, users, when="after 5 failures", why="failure_threshold=5")
    users.healthy()
    advance_to(clock, 30 - EARLY)
    rejected(scenario, caller, users, when=f"t={30 - EARLY}", why="recovery_timeout=30")
    advance_to(clock, 30 + LATE)
    admitted(scenario, caller, users, when=f"t={30 + LATE}",
             why="recovery_timeout defaults to 30 s (pybreaker's reset_timeout to 60)")
    expect_state(scenario, breaker, "half-open",
                 why="1 trial success of the 2 that success_threshold defaults to "
                     "(pybreaker's own default is 1)", timeline=caller.timeline(users))
    admitted(scenario, caller, users, when="the next call", why="trial 2")
    expect_state(scenario, breaker, "closed", why="2 trial successes",
                 timeline=caller.timeline(users))


def test_answers_are_not_failures(impl, clock):
    """A 4xx answer (400 to 499, 429 included), malformed JSON or a bug in your own code is not a failure: raised unchanged, it counts as a success"""
    for status in (400, 401, 403, 404, 409, 418, 422, 429, 499):
        users = FakeService(f"users{status}", clock).script(503, status, 503)
        breaker = impl.make_breaker("users", failure_threshold=2)
        scenario = Scenario(f"the users service answers 503, {status}, 503; "
                            f"make_breaker('users', failure_threshold=2)")
        caller = caller_for(breaker, users, clock, scenario)
        caller.call()
        outcome = caller.call()
        scenario.expect(caller.own_error(outcome) and outcome.raised(requests.HTTPError),
                        expected=f"the {status} raised to the caller unchanged (its own "
                                 f"HTTPError)",
                        observed=f"the call {caller.describe(outcome)}",
                        timeline=caller.timeline(users))
        caller.call()
        scenario.expect(state_of(breaker) == "closed" and breaker.fail_counter == 1,
                        expected=f"still closed with fail_counter 1: the {status} is an answer "
                                 f"(a success), so the two 503s are not in a row",
                        observed=f"{state_of(breaker)!r}, fail_counter {breaker.fail_counter}",
                        timeline=caller.timeline(users))

    bugs = [("the code reads a field the body lacks (a KeyError: your bug, not the "
             "service's)", 200, lambda fetch: fetch()["name"], KeyError),
            ("the body is not JSON (requests.JSONDecodeError)", malformed_json(),
             lambda fetch: fetch(), requests.JSONDecodeError)]
    for description, reply, use, kind in bugs:
        users = FakeService("users", clock).script(503, reply, 503)
        breaker = impl.make_breaker("users", failure_threshold=2)
        scenario = Scenario(f"make_breaker('users', failure_threshold=2); the users service "
                            f"answers 503, then 200 but {description}, then 503")
        caller = caller_for(breaker, users, clock, scenario)
        fetch = fetcher(users)
        parser = Caller(None, breaker, lambda use=use, fetch=fetch: use(fetch), clock, scenario,
                        who="parser")
        caller.call()
        outcome = parser.call()
        scenario.expect(parser.own_error(outcome) and outcome.raised(kind),
                        expected=f"the {kind.__name__} raised to the caller unchanged",
                        observed=f"the call {parser.describe(outcome)}",
                        timeline=parser.timeline(users))
        caller.call()
        scenario.expect(state_of(breaker) == "closed" and breaker.fail_counter == 1,
                        expected=f"still closed with fail_counter 1: the {kind.__name__} is "
                                 f"not a failure of the service (is_service_failure says no)",
                        observed=f"{state_of(breaker)!r}, fail_counter {breaker.fail_counter}",
                        timeline=caller.timeline(users))

    users = FakeService("users", clock).down(503)
    breaker = impl.make_breaker("users", failure_threshold=1, recovery_timeout=30,
                                success_threshold=1)
    scenario = Scenario("make_breaker('users', failure_threshold=1, recovery_timeout=30, "
                        "success_threshold=1) trips on a 503 at t=0; at t=30.5 the trial call "
                        "is answered 404")
    caller = caller_for(breaker, users, clock, scenario)
    trip(scenario, caller, users, 1)
    users.always(404)
    advance_to(clock, 30 + LATE)
    outcome = admitted(scenario, caller, users, when="t=30.5", why="the trial call")
    scenario.expect(caller.own_error(outcome),
                    expected="the 404 raised to the caller unchanged",
                    observed=f"the call {caller.describe(outcome)}",
                    timeline=caller.timeline(users))
    expect_state(scenario, breaker, "closed",
                 why="a 404 is an answer: as good a proof of life as a 200",
                 timeline=caller.timeline(users))


def test_service_failures_are_failures(impl, clock):
    """Connection refused or reset, connect and read timeouts, and every 5xx (500 to 599) each count as a failure, raised unchanged"""
    kinds = [("connection refused", refused()), ("connection reset", reset()),
             ("read timeout", read_timeout()), ("connect timeout", connect_timeout()),
             ("500", 500), ("501", 501), ("502", 502), ("503", 503), ("504", 504),
             ("599", 599)]
    for label, reply in kinds:
        users = FakeService("users", clock).script(reply)
        breaker = impl.make_breaker("users", failure_threshold=1)
        scenario = Scenario(f"make_breaker('users', failure_threshold=1); the users service: "
                            f"{label}")
        caller = caller_for(breaker, users, clock, scenario)
        outcome = caller.call()
        scenario.expect(caller.own_error(outcome),
                        expected=f"the {label} raised to the caller unchanged (the very "
                                 f"exception the function raised)",
                        observed=f"the call {caller.describe(outcome)}",
                        timeline=caller.timeline(users))
        expect_state(scenario, breaker, "open",
                     why=f"a {label} is the service's failure; failure_threshold=1",
                     timeline=caller.timeline(users))


class Recorder(pybreaker.CircuitBreakerListener):
    """A listener that writes down what pybreaker tells it."""

    def __init__(self) -> None:
        self.transitions: list[tuple[str, str]] = []
        self.events: list[str] = []
        self.breakers: list[Any] = []  # the cb each hook was handed
        self.calls: list[tuple[Any, tuple[Any, ...], dict[str, Any]]] = []  # before_call's
        self.errors: list[BaseException] = []  # failure's

    def state_change(self, cb: Any, old_state: Any, new_state: Any) -> None:
        self.breakers.append(cb)
        self.transitions.append((getattr(old_state, "name", str(old_state)), new_state.name))

    def before_call(self, cb: Any, func: Any, *args: Any, **kwargs: Any) -> None:
        self.breakers.append(cb)
        self.calls.append((func, args, kwargs))
        self.events.append("before_call")

    def failure(self, cb: Any, exc: BaseException) -> None:
        self.breakers.append(cb)
        self.errors.append(exc)
        self.events.append("failure")

    def success(self, cb: Any) -> None:
        self.breakers.append(cb)
        self.events.append("success")


class Raising(pybreaker.CircuitBreakerListener):
    """A badly behaved listener: every hook raises (``only`` limits it to one hook)."""

    def __init__(self, only: str | None = None) -> None:
        self.only = only

    def _boom(self, hook: str) -> None:
        if self.only in (None, hook):
            raise RuntimeError(f"listener bug in {hook}")

    def before_call(self, cb: Any, func: Any, *args: Any, **kwargs: Any) -> None:
        self._boom("before_call")

    def failure(self, cb: Any, exc: BaseException) -> None:
        self._boom("failure")

    def success(self, cb: Any) -> None:
        self._boom("success")

    def state_change(self, cb: Any, old_state: Any, new_state: Any) -> None:
        self._boom("state_change")


def test_listeners_hear_every_transition(impl, clock):
    """Every listener given to make_breaker hears each transition, call, failure and success"""
    users = FakeService("users", clock).down(503)
    first, second = Recorder(), Recorder()
    breaker = impl.make_breaker("users", failure_threshold=2, recovery_timeout=30,
                                success_threshold=1, listeners=(first, second))
    scenario = Scenario("make_breaker('users', failure_threshold=2, recovery_timeout=30, "
                        "success_threshold=1, listeners=(first, second)): two failures at "
                        "t=0, then a successful trial call at t=30.5")
    caller = caller_for(breaker, users, clock, scenario)
    trip(scenario, caller, users, 2)
    users.healthy()
    advance_to(clock, 30 + LATE)
    admitted(scenario, caller, users, when="t=30.5", why="the trial call")
    expected = [("closed", "open"), ("open", "half-open"), ("half-open", "closed")]
    for label, listener in (("first", first), ("second", second)):
        scenario.expect(listener.transitions == expected,
                        expected=f"the {label} listener hears {expected}",
                        observed=str(listener.transitions), timeline=caller.timeline(users))
        heard = ["before_call", "failure", "before_call", "failure", "before_call", "success"]
        scenario.expect(listener.events == heard,
                        expected=f"the {label} listener hears before_call and the outcome of "
                                 f"each call: {heard}",
                        observed=str(listener.events), timeline=caller.timeline(users))
    failures = [thing for how, thing in caller.produced if how == "raised"]
    caller.call("/users/7", timeout=1)
    for label, listener in (("first", first), ("second", second)):
        scenario.expect(all(cb is breaker for cb in listener.breakers),
                        expected=f"every hook of the {label} listener is handed the breaker "
                                 f"itself as cb",
                        observed=", ".join(sorted({repr(cb) for cb in listener.breakers})))
        scenario.expect(len(listener.errors) == 2
                        and all(a is b for a, b in zip(listener.errors, failures)),
                        expected=f"the {label} listener's failure hook is handed each exception "
                                 f"the call raised, the very objects",
                        observed=repr(listener.errors), timeline=caller.timeline(users))
        last = listener.calls[-1] if listener.calls else None
        scenario.expect(last is not None and last[0] == caller._protected
                        and last[1] == ("/users/7",) and last[2] == {"timeout": 1},
                        expected=f"a last breaker.call(fetch_user, '/users/7', timeout=1): the "
                                 f"{label} listener's before_call is handed fetch_user and "
                                 f"its arguments",
                        observed=f"before_call({last!r})" if last else "no before_call",
                        timeline=caller.timeline(users))

    users = FakeService("orders", clock).down(503)
    third = Recorder()
    breaker = impl.make_breaker("orders", failure_threshold=2,
                                listeners=(listener for listener in [third]))
    scenario = Scenario("make_breaker('orders', failure_threshold=2, listeners=<a generator "
                        "of one listener>): two failures")
    caller = caller_for(breaker, users, clock, scenario)
    trip(scenario, caller, users, 2)
    scenario.expect(third.transitions == [("closed", "open")]
                    and third.events == ["before_call", "failure"] * 2,
                    expected="listeners may be any iterable, a generator too (read it once): "
                             "the listener hears [('closed', 'open')] and before_call, failure "
                             "twice",
                    observed=f"{third.transitions}, {third.events}",
                    timeline=caller.timeline(users))


def test_a_raising_listener_changes_nothing(impl, clock, caplog):
    """A listener that raises changes nothing, in any state and on any transition, and its error is logged (pybreaker alone lets it keep the breaker closed for ever)"""
    library = FakeService("library", clock).down(503)
    plain = pybreaker.CircuitBreaker(fail_max=2, throw_new_error_on_trip=False,
                                     listeners=[Raising(only="state_change")])
    scenario = Scenario("the users service is down (503); a listener whose state_change "
                        "raises RuntimeError; first pybreaker.CircuitBreaker(fail_max=2, "
                        "throw_new_error_on_trip=False, listeners=[it]), then "
                        "make_breaker('users', failure_threshold=2, listeners=[a listener "
                        "whose every hook raises])")
    bare = caller_for(plain, library, clock, scenario, who="pybreaker alone")
    outcomes = [bare.call() for _ in range(4)]
    scenario.expect(state_of(plain) == "closed" and library.call_count == 4
                    and outcomes[-1].raised(RuntimeError),
                    expected="what pybreaker does with it: the transition to OPEN is abandoned "
                             "half-way, so the breaker stays closed, every call reaches the "
                             "service, and callers get the listener's RuntimeError",
                    observed=f"{state_of(plain)!r}, {library.call_count} calls, the last "
                             f"{bare.describe(outcomes[-1])}", timeline=bare.timeline(library))

    caplog.set_level(logging.WARNING)
    caplog.clear()
    users = FakeService("users", clock).down(503)
    breaker = impl.make_breaker("users", failure_threshold=2, listeners=[Raising()])
    caller = caller_for(breaker, users, clock, scenario, who="make_breaker")
    trip(scenario, caller, users, 2)
    rejected(scenario, caller, users, when="the third call", why="2 failures in a row")
    logged = [record for record in caplog.records if record.levelno >= logging.WARNING]
    scenario.expect(bool(logged),
                    expected="the listener's errors logged (with the logging module, at "
                             "WARNING or above): shielded, a listener bug must still be seen",
                    observed="nothing logged at WARNING or above")
    healthy = FakeService("orders", clock)
    breaker = impl.make_breaker("orders", failure_threshold=2, listeners=[Raising()])
    caller = caller_for(breaker, healthy, clock, scenario, who="make_breaker")
    outcome = caller.call()
    scenario.expect(outcome.returned and caller.unchanged(outcome),
                    expected="a healthy orders service: the call returns its JSON although "
                             "the listener's before_call and success raise",
                    observed=f"the call {caller.describe(outcome)}",
                    timeline=caller.timeline(healthy))

    payments = FakeService("payments", clock).down(503)
    breaker = impl.make_breaker("payments", failure_threshold=2, recovery_timeout=30,
                                success_threshold=2, listeners=[Raising()])
    start = clock()
    scenario = Scenario(f"make_breaker('payments', failure_threshold=2, recovery_timeout=30, "
                        f"success_threshold=2, listeners=[a listener whose every hook "
                        f"raises]) trips at t={start:g}; the trial at t={start + 30.5:g} "
                        f"fails; the payments service then recovers, and two trials at "
                        f"t={start + 61:g} succeed")
    caller = caller_for(breaker, payments, clock, scenario)
    trip(scenario, caller, payments, 2)
    advance_to(clock, start + 30 + LATE)
    outcome = admitted(scenario, caller, payments, when=f"t={start + 30.5:g}",
                       why="the trial call: the listener's state_change raising on the way "
                           "into HALF_OPEN must not stop it")
    scenario.expect(caller.own_error(outcome),
                    expected="the failed trial raises its own 503",
                    observed=f"the call {caller.describe(outcome)}",
                    timeline=caller.timeline(payments))
    expect_state(scenario, breaker, "open", why="the trial failed",
                 timeline=caller.timeline(payments))
    payments.healthy()
    advance_to(clock, start + 30 + LATE + 30 + LATE)
    for number, state in ((1, "half-open"), (2, "closed")):
        outcome = admitted(scenario, caller, payments, when=f"trial call {number}")
        scenario.expect(outcome.returned and caller.unchanged(outcome),
                        expected=f"trial call {number} returns the JSON",
                        observed=f"the call {caller.describe(outcome)}",
                        timeline=caller.timeline(payments))
        expect_state(scenario, breaker, state, why=f"{number} trial successes of 2",
                     timeline=caller.timeline(payments))
    admitted(scenario, caller, payments, when="after closing")


def test_make_breaker_rejects_invalid_settings(impl):
    """Rejects a threshold below 1 or a negative timeout with ValueError (pybreaker itself accepts them)"""
    accepted = pybreaker.CircuitBreaker(fail_max=0, reset_timeout=-1, success_threshold=0)
    scenario = Scenario("pybreaker.CircuitBreaker(fail_max=0, reset_timeout=-1, "
                        "success_threshold=0) is built without a word")
    scenario.expect(accepted.fail_max == 0, expected="pybreaker accepts fail_max=0",
                    observed=f"fail_max {accepted.fail_max}")
    for settings in ({"failure_threshold": 0}, {"failure_threshold": -1},
                     {"success_threshold": 0}, {"success_threshold": -2},
                     {"recovery_timeout": -1}, {"recovery_timeout": -0.5}):
        shown = ", ".join(f"{key}={value}" for key, value in settings.items())
        scenario = Scenario(f"make_breaker('users', {shown})")
        outcome = scenario.run(lambda: impl.make_breaker("users", **settings))
        scenario.expect(outcome.raised(ValueError), expected="ValueError at construction",
                        observed=str(outcome) if outcome.error else "a breaker was built")


def test_open_timer_tells_the_time_until_a_trial(impl, clock, wall):
    """CircuitBreakerError carries no retry_after; OpenTimer counts down to the next trial instead"""
    users = FakeService("users", clock).down(503)
    timer = impl.OpenTimer(clock=wall)
    breaker = impl.make_breaker("users", failure_threshold=2, recovery_timeout=12.5,
                                success_threshold=2, listeners=[timer])
    scenario = Scenario("the users service fails (503) at t=0 and t=4; timer = "
                        "OpenTimer(clock=wall_clock); make_breaker('users', "
                        "failure_threshold=2, recovery_timeout=12.5, success_threshold=2, "
                        "listeners=[timer])")
    caller = caller_for(breaker, users, clock, scenario)

    def expect_retry_after(remaining: float, when: str) -> None:
        value = timer.retry_after()
        scenario.expect(isinstance(value, (int, float)) and abs(value - remaining) < 0.01,
                        expected=f"{when}: timer.retry_after() == {remaining:g}",
                        observed=f"{value!r}", timeline=caller.timeline(users))

    expect_retry_after(0.0, "t=0, before any call (closed)")
    failing(scenario, caller, users, 1)
    expect_retry_after(0.0, "t=0, after the first failure: still closed, nothing to wait for")
    clock.advance(4.0)
    failing(scenario, caller, users, 1)
    expect_state(scenario, breaker, "open", why="2 failures in a row, failure_threshold=2",
                 timeline=caller.timeline(users))
    for moment, remaining in ((4.0, 12.5), (8.0, 8.5), (16.0, 0.5)):
        advance_to(clock, moment)
        outcome = rejected(scenario, caller, users, when=f"t={moment:g}")
        scenario.expect(not hasattr(outcome.error, "retry_after"),
                        expected="what pybreaker gives a rejected caller: a CircuitBreakerError "
                                 "with a message and no retry_after",
                        observed=f"retry_after={getattr(outcome.error, 'retry_after', None)!r}")
        expect_retry_after(remaining, f"t={moment:g}: the breaker opened at t=4 for 12.5 s")
    advance_to(clock, 21.5)
    expect_retry_after(0.0, "t=21.5, 5 s past the timeout and nobody has called (never "
                            "negative)")
    admitted(scenario, caller, users, when="t=21.5", why="the trial call (it fails)")
    expect_retry_after(12.5, "right after the failed trial: a full timeout again")
    users.healthy()
    advance_to(clock, 21.5 + 12.5 + LATE)
    admitted(scenario, caller, users, when=f"t={clock():g}", why="a trial call that succeeds")
    expect_state(scenario, breaker, "half-open", why="1 trial success, success_threshold=2",
                 timeline=caller.timeline(users))
    expect_retry_after(0.0, "half-open: the next call is admitted as a trial")
    admitted(scenario, caller, users, when=f"t={clock():g}", why="the second trial call")
    expect_state(scenario, breaker, "closed", why="2 trial successes, success_threshold=2",
                 timeline=caller.timeline(users))
    expect_retry_after(0.0, "once the breaker is closed")


def test_open_timer_defaults_to_the_wall_clock(impl, clock, wall, monkeypatch):
    """OpenTimer() with no clock reads the wall clock, as pybreaker does: when the system clock jumps, the two still agree"""
    scenario = Scenario("timer = OpenTimer() with its default clock; make_breaker('users', "
                        "failure_threshold=2, recovery_timeout=30, listeners=[timer]) trips "
                        "at t=0; at t=1 the system clock is set an hour ahead")
    default = _default_clock(impl.OpenTimer)
    real_wall = default is time.time  # the README's own default, bound when the module loaded
    if not real_wall:
        # A default read at run time (None meaning time.time, a lambda...): tie the time
        # module's clocks to the fake ones, the monotonic one steady, the wall one jumping.
        monkeypatch.setattr(time, "time", wall)
        monkeypatch.setattr(time, "monotonic", clock)
    timer = impl.OpenTimer()
    users = FakeService("users", clock).down(503)
    breaker = impl.make_breaker("users", failure_threshold=2, recovery_timeout=30,
                                listeners=[timer])
    caller = caller_for(breaker, users, clock, scenario)
    trip(scenario, caller, users, 2)
    value = timer.retry_after()
    scenario.expect(isinstance(value, (int, float)) and 29 <= value <= 30,
                    expected="right after opening, timer.retry_after() close to 30 on the "
                             "clock it defaults to", observed=f"{value!r}")
    if real_wall:
        return  # time.time itself: the real wall clock, which no check can make jump
    clock.advance(1.0)
    wall.jump(3600)
    promised = timer.retry_after()
    users.healthy()
    admitted(scenario, caller, users, when="t=1, the wall clock an hour ahead",
             why="pybreaker compares datetime.now(UTC) with the time it opened")
    shown_default = getattr(default, "__qualname__", repr(default))
    scenario.expect(isinstance(promised, (int, float)) and promised == 0,
                    expected="just before that call, timer.retry_after() == 0, as pybreaker "
                             "judged: OpenTimer's default clock is time.time, the clock the "
                             "library reads (a timer on time.monotonic would still say 29 s)",
                    observed=f"retry_after() was {promised!r} (OpenTimer's clock defaults to "
                             f"{shown_default})")


def _default_clock(timer_class: Any) -> Any:
    """The default of OpenTimer's ``clock`` parameter, or ``None`` if it shows none."""
    try:
        parameter = inspect.signature(timer_class).parameters.get("clock")
    except (TypeError, ValueError):
        return None
    if parameter is None or parameter.default is inspect.Parameter.empty:
        return None
    return parameter.default


# -- where pybreaker disagrees with the kata -------------------------------------------------


def test_keyboard_interrupt_counts_as_a_failure(impl, clock):
    """pybreaker counts Ctrl-C (KeyboardInterrupt) as a failure; it still reaches the caller unchanged"""
    library = FakeService("library", clock).down(503)
    default = pybreaker.CircuitBreaker(fail_max=3)
    scenario = Scenario("the users service fails twice (503), then the user presses Ctrl-C "
                        "during a call; first pybreaker.CircuitBreaker(fail_max=3) as it "
                        "comes, then make_breaker('users', failure_threshold=3)")
    plain = caller_for(default, library, clock, scenario, who="pybreaker's default")
    failing(scenario, plain, library, 2)
    seen = interrupt(default)
    scenario.expect(isinstance(seen, pybreaker.CircuitBreakerError),
                    expected="what pybreaker does by default: the interrupted call trips the "
                             "breaker, and Ctrl-C comes out as CircuitBreakerError, an "
                             "Exception that any `except Exception` swallows",
                    observed=f"{type(seen).__name__} raised" if seen else "nothing raised")

    users = FakeService("users", clock).down(503)
    breaker = impl.make_breaker("users", failure_threshold=3)
    caller = caller_for(breaker, users, clock, scenario, who="make_breaker")
    failing(scenario, caller, users, 2)
    caller.note("the user presses Ctrl-C during a call (KeyboardInterrupt)")
    seen = interrupt(breaker)
    scenario.expect(type(seen) is KeyboardInterrupt,
                    expected="with make_breaker, the KeyboardInterrupt propagates unchanged",
                    observed=f"{type(seen).__name__} raised" if seen else "nothing raised",
                    timeline=caller.timeline(users))
    expect_state(scenario, breaker, "open",
                 why="pybreaker catches BaseException: Ctrl-C is the third failure (the "
                     "kata's own breaker would give it no verdict)",
                 timeline=caller.timeline(users))

    users = FakeService("users", clock).down(503)
    breaker = impl.make_breaker("users", failure_threshold=1, recovery_timeout=30,
                                success_threshold=1)
    scenario = Scenario("make_breaker('users', failure_threshold=1, recovery_timeout=30, "
                        "success_threshold=1) trips at t=0; at t=30.5 the trial call is "
                        "interrupted by Ctrl-C")
    caller = caller_for(breaker, users, clock, scenario)
    trip(scenario, caller, users, 1)
    advance_to(clock, 30 + LATE)
    caller.note("the trial call is interrupted (KeyboardInterrupt)")
    seen = interrupt(breaker)
    scenario.expect(type(seen) is KeyboardInterrupt,
                    expected="the KeyboardInterrupt propagates unchanged",
                    observed=f"{type(seen).__name__} raised" if seen else "nothing raised")
    expect_state(scenario, breaker, "open",
                 why="an interrupted trial is a failure in pybreaker; excluded, it would count "
                     "as a success and close the breaker on no evidence at all",
                 timeline=caller.timeline(users))


def test_no_failure_rate_window(impl, clock):
    """pybreaker has no failure-rate window: a service failing 2 calls in 3 never opens it"""
    users = FakeService("users", clock).script(*([503, 503, 200] * 10))
    breaker = impl.make_breaker("users", failure_threshold=3)
    scenario = Scenario("the users service answers 503, 503, 200, over and over (67 % of "
                        "calls fail); make_breaker('users', failure_threshold=3); 30 calls")
    caller = caller_for(breaker, users, clock, scenario)
    for number in range(1, 31):
        admitted(scenario, caller, users, when=f"call {number}",
                 why="never 3 failures in a row: pybreaker counts failures in a row only "
                     "(lesson 7's window, 50 % over 10 calls, would have opened)")
    users.down(503)
    trip(scenario, caller, users, 3)


def test_a_returned_503_is_a_success(impl, clock):
    """pybreaker judges exceptions only: a 503 Response returned, not raised, counts as a success"""
    users = FakeService("users", clock).down(503)
    breaker = impl.make_breaker("users", failure_threshold=3)
    scenario = Scenario("the users service answers 503 to everything; make_breaker('users', "
                        "failure_threshold=3); 5 calls of breaker.call(users.get, "
                        "'/users/42') (the Response returned, no raise_for_status), then "
                        "fetch_user, which raises on a 503")
    caller = Caller(None, breaker, lambda: users.get(USER, timeout=2), clock, scenario)
    for number in range(1, 6):
        outcome = admitted(scenario, caller, users, when=f"returned call {number}")
        scenario.expect(outcome.returned and caller.unchanged(outcome),
                        expected="the 503 Response returned as is",
                        observed=f"the call {caller.describe(outcome)}",
                        timeline=caller.timeline(users))
    scenario.expect(state_of(breaker) == "closed" and breaker.fail_counter == 0,
                    expected="still closed, fail_counter 0: to pybreaker a returned 503 is a "
                             "success (lesson 5's breaker would count it)",
                    observed=f"{state_of(breaker)!r}, fail_counter {breaker.fail_counter}",
                    timeline=caller.timeline(users))
    raising = caller_for(breaker, users, clock, scenario, who="fetch_user")
    trip(scenario, raising, users, 3)


def test_coroutine_functions_count_as_success(impl, clock):
    """pybreaker's call() does not await: a coroutine function's failures count as successes (pybreaker#7)"""
    users = FakeService("users", clock).always(refused())
    breaker = impl.make_breaker("users", failure_threshold=2)
    scenario = Scenario("the users service refuses every connection; make_breaker('users', "
                        "failure_threshold=2); 3 calls of breaker.call(fetch_user_async), "
                        "an `async def`; then the returned coroutines are awaited")

    async def fetch_user_async() -> Any:
        return users.fetch_json(USER, timeout=2)

    outcomes = [scenario.run(lambda: breaker.call(fetch_user_async)) for _ in range(3)]
    coroutines = [o.value for o in outcomes if o.returned and inspect.iscoroutine(o.value)]
    errors: list[BaseException] = []

    async def await_each() -> None:
        for coroutine in coroutines:
            try:
                await coroutine
            except Exception as error:
                errors.append(error)

    asyncio.run(await_each())
    scenario.expect(len(coroutines) == 3,
                    expected="each breaker.call returns a coroutine object at once: pybreaker "
                             "calls the function, which only creates the coroutine",
                    observed="; ".join(str(o) for o in outcomes))
    scenario.expect(len(errors) == 3 and all(isinstance(e, requests.ConnectionError)
                                             for e in errors) and users.call_count == 3,
                    expected="the connection errors happen only when the coroutines are "
                             "awaited, outside the breaker",
                    observed=f"{len(errors)} errors, {users.call_count} calls",
                    timeline=users.timeline())
    scenario.expect(state_of(breaker) == "closed" and breaker.fail_counter == 0,
                    expected="still closed with fail_counter 0: three failures counted as "
                             "three successes",
                    observed=f"{state_of(breaker)!r}, fail_counter {breaker.fail_counter}")
    caller = caller_for(breaker, users, clock, scenario, who="sync fetch_user")
    trip(scenario, caller, users, 2)


@pytest.mark.timeout(10)
def test_one_lock_serialises_every_call(impl, clock, monkeypatch):
    """pybreaker holds one lock across every call: a slow call blocks all others, and half-open callers queue instead of being rejected"""
    contention = Contention()
    monkeypatch.setattr(pybreaker, "threading",
                        SimpleNamespace(RLock=lambda: WatchedLock(contention)))
    breaker = impl.make_breaker("users", failure_threshold=2, recovery_timeout=30,
                                success_threshold=1)
    scenario = Scenario("make_breaker('users', failure_threshold=2, recovery_timeout=30, "
                        "success_threshold=1); thread 1 is inside a slow call; meanwhile "
                        "thread 2 calls a quick function through the same breaker")
    _expect_second_waits(scenario, breaker, contention, "while CLOSED",
                         "a slow dependency makes every caller of this breaker wait in line")
    users = FakeService("users", clock).down(503)
    caller = caller_for(breaker, users, clock, scenario)
    trip(scenario, caller, users, 2)
    advance_to(clock, clock() + 30 + LATE)
    _expect_second_waits(scenario, breaker, contention,
                         "in HALF_OPEN, thread 1's call being the trial",
                         "the kata's breaker rejects callers that arrive during a trial; "
                         "pybreaker makes them queue")
    expect_state(scenario, breaker, "closed", why="the slow trial succeeded")


class Contention:
    """What the lock check learns from pybreaker's lock: a thread found it taken and waits."""

    def __init__(self) -> None:
        self.waited = threading.Event()
        self.settled = threading.Event()  # thread 2 either waits, or its call is over

    def reset(self) -> None:
        self.waited.clear()
        self.settled.clear()

    def a_thread_waits(self) -> None:
        self.waited.set()
        self.settled.set()


class WatchedLock:
    """Stands in for the ``threading.RLock()`` a pybreaker breaker makes for itself (the
    check replaces the ``threading`` that ``pybreaker/__init__.py`` imported, as conftest.py
    replaces its ``datetime``): a real re-entrant lock that also reports a thread that finds
    it taken and has to wait. So the check sees thread 2 queue without timing anything."""

    def __init__(self, contention: Contention) -> None:
        self._lock = threading.RLock()
        self._contention = contention

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if self._lock.acquire(blocking=False):
            return True
        if not blocking:
            return False
        self._contention.a_thread_waits()
        return self._lock.acquire(True, timeout)

    def release(self) -> None:
        self._lock.release()

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc_info: object) -> None:
        self.release()


def _expect_second_waits(scenario: Scenario, breaker: Any, contention: Contention, when: str,
                         why: str) -> None:
    inside, release, ran = threading.Event(), threading.Event(), threading.Event()
    results: dict[str, Any] = {}
    contention.reset()

    def slow() -> str:
        inside.set()
        release.wait(2.0)
        return "slow answer"

    def quick() -> str:
        ran.set()
        contention.settled.set()
        return "quick answer"

    def run(key: str, func: Callable[[], str]) -> None:
        try:
            results[key] = breaker.call(func)
        except BaseException as error:  # noqa: B036 - reported by the check
            results[key] = error
        finally:
            if key == "second":
                contention.settled.set()

    first = threading.Thread(target=run, args=("first", slow), daemon=True)
    second = threading.Thread(target=run, args=("second", quick), daemon=True)
    first.start()
    started = inside.wait(2.0)
    second.start()
    # Thread 2 either runs its quick call at once (the lock is not held across thread 1's
    # call), or ends its call some other way, or finds pybreaker's lock taken and says so:
    # event-driven, whatever the machine's load. The bound only matters for a breaker that
    # makes thread 2 wait on some lock of its own: still waiting then, it queued.
    contention.settled.wait(2.0)
    got_in = ran.is_set()
    queued = not got_in and (contention.waited.is_set() or second.is_alive())
    release.set()
    first.join(2.0)
    second.join(2.0)
    doing = ("ran its quick call at once" if got_in else "waited for the lock" if queued
             else "did not run its call")
    observed = (f"thread 1 {'inside its call' if started else 'never got in'}; thread 2 "
                f"{doing}; then thread 1 got {results.get('first')!r}, thread 2 got "
                f"{results.get('second')!r}")
    scenario.expect(started and queued,
                    expected=f"{when}: thread 2's call waits for thread 1's to end ({why})",
                    observed=observed)
    scenario.expect(results.get("first") == "slow answer"
                    and results.get("second") == "quick answer",
                    expected=f"{when}: once thread 1's call returns, thread 2's runs: thread 1 "
                             f"gets 'slow answer', thread 2 'quick answer' (not rejected)",
                    observed=observed)


def test_pybreaker_reads_the_wall_clock(impl, clock, wall):
    """pybreaker times the open period with the wall clock: a jump of the system clock moves it"""
    users = FakeService("users", clock).down(503)
    timer = impl.OpenTimer(clock=clock)
    breaker = impl.make_breaker("users", failure_threshold=2, recovery_timeout=30,
                                success_threshold=2, listeners=[timer])
    scenario = Scenario("timer = OpenTimer(clock=monotonic_clock); make_breaker('users', "
                        "failure_threshold=2, recovery_timeout=30, success_threshold=2, "
                        "listeners=[timer]) trips at t=0; at t=1 the system clock is set an "
                        "hour ahead (as NTP or an operator might)")
    caller = caller_for(breaker, users, clock, scenario)
    trip(scenario, caller, users, 2)
    clock.advance(1.0)
    rejected(scenario, caller, users, when="t=1", why="1 s of the 30")
    wall.jump(3600)
    users.healthy()
    promised = timer.retry_after()
    admitted(scenario, caller, users, when="t=1, the wall clock an hour ahead",
             why="pybreaker compares datetime.now(UTC) with the time it opened; the kata's "
                 "breaker, on a monotonic clock, would still reject")
    scenario.expect(isinstance(promised, (int, float)) and abs(promised - 29.0) < 0.01,
                    expected="just before that call, the timer on the monotonic clock still "
                             "said 29 s: a timer must read the clock the library judges by "
                             "(the wall clock, OpenTimer's default)",
                    observed=f"retry_after() was {promised!r}")
    for expected, why in (("half-open", "1 trial success of 2"), ("closed", "2 trial successes")):
        if expected == "closed":
            admitted(scenario, caller, users, when="t=1, the next call", why="the second trial")
        expect_state(scenario, breaker, expected, why=why, timeline=caller.timeline(users))
        value = timer.retry_after()
        scenario.expect(value == 0,
                        expected=f"timer.retry_after() == 0 once the breaker is {expected}, "
                                 f"whatever its own clock says",
                        observed=f"{value!r}", timeline=caller.timeline(users))

    users = FakeService("orders", clock).down(503)
    breaker = impl.make_breaker("orders", failure_threshold=2, recovery_timeout=30)
    scenario = Scenario("make_breaker('orders', failure_threshold=2, recovery_timeout=30) "
                        "trips; one second later the system clock is set an hour back")
    caller = caller_for(breaker, users, clock, scenario)
    trip(scenario, caller, users, 2)
    opened = clock()
    clock.advance(1.0)
    wall.jump(-3600)
    users.healthy()
    advance_to(clock, opened + 30 + LATE)
    rejected(scenario, caller, users, when="30.5 s after it opened, the wall clock an hour "
                                           "behind",
             why="pybreaker waits until the wall clock is 30 s past the time it opened: an hour "
                 "and 30 s from now")
