"""Lesson 3 checks: a retry budget (gRPC retry throttling) and the load it saves.

Volume checks drive the fake service through its direct transport (``users.get(path)``):
thousands of calls in milliseconds. The concurrency check forces two threads to take turns
inside the learner's module (``harness.lockstep``), so an unlocked budget is caught on every
run.
"""

from __future__ import annotations

from typing import Any, Callable

import requests

from fake_services import FakeClock, FakeService, error, read_timeout, refused
from harness import Outcome, Scenario, loader
from harness.lockstep import Lockstep

USER = "/users/42"
TOLERANCE = 1e-9


class TooManyCalls(BaseException):
    """Stops an implementation that would call the service forever."""


# -- helpers -----------------------------------------------------------------------------------

def fetcher(service: FakeService, *, limit: int = 10_000) -> Callable[[], Any]:
    """GET a user through the fake's direct transport; raise on an HTTP error status."""

    def fetch_user() -> Any:
        if service.call_count >= limit:
            raise TooManyCalls(f"more than {limit} calls")
        return service.fetch_json(USER, timeout=2)

    return fetch_user


def volume_fetcher(service: FakeService) -> Callable[[], Any]:
    """``fetcher`` for the volume checks (thousands of calls): the same answers, cheaper.

    Each call is served and recorded by the fake service (``respond``), but the
    ``requests.Response`` of each distinct reply is built once and reused: building one is
    most of the cost of a fake call, and these checks only count calls and outcomes.
    """
    built: dict[int, tuple[Any, requests.Response]] = {}

    def fetch_user() -> Any:
        reply = service.respond("GET", USER, timeout=2)
        if id(reply) not in built:  # the reply is kept alive with its response: ids stay unique
            built[id(reply)] = (reply, service.build_response(reply, "GET", USER))
        response = built[id(reply)][1]
        response.raise_for_status()
        return response.json()

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


def run_retry(impl: Any, scenario: Scenario, clock: FakeClock, func: Callable[[], Any],
              **settings: Any) -> Outcome:
    settings = {"sleep": clock.sleep, "random": lambda: 0.5, "wall_clock": clock.wall,
                **settings}
    return scenario.run(lambda: impl.retry(func, **settings))


def close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE


def drained(impl: Any, failures: int, **settings: Any) -> Any:
    """A new budget that has recorded ``failures`` failures."""
    budget = impl.RetryBudget(**settings)
    for _ in range(failures):
        budget.record_failure()
    return budget


def tokens_of(budget: Any) -> float:
    return float(budget.tokens)


# -- the bucket --------------------------------------------------------------------------------

def test_budget_starts_full(impl):
    """A new budget holds max_tokens tokens, allows retries and shows its settings"""
    for settings, full, ratio in (({}, 10.0, 0.1),
                                  ({"max_tokens": 4, "token_ratio": 0.5}, 4.0, 0.5),
                                  ({"max_tokens": 0.5, "token_ratio": 0.25}, 0.5, 0.25),
                                  ({"max_tokens": 2, "token_ratio": 3}, 2.0, 3.0)):
        described = ", ".join(f"{k}={v}" for k, v in settings.items())
        scenario = Scenario(f"a new RetryBudget({described})")
        built = scenario.run(lambda: impl.RetryBudget(**settings))
        scenario.expect(built.returned, expected="a budget: every max_tokens and token_ratio "
                        "above 0 is valid", observed=str(built))
        budget = built.value
        scenario.expect(close(tokens_of(budget), full) and budget.can_retry() is True,
                        expected=f"tokens == {full:g} and can_retry() is True",
                        observed=f"tokens == {tokens_of(budget):g}, "
                                 f"can_retry() is {budget.can_retry()!r}")
        shown = (getattr(budget, "max_tokens", None), getattr(budget, "token_ratio", None))
        scenario.expect(shown[0] is not None and shown[1] is not None
                        and close(float(shown[0]), full) and close(float(shown[1]), ratio),
                        expected=f"budget.max_tokens == {full:g} and budget.token_ratio == "
                                 f"{ratio:g}: the settings, readable as attributes",
                        observed=f"max_tokens {shown[0]!r}, token_ratio {shown[1]!r}")


