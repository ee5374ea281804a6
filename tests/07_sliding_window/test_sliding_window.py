"""Lesson 7 checks: a failure-rate breaker over a count-based sliding window.

The window checks drive ``CountWindow`` directly; the breaker checks send calls through
``CircuitBreaker.call`` to a fake users service (its direct transport, or ``requests`` through
the fake network) and watch which calls reach it.
"""

from __future__ import annotations

import random
import time
import tracemalloc
from typing import Any, Callable

import pytest
from harness import Scenario
from harness.breaker_calls import FAILED, OK, REJECTED, Answers, outcome_of, outcomes_of

from fake_services import FakeNetwork, FakeService

USER = "/users/42"


# -- helpers ----------------------------------------------------------------------------------


def pattern(outcomes: str) -> list[int]:
    """``"FSS"`` -> the replies a service gives: 503 for F, 200 for S."""
    return [503 if mark == "F" else 200 for mark in outcomes]


def fetcher(users: FakeService) -> Callable[[], Any]:
    """What the breaker protects: GET a user through the fake's direct transport (fast).

    A 503 comes back as a returned response, which the breaker judges a failure
    (``is_failure_result``); the caller still receives it.
    """
    return lambda: users.get(USER, timeout=2)


def http_fetcher(network: FakeNetwork, users: FakeService) -> Callable[[], Any]:
    """The same through ``requests``, raising ``HTTPError`` on a 503 (``raise_for_status``)."""
    session = network.session()
    return lambda: users.fetch_json(USER, timeout=2, session=session)


def shown(results: list[str]) -> str:
    return ", ".join(results) if results else "no calls"


def rate_text(rate: object) -> str:
    return "None" if rate is None else f"{rate!r}"


def same_rate(rate: object, expected: float) -> bool:
    return isinstance(rate, (int, float)) and abs(rate - expected) < 1e-9


# -- the window on its own --------------------------------------------------------------------


def test_empty_window_has_no_rate(impl, clock):
    """An empty window has no failure rate, and nothing crashes"""
    scenario = Scenario("CountWindow(size=10) with no outcome recorded yet")
    window = impl.CountWindow(10)
    scenario.expect(window.total == 0 and window.failures == 0,
                    expected="total 0 and failures 0",
                    observed=f"total {window.total}, failures {window.failures}")
    rate = window.failure_rate
    scenario.expect(rate is None, expected="failure_rate None (no rate over zero calls)",
                    observed=f"failure_rate {rate_text(rate)}")

    breaker = impl.CircuitBreaker(window_size=10, minimum_calls=5, clock=clock)
    scenario = Scenario("a new CircuitBreaker(window_size=10, minimum_calls=5): no call yet")
    rate = breaker.failure_rate
    scenario.expect(rate is None, expected="breaker.failure_rate None",
                    observed=f"failure_rate {rate_text(rate)}")
    scenario.expect(breaker.state == impl.State.CLOSED, expected="state CLOSED",
                    observed=f"state {breaker.state}")


def test_window_holds_the_last_size_outcomes(impl):
    """The window holds only the last `size` outcomes: the oldest leaves when a new one arrives"""
    window = impl.CountWindow(10)
    history: list[bool] = []
    randomness = random.Random(7)
    for number in range(1, 61):
        failed = randomness.random() < 0.4
        window.record(failed)
        history.append(failed)
        last = history[-10:]
        want_failures = sum(last)
        want_rate = want_failures * 100.0 / len(last)
        recent = "".join("F" if f else "S" for f in history[-12:])
        scenario = Scenario(f"CountWindow(size=10); {number} outcomes recorded, the last ones "
                            f"...{recent} (F failed, S succeeded)")
        rate = window.failure_rate
        scenario.expect(window.total == len(last) and window.failures == want_failures
                        and same_rate(rate, want_rate),
                        expected=f"the last {len(last)} outcomes: total {len(last)}, failures "
                                 f"{want_failures}, failure_rate {want_rate!r}",
                        observed=f"total {window.total}, failures {window.failures}, "
                                 f"failure_rate {rate_text(rate)}")


