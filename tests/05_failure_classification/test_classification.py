"""Lesson 5 checks: what counts as a failure, against a flaky users service.

The breaker of lesson 4 stays as it was; these checks are about the verdict on each outcome:
connection errors, timeouts and 5xx are failures; 4xx answers and business exceptions reach
the caller unchanged and count as successes; a returned 503 response counts as a failure and
still reaches the caller; `exclude` and the predicates; the decorator form; Ctrl-C; settings.
Every rule checked here is stated in lessons/05_failure_classification/README.md.
"""

from __future__ import annotations

from types import SimpleNamespace
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

from fake_services import (
    FakeNetwork,
    FakeService,
    connect_timeout,
    error,
    ok,
    read_timeout,
    refused,
    reset,
)

USER = "/users/42"
LATE = 0.5  # "just after the recovery timeout": this many seconds after it


class UserSuspended(Exception):
    """A business rule of the caller: the service answered, the answer is unwelcome."""


def fetcher(network: FakeNetwork, service: FakeService) -> Callable[..., Any]:
    """GET a user, raise on an HTTP error (4xx and 5xx alike), return the JSON."""
    session = network.session()

    def fetch_user(path: str = USER, timeout: float = 2) -> Any:
        return service.fetch_json(path, timeout=timeout, session=session)

    return fetch_user


def raw_fetcher(network: FakeNetwork, service: FakeService) -> Callable[..., Any]:
    """GET a user and return the response as it is, without raise_for_status()."""
    session = network.session()

    def get_user(path: str = USER, timeout: float = 2) -> requests.Response:
        return session.get(service.url + path, timeout=timeout)

    return get_user


def expect_passed_through(scenario: Scenario, caller: Caller, service: FakeService | None,
                          outcome: Outcome, *, what: str) -> None:
    """The call reached the function and the caller got its own outcome, unchanged."""
    how, thing = caller.produced[-1] if caller.produced else ("", None)
    produced = {"raised": type(thing).__name__, "returned": "value"}.get(how, "outcome")
    scenario.expect(caller.unchanged(outcome),
                    expected=f"{what} reaches the caller unchanged (the very {produced} the "
                             f"function produced)",
                    observed=f"the call {caller.describe(outcome)}",
                    timeline=caller.timeline(*([service] if service else [])))


def expect_counts(scenario: Scenario, caller: Caller, service: FakeService | None,
                  labels: list[str], expected: list[int], *,
                  through: Callable[..., Any] | None = None) -> None:
    """Make one call per label and compare ``failure_count`` after each with ``expected``."""
    counts = []
    for _ in labels:
        caller.call(through=through)
        counts.append(caller.breaker.failure_count)
    scenario.expect(counts == expected,
                    expected=f"failure_count after each call ({', '.join(labels)}): {expected}",
                    observed=str(counts),
                    timeline=caller.timeline(*([service] if service else [])))


def produce(service: FakeService, reply: Any, *, raise_status: bool = True) -> BaseException:
    """The exception that fetching from ``service`` with ``reply`` raises (direct transport)."""
    service.script(reply)
    try:
        response = service.get(USER, timeout=2)
        if raise_status:
            response.raise_for_status()
    except Exception as exc:
        return exc
    raise AssertionError(f"{reply!r} raised nothing")


# -- the default rules -------------------------------------------------------------------