def test_rejects_invalid_budget_settings(impl):
    """Rejects max_tokens or token_ratio at or below 0 with ValueError"""
    for settings in ({"max_tokens": 0}, {"max_tokens": -5}, {"token_ratio": 0},
                     {"token_ratio": -0.1}):
        described = ", ".join(f"{k}={v}" for k, v in settings.items())
        scenario = Scenario(f"RetryBudget({described})")
        outcome = scenario.run(lambda: impl.RetryBudget(**settings))
        scenario.expect(outcome.raised(ValueError), expected="ValueError",
                        observed=str(outcome))


def test_each_failure_costs_one_token(impl):
    """Each failure costs exactly one token, and refunds nothing"""
    budget = drained(impl, 3, max_tokens=10, token_ratio=0.1)
    scenario = Scenario("RetryBudget(max_tokens=10, token_ratio=0.1); record_failure() 3 times")
    scenario.expect(close(tokens_of(budget), 7.0), expected="tokens == 7 (10 - 3 × 1)",
                    observed=f"tokens == {tokens_of(budget):g}")


def test_retries_allowed_only_above_half(impl):
    """Allows retries only while tokens are above max_tokens / 2"""
    for max_tokens, allowed_after, denied_after in ((10, 4, 5), (3, 1, 2)):
        half = max_tokens / 2
        budget = drained(impl, allowed_after, max_tokens=max_tokens, token_ratio=0.1)
        scenario = Scenario(f"RetryBudget(max_tokens={max_tokens}); record_failure() "
                            f"{allowed_after} times ({max_tokens - allowed_after:g} tokens "
                            f"left, above {half:g})")
        scenario.expect(budget.can_retry() is True, expected="can_retry() is True",
                        observed=f"can_retry() is {budget.can_retry()!r} "
                                 f"(tokens == {tokens_of(budget):g})")
        budget.record_failure()
        scenario = Scenario(f"RetryBudget(max_tokens={max_tokens}); record_failure() "
                            f"{denied_after} times ({max_tokens - denied_after:g} tokens left, "
                            f"not above {half:g})")
        scenario.expect(budget.can_retry() is False, expected="can_retry() is False",
                        observed=f"can_retry() is {budget.can_retry()!r} "
                                 f"(tokens == {tokens_of(budget):g})")
    budget = drained(impl, 5)
    budget.record_success()
    scenario = Scenario("RetryBudget(max_tokens=10, token_ratio=0.1); 5 failures (5 tokens), "
                        "then 1 success (5.1 tokens)")
    scenario.expect(budget.can_retry() is True, expected="can_retry() is True again",
                    observed=f"can_retry() is {budget.can_retry()!r} "
                             f"(tokens == {tokens_of(budget):g})")


def test_tokens_never_go_negative(impl):
    """Never goes below 0 tokens, however many failures"""
    budget = drained(impl, 30, max_tokens=10, token_ratio=0.1)
    scenario = Scenario("RetryBudget(max_tokens=10, token_ratio=0.1); record_failure() 30 times")
    scenario.expect(close(tokens_of(budget), 0.0) and budget.can_retry() is False,
                    expected="tokens == 0 (the floor) and can_retry() is False",
                    observed=f"tokens == {tokens_of(budget):g}, "
                             f"can_retry() is {budget.can_retry()!r}")
    budget.record_success()
    scenario = Scenario("the same budget after 30 failures, then 1 success")
    scenario.expect(close(tokens_of(budget), 0.1),
                    expected="tokens == 0.1: no debt of 20 tokens to pay back first",
                    observed=f"tokens == {tokens_of(budget):g}")
    budget.record_failure()
    scenario = Scenario("the same budget (0.1 tokens), then 1 more failure")
    scenario.expect(close(tokens_of(budget), 0.0),
                    expected="tokens == 0: a failure takes what is left, down to the floor",
                    observed=f"tokens == {tokens_of(budget):g}")
    budget = drained(impl, 1, max_tokens=1, token_ratio=0.1)
    scenario = Scenario("RetryBudget(max_tokens=1, token_ratio=0.1); 1 failure")
    scenario.expect(close(tokens_of(budget), 0.0) and budget.can_retry() is False,
                    expected="tokens == 0 and can_retry() is False",
                    observed=f"tokens == {tokens_of(budget):g}, "
                             f"can_retry() is {budget.can_retry()!r}")


