"""Lesson 2 checks: backoff with full jitter, what to retry, and Retry-After.

Every retry here gets an injected ``sleep`` (a fake clock's: it records the wait and moves
fake time), an injected ``random`` (a stub with known values, or a seeded generator), and
an injected ``wall_clock`` (the fake clock's wall time), so every expected wait is exact.
"""

from __future__ import annotations

import asyncio
import heapq
import os
import random
import time
from contextlib import contextmanager
from email.utils import parsedate_to_datetime
from typing import Any, Callable, Iterable, Iterator

import requests

from fake_services import (FakeClock, FakeNetwork, FakeService, connect_timeout, error,
                           malformed_json, read_timeout, refused, reset)
from fake_services.replies import Reply, as_reply
from harness import Outcome, Scenario
from harness.guards import RealSleepError

USER = "/users/42"
TOLERANCE = 1e-9


class TooManyCalls(BaseException):
    """Stops an implementation that would call the service forever."""


# -- helpers -----------------------------------------------------------------------------------

def fetcher(service: FakeService, *, limit: int = 50,
            network: FakeNetwork | None = None) -> Callable[[], Any]:
    """What a learner retries: GET a user, raise on an HTTP error status, return the JSON.

    Through ``requests`` when a ``network`` is given, else through the fake's direct transport.
    """
    session = network.session() if network is not None else None

    def fetch_user() -> Any:
        if service.call_count >= limit:
            raise TooManyCalls(f"more than {limit} calls")
        return service.fetch_json(USER, timeout=2, session=session)

    return fetch_user


def response_getter(service: FakeService, returned: list[requests.Response],
                    limit: int = 50) -> Callable[[], requests.Response]:
    """A call that returns the response as is (no raise_for_status), remembering each one."""

    def get_user() -> requests.Response:
        if service.call_count >= limit:
            raise TooManyCalls(f"more than {limit} calls")
        response = service.get(USER, timeout=2)
        returned.append(response)
        return response

    return get_user


def constant(value: float) -> Callable[[], float]:
    """A random source that always says ``value``."""
    return lambda: value


def sequence(*values: float) -> Callable[[], float]:
    """A random source that says ``values`` in order, then repeats the last one."""
    remaining = list(values)

    def next_value() -> float:
        return remaining.pop(0) if len(remaining) > 1 else remaining[0]

    return next_value


class CountedDraws:
    """A random source that says ``value`` every time and counts how often it was asked."""

    def __init__(self, value: float = 0.5) -> None:
        self.value = value
        self.draws = 0

    def __call__(self) -> float:
        self.draws += 1
        return self.value


def run_retry(impl: Any, scenario: Scenario, clock: FakeClock, func: Callable[[], Any],
              **settings: Any) -> Outcome:
    """``impl.retry(func, ...)`` with the fake clock's sleep and wall time unless overridden."""
    settings = {"sleep": clock.sleep, "random": constant(0.5), "wall_clock": clock.wall,
                **settings}
    return scenario.run(lambda: impl.retry(func, **settings))


def shown(waits: Iterable[float]) -> str:
    return "[" + ", ".join(f"{w:g}" for w in waits) + "]"


def same_waits(observed: list[float], expected: list[float]) -> bool:
    return len(observed) == len(expected) and all(
        abs(o - e) <= TOLERANCE for o, e in zip(observed, expected))


def distinct(objects: list[object]) -> list[object]:
    """``objects`` without repeats (by identity), in the order they first appear."""
    seen: list[object] = []
    for item in objects:
        if not any(item is other for other in seen):
            seen.append(item)
    return seen


def judge(impl: Any, outcome: object) -> str:
    """``is_transient(outcome)`` as a word: "transient", "not transient" or what it raised."""
    try:
        verdict = impl.is_transient(outcome)
    except NotImplementedError:
        raise
    except Exception as exc:
        return f"raised {type(exc).__name__}: {exc}"
    return "transient" if verdict else "not transient"


def raised_by(service: FakeService, reply: Any) -> Exception:
    """The exception ``requests`` raises for a transport fault, as a real call sees it."""
    service.script(reply)
    try:
        service.get(USER, timeout=2)
    except Exception as exc:
        return exc
    raise AssertionError(f"{reply} did not raise")


def http_error(response: requests.Response) -> requests.HTTPError:
    try:
        response.raise_for_status()
    except requests.HTTPError as exc:
        return exc
    raise AssertionError(f"{response.status_code} did not raise HTTPError")


# -- what to retry -----------------------------------------------------------------------------

def test_classifies_transient_failures(impl, clock):
    """Classifies connection errors, timeouts, 5xx and 429 as transient"""
    users = FakeService("users", clock)
    cases: list[tuple[str, object]] = []
    for label, reply in [("connection refused", refused()), ("connection reset", reset()),
                         ("read timeout", read_timeout()),
                         ("connect timeout", connect_timeout())]:
        exc = raised_by(users, reply)
        cases.append((f"{label} ({type(exc).__name__})", exc))
    cases.append(("requests.Timeout('timed out') itself (the base class of ReadTimeout and "
                  "ConnectTimeout)", requests.Timeout("timed out")))
    for status in (500, 501, 502, 503, 504, 505, 507, 511, 599, 429):
        response = users.script(status).get(USER, timeout=2)
        cases.append((f"a returned {status} Response", response))
        cases.append((f"an HTTPError carrying a {status}", http_error(response)))
    scenario = Scenario("is_transient(outcome) for failures that may go away on their own "
                        "(every 5xx, and 429)")
    wrong = [f"{label}: {verdict}" for label, outcome in cases
             if (verdict := judge(impl, outcome)) != "transient"]
    scenario.expect(not wrong, expected="every one of them judged transient",
                    observed="; ".join(wrong))


