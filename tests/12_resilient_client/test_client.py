"""Lesson 12 checks: a resilient client against real HTTP services on 127.0.0.1.

Every check starts its own live services (``live_network``), drives the learner's
``ResilientClient`` through real sockets, and judges by the calls the services saw and by
generous time bounds ("answered within the deadline + 0.25 s"), never by exact latencies.
Waits that are not the point take no time: the client gets a clock whose ``sleep`` skips
ahead (``support.JumpClock``). Real time is spent only where the deadline meets a socket.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from fake_services import (FakeClock, Reply, black_hole, dribble, error, garbage, half_close,
                           malformed_json, ok, reset, reset_mid_body, slow_headers, truncated)
from harness import Scenario, loader
from harness.breaker_calls import state_of


support = loader.check_module(Path(__file__).with_name("support.py"))
JumpClock, rig, said, status_of, timed, together = (
    support.JumpClock, support.rig, support.said, support.status_of, support.timed,
    support.together)
TOLERANCE = support.TOLERANCE

#: A Retry-After given as an HTTP-date is read against this wall clock (the fake's epoch).
WALL = FakeClock().wall


def is_request_failure(error: BaseException) -> bool:
    """A transport failure or a timeout: what the fallback answers, unlike a bad URL."""
    return isinstance(error, (requests.ConnectionError, requests.Timeout,
                              requests.exceptions.ChunkedEncodingError))


def get(client: Any, url: str, **kwargs: Any) -> Any:
    """One ``client.get`` as a scenario outcome (``NotImplementedError`` passes through)."""
    return Scenario("").run(lambda: client.get(url, **kwargs))


# -- the happy path ----------------------------------------------------------------------------

@pytest.mark.timeout(5)
def test_healthy_service_one_call_each(impl, live_network):
    """Returns a healthy service's answers, body read, with one call each"""
    users = live_network.service("users")
    r = rig(impl, live_network)
    scenario = Scenario("a healthy users service; client.get(users/users/1) ... /users/5")
    for n in range(1, 6):
        outcome = get(r.client, f"{users.url}/users/{n}")
        body = outcome.value.json() if status_of(outcome) == 200 else None
        scenario.expect(status_of(outcome) == 200 and isinstance(body, dict)
                        and body.get("path") == f"/users/{n}",
                        expected=f"get {n} returns the 200 response of /users/{n}, whose "
                                 f".json() is the service's answer",
                        observed=f"{said(outcome)}; body {body!r}",
                        timeline=live_network.timeline())
    users.wait_idle()
    scenario.expect(users.call_count == 5 and not r.clock.sleeps,
                    expected="5 calls in all, one per get, and no wait",
                    observed=f"{users.call_count} calls, waits {r.clock.sleeps}",
                    timeline=live_network.timeline())
    breaker = r.breaker(users)
    scenario.expect(state_of(breaker) == "CLOSED" and breaker.failure_count == 0,
                    expected="the users breaker CLOSED, no failure counted",
                    observed=f"{state_of(breaker)}, {breaker.failure_count} failures")


@pytest.mark.timeout(5)
def test_reads_the_whole_body_before_returning(impl, live_network):
    """Returns only once the whole body is read, large or slow"""
    users = live_network.service("users")
    big = {"name": "ada", "bio": "x" * 100_000}
    users.script(ok(json=big), dribble(every=0.02, size=12))
    r = rig(impl, live_network, deadline=3.0, attempt_timeout=2.0)
    scenario = Scenario("users answers a 100 KB body, then a body of 12 bytes sent one "
                        "every 20 ms (0.24 s in all); deadline=3.0, attempt_timeout=2.0")
    outcome = get(r.client, f"{users.url}/users/1")
    body = outcome.value.json() if status_of(outcome) == 200 else None
    scenario.expect(body == big, expected="the first get returns the 200 response with the "
                    "whole 100 KB body", observed=f"{said(outcome)}; body "
                    f"{'of ' + str(len(outcome.value.content)) + ' bytes' if body else body!r}",
                    timeline=live_network.timeline())
    run = timed(lambda: r.client.get(f"{users.url}/users/2"), limit=3.0)
    text = run.outcome.value.text if status_of(run.outcome) == 200 else None
    scenario.expect(run.finished and text == '"' + "x" * 10 + '"' and run.elapsed >= 0.18,
                    expected="the second get returns the 200 response once its 12 bytes "
                             "have all arrived (after about 0.24 s), body read",
                    observed=f"{run.shown()}; body {text!r} (a get that returns before the "
                             f"body is read leaves the caller waiting outside the deadline)",
                    timeline=live_network.timeline())


# -- retries -----------------------------------------------------------------------------------

@pytest.mark.timeout(5)
def test_retries_transient_statuses_until_success(impl, live_network):
    """Retries every 5xx and 429 with the backoff, and returns the first success"""
    users = live_network.service("users").script(500, 501, 502, 503, 504, 599, 429, 200)
    waits_asked: list[int] = []

    def backoff(k: int) -> float:
        waits_asked.append(k)
        return 0.01 * (k + 1)

    r = rig(impl, live_network, max_attempts=8, backoff=backoff)
    scenario = Scenario("users answers 500, 501, 502, 503, 504, 599, 429, then 200; "
                        "max_attempts=8, backoff(k) = 0.01 × (k + 1)")
    outcome = get(r.client, f"{users.url}/users/1")
    scenario.expect(status_of(outcome) == 200 and users.call_count == 8,
                    expected="8 calls, then the 200 response", observed=f"{said(outcome)} "
                    f"after {users.call_count} calls", timeline=live_network.timeline())
    expected = [0.01 * (k + 1) for k in range(7)]
    scenario.expect(len(r.clock.sleeps) == 7 and all(
        abs(a - b) < 1e-9 for a, b in zip(r.clock.sleeps, expected))
        and waits_asked == list(range(7)),
        expected="one wait before each retry: backoff(0) ... backoff(6), that is "
                 "[0.01, 0.02, ..., 0.07]",
        observed=f"backoff asked for k={waits_asked}, waits {r.clock.sleeps}")


@pytest.mark.timeout(5)
def test_retries_a_reset_before_and_after_the_headers(impl, live_network):
    """Retries a connection reset before the headers and one in the middle of the body"""
    users = live_network.service("users").script(reset(), reset_mid_body(), 200)
    r = rig(impl, live_network, max_attempts=3)
    scenario = Scenario("users resets the connection before answering (ConnectionError), "
                        "then after the headers and 3 body bytes (ChunkedEncodingError, which "
                        "is not a ConnectionError), then answers 200; max_attempts=3")
    outcome = get(r.client, f"{users.url}/users/1")
    scenario.expect(status_of(outcome) == 200 and users.call_count == 3,
                    expected="both resets retried: 3 calls, then the 200 response",
                    observed=f"{said(outcome)} after {users.call_count} calls",
                    timeline=live_network.timeline())


@pytest.mark.timeout(5)
def test_retries_every_transport_fault(impl, live_network):
    """Retries half-closes, garbage, truncated bodies and read timeouts too"""
    users = live_network.service("users").script(half_close(), garbage(), truncated(),
                                                 slow_headers(2.0), black_hole(), 200)
    budget = impl.RetryBudget(max_tokens=100, token_ratio=0.5)
    r = rig(impl, live_network, budget=budget, max_attempts=6, attempt_timeout=0.15,
            deadline=3.0)
    scenario = Scenario("users closes without answering, sends garbage, cuts a body short, "
                        "sends no headers for 2 s, never answers, then answers 200; "
                        "max_attempts=6, attempt_timeout=0.15, RetryBudget(max_tokens=100, "
                        "token_ratio=0.5)")
    run = timed(lambda: r.client.get(f"{users.url}/users/1"), limit=2.5)
    scenario.expect(status_of(run.outcome) == 200 and users.call_count == 6,
                    expected="every fault retried: 6 calls, then the 200 response (the two "
                             "timeouts cost 0.15 s each)",
                    observed=f"{run.shown()}; {users.call_count} calls",
                    timeline=live_network.timeline())
    scenario.expect(abs(support.tokens(budget) - 95.5) < 1e-6,
                    expected="tokens 100 → 95.5: each of the 5 failed attempts costs the "
                             "budget 1, whatever exception it raised, and the 200 refunds 0.5",
                    observed=f"tokens {support.tokens(budget):g}")

    unanswered = live_network.unanswered_port()
    r = rig(impl, live_network, clock=time.monotonic, max_attempts=3, attempt_timeout=0.1,
            deadline=2.0)
    run = timed(lambda: r.client.get(f"{unanswered}/users/1"), limit=1.5)
    scenario = Scenario("a port that never completes the connection; max_attempts=3, "
                        "attempt_timeout=0.1, deadline=2.0, no fallback")
    scenario.expect(run.finished and run.outcome.raised(requests.ConnectTimeout)
                    and 0.25 <= run.elapsed <= 0.3 + TOLERANCE,
                    expected="3 connect timeouts of 0.1 s each (a connect timeout is "
                             "transient), then the last ConnectTimeout raised, after about "
                             "0.3 s", observed=run.shown())


