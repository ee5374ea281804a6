"""Lesson 4 checks: a count-based circuit breaker in front of a flaky users service.

Every check drives the learner's breaker with a fake clock (the `clock` fixture) and a fake
users service whose call log proves how many calls reached it. Rules checked here are the
ones lessons/04_count_breaker/README.md states (lessons/CONVENTIONS.md). The exact recovery boundary
is never asserted: "just before" is half a second early, "just after" half a second late.
"""

from __future__ import annotations

import time
from typing import Any, Callable

import requests
from harness import Outcome, Scenario
from harness.breaker_calls import (
    Caller,
    expect_admitted,
    expect_rejected,
    state_of,
    trip,
)

from fake_services import FakeClock, FakeNetwork, FakeService, read_timeout, refused

USER = "/users/42"
EARLY = 0.5  # "just before the recovery timeout": this many seconds before it
LATE = 0.5  # "just after the recovery timeout": this many seconds after it


def fetcher(network: FakeNetwork, service: FakeService) -> Callable[..., Any]:
    """What a learner would protect: GET a user, raise on an HTTP error, return the JSON."""
    session = network.session()

    def fetch_user(path: str = USER, timeout: float = 2) -> Any:
        return service.fetch_json(path, timeout=timeout, session=session)

    return fetch_user


def advance_to(clock: FakeClock, moment: float) -> None:
    clock.advance(max(0.0, moment - clock()))


# -- closed ------------------------------------------------------------------------------


def test_closed_breaker_passes_calls_through(impl, clock, network):
    """While closed, passes every call through and returns its result"""
    users = network.service("users")
    breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=30, clock=clock,
                                  name="users")
    scenario = Scenario("the users service is healthy; CircuitBreaker(failure_threshold=3); "
                        "5 calls, then breaker.call(fetch_user, '/users/7', timeout=1)")
    caller = Caller(impl, breaker, fetcher(network, users), clock, scenario)
    for _ in range(5):
        outcome = caller.call()
        scenario.expect(outcome.returned and isinstance(outcome.value, dict)
                        and outcome.value.get("path") == USER,
                        expected="the user's JSON returned by breaker.call",
                        observed=caller.describe(outcome), timeline=caller.timeline(users))
    outcome = caller.call("/users/7", timeout=1)
    scenario.expect(outcome.returned and isinstance(outcome.value, dict)
                    and outcome.value.get("path") == "/users/7",
                    expected="the arguments passed on to the function: user 7's JSON returned",
                    observed=caller.describe(outcome), timeline=caller.timeline(users))
    scenario.expect(users.call_count == 6, expected="6 calls reached the service",
                    observed=f"{users.call_count}", timeline=caller.timeline(users))
    scenario.expect(breaker.state == impl.State.CLOSED and breaker.failure_count == 0,
                    expected="state CLOSED, failure_count 0",
                    observed=f"state {state_of(breaker)}, failure_count {breaker.failure_count}")


def test_failures_pass_through_unchanged(impl, clock, network):
    """While closed, a failing call raises the service's own error, unchanged"""
    users = network.service("users").script(503, refused())
    breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=30, clock=clock)
    scenario = Scenario("the users service answers 503, then refuses the connection; "
                        "CircuitBreaker(failure_threshold=3)")
    caller = Caller(impl, breaker, fetcher(network, users), clock, scenario)
    for label, kind in (("the 503", requests.HTTPError), ("the refused connection",
                                                           requests.ConnectionError)):
        outcome = caller.call()
        scenario.expect(caller.own_error(outcome) and outcome.raised(kind),
                        expected=f"{label} raised to the caller: the very {kind.__name__} the "
                                 f"function raised",
                        observed=f"the call {caller.describe(outcome)}",
                        timeline=caller.timeline(users))
    scenario.expect(breaker.state == impl.State.CLOSED and breaker.failure_count == 2,
                    expected="state CLOSED with failure_count 2 (2 failures, threshold 3)",
                    observed=f"state {state_of(breaker)}, failure_count {breaker.failure_count}")


