"""Lesson 14 checks, part 1: lesson 7's rules, awaited (window, thresholds, rejections, half-open verdict, settings).

Every check runs its own event loop (``support.run``); interleavings are forced, never left
to luck: calls are held inside the fake service on ``asyncio.Event`` gates, tasks created
together run until they block, and time is a ``FakeClock``. No check sleeps.
"""

from __future__ import annotations

from pathlib import Path

import requests

from fake_services import read_timeout, refused
from harness import Scenario, loader


loader.check_module(Path(__file__).with_name("support.py"), "kata_lesson14_support")
from kata_lesson14_support import (  # noqa: E402 - registered just above
    STILL_RUNNING, Gate, Log, Tasks, attempt, describe, kind, fetching, raising, run, settle,
    shown, until, OK, FAILED, REJECTED, users_service, pattern, getting, rate_text, same,
    retry_after, calls, trip, open_breaker)


# -- lesson 7's rules, awaited ---------------------------------------------------------------

def test_opens_when_the_failure_rate_reaches_the_threshold(impl, clock):
    """Opens when the failure rate reaches the threshold (inclusive), once minimum_calls are in"""
    scenario = Scenario("threshold 50%, window_size 10, minimum_calls 10; the users service "
                        "answers 200 x5, then 503 x5 (raised as HTTPError by fetch_json)")

    async def main() -> None:
        users = users_service(clock)
        users.service.script(*pattern("SSSSSFFFFF"), 200)
        log = Log(clock, users)
        breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_size=10,
                                      minimum_calls=10, recovery_timeout=30, name="users",
                                      clock=clock)
        get_user = fetching(users)
        first = await calls(impl, breaker, get_user, 9, log)
        scenario.expect(first == [OK] * 5 + [FAILED] * 4, expected="5 ok, then 4 failed",
                        observed=shown(first), timeline=log.timeline())
        rate = breaker.failure_rate
        scenario.expect(rate is None,
                        expected="failure_rate None after 9 calls (fewer than minimum_calls)",
                        observed=f"failure_rate {rate_text(rate)}")
        tripping = await attempt(impl, lambda: breaker.call(get_user.func), log, "call 10")
        scenario.expect(tripping.error is not None and tripping.error is get_user.last_raised,
                        expected="the 10th call (5 of 10 = 50%: it opens) raises its own "
                                 "HTTPError 503, not CircuitOpenError",
                        observed=describe(impl, tripping), timeline=log.timeline())
        after = await attempt(impl, lambda: breaker.call(get_user.func), log, "call 11")
        scenario.expect(after.raised(impl.CircuitOpenError) and users.call_count == 10
                        and get_user.invocations == 10,
                        expected="the 11th call rejected with CircuitOpenError without running "
                                 "the protected function (50% reaches the threshold of 50%)",
                        observed=f"{describe(impl, after)}; {users.call_count} calls reached "
                                 f"the service", timeline=log.timeline())
        scenario.expect(getattr(after.error, "name", None) == "users"
                        and same(retry_after(after), 30.0),
                        expected="CircuitOpenError with name 'users' and retry_after 30 (the "
                                 "breaker opened just now, recovery_timeout 30)",
                        observed=f"name {getattr(after.error, 'name', None)!r}, retry_after "
                                 f"{retry_after(after)!r}")

    run(scenario, main, impl)

    below = Scenario("threshold 50%, window_size 10, minimum_calls 10; the payments service "
                     "answers 200 x6, then 503 x4, then 200")

    async def stays_closed() -> None:
        payments = users_service(clock, "payments")
        payments.service.script(*pattern("SSSSSSFFFFS"))
        log = Log(clock, payments)
        breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_size=10,
                                      minimum_calls=10, clock=clock)
        results = await calls(impl, breaker, fetching(payments), 11, log)
        below.expect(results == [OK] * 6 + [FAILED] * 4 + [OK],
                     expected="4 of 10 = 40% stays below 50%: all 11 calls reach the service",
                     observed=shown(results), timeline=log.timeline())
        rate = breaker.failure_rate
        below.expect(same(rate, 40.0), expected="failure_rate 40.0 (4 failures in the last 10)",
                     observed=f"failure_rate {rate_text(rate)}")

    run(below, stays_closed, impl)

    other = Scenario("threshold 60%, window_size 5, minimum_calls 3; the orders service "
                     "answers 200, 503, 200, 503, 503")

    async def other_geometry() -> None:
        orders = users_service(clock, "orders")
        orders.service.script(*pattern("SFSFF"), 200)
        log = Log(clock, orders)
        breaker = impl.CircuitBreaker(failure_rate_threshold=60, window_size=5, minimum_calls=3,
                                      clock=clock)
        results = await calls(impl, breaker, fetching(orders), 6, log)
        other.expect(results == [OK, FAILED, OK, FAILED, FAILED, REJECTED],
                     expected="ok, failed, ok (1 of 3 = 33%), failed (2 of 4 = 50%), failed "
                              "(3 of 5 = 60% reaches 60%: it opens), then rejected",
                     observed=shown(results), timeline=log.timeline())

    run(other, other_geometry, impl)

    judged = Scenario("threshold 50%, window_size 4, minimum_calls 4; the users service answers "
                      "503, 503, 503, then 200")

    async def a_success_trips_it() -> None:
        users = users_service(clock)
        users.service.script(*pattern("FFFS"), 200)
        log = Log(clock, users)
        breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_size=4, minimum_calls=4,
                                      clock=clock)
        results = await calls(impl, breaker, fetching(users), 5, log)
        judged.expect(results == [FAILED, FAILED, FAILED, OK, REJECTED],
                      expected="failed x3, ok, then rejected: every outcome is judged, and the "
                               "4th call's success completes the minimum with 3 failures of 4 "
                               "(75%), so it opens right then",
                      observed=shown(results), timeline=log.timeline())

    run(judged, a_success_trips_it, impl)

    capped = Scenario("threshold 50%, window_size 5, minimum_calls 100; the users service answers "
                      "503 to every call")

    async def minimum_capped() -> None:
        users = users_service(clock)
        users.service.down(503)
        log = Log(clock, users)
        breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_size=5, minimum_calls=100,
                                      name="inventory", clock=clock)
        results = await calls(impl, breaker, fetching(users), 6, log)
        capped.expect(results == [FAILED] * 5 + [REJECTED] and breaker.name == "inventory",
                      expected="5 failed, then rejected: a window of 5 never holds 100 outcomes, "
                               "so the minimum counts as 5; breaker.name is 'inventory'",
                      observed=f"{shown(results)}; name {breaker.name!r}",
                      timeline=log.timeline())

    run(capped, minimum_capped, impl)