@pytest.mark.timeout(5)
def test_answers_are_not_retried(impl, live_network):
    """Returns answers (2xx, 3xx, 4xx) as they are: one call, no retry, no fallback"""
    # 408 and 425 included: Polly's HandleTransientHttpError (Polly.Extensions.Http) handles
    # a 408 as transient and "Too Early" sounds so, but here any 4xx but 429 is an answer
    statuses = [201, 301, 400, 401, 403, 404, 408, 409, 418, 422, 425]
    users = live_network.service("users")
    users.script(*statuses)
    r = rig(impl, live_network, fallback="record", max_attempts=3)
    for status in statuses:
        before = users.call_count
        scenario = Scenario(f"users answers {status}; max_attempts=3, with a fallback")
        outcome = get(r.client, f"{users.url}/users/{status}")
        scenario.expect(status_of(outcome) == status and users.call_count == before + 1,
                        expected=f"the {status} response returned as it is, after exactly "
                                 f"1 call (an answer, not a failure)",
                        observed=f"{said(outcome)} after {users.call_count - before} calls",
                        timeline=live_network.timeline())
        scenario.expect(not r.fallback_calls and not r.clock.sleeps,
                        expected="no fallback and no wait",
                        observed=f"fallback called with {r.fallback_calls}, waits "
                                 f"{r.clock.sleeps}")


@pytest.mark.timeout(5)
def test_a_404_leaves_the_breaker_and_the_budget_alone(impl, live_network):
    """Counts a 404 as a success, for the breaker and for the budget"""
    users = live_network.service("users").script(503, 404, 503, 404, 503)
    budget = impl.RetryBudget(max_tokens=10, token_ratio=0.5)
    r = rig(impl, live_network, budget=budget, breaker={"failure_threshold": 2},
            max_attempts=1)
    scenario = Scenario("failure_threshold=2, max_attempts=1, RetryBudget(max_tokens=10, "
                        "token_ratio=0.5); users answers 503, 404, 503, 404, 503")
    seen = [said(get(r.client, f"{users.url}/users/1")) for _ in range(5)]
    scenario.expect(users.call_count == 5 and state_of(r.breaker(users)) == "CLOSED",
                    expected="all 5 gets reach users and its breaker stays CLOSED: each 404 "
                             "is a success that resets the count of failures in a row",
                    observed=f"{users.call_count} calls; breaker "
                             f"{state_of(r.breaker(users))}; gets: {seen}",
                    timeline=live_network.timeline())
    scenario.expect(abs(support.tokens(budget) - 8.0) < 1e-6,
                    expected="tokens 10 → 9 → 9.5 → 8.5 → 9 → 8: each 503 costs 1, each 404 "
                             "refunds 0.5", observed=f"tokens {support.tokens(budget):g}")


@pytest.mark.timeout(5)
def test_a_429_is_retried_but_never_opens_the_breaker(impl, live_network):
    """Retries a 429, and never counts it as a failure for the breaker"""
    users = live_network.service("users").script(429, 429, 200, 429, 429, 429)
    budget = impl.RetryBudget(max_tokens=100, token_ratio=0.5)
    r = rig(impl, live_network, budget=budget, breaker={"failure_threshold": 2},
            max_attempts=3)
    scenario = Scenario("failure_threshold=2, max_attempts=3, RetryBudget(max_tokens=100, "
                        "token_ratio=0.5), no fallback; users answers 429, 429, 200, then "
                        "429, 429, 429")
    first = get(r.client, f"{users.url}/users/1")
    second = get(r.client, f"{users.url}/users/2")
    scenario.expect(status_of(first) == 200 and status_of(second) == 429
                    and users.call_count == 6,
                    expected="the first get retries twice and returns the 200; the second "
                             "makes 3 attempts and returns the last 429: 6 calls",
                    observed=f"{said(first)}, then {said(second)}; {users.call_count} calls",
                    timeline=live_network.timeline())
    scenario.expect(state_of(r.breaker(users)) == "CLOSED",
                    expected="the breaker still CLOSED: a 429 says 'slow down', not 'down' "
                             "(the breaker counts 5xx answers only)",
                    observed=f"breaker {state_of(r.breaker(users))}")
    scenario.expect(abs(support.tokens(budget) - 95.5) < 1e-6,
                    expected="tokens 100 → 95.5: for the budget a 429 is a failure like any "
                             "transient outcome (5 × -1), the 200 refunds 0.5",
                    observed=f"tokens {support.tokens(budget):g}")


@pytest.mark.timeout(5)
def test_default_backoff_is_full_jitter(impl, live_network):
    """Waits full jitter by default: each wait below 0.05 × 2**k, never the ceiling itself"""
    users = live_network.service("users").script(503, 503, 503, 200)
    clock = JumpClock()
    client = impl.ResilientClient(registry=impl.BreakerRegistry(
        defaults={"failure_threshold": 100}, clock=clock), budget=impl.RetryBudget(1000),
        max_attempts=4, session=live_network.session(), clock=clock, sleep=clock.sleep)
    scenario = Scenario("users answers 503, 503, 503, then 200; max_attempts=4 and no "
                        "backoff given (the default: full jitter, base 0.05 s, cap 1 s)")
    outcome = get(client, f"{users.url}/users/1")
    ceilings = [0.05, 0.1, 0.2]
    scenario.expect(status_of(outcome) == 200 and len(clock.sleeps) == 3 and all(
        0 <= wait < ceiling for wait, ceiling in zip(clock.sleeps, ceilings)),
        expected="the 200 after 3 waits, each in [0, 0.05), [0, 0.1), [0, 0.2)",
        observed=f"{said(outcome)}; waits {clock.sleeps}", timeline=live_network.timeline())


@pytest.mark.timeout(5)
def test_undecodable_body_is_not_retried(impl, live_network):
    """Never retries a body that cannot be decoded, and falls back on none"""
    broken = Reply(200, body="this is not gzip", headers={"Content-Encoding": "gzip"})
    users = live_network.service("users").script(broken, broken, malformed_json(), 200)
    budget = impl.RetryBudget(max_tokens=10, token_ratio=0.5)
    budget.record_failure()
    r = rig(impl, live_network, budget=budget, fallback="record", max_attempts=3)
    scenario = Scenario("users answers 200 with 'Content-Encoding: gzip' and a body that is "
                        "not gzip; max_attempts=3, with a fallback; RetryBudget(max_tokens=10, "
                        "token_ratio=0.5) at 9 tokens")
    outcome = get(r.client, f"{users.url}/users/1")
    scenario.expect(outcome.raised(requests.exceptions.ContentDecodingError)
                    and users.call_count == 1 and not r.fallback_calls,
                    expected="1 call, its ContentDecodingError raised (the server's bug, not "
                             "an outage: no retry, no fallback)",
                    observed=f"{said(outcome)} after {users.call_count} calls; fallback "
                             f"called {len(r.fallback_calls)} times",
                    timeline=live_network.timeline())
    scenario.expect(abs(support.tokens(budget) - 9.5) < 1e-6,
                    expected="tokens 9 → 9.5: the attempt reached the service and was not "
                             "transient, so it is reported to the budget as a success",
                    observed=f"tokens {support.tokens(budget):g}")
    for bad in ("http://127.0.0.1:99999/users/1", "http:///users/1"):
        before = len(r.fallback_calls)
        outcome = get(r.client, bad)
        scenario = Scenario(f"client.get({bad!r}), with a fallback")
        scenario.expect(outcome.error is not None and not is_request_failure(outcome.error)
                        and len(r.fallback_calls) == before,
                        expected="the URL's error raised (ValueError or InvalidURL: a bug of "
                                 "the caller's, not an outage), the fallback not called",
                        observed=f"{said(outcome)}; fallback called "
                                 f"{len(r.fallback_calls) - before} times")
    scenario = Scenario("the same body again, then a 200 whose JSON is cut short; "
                        "failure_threshold=100")
    get(r.client, f"{users.url}/users/1")
    outcome = get(r.client, f"{users.url}/users/2")
    scenario.expect(status_of(outcome) == 200 and users.call_count == 3
                    and r.breaker(users).failure_count == 0,
                    expected="the 200 with broken JSON is returned as it is (the client does "
                             "not parse bodies), and neither answer is a failure for the "
                             "breaker", observed=f"{said(outcome)}; {users.call_count} calls; "
                             f"{r.breaker(users).failure_count} failures counted",
                    timeline=live_network.timeline())