def test_opens_after_threshold_consecutive_failures(impl, clock, network):
    """Opens after `failure_threshold` failures in a row, not one fewer, not one more"""
    for threshold in (1, 3, 5):
        users = network.service(f"users{threshold}").down(503)
        breaker = impl.CircuitBreaker(failure_threshold=threshold, recovery_timeout=30,
                                      clock=clock)
        scenario = Scenario(f"the users service fails every call (503); "
                            f"CircuitBreaker(failure_threshold={threshold})")
        caller = Caller(impl, breaker, fetcher(network, users), clock, scenario)
        for number in range(1, threshold + 1):
            expect_admitted(scenario, caller, users,
                            when=f"call {number}", why=f"{number - 1} failures so far, "
                                                       f"threshold {threshold}")
        scenario.expect(breaker.state == impl.State.OPEN,
                        expected=f"state OPEN right after failure {threshold}",
                        observed=f"state {state_of(breaker)}", timeline=caller.timeline(users))
        expect_rejected(scenario, caller, users, when=f"call {threshold + 1}",
                        why=f"{threshold} failures in a row opened the breaker")


def test_success_resets_the_failure_count(impl, clock, network):
    """A success in between resets the count: only failures in a row open the breaker"""
    users = network.service("users").script(503, 503, 200, 503, 503)
    breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=30, clock=clock)
    scenario = Scenario("the users service answers 503, 503, 200, 503, 503; "
                        "CircuitBreaker(failure_threshold=3)")
    caller = Caller(impl, breaker, fetcher(network, users), clock, scenario)
    counts = []
    for _ in range(5):
        caller.call()
        counts.append(breaker.failure_count)
    scenario.expect(counts == [1, 2, 0, 1, 2],
                    expected="failure_count after each call: [1, 2, 0, 1, 2]",
                    observed=str(counts), timeline=caller.timeline(users))
    scenario.expect(breaker.state == impl.State.CLOSED,
                    expected="state CLOSED: never 3 failures in a row",
                    observed=f"state {state_of(breaker)}", timeline=caller.timeline(users))
    expect_admitted(scenario, caller, users, when="call 6",
                    why="the 200 broke the run: only 2 failures in a row since")
    users.always(503)
    trip(scenario, caller, users, 3)
    expect_rejected(scenario, caller, users, when="after 3 more failures in a row")


class ParseError(Exception):
    """An error of the caller's own code: in lesson 4 every Exception is a failure."""


def test_any_exception_is_a_failure(impl, clock):
    """Any Exception the function raises is a failure: a ValueError or your own exception too"""
    breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=10, success_threshold=1,
                                  clock=clock)
    planned: list[BaseException] = [ValueError("bad user id"), KeyError("email"),
                                    ParseError("not JSON"), RuntimeError("the trial fails")]
    scenario = Scenario("CircuitBreaker(failure_threshold=3, recovery_timeout=10, "
                        "success_threshold=1): the function raises ValueError, KeyError, then "
                        "ParseError (an Exception of its own); 10.5 s later the trial call "
                        "raises RuntimeError")

    def parse_user() -> Any:
        raise planned.pop(0)

    caller = Caller(impl, breaker, parse_user, clock, scenario)
    for number in (1, 2, 3):
        outcome = caller.call()
        scenario.expect(caller.own_error(outcome),
                        expected=f"call {number} raises the function's own "
                                 f"{type(caller.produced[-1][1]).__name__}, unchanged",
                        observed=f"call {number} {caller.describe(outcome)}",
                        timeline=caller.timeline())
    before = caller.invocations
    outcome = caller.call()
    scenario.expect(caller.rejected(outcome) and caller.invocations == before,
                    expected="the 4th call rejected with CircuitOpenError: any Exception is a "
                             "failure in this lesson, and 3 in a row open the breaker",
                    observed=f"the 4th call {caller.describe(outcome)}",
                    timeline=caller.timeline())
    clock.advance(10.5)
    outcome = caller.call()
    scenario.expect(caller.own_error(outcome),
                    expected="the trial call admitted; it raises its own RuntimeError",
                    observed=f"the trial call {caller.describe(outcome)}",
                    timeline=caller.timeline())
    before = caller.invocations
    outcome = caller.call()
    scenario.expect(caller.rejected(outcome) and caller.invocations == before,
                    expected="the next call rejected: the RuntimeError failed the trial, so the "
                             "breaker re-opened",
                    observed=f"the next call {caller.describe(outcome)}",
                    timeline=caller.timeline())