def test_window_of_size_one(impl, clock):
    """A window of size 1 holds just the latest outcome"""
    window = impl.CountWindow(1)
    seen: list[str] = []
    for mark, want_failures, want_rate in (("F", 1, 100.0), ("S", 0, 0.0), ("F", 1, 100.0),
                                           ("F", 1, 100.0)):
        window.record(mark == "F")
        seen.append(mark)
        scenario = Scenario(f"CountWindow(size=1); outcomes {' '.join(seen)} recorded")
        rate = window.failure_rate
        scenario.expect(window.total == 1 and window.failures == want_failures
                        and same_rate(rate, want_rate),
                        expected=f"only the latest ({mark}): total 1, failures {want_failures}, "
                                 f"failure_rate {want_rate}",
                        observed=f"total {window.total}, failures {window.failures}, "
                                 f"failure_rate {rate_text(rate)}")

    users = FakeService("users", clock).script(*pattern("SF"))
    breaker = impl.CircuitBreaker(window_size=1, minimum_calls=1, clock=clock)
    results = outcomes_of(impl, breaker, fetcher(users), 3)
    scenario = Scenario("CircuitBreaker(window_size=1, minimum_calls=1, threshold 50%); the "
                        "users service answers 200, then 503, then would answer 200")
    scenario.expect(results == [OK, FAILED, REJECTED],
                    expected="ok (0% failed), failed (the window now holds 1 failure: 100%, "
                             "it opens), then rejected",
                    observed=shown(results), timeline=users.timeline())


def _cost_per_call(window: Any, calls: int, give_up: float) -> float | None:
    """The best time (seconds) one ``record`` plus one read of ``total``, ``failures`` and
    ``failure_rate`` took, over 3
    runs of ``calls``. A run is cut short once it has taken more than ``give_up`` seconds per
    call for at least 50 ms (a pause of the machine alone never lasts that long in all three
    runs); None when all three were cut short."""
    best = None
    for _ in range(3):
        started = time.perf_counter()
        for number in range(calls):
            window.record(number % 4 == 0)
            window.total, window.failures, window.failure_rate
            if number % 100 == 99:
                elapsed = time.perf_counter() - started
                if elapsed > 0.05 and elapsed > give_up * (number + 1):
                    break
        else:
            cost = (time.perf_counter() - started) / calls
            best = cost if best is None else min(best, cost)
    return best


def _fill(window: Any, count: int, give_up: float) -> bool:
    """Record ``count`` outcomes (no reads); False once three chunks of 1,000 in a row were
    slower than ``give_up`` seconds per call (a cost that grows as the window fills)."""
    slow = 0
    for chunk in range(0, count, 1000):
        started = time.perf_counter()
        for number in range(chunk, min(count, chunk + 1000)):
            window.record(number % 4 == 0)
        slow = slow + 1 if time.perf_counter() - started > give_up * 1000 else 0
        if slow == 3:
            return False
    return True


def test_window_cost_does_not_grow_with_its_size(impl):
    """Recording an outcome and reading the window cost the same in a window of 100 and of 50,000"""
    # Judged by a ratio measured in the same run, never against a fixed time: on any machine a
    # constant-time window costs about as much per call at 50,000 as at 100 (1.0x to 1.3x on
    # the kata's machines), while list.pop(0) shifts 50,000 slots on every call (40x to 60x)
    # and sum() over the window walks them (hundreds of times).
    small, large, limit = 100, 50_000, 3.0
    scenario = Scenario(f"CountWindow({small}) and CountWindow({large:,}), each filled, then "
                        f"outcomes recorded with total, failures and failure_rate read after "
                        f"each, as a breaker does; the cost per call compared")
    tiny = impl.CountWindow(small)
    _fill(tiny, small, give_up=1.0)
    base = _cost_per_call(tiny, 2000, give_up=1.0)
    assert base is not None
    give_up = 5 * limit * base
    big = impl.CountWindow(large)
    if not _fill(big, large, give_up):
        scenario.fail(expected=f"recording costs the same however full the window is",
                      observed=f"recording got more than {give_up / base:.0f}x slower than in "
                               f"a window of {small} while the window of {large:,} filled: "
                               f"does each call walk the whole window (sum() over it)? Keep "
                               f"running totals")
    cost = _cost_per_call(big, 2000, give_up)
    base = min(base, _cost_per_call(tiny, 2000, give_up=1.0) or base)
    ratio = None if cost is None else cost / base
    scenario.expect(ratio is not None and ratio < limit,
                    expected=f"a call costs about the same in both (less than {limit:g}x "
                             f"more in the window of {large:,}): O(1) per call",
                    observed=(f"{ratio:.1f}x more per call" if ratio is not None else
                              f"more than {give_up / base:.0f}x more per call") +
                             f" in the window of {large:,}. Does each call walk or shift the "
                             f"whole window (sum() over a list, list.pop(0))? Keep running "
                             f"totals and overwrite the oldest slot instead")
    rate = big.failure_rate
    scenario.expect(big.total == large and same_rate(rate, 25.0),
                    expected=f"total {large:,}, failure_rate 25.0 (every 4th outcome a failure)",
                    observed=f"total {big.total:,}, failure_rate {rate_text(rate)}")


