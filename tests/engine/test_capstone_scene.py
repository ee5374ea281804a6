"""Lesson 13's scene proves itself (``kata/capstone``): it still shows the cascade without
protection, the load generator keeps its schedule, answers and breakers are judged as the
lesson's README says, and the timeline fits the terminal in every style.

Here rather than in ``tests/13_capstone_cascade/``: these take no ``impl``, so they are the
grader's own tests, run by ``make test`` and never part of a learner's grade.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from fake_services import Call, LiveService, RealClock, ok
from kata import capstone as command
from kata.capstone import chart, scene
from kata.capstone.load import Answer, LoadGenerator, Planned, even_schedule
from kata.capstone.measure import (FAILED, FALLBACK, FRESH, Measures, breakers_of, judge)
from kata.capstone.scene import ORDERS, PROFILE, SETTINGS as S, Run, Transition

WIDTH = 86  #: the chart's widest line: 100 columns less the report's indent of 8, and room


_unprotected: list[Run] = []


def unprotected() -> Run:
    if not _unprotected:
        _unprotected.append(scene.run(scene.UNPROTECTED,
                                      scene.import_file(scene.LESSON_12_REFERENCE)))
    return _unprotected[0]


# -- the scene -----------------------------------------------------------------------------------

@pytest.mark.timeout(12)
def test_without_protection_the_cascade_takes_a_down():
    run = unprotected()
    m = Measures(run)
    assert not run.problems, run.problems
    assert run.seconds < S.duration + S.patience + 0.5, f"a run took {run.seconds:.1f} s"
    shown = chart.draw(run, chart.Style(unicode=False))
    good, offered = m.goodput(*m.slow_window)
    assert offered == round(S.rate * (S.slow_until - S.slow_from)) and good <= 0.2 * offered, \
        f"goodput {good}/{offered}\n{shown}"
    fresh, profiles = m.fresh(*m.slow_window, PROFILE)
    assert fresh <= 0.5 * profiles, f"/profile fresh {fresh}/{profiles}\n{shown}"
    slow = [b for b in m.service_buckets("A") if S.slow_from <= b.start < S.slow_until]
    full = sum(b.busy >= S.workers for b in slow)
    assert full >= 0.7 * len(slow), f"A's pool full in {full} of {len(slow)} buckets\n{shown}"
    after, offered_after = m.fresh(*S.recovered_window)
    assert after < 0.8 * offered_after, \
        f"A was fresh again {after}/{offered_after} soon after C recovered: the starter would " \
        f"pass the freshness check\n{shown}"
    assert not m.breakers and max(a.late for a in run.answers) < 0.25  # a loaded machine


def test_the_healthy_scene_answers_fresh_on_schedule():
    run = unprotected()
    m = Measures(run)
    fresh, offered = m.fresh(0, S.slow_from)
    assert offered == round(S.rate * S.slow_from) - 1 and fresh == offered  # less the probe
    assert [a.number for a in run.answers] == list(range(1, round(S.rate * S.duration) + 1))
    mix = [a.path for a in run.answers]
    assert 0.25 <= mix.count(PROFILE) / len(mix) <= 0.35  # the seeded mix: about 30% /profile


# -- the load generator ------------------------------------------------------------------------

def test_the_retry_probe_is_rate_limited_by_c_and_left_out_of_the_counts():
    run = unprotected()
    probe = next(a for a in run.answers if a.number == S.probe)
    assert probe.path == ORDERS and probe.planned < S.slow_from
    assert probe.status == 429  # C's 429, relayed by B and by A as a 429
    to_c = [c for c in run.calls["C"] if f"request={S.probe}&" in c.path]
    assert [c.outcome for c in to_c] == ["429"]  # plain clients do not retry
    m = Measures(run)
    assert all(j.answer.number != S.probe for j in m.answers(0, S.duration))


def test_schedule_is_even_seeded_and_bounded():
    one = even_schedule(20, 3, {ORDERS: 0.7, PROFILE: 0.3}, seed=S.seed)
    assert one == even_schedule(20, 3, {ORDERS: 0.7, PROFILE: 0.3}, seed=S.seed)
    assert len(one) == 60 and [p.at for p in one[:3]] == [0.0, 0.05, 0.1]
    assert one[-1].at == pytest.approx(2.95)
    for rate, duration in ((0, 1), (20, 0), (-1, 1)):
        with pytest.raises(ValueError):
            even_schedule(rate, duration, {ORDERS: 1.0})


@pytest.mark.timeout(5)
def test_arrivals_never_wait_for_earlier_answers():
    with LiveService("slow") as slow:
        slow.always(ok(latency=1.0))
        clock = RealClock()
        plan = [Planned(i + 1, i * 0.02, "/x") for i in range(10)]
        load = LoadGenerator(slow.url, plan, clock=clock, patience=0.5, threads=16)
        answers = load.run()
    assert len(answers) == 10 and all(a.status is None and "gave up" in a.error
                                      for a in answers)
    # every request started before the first one's wait was over: none waited for another
    assert max(a.started for a in answers) < min(a.finished for a in answers)
    assert max(a.late for a in answers) < 0.2  # generous: a loaded machine starts threads late
    assert max(a.finished for a in answers) < 0.18 + 0.5 + 0.4


# -- judging answers, breakers and retries ----------------------------------------------------------

def _answer(number: int, path: str, status: int | None, body: object = None,
            latency: float = 0.01) -> Answer:
    at = number * 0.05
    return Answer(number, path, at, at, at + latency, status, body)


def test_answers_are_judged_fresh_fallback_or_failed():
    answers = [
        _answer(1, ORDERS, 200, {"source": "C", "c_call": 1}),
        _answer(2, ORDERS, 200, {"source": "C", "c_call": 1}),  # the same C answer again: stale
        _answer(3, ORDERS, 200, {"source": "fallback at A", "value": None}),
        _answer(4, ORDERS, 200, {"source": "fallback at B"}),
        _answer(5, ORDERS, 503, {"source": "A"}),
        _answer(6, ORDERS, None),
        _answer(7, ORDERS, 200, {"source": "C", "c_call": 2}, latency=S.slo + 0.01),  # late
        _answer(8, PROFILE, 200, {"source": "B", "b_call": 9}),
        _answer(9, PROFILE, 200, {"source": "fallback at A"}),  # no goodput for /profile
        _answer(10, PROFILE, 200, {"source": "C", "c_call": 3}),  # not /profile's data
        _answer(11, ORDERS, 200, {"source": "C", "c_call": 4}),
        _answer(12, ORDERS, 200, {"source": "C"}),  # says C but carries no C call
    ]
    judged = judge(answers, S.slo)
    assert [j.kind for j in judged] == [FRESH, FALLBACK, FALLBACK, FALLBACK, FAILED, FAILED,
                                        FRESH, FRESH, FALLBACK, FALLBACK, FRESH, FALLBACK]
    assert [j.good for j in judged] == [True, True, True, True, False, False, False, True,
                                        False, False, True, True]
    assert judge([_answer(1, ORDERS, 200, {"source": "C", "c_call": 1}, latency=S.slo)],
                 S.slo)[0].good  # an answer at the SLO itself is on time


def _run(calls: dict[str, list[Call]] | None = None, transitions: list[Transition] = (),
         built=()) -> Run:
    return Run("t", S, [], calls or {"A": [], "B": [], "C": []}, list(transitions), list(built))


def _call(number: int, time: float, path: str) -> Call:
    return Call(number, time, "GET", path, "200", duration=0.01, in_flight=1, queue_wait=0.0)


def test_a_request_retried_at_both_layers_is_found():
    b = [_call(1, 1.0, "/orders?request=7"), _call(2, 1.2, "/orders?request=7"),
         _call(3, 1.3, "/orders?request=8"), _call(4, 1.4, "/profile?request=9"),
         _call(5, 1.5, "/profile?request=9")]
    c = [_call(1, 1.0, "/stock?request=7&via=1"), _call(2, 1.1, "/stock?request=7&via=1"),
         _call(3, 1.2, "/stock?request=7&via=2"),
         _call(4, 1.3, "/stock?request=8&via=3"), _call(5, 1.35, "/stock?request=8&via=3")]
    doubles = Measures(_run({"A": [], "B": b, "C": c})).double_retries()
    assert [(d.request, d.calls_to_b, d.most_calls_to_c, d.calls_to_c) for d in doubles] == \
        [("7", 2, 2, 3)]  # 8: B retried, A did not; 9 (/profile) never reaches C


def test_a_profile_refused_while_b_answered_every_profile_call_is_found():
    answers = [_answer(1, PROFILE, 200, {"source": "B", "b_call": 1}),
               _answer(2, PROFILE, 200, {"source": "fallback at A"}),
               _answer(3, PROFILE, 503, {"source": "A", "error": "circuit open (CircuitOpenError)"}),
               _answer(4, PROFILE, 503, {"source": "A", "error": "503 shed"}),
               _answer(6, ORDERS, 200, {"source": "fallback at A"})]
    healthy = [_call(1, 0.05, "/profile?request=1")]
    run = Run("t", S, answers, {"A": [], "B": healthy, "C": []}, [])
    assert [j.answer.number for j in Measures(run).refused_profiles()] == [2, 3]
    shed = [*healthy, Call(2, 0.1, "GET", "/profile?request=2", "503 shed", 0.0, 4, 0.25)]
    run = Run("t", S, answers, {"A": [], "B": shed, "C": []}, [])
    assert Measures(run).refused_profiles() == []  # B failed a /profile: A's breaker may know


def test_breakers_are_intervals_and_trials_are_calls_while_half_open():
    transitions = [Transition(1.0, "B", 1, "C", "closed", "open"),
                   Transition(1.3, "B", 1, "C", "open", "half_open"),
                   Transition(1.4, "B", 1, "C", "half_open", "open"),
                   Transition(1.0, "A", 1, "B", "closed", "open"),
                   Transition(1.1, "A", 2, "B", "closed", "open")]
    c = [_call(1, 0.9, "/stock"), _call(2, 1.05, "/stock"), _call(3, 1.31, "/stock"),
         _call(4, 1.5, "/stock")]
    run = _run({"A": [], "B": [], "C": c}, transitions, [("A", 3, "B")])
    run.users = {("A", 1): [ORDERS], ("A", 2): [ORDERS, PROFILE]}
    m = Measures(run)
    assert [b.label for b in m.breakers] == ["A→B /orders", "A→B shared", "A→B #3", "B→C"]
    assert m.breakers[2].intervals == ((0.0, float("inf"), "closed"),)
    breaker, at = m.first_open("C", 0.7, 1.7)
    assert at == 1.0 and breaker.label == "B→C"
    assert m.first_open("C", 1.01, 1.3) is None and m.first_open("C", 1.01, 1.7)[1] == 1.4
    assert [c.number for c in m.calls_to_c_outside_trials(1.0, 1.7)] == [2, 4]
    assert breaker.state_between(1.35, 1.45) == {"half_open", "open"}
    assert breakers_of([]) == []
    assert [(b.label, at) for b, at in m.shared_and_opened()] == [("A→B shared", 1.1)]



def test_the_way_back_adds_the_opened_breakers_timeouts_and_a_failed_trial():
    transitions = [Transition(0.7, "B", 1, "C", "closed", "open"),
                   Transition(0.75, "A", 1, "B", "closed", "open")]
    limits = [scene.Limit("B", ORDERS, "kit.ResilientClient", 0.2, 0.15),
              scene.Limit("B", ORDERS, "kit.ResilientClient", 0.2, 0.1),
              scene.Limit("A", ORDERS, "kit.ResilientClient", 0.25, 0.25)]
    run = _run(transitions=transitions, built=[("A", 2, "B")])
    run.users = {("A", 1): [ORDERS], ("A", 2): [PROFILE]}
    run.limits = limits
    run.recovery = {("B", 1, "C"): 0.15, ("A", 1, "B"): 0.2, ("A", 2, "B"): 30.0}
    m = Measures(run)
    assert m.recovery_chain() == [("B's recovery_timeout", 0.15),
                                  ("a failed trial's timeout (B's attempt timeout)", 0.15),
                                  ("A's recovery_timeout for /orders", 0.2)]
    assert m.longest("A", ORDERS).longest == 0.25
    assert m.shortest_attempt("B", ORDERS).attempt == 0.1
    assert m.longest("A", PROFILE) is None
    run.transitions = transitions[:1]  # A's breaker never opened: it is no part of the way back
    assert [label for label, _ in Measures(run).recovery_chain()][-1].startswith("a failed")
    assert Measures(_run()).recovery_chain() == []


def test_the_kit_notes_each_calls_time_limits():
    module = scene.import_file(scene.LESSON_12_REFERENCE)
    with LiveService("stock") as stock:
        recorder = scene._Recorder(RealClock(), lambda name: name)
        sessions: list = []
        kit = scene.Kit("B", module, clock=RealClock(), recorder=recorder, sessions=sessions,
                        slo=0.5)
        recorder.endpoint.path = ORDERS
        defaults = kit.ResilientClient(registry=kit.BreakerRegistry(), budget=kit.RetryBudget())
        defaults.get(f"{stock.url}/stock")  # lesson 12's defaults: 2 s, attempts of 0.5 s
        short = kit.ResilientClient(registry=kit.BreakerRegistry(), budget=kit.RetryBudget(),
                                    attempt_timeout=0.3, deadline=0.5)
        short.get(f"{stock.url}/stock", deadline=0.2)  # a call's own deadline shrinks attempts
        kit.plain(timeout=(0.1, 0.4)).get(f"{stock.url}/stock")
        recorder.endpoint.path = PROFILE
        kit.plain(timeout=None).get(f"{stock.url}/stock")
        once = kit.ResilientClient(registry=kit.BreakerRegistry(), budget=kit.RetryBudget(),
                                   attempt_timeout=0.15, max_attempts=1)
        once.get(f"{stock.url}/stock")  # one attempt: it gives up after 0.15 s, deadline or not
        for session in sessions:
            session.close()
    assert sorted((l.endpoint, l.client, l.longest, l.attempt) for l in recorder.limits) == [
        (ORDERS, "kit.ResilientClient", 0.2, 0.2), (ORDERS, "kit.ResilientClient", 2.0, 0.5),
        (ORDERS, "kit.plain", 0.4, 0.4), (PROFILE, "kit.ResilientClient", 0.15, 0.15),
        (PROFILE, "kit.plain", float("inf"), float("inf"))]


def test_a_registry_or_budget_built_per_request_or_kept_from_an_earlier_call_is_named():
    module = scene.import_file(scene.LESSON_12_REFERENCE)
    recorder = scene._Recorder(RealClock(), lambda name: name)
    kit = scene.Kit("B", module, clock=RealClock(), recorder=recorder, sessions=[], slo=0.5)
    kit.BreakerRegistry(), kit.RetryBudget()  # built before the load: fine
    assert recorder.misbuilt == []
    recorder.serving = True
    kit.RetryBudget()
    assert len(recorder.misbuilt) == 1 and "retry budget" in recorder.misbuilt[0]
    kit.BreakerRegistry()
    assert "per request" in recorder.misbuilt[1] and "client_for_b" in recorder.misbuilt[1]

    live = scene._Recorder(RealClock(), lambda name: name)
    earlier = scene.Kit("A", module, clock=RealClock(), recorder=scene._Recorder(
        RealClock(), lambda name: name), sessions=[], slo=0.5, earlier=live)
    kept_registry, kept_budget = earlier.BreakerRegistry(), earlier.RetryBudget()
    kept_budget.can_retry(), kept_registry.for_url("http://127.0.0.1:1/")  # during the build
    assert live.misbuilt == []
    live.serving = True
    kept_budget.record_failure()
    kept_registry.for_url("http://127.0.0.1:1/")
    assert [p.split(" handed over ")[1][:18] for p in live.misbuilt] == \
        ["a retry budget bui", "a breaker registry"]
    assert all(p.startswith("clients_for_a(kit)") and "earlier call" in p for p in live.misbuilt)


# -- the timeline ------------------------------------------------------------------------------

def _visible(line: str) -> str:
    return re.sub(r"\033\[[0-9;]*m", "", line)


@pytest.mark.timeout(12)
def test_the_timeline_fits_and_degrades_to_ascii():
    run = unprotected()
    for style in (chart.Style(True, True), chart.Style(True, False), chart.Style(False, False)):
        text = chart.draw(run, style)
        widest = max(len(_visible(line)) for line in text.splitlines())
        assert widest <= WIDTH, f"{widest} columns:\n{text}"
        assert ("\033[" in text) == style.colour
    ascii_text = chart.draw(run, chart.Style(unicode=False))
    assert ascii_text.isascii() and "A /orders" in ascii_text and "x" in ascii_text
    lines = chart.draw(run, chart.Style()).splitlines()
    assert lines[0] == run.title and len(lines) <= 18


class _Terminal(io.StringIO):
    def __init__(self, encoding: str = "utf-8") -> None:
        super().__init__()
        self._encoding = encoding

    def isatty(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding


@pytest.mark.parametrize("env, stream, unicode, colour", [
    ({}, _Terminal(), True, True),
    ({"NO_COLOR": "1"}, _Terminal(), False, False),
    ({"TERM": "dumb"}, _Terminal(), False, False),
    ({"KATA_ASCII": "1"}, _Terminal(), False, True),
    ({}, _Terminal("ascii"), False, True),
    ({}, io.StringIO(), False, False),  # piped
    ({}, None, True, False),  # the grader's report: no colour, Unicode like its marks
    ({"NO_COLOR": "1"}, None, False, False),
    ({"KATA_ASCII": "1"}, None, False, False),
])
def test_the_style_follows_the_terminal_and_the_environment(monkeypatch, env, stream, unicode,
                                                            colour):
    for name in ("NO_COLOR", "KATA_ASCII", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert chart.style_for(stream) == chart.Style(unicode, colour)


# -- the kit and the command -------------------------------------------------------------------

@pytest.mark.timeout(5)
def test_the_kit_wires_lesson_12_to_the_scene_and_watches_its_breakers():
    module = scene.import_file(scene.LESSON_12_REFERENCE)
    seen = []
    with LiveService("down") as down:
        down.always(503)
        clock = RealClock()
        recorder = scene._Recorder(clock, lambda name: "C" if name.endswith(str(down.port))
                                   else name)
        sessions: list = []
        kit = scene.Kit("B", module, clock=clock, recorder=recorder, sessions=sessions, slo=0.5)
        registry = kit.BreakerRegistry(defaults={
            "failure_threshold": 2, "on_state_change": lambda old, new: seen.append(new)})
        client = kit.ResilientClient(registry=registry, budget=kit.RetryBudget(),
                                     max_attempts=1, fallback=kit.default("stale"))
        recorder.endpoint.path = ORDERS
        answers = [client.get(f"{down.url}/stock") for _ in range(3)]
        for session in sessions:
            session.close()
    assert answers == ["stale"] * 3 and down.call_count == 2
    assert [(t.owner, t.registry, t.target, t.old, t.new) for t in recorder.transitions] == \
        [("B", 1, "C", "closed", "open")]
    assert seen == [module.State.OPEN]  # the learner's own listener still hears it
    assert recorder.built == [("B", 1, "C")] and recorder.users == {("B", 1): [ORDERS]}
    assert isinstance(kit.plain(), scene.PlainClient) and kit.slo == 0.5


def test_a_placement_that_returns_the_wrong_shape_is_named():
    bad = scene.Placement("bad", lambda kit: {"orders": kit.plain()}, lambda kit: kit.plain())
    with pytest.raises(scene.ConfigurationProblem, match="'orders' and 'profile'"):
        scene.run(bad, scene.import_file(scene.LESSON_12_REFERENCE))
    worse = scene.Placement("worse", lambda kit: {"orders": 1, "profile": 2},
                            lambda kit: kit.plain())
    with pytest.raises(scene.ConfigurationProblem, match=r"get\(url\)"):
        scene.run(worse, scene.import_file(scene.LESSON_12_REFERENCE))


@pytest.mark.timeout(5)
def test_a_stub_the_placement_uses_is_reported_as_not_implemented():
    def unwritten(error, url):
        raise NotImplementedError("orders_fallback")

    def b(kit):  # the probe's 429 ends in this fallback
        return kit.ResilientClient(registry=kit.BreakerRegistry(), budget=kit.RetryBudget(),
                                   fallback=unwritten, max_attempts=1)

    short = scene.Settings(duration=0.4, slow_from=5.0, slow_until=6.0)
    run = scene.run(scene.Placement("stub", scene._unprotected_a, b),
                    scene.import_file(scene.LESSON_12_REFERENCE), short)
    assert isinstance(run.not_implemented, NotImplementedError)
    assert str(run.not_implemented) == "orders_fallback" and not run.problems


def test_the_lesson_12_client_is_the_reference_or_the_learners_own(tmp_path):
    assert scene.lesson_12_client(None, "reference") == scene.LESSON_12_REFERENCE
    mine = tmp_path / "13_capstone_cascade" / "capstone.py"
    with pytest.raises(scene.ConfigurationProblem, match="does not exist"):
        scene.lesson_12_client(mine, "mine")
    own = tmp_path / "12_resilient_client" / "client.py"
    own.parent.mkdir()
    own.write_text("")
    assert scene.lesson_12_client(mine, "mine") == own.resolve()
    with pytest.raises(scene.ConfigurationProblem, match="'reference' or 'mine'"):
        scene.lesson_12_client(mine, "yours")


def test_the_command_says_plainly_what_is_wrong(capsys):
    from kata.cli import main

    assert main(["capstone", "--impl", "/no/such/folder"]) == 2
    assert "no such folder" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:  # argparse prints the help and exits
        main(["capstone", "--help"])
    assert exit_.value.code == 0 and "--impl" in capsys.readouterr().out
    assert (Path(__file__).parents[1] / command.SLUG).is_dir()