def test_a_failure_that_slid_out_no_longer_counts(impl, clock):
    """Only the last window_size calls count: a failure that slid out no longer does"""
    outcomes = "FSSSSSFFFSF"
    scenario = Scenario(f"threshold 50%, window_size 10, minimum_calls 10; the users service "
                        f"answers {' '.join(outcomes)}, then F (F = 503, S = 200)")

    async def main() -> None:
        users = users_service(clock)
        users.service.script(*pattern(outcomes + "F"), 200)
        log = Log(clock, users)
        breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_size=10,
                                      minimum_calls=10, clock=clock)
        get_user = getting(users)
        results = await calls(impl, breaker, get_user, 11, log)
        scenario.expect(REJECTED not in results,
                        expected="all 11 calls reach the service: after the 11th the first "
                                 "failure has slid out, so the window holds 4 failures (40%)",
                        observed=shown(results), timeline=log.timeline())
        rate = breaker.failure_rate
        scenario.expect(same(rate, 40.0), expected="failure_rate 40.0 (4 of the last 10)",
                        observed=f"failure_rate {rate_text(rate)}")
        rest = await calls(impl, breaker, get_user, 2, log, first=12)
        scenario.expect(rest == [FAILED, REJECTED],
                        expected="a 12th call that fails (503 returned, counted as a failure) "
                                 "makes 5 of the last 10: it opens, the 13th is rejected",
                        observed=shown(rest), timeline=log.timeline())

    run(scenario, main, impl)