def test_classifies_permanent_failures(impl, clock):
    """Classifies other statuses (4xx, 2xx, 3xx), malformed JSON, other errors as not transient"""
    users = FakeService("users", clock)
    cases: list[tuple[str, object]] = []
    for status in (400, 401, 403, 404, 405, 408, 409, 410, 413, 418, 422, 451, 499):
        response = users.script(status).get(USER, timeout=2)
        cases.append((f"a returned {status} Response", response))
        cases.append((f"an HTTPError carrying a {status}", http_error(response)))
    for status in (200, 204, 301, 304):
        cases.append((f"a returned {status} Response", users.script(status).get(USER, timeout=2)))
    cases.append(("an HTTPError('no response') that carries no response (.response is None)",
                  requests.HTTPError("no response")))
    broken = users.script(malformed_json()).get(USER, timeout=2)
    try:
        broken.json()
    except Exception as exc:
        cases.append((f"malformed JSON in a 200 ({type(exc).__name__})", exc))
    cases += [("ValueError('bad user id')", ValueError("bad user id")),
              ("KeyError('name')", KeyError("name")),
              ("RuntimeError('bug')", RuntimeError("bug")),
              ("the value {'id': 42}", {"id": 42})]
    # Other errors of requests: a request that is wrong, not a service that is down.
    cases += [(f"requests.{type(exc).__name__} (a RequestException, but neither a "
               f"ConnectionError nor a Timeout)", exc)
              for exc in (requests.TooManyRedirects("Exceeded 30 redirects."),
                          requests.exceptions.MissingSchema("No scheme supplied"),
                          requests.exceptions.InvalidURL("Invalid URL"),
                          requests.exceptions.InvalidHeader("Invalid header value"))]
    # Python's own socket errors are not requests' (requests wraps what it meets).
    cases += [(f"Python's built-in {type(exc).__name__} (not requests.{name})", exc)
              for exc, name in ((ConnectionRefusedError(111, "Connection refused"),
                                 "ConnectionError"),
                                (ConnectionResetError(104, "Connection reset by peer"),
                                 "ConnectionError"),
                                (TimeoutError("timed out"), "Timeout"))]
    scenario = Scenario("is_transient(outcome) for outcomes that trying again cannot fix")
    wrong = [f"{label}: {verdict}" for label, outcome in cases
             if (verdict := judge(impl, outcome)) != "not transient"]
    scenario.expect(not wrong, expected="every one of them judged not transient",
                    observed="; ".join(wrong))


def test_retries_transient_failures_until_success(impl, clock, network):
    """Retries connection errors, timeouts, 503 and 429, and returns the first success"""
    users = network.service("users").script(refused(), read_timeout(), 503, 429, 200)
    scenario = Scenario("the users service refuses the connection, times out, answers 503, "
                        "then 429, then 200; retry(fetch_user, attempts=5)")
    outcome = run_retry(impl, scenario, clock, fetcher(users, network=network), attempts=5)
    scenario.expect(outcome.returned and isinstance(outcome.value, dict)
                    and outcome.value.get("path") == USER,
                    expected="the user's JSON from the fifth call", observed=str(outcome),
                    timeline=users.timeline())
    scenario.expect(users.call_count == 5 and len(clock.sleeps) == 4,
                    expected="5 calls with a wait before each of the 4 retries",
                    observed=f"{users.call_count} calls, waits {shown(clock.sleeps)}",
                    timeline=users.timeline())


def test_does_not_retry_a_404(impl, network):
    """Never retries a 404 (or another 4xx): one call, its error raised, no wait"""
    for status in (404, 400, 401, 403, 409, 422):
        clock = FakeClock()
        users = FakeService(f"users{status}", clock).script(status)
        network.add(users)
        scenario = Scenario(f"the users service answers {status}; "
                            f"retry(fetch_user, attempts=3)")
        outcome = run_retry(impl, scenario, clock, fetcher(users, network=network), attempts=3)
        scenario.expect(users.call_count == 1,
                        expected=f"exactly 1 call: a {status} will not change if asked again",
                        observed=f"{users.call_count} calls", timeline=users.timeline())
        scenario.expect(outcome.raised(requests.HTTPError) and
                        getattr(outcome.error.response, "status_code", None) == status,
                        expected=f"the {status} raised to the caller (its HTTPError)",
                        observed=str(outcome))
        scenario.expect(not clock.sleeps, expected="no wait",
                        observed=f"waits {shown(clock.sleeps)}")


def test_does_not_retry_malformed_json_or_bugs(impl):
    """Never retries malformed JSON or a non-HTTP error: one call, the same error raised"""
    cases = [("the users service answers 200 with a body that is not JSON",
              lambda users: users.script(malformed_json()), lambda fetch: fetch()),
             ("the users service answers 200, and the code reads a field the body lacks "
              "(a KeyError: a bug, not a failure of the service)",
              lambda users: users.healthy(), lambda fetch: fetch()["name"])]
    for description, arrange, use in cases:
        clock = FakeClock()
        users = FakeService("users", clock)
        arrange(users)
        fetch = fetcher(users)
        errors: list[Exception] = []

        def fetch_and_remember(fetch: Callable[[], Any] = fetch,
                               use: Callable[..., Any] = use,
                               errors: list[Exception] = errors) -> Any:
            try:
                return use(fetch)
            except Exception as exc:
                errors.append(exc)
                raise

        scenario = Scenario(f"{description}; retry(fetch_user, attempts=3)")
        outcome = run_retry(impl, scenario, clock, fetch_and_remember, attempts=3)
        scenario.expect(users.call_count == 1, expected="exactly 1 call",
                        observed=f"{users.call_count} calls", timeline=users.timeline())
        scenario.expect(bool(errors) and outcome.error is errors[-1],
                        expected=f"the call's own {type(errors[-1]).__name__ if errors else ''} "
                                 f"raised, unchanged",
                        observed=str(outcome))
        scenario.expect(not clock.sleeps, expected="no wait",
                        observed=f"waits {shown(clock.sleeps)}")


# -- how long to wait --------------------------------------------------------------------------

def test_waits_follow_full_jitter(impl, clock):
    """Waits random() × base_delay × 2**k before retry k+1: full jitter, doubling each time"""
    users = FakeService("users", clock).down(503)
    draws = (0.5, 0.25, 0.75, 0.1, 0.9)
    scenario = Scenario(f"the users service answers 503 to everything; random() says "
                        f"{', '.join(map(str, draws))}; retry(fetch_user, attempts=6, "
                        f"base_delay=0.5, max_delay=100)")
    outcome = run_retry(impl, scenario, clock, fetcher(users), attempts=6, base_delay=0.5,
                        max_delay=100.0, random=sequence(*draws))
    expected = [r * 0.5 * 2 ** k for k, r in enumerate(draws)]
    scenario.expect(same_waits(clock.sleeps, expected),
                    expected=f"waits {shown(expected)} (random() × 0.5 × 2**k for k = 0..4)",
                    observed=f"waits {shown(clock.sleeps)}; {outcome}",
                    timeline=users.timeline())

    clock = FakeClock()
    users = FakeService("users", clock).down(503)
    scenario = Scenario("the users service answers 503 to everything; random() says 0.0, then "
                        "0.5; retry(fetch_user, attempts=3, base_delay=1, max_delay=100)")
    outcome = run_retry(impl, scenario, clock, fetcher(users), attempts=3, base_delay=1.0,
                        max_delay=100.0, random=sequence(0.0, 0.5))
    scenario.expect(same_waits(clock.sleeps, [0.0, 1.0]) or same_waits(clock.sleeps, [1.0]),
                    expected="waits [0, 1] (a draw of 0 is a wait of 0, or none; then 0.5 × "
                             "1 × 2**1)",
                    observed=f"waits {shown(clock.sleeps)}; {outcome}",
                    timeline=users.timeline())