def test_tripping_call_raises_its_own_error(impl, clock, network):
    """The call that trips the breaker raises its own error, not CircuitOpenError"""
    users = network.service("users").script(refused(), read_timeout(), 503)
    breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=30, clock=clock)
    scenario = Scenario("the users service refuses the connection, times out, then answers "
                        "503; CircuitBreaker(failure_threshold=3)")
    caller = Caller(impl, breaker, fetcher(network, users), clock, scenario)
    caller.call()
    caller.call()
    outcome = caller.call()
    scenario.expect(caller.own_error(outcome) and outcome.raised(requests.HTTPError),
                    expected="the third call, which trips the breaker, raises its own 503 "
                             "(the very HTTPError the function raised)",
                    observed=f"the third call {caller.describe(outcome)}",
                    timeline=caller.timeline(users))
    scenario.expect(breaker.state == impl.State.OPEN,
                    expected="state OPEN as soon as the third failure has been counted",
                    observed=f"state {state_of(breaker)}", timeline=caller.timeline(users))
    expect_rejected(scenario, caller, users, when="the fourth call")


def test_open_breaker_rejects_without_calling_the_service(impl, clock, network):
    """While open, every call is rejected with CircuitOpenError and never reaches the service"""
    users = network.service("users").down(503)
    breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=30, clock=clock,
                                  name="users")
    scenario = Scenario("the users service is down (503); CircuitBreaker(failure_threshold=3, "
                        "recovery_timeout=30, name='users') tripped at t=0; 20 more calls, "
                        "one a second")
    caller = Caller(impl, breaker, fetcher(network, users), clock, scenario)
    trip(scenario, caller, users, 3)
    for _ in range(20):
        clock.advance(1.0)
        outcome = expect_rejected(scenario, caller, users, when=f"t={clock():.0f}")
    scenario.expect(users.call_count == 3 and caller.invocations == 3,
                    expected="3 calls on the service in all: the 3 failures, then none",
                    observed=f"{users.call_count} calls", timeline=caller.timeline(users))
    error = outcome.error
    scenario.expect(isinstance(error, Exception) and getattr(error, "name", None) == "users"
                    and breaker.name == "users",
                    expected="CircuitOpenError (an Exception) whose name is the breaker's "
                             "name, 'users'",
                    observed=f"name {getattr(error, 'name', 'missing')!r}, "
                             f"breaker.name {getattr(breaker, 'name', 'missing')!r}")


def test_retry_after_counts_down_with_the_clock(impl, clock, network):
    """CircuitOpenError.retry_after tells how many seconds remain until a trial call"""
    for timeout in (30.0, 12.5):
        users = network.service(f"users{timeout:g}").down(503)
        breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=timeout,
                                      clock=clock)
        opened = clock()
        scenario = Scenario(f"the users service is down (503); CircuitBreaker(failure_threshold"
                            f"=2, recovery_timeout={timeout:g}) tripped at t={opened:g}; a trial "
                            f"fails {timeout + 0.5:g} s later")
        caller = Caller(impl, breaker, fetcher(network, users), clock, scenario)
        trip(scenario, caller, users, 2)
        reopened = opened + timeout + 0.5
        for start, after in ((opened, 0.0), (opened, timeout / 3), (opened, timeout - 1),
                             (opened, timeout - 0.5), (reopened, 0.0),
                             (reopened, timeout - 2)):
            if start == reopened and clock() < reopened:
                advance_to(clock, reopened)
                expect_admitted(scenario, caller, users, when=f"t={reopened:g}",
                                why="the trial call (it fails: the breaker re-opens)")
            advance_to(clock, start + after)
            remaining = timeout - after
            outcome = expect_rejected(scenario, caller, users, when=f"t={clock():g}")
            value = getattr(outcome.error, "retry_after", None)
            scenario.expect(isinstance(value, (int, float)) and abs(value - remaining) < 0.01,
                            expected=f"at t={clock():g}, retry_after={remaining:g} (seconds "
                                     f"until a trial call is allowed: the breaker "
                                     f"{'re-' if start == reopened else ''}opened at "
                                     f"t={start:g}, recovery_timeout={timeout:g})",
                            observed=f"retry_after={value!r}", timeline=caller.timeline(users))
        advance_to(clock, clock() + 100)