def test_what_counts_as_a_failure(impl, clock):
    """Timeouts, connection errors and 5xx are failures; a 404 or a business error is a success"""
    failures = [
        ("connection refused (requests.ConnectionError)", refused(), None),
        ("a read timeout (requests.ReadTimeout)", read_timeout(), None),
        ("a 503 raised as HTTPError by fetch_json", 503, None),
        ("a 500 (the lowest 5xx) raised as HTTPError by fetch_json", 500, None),
        ("a built-in TimeoutError raised by the coroutine", 200, TimeoutError("slow")),
        ("a built-in ConnectionResetError raised by the coroutine", 200,
         ConnectionResetError(104, "reset by peer")),
    ]
    for story, reply, error in failures:
        scenario = Scenario(f"window_size 1, minimum_calls 1, threshold 50%: one call fails "
                            f"with {story}")

        async def main() -> None:
            users = users_service(clock)
            users.service.script(reply)
            log = Log(clock, users)
            breaker = open_breaker(impl, clock)
            protected = raising(error, users) if error is not None else fetching(users)
            first = await attempt(impl, lambda: breaker.call(protected.func), log, "call 1")
            scenario.expect(first.error is not None and first.error is protected.last_raised,
                            expected="the caller gets that very exception",
                            observed=describe(impl, first), timeline=log.timeline())
            second = await attempt(impl, lambda: breaker.call(fetching(users).func), log, "call 2")
            scenario.expect(second.raised(impl.CircuitOpenError),
                            expected="it counted as a failure (1 of 1): the next call rejected",
                            observed=describe(impl, second), timeline=log.timeline())

        run(scenario, main, impl)

    for status in (503, 500, 499):
        returned = Scenario(f"window_size 1, minimum_calls 1: the protected coroutine returns the "
                            f"users service's {status} response instead of raising it")

        async def returned_5xx() -> None:
            users = users_service(clock)
            users.service.script(status)
            log = Log(clock, users)
            breaker = open_breaker(impl, clock)
            first = await attempt(impl, lambda: breaker.call(getting(users).func), log, "call 1")
            returned.expect(first.returned
                            and getattr(first.value, "status_code", None) == status,
                            expected=f"the caller receives the {status} response",
                            observed=describe(impl, first), timeline=log.timeline())
            second = await attempt(impl, lambda: breaker.call(getting(users).func), log, "call 2")
            failure = status >= 500
            returned.expect(second.raised(impl.CircuitOpenError) == failure,
                            expected=f"the returned {status} counted as a failure: the next call "
                                     f"rejected" if failure else
                                     f"a returned {status} (a 4xx) is a success: the next call "
                                     f"goes through",
                            observed=describe(impl, second), timeline=log.timeline())

        run(returned, returned_5xx, impl)

    successes = [
        ("a 499 (the highest 4xx) raised as HTTPError", 499, None, {}, "a 503"),
        ("a 404 raised as HTTPError (an answer: the user does not exist)", 404, None, {},
         "a 503"),
        ("a business error (ValueError) raised by the coroutine", 200,
         ValueError("no such plan"), {}, "a 503"),
        ("a read timeout, with exclude=(requests.Timeout,)", read_timeout(), None,
         {"exclude": (requests.Timeout,)}, "a 503"),
        ("a 503, with is_failure=lambda error: isinstance(error, KeyError)", 503, None,
         {"is_failure": lambda error: isinstance(error, KeyError)}, "a KeyError"),
    ]
    for story, reply, error, settings, then in successes:
        scenario = Scenario(f"threshold 100%, window_size 2, minimum_calls 2: one call ends "
                            f"with {story}, then one call fails with {then}")

        async def main() -> None:
            users = users_service(clock)
            users.service.script(reply, 503)
            log = Log(clock, users)
            breaker = impl.CircuitBreaker(failure_rate_threshold=100, window_size=2,
                                          minimum_calls=2, recovery_timeout=30, clock=clock,
                                          **settings)
            protected = raising(error, users) if error is not None else fetching(users)
            first = await attempt(impl, lambda: breaker.call(protected.func), log, "call 1")
            scenario.expect(first.error is not None and first.error is protected.last_raised,
                            expected="the caller gets that very exception, unchanged",
                            observed=describe(impl, first), timeline=log.timeline())
            failing = raising(KeyError("plan")) if then == "a KeyError" else fetching(users)
            await attempt(impl, lambda: breaker.call(failing.func), log, "call 2")
            rate = breaker.failure_rate
            third = await attempt(impl, lambda: breaker.call(fetching(users).func), log, "call 3")
            scenario.expect(same(rate, 50.0) and not third.raised(impl.CircuitOpenError),
                            expected="the first call counted as a success: failure_rate 50.0 "
                                     "after two calls (1 of 2), still closed",
                            observed=f"failure_rate {rate_text(rate)}; call 3 "
                                     f"{describe(impl, third)}", timeline=log.timeline())

        run(scenario, main, impl)

    custom = Scenario("window_size 1, minimum_calls 1, is_failure_result=lambda result: "
                      "result == 'degraded': the protected coroutine returns 'degraded'")

    async def custom_result() -> None:
        breaker = open_breaker(impl, clock, is_failure_result=lambda result: result == "degraded")

        async def degraded() -> str:
            return "degraded"

        log = Log(clock)
        first = await attempt(impl, lambda: breaker.call(degraded), log, "call 1")
        second = await attempt(impl, lambda: breaker.call(degraded), log, "call 2")
        custom.expect(first.returned and first.value == "degraded"
                      and second.raised(impl.CircuitOpenError),
                      expected="the caller receives 'degraded', judged a failure: the next call "
                               "is rejected",
                      observed=f"call 1 {describe(impl, first)}; call 2 "
                               f"{describe(impl, second)}", timeline=log.timeline())

    run(custom, custom_result, impl)