def test_waits_are_capped_by_max_delay(impl, clock):
    """Never waits longer than max_delay, jitter included"""
    users = FakeService("users", clock).down(503)
    scenario = Scenario("the users service answers 503 to everything; random() says 0.999 "
                        "every time; retry(fetch_user, attempts=9, base_delay=1, max_delay=4)")
    outcome = run_retry(impl, scenario, clock, fetcher(users), attempts=9, base_delay=1.0,
                        max_delay=4.0, random=constant(0.999))
    expected = [0.999 * min(4.0, 2 ** k) for k in range(8)]
    scenario.expect(same_waits(clock.sleeps, expected),
                    expected=f"waits {shown(expected)}: the doubling stops at max_delay=4",
                    observed=f"waits {shown(clock.sleeps)}; {outcome}")

    seeded = FakeClock()
    users = FakeService("orders", seeded).down(503)
    scenario = Scenario("the orders service answers 503 to everything; random is "
                        "random.Random(7).random; retry(fetch_order, attempts=12, "
                        "base_delay=0.2, max_delay=3)")
    run_retry(impl, scenario, seeded, fetcher(users), attempts=12, base_delay=0.2,
              max_delay=3.0, random=random.Random(7).random)
    ceilings = [min(3.0, 0.2 * 2 ** k) for k in range(11)]
    outside = [f"wait {k + 1} = {w:g} (allowed 0..{c:g})"
               for k, (w, c) in enumerate(zip(seeded.sleeps, ceilings))
               if not -TOLERANCE <= w <= c + TOLERANCE]
    scenario.expect(len(seeded.sleeps) == 11 and not outside,
                    expected="11 waits, wait k+1 within [0, min(3, 0.2 × 2**k)]",
                    observed="; ".join(outside) or f"{len(seeded.sleeps)} waits")


def test_waits_exactly_attempts_minus_one_times(impl):
    """Waits exactly attempts - 1 times: never after the last attempt, never after a success"""
    for attempts in (1, 2, 5):
        clock = FakeClock()
        users = FakeService("users", clock).down(503)
        scenario = Scenario(f"the users service answers 503 to everything; "
                            f"retry(fetch_user, attempts={attempts})")
        outcome = run_retry(impl, scenario, clock, fetcher(users), attempts=attempts)
        scenario.expect(users.call_count == attempts,
                        expected=f"{attempts} calls", observed=f"{users.call_count} calls",
                        timeline=users.timeline())
        scenario.expect(len(clock.sleeps) == attempts - 1,
                        expected=f"{attempts - 1} waits: one between each two calls, none "
                                 f"after the last",
                        observed=f"{len(clock.sleeps)} waits {shown(clock.sleeps)}",
                        timeline=users.timeline())
        scenario.expect(outcome.raised(requests.HTTPError),
                        expected="the last 503 raised (an HTTPError)", observed=str(outcome))
    clock = FakeClock()
    users = FakeService("users", clock).script(503, 503, 200)
    scenario = Scenario("the users service answers 503, 503, then 200; "
                        "retry(fetch_user, attempts=5)")
    outcome = run_retry(impl, scenario, clock, fetcher(users), attempts=5)
    scenario.expect(outcome.returned and users.call_count == 3 and len(clock.sleeps) == 2,
                    expected="the user returned after 3 calls and 2 waits (none after the "
                             "success)",
                    observed=f"{outcome}; {users.call_count} calls, "
                             f"waits {shown(clock.sleeps)}", timeline=users.timeline())


def test_waits_through_the_injected_sleep(impl, clock):
    """Waits only through the injected sleep, never with a real time.sleep"""
    users = FakeService("users", clock).down(503)
    scenario = Scenario("the users service answers 503 to everything; "
                        "retry(fetch_user, attempts=3, sleep=fake_sleep)")
    try:
        run_retry(impl, scenario, clock, fetcher(users), attempts=3)
    except RealSleepError:
        scenario.fail(expected="2 waits through the injected sleep (the checks run on fake "
                               "time)",
                      observed="time.sleep was called for real")
    scenario.expect(len(clock.sleeps) == 2,
                    expected="2 waits through the injected sleep",
                    observed=f"{len(clock.sleeps)} calls to the injected sleep",
                    timeline=users.timeline())


# -- Retry-After -------------------------------------------------------------------------------

def test_honours_retry_after_in_seconds(impl, clock, network):
    """Honours Retry-After in seconds on 429 and 503, instead of its own backoff"""
    users = network.service("users").script(error(429, retry_after=3),
                                            error(503, retry_after=7), 200)
    scenario = Scenario("the users service answers 429 with Retry-After: 3, then 503 with "
                        "Retry-After: 7, then 200; retry(fetch_user, attempts=3, "
                        "base_delay=0.1, max_delay=10)")
    draws = CountedDraws()
    outcome = run_retry(impl, scenario, clock, fetcher(users, network=network), attempts=3,
                        base_delay=0.1, max_delay=10.0, random=draws)
    scenario.expect(same_waits(clock.sleeps, [3.0, 7.0]),
                    expected="waits [3, 7]: what the server asked for",
                    observed=f"waits {shown(clock.sleeps)}", timeline=users.timeline())
    scenario.expect(draws.draws == 0,
                    expected="random() never called: it is drawn once per full-jitter wait, and "
                             "there was none",
                    observed=f"random() called {draws.draws} times")
    scenario.expect(outcome.returned and users.call_count == 3,
                    expected="the user returned after 3 calls",
                    observed=f"{outcome}; {users.call_count} calls", timeline=users.timeline())