def test_successes_refill_up_to_max(impl):
    """Each success refunds token_ratio, never above max_tokens"""
    budget = drained(impl, 5, max_tokens=10, token_ratio=0.1)
    for _ in range(10):
        budget.record_success()
    scenario = Scenario("RetryBudget(max_tokens=10, token_ratio=0.1); 5 failures (5 tokens), "
                        "then 10 successes")
    scenario.expect(abs(tokens_of(budget) - 6.0) <= 1e-6,
                    expected="tokens == 6 (5 + 10 × 0.1)", observed=f"tokens == "
                    f"{tokens_of(budget):g}")
    budget = impl.RetryBudget(max_tokens=10, token_ratio=0.5)
    for _ in range(20):
        budget.record_success()
    scenario = Scenario("a new RetryBudget(max_tokens=10, token_ratio=0.5); 20 successes")
    scenario.expect(close(tokens_of(budget), 10.0),
                    expected="tokens == 10: a full bucket stays at max_tokens",
                    observed=f"tokens == {tokens_of(budget):g}")
    for ratio, successes in ((0.125, 3), (0.001, 7)):
        budget = drained(impl, 1, max_tokens=10, token_ratio=ratio)
        for _ in range(successes):
            budget.record_success()
        tokens = 9 + successes * ratio
        scenario = Scenario(f"RetryBudget(max_tokens=10, token_ratio={ratio:g}); 1 failure, "
                            f"then {successes} successes")
        scenario.expect(abs(tokens_of(budget) - tokens) <= 1e-6,
                        expected=f"tokens == {tokens:g}: tokens are kept exactly, never "
                                 f"rounded", observed=f"tokens == {tokens_of(budget)!r}")
    budget = drained(impl, 2, max_tokens=2, token_ratio=3)
    budget.record_success()
    scenario = Scenario("RetryBudget(max_tokens=2, token_ratio=3); 2 failures (0 tokens), then "
                        "1 success")
    scenario.expect(close(tokens_of(budget), 2.0),
                    expected="tokens == 2: a refund above max_tokens stops at max_tokens",
                    observed=f"tokens == {tokens_of(budget):g}")


def test_budget_uses_its_own_settings(impl):
    """Refunds its own token_ratio and judges against half its own max_tokens"""
    budget = drained(impl, 3, max_tokens=4, token_ratio=0.5)
    history = "3 failures"
    for method, times, tokens, allowed in (("record_success", 0, 1.0, False),
                                           ("record_success", 2, 2.0, False),
                                           ("record_success", 1, 2.5, True),
                                           ("record_success", 10, 4.0, True),
                                           ("record_failure", 1, 3.0, True)):
        for _ in range(times):
            getattr(budget, method)()
        if times:
            history += f", then {method}() × {times}"
        scenario = Scenario(f"RetryBudget(max_tokens=4, token_ratio=0.5); {history}")
        scenario.expect(close(tokens_of(budget), tokens) and budget.can_retry() is allowed,
                        expected=f"tokens == {tokens:g} and can_retry() is {allowed} "
                                 f"({'above' if allowed else 'not above'} 4 / 2 = 2)",
                        observed=f"tokens == {tokens_of(budget):g}, "
                                 f"can_retry() is {budget.can_retry()!r}")


def test_half_of_any_max_tokens_is_exact(impl):
    """Compares with exactly max_tokens / 2, for odd and fractional max_tokens too"""
    for max_tokens, ratio, failures in ((5, 0.5, 3), (3, 0.5, 2), (0.5, 0.25, 1)):
        half = max_tokens / 2
        budget = drained(impl, failures, max_tokens=max_tokens, token_ratio=ratio)
        history = f"{failures} failure{'s' if failures > 1 else ''}"
        for successes, allowed in ((1, False), (2, True)):
            budget.record_success()
            tokens = max_tokens - failures + successes * ratio
            scenario = Scenario(f"RetryBudget(max_tokens={max_tokens:g}, "
                                f"token_ratio={ratio:g}); {history}, then {successes} "
                                f"success{'es' if successes > 1 else ''} ({tokens:g} tokens)")
            scenario.expect(budget.can_retry() is allowed,
                            expected=f"can_retry() is {allowed}: {tokens:g} is "
                                     f"{'above' if allowed else 'not above'} {max_tokens:g} / 2 "
                                     f"= {half:g} (half, not rounded to a whole number)",
                            observed=f"can_retry() is {budget.can_retry()!r} (tokens == "
                                     f"{tokens_of(budget):g})")


# -- the budget inside retry -------------------------------------------------------------------