def test_rejected_calls_are_not_counted(impl, clock):
    """Rejected calls are not counted: they never extend the open period nor decide a trial"""
    scenario = Scenario("window_size 1, recovery_timeout 30, half_open_max_calls 1: one failure "
                        "opens the breaker at t=0; callers arrive at t=10, t=20, t=29.5 and t=30")

    async def main() -> None:
        users = users_service(clock)
        log = Log(clock, users)
        breaker = open_breaker(impl, clock, half_open_max_calls=1)
        await trip(impl, breaker, users, log)
        for moment, left in ((10.0, 20.0), (20.0, 10.0), (29.5, 0.5)):
            clock.advance(moment - clock())
            probe = fetching(users)
            before = users.call_count
            outcome = await attempt(impl, lambda: breaker.call(probe.func),
                                    log, f"caller at t={moment}")
            scenario.expect(outcome.raised(impl.CircuitOpenError) and users.call_count == before
                            and same(retry_after(outcome), left),
                            expected=f"at t={moment} rejected with retry_after {left} (the open "
                                     f"period started at t=0, whatever was rejected since)",
                            observed=describe(impl, outcome), timeline=log.timeline())
        clock.advance(30.0 - clock())
        trial = await attempt(impl, lambda: breaker.call(fetching(users).func),
                              log, "caller at t=30")
        scenario.expect(trial.returned,
                        expected="at t=30 exactly (recovery_timeout 30 has passed) the call is "
                                 "admitted as a trial, and succeeds",
                        observed=describe(impl, trial), timeline=log.timeline())

    run(scenario, main, impl)

    trials = Scenario("threshold 60%, half_open_max_calls 2: the breaker is half-open; two "
                      "trials are held inside the users service while 3 more callers arrive; "
                      "then trial 1 fails (503), another caller arrives, and trial 2 succeeds")

    async def half_open() -> None:
        users = users_service(clock)
        log = Log(clock, users)
        breaker = open_breaker(impl, clock, failure_rate_threshold=60, half_open_max_calls=2)
        await trip(impl, breaker, users, log)
        clock.advance(30)
        gates = {number: Gate(numbers={number}) for number in (2, 3)}
        for gate in gates.values():
            users.before_reply(gate)
        users.service.script(503, 200)
        tasks = Tasks(impl, log)
        for number in (1, 2):
            tasks.start(f"trial {number}", lambda: breaker.call(fetching(users).func))
        await until(lambda: gates[2].arrived + gates[3].arrived + len(tasks.finished()) >= 2)
        tasks.reraise_unwritten()
        trials.expect(gates[2].arrived == gates[3].arrived == 1,
                      expected="both trials admitted and held in the service",
                      observed=tasks.describe(), timeline=log.timeline())
        for number in (3, 4, 5):
            extra = await tasks.probe(f"caller {number}",
                                      lambda: breaker.call(fetching(users).func))
            trials.expect(extra is not None and extra.raised(impl.CircuitOpenError),
                          expected=f"caller {number} rejected at once (both permits taken)",
                          observed=STILL_RUNNING if extra is None else describe(impl, extra),
                          timeline=log.timeline())
        gates[2].open()
        await settle()
        tasks.reraise_unwritten()
        pending = await tasks.probe("caller 6", lambda: breaker.call(fetching(users).func))
        trials.expect(pending is not None and pending.raised(impl.CircuitOpenError)
                      and same(retry_after(pending), 0.0),
                      expected="trial 1 failed, trial 2 is in flight: 1 of 2 trials completed, "
                               "no verdict yet, so caller 6 is rejected with retry_after 0. The "
                               "3 rejected callers were no trial outcomes (counted as failures, "
                               "they would have re-opened it: retry_after 30)",
                      observed=STILL_RUNNING if pending is None else describe(impl, pending),
                      timeline=log.timeline())
        gates[3].open()
        await settle()
        tasks.reraise_unwritten()
        closed = await attempt(impl, lambda: breaker.call(fetching(users).func), log, "caller 7")
        trials.expect(closed.returned,
                      expected="trial 2 succeeded: 1 failed of 2 trials = 50% is below 60%, it "
                               "closed, caller 7 goes through",
                      observed=describe(impl, closed), timeline=log.timeline())
        await tasks.finish()

    run(trials, half_open, impl)