@pytest.mark.timeout(5)
def test_gives_up_after_max_attempts(impl, live_network):
    """Makes max_attempts calls at most, then hands over the last outcome"""
    users = live_network.service("users").down(503)
    for attempts in (1, 2, 4):
        before = users.call_count
        r = rig(impl, live_network, max_attempts=attempts, backoff=lambda k: 0.01)
        scenario = Scenario(f"users answers 503 to everything; max_attempts={attempts}, "
                            f"backoff 0.01 s, no fallback")
        outcome = get(r.client, f"{users.url}/users/1")
        calls = users.call_count - before
        scenario.expect(calls == attempts and len(r.clock.sleeps) == attempts - 1,
                        expected=f"{attempts} calls and {attempts - 1} waits",
                        observed=f"{calls} calls, waits {r.clock.sleeps}",
                        timeline=live_network.timeline())
        scenario.expect(status_of(outcome) == 503,
                        expected="the last 503 response returned as it is (a returned answer "
                                 "is never turned into an exception)", observed=said(outcome))
    refused = live_network.closed_port()
    r = rig(impl, live_network, max_attempts=3, backoff=lambda k: 0.01)
    scenario = Scenario("nothing listens on the port (connection refused); max_attempts=3, "
                        "backoff 0.01 s, no fallback")
    outcome = get(r.client, f"{refused}/users/1")
    scenario.expect(outcome.raised(requests.ConnectionError) and len(r.clock.sleeps) == 2,
                    expected="3 attempts (2 waits), then the last ConnectionError raised",
                    observed=f"{said(outcome)}; waits {r.clock.sleeps}")


@pytest.mark.timeout(5)
def test_budget_is_shared_across_calls(impl, live_network):
    """Shares one retry budget across calls: a dead service drains it, then no retries"""
    users = live_network.service("users").down(503)
    budget = impl.RetryBudget(max_tokens=4, token_ratio=0.1)
    r = rig(impl, live_network, budget=budget, max_attempts=3)
    scenario = Scenario("users answers 503 to everything; RetryBudget(max_tokens=4) shared "
                        "by the client; max_attempts=3; 10 gets")
    outcomes = [get(r.client, f"{users.url}/users/1") for _ in range(10)]
    scenario.expect(status_of(outcomes[-1]) == 503,
                    expected="once the budget says no, the get hands over its only 503 "
                             "response (no fallback)", observed=said(outcomes[-1]))
    scenario.expect(users.call_count == 11,
                    expected="11 calls: the first get retries once (tokens 4 → 3 → 2, and a "
                             "retry needs more than 2), every later get makes 1 call",
                    observed=f"{users.call_count} calls (30 means no budget; a new budget "
                             f"per get also retries every time)",
                    timeline=live_network.timeline())
    scenario.expect(abs(support.tokens(budget)) < 1e-6,
                    expected="the budget drained to 0 tokens by the 11 failed attempts",
                    observed=f"tokens {support.tokens(budget):g}")


@pytest.mark.timeout(5)
def test_flaky_service_retries_within_the_budget(impl, live_network):
    """Serves every call of a service that fails 1 call in 10, within the budget"""
    users = live_network.service("users").error_rate(0.1, seed=2)
    budget = impl.RetryBudget()
    r = rig(impl, live_network, budget=budget, max_attempts=3)
    scenario = Scenario("users fails about 1 call in 10 with a 503 (seeded); the default "
                        "RetryBudget(); max_attempts=3; 30 gets")
    answers = [status_of(get(r.client, f"{users.url}/users/{n}")) for n in range(30)]
    failures = users.outcomes().count("503")
    scenario.expect(answers == [200] * 30 and users.call_count == 30 + failures == 35,
                    expected="all 30 gets return 200: each of the 5 failures retried at once, "
                             "35 calls in all", observed=f"{answers.count(200)} of 30 got a "
                    f"200; {users.call_count} calls, {failures} of them 503",
                    timeline=live_network.timeline())
    scenario.expect(support.tokens(budget) > budget.max_tokens / 2,
                    expected="the budget still allows retries at the end",
                    observed=f"tokens {support.tokens(budget):g}")


@pytest.mark.timeout(5)
def test_retry_after_is_honoured_within_the_deadline(impl, live_network):
    """Waits what Retry-After asks on a 503 or 429, in seconds or as an HTTP-date, when it fits"""
    clock = JumpClock()
    users = live_network.service("users").script(
        error(503, retry_after=0.25), error(429, retry_after=FakeClock().http_date(2.0)),
        error(503, retry_after=0), error(500, retry_after=0.5), 200)
    r = rig(impl, live_network, clock=clock, deadline=3.0, max_attempts=5,
            backoff=lambda k: 0.01, wall_clock=WALL)
    scenario = Scenario("users answers 503 with 'Retry-After: 0.25', then 429 with a "
                        "Retry-After date 2 s after the wall clock, then 503 with "
                        "'Retry-After: 0', then 500 with 'Retry-After: 0.5', then 200; "
                        "deadline=3.0, max_attempts=5, backoff 0.01 s (a wait longer than the "
                        "default backoff's cap is honoured as long as it fits)")
    outcome = get(r.client, f"{users.url}/users/1")
    scenario.expect(status_of(outcome) == 200 and users.call_count == 5,
                    expected="5 calls, then the 200 response", observed=f"{said(outcome)} "
                    f"after {users.call_count} calls", timeline=live_network.timeline())
    waits = [wait for wait in clock.sleeps if wait != 0]  # a wait of 0 may be skipped
    scenario.expect(len(waits) == 3 and abs(waits[0] - 0.25) < 1e-9
                    and abs(waits[1] - 2.0) < 1e-6 and abs(waits[2] - 0.01) < 1e-9
                    and len(clock.sleeps) in (3, 4),
                    expected="waits [0.25, 2.0, 0, 0.01]: what the 503 and the 429 asked (0 "
                             "included: no backoff instead; sleeping 0 or skipping it are "
                             "alike), and the backoff after the 500, whose Retry-After is not "
                             "honoured (only a 429 or a 503 asks for a wait)",
                    observed=f"waits {clock.sleeps}")


@pytest.mark.timeout(5)
def test_never_sleeps_past_the_deadline(impl, live_network):
    """Refuses a wait that would leave too little time, and says so at once"""
    users = live_network.service("users").script(error(503, retry_after=5), 200)
    r = rig(impl, live_network, deadline=1.0, max_attempts=3)
    scenario = Scenario("users answers 503 with 'Retry-After: 5', then 200; deadline=1.0, "
                        "no fallback")
    run = timed(lambda: r.client.get(f"{users.url}/users/1"), limit=1.0 + TOLERANCE)
    scenario.expect(run.finished and run.outcome.raised(impl.DeadlineExceeded)
                    and users.call_count == 1 and not r.clock.sleeps,
                    expected="1 call and no wait: DeadlineExceeded raised at once (5 s do "
                             "not fit in the 1 s deadline)",
                    observed=f"{run.shown()}; {users.call_count} calls, waits {r.clock.sleeps}",
                    timeline=live_network.timeline())
    scenario.expect(run.elapsed < 0.25, expected="the answer within 0.25 s, not at the "
                    "deadline", observed=f"after {run.elapsed:.2f} s")

    clock = FakeClock(support.START)
    users.always(503)
    for backoff, fits in ((0.75, True), (0.8, False)):
        before, waits = users.call_count, len(clock.sleeps)
        r = rig(impl, live_network, clock=clock, registry=None, deadline=1.0,
                min_attempt_time=0.25, max_attempts=2, backoff=lambda k, b=backoff: b,
                fallback="record")
        scenario = Scenario(f"a fake clock that moves only when the client sleeps; users "
                            f"answers 503 to everything; deadline=1.0, min_attempt_time=0.25, "
                            f"backoff {backoff} s, max_attempts=2, with a fallback")
        outcome = get(r.client, f"{users.url}/users/1")
        calls, slept = users.call_count - before, clock.sleeps[waits:]
        if fits:
            scenario.expect(calls == 2 and slept == [0.75],
                            expected="the wait taken (0.25 s are left after it: exactly "
                                     "min_attempt_time, which is enough) and 2 calls",
                            observed=f"{calls} calls, waits {slept}; {said(outcome)}",
                            timeline=live_network.timeline())
        else:
            scenario.expect(calls == 1 and not slept and outcome.value == "fallback"
                            and isinstance(r.fallback_calls[0][0], impl.DeadlineExceeded),
                            expected="no wait (0.2 s would be left, less than "
                                     "min_attempt_time), 1 call, and the fallback's answer "
                                     "for a DeadlineExceeded",
                            observed=f"{calls} calls, waits {slept}; {said(outcome)}; fallback "
                                     f"called with {r.fallback_calls}",
                            timeline=live_network.timeline())

    clock = FakeClock(support.START)
    slow = live_network.service("users-slow").always(503)
    slow.before_reply(lambda call: clock.advance(0.5))
    r = rig(impl, live_network, clock=clock, deadline=1.0, min_attempt_time=0.25,
            max_attempts=2, backoff=lambda k: 0.3, fallback="record")
    scenario = Scenario("a fake clock that moves 0.5 s during each call; users answers 503; "
                        "deadline=1.0, min_attempt_time=0.25, backoff 0.3 s, max_attempts=2, "
                        "with a fallback")
    outcome = get(r.client, f"{slow.url}/users/1")
    scenario.expect(slow.call_count == 1 and not clock.sleeps and outcome.value == "fallback"
                    and bool(r.fallback_calls)
                    and isinstance(r.fallback_calls[0][0], impl.DeadlineExceeded),
                    expected="no wait: after the 0.5 s attempt a 0.3 s wait would leave 0.2 s, "
                             "less than min_attempt_time (the time left is read after the "
                             "attempt, not before it); 1 call, the fallback's answer for a "
                             "DeadlineExceeded",
                    observed=f"{slow.call_count} calls, waits {clock.sleeps}; {said(outcome)}; "
                             f"fallback called with {r.fallback_calls}",
                    timeline=live_network.timeline())


