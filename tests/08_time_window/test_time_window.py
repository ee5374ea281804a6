"""Lesson 8 checks: a time-based window in buckets, and slow calls.

Time is the fake ``clock``; a fake service's reply latency advances it, which is how a call
becomes slow. Window checks assert well inside or well outside the window: an outcome must
still count at ``window_seconds - 1.5 buckets`` after it was recorded and must be gone at
``window_seconds + 0.5 bucket``, never at the exact edge (bucket boundaries are the
implementation's business).
"""

from __future__ import annotations

import time
import tracemalloc
from typing import Any, Callable

import pytest
from harness import Scenario
from harness.breaker_calls import FAILED, OK, REJECTED, outcome_of, outcomes_of

from fake_services import FakeClock, FakeNetwork, FakeService, error, ok, read_timeout

USER = "/users/42"


# -- helpers ----------------------------------------------------------------------------------


def fetcher(users: FakeService) -> Callable[[], Any]:
    """GET a user through the fake's direct transport; a 503 comes back as a response, which
    the breaker judges a failure (``is_failure_result``)."""
    return lambda: users.get(USER, timeout=5)


def http_fetcher(network: FakeNetwork, users: FakeService) -> Callable[[], Any]:
    """The same through ``requests`` with a 2-second timeout, raising on a 5xx."""
    session = network.session()
    return lambda: users.fetch_json(USER, timeout=2, session=session)


def spaced_calls(impl, breaker, fetch: Callable[[], Any], clock: FakeClock, count: int,
                 every: float) -> list[str]:
    """``count`` calls, the clock moving ``every`` seconds before each."""
    results = []
    for _ in range(count):
        clock.advance(every)
        results.append(outcome_of(impl, breaker, fetch))
    return results


def shown(results: list[str]) -> str:
    return ", ".join(results) if results else "no calls"


def rate_text(rate: object) -> str:
    return "None" if rate is None else f"{rate!r}"


def same_rate(rate: object, expected: float | None) -> bool:
    if expected is None:
        return rate is None
    return isinstance(rate, (int, float)) and abs(rate - expected) < 1e-9


def window_text(window) -> str:
    return (f"total {window.total}, failures {window.failures}, slow_calls "
            f"{window.slow_calls}, failure_rate {rate_text(window.failure_rate)}, "
            f"slow_call_rate {rate_text(window.slow_call_rate)}")


def expect_window(scenario: Scenario, window, total: int, failures: int, slow: int,
                  why: str) -> None:
    failure_rate = failures * 100.0 / total if total else None
    slow_rate = slow * 100.0 / total if total else None
    observed = window_text(window)
    scenario.expect(window.total == total and window.failures == failures
                    and window.slow_calls == slow
                    and same_rate(window.failure_rate, failure_rate)
                    and same_rate(window.slow_call_rate, slow_rate),
                    expected=f"total {total}, failures {failures}, slow_calls {slow}, "
                             f"failure_rate {rate_text(failure_rate)}, slow_call_rate "
                             f"{rate_text(slow_rate)} ({why})",
                    observed=observed)


# -- the window on its own --------------------------------------------------------------------


def test_empty_time_window_has_no_rates(impl, clock):
    """An empty time window has no rates, and nothing crashes"""
    window = impl.TimeWindow(window_seconds=10, buckets=10, clock=clock)
    scenario = Scenario("TimeWindow(window_seconds=10, buckets=10) with nothing recorded")
    expect_window(scenario, window, 0, 0, 0, "an empty window has no rates")

    breaker = impl.CircuitBreaker(window_seconds=10, window_buckets=10, minimum_calls=5,
                                  clock=clock)
    scenario = Scenario("a new CircuitBreaker(window_seconds=10, window_buckets=10, "
                        "minimum_calls=5): no call yet")
    rates = (breaker.failure_rate, breaker.slow_call_rate)
    scenario.expect(rates == (None, None) and breaker.state == impl.State.CLOSED,
                    expected="failure_rate None, slow_call_rate None, state CLOSED",
                    observed=f"failure_rate {rate_text(rates[0])}, slow_call_rate "
                             f"{rate_text(rates[1])}, state {breaker.state}")