def test_default_failure_rules(impl, clock):
    """By default: connection errors, timeouts and 5xx are failures; 4xx and other errors are not"""
    users = FakeService("users", clock)
    cases: list[tuple[str, BaseException, bool]] = [
        ("connection refused", produce(users, refused()), True),
        ("connection reset", produce(users, reset()), True),
        ("read timeout", produce(users, read_timeout()), True),
        ("connect timeout", produce(users, connect_timeout()), True),
        ("requests.exceptions.SSLError (a ConnectionError)", requests.exceptions.SSLError(),
         True),
        *[(f"HTTPError {s}", produce(users, s), True)
          for s in (500, 501, 502, 503, 504, 505, 599)],
        *[(f"HTTPError {s}", produce(users, s), False)
          for s in (400, 401, 403, 404, 409, 429, 499)],
        ("an HTTPError with no response", requests.HTTPError("no response"), False),
        ("requests.TooManyRedirects", requests.TooManyRedirects("30 redirects"), False),
        ("UserSuspended (a business exception)", UserSuspended("user 42 is suspended"), False),
        ("KeyError('email')", KeyError("email"), False),
        ("ValueError", ValueError("bad input"), False),
    ]
    scenario = Scenario("is_failure_by_default(error) for errors raised by fetching a user")
    wrong = []
    for label, exc, failure in cases:
        verdict = scenario.run(lambda: impl.is_failure_by_default(exc))
        if verdict.error is not None or bool(verdict.value) != failure:
            wrong.append(f"{label}: {verdict.value!r}" if verdict.returned else
                         f"{label}: {verdict}")
    scenario.expect(not wrong, expected="True for connection errors, timeouts and 5xx; False "
                                        "for 4xx and other exceptions",
                    observed="misjudged: " + "; ".join(wrong))

    responses = [(f"a returned {s} response", users.build_response(error(s), "GET", USER),
                  s >= 500) for s in (500, 503, 599, 404, 429, 499, 400)]
    responses += [("a returned 200 response", users.build_response(ok(), "GET", USER), False),
                  ("a dict {'id': 42}", {"id": 42}, False), ("None", None, False),
                  ("the number 503", 503, False),
                  ("an object with status_code 503 that is not a Response",
                   SimpleNamespace(status_code=503), False)]
    scenario = Scenario("is_failure_result_by_default(value) for values a function returns")
    wrong = []
    for label, value, failure in responses:
        verdict = scenario.run(lambda: impl.is_failure_result_by_default(value))
        if verdict.error is not None or bool(verdict.value) != failure:
            wrong.append(f"{label}: {verdict.value!r}" if verdict.returned else
                         f"{label}: {verdict}")
    scenario.expect(not wrong, expected="True only for a requests.Response with a 5xx status",
                    observed="misjudged: " + "; ".join(wrong))


def test_server_errors_and_transport_faults_open_the_breaker(impl, clock, network):
    """Connection errors, timeouts and 5xx count as failures, and reach the caller unchanged"""
    users = network.service("users").script(refused(), read_timeout(), 502, connect_timeout())
    breaker = impl.CircuitBreaker(failure_threshold=4, recovery_timeout=30, clock=clock)
    scenario = Scenario("the users service refuses the connection, times out, answers 502, "
                        "then the connection times out; CircuitBreaker(failure_threshold=4)")
    caller = Caller(impl, breaker, fetcher(network, users), clock, scenario)
    for label in ("the refused connection", "the read timeout", "the 502", "the connect timeout"):
        outcome = caller.call()
        expect_passed_through(scenario, caller, users, outcome, what=label)
    scenario.expect(breaker.state == impl.State.OPEN,
                    expected="state OPEN: 4 failures in a row", observed=f"state "
                    f"{state_of(breaker)}", timeline=caller.timeline(users))
    expect_rejected(scenario, caller, users, when="the fifth call")


def test_client_errors_pass_through_and_count_as_successes(impl, clock, network):
    """A 404, 400 or 409 reaches the caller unchanged and counts as a success, not a failure"""
    users = network.service("users").down(404)
    breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=30, clock=clock)
    scenario = Scenario("the users service answers 404 (no such user) to 6 calls; "
                        "CircuitBreaker(failure_threshold=3)")
    caller = Caller(impl, breaker, fetcher(network, users), clock, scenario)
    for number in range(1, 7):
        outcome = caller.call()
        expect_passed_through(scenario, caller, users, outcome, what=f"404 number {number}")
    scenario.expect(users.call_count == 6 and breaker.state == impl.State.CLOSED
                    and breaker.failure_count == 0,
                    expected="6 calls reached the service; state CLOSED, failure_count 0",
                    observed=f"{users.call_count} calls; state {state_of(breaker)}, "
                             f"failure_count {breaker.failure_count}",
                    timeline=caller.timeline(users))

    users = network.service("orders").script(503, 503, 400, 503, 503, 409, 503, 503)
    breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=30, clock=clock)
    scenario = Scenario("the orders service answers 503, 503, 400, 503, 503, 409, 503, 503; "
                        "CircuitBreaker(failure_threshold=3)")
    caller = Caller(impl, breaker, fetcher(network, users), clock, scenario)
    expect_counts(scenario, caller, users, ["503", "503", "400", "503", "503", "409", "503",
                                            "503"], [1, 2, 0, 1, 2, 0, 1, 2])
    scenario.expect(breaker.state == impl.State.CLOSED,
                    expected="state CLOSED: the 4xx answers broke every run of failures",
                    observed=f"state {state_of(breaker)}", timeline=caller.timeline(users))