# -- the deadline ------------------------------------------------------------------------------

@pytest.mark.timeout(6)
def test_deadline_holds_whatever_the_service_does(impl, live_network):
    """Answers within the deadline whatever the service does: slow, silent, dribbling"""
    deadline = 0.4
    # Each read must wait only the time left: the stalling service's first byte comes 0.2 s
    # before its client's deadline (room for a loaded machine), the next one 0.4 s after it,
    # past the tolerance, so a read that waits longer than the time left is late.
    stall_deadline, stall_every = 0.8, 0.6
    faults = {
        "slow": ok(latency=3.0),
        "silent": black_hole(),
        "dribbling": dribble(every=0.05, size=60),
        "stalling": dribble(every=stall_every, size=10),
        "slow-headers": slow_headers(3.0),
        "failing": error(503),
    }
    deadlines = {name: stall_deadline if name == "stalling" else deadline
                 for name in [*faults, "unanswered"]}
    unanswered = live_network.unanswered_port()
    urls, rigs, services = {}, {}, {}
    for name, reply in faults.items():
        services[name] = live_network.service(name).always(reply)
        urls[name] = f"{services[name].url}/users/1"
    urls["unanswered"] = f"{unanswered}/users/1"
    for name in urls:
        if name == "failing":  # real waits: 0.15 s of backoff before every retry
            rigs[name] = rig(impl, live_network, clock=time.monotonic,
                             sleep=support.real_sleep, backoff=lambda k: 0.15,
                             deadline=deadline, attempt_timeout=1.0, max_attempts=10)
        else:
            rigs[name] = rig(impl, live_network, clock=time.monotonic,
                             deadline=deadlines[name], attempt_timeout=1.0,
                             max_attempts=10)
    names = list(urls)
    runs = together([lambda n=n: rigs[n].client.get(urls[n]) for n in names],
                    limit=stall_deadline + 2 * TOLERANCE)
    scenario = Scenario(f"deadline={deadline}, attempt_timeout=1.0, max_attempts=10, no "
                        f"fallback; at the same time, one get each to a service that "
                        f"answers after 3 s, one that never answers, one that sends its body "
                        f"a byte every 50 ms, one that sends a byte of its body every "
                        f"{stall_every} s (its client's deadline {stall_deadline}), "
                        f"one that sends its headers after 3 s, one that "
                        f"fails at once (with 0.15 s of real backoff), and a port that never "
                        f"completes the connection")
    late = [f"{name}: {run.shown()}" for name, run in zip(names, runs)
            if not (run.within(deadlines[name] + TOLERANCE)
                    and run.outcome.raised(impl.DeadlineExceeded))]
    scenario.expect(not late, expected=f"every get raises DeadlineExceeded within its "
                    f"deadline + {TOLERANCE} s", observed="; ".join(late),
                    timeline=live_network.timeline())


@pytest.mark.timeout(5)
def test_deadline_error_and_fallback(impl, live_network):
    """Raises DeadlineExceeded at the deadline, or serves the fallback in time"""
    users = live_network.service("users").always(black_hole())
    plain = rig(impl, live_network, clock=time.monotonic, deadline=0.3,
                attempt_timeout=0.1, max_attempts=20)
    single = rig(impl, live_network, clock=time.monotonic, deadline=0.2, attempt_timeout=5.0,
                 max_attempts=1)
    served = rig(impl, live_network, clock=time.monotonic, deadline=2.0,
                 attempt_timeout=0.1, max_attempts=20, fallback="record")
    # three clients at once, each on its own path of the same silent service
    run, run_single, run_served = together([
        lambda: plain.client.get(f"{users.url}/users/1"),
        lambda: single.client.get(f"{users.url}/users/3"),
        lambda: served.client.get(f"{users.url}/users/2", deadline=0.3)],
        limit=0.3 + 2 * TOLERANCE)

    scenario = Scenario("users never answers; deadline=0.3, attempt_timeout=0.1, "
                        "max_attempts=20, no fallback")
    error_ = run.outcome.error
    scenario.expect(run.within(0.3 + TOLERANCE) and isinstance(error_, impl.DeadlineExceeded)
                    and isinstance(error_, TimeoutError),
                    expected="DeadlineExceeded (a TimeoutError) within 0.3 s + "
                             f"{TOLERANCE} s", observed=run.shown(),
                    timeline=live_network.timeline())
    scenario.expect(isinstance(getattr(error_, "__cause__", None), requests.Timeout),
                    expected="its __cause__ is the last attempt's error, a requests.Timeout",
                    observed=f"__cause__ {getattr(error_, '__cause__', None)!r}")
    scenario.expect(getattr(error_, "deadline", None) == 0.3
                    and getattr(error_, "url", None) == f"{users.url}/users/1",
                    expected="its .deadline is 0.3 and its .url the URL asked for",
                    observed=f".deadline {getattr(error_, 'deadline', None)!r}, .url "
                             f"{getattr(error_, 'url', None)!r}")
    users.wait_idle()
    calls = sum(1 for call in users.calls if call.path == "/users/1")
    scenario.expect(2 <= calls <= 3,
                    expected="attempts of 0.1 s until the deadline: 3 calls (2 on a slow "
                             "machine)", observed=f"{calls} calls",
                    timeline=live_network.timeline())

    scenario = Scenario("users never answers; deadline=0.2, attempt_timeout=5.0, "
                        "max_attempts=1, no fallback")
    scenario.expect(run_single.within(0.2 + TOLERANCE)
                    and run_single.outcome.raised(impl.DeadlineExceeded),
                    expected="the only attempt, cut by the deadline, ends in DeadlineExceeded "
                             "(not in the attempt's own timeout)", observed=run_single.shown(),
                    timeline=live_network.timeline())

    scenario = Scenario("users never answers; the client's deadline is 2.0 but this get "
                        "passes deadline=0.3; attempt_timeout=0.1, with a fallback")
    reason = served.fallback_calls[0] if served.fallback_calls else ()
    scenario.expect(run_served.within(0.3 + TOLERANCE) and run_served.outcome.value == "fallback"
                    and len(reason) == 2 and isinstance(reason[0], impl.DeadlineExceeded)
                    and reason[1] == f"{users.url}/users/2",
                    expected=f"the fallback's answer within 0.3 s + {TOLERANCE} s, the "
                             f"fallback called as fallback(DeadlineExceeded, url)",
                    observed=f"{run_served.shown()}; fallback called with "
                             f"{served.fallback_calls}", timeline=live_network.timeline())


@pytest.mark.timeout(5)
def test_deadline_error_carries_the_last_error(impl, live_network):
    """Gives DeadlineExceeded the last attempt's error as __cause__, however time ran out"""
    reset_first = (reset(), truncated())  # a ConnectionError, then a ChunkedEncodingError
    cases = [
        ("the second attempt takes the rest of the time (the clock moves 1 s during it)",
         reset_first[::-1], {"jump": 1.0}, requests.ConnectionError),
        ("the second attempt takes 0.5 s, so the next backoff of 0.3 s does not fit",
         reset_first, {"jump": 0.5, "backoff": 0.3}, requests.exceptions.ChunkedEncodingError),
        ("each sleep takes 0.4 s longer than asked (a loaded machine), so no time is left for "
         "a third attempt", reset_first, {"backoff": 0.1, "oversleep": 0.4},
         requests.exceptions.ChunkedEncodingError),
    ]
    names = {requests.ConnectionError: "ConnectionError (a reset)",
             requests.exceptions.ChunkedEncodingError: "ChunkedEncodingError (a body cut short)"}
    for n, (what, replies, how, cause_type) in enumerate(cases):
        clock = FakeClock(support.START)
        users = live_network.service(f"users-{n}").script(*replies, 200)
        jump = how.get("jump")
        users.before_reply(lambda call, j=jump, c=clock: c.advance(j)
                           if j and call.number == 2 else None)
        oversleep = how.get("oversleep", 0.0)
        r = rig(impl, live_network, clock=clock, deadline=5.0, attempt_timeout=5.0,
                min_attempt_time=0.25, max_attempts=3, backoff=lambda k, b=how.get(
                    "backoff", 0.0): b, sleep=lambda s, o=oversleep, c=clock: c.advance(s + o))
        last = names[cause_type]
        first = next(name for kind, name in names.items() if kind is not cause_type)
        scenario = Scenario(f"a fake clock; get(url, deadline=1.0) on a client whose own "
                            f"deadline is 5.0; min_attempt_time=0.25, max_attempts=3; users "
                            f"fails with a {first}, then a {last}; {what}")
        url = f"{users.url}/users/1"
        outcome = get(r.client, url, deadline=1.0)
        error_ = outcome.error
        scenario.expect(isinstance(error_, impl.DeadlineExceeded) and users.call_count == 2,
                        expected="2 calls, then DeadlineExceeded",
                        observed=f"{users.call_count} calls; {said(outcome)}",
                        timeline=live_network.timeline())
        cause = getattr(error_, "__cause__", None)
        scenario.expect(isinstance(cause, cause_type),
                        expected=f"its __cause__ is the last attempt's error, the {last}",
                        observed=f"__cause__ {cause!r}")
        scenario.expect(getattr(error_, "deadline", None) == 1.0
                        and getattr(error_, "url", None) == url,
                        expected="its .deadline is this get's 1.0 (not the client's 5.0) and "
                                 "its .url the URL asked for",
                        observed=f".deadline {getattr(error_, 'deadline', None)!r}, .url "
                                 f"{getattr(error_, 'url', None)!r}")