def test_retry_after_header_name_is_case_insensitive(impl):
    """Finds Retry-After whatever the case of its name: `retry-after: 3` is the same header"""
    for name in ("retry-after", "RETRY-AFTER"):
        for returned_as_is in (False, True):
            clock = FakeClock()
            users = FakeService("users", clock).script(
                Reply(429, json={"error": 429}, headers={name: "3"}), 200)
            returned: list[requests.Response] = []
            func = response_getter(users, returned) if returned_as_is else fetcher(users)
            how = "get_user returns the Response" if returned_as_is else "fetch_user raises"
            scenario = Scenario(f"{how}; the users service answers 429 with the header "
                                f"'{name}: 3' (HTTP field names are case-insensitive), then "
                                f"200; retry(..., attempts=3, base_delay=1, max_delay=10)")
            outcome = run_retry(impl, scenario, clock, func, attempts=3, base_delay=1.0,
                                max_delay=10.0)
            scenario.expect(outcome.returned and same_waits(clock.sleeps, [3.0]),
                            expected="one wait of 3 s, as the server asked, then the 200",
                            observed=f"{outcome}; waits {shown(clock.sleeps)}",
                            timeline=users.timeline())


def test_honours_retry_after_as_an_http_date(impl):
    """Honours Retry-After as an HTTP-date, read against the injected wall clock"""
    for status, ahead in ((503, 4), (429, 25)):
        clock = FakeClock()
        users = FakeService("users", clock).script(
            error(status, retry_after=clock.http_date(ahead)), 200)
        date = clock.http_date(ahead)
        scenario = Scenario(f"the users service answers {status} with Retry-After: {date} "
                            f"(the wall clock says {clock.http_date()}), then 200; "
                            f"retry(fetch_user, attempts=3, max_delay=30, "
                            f"wall_clock=fake_wall_clock)")
        outcome = run_retry(impl, scenario, clock, fetcher(users), attempts=3, max_delay=30.0)
        scenario.expect(same_waits(clock.sleeps, [float(ahead)]),
                        expected=f"one wait of {ahead} s, until that date",
                        observed=f"waits {shown(clock.sleeps)}", timeline=users.timeline())
        scenario.expect(outcome.returned, expected="the user returned", observed=str(outcome))

    clock = FakeClock()
    clock.advance(0.25)  # the wall clock is a quarter of a second past a whole second
    date = clock.http_date(4)  # an HTTP-date has whole seconds: 3.75 s from now
    ahead = parsedate_to_datetime(date).timestamp() - clock.wall()
    users = FakeService("users", clock).script(error(503, retry_after=date), 200)
    scenario = Scenario(f"the users service answers 503 with Retry-After: {date}, and the wall "
                        f"clock says {ahead:g} s before that date (it is a quarter of a second "
                        f"past a whole second), then 200; retry(fetch_user, attempts=3)")
    outcome = run_retry(impl, scenario, clock, fetcher(users), attempts=3)
    scenario.expect(outcome.returned and same_waits(clock.sleeps, [ahead]),
                    expected=f"one wait of {ahead:g} s: from the wall clock to that date, "
                             f"exactly (not rounded to whole seconds)",
                    observed=f"{outcome}; waits {shown(clock.sleeps)}",
                    timeline=users.timeline())

    clock = FakeClock()
    users = FakeService("users", clock).script(error(503, retry_after=clock.http_date(-30)), 200)
    scenario = Scenario(f"the users service answers 503 with Retry-After: "
                        f"{clock.http_date(-30)}, 30 s in the past, then 200; "
                        f"retry(fetch_user, attempts=3)")
    outcome = run_retry(impl, scenario, clock, fetcher(users), attempts=3)
    scenario.expect(outcome.returned and users.call_count == 2 and sum(clock.sleeps) == 0
                    and len(clock.sleeps) <= 1,
                    expected="a date in the past means now: no waiting, the user returned "
                             "after 2 calls",
                    observed=f"{outcome}; {users.call_count} calls, "
                             f"waits {shown(clock.sleeps)}", timeline=users.timeline())


def test_stops_when_retry_after_exceeds_max_delay(impl):
    """Stops at once when Retry-After asks for longer than max_delay, raised or returned"""
    for status, retry_after in ((503, lambda clock: 30),
                                (429, lambda clock: clock.http_date(60))):
        clock = FakeClock()
        label = retry_after(clock)
        users = FakeService("users", clock).script(error(status, retry_after=label), 200)
        scenario = Scenario(f"the users service answers {status} with Retry-After: {label}, "
                            f"then would answer 200; retry(fetch_user, attempts=3, "
                            f"max_delay=10)")
        draws = CountedDraws()
        outcome = run_retry(impl, scenario, clock, fetcher(users), attempts=3, max_delay=10.0,
                            random=draws)
        scenario.expect(users.call_count == 1 and not clock.sleeps and draws.draws == 0,
                        expected="1 call, no wait and no random() draw: the server asks for "
                                 "more than we may wait, so give up now",
                        observed=f"{users.call_count} calls, waits {shown(clock.sleeps)}, "
                                 f"{draws.draws} draws", timeline=users.timeline())
        scenario.expect(outcome.raised(requests.HTTPError),
                        expected=f"the {status} raised to the caller", observed=str(outcome))

    clock = FakeClock()
    users = FakeService("users", clock).script(error(503, retry_after=30), 200)
    returned: list[requests.Response] = []
    scenario = Scenario("get_user returns the Response without raise_for_status; the users "
                        "service answers 503 with Retry-After: 30, then would answer 200; "
                        "retry(get_user, attempts=3, max_delay=10)")
    outcome = run_retry(impl, scenario, clock, response_getter(users, returned), attempts=3,
                        max_delay=10.0)
    scenario.expect(users.call_count == 1 and not clock.sleeps and outcome.returned
                    and bool(returned) and outcome.value is returned[0],
                    expected="1 call, no wait, and that 503 Response returned as is",
                    observed=f"{users.call_count} calls, waits {shown(clock.sleeps)}; {outcome}",
                    timeline=users.timeline())


