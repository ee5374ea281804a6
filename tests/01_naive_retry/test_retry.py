"""Lesson 1 checks: naive retry against a flaky users service."""

from __future__ import annotations

import asyncio
from typing import Any, Callable

import requests

from fake_services import FakeNetwork, FakeService, read_timeout, refused
from harness import Scenario

USER = "/users/42"


class TooManyCalls(BaseException):
    """Stops an implementation that would call the service forever."""


class ServiceHiccup(Exception):
    """An error type the implementation cannot know about: any Exception is retried."""


def fetcher(network: FakeNetwork, service: FakeService, limit: int = 50) -> Callable[[], Any]:
    """What a learner would retry: GET a user, raise on an HTTP error, return the JSON."""
    session = network.session()

    def fetch_user() -> Any:
        if service.call_count >= limit:
            raise TooManyCalls(f"more than {limit} calls")
        return service.fetch_json(USER, timeout=2, session=session)

    return fetch_user


def test_returns_the_first_success(impl, network):
    """Returns the result of a call that succeeds, after one call"""
    users = network.service("users")
    scenario = Scenario("the users service is healthy; retry(fetch_user, attempts=3)")
    outcome = scenario.run(lambda: impl.retry(fetcher(network, users), attempts=3))
    scenario.expect(outcome.returned and isinstance(outcome.value, dict)
                    and outcome.value.get("path") == USER,
                    expected="the user's JSON returned", observed=str(outcome))
    scenario.expect(users.call_count == 1, expected="exactly 1 call to the service",
                    observed=f"{users.call_count} calls", timeline=users.timeline())


def test_retries_until_a_call_succeeds(impl, network):
    """Retries after failures and returns the first success"""
    users = network.service("users").script(503, refused(), 200)
    scenario = Scenario("the users service answers 503, then refuses the connection, then "
                        "200; retry(fetch_user, attempts=3)")
    outcome = scenario.run(lambda: impl.retry(fetcher(network, users), attempts=3))
    scenario.expect(outcome.returned and isinstance(outcome.value, dict),
                    expected="the user's JSON from the third call", observed=str(outcome),
                    timeline=users.timeline())
    scenario.expect(users.call_count == 3, expected="3 calls", observed=f"{users.call_count}",
                    timeline=users.timeline())


def test_stops_calling_after_a_success(impl, network):
    """Never calls again once a call has succeeded"""
    users = network.service("users").script(503, 200)
    scenario = Scenario("the users service fails once, then answers 200; "
                        "retry(fetch_user, attempts=5)")
    outcome = scenario.run(lambda: impl.retry(fetcher(network, users), attempts=5))
    scenario.expect(outcome.returned, expected="the user's JSON", observed=str(outcome))
    scenario.expect(users.call_count == 2,
                    expected="2 calls: the failure and the success, then no more",
                    observed=f"{users.call_count} calls", timeline=users.timeline())


def test_gives_up_after_attempts_calls(impl, network):
    """Gives up after exactly `attempts` calls and raises"""
    for attempts in (1, 3, 5):
        users = network.service(f"users{attempts}").down(503)
        scenario = Scenario(f"the users service answers 503 to every call; "
                            f"retry(fetch_user, attempts={attempts})")
        outcome = scenario.run(lambda: impl.retry(fetcher(network, users), attempts=attempts))
        scenario.expect(users.call_count == attempts,
                        expected=f"exactly {attempts} call{'s' if attempts > 1 else ''} to the service",
                        observed=f"{users.call_count} calls", timeline=users.timeline())
        scenario.expect(outcome.raised(requests.HTTPError),
                        expected="the 503 raised to the caller (an HTTPError)",
                        observed=str(outcome))


def test_reraises_the_last_error_unchanged(impl, network):
    """Raises the last call's error itself, not the first one or a new one"""
    users = network.service("users").script(refused(), read_timeout(), 503)
    fetch = fetcher(network, users)
    errors: list[Exception] = []

    def fetch_and_remember() -> Any:
        try:
            return fetch()
        except Exception as error:
            errors.append(error)
            raised_args.append(error.args)
            raise

    raised_args: list[tuple[Any, ...]] = []
    scenario = Scenario("the users service refuses the connection, then times out, then "
                        "answers 503; retry(fetch_user, attempts=3)")
    outcome = scenario.run(lambda: impl.retry(fetch_and_remember, attempts=3))
    last = errors[-1] if errors else None
    scenario.expect(outcome.error is not None and outcome.error is last,
                    expected=f"the third call's own error raised: {type(last).__name__}"
                             if last else "three failed calls, then the last error raised",
                    observed=str(outcome), timeline=users.timeline())
    scenario.expect(outcome.error.args == raised_args[-1],
                    expected=f"that error unchanged: its args still {raised_args[-1]!r}",
                    observed=f"its args became {outcome.error.args!r}")


def test_rejects_fewer_than_one_attempt(impl, network):
    """Rejects attempts below 1 with ValueError, without calling the service"""
    for attempts in (0, -1):
        users = network.service(f"users{attempts + 10}")
        scenario = Scenario(f"retry(fetch_user, attempts={attempts})")
        try:
            outcome = scenario.run(lambda: impl.retry(fetcher(network, users),
                                                      attempts=attempts))
        except TooManyCalls:
            scenario.fail(expected="ValueError at once",
                          observed="the service was called more than 50 times (a loop that "
                                   "never ends?)")
        scenario.expect(outcome.raised(ValueError), expected="ValueError",
                        observed=str(outcome))
        scenario.expect(users.call_count == 0, expected="no call to the service",
                        observed=f"{users.call_count} calls")