@pytest.mark.timeout(5)
def test_attempt_timeout_shrinks_to_the_time_left(impl, live_network):
    """Gives an attempt only the time left when that is less than attempt_timeout"""
    clock = JumpClock()
    users = live_network.service("users").script(503, black_hole())
    first = threading.Event()

    def first_call_takes_long(call: Any) -> None:
        if not first.is_set():
            first.set()
            clock.jump(0.9)  # as if the first attempt had taken 0.9 s

    users.before_reply(first_call_takes_long)
    r = rig(impl, live_network, clock=clock, deadline=1.0, attempt_timeout=0.5,
            max_attempts=3)
    scenario = Scenario("deadline=1.0, attempt_timeout=0.5; the first attempt gets a 503 "
                        "after (as far as the client's clock says) 0.9 s, the second gets "
                        "no answer at all")
    run = timed(lambda: r.client.get(f"{users.url}/users/1"), limit=0.5 + TOLERANCE)
    scenario.expect(run.finished and run.outcome.raised(impl.DeadlineExceeded)
                    and run.elapsed < 0.1 + TOLERANCE,
                    expected=f"the second attempt gives up after the 0.1 s left, not after "
                             f"attempt_timeout (0.5 s): DeadlineExceeded within "
                             f"{0.1 + TOLERANCE:.2f} s of real time",
                    observed=run.shown(), timeline=live_network.timeline())


@pytest.mark.timeout(5)
def test_attempt_timeout_bounds_the_body_too(impl, live_network):
    """Cuts an attempt whose body outlasts attempt_timeout, and retries it"""
    users = live_network.service("users").script(dribble(every=0.05, size=60), 200)
    r = rig(impl, live_network, clock=time.monotonic, deadline=2.0,
            attempt_timeout=0.2, max_attempts=3)
    scenario = Scenario("users sends its first body a byte every 50 ms (3 s in all), then "
                        "answers 200; deadline=2.0, attempt_timeout=0.2")
    run = timed(lambda: r.client.get(f"{users.url}/users/1"), limit=0.2 + 2 * TOLERANCE)
    scenario.expect(status_of(run.outcome) == 200 and run.within(0.2 + TOLERANCE)
                    and users.call_count == 2,
                    expected=f"the first attempt cut after 0.2 s (the attempt's time covers "
                             f"the body) and retried: the 200 within {0.2 + TOLERANCE:.2f} s, "
                             f"2 calls", observed=f"{run.shown()}; {users.call_count} calls",
                    timeline=live_network.timeline())


@pytest.mark.timeout(5)
def test_no_attempt_starts_with_too_little_time_left(impl, live_network):
    """Starts an attempt only while at least min_attempt_time is left"""
    for step, expected in ((0.25, 4), (0.3, 3)):
        clock = FakeClock(support.START)
        users = live_network.service(f"users-{step}").down(503)
        users.before_reply(lambda call, s=step, c=clock: c.advance(s))
        r = rig(impl, live_network, clock=clock, deadline=1.0, min_attempt_time=0.25,
                max_attempts=10)
        scenario = Scenario(f"a fake clock that moves {step} s during each call; users "
                            f"answers 503 to everything; deadline=1.0, min_attempt_time=0.25, "
                            f"max_attempts=10, no backoff")
        outcome = get(r.client, f"{users.url}/users/1")
        starts = ", ".join(f"t={i * step:g}" for i in range(expected))
        scenario.expect(users.call_count == expected and outcome.raised(impl.DeadlineExceeded),
                        expected=f"{expected} attempts (at {starts}: the last with "
                                 f"{1.0 - (expected - 1) * step:.2f} s left, at least "
                                 f"min_attempt_time), then DeadlineExceeded",
                        observed=f"{users.call_count} calls; {said(outcome)}",
                        timeline=live_network.timeline())


@pytest.mark.timeout(5)
def test_time_is_up_at_the_very_end(impl, live_network):
    """Treats the very end of the deadline, or of an attempt, as time up"""
    clock = FakeClock(support.START)
    users = live_network.service("users").script(503)
    users.before_reply(lambda call: clock.advance(1.0) if call.number == 1 else None)
    r = rig(impl, live_network, clock=clock, deadline=1.0, attempt_timeout=5.0,
            max_attempts=1)
    scenario = Scenario("a fake clock that moves 1.0 s during the only attempt, which gets a "
                        "503; deadline=1.0, max_attempts=1, no fallback")
    outcome = get(r.client, f"{users.url}/users/1")
    scenario.expect(outcome.raised(impl.DeadlineExceeded),
                    expected="DeadlineExceeded: the attempt ended at the deadline exactly, and "
                             "'at or past the deadline' means time is up",
                    observed=said(outcome), timeline=live_network.timeline())

    clock = FakeClock(support.START)
    users = live_network.service("users-2").script(ok(json={"id": 1}), ok(json={"id": 1}))
    users.before_reply(lambda call: clock.advance(0.25) if call.number == 1 else None)
    r = rig(impl, live_network, clock=clock, deadline=2.0, attempt_timeout=0.25,
            max_attempts=2)
    scenario = Scenario("a fake clock that moves 0.25 s while the first attempt waits for "
                        "its headers (a 200 whose small body comes with them); "
                        "attempt_timeout=0.25, max_attempts=2")
    outcome = get(r.client, f"{users.url}/users/1")
    scenario.expect(status_of(outcome) == 200 and users.call_count == 2,
                    expected="the first attempt's time is up when its headers arrive, so its "
                             "body is not read: a timeout, retried; the second attempt returns "
                             "the 200 (2 calls)",
                    observed=f"{said(outcome)} after {users.call_count} calls",
                    timeline=live_network.timeline())

    clock = FakeClock(support.START)
    users = live_network.service("users-3").script(Reply(200, body=""), ok(json={"id": 3}))
    users.before_reply(lambda call: clock.advance(0.25) if call.number == 1 else None)
    r = rig(impl, live_network, clock=clock, deadline=2.0, attempt_timeout=0.25,
            max_attempts=2)
    scenario = Scenario("the same, but the first answer is a 200 with an empty body "
                        "(Content-Length: 0), complete as soon as its headers are in")
    outcome = get(r.client, f"{users.url}/users/1")
    body = outcome.value.json() if status_of(outcome) == 200 and outcome.value.content else None
    scenario.expect(body == {"id": 3} and users.call_count == 2,
                    expected="still a timeout: once the attempt's time is up nothing more is "
                             "read, not even the empty read that says the body is complete; "
                             "the second attempt returns the 200 with {'id': 3} (2 calls)",
                    observed=f"{said(outcome)} with body {body!r} after {users.call_count} "
                             f"calls", timeline=live_network.timeline())


@pytest.mark.timeout(8)
def test_reads_the_time_only_through_its_clock(impl, live_network):
    """Reads the time only through its clock, also while a body arrives"""
    clock = FakeClock(support.START)
    users = live_network.service("users").script(dribble(every=0.05, size=40),
                                                 ok(json={"id": 2}))
    # 0.1 s after the first answer's headers are out, while its body (2 s of it) is still
    # coming, the client's clock moves on by the whole attempt: from then on, time is up. In
    # real time the body fits the attempt, so only a client that reads another clock reads it.
    jump = threading.Timer(0.1, clock.advance, args=(4.0,))
    users.before_reply(lambda call: jump.start() if call.number == 1 else None)
    r = rig(impl, live_network, clock=clock, deadline=10.0, attempt_timeout=4.0,
            max_attempts=2)
    scenario = Scenario("a fake clock that stands still, then moves 4.0 s on 0.1 s after the "
                        "first answer's headers, while its body comes a byte every 50 ms "
                        "(2 s in all); the second answer is a 200 with {'id': 2}; "
                        "deadline=10.0, attempt_timeout=4.0, max_attempts=2")
    try:
        outcome = get(r.client, f"{users.url}/users/1")
    finally:
        jump.cancel()
        if jump.is_alive():
            jump.join()
    body = outcome.value.json() if status_of(outcome) == 200 and outcome.value.content else None
    scenario.expect(body == {"id": 2} and users.call_count == 2,
                    expected="the first attempt's time is up on its clock while the body "
                             "comes, so it stops reading (a timeout) and retries: the second "
                             "attempt returns the 200 with {'id': 2} (2 calls); a body read "
                             "against the real clock (time.monotonic) would still be read",
                    observed=f"{said(outcome)} with body {body!r} after {users.call_count} "
                             f"calls", timeline=live_network.timeline())


