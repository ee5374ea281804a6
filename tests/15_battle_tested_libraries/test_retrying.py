"""Lesson 15 checks, tenacity: lesson 2's scenarios through the learner's ``make_retrying``.

Every retrying here is built with the fake clock's ``sleep`` (it records each wait and moves
fake time) and ``wall`` (for HTTP-dates). tenacity draws its jitter from the ``random``
module it imported; the ``jitter`` fixture (conftest.py) scripts those draws, so every
expected wait is exact, and makes tenacity's own ``time.sleep`` raise.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any, Callable, Iterable, Iterator

import pybreaker
import requests
import tenacity
from harness import Outcome, Scenario
from harness.guards import RealSleepError

from fake_services import (FakeClock, FakeService, connect_timeout, error, malformed_json,
                           read_timeout, refused, reset)

USER = "/users/42"
TOLERANCE = 1e-9
LIMIT = 50


class TooManyCalls(BaseException):
    """Stops a retry that would call the service for ever."""


class Fetch:
    """What a learner retries: GET a user, raise on an HTTP error status, return the JSON.

    Remembers every exception it raised, so a check can tell the service's own error from
    a wrapper such as tenacity's ``RetryError``.
    """

    def __init__(self, service: FakeService, use: Callable[[Any], Any] = lambda user: user,
                 *, timeout: float = 2) -> None:
        self.service = service
        self.use = use
        self.timeout = timeout
        self.raised: list[BaseException] = []

    def __call__(self) -> Any:
        if self.service.call_count >= LIMIT:
            raise TooManyCalls(f"more than {LIMIT} calls")
        try:
            return self.use(self.service.fetch_json(USER, timeout=self.timeout))
        except Exception as exc:
            self.raised.append(exc)
            raise


class GetResponse:
    """A call that returns the Response as is (no raise_for_status), remembering each one."""

    def __init__(self, service: FakeService) -> None:
        self.service = service
        self.returned: list[requests.Response] = []

    def __call__(self) -> requests.Response:
        if self.service.call_count >= LIMIT:
            raise TooManyCalls(f"more than {LIMIT} calls")
        response = self.service.get(USER, timeout=2)
        self.returned.append(response)
        return response


def run(impl: Any, scenario: Scenario, clock: FakeClock, func: Callable[[], Any],
        **settings: Any) -> Outcome:
    """``impl.make_retrying(**settings)(func)`` with the fake clock's sleep and wall time."""
    settings = {"sleep": clock.sleep, "wall_clock": clock.wall, **settings}
    try:
        return scenario.run(lambda: impl.make_retrying(**settings)(func))
    except TooManyCalls:
        pass
    return scenario.fail(expected="the retrying stops on its own",
                         observed=f"the service was called more than {LIMIT} times "
                                  f"(tenacity's stop_after_delay reads time.monotonic, which "
                                  f"no injected sleep moves)")


def shown(waits: Iterable[float]) -> str:
    return "[" + ", ".join(f"{w:g}" for w in waits) + "]"


def same_waits(observed: list[float], expected: list[float]) -> bool:
    return len(observed) == len(expected) and all(
        abs(o - e) <= TOLERANCE for o, e in zip(observed, expected))


EAST = ("XST-5:30", "5 h 30 min east of GMT")  # POSIX TZ strings: no time zone database needed
WEST = ("YST+7", "7 h west of GMT")


@contextmanager
def local_time_zone(zone: tuple[str, str] | None) -> Iterator[None]:
    """Run the block with the process's local time zone set to ``zone`` (a POSIX ``TZ``).

    A ``Retry-After`` date is GMT; code that reads it as local time (``time.mktime``, a
    naive ``datetime``'s ``timestamp()``) is off by the zone's offset, which is 0 on a
    machine set to UTC. Where ``time.tzset`` does not exist (Windows), the zone is left as is.
    """
    if zone is None or not hasattr(time, "tzset"):
        yield
        return
    saved = os.environ.get("TZ")
    os.environ["TZ"] = zone[0]
    time.tzset()
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = saved
        time.tzset()


def own_error(outcome: Outcome, fetch: Fetch) -> bool:
    """The retrying raised the very exception the last call raised."""
    return bool(fetch.raised) and outcome.error is fetch.raised[-1]