def test_rejections_are_not_failures_and_do_not_extend_the_open_period(impl, clock, network):
    """Rejected calls are not failures and never extend the open period"""
    users = network.service("users").down(503)
    breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=30, clock=clock)
    scenario = Scenario("the users service is down (503); CircuitBreaker(failure_threshold=3, "
                        "recovery_timeout=30) tripped at t=0; then a call every half second")
    caller = Caller(impl, breaker, fetcher(network, users), clock, scenario)
    trip(scenario, caller, users, 3)
    while clock() < 30 - EARLY:
        clock.advance(0.5)
        expect_rejected(scenario, caller, users, when=f"t={clock():.1f}")
    users.healthy()
    advance_to(clock, 30 + LATE)
    expect_admitted(scenario, caller, users, when=f"t={30 + LATE}",
                    why="30 s after the breaker opened; 59 rejected calls must not move that")


def test_recovery_timeout_admits_a_trial_call(impl, clock, network):
    """After `recovery_timeout`, the next call is admitted as a trial, even if nothing read `state`"""
    for timeout in (30.0, 5.0):
        users = network.service(f"users{int(timeout)}").down(503)
        breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=timeout,
                                      clock=clock)
        advance_to(clock, clock() + 100)
        opened = clock() + 2 * 4.0
        scenario = Scenario(f"the users service fails (503) at t={clock():.0f}, "
                            f"t={clock() + 4:.0f} and t={opened:.0f}, then recovers; "
                            f"CircuitBreaker(failure_threshold=3, recovery_timeout={timeout:g}); "
                            f"nobody reads breaker.state")
        caller = Caller(impl, breaker, fetcher(network, users), clock, scenario)
        trip(scenario, caller, users, 3, gap=4.0, opens=False)  # no reading of `state`
        users.healthy()
        advance_to(clock, opened + timeout - EARLY)
        expect_rejected(scenario, caller, users, when=f"t={clock():g}",
                        why=f"{timeout - EARLY:g} s after the breaker opened at "
                            f"t={opened:g}: still open")
        advance_to(clock, opened + timeout + LATE)
        outcome = expect_admitted(scenario, caller, users, when=f"t={clock():g}",
                                  why=f"{timeout + LATE:g} s after the breaker opened: "
                                      f"a trial call")
        scenario.expect(outcome.returned and isinstance(outcome.value, dict),
                        expected="the trial call returns the user's JSON",
                        observed=caller.describe(outcome), timeline=caller.timeline(users))


# -- half-open ---------------------------------------------------------------------------


def test_trial_successes_close_the_breaker(impl, clock, network):
    """`success_threshold` trial successes close the breaker; fewer leave it half-open"""
    for needed in (1, 2, 3):
        users = network.service(f"users{needed}").down(503)
        breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=30,
                                      success_threshold=needed, clock=clock)
        start = clock()
        scenario = Scenario(f"the users service fails twice (503), then recovers; "
                            f"CircuitBreaker(failure_threshold=2, recovery_timeout=30, "
                            f"success_threshold={needed}) tripped at t={start:g}")
        caller = Caller(impl, breaker, fetcher(network, users), clock, scenario)
        trip(scenario, caller, users, 2)
        users.healthy()
        advance_to(clock, start + 30 + LATE)
        for number in range(1, needed + 1):
            expect_admitted(scenario, caller, users, when=f"trial call {number}",
                            why="a trial call runs only after the previous one has ended")
            expected_state = impl.State.CLOSED if number == needed else impl.State.HALF_OPEN
            scenario.expect(breaker.state == expected_state,
                            expected=f"state {expected_state.name} after {number} trial "
                                     f"success{'es' if number > 1 else ''} "
                                     f"(success_threshold={needed})",
                            observed=f"state {state_of(breaker)}",
                            timeline=caller.timeline(users))
        for _ in range(3):
            expect_admitted(scenario, caller, users, when="after closing")


