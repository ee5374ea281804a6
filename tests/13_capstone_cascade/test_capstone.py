"""Lesson 13 checks: the learner's placement of clients in A and B, judged by the outcome.

One run of the scene per implementation (``kata.capstone.scene``: A -> B -> C live on
127.0.0.1, 20 requests/s offered to A for 2.4 s, C slow from 0.5 s to 1.3 s) is shared by
every check, so grading a learner costs one run (about 3 s of real time). Each check judges
one property of that run by counts and ratios, never by an absolute latency (the SLO aside,
which defines a good answer), and shows the run's timeline when it fails.

One run shows one moment of C's recovery and a B that is never slow on its own, so two rules
of the README's worksheet are judged on the numbers the placement gave the kit for the
calls it made (``Measures.limits``, ``Measures.recovery_chain``): every hop gives up in time,
and the breakers' nested timeouts fit the way back, whenever C recovers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness import Scenario, loader
from kata.capstone import chart, scene
from kata.capstone.measure import IN_FLIGHT_GRACE, Measures
from kata.capstone.scene import ORDERS, PROFILE, SETTINGS, Run

S = SETTINGS
SCENE = (f"A -> B -> C on 127.0.0.1, A and B with {S.workers} workers each; "
         f"{S.rate:g} requests/s offered to A for {S.duration:g} s (70% /orders, which needs "
         f"C, 30% /profile, which does not); C answers in {S.healthy_latency * 1000:g} ms, but "
         f"in {S.slow_latency:g} s from t={S.slow_from:g} to {S.slow_until:g} s; a good answer "
         f"comes within A's SLO of {S.slo:g} s; A and B use the clients your capstone.py builds")
#: The share of offered requests that must be answered well...
ENOUGH = 0.9


def enough(offered: int) -> int:
    """...that is, all but one in ten, and never fewer than all but one (a window of 9
    requests may miss one, on a loaded machine)."""
    return offered - max(1, int((1 - ENOUGH) * offered + 1e-9))
#: Real time one check may take: the first check of an implementation runs the scene.
LIMIT = 12

_runs: dict[str, Run | BaseException] = {}


def protected_run(impl: Any) -> tuple[Run, Measures]:
    """The run of ``impl``'s placement (run once, then shared by every check)."""
    path = Path(impl.__file__)
    key = str(path.resolve())
    if key not in _runs:
        try:
            choice = getattr(impl, "LESSON_12_CLIENT", "reference")
            client = loader.load(scene.lesson_12_client(path, choice))
            title = f"Your placement ({_shown(path)})"
            _runs[key] = scene.run(scene.placement_of(impl, title), client)
        except BaseException as problem:  # said once per check, the same way each time
            _runs[key] = problem
    outcome = _runs[key]
    if isinstance(outcome, scene.ConfigurationProblem):
        Scenario(SCENE).fail(expected="clients_for_a(kit) and client_for_b(kit) to build the "
                                      "clients", observed=str(outcome))
    if isinstance(outcome, BaseException):
        raise outcome
    if outcome.not_implemented is not None:
        raise outcome.not_implemented  # reported as "not implemented yet: orders_fallback"
    if outcome.misbuilt:
        Scenario(SCENE).fail(expected="clients_for_a(kit) and client_for_b(kit) to build every "
                                      "client, breaker registry and retry budget inside them, "
                                      "afresh for every call, before the load starts",
                             observed=outcome.misbuilt[0], timeline=timeline(outcome))
    if outcome.problems:
        Scenario(SCENE).fail(expected="the clients to serve every request without breaking",
                             observed=outcome.problems[0], timeline=timeline(outcome))
    return outcome, Measures(outcome)


def timeline(run: Run) -> str:
    return chart.draw(run, chart.style_for(None))


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(scene.ROOT))
    except ValueError:
        return str(path)


def _share(part: int, whole: int) -> str:
    return f"{part} of {whole} ({100 * part / whole:.0f}%)" if whole else f"{part} of 0"