# -- what to retry -----------------------------------------------------------------------------


def test_retries_transient_failures_until_success(impl, clock):
    """Retries connection errors, timeouts, every 5xx (500 to 599) and 429 until a success, and returns it"""
    users = FakeService("users", clock).script(refused(), read_timeout(), 503, 429, 200)
    scenario = Scenario("the users service refuses the connection, times out, answers 503, "
                        "then 429, then 200; make_retrying(attempts=5)(fetch_user)")
    outcome = run(impl, scenario, clock, Fetch(users), attempts=5)
    scenario.expect(outcome.returned and isinstance(outcome.value, dict)
                    and outcome.value.get("path") == USER,
                    expected="the user's JSON from the fifth call", observed=str(outcome),
                    timeline=users.timeline())
    scenario.expect(users.call_count == 5 and len(clock.sleeps) == 4,
                    expected="5 calls with a wait before each of the 4 retries",
                    observed=f"{users.call_count} calls, waits {shown(clock.sleeps)}",
                    timeline=users.timeline())
    clock = FakeClock()
    users = FakeService("users", clock).script(503, 200)

    def fetch_path(path: str, *, timeout: float) -> Any:
        return users.fetch_json(path, timeout=timeout)

    scenario = Scenario("the users service answers 503, then 200; "
                        "make_retrying(attempts=3)(fetch_path, '/users/7', timeout=1)")
    outcome = scenario.run(lambda: impl.make_retrying(attempts=3, sleep=clock.sleep)(
        fetch_path, "/users/7", timeout=1))
    scenario.expect(outcome.returned and isinstance(outcome.value, dict)
                    and outcome.value.get("path") == "/users/7",
                    expected="the arguments passed on to every call: user 7's JSON returned",
                    observed=str(outcome), timeline=users.timeline())
    for label, reply in [("connection reset", reset()), ("connect timeout", connect_timeout()),
                         ("500", 500), ("501", 501), ("502", 502), ("504", 504),
                         ("599", 599)]:
        clock = FakeClock()
        users = FakeService("users", clock).script(reply, 200)
        scenario = Scenario(f"the users service: {label}, then 200; "
                            f"make_retrying(attempts=3)(fetch_user)")
        outcome = run(impl, scenario, clock, Fetch(users), attempts=3)
        scenario.expect(outcome.returned and users.call_count == 2,
                        expected=f"a {label} is transient: retried once, then the user",
                        observed=f"{outcome}; {users.call_count} calls",
                        timeline=users.timeline())


def test_does_not_retry_permanent_failures(impl):
    """Never retries a 4xx, malformed JSON, a bug or Ctrl-C: one call, the same error raised, no wait"""
    cases: list[tuple[str, Any, Callable[[Any], Any]]] = [
        (f"answers {status}", status, lambda user: user)
        for status in (400, 401, 403, 404, 409, 418, 422, 499)]
    cases += [("answers 200 with a body that is not JSON", malformed_json(), lambda user: user),
              ("answers 200, and the code reads a field the body lacks (a KeyError: a bug)",
               200, lambda user: user["name"])]
    for description, reply, use in cases:
        clock = FakeClock()
        users = FakeService("users", clock).script(reply, 200)
        fetch = Fetch(users, use)
        scenario = Scenario(f"the users service {description}; "
                            f"make_retrying(attempts=3)(fetch_user)")
        outcome = run(impl, scenario, clock, fetch, attempts=3)
        scenario.expect(users.call_count == 1 and not clock.sleeps,
                        expected="exactly 1 call and no wait: trying again cannot fix it",
                        observed=f"{users.call_count} calls, waits {shown(clock.sleeps)}",
                        timeline=users.timeline())
        scenario.expect(own_error(outcome, fetch),
                        expected="the call's own error raised, unchanged (not tenacity's "
                                 "RetryError)",
                        observed=str(outcome))

    clock = FakeClock()
    users = FakeService("users", clock)
    pressed = KeyboardInterrupt()

    def interrupted() -> Any:
        users.get(USER, timeout=2)
        raise pressed

    scenario = Scenario("the user presses Ctrl-C during the call (KeyboardInterrupt); "
                        "make_retrying(attempts=3)(fetch_user)")
    retrying = impl.make_retrying(attempts=3, sleep=clock.sleep, wall_clock=clock.wall)
    try:
        retrying(interrupted)
    except KeyboardInterrupt as exc:
        seen: BaseException | None = exc
    except Exception as exc:
        seen = exc
    else:
        seen = None
    scenario.expect(seen is pressed and users.call_count == 1 and not clock.sleeps,
                    expected="the KeyboardInterrupt propagates at once, unchanged: 1 call, no "
                             "wait",
                    observed=f"{type(seen).__name__ if seen else 'nothing'} raised; "
                             f"{users.call_count} calls, waits {shown(clock.sleeps)}")