def test_trial_failure_reopens_and_restarts_the_timeout(impl, clock, network):
    """A failed trial call re-opens the breaker and restarts the full timeout"""
    users = network.service("users").down(503)
    breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=30,
                                  success_threshold=2, clock=clock)
    scenario = Scenario("the users service is down (503); CircuitBreaker(failure_threshold=3, "
                        "recovery_timeout=30, success_threshold=2) tripped at t=0; "
                        "trial calls: success at t=30.5, failure at t=31")
    caller = Caller(impl, breaker, fetcher(network, users), clock, scenario)
    trip(scenario, caller, users, 3)
    users.script(200)
    advance_to(clock, 30.5)
    expect_admitted(scenario, caller, users, when="t=30.5", why="the first trial call")
    clock.advance(0.5)
    outcome = expect_admitted(scenario, caller, users, when="t=31",
                              why="the second trial call, after one trial success")
    scenario.expect(caller.own_error(outcome),
                    expected="the failed trial call raises its own 503",
                    observed=f"the call {caller.describe(outcome)}",
                    timeline=caller.timeline(users))
    scenario.expect(breaker.state == impl.State.OPEN,
                    expected="state OPEN again right after the trial failed",
                    observed=f"state {state_of(breaker)}", timeline=caller.timeline(users))
    expect_rejected(scenario, caller, users, when="t=31, right after the failed trial")
    advance_to(clock, 31 + 30 - EARLY)
    expect_rejected(scenario, caller, users, when=f"t={31 + 30 - EARLY}",
                    why="the full 30 s start again from the failed trial at t=31")
    users.healthy()
    advance_to(clock, 31 + 30 + LATE)
    expect_admitted(scenario, caller, users, when=f"t={31 + 30 + LATE}",
                    why="30 s after re-opening: a new trial call")
    scenario.expect(breaker.state == impl.State.HALF_OPEN,
                    expected="state HALF_OPEN after 1 trial success: trial successes count "
                             "from zero again after re-opening (success_threshold=2)",
                    observed=f"state {state_of(breaker)}", timeline=caller.timeline(users))
    expect_admitted(scenario, caller, users, when="the next call", why="the second trial")
    scenario.expect(breaker.state == impl.State.CLOSED,
                    expected="state CLOSED after 2 trial successes in this half-open period",
                    observed=f"state {state_of(breaker)}", timeline=caller.timeline(users))


def test_half_open_admits_one_trial_at_a_time(impl, clock, network):
    """Half-open lets one trial call run at a time; callers who arrive meanwhile are rejected, and not counted"""
    users = network.service("users").down(503)
    breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=30,
                                  success_threshold=2, clock=clock)
    scenario = Scenario("the users service is down, the breaker (failure_threshold=3, "
                        "recovery_timeout=30, success_threshold=2) trips at t=0, the service "
                        "recovers; at t=30.5 a trial call starts, and while the service is "
                        "still answering it, another caller arrives")
    fetch = fetcher(network, users)
    caller = Caller(impl, breaker, fetch, clock, scenario, who="first caller")
    other = Caller(impl, breaker, fetch, clock, scenario, who="other caller")
    trip(scenario, caller, users, 3)
    users.healthy()
    arrivals: list[Outcome] = []
    armed = [False]

    def another_caller_arrives(call: Any) -> None:
        # Runs while the service is answering a call: the trial is still in flight.
        if armed[0]:
            armed[0] = False
            arrivals.append(other.call())

    users.before_reply(another_caller_arrives)
    advance_to(clock, 30.5)
    for trial in (1, 2):
        armed[0] = True
        before = users.call_count
        outcome = caller.call()
        log = "\n".join(caller.log + other.log + [users.timeline()])
        scenario.expect(bool(arrivals) and not caller.rejected(outcome),
                        expected=f"t=30.5: trial call {trial} admitted and reaching the service",
                        observed=f"the call {caller.describe(outcome)}", timeline=log)
        scenario.expect(other.rejected(arrivals[-1]),
                        expected=f"while trial call {trial} is running, the other caller is "
                                 f"rejected with CircuitOpenError (one trial call at a time)",
                        observed="the other caller's call " + other.describe(arrivals[-1]),
                        timeline=log)
        scenario.expect(users.call_count == before + 1 and outcome.returned,
                        expected=f"trial call {trial} returns; only it reaches the service",
                        observed=f"the trial call {caller.describe(outcome)}; "
                                 f"{users.call_count - before} calls reached the service",
                        timeline=log)
        retry_after = getattr(arrivals[-1].error, "retry_after", None)
        scenario.expect(isinstance(retry_after, (int, float)) and retry_after >= 0,
                        expected="the rejection's retry_after is a number of seconds, 0 or more",
                        observed=f"retry_after={retry_after!r}")
        arrivals.clear()
    scenario.expect(breaker.state == impl.State.CLOSED,
                    expected="state CLOSED: 2 trial successes, and the rejected callers were "
                             "not counted as failures",
                    observed=f"state {state_of(breaker)}",
                    timeline="\n".join(caller.log + other.log + [users.timeline()]))
    expect_admitted(scenario, caller, users, when="after closing")