def test_outcomes_leave_after_the_window(impl, clock):
    """An outcome counts while inside the window and is gone once older than it"""
    window = impl.TimeWindow(window_seconds=10, buckets=10, clock=clock)
    clock.advance(0.25)
    window.record(True)
    window.record(False)
    clock.advance(4.0)
    window.record(True, slow=True)
    story = ("TimeWindow(window_seconds=10, buckets=10): a failure and a success recorded at "
             "t=0.25, a slow failure at t=4.25")
    clock.advance(3.75)
    expect_window(Scenario(f"{story}; read at t=8.0"), window, 3, 2, 1,
                  "all three are well inside the last 10 s")
    clock.advance(2.75)
    expect_window(Scenario(f"{story}; read at t=10.75"), window, 1, 1, 1,
                  "the two from t=0.25 are 10.5 s old, out of the window; the slow failure "
                  "is 6.5 s old, in it")
    clock.advance(4.0)
    expect_window(Scenario(f"{story}; read at t=14.75"), window, 0, 0, 0,
                  "every outcome is 10.5 s old or more: the window is empty")


def test_idle_gap_empties_the_window(impl, clock):
    """After an idle gap longer than the window, old outcomes never come back"""
    window = impl.TimeWindow(window_seconds=10, buckets=10, clock=clock)
    clock.advance(0.25)
    for gap in (21.25, 16.5, 10.75, 33.5, 1000.5):
        start = clock()
        for second in range(4):
            if second:
                clock.advance(1.0)
            window.record(True)
        clock.advance(gap)
        story = (f"TimeWindow(window_seconds=10, buckets=10): failures recorded at "
                 f"t={start:g}, {start + 1:g}, {start + 2:g}, {start + 3:g}, then nothing "
                 f"for {gap:g} s; now t={clock():g}")
        expect_window(Scenario(f"{story}; read before recording"), window, 0, 0, 0,
                      "every old bucket has left the window")
        window.record(False)
        expect_window(Scenario(f"{story}; one success recorded"), window, 1, 0, 0,
                      "only the new success: stale failures must not come back when a "
                      "bucket is reused")


@pytest.mark.timeout(2)  # a backstop: the check stops itself after `budget` seconds
def test_idle_gap_of_a_day_is_instant(impl, clock):
    """Catching up after a day of silence is instant, not one step per elapsed second"""
    budget, days = 1.0, 1000
    window = impl.TimeWindow(window_seconds=60, buckets=60, clock=clock)
    scenario = Scenario(f"TimeWindow(window_seconds=60, buckets=60); {days} times: a day "
                        f"(86,400 s) of silence, then one failure recorded")
    started = time.perf_counter()
    for day in range(1, days + 1):
        clock.advance(86_400)
        window.record(True)
        total = window.total
        scenario.expect(total == 1, expected=f"after day {day}: total 1 (only the new failure)",
                        observed=f"total {total}")
        if time.perf_counter() - started > budget:
            scenario.fail(
                expected=f"{days} catch-ups within {budget} s: after a gap longer than the "
                         f"window everything is out, so catching up costs at most one pass "
                         f"over the 60 buckets",
                observed=f"only {day} days caught up after {budget} s: does the window step "
                         f"through every elapsed bucket (86,400 per day)?")