def test_honours_retry_after_at_its_edges(impl):
    """Honours a Retry-After exactly equal to max_delay, and a Retry-After of 0"""
    cases = [("Retry-After: 10", lambda clock: 10, {"max_delay": 10.0}, 10.0),
             ("Retry-After: 4 with max_delay=4", lambda clock: 4, {"max_delay": 4.0}, 4.0),
             ("an HTTP-date exactly 10 s ahead", lambda clock: clock.http_date(10),
              {"max_delay": 10.0}, 10.0),
             ("Retry-After: 0", lambda clock: 0, {"max_delay": 10.0}, 0.0),
             ("Retry-After: 0 with max_delay=0", lambda clock: 0, {"max_delay": 0.0}, 0.0)]
    for label, retry_after, settings, wait in cases:
        clock = FakeClock()
        users = FakeService("users", clock).script(error(503, retry_after=retry_after(clock)),
                                                   200)
        described = ", ".join(f"{k}={v:g}" for k, v in settings.items())
        scenario = Scenario(f"the users service answers 503 with {label}, then 200; random() "
                            f"says 0.5; retry(fetch_user, attempts=3, base_delay=1, {described})")
        outcome = run_retry(impl, scenario, clock, fetcher(users), attempts=3, base_delay=1.0,
                            **settings)
        if wait:
            waited_right = same_waits(clock.sleeps, [wait])
            wanted = f"one wait of {wait:g} s (exactly max_delay is not longer than max_delay)"
        else:
            waited_right = len(clock.sleeps) <= 1 and sum(clock.sleeps) == 0
            wanted = "no waiting (0 means now, not 'no header')"
        scenario.expect(outcome.returned and users.call_count == 2 and waited_right,
                        expected=f"{wanted}, then the user after 2 calls",
                        observed=f"{outcome}; {users.call_count} calls, "
                                 f"waits {shown(clock.sleeps)}", timeline=users.timeline())


def test_retry_after_counts_only_on_429_and_503(impl):
    """Reads Retry-After only on a 429 or 503: other 5xx get full jitter, whatever they say"""
    for status, retry_after in ((500, 5), (502, 60), (504, 5)):
        for returned_as_is in (False, True):
            clock = FakeClock()
            users = FakeService("users", clock).script(error(status, retry_after=retry_after),
                                                       200)
            returned: list[requests.Response] = []
            func = response_getter(users, returned) if returned_as_is else fetcher(users)
            how = "get_user returns the Response" if returned_as_is else "fetch_user raises"
            scenario = Scenario(f"{how}; the users service answers {status} with Retry-After: "
                                f"{retry_after}, then 200; random() says 0.5; retry(..., "
                                f"attempts=3, base_delay=1, max_delay=10)")
            outcome = run_retry(impl, scenario, clock, func, attempts=3, base_delay=1.0,
                                max_delay=10.0)
            scenario.expect(outcome.returned and users.call_count == 2
                            and same_waits(clock.sleeps, [0.5]),
                            expected=f"one full-jitter wait of 0.5 (0.5 × 1 × 2**0), then the "
                                     f"200: Retry-After is honoured on 429 and 503 only, not "
                                     f"on a {status}",
                            observed=f"{outcome}; {users.call_count} calls, "
                                     f"waits {shown(clock.sleeps)}", timeline=users.timeline())
    for status in (413, 400, 301):
        clock = FakeClock()
        users = FakeService("users", clock).script(error(status, retry_after=5), 200)
        returned = []
        scenario = Scenario(f"should_retry says yes to every answer but a 200; get_user "
                            f"returns the Response; the users service answers {status} with "
                            f"Retry-After: 5, then 200; random() says 0.5; retry(get_user, "
                            f"attempts=3, base_delay=1, max_delay=10, should_retry=...)")
        outcome = run_retry(impl, scenario, clock, response_getter(users, returned),
                            attempts=3, base_delay=1.0, max_delay=10.0,
                            should_retry=lambda outcome: outcome.status_code != 200)
        scenario.expect(outcome.returned and users.call_count == 2
                        and same_waits(clock.sleeps, [0.5]),
                        expected=f"one full-jitter wait of 0.5, then the 200: this retry reads "
                                 f"Retry-After on 429 and 503 only (urllib3 reads it on 413 "
                                 f"too), so a {status}'s is not read",
                        observed=f"{outcome}; {users.call_count} calls, "
                                 f"waits {shown(clock.sleeps)}", timeline=users.timeline())


def test_backoff_counts_every_retry(impl, clock):
    """Counts k over every retry: a wait taken from Retry-After still moves the backoff on"""
    users = FakeService("users", clock).script(error(503, retry_after=3), 503, 503, 200)
    scenario = Scenario("the users service answers 503 with Retry-After: 3, then 503 twice "
                        "without it, then 200; random() says 0.5, then 0.25, then 0.75; "
                        "retry(fetch_user, attempts=4, base_delay=1, max_delay=100)")
    outcome = run_retry(impl, scenario, clock, fetcher(users), attempts=4, base_delay=1.0,
                        max_delay=100.0, random=sequence(0.5, 0.25, 0.75))
    expected = [3.0, 1.0, 1.0]
    scenario.expect(outcome.returned and same_waits(clock.sleeps, expected),
                    expected=f"waits {shown(expected)}: 3 s as asked before retry 1 (no draw), "
                             f"then 0.5 × 1 × 2**1 and 0.25 × 1 × 2**2 before retries 2 and 3",
                    observed=f"waits {shown(clock.sleeps)}; {outcome}",
                    timeline=users.timeline())


def rfc850_date(epoch: float) -> str:
    """The obsolete RFC 850 form of an HTTP-date: ``Tuesday, 14-Nov-23 22:13:24 GMT``."""
    t = time.gmtime(epoch)
    day = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[t.tm_wday]
    month = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
             "Dec")[t.tm_mon - 1]
    return (f"{day}, {t.tm_mday:02d}-{month}-{t.tm_year % 100:02d} "
            f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} GMT")


@contextmanager
def local_time(zone: str) -> Iterator[None]:
    """Run with the process's local time zone set to ``zone`` (a POSIX TZ string)."""
    if not hasattr(time, "tzset"):  # Windows: the zone cannot be switched; UTC-free anyway
        yield
        return
    saved = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        yield
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()