def test_business_exceptions_pass_through_and_count_as_successes(impl, clock, network):
    """An exception of the caller's own logic reaches the caller unchanged and counts as a success"""
    users = network.service("users").script(503, 503, 200, 503, 503)
    fetch = fetcher(network, users)
    suspended = UserSuspended("user 42 is suspended")

    def fetch_active_user() -> Any:
        user = fetch()  # the service answers...
        if user.get("call") == 3:
            raise suspended  # ...and the caller's own rule rejects the answer
        return user

    breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=30, clock=clock)
    scenario = Scenario("the users service answers 503, 503, 200, 503, 503; on the 200, the "
                        "caller's own code raises UserSuspended (an Exception); "
                        "CircuitBreaker(failure_threshold=3)")
    caller = Caller(impl, breaker, fetch_active_user, clock, scenario)
    caller.call()
    caller.call()
    outcome = caller.call()
    expect_passed_through(scenario, caller, users, outcome, what="UserSuspended")
    scenario.expect(breaker.failure_count == 0,
                    expected="failure_count 0 after UserSuspended: the service answered, so "
                             "it counts as a success", observed=f"failure_count "
                    f"{breaker.failure_count}", timeline=caller.timeline(users))
    expect_counts(scenario, caller, users, ["503", "503"], [1, 2])
    scenario.expect(breaker.state == impl.State.CLOSED,
                    expected="state CLOSED: never 3 failures in a row",
                    observed=f"state {state_of(breaker)}", timeline=caller.timeline(users))


def test_client_error_in_half_open_counts_as_a_trial_success(impl, clock, network):
    """In half-open, a 404 or an excluded error proves the service is up: a trial success"""
    users = network.service("users").down(503)
    breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=30,
                                  success_threshold=2, clock=clock)
    scenario = Scenario("CircuitBreaker(failure_threshold=2, recovery_timeout=30, "
                        "success_threshold=2): the users service fails twice (503), then "
                        "answers the trial calls with 404, then 200")
    caller = Caller(impl, breaker, fetcher(network, users), clock, scenario)
    trip(scenario, caller, users, 2)
    users.always(200).script(404)
    clock.advance(30 + LATE)
    outcome = expect_admitted(scenario, caller, users, when="t=30.5", why="trial call 1")
    expect_passed_through(scenario, caller, users, outcome, what="the 404")
    scenario.expect(breaker.state == impl.State.HALF_OPEN,
                    expected="state HALF_OPEN: the 404 is trial success 1 of 2 (a failure "
                             "would have re-opened the breaker)",
                    observed=f"state {state_of(breaker)}", timeline=caller.timeline(users))
    expect_admitted(scenario, caller, users, when="the next call", why="trial call 2")
    scenario.expect(breaker.state == impl.State.CLOSED,
                    expected="state CLOSED after 2 trial successes (the 404, then the 200)",
                    observed=f"state {state_of(breaker)}", timeline=caller.timeline(users))

    start = clock()
    reports = network.service("reports").down(503)
    breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=30,
                                  success_threshold=1, exclude=[requests.Timeout], clock=clock)
    scenario = Scenario("CircuitBreaker(failure_threshold=2, recovery_timeout=30, "
                        "success_threshold=1, exclude=[requests.Timeout]): the reports service "
                        f"fails twice (503) at t={start:g}, then the trial call times out")
    caller = Caller(impl, breaker, fetcher(network, reports), clock, scenario)
    trip(scenario, caller, reports, 2)
    reports.always(200).script(read_timeout())
    clock.advance(30 + LATE)
    outcome = expect_admitted(scenario, caller, reports, when=f"t={clock():g}",
                              why="the trial call")
    expect_passed_through(scenario, caller, reports, outcome, what="the read timeout")
    scenario.expect(breaker.state == impl.State.CLOSED,
                    expected="state CLOSED: an excluded exception is a success, and "
                             "success_threshold=1", observed=f"state {state_of(breaker)}",
                    timeline=caller.timeline(reports))