def test_retry_reports_every_attempt_to_the_budget(impl, clock):
    """Retry charges the shared budget 1 per failed attempt and refunds each success"""
    budget = impl.RetryBudget(max_tokens=10, token_ratio=0.1)
    users = FakeService("users", clock).down(503)
    steps = [("the users service answers 503 to everything; retry(fetch_user, attempts=3, "
              "budget=budget)", lambda: users.down(503), 3, 7.0),
             ("then the users service is healthy; the same call", users.healthy, 1, 7.1),
             ("then the users service answers 503, then 200; the same call",
              lambda: users.script(503, 200), 2, 6.2)]
    for description, arrange, calls, tokens in steps:
        arrange()
        before = users.call_count
        scenario = Scenario(f"a RetryBudget(max_tokens=10, token_ratio=0.1) shared by every "
                            f"call; {description}")
        outcome = run_retry(impl, scenario, clock, fetcher(users), attempts=3, budget=budget)
        made = users.call_count - before
        scenario.expect(made == calls and close(tokens_of(budget), tokens),
                        expected=f"{calls} calls, then tokens == {tokens:g}",
                        observed=f"{made} calls, tokens == {tokens_of(budget):g}; {outcome}",
                        timeline=users.timeline())
    budget = impl.RetryBudget(max_tokens=10, token_ratio=0.1)
    users = FakeService("orders", clock).script(refused(), read_timeout(), 200)
    scenario = Scenario("a new RetryBudget(max_tokens=10, token_ratio=0.1); the orders service "
                        "refuses the connection, then times out, then answers 200; "
                        "retry(fetch_order, attempts=3, budget=budget)")
    outcome = run_retry(impl, scenario, clock, fetcher(users), attempts=3, budget=budget)
    scenario.expect(users.call_count == 3 and close(tokens_of(budget), 8.1),
                    expected="3 calls, then tokens == 8.1: a refused connection and a timeout "
                             "are transient failures too, 1 token each",
                    observed=f"{users.call_count} calls, tokens == {tokens_of(budget):g}; "
                             f"{outcome}", timeline=users.timeline())


def test_retry_stops_when_the_budget_says_no(impl, clock):
    """Retry stops at once, without waiting, when the budget allows no retry"""
    budget = drained(impl, 4, max_tokens=10, token_ratio=0.1)
    users = FakeService("users", clock).down(503)
    scenario = Scenario("a shared RetryBudget(max_tokens=10) that has seen 4 failures (6 "
                        "tokens); the users service answers 503 to everything; "
                        "retry(fetch_user, attempts=3, budget=budget)")
    draws: list[float] = []

    def counted_random() -> float:
        draws.append(0.5)
        return 0.5

    outcome = run_retry(impl, scenario, clock, fetcher(users), attempts=3, budget=budget,
                        random=counted_random)
    scenario.expect(users.call_count == 1 and not clock.sleeps and not draws,
                    expected="1 call, no wait and no random() draw (there is no full-jitter "
                             "wait to draw for): that failure leaves 5 tokens, not above 5, so "
                             "no retry",
                    observed=f"{users.call_count} calls, {len(clock.sleeps)} waits, "
                             f"{len(draws)} draws, tokens == {tokens_of(budget):g}",
                    timeline=users.timeline())
    scenario.expect(outcome.raised(requests.HTTPError),
                    expected="the 503 raised to the caller", observed=str(outcome))
    for status in (503, 429):
        clock = FakeClock()
        budget = drained(impl, 4, max_tokens=10, token_ratio=0.1)
        users = FakeService("users", clock).script(error(status, retry_after=1), 200)
        scenario = Scenario(f"a shared RetryBudget(max_tokens=10) with 6 tokens; the users "
                            f"service answers {status} with Retry-After: 1, then would answer "
                            f"200; retry(fetch_user, attempts=3, budget=budget)")
        outcome = run_retry(impl, scenario, clock, fetcher(users), attempts=3, budget=budget)
        scenario.expect(users.call_count == 1 and not clock.sleeps
                        and outcome.raised(requests.HTTPError),
                        expected=f"1 call, no wait, the {status} raised: the budget says no "
                                 f"(5 tokens), whatever the server asks for",
                        observed=f"{users.call_count} calls, waits {clock.sleeps}; {outcome}",
                        timeline=users.timeline())