def test_unreadable_retry_after_falls_back_to_backoff(impl):
    """Reads whole seconds and HTTP-dates; anything else falls back to its own backoff"""
    readable = [(" 7 ", lambda clock: " 7 ", 7.0, "spaces around are ignored"),
                ("007", lambda clock: "007", 7.0, "whole seconds"),
                ("an HTTP-date with no zone, 4 s ahead",
                 lambda clock: clock.http_date(4).removesuffix(" GMT"), 4.0,
                 "an HTTP-date is GMT, zone or not"),
                ("an asctime date (no zone), 6 s ahead",
                 lambda clock: time.asctime(time.gmtime(clock.wall() + 6)), 6.0,
                 "the asctime form of an HTTP-date is GMT too"),
                ("an RFC 850 date, 5 s ahead", lambda clock: rfc850_date(clock.wall() + 5), 5.0,
                 "RFC 9110 asks a recipient to accept all three forms of HTTP-date")]
    unreadable = ["soon", "1.5", "-3", "+7", "7s", "\u00b2", ""]
    cases = [(label, value, [wait], f"one wait of {wait:g} s ({why})")
             for label, value, wait, why in readable]
    cases += [(f"Retry-After: {text!r}", lambda clock, text=text: text, [0.5],
               "one full-jitter wait of 0.5 (0.5 × 1 × 2**0): not whole seconds and not an "
               "HTTP-date, so unreadable")
              for text in unreadable]
    for label, value, waits, wanted in cases:
        clock = FakeClock()
        header = value(clock)
        users = FakeService("users", clock).script(error(503, retry_after=header), 200)
        scenario = Scenario(f"the users service answers 503 with {label} ({header!r}; the local "
                            f"time zone is 5 hours behind UTC), then 200; random() says 0.5; "
                            f"retry(fetch_user, attempts=3, base_delay=1, max_delay=10)")
        with local_time("XYZ+5"):
            outcome = run_retry(impl, scenario, clock, fetcher(users), attempts=3,
                                base_delay=1.0, max_delay=10.0)
        scenario.expect(outcome.returned and same_waits(clock.sleeps, waits),
                        expected=f"{wanted}, then the user",
                        observed=f"{outcome}; waits {shown(clock.sleeps)}",
                        timeline=users.timeline())


# -- returned responses and settings -----------------------------------------------------------

def test_returned_responses_are_judged_too(impl, clock):
    """Retries a returned 5xx Response, and returns the last Response when attempts run out"""
    users = FakeService("users", clock).down(503)
    returned: list[requests.Response] = []
    scenario = Scenario("get_user returns the Response without raise_for_status; the users "
                        "service answers 503 to everything; retry(get_user, attempts=3)")
    outcome = run_retry(impl, scenario, clock, response_getter(users, returned), attempts=3)
    scenario.expect(users.call_count == 3 and len(clock.sleeps) == 2,
                    expected="3 calls and 2 waits", observed=f"{users.call_count} calls, "
                    f"waits {shown(clock.sleeps)}", timeline=users.timeline())
    scenario.expect(outcome.returned and returned and outcome.value is returned[-1],
                    expected="the third call's 503 Response returned as is",
                    observed=str(outcome))

    clock = FakeClock()
    users = FakeService("users", clock).script(404)
    returned.clear()
    scenario = Scenario("get_user returns the Response; the users service answers 404; "
                        "retry(get_user, attempts=3)")
    outcome = run_retry(impl, scenario, clock, response_getter(users, returned), attempts=3)
    scenario.expect(users.call_count == 1 and outcome.returned and returned
                    and outcome.value is returned[0],
                    expected="1 call, and the 404 Response returned as is",
                    observed=f"{users.call_count} calls; {outcome}", timeline=users.timeline())

    clock = FakeClock()
    calls: list[int] = []

    def report() -> ValueError:
        calls.append(1)
        return made  # returned, not raised: a value like any other

    made = ValueError("a parse report, returned as a value")
    scenario = Scenario("the function returns (does not raise) a ValueError object; "
                        "retry(func, attempts=3)")
    outcome = run_retry(impl, scenario, clock, report, attempts=3)
    scenario.expect(outcome.returned and outcome.value is made and len(calls) == 1,
                    expected="that ValueError object returned as is after 1 call: an outcome "
                             "that was returned is returned, never raised",
                    observed=f"{outcome} after {len(calls)} calls")

    clock = FakeClock()
    users = FakeService("users", clock).script(error(429, retry_after=2), 200)
    returned.clear()
    scenario = Scenario("get_user returns the Response; the users service answers 429 with "
                        "Retry-After: 2, then 200; retry(get_user, attempts=3)")
    outcome = run_retry(impl, scenario, clock, response_getter(users, returned), attempts=3)
    scenario.expect(same_waits(clock.sleeps, [2.0]) and outcome.returned
                    and getattr(outcome.value, "status_code", None) == 200,
                    expected="one wait of 2 s, then the 200 Response returned",
                    observed=f"waits {shown(clock.sleeps)}; {outcome}",
                    timeline=users.timeline())


def test_rejects_invalid_settings(impl, clock):
    """Rejects attempts below 1 and negative delays with ValueError, without calling"""
    for settings in ({"attempts": 0}, {"attempts": -1}, {"base_delay": -0.1},
                     {"max_delay": -1.0}):
        users = FakeService("users", clock)
        described = ", ".join(f"{k}={v}" for k, v in settings.items())
        scenario = Scenario(f"retry(fetch_user, {described})")
        try:
            outcome = run_retry(impl, scenario, clock, fetcher(users), **settings)
        except TooManyCalls:
            scenario.fail(expected="ValueError at once",
                          observed="the service was called more than 50 times")
        scenario.expect(outcome.raised(ValueError), expected="ValueError",
                        observed=str(outcome))
        scenario.expect(users.call_count == 0, expected="no call to the service",
                        observed=f"{users.call_count} calls")


def test_zero_delays_are_valid(impl):
    """Accepts base_delay=0 and max_delay=0: retries at once, never a default in their place"""
    for settings, retry_after in (({"base_delay": 0.0, "max_delay": 10.0}, None),
                                  ({"base_delay": 1.0, "max_delay": 0.0}, None),
                                  ({"base_delay": 1.0, "max_delay": 0.0}, 1)):
        clock = FakeClock()
        first = error(503, retry_after=retry_after) if retry_after is not None else 503
        users = FakeService("users", clock).script(first, 503, 200)
        described = ", ".join(f"{k}={v:g}" for k, v in settings.items())
        said = f" with Retry-After: {retry_after}" if retry_after is not None else ""
        scenario = Scenario(f"the users service answers 503{said}, then 503, then 200; random() "
                            f"says 0.5; retry(fetch_user, attempts=3, {described})")
        outcome = run_retry(impl, scenario, clock, fetcher(users), attempts=3, **settings)
        if retry_after is None:
            ok = (outcome.returned and users.call_count == 3 and len(clock.sleeps) <= 2
                  and not any(clock.sleeps))
            wanted = "3 calls with waits of 0 (a ceiling of 0), then the user"
        else:
            ok = outcome.raised(requests.HTTPError) and users.call_count == 1 and not clock.sleeps
            wanted = ("1 call and no wait: Retry-After: 1 is longer than max_delay=0, so the "
                      "503 is raised at once")
        scenario.expect(ok, expected=wanted,
                        observed=f"{outcome}; {users.call_count} calls, "
                                 f"waits {shown(clock.sleeps)}", timeline=users.timeline())