def test_excluded_exceptions_never_count(impl, clock, network):
    """`exclude` lists exception types that never count as failures, subclasses included"""
    users = network.service("users")
    users.script(*[read_timeout()] * 4, connect_timeout(), refused(), read_timeout(), refused(),
                 refused())
    breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=30,
                                  exclude=[requests.Timeout], clock=clock)
    scenario = Scenario("CircuitBreaker(failure_threshold=2, exclude=[requests.Timeout]); the "
                        "users service times out 4 times (ReadTimeout), times out connecting "
                        "(ConnectTimeout), refuses, times out, refuses, refuses")
    caller = Caller(impl, breaker, fetcher(network, users), clock, scenario)
    for number in range(1, 6):
        outcome = caller.call()
        expect_passed_through(scenario, caller, users, outcome, what=f"timeout {number}")
    scenario.expect(breaker.state == impl.State.CLOSED and breaker.failure_count == 0,
                    expected="state CLOSED, failure_count 0: ReadTimeout and ConnectTimeout "
                             "are subclasses of the excluded requests.Timeout",
                    observed=f"state {state_of(breaker)}, failure_count "
                             f"{breaker.failure_count}", timeline=caller.timeline(users))
    expect_counts(scenario, caller, users, ["refused", "read timeout", "refused"], [1, 0, 1])
    trip(scenario, caller, users, 1)

    missing = KeyError("email")

    def read_email() -> Any:
        raise missing

    breaker = impl.CircuitBreaker(failure_threshold=1, recovery_timeout=30, clock=clock,
                                  is_failure=lambda exc: True, exclude=[LookupError])
    scenario = Scenario("CircuitBreaker(failure_threshold=1, is_failure=lambda e: True, "
                        "exclude=[LookupError]); the function raises KeyError 3 times")
    caller = Caller(impl, breaker, read_email, clock, scenario)
    for number in range(1, 4):
        outcome = caller.call()
        expect_passed_through(scenario, caller, None, outcome, what=f"KeyError {number}")
    scenario.expect(breaker.state == impl.State.CLOSED,
                    expected="state CLOSED: KeyError is a LookupError, excluded; `exclude` "
                             "wins over is_failure", observed=f"state {state_of(breaker)}",
                    timeline=caller.timeline())

    class BrokenPredicate(Exception):
        """What a failure predicate with a bug raises."""

    def broken(exc: BaseException) -> bool:
        raise BrokenPredicate(f"cannot judge {type(exc).__name__}")

    breaker = impl.CircuitBreaker(failure_threshold=1, recovery_timeout=30, clock=clock,
                                  is_failure=broken,
                                  exclude=(kind for kind in (LookupError, requests.Timeout)))
    scenario = Scenario("CircuitBreaker(failure_threshold=1, is_failure=broken (it raises "
                        "whatever it is given), exclude=<a generator of LookupError and "
                        "requests.Timeout>); the function raises KeyError 3 times")
    caller = Caller(impl, breaker, read_email, clock, scenario)
    for number in range(1, 4):
        outcome = caller.call()
        expect_passed_through(scenario, caller, None, outcome,
                              what=f"KeyError {number} (excluded: is_failure is never asked "
                                   f"about it, so its bug cannot turn it into a failure; "
                                   f"`exclude` may be any iterable, a generator too)")
    scenario.expect(breaker.state == impl.State.CLOSED,
                    expected="state CLOSED: an excluded error is a success, whatever "
                             "is_failure would have said", observed=f"state {state_of(breaker)}",
                    timeline=caller.timeline())