def test_window_memory_is_bounded_by_its_size(impl):
    """The window's memory stays bounded by its size, however many calls it has seen"""
    size, more = 500, 6_000
    limit = 24 * 1024
    tracemalloc.start()
    try:
        window = impl.CountWindow(size)
        for number in range(size):
            window.record(number % 3 == 0)
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        for number in range(more):
            window.record(number % 3 == 0)
            window.failure_rate
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    grown = max(after, peak) - before
    scenario = Scenario(f"CountWindow(size={size:,}) already full; {more:,} more outcomes "
                        f"recorded")
    scenario.expect(grown < limit,
                    expected=f"memory stays about the same (less than {limit // 1024} KiB more): "
                             f"the window holds at most {size:,} outcomes",
                    observed=f"{grown / 1024:,.0f} KiB more memory in use: does the window keep "
                             f"every outcome it ever saw?")
    scenario.expect(window.total == size, expected=f"total {size:,}",
                    observed=f"total {window.total:,}")


def test_window_clear_forgets_everything(impl):
    """clear() forgets every outcome; the window then fills again from empty"""
    window = impl.CountWindow(7)
    for failed in (True, True, False, True, False, True, True, True, False):
        window.record(failed)
    window.clear()
    scenario = Scenario("CountWindow(7): 9 outcomes recorded (6 failures), then clear()")
    rate = window.failure_rate
    scenario.expect(window.size == 7 and window.total == 0 and window.failures == 0
                    and rate is None,
                    expected="size 7, total 0, failures 0, failure_rate None",
                    observed=f"size {window.size}, total {window.total}, failures "
                             f"{window.failures}, failure_rate {rate_text(rate)}")
    for failed in (False, True, False):
        window.record(failed)
    rate = window.failure_rate
    scenario = Scenario("the same window after clear(): success, failure, success recorded")
    scenario.expect(window.total == 3 and window.failures == 1
                    and same_rate(rate, 100 / 3),
                    expected="total 3, failures 1, failure_rate 33.33...: only what came after "
                             "clear()",
                    observed=f"total {window.total}, failures {window.failures}, failure_rate "
                             f"{rate_text(rate)}")


# -- the breaker ------------------------------------------------------------------------------


def test_waits_for_minimum_calls(impl, clock):
    """9 failures out of 9 calls do not open it with minimum_calls=10; the 10th failure does"""
    users = FakeService("users", clock).down(503)
    breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_size=10, minimum_calls=10,
                                  clock=clock)
    scenario = Scenario("CircuitBreaker(threshold 50%, window_size=10, minimum_calls=10); the "
                        "users service answers 503 to every call")
    first = outcomes_of(impl, breaker, fetcher(users), 9)
    scenario.expect(first == [FAILED] * 9,
                    expected="the first 9 calls reach the service and fail (9 calls are fewer "
                             "than minimum_calls: no verdict yet)",
                    observed=shown(first), timeline=users.timeline())
    rate = breaker.failure_rate
    scenario.expect(rate is None, expected="failure_rate None after 9 calls (below minimum_calls)",
                    observed=f"failure_rate {rate_text(rate)}")
    rest = outcomes_of(impl, breaker, fetcher(users), 2)
    scenario.expect(rest == [FAILED, REJECTED],
                    expected="the 10th call reaches the service and fails (100% of 10: it "
                             "opens); the 11th is rejected",
                    observed=f"10th and 11th calls: {shown(rest)}", timeline=users.timeline())