def test_keyboard_interrupt_is_not_retried(impl):
    """Lets KeyboardInterrupt and SystemExit through at once: they are not failures to retry"""
    for kind, why in ((KeyboardInterrupt, "the user pressed Ctrl-C"),
                      (SystemExit, "the program is asked to exit"),
                      (asyncio.CancelledError, "the task running it was cancelled; like "
                                               "Ctrl-C, not an Exception")):
        for failures_first in (0, 1):
            calls: list[int] = []

            def interrupted(kind: type[BaseException] = kind, calls: list[int] = calls,
                            failures_first: int = failures_first) -> None:
                calls.append(1)
                if len(calls) <= failures_first:
                    raise ConnectionError("refused")
                raise kind

            before = "fails once with ConnectionError, then " if failures_first else ""
            scenario = Scenario(f"the function {before}raises {kind.__name__} ({why}); "
                                f"retry(func, attempts=3)")
            try:
                impl.retry(interrupted, attempts=3)
            except kind:
                pass
            except NotImplementedError:
                raise
            except BaseException as error:
                scenario.fail(expected=f"{kind.__name__} propagates",
                              observed=f"{type(error).__name__} raised instead")
            else:
                scenario.fail(expected=f"{kind.__name__} propagates", observed="retry returned")
            wanted = failures_first + 1
            scenario.expect(len(calls) == wanted,
                            expected=f"{wanted} call{'s' if wanted > 1 else ''}: no retry after "
                                     f"the {kind.__name__}",
                            observed=f"{len(calls)} calls")


def test_any_exception_is_a_failure_to_retry(impl):
    """Retries any Exception, not only network errors: this lesson does not judge errors yet"""
    for error in (ValueError("bad JSON"), KeyError("id"), RuntimeError("flaky"),
                  OSError("disk busy"), StopIteration("no more pages"),
                  ServiceHiccup("a custom Exception subclass")):
        calls: list[int] = []

        def flaky(error: Exception = error, calls: list[int] = calls) -> str:
            calls.append(1)
            if len(calls) < 3:
                raise error
            return "done"

        shown = f"{type(error).__name__}({str(error)!r})"
        scenario = Scenario(f"the function raises {shown} twice, then returns 'done'; "
                            f"retry(func, attempts=3)")
        outcome = scenario.run(lambda: impl.retry(flaky, attempts=3))
        scenario.expect(outcome.returned and outcome.value == "done" and len(calls) == 3,
                        expected="'done' returned after 3 calls (a call that raises an "
                                 "Exception is tried again)",
                        observed=f"{outcome} after {len(calls)} calls")


def test_returns_any_value_as_is(impl):
    """Returns what the first successful call returned, as is: None, 0 and [] are answers too"""
    empty: list[Any] = []
    for value, shown in ((None, "None"), (0, "0"), (False, "False"), ("", "''"),
                         (empty, "an empty list"),
                         (ValueError("a value"), "an exception object (returned, not raised)")):
        calls: list[int] = []

        def answer(value: Any = value, calls: list[int] = calls) -> Any:
            calls.append(1)
            return value

        scenario = Scenario(f"the function returns {shown} at once; retry(func, attempts=3)")
        outcome = scenario.run(lambda: impl.retry(answer, attempts=3))
        scenario.expect(outcome.returned and outcome.value is value and len(calls) == 1,
                        expected=f"{shown} itself returned after 1 call (a value is never "
                                 f"judged: returning is success)",
                        observed=f"{outcome} after {len(calls)} calls")


def test_attempts_defaults_to_three(impl, network):
    """Makes 3 attempts when `attempts` is not given, and takes it by position too"""
    for label, call, wanted in (("retry(fetch_user)", lambda f: impl.retry(f), 3),
                                ("retry(fetch_user, 2)", lambda f: impl.retry(f, 2), 2)):
        users = network.service(f"users-default{wanted}").down(503)
        scenario = Scenario(f"the users service answers 503 to every call; {label}")
        outcome = scenario.run(lambda: call(fetcher(network, users)))
        scenario.expect(users.call_count == wanted and outcome.raised(requests.HTTPError),
                        expected=f"{wanted} calls, then the 503 raised (an HTTPError)",
                        observed=f"{users.call_count} calls; {outcome}",
                        timeline=users.timeline())


def test_retries_multiply_the_load_on_a_dead_service(impl, clock):
    """Against a service that is down, 100 requests with 3 attempts put 300 calls on it"""
    users = FakeService("users", clock).down(503)

    def fetch_user() -> Any:
        return users.fetch_json(USER, timeout=2)  # the fake's direct transport: fast

    failures = 0
    for _ in range(100):
        try:
            impl.retry(fetch_user, attempts=3)
        except requests.HTTPError:
            failures += 1
    scenario = Scenario("the users service is down (503); 100 requests, each "
                        "retry(fetch_user, attempts=3)")
    scenario.expect(users.call_count == 300 and failures == 100,
                    expected="300 calls on the service (3x the load) and 100 failed requests",
                    observed=f"{users.call_count} calls, {failures} failed requests")