# -- how long to wait --------------------------------------------------------------------------


def test_waits_follow_full_jitter(impl, clock, jitter):
    """Waits uniform(0, base_delay × 2**k) before retry k+1: full jitter, doubling each time"""
    users = FakeService("users", clock).down(503)
    draws = (0.5, 0.25, 0.75, 0.1, 0.9)
    jitter.script(*draws)
    scenario = Scenario(f"the users service answers 503 to everything; tenacity's random "
                        f"draws are {', '.join(map(str, draws))}; make_retrying(attempts=6, "
                        f"base_delay=0.5, max_delay=100)(fetch_user)")
    outcome = run(impl, scenario, clock, Fetch(users), attempts=6, base_delay=0.5,
                  max_delay=100.0)
    expected = [r * 0.5 * 2 ** k for k, r in enumerate(draws)]
    scenario.expect(same_waits(clock.sleeps, expected),
                    expected=f"waits {shown(expected)} (draw × 0.5 × 2**k for k = 0..4)",
                    observed=f"waits {shown(clock.sleeps)}; {outcome}",
                    timeline=users.timeline())

    clock = FakeClock()
    orders = FakeService("orders", clock).script(503, 503, 200, 503, 503, 200)
    retrying = impl.make_retrying(attempts=3, base_delay=1.0, max_delay=100.0,
                                  sleep=clock.sleep, wall_clock=clock.wall)
    jitter.always(0.5)
    scenario = Scenario("one retrying = make_retrying(attempts=3, base_delay=1, "
                        "max_delay=100) used for two calls in turn; the orders service "
                        "answers 503, 503, 200 to each; every random draw is 0.5")
    for number in (1, 2):
        before = len(clock.sleeps)
        outcome = scenario.run(lambda: retrying(Fetch(orders)))
        waits = clock.sleeps[before:]
        scenario.expect(outcome.returned and same_waits(waits, [0.5, 1.0]),
                        expected=f"call {number}: waits [0.5, 1] then the order; each call "
                                 f"through the same retrying starts its count afresh",
                        observed=f"waits {shown(waits)}; {outcome}",
                        timeline=orders.timeline())


