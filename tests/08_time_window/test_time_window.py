"""Lesson 8 checks: a time-based window in buckets, and slow calls.

Time is the fake ``clock``; a fake service's reply latency advances it, which is how a call
becomes slow. Window checks assert well inside or well outside the window: an outcome must
still count at ``window_seconds - 1.5 buckets`` after it was recorded and must be gone at
``window_seconds + 0.5 bucket``, never at the exact edge (bucket boundaries are the
implementation's business).
"""

from __future__ import annotations

import sys
import tracemalloc
from typing import Any, Callable

from harness import Scenario, loader
from harness.breaker_calls import FAILED, OK, REJECTED, Answers, outcome_of, outcomes_of

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


def _lines_run(action: Callable[[], Any]) -> int:
    """How many lines of graded code (the learner's module) ``action`` runs: an operation
    count, the same on any machine."""
    count = 0

    def local(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def starting(frame: Any, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename in loader.graded_files else None

    previous = sys.gettrace()
    sys.settrace(starting)
    try:
        action()
    finally:
        sys.settrace(previous)
    return count


def test_idle_gap_of_a_day_is_instant(impl, clock):
    """Catching up after a day of silence costs no more than after a gap of two windows"""
    window = impl.TimeWindow(window_seconds=60, buckets=60, clock=clock)
    scenario = Scenario("TimeWindow(window_seconds=60, buckets=60): a failure recorded; after "
                        "a gap of 120 s (two windows), the window read and one failure "
                        "recorded; then the same after a gap of a day (86,400 s); the lines of "
                        "your module that run each time are counted")
    window.record(True)  # every gap below follows a recorded outcome
    costs = []
    for gap in (120, 86_400, 120, 86_400):
        clock.advance(gap)

        def catch_up() -> None:
            window.total
            window.record(True)

        costs.append(_lines_run(catch_up))
        total = window.total
        scenario.expect(total == 1, expected=f"after the gap of {gap:,} s: total 1 (only the "
                                             f"new failure)", observed=f"total {total}")
    short, day = min(costs[0], costs[2]), max(costs[1], costs[3])
    scenario.expect(day <= 2 * short + 20,
                    expected="about as many lines after a day as after two windows: once the "
                             "gap is a whole window or more everything is out, so catching up "
                             "costs at most one pass over the 60 buckets",
                    observed=f"{short:,} lines after 120 s, {day:,} after a day: does the "
                             f"window step through every elapsed bucket (86,400 per day)?")


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
        for number in range(20 * 256):  # 20 s at 256 calls a second
            clock.advance(1 / 256)
            window.record(number % 10 == 0, slow=number % 4 == 0)
        after, peak = tracemalloc.get_traced_memory()
        total = window.total
    finally:
        tracemalloc.stop()
    grown = max(after, peak) - before
    scenario = Scenario("TimeWindow(window_seconds=10, buckets=10): 20 s at 1 call a second, "
                        "then 20 s at 256 calls a second")
    scenario.expect(grown < limit,
                    expected=f"memory stays about the same (less than {limit // 1024} KiB "
                             f"more): a fixed number of buckets, whatever the call rate",
                    observed=f"{grown / 1024:,.0f} KiB more memory in use: does the window "
                             f"keep one entry per call?")
    scenario.expect(9 * 256 <= total <= 10 * 256 + 1,
                    expected="about 2,560 calls in the window (the last 10 s at 256 a "
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
    """A call that takes exactly slow_call_duration is not slow, wherever it starts; a longer one is"""
    for start, duration in ((0.0, 1.0), (1.03, 1.0), (0.1, 0.2), (2.675, 2.5)):
        other = FakeClock(start)
        exact = ok(latency=duration)
        users = FakeService("users", other).script(exact, exact, exact, exact,
                                                   ok(latency=duration * 1.25))
        breaker = impl.CircuitBreaker(window_seconds=100, window_buckets=10, minimum_calls=4,
                                      slow_call_duration=duration, slow_call_rate_threshold=50,
                                      clock=other)
        scenario = Scenario(f"CircuitBreaker(slow_call_duration={duration:g}, "
                            f"slow_call_rate_threshold=50, minimum_calls=4); from t={start:g}, "
                            f"4 calls of exactly {duration:g} s each (the first ends at "
                            f"{start + duration!r}, and {start + duration!r} - {start!r} is "
                            f"{start + duration - start!r})")
        results = outcomes_of(impl, breaker, fetcher(users), 4)
        rate = breaker.slow_call_rate
        scenario.expect(results == [OK] * 4 and same_rate(rate, 0.0),
                        expected="4 ok calls, slow_call_rate 0.0: a call that ended exactly at "
                                 "start + slow_call_duration is not slow (compare end > start + "
                                 "slow_call_duration)",
                        observed=f"{shown(results)}; slow_call_rate {rate_text(rate)}",
                        timeline=users.timeline())
        results = outcomes_of(impl, breaker, fetcher(users), 1)
        rate = breaker.slow_call_rate
        scenario = Scenario(f"then a 5th call that takes {duration * 1.25:g} s")
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


def test_closing_starts_an_empty_window(impl, clock):
    """Closing starts an empty window, even while the failures that opened it are younger than window_seconds"""
    users = FakeService("users", clock).script(503, 503, 503, 503)
    breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_seconds=100,
                                  window_buckets=10, minimum_calls=4, recovery_timeout=10,
                                  half_open_max_calls=1, clock=clock)
    fetch = fetcher(users)
    opening = outcomes_of(impl, breaker, fetch, 5)
    clock.advance(10.5)
    trial = outcome_of(impl, breaker, fetch)
    rate = breaker.failure_rate
    users.script(503, 503, 503)
    after = outcomes_of(impl, breaker, fetch, 4)
    scenario = Scenario("CircuitBreaker(threshold 50%, window_seconds=100, minimum_calls=4, "
                        "recovery_timeout=10, half_open_max_calls=1); 4 failures at t=0 open "
                        "it; at t=10.5 the trial succeeds (it closes); then the users service "
                        "answers 503, 503, 503 and 200")
    scenario.expect(opening == [FAILED] * 4 + [REJECTED] and trial == OK,
                    expected="4 failures open it (the 5th call rejected); the trial succeeds",
                    observed=f"{shown(opening)}; the trial {trial}", timeline=users.timeline())
    scenario.expect(rate is None and after == [FAILED, FAILED, FAILED, OK],
                    expected="failure_rate None right after closing, and 4 calls go through "
                             "(3 failures, then a 200): the 4 failures of t=0 are still inside "
                             "window_seconds=100, but closing emptied the window, so the "
                             "minimum of 4 calls is met only by the 4th",
                    observed=f"failure_rate {rate_text(rate)} after closing; then "
                             f"{shown(after)}", timeline=users.timeline())


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
                     {"recovery_timeout": -1}, {"minimum_calls": -2},
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


def test_buckets_of_other_widths(impl):
    """Buckets of any width (2.5 s, 0.1 s, 10 s, one bucket for the whole window): an outcome counts inside the window and is gone after it"""
    for seconds, buckets, offset in ((10, 4, 0.3), (1, 10, 0.8), (30, 3, 0.8), (5, 20, 0.3),
                                     (10, 1, 0.3), (10, 10, 0.8)):
        width = seconds / buckets
        clock = FakeClock(100 * seconds + offset * width)  # early or late in its bucket
        window = impl.TimeWindow(window_seconds=seconds, buckets=buckets, clock=clock)
        recorded = clock()
        window.record(True, slow=True)
        story = (f"TimeWindow(window_seconds={seconds:g}, buckets={buckets}): buckets of "
                 f"{width:g} s; a slow failure recorded at t={recorded:g}")
        expect_window(Scenario(f"{story}; read at once"), window, 1, 1, 1, "just recorded")
        later = None
        if buckets >= 4:
            clock.advance(seconds / 2)
            later = clock()
            window.record(False)
        if buckets >= 2:
            clock.advance(max(0.0, recorded + seconds - 1.5 * width - clock()))
            expect_window(Scenario(f"{story}" + (f", a success at t={later:g}" if later else "")
                                   + f"; read at t={clock():g}"),
                          window, 2 if later else 1, 1, 1,
                          f"the failure is {clock() - recorded:g} s old: inside the last "
                          f"{seconds:g} s by more than a bucket")
        clock.advance(recorded + seconds + 0.5 * width - clock())
        expect_window(Scenario(f"{story}" + (f", a success at t={later:g}" if later else "")
                               + f"; read at t={clock():g}"),
                      window, 1 if later else 0, 0, 0,
                      f"the failure is {clock() - recorded:g} s old, out of the window"
                      + (f"; the success, {clock() - later:g} s old, is still in it" if later
                         else ""))


def test_minimum_calls_is_not_capped(impl, clock):
    """minimum_calls larger than the number of buckets still counts calls: 6 calls are needed in 2 buckets"""
    users = FakeService("users", clock).down(503)
    breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_seconds=4,
                                  window_buckets=2, minimum_calls=6, clock=clock)
    scenario = Scenario("CircuitBreaker(threshold 50%, window_seconds=4, window_buckets=2, "
                        "minimum_calls=6); the users service answers 503, one call every 0.25 s")
    results = spaced_calls(impl, breaker, fetcher(users), clock, 7, 0.25)
    scenario.expect(results == [FAILED] * 6 + [REJECTED],
                    expected="6 failed (no verdict before 6 calls, though there are only 2 "
                             "buckets), then rejected",
                    observed=shown(results), timeline=users.timeline())


def test_thresholds_and_durations_other_than_the_examples(impl, clock):
    """Other thresholds and durations: 30% and 29% of failures, 25% of slow calls, slow meaning over 0.25 s"""
    users = FakeService("users", clock).script(*[200] * 7, 503, 503, 503)
    breaker = impl.CircuitBreaker(failure_rate_threshold=30, window_seconds=60,
                                  window_buckets=6, minimum_calls=10, clock=clock)
    scenario = Scenario("CircuitBreaker(failure_rate_threshold=30, window_seconds=60, "
                        "window_buckets=6, minimum_calls=10); the users service answers 200 x7, "
                        "then 503 x3, one call a second")
    results = spaced_calls(impl, breaker, fetcher(users), clock, 11, 1.0)
    scenario.expect(results == [OK] * 7 + [FAILED] * 3 + [REJECTED],
                    expected="3 failures of 10 = 30% reach the threshold of 30%: it opens with "
                             "the 10th call",
                    observed=shown(results), timeline=users.timeline())

    slow, fast = ok(latency=0.3), ok(latency=0.25)
    orders = FakeService("orders", clock).script(fast, fast, fast, slow)
    breaker = impl.CircuitBreaker(window_seconds=60, window_buckets=6, minimum_calls=4,
                                  slow_call_duration=0.25, slow_call_rate_threshold=25,
                                  clock=clock)
    scenario = Scenario("CircuitBreaker(window_seconds=60, minimum_calls=4, slow_call_duration"
                        "=0.25, slow_call_rate_threshold=25); the orders service answers 200 "
                        "in 0.25 s, 0.25 s, 0.25 s, then 0.3 s")
    results = outcomes_of(impl, breaker, fetcher(orders), 5)
    scenario.expect(results == [OK] * 4 + [REJECTED],
                    expected="4 ok calls, then rejected: 1 slow call (0.3 s > 0.25 s) of 4 is "
                             "25%, which reaches slow_call_rate_threshold=25",
                    observed=shown(results), timeline=orders.timeline())

    users = Answers("users", "S" * 71 + "F" * 29)
    breaker = impl.CircuitBreaker(failure_rate_threshold=29, window_seconds=60,
                                  window_buckets=6, minimum_calls=100, clock=clock)
    scenario = Scenario("CircuitBreaker(failure_rate_threshold=29, window_seconds=60, "
                        "minimum_calls=100); the users service answers 200 x71, then 503 x29, "
                        "all within one second")
    results = outcomes_of(impl, breaker, users, 101)
    scenario.expect(results[-1] == REJECTED and REJECTED not in results[:-1],
                    expected="29 failures of 100 = 29% reach the threshold of 29% with the last "
                             "answer, so the next call is rejected (compare failures * 100 >= "
                             f"threshold * total: 29 / 100 * 100 is {29 / 100 * 100!r})",
                    observed=shown(results[-4:]) + " (the last 4 calls)",
                    timeline=users.timeline())


def test_a_slow_non_failure_is_slow(impl, clock, network):
    """A slow 404 is a success, but a slow one: it counts toward the slow-call rate"""
    users = network.service("users").script(error(404, latency=1.5), ok(latency=0.25))
    breaker = impl.CircuitBreaker(window_seconds=10, window_buckets=10, minimum_calls=2,
                                  slow_call_duration=1.0, slow_call_rate_threshold=50,
                                  clock=clock)
    scenario = Scenario("CircuitBreaker(slow_call_duration=1.0, slow_call_rate_threshold=50, "
                        "minimum_calls=2); the users service answers 404 after 1.5 s, then 200 "
                        "after 0.25 s (raised as HTTPError on a 404)")
    fetch = http_fetcher(network, users)
    results = [outcome_of(impl, breaker, fetch) for _ in range(3)]
    scenario.expect(results == [FAILED, OK, REJECTED],
                    expected="the 404 reaches the caller (as its HTTPError), the 200 goes "
                             "through, then rejected: the slow 404 was a success but a slow "
                             "one, 1 slow of 2 = 50%",
                    observed=shown(results), timeline=users.timeline())


def test_half_open_verdict_waits_for_every_trial(impl, clock):
    """Half-open: a first failed trial does not decide alone, and minimum_calls does not apply to the trials"""
    for minimum, trials, answers, verdict in ((4, 3, "FSS", OK), (10, 2, "SS", OK),
                                              (4, 3, "SFF", REJECTED)):
        users = FakeService("users", clock).down(503)
        breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_seconds=100,
                                      window_buckets=10, minimum_calls=minimum,
                                      recovery_timeout=30, half_open_max_calls=trials,
                                      clock=clock)
        fetch = fetcher(users)
        outcomes_of(impl, breaker, fetch, minimum)
        clock.advance(30.5)
        users.script(*[503 if a == "F" else 200 for a in answers], 200)
        seen = outcomes_of(impl, breaker, fetch, trials)
        after = outcome_of(impl, breaker, fetch)
        failed = answers.count("F")
        scenario = Scenario(f"CircuitBreaker(threshold 50%, minimum_calls={minimum}, "
                            f"half_open_max_calls={trials}); {minimum} failures open it; 30.5 s "
                            f"later the trials answer "
                            f"{', '.join('503' if a == 'F' else '200' for a in answers)}")
        scenario.expect(seen == [FAILED if a == "F" else OK for a in answers] and after == verdict,
                        expected=f"all {trials} trials admitted (no verdict before the last); "
                                 f"then {failed} failed of {trials} "
                                 + ("is below 50%: it closes, the next call goes through" if
                                    verdict == OK else "reaches 50%: it re-opens"),
                        observed=f"trials {shown(seen)}; the next call: {after}",
                        timeline=users.timeline())
        clock.advance(200)