def test_defaults_are_the_readmes(impl):
    """Defaults to attempts=3, base_delay=0.1 and max_delay=10"""
    clock = FakeClock()
    users = FakeService("users", clock).down(503)
    scenario = Scenario("the users service answers 503 to everything; random() says 0.5; "
                        "retry(fetch_user, sleep=..., random=..., wall_clock=...) with no other "
                        "settings")
    outcome = run_retry(impl, scenario, clock, fetcher(users))
    scenario.expect(users.call_count == 3 and same_waits(clock.sleeps, [0.05, 0.1])
                    and outcome.raised(requests.HTTPError),
                    expected="3 calls, waits [0.05, 0.1] (0.5 × 0.1 × 2**k), then the 503 raised",
                    observed=f"{users.call_count} calls, waits {shown(clock.sleeps)}; {outcome}",
                    timeline=users.timeline())
    for retry_after, wanted_waits in ((10, [10.0]), (11, [])):
        clock = FakeClock()
        users = FakeService("users", clock).script(error(503, retry_after=retry_after), 200)
        scenario = Scenario(f"the users service answers 503 with Retry-After: {retry_after}, "
                            f"then 200; retry(fetch_user) without max_delay (the default, 10)")
        outcome = run_retry(impl, scenario, clock, fetcher(users))
        wanted = ("one wait of 10 s, then the user" if wanted_waits else
                  "1 call and no wait: 11 s is more than the default max_delay of 10")
        scenario.expect(same_waits(clock.sleeps, wanted_waits)
                        and users.call_count == 1 + len(wanted_waits),
                        expected=wanted,
                        observed=f"{users.call_count} calls, waits {shown(clock.sleeps)}; "
                                 f"{outcome}", timeline=users.timeline())


def test_should_retry_decides_what_is_retried(impl):
    """Asks the should_retry it is given about each outcome, and follows its verdict"""
    clock = FakeClock()
    users = FakeService("users", clock).script(404, 404, 200)
    judged: list[object] = []
    errors: list[Exception] = []
    fetch = fetcher(users)

    def fetch_and_remember() -> Any:
        try:
            return fetch()
        except Exception as exc:
            errors.append(exc)
            raise

    def every_http_error(outcome: object) -> bool:
        judged.append(outcome)
        return isinstance(outcome, requests.HTTPError)

    scenario = Scenario("should_retry says yes to every HTTPError, 404s included; the users "
                        "service answers 404, 404, then 200; retry(fetch_user, attempts=4, "
                        "should_retry=...)")
    outcome = run_retry(impl, scenario, clock, fetch_and_remember, attempts=4,
                        should_retry=every_http_error)
    scenario.expect(outcome.returned and users.call_count == 3 and len(clock.sleeps) == 2,
                    expected="3 calls and 2 waits (the 404s retried because should_retry said "
                             "so), then the user",
                    observed=f"{outcome}; {users.call_count} calls, waits "
                             f"{shown(clock.sleeps)}", timeline=users.timeline())
    asked = distinct(judged)  # asking twice about one outcome is fine: it is a predicate
    scenario.expect(len(asked) >= 2 and len(errors) >= 2 and asked[0] is errors[0]
                    and asked[1] is errors[1],
                    expected="should_retry given each raised HTTPError itself",
                    observed=f"it was given {', '.join(type(o).__name__ for o in judged)}")

    clock = FakeClock()
    calls: list[int] = []

    def parse_user() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise ValueError("half a JSON document")
        return "the user"

    scenario = Scenario("should_retry says yes to ValueError (this caller knows its parser is "
                        "flaky); the function raises ValueError twice, then returns; random() "
                        "says 0.5; retry(func, attempts=3, base_delay=1, should_retry=...)")
    outcome = run_retry(impl, scenario, clock, parse_user, attempts=3, base_delay=1.0,
                        should_retry=lambda outcome: isinstance(outcome, ValueError))
    scenario.expect(outcome.returned and outcome.value == "the user"
                    and same_waits(clock.sleeps, [0.5, 1.0]),
                    expected="the user after 3 calls, with full-jitter waits [0.5, 1] (no "
                             "Retry-After to read on a ValueError)",
                    observed=f"{outcome}; {len(calls)} calls, waits {shown(clock.sleeps)}")

    clock = FakeClock()
    users = FakeService("users", clock).down(503)
    returned: list[requests.Response] = []
    judged.clear()

    def nothing(outcome: object) -> bool:
        judged.append(outcome)
        return False

    scenario = Scenario("should_retry says no to every outcome; get_user returns the Response; "
                        "the users service answers 503; retry(get_user, attempts=3, "
                        "should_retry=...)")
    outcome = run_retry(impl, scenario, clock, response_getter(users, returned), attempts=3,
                        should_retry=nothing)
    scenario.expect(users.call_count == 1 and not clock.sleeps and outcome.returned
                    and bool(returned) and outcome.value is returned[0],
                    expected="1 call, no wait, and the 503 Response returned as is (should_retry "
                             "said no)",
                    observed=f"{users.call_count} calls, waits {shown(clock.sleeps)}; {outcome}",
                    timeline=users.timeline())
    scenario.expect(bool(judged) and bool(returned) and judged[0] is returned[0],
                    expected="should_retry given the returned Response itself",
                    observed=f"it was given {', '.join(type(o).__name__ for o in judged)}"
                             if judged else "it was never asked")