def test_waits_are_capped_by_max_delay(impl, clock, jitter):
    """Never waits longer than max_delay, jitter included"""
    users = FakeService("users", clock).down(503)
    jitter.always(0.999)
    scenario = Scenario("the users service answers 503 to everything; every random draw is "
                        "0.999; make_retrying(attempts=9, base_delay=1, max_delay=4)(fetch_user)")
    outcome = run(impl, scenario, clock, Fetch(users), attempts=9, base_delay=1.0,
                  max_delay=4.0)
    expected = [0.999 * min(4.0, 2 ** k) for k in range(8)]
    scenario.expect(same_waits(clock.sleeps, expected),
                    expected=f"waits {shown(expected)}: the doubling stops at max_delay=4",
                    observed=f"waits {shown(clock.sleeps)}; {outcome}")

    capped = FakeClock()
    payments = FakeService("payments", capped).script(503, 503, 200)
    jitter.always(0.5)
    scenario = Scenario("the payments service answers 503, 503, then 200; every random "
                        "draw is 0.5; make_retrying(attempts=3, base_delay=5, max_delay=2): "
                        "a base above the cap is a valid setting")
    outcome = run(impl, scenario, capped, Fetch(payments), attempts=3, base_delay=5.0,
                  max_delay=2.0)
    scenario.expect(outcome.returned and same_waits(capped.sleeps, [1.0, 1.0]),
                    expected="waits [1, 1] (0.5 × min(2, 5 × 2**k)): the cap applies from the "
                             "first wait; then the payment",
                    observed=f"waits {shown(capped.sleeps)}; {outcome}",
                    timeline=payments.timeline())

    seeded = FakeClock()
    orders = FakeService("orders", seeded).down(503)
    jitter.seed(7)
    scenario = Scenario("the orders service answers 503 to everything; the draws come from "
                        "random.Random(7); make_retrying(attempts=12, base_delay=0.2, "
                        "max_delay=3)(fetch_order)")
    run(impl, scenario, seeded, Fetch(orders), attempts=12, base_delay=0.2, max_delay=3.0)
    ceilings = [min(3.0, 0.2 * 2 ** k) for k in range(11)]
    outside = [f"wait {k + 1} = {w:g} (allowed 0..{c:g})"
               for k, (w, c) in enumerate(zip(seeded.sleeps, ceilings))
               if not -TOLERANCE <= w <= c + TOLERANCE]
    scenario.expect(len(seeded.sleeps) == 11 and not outside,
                    expected="11 waits, wait k+1 within [0, min(3, 0.2 × 2**k)]",
                    observed="; ".join(outside) or f"{len(seeded.sleeps)} waits")


def test_makes_exactly_attempts_calls(impl, jitter, monkeypatch):
    """Makes exactly `attempts` calls and attempts - 1 waits; none after a success"""
    for attempts in (1, 2, 5):
        clock = FakeClock()
        users = FakeService("users", clock).down(503)
        scenario = Scenario(f"the users service answers 503 to everything; "
                            f"make_retrying(attempts={attempts})(fetch_user)")
        run(impl, scenario, clock, Fetch(users), attempts=attempts)
        scenario.expect(users.call_count == attempts and len(clock.sleeps) == attempts - 1,
                        expected=f"{attempts} calls and {attempts - 1} waits (none after the "
                                 f"last call)",
                        observed=f"{users.call_count} calls, waits {shown(clock.sleeps)}",
                        timeline=users.timeline())
    clock = FakeClock()
    users = FakeService("users", clock).script(503, 503, 200)
    scenario = Scenario("the users service answers 503, 503, then 200; "
                        "make_retrying(attempts=5)(fetch_user)")
    outcome = run(impl, scenario, clock, Fetch(users), attempts=5)
    scenario.expect(outcome.returned and users.call_count == 3 and len(clock.sleeps) == 2,
                    expected="the user returned after 3 calls and 2 waits",
                    observed=f"{outcome}; {users.call_count} calls, "
                             f"waits {shown(clock.sleeps)}", timeline=users.timeline())
    clock = FakeClock()
    users = FakeService("users", clock).down(503)
    jitter.always(0.5)
    scenario = Scenario("the users service answers 503 to everything; every random draw is "
                        "0.5; make_retrying() with the default settings")
    run(impl, scenario, clock, Fetch(users))
    scenario.expect(users.call_count == 3 and same_waits(clock.sleeps, [0.05, 0.1]),
                    expected="3 calls (attempts defaults to 3), waits [0.05, 0.1] (0.5 × "
                             "base_delay × 2**k, base_delay defaults to 0.1)",
                    observed=f"{users.call_count} calls, waits {shown(clock.sleeps)}",
                    timeline=users.timeline())
    users = FakeService("users", FakeClock()).script(
        error(503, retry_after="Fri, 31 Dec 1999 23:59:59 GMT"), 503, 200)
    jitter.always(0.0)
    scenario = Scenario("the users service answers 503 with Retry-After: Fri, 31 Dec 1999 "
                        "23:59:59 GMT, 503, then 200; every random draw is 0; make_retrying() "
                        "with no arguments at all: the real time.sleep and time.time")
    outcome = scenario.run(lambda: impl.make_retrying()(Fetch(users)))
    scenario.expect(outcome.returned and users.call_count == 3,
                    expected="the user after 3 calls: the date is long past by the real wall "
                             "clock (time.time) and the jitter draws 0, so both waits are "
                             "0-second sleeps through time.sleep",
                    observed=f"{outcome}; {users.call_count} calls", timeline=users.timeline())
    for retry_after, calls in ((10, 2), (11, 1)):
        clock = FakeClock()
        users = FakeService("users", clock).script(error(503, retry_after=retry_after), 200)
        scenario = Scenario(f"the users service answers 503 with Retry-After: {retry_after}, "
                            f"then 200; make_retrying() with the default settings")
        run(impl, scenario, clock, Fetch(users))
        scenario.expect(users.call_count == calls,
                        expected=f"{calls} call{'s' if calls > 1 else ''}: max_delay defaults "
                                 f"to 10 s, so a Retry-After of {retry_after} s is "
                                 f"{'honoured' if calls > 1 else 'too long: give up'}",
                        observed=f"{users.call_count} calls, waits {shown(clock.sleeps)}",
                        timeline=users.timeline())

    clock = FakeClock()
    users = FakeService("users", clock).always(error(503, latency=30))
    monkeypatch.setattr(tenacity, "time", SimpleNamespace(monotonic=clock))
    scenario = Scenario("the users service takes 30 s to answer each call, always 503; "
                        "tenacity's own clock (time.monotonic) is the fake one here; "
                        "make_retrying(attempts=4)(fetch_user with timeout=60)")
    run(impl, scenario, clock, Fetch(users, timeout=60), attempts=4)
    scenario.expect(users.call_count == 4 and len(clock.sleeps) == 3,
                    expected="4 calls and 3 waits, 2 minutes in all: attempts is the only "
                             "budget, however long each call takes (no stop_after_delay)",
                    observed=f"{users.call_count} calls, waits {shown(clock.sleeps)}, "
                             f"t={clock():g}", timeline=users.timeline())