def test_memory_does_not_grow_with_the_call_rate(impl, clock):
    """The window's memory does not grow with the call rate"""
    limit = 64 * 1024
    tracemalloc.start()
    try:
        window = impl.TimeWindow(window_seconds=10, buckets=10, clock=clock)
        for _ in range(20):  # 20 s at 1 call a second
            clock.advance(1.0)
            window.record(False)
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        for number in range(20 * 1024):  # 20 s at 1,024 calls a second
            clock.advance(1 / 1024)
            window.record(number % 10 == 0, slow=number % 4 == 0)
        after, peak = tracemalloc.get_traced_memory()
        total = window.total
    finally:
        tracemalloc.stop()
    grown = max(after, peak) - before
    scenario = Scenario("TimeWindow(window_seconds=10, buckets=10): 20 s at 1 call a second, "
                        "then 20 s at 1,024 calls a second")
    scenario.expect(grown < limit,
                    expected=f"memory stays about the same (less than {limit // 1024} KiB "
                             f"more): a fixed number of buckets, whatever the call rate",
                    observed=f"{grown / 1024:,.0f} KiB more memory in use: does the window "
                             f"keep one entry per call?")
    scenario.expect(9 * 1024 <= total <= 10 * 1024 + 1,
                    expected="about 10,000 calls in the window (the last 10 s at 1,024 a "
                             "second, give or take a bucket)",
                    observed=f"total {total:,}")


# -- the breaker ------------------------------------------------------------------------------


def test_waits_for_minimum_calls(impl, clock):
    """With minimum_calls=5, 4 failures in the window do not open it; the 5th does"""
    users = FakeService("users", clock).down(503)
    breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_seconds=10,
                                  window_buckets=10, minimum_calls=5, clock=clock)
    scenario = Scenario("CircuitBreaker(threshold 50%, window_seconds=10, minimum_calls=5); "
                        "the users service answers 503, one call every 0.5 s")
    first = spaced_calls(impl, breaker, fetcher(users), clock, 4, 0.5)
    rate = breaker.failure_rate
    scenario.expect(first == [FAILED] * 4 and rate is None,
                    expected="4 calls reach the service and fail; failure_rate None (fewer "
                             "than 5 calls in the window)",
                    observed=f"{shown(first)}; failure_rate {rate_text(rate)}",
                    timeline=users.timeline())
    rest = spaced_calls(impl, breaker, fetcher(users), clock, 2, 0.5)
    scenario.expect(rest == [FAILED, REJECTED],
                    expected="the 5th call fails (5 of 5 in the window: it opens); the 6th is "
                             "rejected",
                    observed=f"5th and 6th calls: {shown(rest)}", timeline=users.timeline())


def test_opens_at_the_threshold_inclusive(impl, clock):
    """Opens when the failure rate in the window reaches the threshold (2 of 4 is 50%)"""
    users = FakeService("users", clock).script(200, 200, 503, 503, 200)
    breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_seconds=10,
                                  window_buckets=10, minimum_calls=4, clock=clock)
    scenario = Scenario("CircuitBreaker(threshold 50%, window_seconds=10, minimum_calls=4); "
                        "the users service answers 200, 200, 503, 503; one call a second")
    results = spaced_calls(impl, breaker, fetcher(users), clock, 5, 1.0)
    scenario.expect(results == [OK, OK, FAILED, FAILED, REJECTED],
                    expected="ok, ok, failed, failed, then rejected: 2 of 4 = 50% reaches the "
                             "threshold (inclusive)",
                    observed=shown(results), timeline=users.timeline())

    orders = FakeService("orders", clock).script(200, 200, 200, 503, 200)
    breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_seconds=10,
                                  window_buckets=10, minimum_calls=4, clock=clock)
    scenario = Scenario("the same settings; the orders service answers 200, 200, 200, 503, "
                        "200; one call a second")
    results = spaced_calls(impl, breaker, fetcher(orders), clock, 5, 1.0)
    rate = breaker.failure_rate
    scenario.expect(results == [OK, OK, OK, FAILED, OK] and same_rate(rate, 20.0),
                    expected="all 5 calls reach the service (25% after 4 calls stays below "
                             "50%); failure_rate 20.0 after the 5th",
                    observed=f"{shown(results)}; failure_rate {rate_text(rate)}",
                    timeline=orders.timeline())