def test_closing_resets_every_counter(impl, clock, network):
    """Closing resets the counters: one failure after closing does not re-open the breaker"""
    users = network.service("users").down(503)
    breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=30,
                                  success_threshold=2, clock=clock)
    scenario = Scenario("CircuitBreaker(failure_threshold=3, recovery_timeout=30, "
                        "success_threshold=2): the users service fails 3 times (trips at "
                        "t=0), recovers, 2 trial successes close the breaker; then it fails "
                        "again")
    caller = Caller(impl, breaker, fetcher(network, users), clock, scenario)
    trip(scenario, caller, users, 3)
    users.healthy()
    advance_to(clock, 30.5)
    expect_admitted(scenario, caller, users, when="t=30.5", why="trial 1")
    expect_admitted(scenario, caller, users, when="t=30.5", why="trial 2")
    scenario.expect(breaker.state == impl.State.CLOSED and breaker.failure_count == 0,
                    expected="state CLOSED and failure_count 0 after 2 trial successes",
                    observed=f"state {state_of(breaker)}, failure_count "
                             f"{breaker.failure_count}", timeline=caller.timeline(users))
    users.always(503)
    caller.call()
    scenario.expect(breaker.failure_count == 1,
                    expected="failure_count 1 after one failure since closing",
                    observed=f"failure_count {breaker.failure_count}",
                    timeline=caller.timeline(users))
    expect_admitted(scenario, caller, users, when="after 1 failure since closing",
                    why="1 failure is not 3 in a row")
    expect_admitted(scenario, caller, users, when="after 2 failures since closing",
                    why="2 failures are not 3 in a row")
    expect_rejected(scenario, caller, users, when="after 3 failures since closing")
    users.healthy()
    advance_to(clock, clock() + 30 + LATE)
    expect_admitted(scenario, caller, users, when=f"t={clock():g}", why="a new trial call")
    scenario.expect(breaker.state == impl.State.HALF_OPEN,
                    expected="state HALF_OPEN after 1 trial success in this new half-open "
                             "period (the trial successes of the last one were reset)",
                    observed=f"state {state_of(breaker)}", timeline=caller.timeline(users))


# -- settings and time -------------------------------------------------------------------


def test_default_settings(impl, clock, network):
    """With no settings: opens after 5 failures, waits 30 s, closes after 2 trial successes"""
    users = network.service("users").down(503)
    breaker = impl.CircuitBreaker(clock=clock)
    scenario = Scenario("the users service fails (503) from t=0, recovers later; "
                        "CircuitBreaker(clock=clock) with the default settings")
    caller = Caller(impl, breaker, fetcher(network, users), clock, scenario)
    trip(scenario, caller, users, 5)
    expect_rejected(scenario, caller, users, when="after 5 failures",
                    why="failure_threshold defaults to 5")
    users.healthy()
    advance_to(clock, 30 - EARLY)
    expect_rejected(scenario, caller, users, when=f"t={30 - EARLY}",
                    why="recovery_timeout defaults to 30 s")
    advance_to(clock, 30 + LATE)
    expect_admitted(scenario, caller, users, when=f"t={30 + LATE}", why="trial 1")
    scenario.expect(breaker.state == impl.State.HALF_OPEN,
                    expected="state HALF_OPEN after 1 trial success (success_threshold "
                             "defaults to 2)", observed=f"state {state_of(breaker)}",
                    timeline=caller.timeline(users))
    expect_admitted(scenario, caller, users, when="the next call", why="trial 2")
    scenario.expect(breaker.state == impl.State.CLOSED and breaker.name == "breaker",
                    expected="state CLOSED after 2 trial successes; the default name is "
                             "'breaker'",
                    observed=f"state {state_of(breaker)}, name {breaker.name!r}")