def test_recovery_timeout_zero_admits_a_trial_at_once(impl, clock):
    """recovery_timeout=0: the call right after the breaker opens is admitted as a trial"""
    scenario = Scenario("recovery_timeout 0, half_open_max_calls 1, window_size 1: one failure "
                        "opens the breaker; no time passes; a trial call is held in the users "
                        "service while another caller arrives")

    async def main() -> None:
        users = users_service(clock)
        users.service.script(503)
        log = Log(clock, users)
        breaker = open_breaker(impl, clock, recovery_timeout=0, half_open_max_calls=1)
        await attempt(impl, lambda: breaker.call(fetching(users).func), log, "failing call")
        gate = Gate()
        users.before_reply(gate)
        tasks = Tasks(impl, log)
        tasks.start("trial", lambda: breaker.call(fetching(users).func))
        await until(lambda: gate.arrived == 1 or bool(tasks.finished()))
        tasks.reraise_unwritten()
        scenario.expect(gate.arrived == 1,
                        expected="the next call admitted at once as the trial (0 s to wait)",
                        observed=tasks.describe(), timeline=log.timeline())
        other = await tasks.probe("another caller", lambda: breaker.call(fetching(users).func))
        scenario.expect(other is not None and other.raised(impl.CircuitOpenError)
                        and same(retry_after(other), 0.0),
                        expected="another caller rejected with retry_after 0 (the one permit "
                                 "is taken; a trial is in flight)",
                        observed=STILL_RUNNING if other is None else describe(impl, other),
                        timeline=log.timeline())
        gate.open()
        await settle()
        tasks.reraise_unwritten()
        after = await attempt(impl, lambda: breaker.call(fetching(users).func),
                              log, "after the trial")
        scenario.expect(after.returned and users.call_count == 3,
                        expected="the trial succeeded and closed the breaker: the next call "
                                 "goes through",
                        observed=describe(impl, after), timeline=log.timeline())
        await tasks.finish()

    run(scenario, main, impl)


def test_half_open_admits_max_calls_and_judges_their_rate(impl, clock):
    """Half-open: exactly half_open_max_calls trials; once all completed, their failure rate decides"""
    scenario = Scenario("threshold 50%, recovery_timeout 30, half_open_max_calls 3: the breaker "
                        "opened at t=0; at t=30 three trial calls are held inside the users "
                        "service and a fourth caller arrives")

    async def main() -> None:
        users = users_service(clock)
        log = Log(clock, users)
        breaker = open_breaker(impl, clock, half_open_max_calls=3)
        await trip(impl, breaker, users, log)
        clock.advance(30)
        gates = {number: Gate(numbers={number}) for number in (2, 3, 4)}
        for gate in gates.values():
            users.before_reply(gate)
        users.service.script(503, 503, 200)
        tasks = Tasks(impl, log)
        for number in (1, 2, 3):
            tasks.start(f"trial {number}", lambda: breaker.call(fetching(users).func))
        await until(lambda: sum(g.arrived for g in gates.values()) + len(tasks.finished()) >= 3)
        tasks.reraise_unwritten()
        scenario.expect(all(g.arrived == 1 for g in gates.values()),
                        expected="all 3 trial calls admitted (held in the service)",
                        observed=tasks.describe(), timeline=log.timeline())
        fourth = await attempt(impl, lambda: breaker.call(fetching(users).func), log, "caller 4")
        scenario.expect(fourth.raised(impl.CircuitOpenError) and same(retry_after(fourth), 0.0)
                        and getattr(fourth.error, "name", None) == "users",
                        expected="caller 4 rejected at once: CircuitOpenError, name 'users', "
                                 "retry_after 0 (the 3 permits are taken)",
                        observed=describe(impl, fourth), timeline=log.timeline())
        gates[2].open()
        gates[3].open()
        await settle()
        tasks.reraise_unwritten()
        pending = await attempt(impl, lambda: breaker.call(fetching(users).func), log, "caller 5")
        scenario.expect(pending.raised(impl.CircuitOpenError) and same(retry_after(pending), 0.0),
                        expected="2 trials failed, 1 still in flight: no verdict before all 3 "
                                 "completed, so caller 5 is rejected with retry_after 0 (still "
                                 "half-open), not re-opened",
                        observed=describe(impl, pending), timeline=log.timeline())
        gates[4].open()
        await settle()
        tasks.reraise_unwritten()
        reopened = await attempt(impl, lambda: breaker.call(fetching(users).func), log, "caller 6")
        scenario.expect(reopened.raised(impl.CircuitOpenError)
                        and same(retry_after(reopened), 30.0),
                        expected="2 failed of 3 trials = 67% reaches 50%: it re-opens, caller 6 "
                                 "rejected with retry_after 30 (the full timeout again)",
                        observed=describe(impl, reopened), timeline=log.timeline())
        clock.advance(29.5)
        early = await attempt(impl, lambda: breaker.call(fetching(users).func), log, "caller 7")
        scenario.expect(early.raised(impl.CircuitOpenError),
                        expected="29.5 s after re-opening: still rejected",
                        observed=describe(impl, early), timeline=log.timeline())
        clock.advance(0.5)
        users.service.script(*pattern("FSS"))
        again = await calls(impl, breaker, fetching(users), 3, log, first=8)
        scenario.expect(again == [FAILED, OK, OK],
                        expected="30 s after re-opening, 3 trials admitted: failed, ok, ok",
                        observed=shown(again), timeline=log.timeline())
        rate = breaker.failure_rate
        after = await calls(impl, breaker, fetching(users), 2, log, first=11)
        scenario.expect(after == [OK, OK] and rate is None,
                        expected="1 failed of 3 = 33% is below 50%: it closes, with an empty "
                                 "window (failure_rate None), and calls go through",
                        observed=f"{shown(after)}; failure_rate after closing "
                                 f"{rate_text(rate)}", timeline=log.timeline())
        await tasks.finish()

    run(scenario, main, impl)

    boundary = Scenario("threshold 50%, half_open_max_calls 4: four trials answer 503, 200, "
                        "503, 200")

    async def at_the_threshold() -> None:
        users = users_service(clock)
        log = Log(clock, users)
        breaker = open_breaker(impl, clock, half_open_max_calls=4)
        await trip(impl, breaker, users, log)
        clock.advance(30)
        users.service.script(*pattern("FSFS"))
        results = await calls(impl, breaker, fetching(users), 5, log)
        boundary.expect(results == [FAILED, OK, FAILED, OK, REJECTED],
                        expected="4 trials admitted (no verdict before the 4th), then 2 of 4 = "
                                 "50% reaches the threshold: re-opened, the 5th call rejected",
                        observed=shown(results), timeline=log.timeline())

    run(boundary, at_the_threshold, impl)