@pytest.mark.timeout(5)
def test_a_cut_attempt_hangs_up(impl, live_network):
    """Closes the connection of an attempt it cuts short, so the server stops sending"""
    clock = JumpClock()
    users = live_network.service("users").always(dribble(every=0.05, size=60))
    users.before_reply(lambda call: clock.jump(0.5))  # the headers come 0.5 s late
    r = rig(impl, live_network, clock=clock, deadline=2.0, attempt_timeout=0.3,
            max_attempts=1)
    scenario = Scenario("attempt_timeout=0.3, max_attempts=1, no fallback; users sends its "
                        "headers 0.5 s late (as the client's clock says), then its body a "
                        "byte every 50 ms")
    outcome = get(r.client, f"{users.url}/users/1")
    left = users.wait_until(lambda: users.calls[0].client_left is not None, timeout=0.5)
    scenario.expect(outcome.raised(requests.Timeout) and left,
                    expected="the attempt is a timeout (its time was up before the body), "
                             "and its connection is closed at once: users sees the client go "
                             "away instead of sending the rest of the body to nobody",
                    observed=f"{said(outcome)}; users saw the client go away: {left}",
                    timeline=live_network.timeline())


@pytest.mark.timeout(5)
def test_spent_deadline_makes_no_call(impl, live_network):
    """Makes no call when the deadline is already spent, and falls back or says so"""
    users = live_network.service("users")
    for deadline in (0, -1.0, 0.005):
        r = rig(impl, live_network, clock=FakeClock(support.START), min_attempt_time=0.01)
        scenario = Scenario(f"client.get(url, deadline={deadline}); min_attempt_time=0.01, "
                            f"no fallback; a fake clock that stands still")
        outcome = get(r.client, f"{users.url}/users/1", deadline=deadline)
        scenario.expect(outcome.raised(impl.DeadlineExceeded) and users.call_count == 0,
                        expected="DeadlineExceeded at once, and no call",
                        observed=f"{said(outcome)}; {users.call_count} calls",
                        timeline=live_network.timeline())
    r = rig(impl, live_network, fallback="record")
    scenario = Scenario("client.get(url, deadline=0), with a fallback")
    outcome = get(r.client, f"{users.url}/users/1", deadline=0)
    scenario.expect(outcome.value == "fallback" and users.call_count == 0,
                    expected="the fallback's answer, and no call",
                    observed=f"{said(outcome)}; {users.call_count} calls")


# -- the breaker -------------------------------------------------------------------------------

@pytest.mark.timeout(5)
def test_breaker_sees_every_attempt(impl, live_network):
    """Sends every attempt through the breaker: 3 failed attempts open it, not 3 gets"""
    users = live_network.service("users").down(503)
    budget = impl.RetryBudget(max_tokens=1000)
    r = rig(impl, live_network, budget=budget, breaker={"failure_threshold": 3},
            max_attempts=3)
    scenario = Scenario("users answers 503 to everything; failure_threshold=3, "
                        "max_attempts=3, no fallback; 5 gets")
    first = get(r.client, f"{users.url}/users/1")
    scenario.expect(users.call_count == 3 and state_of(r.breaker(users)) == "OPEN",
                    expected="the first get makes 3 attempts and its third failure opens "
                             "the breaker", observed=f"{users.call_count} calls, breaker "
                    f"{state_of(r.breaker(users))}; {said(first)}",
                    timeline=live_network.timeline())
    waits, left = len(r.clock.sleeps), support.tokens(budget)
    later = [get(r.client, f"{users.url}/users/1") for _ in range(4)]
    scenario.expect(users.call_count == 3 and all(o.raised(impl.CircuitOpenError) for o in later),
                    expected="the next 4 gets rejected with CircuitOpenError, no call",
                    observed=f"{users.call_count - 3} more calls; {[said(o) for o in later]}",
                    timeline=live_network.timeline())
    scenario.expect(len(r.clock.sleeps) == waits and support.tokens(budget) == left,
                    expected="a rejection ends the get at once: no wait, no retry, and "
                             "nothing reported to the budget",
                    observed=f"waits {r.clock.sleeps[waits:]}, tokens {left:g} → "
                             f"{support.tokens(budget):g}")


@pytest.mark.timeout(5)
def test_dead_service_gets_only_trials(impl, live_network):
    """Serves the fallback fast while open, and lets only trial calls reach the service"""
    clock = JumpClock()
    users = live_network.service("users").down(503)
    r = rig(impl, live_network, clock=clock, fallback="record", deadline=1.0,
            breaker={"failure_threshold": 3, "recovery_timeout": 0.5}, max_attempts=3)
    scenario = Scenario("users answers 503 to everything; failure_threshold=3, "
                        "recovery_timeout=0.5, deadline=1.0, max_attempts=3, a fallback")
    first = get(r.client, f"{users.url}/users/1")
    scenario.expect(first.value == "fallback" and users.call_count == 3,
                    expected="the first get: 3 calls, then the fallback's answer",
                    observed=f"{said(first)} after {users.call_count} calls",
                    timeline=live_network.timeline())
    waits = len(clock.sleeps)
    runs = [timed(lambda: r.client.get(f"{users.url}/users/1"), limit=1.0) for _ in range(6)]
    slow = [run.shown() for run in runs if not run.within(0.25)]
    scenario.expect(all(run.outcome.value == "fallback" for run in runs) and not slow
                    and users.call_count == 3 and len(clock.sleeps) == waits,
                    expected="6 more gets while OPEN: each the fallback's answer within "
                             "0.25 s (a quarter of the deadline), no call, no wait (a "
                             "rejection is not retried, not even after retry_after)",
                    observed=f"{users.call_count - 3} calls, waits {clock.sleeps[waits:]}; "
                             f"{[run.shown() for run in runs]}", timeline=live_network.timeline())
    reasons = [type(args[0]).__name__ for args in r.fallback_calls]
    scenario.expect(len(r.fallback_calls) == 7 and all(
        isinstance(args[0], impl.CircuitOpenError) for args in r.fallback_calls[1:]),
        expected="the fallback called once per get: for the 6 rejected ones with the "
                 "CircuitOpenError", observed=f"fallback called with {reasons}")
    clock.jump(0.5)
    trial = get(r.client, f"{users.url}/users/1")
    scenario.expect(users.call_count == 4 and trial.value == "fallback",
                    expected="0.5 s later: one trial call (it fails, the breaker re-opens, "
                             "and the retry is rejected), then the fallback",
                    observed=f"{users.call_count - 3} calls; {said(trial)}",
                    timeline=live_network.timeline())
    users.healthy()
    clock.jump(0.5)
    answers = [status_of(get(r.client, f"{users.url}/users/1")) for _ in range(3)]
    scenario.expect(answers == [200, 200, 200] and users.call_count == 7
                    and state_of(r.breaker(users)) == "CLOSED",
                    expected="users healthy again, 0.5 s later: the trials succeed "
                             "(success_threshold=2) and the breaker closes; 3 gets, 3 200s",
                    observed=f"{answers}; breaker {state_of(r.breaker(users))}",
                    timeline=live_network.timeline())


@pytest.mark.timeout(5)
def test_broken_bodies_and_timeouts_count_for_the_breaker(impl, live_network):
    """Counts a body cut short and an attempt out of time as failures for the breaker"""
    for name, reply, timeout in (("reset", reset_mid_body(), 0.5),
                                 ("slow", dribble(every=0.05, size=60), 0.1)):
        users = live_network.service(f"users-{name}").always(reply)
        r = rig(impl, live_network, clock=time.monotonic, deadline=0.5,
                attempt_timeout=timeout, breaker={"failure_threshold": 2}, max_attempts=2)
        what = ("resets the connection after 3 body bytes" if name == "reset" else
                "sends its body a byte every 50 ms (attempt_timeout=0.1)")
        scenario = Scenario(f"users {what}; failure_threshold=2, max_attempts=2, "
                            f"deadline=0.5; 2 gets")
        first = get(r.client, f"{users.url}/users/1")
        users.wait_idle()
        scenario.expect(users.call_count == 2 and state_of(r.breaker(users)) == "OPEN",
                        expected="the first get makes 2 attempts, both fail, and the breaker "
                                 "counts both: OPEN",
                        observed=f"{users.call_count} calls, breaker "
                                 f"{state_of(r.breaker(users))}; {said(first)}",
                        timeline=live_network.timeline())
        second = get(r.client, f"{users.url}/users/1")
        scenario.expect(users.call_count == 2 and second.raised(impl.CircuitOpenError),
                        expected="the second get rejected with CircuitOpenError, no call",
                        observed=f"{users.call_count - 2} more calls; {said(second)}",
                        timeline=live_network.timeline())