def test_the_caller_gets_the_services_own_error(impl, clock):
    """When the retries run out, the caller gets the service's own error, never tenacity's RetryError (its default)"""
    library = FakeService("library", clock).down(503)
    scenario = Scenario("the users service answers 503 to everything; first "
                        "tenacity.Retrying(stop=stop_after_attempt(3), sleep=fake_sleep) as it "
                        "comes, then make_retrying(attempts=3)")
    plain = tenacity.Retrying(stop=tenacity.stop_after_attempt(3), sleep=clock.sleep)
    outcome = scenario.run(lambda: plain(Fetch(library)))
    scenario.expect(outcome.raised(tenacity.RetryError),
                    expected="what tenacity does by default (reraise=False): it raises its own "
                             "RetryError, the 503 hidden inside it",
                    observed=str(outcome))
    for label, reply in (("503", 503), ("connection refused", refused())):
        users = FakeService("users", clock).always(reply)
        fetch = Fetch(users)
        outcome = run(impl, scenario, clock, fetch, attempts=3)
        scenario.expect(users.call_count == 3 and own_error(outcome, fetch),
                        expected=f"with make_retrying, after 3 calls the third call's {label} "
                                 f"raised to the caller: the very exception fetch_user raised",
                        observed=f"{users.call_count} calls; {outcome}",
                        timeline=users.timeline())


def test_waits_through_the_injected_sleep(impl, clock):
    """Waits only through the injected sleep, never with a real time.sleep"""
    users = FakeService("users", clock).down(503)
    scenario = Scenario("the users service answers 503 to everything; "
                        "make_retrying(attempts=3, sleep=fake_sleep)(fetch_user)")
    try:
        run(impl, scenario, clock, Fetch(users), attempts=3)
    except RealSleepError:
        scenario.fail(expected="2 waits through the injected sleep (the checks run on fake "
                               "time)",
                      observed="tenacity called time.sleep for real: sleep= was not handed "
                               "to it")
    scenario.expect(len(clock.sleeps) == 2, expected="2 waits through the injected sleep",
                    observed=f"{len(clock.sleeps)} calls to the injected sleep",
                    timeline=users.timeline())


# -- Retry-After -------------------------------------------------------------------------------