@pytest.mark.timeout(LIMIT)
def test_a_keeps_answering_while_c_is_slow(impl):
    """A keeps answering its callers well while C is slow, and after"""
    run, m = protected_run(impl)
    start = S.slow_from
    good, offered = m.goodput(start, S.duration)
    slow_good, slow_offered = m.goodput(*m.slow_window)
    Scenario(SCENE).expect(
        good >= enough(offered),
        expected=f"A's goodput (fresh answers, and fallbacks for /orders, within the SLO) to be "
                 f"at least {ENOUGH:.0%} of the requests offered from t={start:g} s on, when C "
                 f"turns slow",
        observed=f"{_share(good, offered)} were answered well ({_share(slow_good, slow_offered)} "
                 f"while C was slow)",
        timeline=timeline(run))


@pytest.mark.timeout(LIMIT)
def test_profile_stays_healthy(impl):
    """A's /profile, which never touches C, stays healthy and fresh"""
    run, m = protected_run(impl)
    scenario = Scenario(SCENE)
    shared = m.shared_and_opened()
    scenario.expect(
        not shared,
        expected="A's /profile to go through no breaker that /orders' failures can open: "
                 "/orders and /profile are two endpoints of one host, and only /orders needs C",
        observed=f"A's calls for /orders and for /profile go through one breaker for B "
                 f"({shared[0][0].label}), and it opened at t={shared[0][1]:.2f} s"
        if shared else "", timeline=timeline(run))
    refused = m.refused_profiles()
    scenario.expect(
        not refused,
        expected="no /profile request refused by a breaker or answered by a fallback while B "
                 "answered every /profile call: only /orders' failures could have opened that "
                 "breaker (one breaker per endpoint, not per host)",
        observed=f"{len(refused)} were, the first at t={refused[0].planned:.2f} s "
                 f"({refused[0].kind}, {refused[0].answer.status})" if refused else "",
        timeline=timeline(run))
    fresh, offered = m.fresh(0, S.duration, PROFILE)
    slow_fresh, slow_offered = m.fresh(*m.slow_window, PROFILE)
    scenario.expect(
        fresh >= enough(offered),
        expected=f"at least {ENOUGH:.0%} of A's /profile requests answered fresh (B's own data, "
                 f"not a fallback) within the SLO: /profile never needs C",
        observed=f"{_share(fresh, offered)} were ({_share(slow_fresh, slow_offered)} while C "
                 f"was slow)",
        timeline=timeline(run))


@pytest.mark.timeout(LIMIT)
def test_c_gets_only_trial_calls_once_its_breaker_opens(impl):
    """Once C's breaker opens, only trial calls reach C, and no request is retried at two layers"""
    run, m = protected_run(impl)
    scenario = Scenario(SCENE)
    start, end = m.slow_window
    opened = m.first_open("C", start, end)
    if opened is None:
        calls = len(m.calls_to("C", start, end))
        orders = len(m.answers(start, end, ORDERS))
        scenario.fail(expected="a breaker in B's client for C (built with kit.BreakerRegistry) "
                               "to open while C is slow, so that C gets only trial calls",
                      observed=f"no breaker for C opened; {calls} calls reached C while it was "
                               f"slow, for {orders} /orders requests offered to A",
                      timeline=timeline(run))
    breaker, at = opened
    stray = m.calls_to_c_outside_trials(at + IN_FLIGHT_GRACE, end)
    scenario.expect(
        not stray,
        expected=f"after B's breaker for C opened (t={at:.2f} s), every call reaching C until "
                 f"C recovers at t={end:g} s to be a trial call (made while a breaker for C is "
                 f"half-open)",
        observed=f"{len(stray)} calls reached C while no breaker for C was half-open, the "
                 f"first at t={stray[0].time:.2f} s" if stray else "",
        timeline=timeline(run))
    doubles = m.double_retries()
    worst = doubles[0] if doubles else None
    scenario.expect(
        worst is None,
        expected="retries at one layer only: no request of A retried by A's client and, for "
                 "the same request, by B's client (C would see the product)",
        observed=f"request {worst.request} reached B {worst.calls_to_b} times and one of those "
                 f"calls reached C {worst.most_calls_to_c} times ({worst.calls_to_c} calls to C "
                 f"for one request of A; {len(doubles)} requests retried at both layers)"
        if worst else "", timeline=timeline(run))