@pytest.mark.timeout(5)
def test_each_host_has_its_own_breaker(impl, live_network):
    """Keeps one breaker per host: a dead payments service never trips users"""
    payments = live_network.service("payments").down(503)
    users = live_network.service("users")
    r = rig(impl, live_network, breaker={"failure_threshold": 3}, max_attempts=1)
    scenario = Scenario("payments answers 503 to everything, users is healthy; "
                        "failure_threshold=3, max_attempts=1; 6 gets to each, alternating")
    answers = []
    for n in range(6):
        get(r.client, f"{payments.url}/charges/{n}")
        answers.append(status_of(get(r.client, f"{users.url}/users/{n}")))
    scenario.expect(payments.call_count == 3
                    and state_of(r.breaker(payments)) == "OPEN",
                    expected="3 calls reach payments, then its breaker is OPEN",
                    observed=f"{payments.call_count} calls, its breaker "
                             f"{state_of(r.breaker(payments))}",
                    timeline=live_network.timeline())
    scenario.expect(answers == [200] * 6 and users.call_count == 6
                    and state_of(r.breaker(users)) == "CLOSED",
                    expected="all 6 gets to users return 200 and its breaker stays CLOSED",
                    observed=f"users answers {answers}, {users.call_count} calls, its breaker "
                             f"{state_of(r.breaker(users))}",
                    timeline=live_network.timeline())


# -- the fallback ------------------------------------------------------------------------------

@pytest.mark.timeout(5)
def test_fallback_on_every_kind_of_unavailability(impl, live_network):
    """Falls back on exhausted retries, a refused connection and a rejection"""
    users = live_network.service("users").down(503)
    r = rig(impl, live_network, fallback="record", breaker={"failure_threshold": 4},
            max_attempts=2)
    url = f"{users.url}/users/1"
    scenario = Scenario("users answers 503 to everything; failure_threshold=4, "
                        "max_attempts=2, a fallback that records its arguments")
    outcome = get(r.client, url)
    reason, where = (r.fallback_calls[0] + (None, None))[:2] if r.fallback_calls else (None, None)
    scenario.expect(outcome.value == "fallback" and isinstance(reason, requests.HTTPError)
                    and getattr(reason.response, "status_code", None) == 503 and where == url,
                    expected="after 2 calls, the fallback's answer; the fallback called as "
                             "fallback(HTTPError of the last 503, url)",
                    observed=f"{said(outcome)}; fallback called with {r.fallback_calls}",
                    timeline=live_network.timeline())
    get(r.client, url)  # the 4th failure opens the breaker
    outcome = get(r.client, url)
    reason = r.fallback_calls[-1][0] if r.fallback_calls else None
    scenario.expect(outcome.value == "fallback" and len(r.fallback_calls) == 3
                    and isinstance(reason, impl.CircuitOpenError),
                    expected="a second get opens the breaker; the third is rejected and gets "
                             "the fallback's answer, fallback(CircuitOpenError, url)",
                    observed=f"{said(outcome)}; fallback called with {r.fallback_calls}",
                    timeline=live_network.timeline())
    refused = live_network.closed_port()
    r = rig(impl, live_network, fallback="record", max_attempts=2)
    outcome = get(r.client, f"{refused}/users/1")
    reason = r.fallback_calls[0][0] if r.fallback_calls else None
    scenario = Scenario("nothing listens on the port; max_attempts=2, a fallback")
    scenario.expect(outcome.value == "fallback" and isinstance(reason, requests.ConnectionError),
                    expected="the fallback's answer, fallback(the ConnectionError, url)",
                    observed=f"{said(outcome)}; fallback called with {r.fallback_calls}")

    clock = JumpClock()
    kinds = [("answers 429 to everything", error(429), requests.HTTPError, "HTTPError of the "
              "last 429"),
             ("cuts every body short (a reset after 3 bytes)", reset_mid_body(),
              requests.exceptions.ChunkedEncodingError, "ChunkedEncodingError"),
             ("sends its headers 0.3 s late every time, as the client's clock says",
              ok(), requests.Timeout, "Timeout of the last attempt")]
    for n, (what, reply, kind, name) in enumerate(kinds):
        service = live_network.service(f"users-{n}").always(reply)
        if kind is requests.Timeout:
            service.before_reply(lambda call: clock.jump(0.3))
        r = rig(impl, live_network, clock=clock, fallback="record", deadline=5.0,
                attempt_timeout=0.3, max_attempts=2)
        scenario = Scenario(f"users {what}; max_attempts=2, attempt_timeout=0.3, "
                            f"deadline=5.0, a fallback")
        outcome = get(r.client, f"{service.url}/users/1")
        reason = r.fallback_calls[0][0] if r.fallback_calls else None
        status = getattr(getattr(reason, "response", None), "status_code", None)
        scenario.expect(outcome.value == "fallback" and service.call_count == 2
                        and isinstance(reason, kind)
                        and (kind is not requests.HTTPError or status == 429),
                        expected=f"2 calls, then the fallback's answer, fallback({name}, url): "
                                 f"every transient failure that ends the retries is served "
                                 f"by the fallback", observed=f"{service.call_count} calls; "
                        f"{said(outcome)}; fallback called with {r.fallback_calls}",
                        timeline=live_network.timeline())


@pytest.mark.timeout(5)
def test_failing_fallback_raises_both_causes(impl, live_network):
    """Raises FallbackFailed, with both errors, when the fallback fails too"""
    users = live_network.service("users").down(503)
    problem = LookupError("no cached user")

    def broken_fallback(error_: Any, url: str) -> Any:
        raise problem

    r = rig(impl, live_network, fallback=broken_fallback, max_attempts=1)
    scenario = Scenario("users answers 503; max_attempts=1; the fallback raises "
                        "LookupError('no cached user')")
    outcome = get(r.client, f"{users.url}/users/1")
    failed = outcome.error
    scenario.expect(isinstance(failed, impl.FallbackFailed)
                    and getattr(failed, "fallback_error", None) is problem
                    and failed.__cause__ is problem
                    and isinstance(getattr(failed, "original", None), requests.HTTPError),
                    expected="FallbackFailed raised from the LookupError, with .original the "
                             "503's HTTPError and .fallback_error the LookupError",
                    observed=f"{said(outcome)}; .original "
                             f"{getattr(failed, 'original', None)!r}, .fallback_error "
                             f"{getattr(failed, 'fallback_error', None)!r}")


@pytest.mark.timeout(5)
def test_no_fallback_for_answers(impl, live_network):
    """Never falls back on a success or a 404, and leaves a given fallback uncalled"""
    users = live_network.service("users").script(200, 404)
    r = rig(impl, live_network, fallback="record")
    scenario = Scenario("users answers 200, then 404; with a fallback")
    outcomes = [get(r.client, f"{users.url}/users/{n}") for n in (1, 2)]
    scenario.expect([status_of(o) for o in outcomes] == [200, 404] and not r.fallback_calls,
                    expected="the 200 and the 404 responses, the fallback never called",
                    observed=f"{[said(o) for o in outcomes]}; fallback called with "
                             f"{r.fallback_calls}", timeline=live_network.timeline())


# -- one layer of retries ----------------------------------------------------------------------

@pytest.mark.timeout(5)
def test_session_makes_no_retries_of_its_own(impl, live_network):
    """Makes its own session retry nothing: max_attempts calls, not 4 × max_attempts"""
    for reply, what in ((503, "answers 503"), (reset(), "resets the connection")):
        users = live_network.service(f"users-{what.split()[0]}").always(reply)
        registry = impl.BreakerRegistry(defaults={"failure_threshold": 100})
        clock = JumpClock()
        client = impl.ResilientClient(registry=registry, budget=impl.RetryBudget(1000),
                                      max_attempts=3, backoff=lambda k: 0.0, clock=clock,
                                      sleep=clock.sleep)
        scenario = Scenario(f"users {what} to everything; a client without a session of "
                            f"its own (session=None); max_attempts=3")
        outcome = get(client, f"{users.url}/users/1")
        users.wait_idle()
        scenario.expect(users.call_count == 3,
                        expected="3 calls: the client's own session must not retry (a "
                                 "urllib3 Retry(3) under 3 attempts makes 12)",
                        observed=f"{users.call_count} calls; {said(outcome)}",
                        timeline=live_network.timeline())

    unanswered = live_network.unanswered_port()
    client = impl.ResilientClient(registry=impl.BreakerRegistry(
        defaults={"failure_threshold": 100}), budget=impl.RetryBudget(1000),
        max_attempts=2, attempt_timeout=0.1, deadline=2.0, backoff=lambda k: 0.0,
        sleep=support.real_sleep)
    run = timed(lambda: client.get(f"{unanswered}/users/1"), limit=1.5)
    scenario = Scenario("a port that never completes the connection; a client without a "
                        "session of its own; max_attempts=2, attempt_timeout=0.1")
    scenario.expect(run.within(0.2 + TOLERANCE) and run.outcome.raised(requests.ConnectTimeout),
                    expected=f"2 connect timeouts of 0.1 s, then the ConnectTimeout, within "
                             f"{0.2 + TOLERANCE:.2f} s: the session retries no connection "
                             f"either (urllib3's Retry(connect=3) would make it 0.8 s)",
                    observed=run.shown())