def test_returned_server_error_counts_but_reaches_the_caller(impl, clock, network):
    """A returned (not raised) 503 response counts as a failure, and the caller still gets it"""
    users = network.service("users", default=503).script(503, 503, 200)
    breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=30, clock=clock)
    scenario = Scenario("the function returns the response without raise_for_status(); the "
                        "users service answers 503, 503, 200, then 503 to every call; "
                        "CircuitBreaker(failure_threshold=3)")
    caller = Caller(impl, breaker, raw_fetcher(network, users), clock, scenario)
    for number, (status, count) in enumerate(((503, 1), (503, 2), (200, 0), (503, 1),
                                              (503, 2)), start=1):
        outcome = caller.call()
        expect_passed_through(scenario, caller, users, outcome,
                              what=f"the {status} response of call {number}")
        scenario.expect(breaker.failure_count == count,
                        expected=f"failure_count {count} after a returned {status}"
                                 + (" (a returned 5xx is a failure)" if status >= 500 else
                                    " (a returned 200 is a success)"),
                        observed=f"failure_count {breaker.failure_count}",
                        timeline=caller.timeline(users))
    outcome = caller.call()
    expect_passed_through(scenario, caller, users, outcome,
                          what="the 503 response that trips the breaker")
    expect_rejected(scenario, caller, users, when="the next call",
                    why="3 returned 503 responses in a row opened the breaker")

    orders = network.service("orders").down(404)
    breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=30, clock=clock)
    scenario = Scenario("the function returns the response without raise_for_status(); the "
                        "orders service answers 404 to 4 calls; "
                        "CircuitBreaker(failure_threshold=2)")
    caller = Caller(impl, breaker, raw_fetcher(network, orders), clock, scenario)
    for _ in range(4):
        outcome = caller.call()
        expect_passed_through(scenario, caller, orders, outcome, what="the 404 response")
    scenario.expect(breaker.state == impl.State.CLOSED and breaker.failure_count == 0,
                    expected="state CLOSED, failure_count 0: a returned 404 is a success",
                    observed=f"state {state_of(breaker)}, failure_count "
                             f"{breaker.failure_count}", timeline=caller.timeline(orders))


def test_custom_predicates_decide(impl, clock, network):
    """`is_failure` and `is_failure_result` replace the default rules"""
    seen: list[BaseException] = []

    def only_connection_errors(exc: BaseException) -> int:
        seen.append(exc)
        return int(isinstance(exc, requests.ConnectionError))  # 1 or 0: truthy, not a bool

    users = network.service("users").script(503, 503, 503, refused(), refused())
    breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=30, clock=clock,
                                  is_failure=only_connection_errors)
    scenario = Scenario("CircuitBreaker(failure_threshold=2, is_failure=only_connection_errors)"
                        ", a predicate that answers 1 or 0; the users service answers 503 "
                        "three times, then refuses twice")
    caller = Caller(impl, breaker, fetcher(network, users), clock, scenario)
    expect_counts(scenario, caller, users, ["503", "503", "503", "refused"], [0, 0, 0, 1])
    produced = [thing for how, thing in caller.produced if how == "raised"]
    scenario.expect(len(seen) == 4 and all(a is b for a, b in zip(seen, produced)),
                    expected="is_failure called once per raised error, with the error itself",
                    observed=f"is_failure called {len(seen)} times with "
                             f"{[type(e).__name__ for e in seen]}",
                    timeline=caller.timeline(users))
    trip(scenario, caller, users, 1)

    orders = network.service("orders").always(ok({"id": 42, "degraded": "yes"}))
    breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=30, clock=clock,
                                  is_failure_result=lambda value: value.get("degraded", False))
    scenario = Scenario("CircuitBreaker(failure_threshold=2, is_failure_result=lambda v: "
                        "v.get('degraded')); the orders service answers 200 with "
                        "{'id': 42, 'degraded': 'yes'} (a truthy answer, not a bool)")
    caller = Caller(impl, breaker, fetcher(network, orders), clock, scenario)
    for number in (1, 2):
        outcome = caller.call()
        expect_passed_through(scenario, caller, orders, outcome,
                              what=f"degraded answer {number}")
    scenario.expect(breaker.state == impl.State.OPEN,
                    expected="state OPEN: 2 results judged failures by is_failure_result",
                    observed=f"state {state_of(breaker)}", timeline=caller.timeline(orders))
    expect_rejected(scenario, caller, orders, when="the third call")