def test_every_attempt_is_reported_even_when_retry_after_stops(impl, clock):
    """Charges the failure that stops on a Retry-After longer than max_delay, raised or returned"""
    for returned_as_is in (False, True):
        budget = impl.RetryBudget(max_tokens=10, token_ratio=0.1)
        users = FakeService("users", clock).script(error(503, retry_after=30), 200)
        returned: list[requests.Response] = []
        func = response_getter(users, returned) if returned_as_is else fetcher(users)
        how = "get_user returns the Response" if returned_as_is else "fetch_user raises"
        scenario = Scenario(f"a new RetryBudget(max_tokens=10, token_ratio=0.1); {how}; the "
                            f"users service answers 503 with Retry-After: 30, then would "
                            f"answer 200; retry(..., attempts=3, budget=budget, max_delay=10)")
        outcome = run_retry(impl, scenario, clock, func, attempts=3, budget=budget,
                            max_delay=10.0)
        scenario.expect(users.call_count == 1 and close(tokens_of(budget), 9.0),
                        expected="1 call (30 s is more than max_delay), and tokens == 9: that "
                                 "failed attempt is charged like any other",
                        observed=f"{users.call_count} calls, tokens == {tokens_of(budget):g}; "
                                 f"{outcome}", timeline=users.timeline())


def test_retry_refunds_answers_not_worth_retrying(impl, clock):
    """A 404, raised or returned, refunds the budget; a returned 503 costs a token"""
    cases = [("fetch_user raises the 404 (HTTPError)", "raised", 404, 1, 6.1),
             ("get_user returns the 404 Response", "returned", 404, 1, 6.1),
             ("get_user returns a 503 Response to everything", "returned", 503, 1, 5.0)]
    for description, how, status, calls, tokens in cases:
        budget = drained(impl, 4, max_tokens=10, token_ratio=0.1)
        users = FakeService("users", clock).down(status)
        returned: list[requests.Response] = []
        func = fetcher(users) if how == "raised" else response_getter(users, returned)
        scenario = Scenario(f"a shared RetryBudget(max_tokens=10, token_ratio=0.1) with 6 "
                            f"tokens; {description}; retry(..., attempts=3, budget=budget)")
        outcome = run_retry(impl, scenario, clock, func, attempts=3, budget=budget)
        if status == 404:
            wanted = ("1 call, and tokens == 6.1: an answer not worth retrying refunds "
                      "token_ratio, like a success")
        else:
            wanted = ("1 call, and tokens == 5: the 503 costs a token, 5 is not above 5, so "
                      "no retry")
        scenario.expect(users.call_count == calls and close(tokens_of(budget), tokens),
                        expected=wanted,
                        observed=f"{users.call_count} calls, tokens == {tokens_of(budget):g}; "
                                 f"{outcome}", timeline=users.timeline())
        if how == "raised":
            handed = outcome.raised(requests.HTTPError)
            what = "the 404 HTTPError raised to the caller"
        else:
            handed = outcome.returned and bool(returned) and outcome.value is returned[-1]
            what = f"the {status} Response returned as is"
        scenario.expect(handed, expected=what, observed=str(outcome))


def test_retry_reports_what_should_retry_says(impl, clock):
    """Charges or refunds the budget by the verdict of the should_retry it is given"""
    budget = impl.RetryBudget(max_tokens=10, token_ratio=0.1)
    users = FakeService("users", clock).down(404)
    scenario = Scenario("a new RetryBudget(max_tokens=10, token_ratio=0.1); should_retry says "
                        "yes to every HTTPError, 404s included; the users service answers 404 "
                        "to everything; retry(fetch_user, attempts=3, budget=budget, "
                        "should_retry=...)")
    outcome = run_retry(impl, scenario, clock, fetcher(users), attempts=3, budget=budget,
                        should_retry=lambda outcome: isinstance(outcome, requests.HTTPError))
    scenario.expect(users.call_count == 3 and close(tokens_of(budget), 7.0),
                    expected="3 calls and tokens == 7: each 404 is a failure to this caller",
                    observed=f"{users.call_count} calls, tokens == {tokens_of(budget):g}; "
                             f"{outcome}", timeline=users.timeline())
    budget = drained(impl, 4, max_tokens=10, token_ratio=0.1)
    users = FakeService("orders", clock).down(503)
    scenario = Scenario("a RetryBudget(max_tokens=10, token_ratio=0.1) with 6 tokens; "
                        "should_retry says no to everything; the orders service answers 503; "
                        "retry(fetch_order, attempts=3, budget=budget, should_retry=...)")
    outcome = run_retry(impl, scenario, clock, fetcher(users), attempts=3, budget=budget,
                        should_retry=lambda outcome: False)
    scenario.expect(users.call_count == 1 and close(tokens_of(budget), 6.1),
                    expected="1 call and tokens == 6.1: an outcome not worth retrying refunds, "
                             "whatever its status",
                    observed=f"{users.call_count} calls, tokens == {tokens_of(budget):g}; "
                             f"{outcome}", timeline=users.timeline())