def test_default_settings(impl, clock):
    """Defaults: 50% failures, 100 s in 100 buckets, minimum 100, slow over 60 s at 100%, 60 s open, 10 trials"""
    users = Answers("users", "F" * 101)
    breaker = impl.CircuitBreaker(clock=clock)
    scenario = Scenario("CircuitBreaker(clock=clock), the defaults; the users service answers "
                        "503, one call every 0.5 s")
    results = spaced_calls(impl, breaker, users, clock, 101, 0.5)
    scenario.expect(results == [FAILED] * 100 + [REJECTED],
                    expected="100 failed (no verdict before minimum_calls=100 calls in the last "
                             "100 s), then rejected",
                    observed=f"rejected from call "
                             f"{results.index(REJECTED) + 1 if REJECTED in results else 'none'}",
                    timeline=users.timeline())
    clock.advance(59.0)  # it opened with the 100th call, half a second ago
    early = outcome_of(impl, breaker, users)
    clock.advance(1.0)
    users.then("S" * 10)
    trials = outcomes_of(impl, breaker, users, 10)
    state = breaker.state
    scenario = Scenario("the same breaker: a call 59.5 s after opening, then 10 calls at 60.5 s")
    scenario.expect(early == REJECTED and trials == [OK] * 10 and state == impl.State.CLOSED,
                    expected="rejected at 59.5 s (recovery_timeout 60); at 60.5 s 10 trials "
                             "admitted (half_open_max_calls 10), all good: CLOSED",
                    observed=f"at 59.5 s: {early}; then {shown(trials)}; state {state}",
                    timeline=users.timeline())

    for latency, verdict in ((60.0, OK), (61.0, REJECTED)):
        orders = FakeService("orders", clock).always(ok(latency=latency))
        breaker = impl.CircuitBreaker(minimum_calls=2, clock=clock)
        results = outcomes_of(impl, breaker, lambda: orders.get(USER, timeout=120), 3)
        scenario = Scenario(f"CircuitBreaker(minimum_calls=2, clock=clock), other settings by "
                            f"default; the orders service answers 200 after {latency:g} s")
        scenario.expect(results == [OK, OK, verdict],
                        expected="2 ok calls, then "
                                 + ("the 3rd goes through too: exactly 60 s is not slow "
                                    "(slow_call_duration 60)" if verdict == OK else
                                    "rejected: 2 slow calls of 2 reach slow_call_rate_threshold "
                                    "100"),
                        observed=shown(results), timeline=orders.timeline())
    payments = FakeService("payments", clock).script(200, 200, 503, 503)
    breaker = impl.CircuitBreaker(minimum_calls=4, clock=clock)
    results = outcomes_of(impl, breaker, fetcher(payments), 5)
    Scenario("CircuitBreaker(minimum_calls=4, clock=clock); the payments service answers 200, "
             "200, 503, 503").expect(
        results == [OK, OK, FAILED, FAILED, REJECTED],
        expected="2 failures of 4 reach the default failure_rate_threshold of 50%: rejected",
        observed=shown(results), timeline=payments.timeline())