def test_ctrl_c_is_never_retried(impl):
    """Lets KeyboardInterrupt and SystemExit through at once: no retry, no wait"""
    for kind in (KeyboardInterrupt, SystemExit, asyncio.CancelledError):
        clock = FakeClock()
        users = FakeService("users", clock).script(503)
        fetch = fetcher(users)
        calls: list[int] = []

        def interrupted(kind: type[BaseException] = kind, calls: list[int] = calls,
                        fetch: Callable[[], Any] = fetch) -> Any:
            calls.append(1)
            if len(calls) == 1:
                return fetch()  # a 503: worth a retry
            raise kind

        scenario = Scenario(f"the first call gets a 503, the second raises {kind.__name__}; "
                            f"retry(func, attempts=5, should_retry=lambda outcome: True): a "
                            f"caller who retries every outcome still cannot retry "
                            f"{kind.__name__}, which is never caught")
        try:
            impl.retry(interrupted, attempts=5, sleep=clock.sleep, random=constant(0.5),
                       wall_clock=clock.wall, should_retry=lambda outcome: True)
        except kind:
            pass
        except NotImplementedError:
            raise
        except BaseException as exc:
            scenario.fail(expected=f"{kind.__name__} propagates",
                          observed=f"{type(exc).__name__} raised instead")
        else:
            scenario.fail(expected=f"{kind.__name__} propagates", observed="retry returned")
        scenario.expect(len(calls) == 2 and len(clock.sleeps) == 1,
                        expected=f"2 calls and 1 wait (before the second): no retry after "
                                 f"the {kind.__name__}",
                        observed=f"{len(calls)} calls, waits {shown(clock.sleeps)}")


def test_gives_up_with_the_last_error_unchanged(impl, clock):
    """When every attempt fails, raises the last attempt's own error"""
    users = FakeService("users", clock).script(refused(), read_timeout(), 503)
    fetch = fetcher(users)
    errors: list[Exception] = []

    def fetch_and_remember() -> Any:
        try:
            return fetch()
        except Exception as exc:
            errors.append(exc)
            raise

    scenario = Scenario("the users service refuses the connection, then times out, then "
                        "answers 503; retry(fetch_user, attempts=3)")
    outcome = run_retry(impl, scenario, clock, fetch_and_remember, attempts=3)
    last = errors[-1] if errors else None
    scenario.expect(len(errors) == 3 and outcome.error is last,
                    expected="the third call's own error raised (the 503 HTTPError), not the "
                             "first one or a new one",
                    observed=f"{len(errors)} failed calls; {outcome}", timeline=users.timeline())


# -- why jitter: many clients against one contended service ------------------------------------

class _Paused(BaseException):
    """Ends a replay of one client at the call whose outcome is not decided yet."""


def _next_call_time(impl: Any, outcomes: list[bool], make_random: Callable[[], Callable[[],
                    float]], settings: dict[str, Any], ok: requests.Response,
                    busy: requests.Response) -> float | None:
    """When this client calls next (seconds after it started), or ``None`` if it is done.

    The client's retry is replayed from the start with the outcomes it already had (True:
    served, False: 503 busy) and the same random draws; the replay pauses at the first call
    whose outcome is not decided yet. Its time is the sum of the waits slept before it.
    """
    slept: list[float] = []
    made = 0
    paused_at: list[float] = []

    def call() -> requests.Response:
        nonlocal made
        made += 1
        if made <= len(outcomes):
            response = ok if outcomes[made - 1] else busy
            response.raise_for_status()
            return response
        if not paused_at:
            paused_at.append(sum(slept))
        raise _Paused

    try:
        impl.retry(call, sleep=slept.append, random=make_random(), **settings)
    except (_Paused, requests.HTTPError):
        pass
    return paused_at[0] if paused_at else None


def simulate_contention(impl: Any, randoms: list[Callable[[], Callable[[], float]]],
                        settings: dict[str, Any], service_time: float) -> tuple[int, int, float]:
    """Clients that all start at t=0 against a service that serves one caller at a time.

    A call that finds the service idle is served (it keeps the service busy ``service_time``
    seconds); a call that finds it busy gets a 503 at once. Returns (total calls, clients
    served, time of the last served call). A discrete-event loop on fake time: no threads.
    """
    ledger = FakeService("ledger")
    ok = ledger.build_response(as_reply(200), "PUT", "/rows/1")
    busy = ledger.build_response(as_reply(503), "PUT", "/rows/1")
    outcomes: list[list[bool]] = [[] for _ in randoms]
    pending = [(0.0, i) for i in range(len(randoms))]
    heapq.heapify(pending)
    busy_until, calls, last_served = float("-inf"), 0, 0.0
    while pending:
        now, client = heapq.heappop(pending)
        calls += 1
        served = now >= busy_until
        if served:
            busy_until, last_served = now + service_time, now
        outcomes[client].append(served)
        if served:
            continue  # a served client is done (a retry that calls again is caught elsewhere)
        later = _next_call_time(impl, outcomes[client], randoms[client], settings, ok, busy)
        if later is not None:
            heapq.heappush(pending, (later, client))
    return calls, sum(1 for o in outcomes if o and o[-1]), last_served


def test_full_jitter_beats_no_jitter_under_contention(impl):
    """Under contention, 20 clients with full jitter need fewer calls than without jitter"""
    clients = 20
    settings = {"attempts": 30, "base_delay": 0.01, "max_delay": 2.0, "wall_clock": lambda: 0.0}
    no_jitter = [lambda: constant(1.0)] * clients
    full = [lambda i=i: random.Random(1000 + i).random for i in range(clients)]
    plain_calls, plain_served, plain_time = simulate_contention(impl, no_jitter, settings, 0.01)
    jitter_calls, jitter_served, jitter_time = simulate_contention(impl, full, settings, 0.01)
    scenario = Scenario(
        "20 clients start at once against a ledger service that serves one caller at a time "
        "(10 ms each; a call that finds it busy gets 503); each client uses retry(attempts=30, "
        "base_delay=0.01, max_delay=2): once with random() always 1.0 (no jitter: every wait "
        "is the full ceiling), once with a seeded random per client (full jitter)")
    observed = (f"no jitter: {plain_calls} calls, {plain_served} of {clients} clients served, "
                f"last at t={plain_time:.2f}s; full jitter: {jitter_calls} calls, "
                f"{jitter_served} of {clients} served, last at t={jitter_time:.2f}s")
    scenario.expect(plain_served == clients and jitter_served == clients,
                    expected="every client served in both runs", observed=observed)
    scenario.expect(jitter_calls < plain_calls,
                    expected="fewer calls with full jitter: spread-out retries stop "
                             "colliding", observed=observed)