def test_threshold_is_inclusive(impl, clock, network):
    """5 failures in the last 10 calls open it (50% reaches the threshold); 4 do not"""
    users = network.service("users").script(*pattern("SSSSSFFFF"), 503, 200)
    breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_size=10, minimum_calls=10,
                                  clock=clock)
    fetch = http_fetcher(network, users)
    scenario = Scenario("CircuitBreaker(threshold 50%, window_size=10, minimum_calls=10); the "
                        "users service answers 200 x5, then 503 x5 (raised as HTTPError)")
    first = outcomes_of(impl, breaker, fetch, 9)
    scenario.expect(first == [OK] * 5 + [FAILED] * 4, expected="5 ok, then 4 failed",
                    observed=shown(first), timeline=users.timeline())
    rest = outcomes_of(impl, breaker, fetch, 2)
    scenario.expect(rest == [FAILED, REJECTED],
                    expected="the 10th call fails: 5 of 10 = 50%, which reaches the threshold "
                             "of 50% (inclusive), so it opens and the 11th call is rejected",
                    observed=f"10th and 11th calls: {shown(rest)}", timeline=users.timeline())

    users = network.service("payments").script(*pattern("SSSSSSFFFF"), 200)
    breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_size=10, minimum_calls=10,
                                  clock=clock)
    scenario = Scenario("CircuitBreaker(threshold 50%, window_size=10, minimum_calls=10); the "
                        "payments service answers 200 x6, then 503 x4")
    results = outcomes_of(impl, breaker, http_fetcher(network, users), 11)
    scenario.expect(results == [OK] * 6 + [FAILED] * 4 + [OK],
                    expected="4 of 10 = 40% stays below 50%: all 11 calls reach the service",
                    observed=shown(results), timeline=users.timeline())
    rate = breaker.failure_rate
    scenario.expect(same_rate(rate, 40.0),
                    expected="failure_rate 40.0 after the 11th call (4 failures in the last 10)",
                    observed=f"failure_rate {rate_text(rate)}")


def test_a_failure_that_slid_out_no_longer_counts(impl, clock):
    """The oldest outcome leaves the window when the 11th arrives: a failure that slid out no longer counts"""
    outcomes = "FSSSSSFFFSF"
    users = FakeService("users", clock).script(*pattern(outcomes + "F"), 200)
    breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_size=10, minimum_calls=10,
                                  clock=clock)
    scenario = Scenario(f"CircuitBreaker(threshold 50%, window_size=10, minimum_calls=10); the "
                        f"users service answers {' '.join(outcomes)} (F = 503, S = 200)")
    results = outcomes_of(impl, breaker, fetcher(users), 11)
    scenario.expect(REJECTED not in results,
                    expected="all 11 calls reach the service: after the 11th the first failure "
                             "has slid out, so the window (calls 2-11) holds 4 failures: 40%",
                    observed=shown(results), timeline=users.timeline())
    rate = breaker.failure_rate
    scenario.expect(same_rate(rate, 40.0), expected="failure_rate 40.0 (4 of the last 10)",
                    observed=f"failure_rate {rate_text(rate)}")
    rest = outcomes_of(impl, breaker, fetcher(users), 2)
    scenario.expect(rest == [FAILED, REJECTED],
                    expected="a 12th call that fails makes 5 failures in the last 10 (50%): it "
                             "opens, and the 13th call is rejected",
                    observed=f"12th and 13th calls: {shown(rest)}", timeline=users.timeline())


def test_old_successes_slide_out_too(impl, clock):
    """Old successes slide out too: 5 failures right after 13 successes open it"""
    users = FakeService("users", clock).script(*pattern("S" * 13 + "FFFFF"), 200)
    breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_size=10, minimum_calls=10,
                                  clock=clock)
    scenario = Scenario("CircuitBreaker(threshold 50%, window_size=10, minimum_calls=10); the "
                        "users service answers 200 x13, then 503 x5")
    results = outcomes_of(impl, breaker, fetcher(users), 19)
    expected = [OK] * 13 + [FAILED] * 5 + [REJECTED]
    scenario.expect(results == expected,
                    expected="13 ok, 5 failed, then rejected: the last 10 calls hold 5 failures "
                             "(50%); the 8 older successes no longer count (over all 18 calls "
                             "the rate would be only 28%)",
                    observed=shown(results), timeline=users.timeline())


def test_a_success_can_trip_the_breaker(impl, clock):
    """Every outcome is judged: the success that completes minimum_calls can open it"""
    users = FakeService("users", clock).script(*pattern("FFFS"), 200)
    breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_size=4, minimum_calls=4,
                                  clock=clock)
    scenario = Scenario("CircuitBreaker(threshold 50%, window_size=4, minimum_calls=4); the "
                        "users service answers 503, 503, 503, then 200")
    results = outcomes_of(impl, breaker, fetcher(users), 5)
    scenario.expect(results == [FAILED, FAILED, FAILED, OK, REJECTED],
                    expected="failed x3, ok, then rejected: the 4th call succeeds but completes "
                             "the minimum with 3 failures of 4 (75%), so it opens right then",
                    observed=shown(results), timeline=users.timeline())