def test_every_reading_is_as_of_now(impl):
    """Each count and rate, read first after a quiet spell, leaves out what aged out"""
    for reading in ("total", "failures", "slow_calls", "failure_rate", "slow_call_rate"):
        clock = FakeClock(0.5)
        window = impl.TimeWindow(window_seconds=10, buckets=10, clock=clock)
        window.record(True, slow=True)
        clock.advance(15)
        value = getattr(window, reading)
        wanted = None if reading.endswith("rate") else 0
        Scenario(f"TimeWindow(window_seconds=10, buckets=10): a slow failure recorded at t=0.5; "
                 f"nothing for 15 s; then window.{reading} is the first thing read").expect(
            value == wanted,
            expected=f"{reading} {wanted!r}: the failure is 15 s old, out of the window (every "
                     f"reading catches up with the clock first)",
            observed=f"{reading} {value!r}")


def test_buckets_are_reused_cleanly_after_a_gap(impl):
    """After a gap longer than the window, reused buckets hold only what came after it"""
    clock = FakeClock(0.5)
    window = impl.TimeWindow(window_seconds=10, buckets=10, clock=clock)
    for moment in (0.5, 3.5, 6.5, 8.5):
        clock.advance(moment - clock())
        window.record(True, slow=True)
    clock.advance(100.5 - clock())
    window.record(False)
    clock.advance(4.0)
    window.record(True)
    clock.advance(4.0)
    window.record(False, slow=True)
    expect_window(Scenario("TimeWindow(window_seconds=10, buckets=10): slow failures at t=0.5, "
                           "3.5, 6.5 and 8.5; nothing until t=100.5; then a success at 100.5, "
                           "a failure at 104.5, a slow success at 108.5; read at t=108.5"),
                  window, 3, 1, 1, "only the three calls since t=100.5: the buckets they reuse "
                                   "must not bring back (or take away) counts from before the "
                                   "gap")