def test_failure_rate_shows_the_tripping_window_while_open(impl, clock):
    """failure_rate: None below minimum_calls (again after closing); in OPEN and HALF_OPEN, the window that tripped it"""
    scenario = Scenario("threshold 50%, window_size 6, minimum_calls 4, half_open_max_calls 2; "
                        "the users service answers 200, 503, 200, 503; 30 s later the first "
                        "trial fails (503) while the second is held inside the service, then "
                        "succeeds; 30 s later two good trials, then 503s")

    async def main() -> None:
        users = users_service(clock)
        users.service.script(*pattern("SFSF"))
        log = Log(clock, users)
        breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_size=6, minimum_calls=4,
                                      recovery_timeout=30, half_open_max_calls=2, name="users",
                                      clock=clock)
        first = await calls(impl, breaker, fetching(users), 3, log)
        below = breaker.failure_rate
        fourth = await calls(impl, breaker, fetching(users), 1, log, first=4)
        tripped = breaker.failure_rate
        rejected = await attempt(impl, lambda: breaker.call(fetching(users).func), log, "call 5")
        scenario.expect(first == [OK, FAILED, OK] and below is None and fourth == [FAILED]
                        and rejected.raised(impl.CircuitOpenError) and same(tripped, 50.0),
                        expected="3 calls (fewer than minimum_calls 4): failure_rate None; the "
                                 "4th fails, 2 of 4 = 50% opens it although the window of 6 is "
                                 "not full; failure_rate then reads 50.0 (the window that "
                                 "tripped it); call 5 rejected",
                        observed=f"{shown(first + fourth)}; failure_rate {rate_text(below)} "
                                 f"after 3, {rate_text(tripped)} after 4; call 5 "
                                 f"{describe(impl, rejected)}", timeline=log.timeline())
        clock.advance(30)
        held = Gate(numbers={6})
        users.before_reply(held)
        users.service.script(503, 200)
        tasks = Tasks(impl, log)
        await attempt(impl, lambda: breaker.call(fetching(users).func), log, "trial 1")
        second = await tasks.probe("trial 2", lambda: breaker.call(fetching(users).func))
        during = breaker.failure_rate
        scenario.expect(second is None and held.arrived == 1 and same(during, 50.0),
                        expected="half-open, trial 1 failed and trial 2 held in the service: "
                                 "failure_rate still 50.0 (the window that tripped the breaker; "
                                 "trial outcomes are judged apart and never enter it)",
                        observed=f"trial 2 {'held' if second is None else describe(impl, second)}"
                                 f"; failure_rate {rate_text(during)}", timeline=log.timeline())
        held.open()
        await settle()
        tasks.reraise_unwritten()
        clock.advance(30)
        users.service.script(*pattern("SS" + "FFFF"))
        trials = await calls(impl, breaker, fetching(users), 2, log, first=7)
        closed = breaker.failure_rate
        again = await calls(impl, breaker, fetching(users), 5, log, first=9)
        scenario.expect(trials == [OK, OK] and closed is None
                        and again == [FAILED] * 4 + [REJECTED],
                        expected="1 of 2 trials failed (50%): re-opened; 30 s later two good "
                                 "trials close it with an empty window (failure_rate None), "
                                 "and minimum_calls counts again from there: 3 failures are no "
                                 "verdict, the 4th (4 of 4) opens it, the next call is rejected",
                        observed=f"trials {shown(trials)}; failure_rate {rate_text(closed)} "
                                 f"after closing; then {shown(again)}", timeline=log.timeline())
        await tasks.finish()

    run(scenario, main, impl)