@pytest.mark.timeout(5)
def test_own_session_is_made_once(impl, live_network):
    """Makes its own session once and reuses its connections: not a new session per get"""
    users = live_network.service("users")
    clock = JumpClock()
    client = impl.ResilientClient(registry=impl.BreakerRegistry(clock=clock),
                                  budget=impl.RetryBudget(), clock=clock, sleep=clock.sleep)
    scenario = Scenario("a healthy users service; a client without a session of its own "
                        "(session=None); 5 gets, one after the other")
    answers = [status_of(get(client, f"{users.url}/users/{n}")) for n in range(5)]
    users.wait_idle()
    scenario.expect(answers == [200] * 5 and users.connections_accepted <= 2,
                    expected="5 200s over 1 connection: the session is made with the client "
                             "and keeps its connection alive for the next get",
                    observed=f"{answers}; users accepted {users.connections_accepted} "
                             f"connections (a new session per get opens one each)",
                    timeline=live_network.timeline())


@pytest.mark.timeout(5)
def test_uses_the_session_it_is_given(impl, live_network):
    """Sends every attempt through the session it is given"""
    users = live_network.service("users").script(503, 503, 200)
    session = live_network.session()
    seen: list[int] = []
    session.hooks["response"].append(lambda response, **kwargs: seen.append(response.status_code))
    r = rig(impl, live_network, session=session, max_attempts=3)
    scenario = Scenario("users answers 503, 503, then 200; the client is given a session "
                        "that notes every response it carries")
    outcome = get(r.client, f"{users.url}/users/1")
    scenario.expect(status_of(outcome) == 200 and seen == [503, 503, 200],
                    expected="the 3 attempts all went through the given session",
                    observed=f"{said(outcome)}; the session carried {seen}",
                    timeline=live_network.timeline())


# -- construction and sharing ------------------------------------------------------------------

@pytest.mark.timeout(5)
def test_rejects_bad_settings(impl, live_network):
    """Rejects a zero or negative deadline or timeout, and a max_attempts that is no int >= 1"""
    registry = impl.BreakerRegistry()
    budget = impl.RetryBudget()
    bad = [{"deadline": 0}, {"deadline": -1.0}, {"attempt_timeout": 0},
           {"attempt_timeout": -0.5}, {"min_attempt_time": 0}, {"min_attempt_time": -0.01},
           {"max_attempts": 0}, {"max_attempts": -2}, {"max_attempts": 1.5},
           {"max_attempts": True}]
    accepted = []
    for settings in bad:
        try:
            impl.ResilientClient(registry=registry, budget=budget, **settings)
        except ValueError:
            continue
        except NotImplementedError:
            raise
        except Exception as problem:
            accepted.append(f"{settings}: {type(problem).__name__}")
            continue
        accepted.append(f"{settings}: accepted")
    scenario = Scenario("ResilientClient(registry=..., budget=..., <one bad setting>)")
    scenario.expect(not accepted, expected="ValueError for each of " + ", ".join(map(str, bad)),
                    observed="; ".join(accepted))
    users = live_network.service("users")
    scenario = Scenario("ResilientClient(max_attempts=1, deadline=0.5, attempt_timeout=0.5, "
                        "min_attempt_time=0.001): the smallest values that make sense")
    r = rig(impl, live_network, max_attempts=1, deadline=0.5, attempt_timeout=0.5,
            min_attempt_time=0.001)
    outcome = get(r.client, f"{users.url}/users/1")
    scenario.expect(status_of(outcome) == 200, expected="accepted, and a get returns 200",
                    observed=said(outcome))


@pytest.mark.timeout(8)
def test_one_client_serves_many_threads(impl, live_network):
    """Keeps each call's deadline its own when threads share one client"""
    users = live_network.service("users").always(black_hole())
    for _ in range(3):
        # A run proves something only if the calls began together and the short one came
        # back for a second attempt (on a very loaded machine it may not): else run again.
        before = users.call_count
        session = live_network.session()
        session.mount("http://", support.RendezvousAdapter(2))
        r = rig(impl, live_network, clock=time.monotonic, attempt_timeout=0.05,
                max_attempts=40, session=session)
        long_url, short_url = f"{users.url}/long", f"{users.url}/short"
        runs = together([lambda: r.client.get(long_url, deadline=0.5),
                         lambda: r.client.get(short_url, deadline=0.2)], limit=1.2)
        users.wait_idle()
        short_calls = sum(1 for call in users.calls[before:] if call.path == "/short")
        if abs(runs[0].started - runs[1].started) < 0.05 and short_calls >= 2:
            break
    scenario = Scenario("users never answers; one client, attempt_timeout=0.05; two threads "
                        "call at the same moment, get(/long, deadline=0.5) and "
                        "get(/short, deadline=0.2), and both first attempts go out together")
    scenario.expect(runs[1].within(0.2 + TOLERANCE)
                    and runs[1].outcome.raised(impl.DeadlineExceeded),
                    expected=f"the short get raises DeadlineExceeded within 0.2 s + "
                             f"{TOLERANCE} s", observed=runs[1].shown(),
                    timeline=live_network.timeline())
    scenario.expect(runs[0].within(0.5 + TOLERANCE) and runs[0].elapsed >= 0.45
                    and runs[0].outcome.raised(impl.DeadlineExceeded),
                    expected="the long get keeps trying until its own deadline: "
                             "DeadlineExceeded after 0.5 s, not before",
                    observed=runs[0].shown(), timeline=live_network.timeline())


@pytest.mark.timeout(8)
def test_threads_keep_their_own_attempts_and_errors(impl, live_network):
    """Keeps each call's attempts and last error its own when threads share one client"""
    users = live_network.service("users").down(503)
    session = live_network.session()
    session.mount("http://", support.LockstepAdapter(2))
    r = rig(impl, live_network, max_attempts=3, session=session)
    runs = together([lambda: r.client.get(f"{users.url}/a"),
                     lambda: r.client.get(f"{users.url}/b")], limit=3.0)
    users.wait_idle()
    per_path = {path: sum(1 for call in users.calls if call.path == path)
                for path in ("/a", "/b")}
    scenario = Scenario("users answers 503 to everything; one client, max_attempts=3; two "
                        "threads call get(/a) and get(/b) at the same moment, and their "
                        "attempts go out side by side, one of each at a time")
    scenario.expect(per_path == {"/a": 3, "/b": 3}
                    and all(status_of(run.outcome) == 503 for run in runs),
                    expected="each get makes its own 3 attempts and returns its last 503: "
                             "3 calls to /a and 3 to /b (an attempt count kept on the client "
                             "is shared by both calls)",
                    observed=f"calls {per_path}; {[run.shown() for run in runs]}",
                    timeline=live_network.timeline())

    clock = FakeClock(support.START)
    resets = live_network.service("resets").always(reset())
    cuts = live_network.service("cuts").always(truncated())
    both_slept = threading.Barrier(2, action=lambda: clock.advance(1.0), timeout=2.0)

    def sleep_side_by_side(seconds: float) -> None:
        try:
            both_slept.wait()  # the second sleeper moves the clock past both deadlines
        except threading.BrokenBarrierError:
            pass  # the other call never slept: go on, the check judges the outcome

    r = rig(impl, live_network, clock=clock, sleep=sleep_side_by_side, deadline=1.0,
            min_attempt_time=0.25, max_attempts=3, backoff=lambda k: 0.1)
    runs = together([lambda: r.client.get(f"{resets.url}/users/1"),
                     lambda: r.client.get(f"{cuts.url}/users/1")], limit=3.0)
    causes = [getattr(run.outcome.error, "__cause__", None) for run in runs]
    scenario = Scenario("one client, deadline=1.0, min_attempt_time=0.25, backoff 0.1 s; two "
                        "threads at once: one gets from a service that resets every "
                        "connection, the other from one that cuts every body short; both "
                        "sleep before their retry, and the clock moves past both deadlines "
                        "while they sleep")
    scenario.expect(all(run.outcome.raised(impl.DeadlineExceeded) for run in runs)
                    and isinstance(causes[0], requests.ConnectionError)
                    and isinstance(causes[1], requests.exceptions.ChunkedEncodingError),
                    expected="both raise DeadlineExceeded, each from its own last error: "
                             "the ConnectionError for the first, the ChunkedEncodingError "
                             "for the second (an error kept on the client is the other "
                             "call's too)",
                    observed=f"{[run.shown() for run in runs]}; __cause__ {causes!r}",
                    timeline=live_network.timeline())