def test_decorator_shares_one_code_path_with_call(impl, clock, network):
    """`@breaker` keeps the function's name and docstring, and shares state and rules with `call`"""
    users = network.service("users").down(503)
    breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=30, clock=clock)
    scenario = Scenario("@breaker on fetch_user, with CircuitBreaker(failure_threshold=3)")
    caller = Caller(impl, breaker, fetcher(network, users), clock, scenario)

    def fetch_user(path: str = USER, timeout: float = 2) -> Any:
        """Fetch one user from the users service."""
        return caller._protected(path, timeout=timeout)  # records what it raised or returned

    decorated = scenario.run(lambda: breaker(fetch_user))
    scenario.expect(decorated.returned and callable(decorated.value),
                    expected="breaker(fetch_user) returns a function",
                    observed=str(decorated))
    fetch_through_decorator = decorated.value
    name = getattr(fetch_through_decorator, "__name__", None)
    doc = getattr(fetch_through_decorator, "__doc__", None)
    scenario.expect(name == "fetch_user" and doc == fetch_user.__doc__,
                    expected="the decorated function keeps its name 'fetch_user' and its "
                             "docstring (functools.wraps)",
                    observed=f"name {name!r}, docstring {doc!r}")
    users.healthy()
    outcome = caller.call("/users/7", timeout=1, through=fetch_through_decorator)
    scenario.expect(outcome.returned and isinstance(outcome.value, dict)
                    and outcome.value.get("path") == "/users/7",
                    expected="the decorated call passes its arguments on: user 7's JSON",
                    observed=caller.describe(outcome), timeline=caller.timeline(users))

    scenario = Scenario("fetch_user decorated with @breaker, and breaker.call(fetch_user), on "
                        "one breaker (failure_threshold=3); the users service answers 503, 404, "
                        "503, 503, then 503 to every call")
    caller.scenario = scenario
    users.always(503).script(503, 404)
    steps = [("503 via @breaker", fetch_through_decorator),
             ("404 via @breaker", fetch_through_decorator),
             ("503 via @breaker", fetch_through_decorator), ("503 via breaker.call", None)]
    wanted, counts = [1, 0, 1, 2], []
    for number, (label, through) in enumerate(steps, start=1):
        outcome = caller.call(through=through)
        counts.append(breaker.failure_count)
        scenario.expect(counts == wanted[:number],
                        expected=f"failure_count after each call "
                                 f"({', '.join(l for l, _ in steps[:number])}): "
                                 f"{wanted[:number]}: one count, and the same rules, for both "
                                 f"forms", observed=str(counts), timeline=caller.timeline(users))
        expect_passed_through(scenario, caller, users, outcome, what=f"the {label.split()[0]}")
    outcome = caller.call(through=fetch_through_decorator)
    expect_passed_through(scenario, caller, users, outcome,
                          what="the third 503 in a row, through @breaker")
    expect_rejected(scenario, caller, users, when="breaker.call(fetch_user) next",
                    why="3 failures in a row, counted by both forms together")
    before, ran = users.call_count, caller.invocations
    outcome = caller.call(through=fetch_through_decorator)
    scenario.expect(caller.rejected(outcome) and users.call_count == before
                    and caller.invocations == ran,
                    expected="the decorated fetch_user rejected with CircuitOpenError too, "
                             "without calling the service",
                    observed=f"the call {caller.describe(outcome)}",
                    timeline=caller.timeline(users))