def test_honours_retry_after_in_seconds(impl, clock):
    """Honours Retry-After in seconds on 429 and 503, up to and including max_delay"""
    users = FakeService("users", clock).script(error(429, retry_after=3),
                                               error(503, retry_after=7),
                                               error(503, retry_after=10), 200)
    scenario = Scenario("the users service answers 429 with Retry-After: 3, 503 with "
                        "Retry-After: 7, 503 with Retry-After: 10, then 200; "
                        "make_retrying(attempts=4, base_delay=0.1, max_delay=10)(fetch_user)")
    outcome = run(impl, scenario, clock, Fetch(users), attempts=4, base_delay=0.1,
                  max_delay=10.0)
    scenario.expect(same_waits(clock.sleeps, [3.0, 7.0, 10.0]),
                    expected="waits [3, 7, 10]: what the server asked for (10 is max_delay "
                             "itself, still allowed)",
                    observed=f"waits {shown(clock.sleeps)}", timeline=users.timeline())
    scenario.expect(outcome.returned and users.call_count == 4,
                    expected="the user returned after 4 calls",
                    observed=f"{outcome}; {users.call_count} calls", timeline=users.timeline())


def test_honours_retry_after_as_an_http_date(impl):
    """Honours Retry-After as an HTTP-date (GMT, whatever the machine's time zone), read against the injected wall clock"""
    for status, ahead, zone in ((503, 4, None), (429, 25, None), (503, 4, EAST),
                                (429, 25, WEST)):
        clock = FakeClock()
        date = clock.http_date(ahead)
        users = FakeService("users", clock).script(error(status, retry_after=date), 200)
        where = f"; the machine's local time zone is {zone[1]}" if zone else ""
        scenario = Scenario(f"the users service answers {status} with Retry-After: {date} "
                            f"(the wall clock says {clock.http_date()}), then 200{where}; "
                            f"make_retrying(attempts=3, max_delay=30, "
                            f"wall_clock=fake_wall_clock)(fetch_user)")
        with local_time_zone(zone):
            outcome = run(impl, scenario, clock, Fetch(users), attempts=3, max_delay=30.0)
        scenario.expect(same_waits(clock.sleeps, [float(ahead)]) and outcome.returned,
                        expected=f"one wait of {ahead} s, until that date; then the user"
                                 + (" (an HTTP-date is GMT: never read it as local time)"
                                    if zone else ""),
                        observed=f"waits {shown(clock.sleeps)}; {outcome}",
                        timeline=users.timeline())
    clock = FakeClock()
    past = clock.http_date(-30)
    users = FakeService("users", clock).script(error(503, retry_after=past), 200)
    scenario = Scenario(f"the users service answers 503 with Retry-After: {past}, 30 s in "
                        f"the past, then 200; make_retrying(attempts=3)(fetch_user)")
    outcome = run(impl, scenario, clock, Fetch(users), attempts=3)
    scenario.expect(outcome.returned and users.call_count == 2 and sum(clock.sleeps) == 0,
                    expected="a date in the past means now: no waiting, the user returned "
                             "after 2 calls",
                    observed=f"{outcome}; {users.call_count} calls, "
                             f"waits {shown(clock.sleeps)}", timeline=users.timeline())


def test_stops_when_retry_after_exceeds_max_delay(impl):
    """Stops at once when Retry-After asks for longer than max_delay, and raises that answer"""
    for status, retry_after in ((503, lambda clock: 30), (503, lambda clock: 10.5),
                                (429, lambda clock: clock.http_date(60))):
        clock = FakeClock()
        label = retry_after(clock)
        users = FakeService("users", clock).script(error(status, retry_after=label), 200)
        fetch = Fetch(users)
        scenario = Scenario(f"the users service answers {status} with Retry-After: {label}, "
                            f"then would answer 200; make_retrying(attempts=3, "
                            f"max_delay=10)(fetch_user)")
        outcome = run(impl, scenario, clock, fetch, attempts=3, max_delay=10.0)
        scenario.expect(users.call_count == 1 and not clock.sleeps,
                        expected="1 call and no wait: the server asks for more than we may "
                                 "wait, so give up now",
                        observed=f"{users.call_count} calls, waits {shown(clock.sleeps)}",
                        timeline=users.timeline())
        scenario.expect(own_error(outcome, fetch),
                        expected=f"the {status} raised to the caller, unchanged",
                        observed=str(outcome))