def test_old_failures_no_longer_count(impl, clock):
    """Failures older than the window no longer count toward opening it"""
    users = FakeService("users", clock).down(503)
    breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_seconds=10,
                                  window_buckets=10, minimum_calls=5, clock=clock)
    clock.advance(0.25)
    first = outcomes_of(impl, breaker, fetcher(users), 4)
    clock.advance(7.0)
    later = outcomes_of(impl, breaker, fetcher(users), 2)
    scenario = Scenario("CircuitBreaker(threshold 50%, window_seconds=10, window_buckets=10, "
                        "minimum_calls=5); the users service fails 4 calls at t=0.25, then "
                        "one at t=7.25")
    scenario.expect(first == [FAILED] * 4 and later == [FAILED, REJECTED],
                    expected="4 failed, then at t=7.25 the 5th failure opens it (the first 4 "
                             "are 7 s old, still in the window): the next call is rejected",
                    observed=f"{shown(first)}; at t=7.25: {shown(later)}",
                    timeline=users.timeline())

    other = FakeClock()
    orders = FakeService("orders", other).down(503)
    breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_seconds=10,
                                  window_buckets=10, minimum_calls=5, clock=other)
    first = spaced_calls(impl, breaker, fetcher(orders), other, 4, 1.0)
    other.advance(10.5)
    orders.script(503, 200, 200, 200, 200)
    later = outcomes_of(impl, breaker, fetcher(orders), 4)
    rate_after_four = breaker.failure_rate
    later += outcomes_of(impl, breaker, fetcher(orders), 1)
    rate = breaker.failure_rate
    scenario = Scenario("the same settings; the orders service fails 4 calls at t=1, 2, 3 "
                        "and 4, then at t=14.5 answers 503, 200, 200, 200, 200")
    scenario.expect(first == [FAILED] * 4 and later == [FAILED, OK, OK, OK, OK],
                    expected="all 5 later calls reach the service: the 4 old failures are "
                             "10.5 s old or more, out of the window, so it holds 1 failure "
                             "of 5",
                    observed=f"{shown(first)}; at t=14.5: {shown(later)}",
                    timeline=orders.timeline())
    scenario.expect(rate_after_four is None and same_rate(rate, 20.0),
                    expected="failure_rate None after 4 new calls (below minimum_calls), 20.0 "
                             "after 5",
                    observed=f"{rate_text(rate_after_four)}, then {rate_text(rate)}")


def test_slow_successes_open_the_breaker(impl, clock):
    """Slow calls open the breaker on the slow-call rate alone, though every call succeeded"""
    slow, fast = ok(latency=1.5), ok(latency=0.25)
    users = FakeService("users", clock).script(slow, fast, slow, fast)
    breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_seconds=10,
                                  window_buckets=10, minimum_calls=4, slow_call_duration=1.0,
                                  slow_call_rate_threshold=50, clock=clock)
    scenario = Scenario("CircuitBreaker(slow_call_duration=1.0, slow_call_rate_threshold=50, "
                        "minimum_calls=4, window_seconds=10); the users service answers 200 "
                        "every time, taking 1.5 s, 0.25 s, 1.5 s, 0.25 s")
    results = outcomes_of(impl, breaker, fetcher(users), 5)
    scenario.expect(results == [OK] * 4 + [REJECTED],
                    expected="4 successful calls, then rejected: 2 of 4 calls were slower than "
                             "1.0 s, a slow-call rate of 50%",
                    observed=shown(results), timeline=users.timeline())

    orders = FakeService("orders", clock).script(slow, fast, slow, fast)
    breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_seconds=10,
                                  window_buckets=10, minimum_calls=4, slow_call_duration=1.0,
                                  slow_call_rate_threshold=100, clock=clock)
    results = outcomes_of(impl, breaker, fetcher(orders), 5)
    rates = (breaker.failure_rate, breaker.slow_call_rate)
    scenario = Scenario("the same with slow_call_rate_threshold=100; the orders service takes "
                        "1.5 s, 0.25 s, 1.5 s, 0.25 s, then answers at once")
    scenario.expect(results == [OK] * 5 and same_rate(rates[0], 0.0)
                    and same_rate(rates[1], 40.0),
                    expected="all 5 calls go through; failure_rate 0.0, slow_call_rate 40.0 "
                             "(2 slow of 5)",
                    observed=f"{shown(results)}; failure_rate {rate_text(rates[0])}, "
                             f"slow_call_rate {rate_text(rates[1])}",
                    timeline=orders.timeline())