def test_minimum_calls_is_capped_at_the_window_size(impl, clock):
    """A window smaller than minimum_calls still opens once it is full"""
    users = FakeService("users", clock).down(503)
    breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_size=5, minimum_calls=100,
                                  clock=clock)
    scenario = Scenario("CircuitBreaker(threshold 50%, window_size=5, minimum_calls=100); the "
                        "users service answers 503 to every call")
    results = outcomes_of(impl, breaker, fetcher(users), 7)
    scenario.expect(results == [FAILED] * 5 + [REJECTED] * 2,
                    expected="5 failed, then rejected: a window of 5 can never hold 100 "
                             "outcomes, so the minimum counts as 5 (as in Resilience4j)",
                    observed=shown(results), timeline=users.timeline())


def test_half_open_verdict_is_the_trial_failure_rate(impl, clock):
    """Half-open: once all trial calls completed, their failure rate decides"""
    users = FakeService("users", clock).down(503)
    breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_size=10, minimum_calls=10,
                                  recovery_timeout=30, half_open_max_calls=4, clock=clock)
    fetch = fetcher(users)
    opening = outcomes_of(impl, breaker, fetch, 11)
    Scenario("CircuitBreaker(threshold 50%, window_size=10, minimum_calls=10, "
             "recovery_timeout=30, half_open_max_calls=4); 10 failures").expect(
        opening == [FAILED] * 10 + [REJECTED], expected="it opens after 10 failures",
        observed=shown(opening), timeline=users.timeline())

    clock.advance(30.5)
    users.script(*pattern("SSFF"))
    trials = outcomes_of(impl, breaker, fetch, 4)
    after = outcome_of(impl, breaker, fetch)
    scenario = Scenario("30.5 s later the breaker admits trial calls (half_open_max_calls=4); "
                        "the users service answers 200, 200, 503, 503")
    scenario.expect(trials == [OK, OK, FAILED, FAILED],
                    expected="all 4 trials admitted: no verdict before the 4th has completed "
                             "(the first failure alone does not re-open it)",
                    observed=shown(trials), timeline=users.timeline())
    scenario.expect(after == REJECTED,
                    expected="2 failed of 4 trials = 50% reaches the threshold: it re-opens, "
                             "the next call is rejected",
                    observed=f"the next call: {after}", timeline=users.timeline())

    clock.advance(29.0)
    early = outcome_of(impl, breaker, fetch)
    scenario = Scenario("29 s after re-opening (recovery_timeout=30)")
    scenario.expect(early == REJECTED,
                    expected="still rejected: re-opening restarts the full recovery timeout",
                    observed=f"the call: {early}", timeline=users.timeline())

    clock.advance(1.5)
    users.script(*pattern("SSSFSSS"))
    trials = outcomes_of(impl, breaker, fetch, 4)
    later = outcomes_of(impl, breaker, fetch, 3)
    scenario = Scenario("30.5 s after re-opening, new trials; the users service answers 200, "
                        "200, 200, 503, then 200")
    scenario.expect(trials == [OK, OK, OK, FAILED],
                    expected="4 trials admitted: ok, ok, ok, failed",
                    observed=shown(trials), timeline=users.timeline())
    scenario.expect(later == [OK, OK, OK] and breaker.state == impl.State.CLOSED,
                    expected="1 failed of 4 trials = 25% is below 50%: it closes; the next 3 "
                             "calls go through and the state is CLOSED",
                    observed=f"next calls: {shown(later)}; state {breaker.state}",
                    timeline=users.timeline())


def test_closing_starts_an_empty_window(impl, clock):
    """Closing starts an empty window: the failures that opened it cannot re-open it"""
    users = FakeService("users", clock).script(*pattern("FFFFF"))
    breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_size=10, minimum_calls=5,
                                  recovery_timeout=30, half_open_max_calls=1, clock=clock)
    fetch = fetcher(users)
    opening = outcomes_of(impl, breaker, fetch, 6)
    Scenario("CircuitBreaker(threshold 50%, window_size=10, minimum_calls=5, "
             "half_open_max_calls=1); 5 failures").expect(
        opening == [FAILED] * 5 + [REJECTED], expected="it opens after 5 failures",
        observed=shown(opening), timeline=users.timeline())

    clock.advance(30.5)
    trial = outcome_of(impl, breaker, fetch)
    scenario = Scenario("30.5 s later one trial call succeeds, which closes the breaker")
    scenario.expect(trial == OK, expected="the trial is admitted and succeeds",
                    observed=f"the trial: {trial}", timeline=users.timeline())
    rate = breaker.failure_rate
    scenario.expect(rate is None,
                    expected="failure_rate None: the window starts empty after closing",
                    observed=f"failure_rate {rate_text(rate)} (the old failures are still "
                             f"counted?)")

    users.script(*pattern("FSSS"))
    results = outcomes_of(impl, breaker, fetch, 5)
    scenario = Scenario("after closing, the users service answers 503, then 200 x4")
    scenario.expect(results == [FAILED, OK, OK, OK, OK],
                    expected="all 5 calls reach the service: 1 failure in a fresh window of 5 "
                             "is 20%",
                    observed=shown(results), timeline=users.timeline())
    rate = breaker.failure_rate
    scenario.expect(same_rate(rate, 20.0), expected="failure_rate 20.0",
                    observed=f"failure_rate {rate_text(rate)}")