# -- settings -------------------------------------------------------------------------------

def test_rejects_impossible_settings(impl, clock):
    """Rejects impossible settings with ValueError; 0 is valid where the README says so"""
    scenario = Scenario("CircuitBreaker(failure_rate_threshold=100, window_size=1, "
                        "minimum_calls=1, recovery_timeout=0)")

    async def edge_values() -> None:
        users = users_service(clock)
        users.service.script(503)
        log = Log(clock, users)
        breaker = impl.CircuitBreaker(failure_rate_threshold=100, window_size=1,
                                      minimum_calls=1, recovery_timeout=0, clock=clock)
        results = await calls(impl, breaker, fetching(users), 3, log)
        scenario.expect(results == [FAILED, OK, OK],
                        expected="valid edge values: a failure (100% of 1) opens it, the next "
                                 "call is a trial at once (recovery_timeout 0) and closes it",
                        observed=shown(results), timeline=log.timeline())

    run(scenario, edge_values, impl)

    for settings in ({"call_timeout": 0}, {"call_timeout": 2.5}, {"call_timeout": None},
                     {"recovery_timeout": 0}, {"recovery_timeout": 0.25},
                     {"failure_rate_threshold": 0.5}, {"failure_rate_threshold": 100},
                     {"window_size": 5, "minimum_calls": 100}):
        text = ", ".join(f"{key}={value!r}" for key, value in settings.items())
        check = Scenario(f"CircuitBreaker({text})")
        outcome = check.run(lambda: impl.CircuitBreaker(clock=clock, **settings))
        check.expect(outcome.returned, expected="a breaker (a valid setting)",
                     observed=str(outcome))
    for settings in ({"failure_rate_threshold": 0}, {"failure_rate_threshold": 101},
                     {"failure_rate_threshold": "50"},
                     {"failure_rate_threshold": True}, {"window_size": 0},
                     {"window_size": 10.0}, {"minimum_calls": 0}, {"minimum_calls": 2.5},
                     {"half_open_max_calls": 0}, {"half_open_max_calls": True},
                     {"recovery_timeout": -1}, {"recovery_timeout": "30"},
                     {"recovery_timeout": None}, {"call_timeout": -1}, {"call_timeout": "2"},
                     {"call_timeout": False}):
        text = ", ".join(f"{key}={value!r}" for key, value in settings.items())
        check = Scenario(f"CircuitBreaker({text})")
        outcome = check.run(lambda: impl.CircuitBreaker(clock=clock, **settings))
        check.expect(outcome.raised(ValueError), expected="ValueError at construction",
                     observed=str(outcome))