def test_slow_means_strictly_longer(impl, clock):
    """A call that takes exactly slow_call_duration is not slow; a longer one is"""
    exact = ok(latency=1.0)
    users = FakeService("users", clock).script(exact, exact, exact, exact, ok(latency=1.25))
    breaker = impl.CircuitBreaker(window_seconds=10, window_buckets=10, minimum_calls=4,
                                  slow_call_duration=1.0, slow_call_rate_threshold=50,
                                  clock=clock)
    scenario = Scenario("CircuitBreaker(slow_call_duration=1.0, slow_call_rate_threshold=50, "
                        "minimum_calls=4); 4 calls of exactly 1.0 s each")
    results = outcomes_of(impl, breaker, fetcher(users), 4)
    rate = breaker.slow_call_rate
    scenario.expect(results == [OK] * 4 and same_rate(rate, 0.0),
                    expected="4 ok calls, slow_call_rate 0.0: slow means strictly longer than "
                             "slow_call_duration",
                    observed=f"{shown(results)}; slow_call_rate {rate_text(rate)}",
                    timeline=users.timeline())
    results = outcomes_of(impl, breaker, fetcher(users), 1)
    rate = breaker.slow_call_rate
    scenario = Scenario("then a 5th call that takes 1.25 s")
    scenario.expect(results == [OK] and same_rate(rate, 20.0),
                    expected="it goes through; slow_call_rate 20.0 (1 slow of 5)",
                    observed=f"{shown(results)}; slow_call_rate {rate_text(rate)}",
                    timeline=users.timeline())


def test_slow_failures_count_toward_both_rates(impl, clock, network):
    """A slow failure counts as a failure and as a slow call"""
    replies = (error(503, latency=1.5), read_timeout(), 200, 200)
    users = network.service("users").script(*replies)
    breaker = impl.CircuitBreaker(failure_rate_threshold=100, window_seconds=10,
                                  window_buckets=10, minimum_calls=4, slow_call_duration=1.0,
                                  slow_call_rate_threshold=100, clock=clock)
    story = ("the users service answers 503 after 1.5 s, then times out (the client gives up "
             "after 2 s), then 200 twice at once")
    scenario = Scenario("CircuitBreaker(failure_rate_threshold=100, slow_call_duration=1.0, "
                        f"slow_call_rate_threshold=100, minimum_calls=4); {story}")
    results = outcomes_of(impl, breaker, http_fetcher(network, users), 4)
    rates = (breaker.failure_rate, breaker.slow_call_rate)
    scenario.expect(results == [FAILED, FAILED, OK, OK] and same_rate(rates[0], 50.0)
                    and same_rate(rates[1], 50.0),
                    expected="failed, failed, ok, ok; failure_rate 50.0 and slow_call_rate "
                             "50.0: both failures were also slow",
                    observed=f"{shown(results)}; failure_rate {rate_text(rates[0])}, "
                             f"slow_call_rate {rate_text(rates[1])}",
                    timeline=users.timeline())

    orders = network.service("orders").script(*replies)
    breaker = impl.CircuitBreaker(failure_rate_threshold=100, window_seconds=10,
                                  window_buckets=10, minimum_calls=4, slow_call_duration=1.0,
                                  slow_call_rate_threshold=50, clock=clock)
    results = outcomes_of(impl, breaker, http_fetcher(network, orders), 5)
    scenario = Scenario("the same with slow_call_rate_threshold=50; the orders service "
                        "answers like the users service")
    scenario.expect(results == [FAILED, FAILED, OK, OK, REJECTED],
                    expected="failed, failed, ok, ok, then rejected: the two slow failures "
                             "make a slow-call rate of 50%",
                    observed=shown(results), timeline=orders.timeline())