def test_ctrl_c_and_system_exit_are_neither_failures_nor_swallowed(impl, clock, network):
    """KeyboardInterrupt and SystemExit pass through: neither failures nor successes, never swallowed"""
    users = network.service("users").down(503)
    breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=30,
                                  success_threshold=1, clock=clock)
    scenario = Scenario("CircuitBreaker(failure_threshold=3, recovery_timeout=30, "
                        "success_threshold=1): the users service fails twice (503); then a "
                        "call is interrupted by Ctrl-C, another by SystemExit")
    caller = Caller(impl, breaker, fetcher(network, users), clock, scenario)
    caller.call()
    caller.call()

    def interrupt_with(signal: BaseException) -> None:
        def interrupted() -> None:
            raise signal

        caller.note(f"a call raises {type(signal).__name__}")
        seen: BaseException | None = None
        try:
            breaker.call(interrupted)
        except (KeyboardInterrupt, SystemExit) as exc:
            seen = exc
        except NotImplementedError:
            raise
        except Exception as exc:  # the breaker turned the signal into something else
            seen = exc
        scenario.expect(seen is signal,
                        expected=f"the {type(signal).__name__} propagates, unchanged",
                        observed="breaker.call returned" if seen is None else
                        f"{type(seen).__name__} raised instead",
                        timeline=caller.timeline(users))

    for signal in (KeyboardInterrupt(), SystemExit(1)):
        interrupt_with(signal)
        scenario.expect(breaker.state == impl.State.CLOSED and breaker.failure_count == 2,
                        expected=f"still CLOSED with failure_count 2 after the "
                                 f"{type(signal).__name__}: neither a failure nor a success",
                        observed=f"state {state_of(breaker)}, failure_count "
                                 f"{breaker.failure_count}", timeline=caller.timeline(users))
    trip(scenario, caller, users, 1)

    scenario = Scenario("the same breaker, open since t=0; at t=30.5 the trial call is "
                        "interrupted by Ctrl-C, then the next call finds the users service "
                        "healthy")
    caller.scenario = scenario
    clock.advance(30 + LATE)
    interrupt_with(KeyboardInterrupt())
    scenario.expect(breaker.state == impl.State.HALF_OPEN,
                    expected="state HALF_OPEN after the interrupted trial call: no verdict",
                    observed=f"state {state_of(breaker)}", timeline=caller.timeline(users))
    users.healthy()
    expect_admitted(scenario, caller, users, when="the next call",
                    why="the interrupted trial must free its place for a new trial call")
    scenario.expect(breaker.state == impl.State.CLOSED,
                    expected="state CLOSED after a trial success (success_threshold=1)",
                    observed=f"state {state_of(breaker)}", timeline=caller.timeline(users))


def test_zero_is_a_setting_not_a_default(impl, clock, network):
    """Settings are checked at construction: 0 is never silently a default; bad values raise"""
    users = network.service("users").down(503)
    breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=0, clock=clock)
    scenario = Scenario("CircuitBreaker(failure_threshold=2, recovery_timeout=0): the users "
                        "service fails twice (503), then recovers; half a second later, a call")
    caller = Caller(impl, breaker, fetcher(network, users), clock, scenario)
    for _ in range(2):
        caller.call()
    users.healthy()
    clock.advance(LATE)
    expect_admitted(scenario, caller, users, when=f"t={clock():g}",
                    why="recovery_timeout=0 means a trial call is allowed at once, not the "
                        "default 30 s")

    for settings, errors in (({"failure_threshold": 0}, ValueError),
                             ({"success_threshold": 0}, ValueError),
                             ({"recovery_timeout": -1}, ValueError),
                             ({"exclude": [404]}, (TypeError, ValueError)),
                             ({"exclude": ["HTTPError"]}, (TypeError, ValueError)),
                             ({"exclude": [dict]}, (TypeError, ValueError)),
                             ({"is_failure": "5xx"}, (TypeError, ValueError)),
                             ({"is_failure_result": 503}, (TypeError, ValueError))):
        shown = ", ".join(f"{key}={value!r}" for key, value in settings.items())
        scenario = Scenario(f"CircuitBreaker({shown})")
        outcome = scenario.run(lambda: impl.CircuitBreaker(clock=clock, **settings))
        names = " or ".join(e.__name__ for e in (errors if isinstance(errors, tuple)
                                                  else (errors,)))
        scenario.expect(outcome.raised(errors), expected=f"{names} at construction",
                        observed=str(outcome) if outcome.error else "a breaker was built")