def test_a_budgeted_retry_still_waits_like_lesson_2(impl, clock):
    """With a budget that allows it, retry still waits as in lesson 2: Retry-After, then jitter"""
    budget = impl.RetryBudget(max_tokens=10, token_ratio=0.1)
    users = FakeService("users", clock).script(error(503, retry_after=3), 503, 200)
    scenario = Scenario("a new RetryBudget(max_tokens=10, token_ratio=0.1); the users service "
                        "answers 503 with Retry-After: 3, then 503, then 200; random() says 0.5; "
                        "retry(fetch_user, attempts=3, budget=budget, base_delay=1)")
    outcome = run_retry(impl, scenario, clock, fetcher(users), attempts=3, budget=budget,
                        base_delay=1.0)
    scenario.expect(outcome.returned and users.call_count == 3
                    and len(clock.sleeps) == 2 and close(clock.sleeps[0], 3.0)
                    and close(clock.sleeps[1], 1.0),
                    expected="the user after 3 calls, with waits [3, 1] (the server's 3 s, then "
                             "0.5 × 1 × 2**1)",
                    observed=f"{outcome}; {users.call_count} calls, waits {clock.sleeps}",
                    timeline=users.timeline())
    scenario.expect(close(tokens_of(budget), 8.1),
                    expected="tokens == 8.1 (10 - 2 failures + 0.1 for the success)",
                    observed=f"tokens == {tokens_of(budget):g}")


def test_budget_caps_retries_in_an_outage(impl, clock):
    """In a full outage, 1,000 requests × 3 attempts: 3,000 calls without a budget, ~1,000 with"""
    budget = impl.RetryBudget(max_tokens=10, token_ratio=0.1)
    counts = {}
    for label, shared in (("without a budget", None), ("with the budget", budget)):
        users = FakeService("users", clock).down(503)
        fetch = volume_fetcher(users)
        failed = 0
        for _ in range(1000):
            try:
                impl.retry(fetch, attempts=3, budget=shared, sleep=clock.sleep,
                           random=lambda: 0.5, wall_clock=clock.wall)
            except requests.HTTPError:
                failed += 1
        counts[label] = (users.call_count, failed)
    table = "; ".join(f"{label}: {calls} calls, {failed} failed requests"
                      for label, (calls, failed) in counts.items())
    scenario = Scenario("the users service is down (503 to everything); 1,000 requests, each "
                        "retry(fetch_user, attempts=3), first without a budget, then all "
                        "sharing one RetryBudget(max_tokens=10, token_ratio=0.1)")
    scenario.expect(counts["without a budget"] == (3000, 1000),
                    expected="without a budget: 3,000 calls (3 per request)", observed=table)
    calls, failed = counts["with the budget"]
    scenario.expect(1000 <= calls <= 1000 + 10 // 2 + 1 and failed == 1000,
                    expected="with the budget: at most 1,006 calls (1,000 + max_tokens/2 + 1)",
                    observed=table)


def test_flaky_service_still_gets_retries(impl, clock):
    """Against a healthy-then-flaky service (10% errors), retries still happen and succeed"""
    budget = impl.RetryBudget(max_tokens=10, token_ratio=0.1)
    users = FakeService("users", clock)
    fetch = volume_fetcher(users)

    def request() -> tuple[int, bool]:
        before = users.call_count
        try:
            impl.retry(fetch, attempts=3, budget=budget, sleep=clock.sleep,
                       random=lambda: 0.5, wall_clock=clock.wall)
            ok = True
        except requests.HTTPError:
            ok = False
        return users.call_count - before, ok

    for _ in range(200):
        request()
    scenario = Scenario("one RetryBudget(max_tokens=10, token_ratio=0.1) shared by every "
                        "request; the users service is healthy for 200 requests")
    scenario.expect(close(tokens_of(budget), 10.0),
                    expected="the budget full: tokens == 10",
                    observed=f"tokens == {tokens_of(budget):g}")
    users.error_rate(0.1, seed=0)
    results = [request() for _ in range(500)]
    retried = [ok for calls, ok in results if calls > 1]
    extra_calls = sum(calls - 1 for calls, _ in results)
    failed = sum(1 for _, ok in results if not ok)
    scenario = Scenario("one RetryBudget(max_tokens=10, token_ratio=0.1) shared by every "
                        "request; after 200 healthy requests, the users service fails 10% of "
                        "calls (503, seeded); 500 more requests, each retry(fetch_user, "
                        "attempts=3, budget=budget)")
    observed = (f"{extra_calls} retries in {len(retried)} requests, {sum(retried)} of which "
                f"then succeeded; {failed} of 500 requests failed; tokens == "
                f"{tokens_of(budget):g}")
    scenario.expect(extra_calls > 10 // 2 + 1,
                    expected="more than 6 retries: successes keep refilling the bucket (a "
                             "bucket that never refills allows at most 6)", observed=observed)
    scenario.expect(sum(retried) >= 0.75 * len(retried),
                    expected="most retried requests then succeed", observed=observed)