def test_rejects_impossible_settings(impl, clock):
    """Rejects impossible settings with ValueError (0 is never replaced by a default)"""
    users = FakeService("users", clock).down(503)
    breaker = impl.CircuitBreaker(failure_rate_threshold=100, window_size=2, minimum_calls=2,
                                  clock=clock)
    results = outcomes_of(impl, breaker, fetcher(users), 3)
    Scenario("CircuitBreaker(failure_rate_threshold=100, window_size=2, minimum_calls=2); the "
             "users service answers 503").expect(
        results == [FAILED, FAILED, REJECTED],
        expected="a valid breaker works: 2 failures of 2 (100%) open it",
        observed=shown(results), timeline=users.timeline())
    for settings in ({"failure_rate_threshold": 0}, {"failure_rate_threshold": -10},
                     {"failure_rate_threshold": 100.5}, {"window_size": 0},
                     {"window_size": -3}, {"minimum_calls": 0}, {"half_open_max_calls": 0},
                     {"recovery_timeout": -1}):
        text = ", ".join(f"{key}={value!r}" for key, value in settings.items())
        scenario = Scenario(f"CircuitBreaker({text})")
        outcome = scenario.run(lambda: impl.CircuitBreaker(clock=clock, **settings))
        scenario.expect(outcome.raised(ValueError), expected="ValueError at construction",
                        observed=str(outcome))
    for size in (0, -1):
        scenario = Scenario(f"CountWindow({size})")
        outcome = scenario.run(lambda: impl.CountWindow(size))
        scenario.expect(outcome.raised(ValueError), expected="ValueError", observed=str(outcome))


def test_thresholds_other_than_fifty(impl, clock):
    """Other thresholds are reached exactly too: 30% is 3 of 10, 62.5% is 5 of 8, 29% is 29 of 100"""
    cases = [(30, 10, "S" * 7 + "FFF", True), (30, 10, "S" * 8 + "FF" + "S", False),
             (25, 4, "SSSF", True), (62.5, 8, "SSS" + "FFFFF", True),
             (62.5, 8, "SSSS" + "FFFF" + "S", False),
             (29, 100, "S" * 71 + "F" * 29, True), (57, 100, "S" * 43 + "F" * 57, True),
             (58, 100, "S" * 43 + "F" * 57 + "S", False)]
    for threshold, size, answers, opens in cases:
        users = Answers("users", answers)
        breaker = impl.CircuitBreaker(failure_rate_threshold=threshold, window_size=size,
                                      minimum_calls=size, clock=clock)
        failures = answers[-size:].count("F")
        shown_answers = answers if len(answers) <= 12 else \
            f"{answers.count('S')} x 200 and {answers.count('F')} x 503"
        scenario = Scenario(f"CircuitBreaker(failure_rate_threshold={threshold:g}, window_size="
                            f"{size}, minimum_calls={size}); the users service answers "
                            f"{shown_answers} ({'F = 503, S = 200' if len(answers) <= 12 else 'in that order'})")
        results = outcomes_of(impl, breaker, users, len(answers) + 1)
        if opens:
            scenario.expect(results[-1] == REJECTED and REJECTED not in results[:-1],
                            expected=f"{failures} failures of {size} = {failures * 100 / size:g}% "
                                     f"reach the threshold of {threshold:g}% with the last "
                                     f"answer: it opens then (not before), and the next call "
                                     f"is rejected (compare failures * 100 >= threshold * "
                                     f"total: {failures} / {size} * 100 is "
                                     f"{failures / size * 100!r})",
                            observed=shown(results[-4:]) + " (the last 4 calls)",
                            timeline=users.timeline())
        else:
            scenario.expect(REJECTED not in results,
                            expected=f"at most {failures} failures in the last {size}: below "
                                     f"{threshold:g}%, every call reaches the service",
                            observed=shown(results[-4:]) + " (the last 4 calls)",
                            timeline=users.timeline())