def test_retry_after_only_on_429_and_503(impl, clock, jitter):
    """Reads Retry-After only on 429 and 503, and only when present and readable; otherwise full jitter"""
    users = FakeService("users", clock).script(error(500, retry_after=5),
                                               error(502, retry_after=5),
                                               error(503, retry_after="soon"), 429, 200)
    jitter.always(0.5)
    scenario = Scenario("the users service answers 500 with Retry-After: 5, 502 with "
                        "Retry-After: 5, 503 with Retry-After: soon, 429 with no Retry-After, "
                        "then 200; every random draw is 0.5; make_retrying(attempts=5, "
                        "base_delay=1, max_delay=10)(fetch_user)")
    outcome = run(impl, scenario, clock, Fetch(users), attempts=5, base_delay=1.0,
                  max_delay=10.0)
    scenario.expect(outcome.returned and same_waits(clock.sleeps, [0.5, 1.0, 2.0, 4.0]),
                    expected="waits [0.5, 1, 2, 4]: full jitter each time (a 500 or 502 does "
                             "not set the pace, 'soon' is no number of seconds, and a 429 that "
                             "names no delay leaves it to the backoff), then the user",
                    observed=f"{outcome}; waits {shown(clock.sleeps)}",
                    timeline=users.timeline())


# -- returned responses and settings -----------------------------------------------------------


def test_returned_responses_are_judged_too(impl, clock):
    """Retries a returned 5xx Response, and returns the last one when attempts run out (tenacity alone raises RetryError)"""
    library = FakeService("library", clock).down(503)
    scenario = Scenario("get_user returns the Response without raise_for_status; the users "
                        "service answers 503 to everything; first tenacity.Retrying("
                        "stop=stop_after_attempt(3), retry=retry_if_result(a 5xx), "
                        "reraise=True), then make_retrying(attempts=3)(get_user)")
    plain = tenacity.Retrying(stop=tenacity.stop_after_attempt(3), sleep=FakeClock().sleep,
                              retry=tenacity.retry_if_result(lambda r: r.status_code >= 500),
                              reraise=True)
    outcome = scenario.run(lambda: plain(GetResponse(library)))
    scenario.expect(outcome.raised(tenacity.RetryError),
                    expected="what tenacity does: reraise=True re-raises exceptions only, so "
                             "after a returned 503 it raises RetryError anyway",
                    observed=str(outcome))
    users = FakeService("users", clock).down(503)
    get = GetResponse(users)
    outcome = run(impl, scenario, clock, get, attempts=3)
    scenario.expect(users.call_count == 3 and len(clock.sleeps) == 2,
                    expected="3 calls and 2 waits", observed=f"{users.call_count} calls, "
                    f"waits {shown(clock.sleeps)}", timeline=users.timeline())
    scenario.expect(outcome.returned and bool(get.returned) and outcome.value is get.returned[-1],
                    expected="the third call's 503 Response returned as is",
                    observed=str(outcome))

    clock = FakeClock()
    users = FakeService("users", clock).script(404)
    get = GetResponse(users)
    scenario = Scenario("get_user returns the Response; the users service answers 404; "
                        "make_retrying(attempts=3)(get_user)")
    outcome = run(impl, scenario, clock, get, attempts=3)
    scenario.expect(users.call_count == 1 and outcome.returned and bool(get.returned)
                    and outcome.value is get.returned[0],
                    expected="1 call, and the 404 Response returned as is",
                    observed=f"{users.call_count} calls; {outcome}", timeline=users.timeline())

    clock = FakeClock()
    users = FakeService("users", clock).script(500, 502, 504, 200)
    scenario = Scenario("get_user returns the Response; the users service answers 500, 502, "
                        "504, then 200; make_retrying(attempts=4)(get_user)")
    outcome = run(impl, scenario, clock, GetResponse(users), attempts=4)
    scenario.expect(users.call_count == 4 and outcome.returned
                    and getattr(outcome.value, "status_code", None) == 200,
                    expected="every returned 5xx retried: 4 calls, then the 200 Response",
                    observed=f"{users.call_count} calls; {outcome}", timeline=users.timeline())

    clock = FakeClock()
    users = FakeService("users", clock).script(error(503, retry_after=30), 200)
    get = GetResponse(users)
    scenario = Scenario("get_user returns the Response; the users service answers 503 with "
                        "Retry-After: 30, then would answer 200; make_retrying(attempts=3, "
                        "max_delay=10)(get_user)")
    outcome = run(impl, scenario, clock, get, attempts=3, max_delay=10.0)
    scenario.expect(users.call_count == 1 and not clock.sleeps and outcome.returned
                    and bool(get.returned) and outcome.value is get.returned[0],
                    expected="1 call, no wait, and that 503 Response returned as is: the "
                             "server asks for more than we may wait",
                    observed=f"{users.call_count} calls, waits {shown(clock.sleeps)}; "
                             f"{outcome}", timeline=users.timeline())

    clock = FakeClock()
    users = FakeService("users", clock).script(error(429, retry_after=2), 200)
    scenario = Scenario("get_user returns the Response; the users service answers 429 with "
                        "Retry-After: 2, then 200; make_retrying(attempts=3)(get_user)")
    outcome = run(impl, scenario, clock, GetResponse(users), attempts=3)
    scenario.expect(same_waits(clock.sleeps, [2.0]) and outcome.returned
                    and getattr(outcome.value, "status_code", None) == 200,
                    expected="one wait of 2 s, then the 200 Response returned",
                    observed=f"waits {shown(clock.sleeps)}; {outcome}",
                    timeline=users.timeline())