def test_half_open_trials_are_judged_on_speed_too(impl, clock):
    """Half-open: slow trial calls re-open the breaker even though they succeed"""
    users = FakeService("users", clock).script(503, 503, 503, 503)
    breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_seconds=10,
                                  window_buckets=10, minimum_calls=4, slow_call_duration=1.0,
                                  slow_call_rate_threshold=50, recovery_timeout=30,
                                  half_open_max_calls=2, clock=clock)
    fetch = fetcher(users)
    opening = outcomes_of(impl, breaker, fetch, 5)
    Scenario("CircuitBreaker(threshold 50%, minimum_calls=4, slow_call_duration=1.0, "
             "slow_call_rate_threshold=50, recovery_timeout=30, half_open_max_calls=2); 4 "
             "failures").expect(opening == [FAILED] * 4 + [REJECTED],
                                expected="it opens after 4 failures", observed=shown(opening),
                                timeline=users.timeline())

    clock.advance(30.5)
    users.script(ok(latency=1.5), ok(latency=1.5))
    trials = outcomes_of(impl, breaker, fetch, 2)
    after = outcome_of(impl, breaker, fetch)
    scenario = Scenario("30.5 s later, 2 trial calls: both succeed, each taking 1.5 s")
    scenario.expect(trials == [OK, OK] and after == REJECTED,
                    expected="both trials admitted; then rejected: 2 slow of 2 trials (100%) "
                             "reaches the slow-call threshold, so it re-opens",
                    observed=f"trials: {shown(trials)}; the next call: {after}",
                    timeline=users.timeline())

    clock.advance(30.5)
    trials = outcomes_of(impl, breaker, fetch, 2)
    rate = breaker.failure_rate
    later = outcomes_of(impl, breaker, fetch, 3)
    scenario = Scenario("30.5 s after re-opening, 2 trial calls that succeed at once, then 3 "
                        "more calls")
    scenario.expect(trials == [OK, OK] and later == [OK, OK, OK],
                    expected="the fast trials close it: every call goes through",
                    observed=f"trials: {shown(trials)}; then {shown(later)}",
                    timeline=users.timeline())
    scenario.expect(rate is None,
                    expected="failure_rate None right after closing (an empty window)",
                    observed=f"failure_rate {rate_text(rate)}")


def test_rejects_impossible_settings(impl, clock):
    """Rejects impossible settings with ValueError (0 is never replaced by a default)"""
    users = FakeService("users", clock).down(503)
    breaker = impl.CircuitBreaker(failure_rate_threshold=100, window_seconds=10,
                                  window_buckets=10, minimum_calls=2, clock=clock)
    results = outcomes_of(impl, breaker, fetcher(users), 3)
    Scenario("CircuitBreaker(failure_rate_threshold=100, window_seconds=10, minimum_calls=2); "
             "the users service answers 503").expect(
        results == [FAILED, FAILED, REJECTED],
        expected="a valid breaker works: 2 failures of 2 (100%) open it",
        observed=shown(results), timeline=users.timeline())
    for settings in ({"window_seconds": 0}, {"window_seconds": -10}, {"window_buckets": 0},
                     {"slow_call_duration": 0}, {"slow_call_duration": -1},
                     {"slow_call_rate_threshold": 0}, {"slow_call_rate_threshold": 101},
                     {"failure_rate_threshold": 0}, {"failure_rate_threshold": 101},
                     {"minimum_calls": 0}, {"half_open_max_calls": 0}):
        text = ", ".join(f"{key}={value!r}" for key, value in settings.items())
        scenario = Scenario(f"CircuitBreaker({text})")
        outcome = scenario.run(lambda: impl.CircuitBreaker(clock=clock, **settings))
        scenario.expect(outcome.raised(ValueError), expected="ValueError at construction",
                        observed=str(outcome))
    for seconds, buckets in ((0, 10), (10, 0)):
        scenario = Scenario(f"TimeWindow(window_seconds={seconds}, buckets={buckets})")
        outcome = scenario.run(lambda: impl.TimeWindow(window_seconds=seconds, buckets=buckets,
                                                       clock=clock))
        scenario.expect(outcome.raised(ValueError), expected="ValueError", observed=str(outcome))