def test_rate_is_over_the_outcomes_held(impl, clock):
    """Before the window is full, the rate is over the outcomes it holds, not over window_size"""
    users = FakeService("users", clock).script(*pattern("SFSF"), 200)
    breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_size=10, minimum_calls=4,
                                  clock=clock)
    scenario = Scenario("CircuitBreaker(threshold 50%, window_size=10, minimum_calls=4); the "
                        "users service answers 200, 503, 200, 503")
    results = outcomes_of(impl, breaker, fetcher(users), 5)
    rate = breaker.failure_rate
    scenario.expect(results == [OK, FAILED, OK, FAILED, REJECTED],
                    expected="ok, failed, ok, failed, then rejected: 2 failures of the 4 "
                             "outcomes held is 50% (not 2 of window_size=10)",
                    observed=shown(results), timeline=users.timeline())
    scenario.expect(same_rate(rate, 50.0),
                    expected="failure_rate 50.0 while open: it still shows the window that "
                             "tripped the breaker",
                    observed=f"failure_rate {rate_text(rate)}")


def test_failure_rate_keeps_the_tripping_window(impl, clock):
    """In OPEN and HALF_OPEN, failure_rate shows the window that tripped it: trials and rejected calls stay out"""
    users = FakeService("users", clock).script(*pattern("FFFS"))
    breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_size=10, minimum_calls=4,
                                  recovery_timeout=30, half_open_max_calls=2, clock=clock)
    fetch = fetcher(users)
    scenario = Scenario("CircuitBreaker(threshold 50%, window_size=10, minimum_calls=4, "
                        "half_open_max_calls=2); the users service answers 503, 503, 503, 200 "
                        "(75%: the 200 completes the minimum and trips it); a call is rejected; "
                        "30.5 s later trial 1 succeeds; while trial 2 runs another caller is "
                        "rejected; trial 2 fails (1 of 2 = 50%: it re-opens)")
    readings = []
    opening = outcomes_of(impl, breaker, fetch, 5)
    readings.append(("right after opening, and one rejected call", breaker.failure_rate))
    clock.advance(30.5)
    users.script(*pattern("SF"))
    first = outcome_of(impl, breaker, fetch)
    readings.append(("after trial 1 (a success)", breaker.failure_rate))
    arrivals = []

    def second_trial() -> Any:
        arrivals.append(outcome_of(impl, breaker, fetch))
        readings.append(("while trial 2 runs, after another caller was rejected",
                         breaker.failure_rate))
        return users.get(USER, timeout=2)

    second = outcome_of(impl, breaker, second_trial)
    readings.append(("after trial 2 failed and it re-opened", breaker.failure_rate))
    scenario.expect(opening == [FAILED, FAILED, FAILED, OK, REJECTED] and first == OK
                    and arrivals == [REJECTED] and second == FAILED,
                    expected="failed x3, ok (it opens), rejected; trial 1 ok; the caller "
                             "arriving during trial 2 rejected; trial 2 failed",
                    observed=f"{shown(opening)}; trial 1 {first}; the caller during trial 2 "
                             f"{shown(arrivals)}; trial 2 {second}",
                    timeline=users.timeline())
    wrong = [f"{when}: {rate_text(rate)}" for when, rate in readings if not same_rate(rate, 75.0)]
    scenario.expect(not wrong,
                    expected="failure_rate 75.0 every time: the window that tripped the breaker "
                             "(3 failed of 4); trials are judged apart and rejected calls are no "
                             "outcomes, so neither enters the window",
                    observed="; ".join(wrong), timeline=users.timeline())


def test_half_open_verdict_waits_for_every_trial(impl, clock):
    """The half-open verdict comes once half_open_max_calls trials completed, whatever minimum_calls is"""
    for minimum, trials, answers, verdict in ((2, 4, "FFSS", REJECTED), (10, 2, "SS", OK)):
        users = FakeService("users", clock).down(503)
        breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_size=10,
                                      minimum_calls=minimum, recovery_timeout=30,
                                      half_open_max_calls=trials, clock=clock)
        fetch = fetcher(users)
        opening = outcomes_of(impl, breaker, fetch, min(minimum, 10))
        clock.advance(30.5)
        users.script(*pattern(answers), 200)
        seen = outcomes_of(impl, breaker, fetch, trials)
        after = outcome_of(impl, breaker, fetch)
        scenario = Scenario(f"CircuitBreaker(threshold 50%, window_size=10, minimum_calls="
                            f"{minimum}, half_open_max_calls={trials}); {len(opening)} failures "
                            f"open it; 30.5 s later the trial calls answer "
                            f"{', '.join('503' if a == 'F' else '200' for a in answers)}")
        wanted = [FAILED if a == "F" else OK for a in answers]
        scenario.expect(seen == wanted,
                        expected=f"all {trials} trials admitted: no verdict before the "
                                 f"{trials}th has completed"
                                 + (" (minimum_calls is smaller, but the trials count)"
                                    if minimum < trials else ""),
                        observed=shown(seen), timeline=users.timeline())
        scenario.expect(after == verdict,
                        expected=(f"then {answers.count('F')} failed of {trials} trials = "
                                  f"{answers.count('F') * 100 // trials}%: "
                                  + ("it re-opens, the next call is rejected" if verdict ==
                                     REJECTED else "it closes, the next call goes through ("
                                     "minimum_calls applies to the window, not to the "
                                     "trials)")),
                        observed=f"the next call: {after}", timeline=users.timeline())
        clock.advance(100)