@pytest.mark.timeout(LIMIT)
def test_fresh_answers_whenever_c_is_healthy(impl):
    """A serves fresh answers while C is healthy: before it slows, and soon after it recovers"""
    run, m = protected_run(impl)
    scenario = Scenario(SCENE)
    before, offered_before = m.fresh(0, S.slow_from)
    low, high = S.recovered_window
    after, offered_after = m.fresh(low, high)
    terms = m.recovery_chain()
    total = sum(seconds for _, seconds in terms)
    scenario.expect(
        total <= S.back_within + 1e-9,
        expected=f"the breakers to let A be fresh again within {S.back_within:g} s of C's "
                 f"recovery whenever it comes, not only at t={S.slow_until:g} s: C may recover "
                 f"just after a trial call reached it, so B's recovery_timeout, a failed "
                 f"trial's timeout (B's attempt timeout) and A's recovery_timeout for /orders "
                 f"(for the breakers that opened) add up to at most {S.back_within:g} s",
        observed=" + ".join(f"{label} {seconds:g} s" for label, seconds in terms) +
                 f" = {total:g} s", timeline=timeline(run))
    scenario.expect(
        before >= enough(offered_before),
        expected=f"at least {ENOUGH:.0%} of A's answers fresh (from C or B, not a fallback) "
                 f"within the SLO while C is healthy, before t={S.slow_from:g} s: a client that "
                 f"times out a healthy C serves fallbacks for nothing",
        observed=f"{_share(before, offered_before)} were", timeline=timeline(run))
    scenario.expect(
        after >= enough(offered_after),
        expected=f"at least {ENOUGH:.0%} of A's answers fresh again from t={low:g} s, "
                 f"{low - S.slow_until:g} s after C recovered (at t={S.slow_until:g} s): the "
                 f"breakers must let trial calls through and close",
        observed=f"{_share(after, offered_after)} were", timeline=timeline(run))


@pytest.mark.timeout(LIMIT)
def test_every_hop_gives_up_in_time(impl):
    """Every hop gives up in time: A within its SLO, B before A does, none on a healthy answer"""
    run, m = protected_run(impl)
    scenario = Scenario(SCENE)
    for endpoint in (ORDERS, PROFILE):
        worst = m.longest("A", endpoint)
        scenario.expect(
            worst is None or worst.longest + S.queue_timeout <= S.slo + 1e-9,
            expected=f"A's client for {endpoint} to give up within A's SLO: a request may wait "
                     f"{S.queue_timeout:g} s in A's queue first, so A's deadline (with "
                     f"max_attempts=1, its one attempt; a plain client's timeout) plus "
                     f"{S.queue_timeout:g} s at most {S.slo:g} s",
            observed=f"{worst.client} may take {worst.longest:g} s: "
                     f"{worst.longest + S.queue_timeout:g} s in all" if worst else "",
            timeline=timeline(run))
    b, a = m.longest("B", ORDERS), m.shortest_attempt("A", ORDERS)
    scenario.expect(
        a is None or b is None or b.longest < a.attempt,
        expected="B's client for C to give up before A's attempt on B does: B's deadline (with "
                 "max_attempts=1, its one attempt; a plain client's timeout) shorter than A's "
                 "attempt timeout for /orders, or B keeps working on orders whose caller has "
                 "left",
        observed=f"B's {b.client} may take {b.longest:g} s, A's attempt on B's /orders gives "
                 f"up after {a.attempt:g} s" if a and b else "",
        timeline=timeline(run))
    for owner, endpoint, p99, what in (("B", ORDERS, S.c_p99, "C's /stock"),
                                       ("A", ORDERS, S.b_orders_p99, "B's /orders"),
                                       ("A", PROFILE, S.b_profile_p99, "B's /profile")):
        soonest = m.shortest_attempt(owner, endpoint)
        scenario.expect(
            soonest is None or soonest.attempt >= p99 - 1e-9,
            expected=f"{owner}'s attempts on {what} to wait at least its healthy p99 "
                     f"({p99 * 1000:g} ms): a shorter attempt timeout times out more than one "
                     f"healthy call in a hundred",
            observed=f"{soonest.client} gives an attempt {soonest.attempt * 1000:g} ms"
            if soonest else "", timeline=timeline(run))