def test_make_retrying_rejects_invalid_settings(impl, clock):
    """Rejects attempts below 1 and negative delays with ValueError, without calling (tenacity itself accepts them); zero delays are fine"""
    for settings in ({"attempts": 0}, {"attempts": -1}, {"base_delay": -0.1},
                     {"max_delay": -1.0}):
        users = FakeService("users", clock)
        described = ", ".join(f"{k}={v}" for k, v in settings.items())
        scenario = Scenario(f"make_retrying({described})(fetch_user)")
        outcome = run(impl, scenario, clock, Fetch(users), **settings)
        scenario.expect(outcome.raised(ValueError) and users.call_count == 0,
                        expected="ValueError, and no call to the service",
                        observed=f"{outcome}; {users.call_count} calls")
    users = FakeService("users", clock).script(503, 503, 200)
    scenario = Scenario("the users service answers 503, 503, then 200; "
                        "make_retrying(attempts=3, base_delay=0, max_delay=0)(fetch_user)")
    outcome = run(impl, scenario, clock, Fetch(users), attempts=3, base_delay=0.0,
                  max_delay=0.0)
    scenario.expect(outcome.returned and users.call_count == 3
                    and same_waits(clock.sleeps, [0.0, 0.0]),
                    expected="zero delays are valid: 3 calls, waits [0, 0], then the user",
                    observed=f"{outcome}; {users.call_count} calls, "
                             f"waits {shown(clock.sleeps)}", timeline=users.timeline())


# -- the two together --------------------------------------------------------------------------


def test_a_rejection_ends_the_retries(impl, clock):
    """Retrying around the breaker: the breaker's rejection is not transient, so it ends the retries"""
    users = FakeService("users", clock).down(503)
    breaker = impl.make_breaker("users", failure_threshold=3)
    fetch = Fetch(users)
    scenario = Scenario("the users service answers 503 to everything; breaker = "
                        "make_breaker('users', failure_threshold=3); "
                        "make_retrying(attempts=6)(breaker.call, fetch_user)")
    outcome = run(impl, scenario, clock, lambda: breaker.call(fetch), attempts=6)
    scenario.expect(users.call_count == 3 and len(clock.sleeps) == 3,
                    expected="3 calls reach the service (the third trips the breaker), 3 "
                             "waits, then the fourth attempt is rejected and not retried",
                    observed=f"{users.call_count} calls, waits {shown(clock.sleeps)}",
                    timeline=users.timeline())
    scenario.expect(outcome.raised(pybreaker.CircuitBreakerError),
                    expected="the caller gets the CircuitBreakerError",
                    observed=str(outcome))