def test_defaults_are_resilience4j_s(impl, clock):
    """The defaults are Resilience4j's: 50%, a window of 100, minimum 100, 60 s, 10 trials"""
    scenario = Scenario("CircuitBreaker(clock=clock) with every other setting left at its "
                        "default; the users service answers 200 x51, then 503 to every call")

    async def main() -> None:
        users = users_service(clock)
        users.service.always(503).script(*[200] * 51)
        log = Log(clock, users)
        breaker = impl.CircuitBreaker(clock=clock)
        results = await calls(impl, breaker, getting(users), 100, log)
        rate = breaker.failure_rate
        scenario.expect(REJECTED not in results and same(rate, 49.0),
                        expected="100 calls all reach the service: 49 failures of 100 is below "
                                 "50%, failure_rate 49.0",
                        observed=f"{results.count(REJECTED)} rejected; failure_rate "
                                 f"{rate_text(rate)}", timeline=log.timeline())
        tripping = await attempt(impl, lambda: breaker.call(getting(users).func), log, "call 101")
        after = await attempt(impl, lambda: breaker.call(getting(users).func), log, "call 102")
        scenario.expect(kind(impl, tripping) == FAILED and after.raised(impl.CircuitOpenError)
                        and same(retry_after(after), 60.0)
                        and getattr(after.error, "name", None) == "breaker",
                        expected="call 101 fails and the oldest success slides out of the window "
                                 "of 100: 50 of 100 = 50% opens it; call 102 rejected with "
                                 "retry_after 60 by a breaker named 'breaker'",
                        observed=f"call 101 {describe(impl, tripping)}; call 102 "
                                 f"{describe(impl, after)}, name "
                                 f"{getattr(after.error, 'name', None)!r}",
                        timeline=log.timeline())
        clock.advance(60)
        users.service.healthy()
        trials = await calls(impl, breaker, getting(users), 9, log, first=103)
        waiting = breaker.state
        tenth = await calls(impl, breaker, getting(users), 1, log, first=112)
        closed = breaker.state
        scenario.expect(trials == [OK] * 9 and waiting == impl.State.HALF_OPEN
                        and tenth == [OK] and closed == impl.State.CLOSED,
                        expected="60 s later, 9 good trials leave it HALF_OPEN (10 are needed), "
                                 "the 10th closes it",
                        observed=f"trials {shown(trials)}; state after 9: {waiting}; the 10th "
                                 f"{shown(tenth)}, then state {closed}",
                        timeline=log.timeline())

    run(scenario, main, impl)

    minimum = Scenario("CircuitBreaker(clock=clock): the users service answers 503 to every "
                       "call")

    async def hundred_calls() -> None:
        users = users_service(clock)
        users.service.down(503)
        log = Log(clock, users)
        breaker = impl.CircuitBreaker(clock=clock)
        results = await calls(impl, breaker, getting(users), 101, log)
        minimum.expect(results == [FAILED] * 100 + [REJECTED],
                       expected="no verdict before minimum_calls 100: 100 calls fail, the 101st "
                                "is rejected",
                       observed=f"{results.count(FAILED)} failed, then {shown(results[-2:])}",
                       timeline=log.timeline())

    run(minimum, hundred_calls, impl)

    monotonic = Scenario("CircuitBreaker(window_size=1, minimum_calls=1) with no clock given: "
                         "one failure")

    async def real_clock() -> None:
        users = users_service(clock)
        users.service.script(503)
        log = Log(clock, users)
        breaker = impl.CircuitBreaker(window_size=1, minimum_calls=1)
        await attempt(impl, lambda: breaker.call(fetching(users).func), log, "failing call")
        after = await attempt(impl, lambda: breaker.call(fetching(users).func), log, "next call")
        left = retry_after(after)
        monotonic.expect(after.raised(impl.CircuitOpenError) and isinstance(left, float)
                         and 59.0 < left <= 60.0,
                         expected="the default clock (time.monotonic) works: rejected with "
                                  "retry_after just under 60",
                         observed=describe(impl, after), timeline=log.timeline())

    run(monotonic, real_clock, impl)


def test_rates_are_compared_exactly(impl, clock):
    """Rates are compared exactly: 1 of 3 stays below 33.4%, 1 of 1 reads 100.0, 0 of 1 reads 0.0"""
    scenario = Scenario("threshold 33.4%, window_size 3, minimum_calls 3; the users service "
                        "answers 200, 200, 503")

    async def fractional() -> None:
        users = users_service(clock)
        users.service.script(*pattern("SSF"), 200)
        log = Log(clock, users)
        breaker = impl.CircuitBreaker(failure_rate_threshold=33.4, window_size=3,
                                      minimum_calls=3, clock=clock)
        results = await calls(impl, breaker, fetching(users), 4, log)
        scenario.expect(results == [OK, OK, FAILED, OK],
                        expected="1 of 3 = 33.33% is below 33.4%: it stays closed, the 4th call "
                                 "goes through",
                        observed=shown(results), timeline=log.timeline())

    run(scenario, fractional, impl)

    single = Scenario("threshold 100%, window_size 1, minimum_calls 1: one successful call, then "
                      "one failed call; failure_rate read after each")

    async def one_outcome() -> None:
        users = users_service(clock)
        users.service.script(200, 503)
        log = Log(clock, users)
        breaker = impl.CircuitBreaker(failure_rate_threshold=100, window_size=1,
                                      minimum_calls=1, clock=clock)
        await attempt(impl, lambda: breaker.call(fetching(users).func), log, "good call")
        after_success = breaker.failure_rate
        await attempt(impl, lambda: breaker.call(fetching(users).func), log, "failing call")
        after_failure = breaker.failure_rate
        single.expect(same(after_success, 0.0) and same(after_failure, 100.0),
                      expected="failure_rate 0.0 after the success, 100.0 after the failure "
                               "(a window of one outcome)",
                      observed=f"{rate_text(after_success)}, then {rate_text(after_failure)}",
                      timeline=log.timeline())

    run(single, one_outcome, impl)