def test_budgets_tame_layered_retries(impl, clock):
    """Three layers retrying 4 times put 64 calls per request on the bottom; budgets, a few"""

    def bottom_calls(budgets: list[Any]) -> int:
        database = FakeService("database", clock).down(503)
        layer: Callable[[], Any] = volume_fetcher(database)
        for budget in budgets:
            layer = (lambda inner, budget: lambda: impl.retry(
                inner, attempts=4, budget=budget, sleep=clock.sleep, random=lambda: 0.5,
                wall_clock=clock.wall))(layer, budget)
        for _ in range(10):
            try:
                layer()
            except requests.HTTPError:
                pass
        return database.call_count

    with_budgets = bottom_calls([impl.RetryBudget() for _ in range(3)])
    without = bottom_calls([None, None, None])
    scenario = Scenario("the database is down (503 to everything); the backend, the API and "
                        "the frontend each retry the layer below with attempts=4; 10 user "
                        "requests, first with one RetryBudget() per layer, then without budgets")
    observed = f"without budgets: {without} calls; with a budget per layer: {with_budgets}"
    scenario.expect(without == 640, expected="without budgets: 640 calls (4³ = 64 per request)",
                    observed=observed)
    scenario.expect(with_budgets <= 10 + 3 * (10 // 2 + 1),
                    expected="with budgets: at most 28 calls (10 + 3 layers × 6 retries)",
                    observed=observed)


# -- concurrent callers ------------------------------------------------------------------------

def test_budget_is_safe_under_concurrent_callers(impl):
    """Stays exact under concurrent callers: no lost update, never below 0"""
    cases = [("a RetryBudget(max_tokens=10) with 1 token left; two threads each call "
              "record_failure() at the same time", 9, "record_failure", 0.0, True),
             ("a RetryBudget(max_tokens=10, token_ratio=0.1) with 5 tokens; two threads each "
              "call record_success() at the same time", 5, "record_success", 5.2, False),
             ("a full RetryBudget(max_tokens=10) (10 tokens); two threads each call "
              "record_failure() at the same time", 0, ("record_failure", "record_failure"), 8.0,
              False),
             ("a RetryBudget(max_tokens=10, token_ratio=0.1) with 5 tokens; one thread calls "
              "record_failure() while the other calls record_success()", 5,
              ("record_failure", "record_success"), 4.1, False)]
    for description, failures, methods, expected, by_line in cases:
        pair = (methods, methods) if isinstance(methods, str) else methods
        budget = drained(impl, failures, max_tokens=10, token_ratio=0.1)
        step = "line" if by_line else "bytecode instruction"
        scenario = Scenario(f"{description} (the threads are made to take turns, one {step} "
                            f"each, inside your module)")
        lockstep = Lockstep(loader.graded_files, by_line=by_line)
        errors = lockstep.run(getattr(budget, pair[0]), getattr(budget, pair[1]))
        for error in errors:
            if isinstance(error, NotImplementedError):
                raise error
            if error is not None:
                scenario.fail(expected=f"both calls ({' and '.join(pair)}) return",
                              observed=f"one raised {type(error).__name__}: {error}")
        scenario.expect(abs(tokens_of(budget) - expected) <= 1e-6,
                        expected=f"tokens == {expected:g}: both updates counted, the floor "
                                 f"kept (one lock around every read-and-update, in every "
                                 f"method)",
                        observed=f"tokens == {tokens_of(budget):g}")