def test_uses_only_the_injected_clock(impl, clock, monkeypatch):
    """Uses only the injected clock: the wall clock jumping an hour either way changes nothing"""
    users = FakeService("users", clock).down(503)

    def fetch_user() -> Any:
        response = users.get(USER, timeout=2)  # the fake's direct transport
        response.raise_for_status()
        return response.json()

    breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=30, clock=clock)
    scenario = Scenario("CircuitBreaker(failure_threshold=3, recovery_timeout=30, "
                        "clock=fake_clock) trips at t=0; then the wall clock (time.time) "
                        "jumps an hour forward, later an hour back, while the fake clock "
                        "moves normally")
    caller = Caller(impl, breaker, fetch_user, clock, scenario)
    wall = time.time
    trip(scenario, caller, users, 3)
    monkeypatch.setattr(time, "time", lambda: wall() + 3600.0)
    clock.advance(1.0)
    expect_rejected(scenario, caller, users, when="t=1 with the wall clock an hour ahead",
                    why="only 1 s has passed on the breaker's clock")
    monkeypatch.setattr(time, "time", lambda: wall() - 3600.0)
    users.healthy()
    advance_to(clock, 30 + LATE)
    expect_admitted(scenario, caller, users, when=f"t={30 + LATE} with the wall clock an "
                                                  f"hour behind",
                    why="30 s have passed on the breaker's clock")


def test_rejects_invalid_settings(impl, clock):
    """Invalid settings (a threshold below 1, a negative timeout) raise ValueError at construction"""
    for settings in ({"failure_threshold": 0}, {"failure_threshold": -1},
                     {"success_threshold": 0}, {"success_threshold": -2},
                     {"recovery_timeout": -1}, {"recovery_timeout": -0.5}):
        shown = ", ".join(f"{key}={value}" for key, value in settings.items())
        scenario = Scenario(f"CircuitBreaker({shown})")
        outcome = scenario.run(lambda: impl.CircuitBreaker(clock=clock, **settings))
        scenario.expect(outcome.raised(ValueError), expected="ValueError at construction",
                        observed=str(outcome) if outcome.error else "a breaker was built")


def test_keyboard_interrupt_is_not_a_failure(impl, clock, network):
    """KeyboardInterrupt passes through and is not counted: Ctrl-C is not the service failing"""
    users = network.service("users").down(503)
    breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=30, clock=clock)
    fetch = fetcher(network, users)
    scenario = Scenario("CircuitBreaker(failure_threshold=3): the users service fails twice "
                        "(503), then the user presses Ctrl-C during a call (KeyboardInterrupt), "
                        "then the service fails again")
    caller = Caller(impl, breaker, fetch, clock, scenario)
    trip(scenario, caller, users, 2, opens=False)
    interrupt = KeyboardInterrupt()

    def interrupted() -> None:
        raise interrupt

    caller.note("the user presses Ctrl-C during a call (KeyboardInterrupt)")
    try:
        breaker.call(interrupted)
    except KeyboardInterrupt as error:
        seen = error
    except NotImplementedError:
        raise
    except Exception as error:  # the breaker turned Ctrl-C into something else
        seen = error
    else:
        seen = None
    scenario.expect(seen is interrupt, expected="the KeyboardInterrupt propagates, unchanged",
                    observed="breaker.call returned" if seen is None else
                    f"{type(seen).__name__} raised instead", timeline=caller.timeline(users))
    scenario.expect(breaker.failure_count == 2 and breaker.state == impl.State.CLOSED,
                    expected="still CLOSED with failure_count 2: Ctrl-C is neither a failure "
                             "nor a success",
                    observed=f"state {state_of(breaker)}, failure_count {breaker.failure_count}",
                    timeline=caller.timeline(users))
    trip(scenario, caller, users, 1, opens=False)
    expect_rejected(scenario, caller, users, when="after the next failure",
                    why="3 failures in a row; the interrupted call did not break the run")