def test_half_open_verdict_uses_the_threshold(impl, clock):
    """The trials are judged against failure_rate_threshold, not 50%: 1 failed of 4 re-opens at 20%, closes at 30%"""
    for threshold, verdict in ((30, OK), (20, REJECTED)):
        users = FakeService("users", clock).down(503)
        breaker = impl.CircuitBreaker(failure_rate_threshold=threshold, window_size=4,
                                      minimum_calls=4, recovery_timeout=30,
                                      half_open_max_calls=4, clock=clock)
        fetch = fetcher(users)
        outcomes_of(impl, breaker, fetch, 4)
        clock.advance(30.5)
        users.script(*pattern("SSSF"), 200)
        seen = outcomes_of(impl, breaker, fetch, 4)
        after = outcome_of(impl, breaker, fetch)
        scenario = Scenario(f"CircuitBreaker(failure_rate_threshold={threshold}, window_size=4,"
                            f" minimum_calls=4, half_open_max_calls=4); 4 failures open it; "
                            f"30.5 s later the 4 trials answer 200, 200, 200, 503")
        scenario.expect(seen == [OK, OK, OK, FAILED] and after == verdict,
                        expected=f"4 trials, then 1 failed of 4 = 25% is "
                                 + ("below 30%: it closes, the next call goes through"
                                    if verdict == OK else
                                    "at or above 20%: it re-opens, the next call is rejected"),
                        observed=f"trials {shown(seen)}; the next call: {after}",
                        timeline=users.timeline())
        clock.advance(100)


def test_default_settings(impl, clock):
    """Defaults: threshold 50%, a window of 100 calls, minimum 100, 60 s open, 10 trials"""
    users = Answers("users", "F" * 99 + "S")
    breaker = impl.CircuitBreaker(clock=clock)
    fetch = users
    scenario = Scenario("CircuitBreaker(clock=clock), the defaults; the users service fails 99 "
                        "calls, then answers 200")
    results = outcomes_of(impl, breaker, fetch, 101)
    scenario.expect(results == [FAILED] * 99 + [OK, REJECTED],
                    expected="99 failed (fewer than minimum_calls=100: no verdict), then the "
                             "100th succeeds and opens it (99%), the 101st is rejected",
                    observed=f"rejected from call {results.index(REJECTED) + 1 if REJECTED in results else 'none'}",
                    timeline=users.timeline())
    clock.advance(59.5)
    early = outcome_of(impl, breaker, fetch)
    clock.advance(1.0)
    users.then("S" * 10)
    trials = outcomes_of(impl, breaker, fetch, 10)
    state = breaker.state
    scenario = Scenario("the same breaker: a call 59.5 s after opening, then 10 calls at 60.5 s")
    scenario.expect(early == REJECTED and trials == [OK] * 10 and state == impl.State.CLOSED,
                    expected="rejected at 59.5 s (recovery_timeout 60); at 60.5 s 10 trials "
                             "admitted (half_open_max_calls 10), all good: CLOSED",
                    observed=f"at 59.5 s: {early}; then {shown(trials)}; state {state}",
                    timeline=users.timeline())

    orders = Answers("orders", "S" * 50 + "F" * 50)
    breaker = impl.CircuitBreaker(clock=clock)
    results = outcomes_of(impl, breaker, orders, 101)
    scenario = Scenario("CircuitBreaker(clock=clock), the defaults; the orders service answers "
                        "50 x 200, then 50 x 503")
    scenario.expect(results == [OK] * 50 + [FAILED] * 50 + [REJECTED],
                    expected="the 100th call makes 50 failures of the last 100 (50%): it opens "
                             "then, and the 101st is rejected",
                    observed=f"rejected from call {results.index(REJECTED) + 1 if REJECTED in results else 'none'}",
                    timeline=orders.timeline())
