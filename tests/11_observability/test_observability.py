"""Lesson 11 checks: events, metrics and status lines of circuit breakers."""

from __future__ import annotations

import logging
import re
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import requests

from fake_services import FakeClock, FakeService, describe_calls, error
from harness import Outcome, Scenario, fail, loader
from harness.lockstep import Lockstep

TOLERANCE = 1e-6


# -- helpers ---------------------------------------------------------------------------------


class Recorder:
    """A listener that keeps every event it receives."""

    def __init__(self) -> None:
        self.events: list[Any] = []

    def __call__(self, event: Any) -> None:
        self.events.append(event)

    def kinds(self) -> list[str]:
        return [event.kind for event in self.events]

    def transitions(self) -> list[tuple[Any, Any, float]]:
        return [(e.from_state, e.to_state, e.time) for e in self.events
                if e.kind == "state_change"]

    def __str__(self) -> str:
        return describe_events(self.events)


def describe_events(events: list[Any]) -> str:
    """The events as a timeline, one a line, for a failure message."""
    if not events:
        return "events: none"
    lines = []
    for event in events:
        line = f"event: t={event.time:7.2f}  {event.kind}"
        if event.kind == "state_change":
            line += f" {name_of(event.from_state)} -> {name_of(event.to_state)}"
        if getattr(event, "breaker", None) not in (None, ""):
            line += f"  (breaker {event.breaker!r})"
        lines.append(line)
    return "\n".join(lines)


def name_of(state: Any) -> str:
    return getattr(state, "name", repr(state))


def describe_transitions(transitions: list[tuple[Any, Any, float]]) -> str:
    return "[" + ", ".join(f"{name_of(a)}->{name_of(b)} at t={t:g}"
                           for a, b, t in transitions) + "]"


def through(breaker: Any, func: Callable[[], Any]) -> Outcome:
    """One call through the breaker: what the caller got (NotImplementedError passes)."""
    return Scenario("").run(lambda: breaker.call(func))


def fetcher(service: FakeService, path: str = "/users/7") -> Callable[[], Any]:
    """GET a path on a fake service (direct transport) and return the response as is."""
    return lambda: service.get(path, timeout=2)


def json_fetcher(service: FakeService, path: str = "/users/7") -> Callable[[], Any]:
    """GET a path, raise HTTPError on 4xx/5xx, return the JSON: what a client usually does."""

    return lambda: service.fetch_json(path, timeout=2)


def interrupted() -> None:
    raise KeyboardInterrupt


def close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE


def contains(line: str, piece: str) -> bool:
    """``piece`` appears in ``line``, and a leading number is not part of a longer one."""
    return re.search(r"(?<![\d.])" + re.escape(piece), line) is not None


# -- transitions -----------------------------------------------------------------------------


def test_transition_events_have_from_to_and_time(impl, clock):
    """Every transition is one state_change event with the right from, to and time"""
    users = FakeService("users", clock).script(503, 503, 503)
    breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=10,
                                  success_threshold=1, name="users", clock=clock)
    recorder = Recorder()
    breaker.add_listener(recorder)
    for pause in (1.0, 1.0, 10.5, 10.5):  # fail at t=1 and t=2; trials at t=12.5 and t=23
        clock.advance(pause)
        through(breaker, fetcher(users))
    scenario = Scenario("failure_threshold=2, recovery_timeout=10, success_threshold=1; users "
                        "answers 503 at t=1 and t=2 (opens), a trial at t=12.5 answers 503 "
                        "(re-opens), a trial at t=23 answers 200 (closes)")
    S = impl.State
    expected = [(S.CLOSED, S.OPEN, 2.0), (S.OPEN, S.HALF_OPEN, 12.5),
                (S.HALF_OPEN, S.OPEN, 12.5), (S.OPEN, S.HALF_OPEN, 23.0),
                (S.HALF_OPEN, S.CLOSED, 23.0)]
    got = recorder.transitions()
    same = len(got) == len(expected) and all(
        a == x and b == y and close(t, z) for (a, b, t), (x, y, z) in zip(got, expected))
    scenario.expect(same, expected=f"exactly these state_change events: "
                                   f"{describe_transitions(expected)}",
                    observed=describe_transitions(got),
                    timeline=str(recorder) + "\n" + users.timeline())
    names = {event.breaker for event in recorder.events}
    scenario.expect(names == {"users"}, expected="every event names its breaker: 'users'",
                    observed=f"breaker names in the events: {sorted(map(repr, names))}")


def test_a_slow_call_reports_when_it_ends(impl, clock):
    """A call's outcome, and the transition it causes, carry the time the call ended"""
    users = FakeService("users", clock).script(error(503, latency=2.0))
    breaker = impl.CircuitBreaker(failure_threshold=1, recovery_timeout=30, name="users",
                                  clock=clock)
    recorder = Recorder()
    breaker.add_listener(recorder)
    clock.advance(1.0)
    through(breaker, fetcher(users))  # starts at t=1, answers 503 at t=3: opens
    clock.advance(1.0)
    m = breaker.metrics()
    scenario = Scenario("failure_threshold=1; a call starts at t=1 and users answers 503 after "
                        "2 s (at t=3, on the fake clock): the breaker opens; metrics() at t=4")
    got = [(e.kind, e.time) for e in recorder.events]
    same = len(got) == 2 and got[0][0] == "failure" and got[1][0] == "state_change" and all(
        close(t, 3.0) for _, t in got)
    scenario.expect(same, expected="events: failure at t=3, state_change at t=3 (an outcome "
                                   "happens when the call ends, not when it starts)",
                    observed="events: " + (", ".join(f"{k} at t={t:g}" for k, t in got)
                                           or "none"),
                    timeline=str(recorder) + "\n" + users.timeline())
    scenario.expect(m.state == impl.State.OPEN and close(m.seconds_in_state, 1.0),
                    expected="at t=4: state OPEN, seconds_in_state 1.0 (open since t=3)",
                    observed=f"state {name_of(m.state)}, seconds_in_state "
                             f"{m.seconds_in_state!r}")


def test_each_transition_is_announced_once(impl, clock):
    """Reading the state or the metrics never announces a transition twice"""
    users = FakeService("users", clock).script(503)
    changes: list[tuple[Any, Any]] = []
    breaker = impl.CircuitBreaker(failure_threshold=1, recovery_timeout=10,
                                  success_threshold=2, name="users", clock=clock,
                                  on_state_change=lambda old, new: changes.append((old, new)))
    recorder = Recorder()
    breaker.add_listener(recorder)
    through(breaker, fetcher(users))  # t=0: 503, opens
    clock.advance(11.0)
    heard_before = len(recorder.events), len(changes)
    for _ in range(3):  # looking at the breaker after the timeout, before any call
        breaker.state
        breaker.metrics()
    heard_reading = len(recorder.events) - heard_before[0], len(changes) - heard_before[1]
    clock.advance(1.0)
    through(breaker, fetcher(users))  # t=12, first trial: 200, stays HALF_OPEN
    breaker.state
    breaker.metrics()
    through(breaker, fetcher(users))  # second trial: 200, closes
    breaker.state
    breaker.metrics()
    scenario = Scenario("failure_threshold=1, recovery_timeout=10, success_threshold=2, with "
                        "a listener and on_state_change; a 503 opens the breaker at t=0; at "
                        "t=11 state and metrics() are read 3 times; at t=12 two trial calls "
                        "succeed, with state and metrics() read after each")
    scenario.expect(heard_reading == (0, 0),
                    expected="reading state and metrics() at t=11 emits nothing and calls "
                             "nothing: the switch to HALF_OPEN is announced by the next call",
                    observed=f"{heard_reading[0]} events and {heard_reading[1]} on_state_change "
                             f"calls while reading", timeline=str(recorder))
    half_open = [t for a, b, t in recorder.transitions() if b == impl.State.HALF_OPEN]
    scenario.expect(len(half_open) == 1 and close(half_open[0], 12.0),
                    expected="the OPEN->HALF_OPEN event at t=12, when the trial call arrived",
                    observed=f"at t={', '.join(f'{t:g}' for t in half_open) or 'never'}",
                    timeline=str(recorder))
    S = impl.State
    expected = [(S.CLOSED, S.OPEN), (S.OPEN, S.HALF_OPEN), (S.HALF_OPEN, S.CLOSED)]
    got = [(a, b) for a, b, _ in recorder.transitions()]
    text = "[" + ", ".join(f"{name_of(a)}->{name_of(b)}" for a, b in expected) + "]"
    scenario.expect(got == expected, expected=f"the listener hears each transition once: "
                                              f"{text}",
                    observed="[" + ", ".join(f"{name_of(a)}->{name_of(b)}" for a, b in got)
                             + "]", timeline=str(recorder))
    scenario.expect(changes == expected, expected=f"on_state_change is called once per "
                                                  f"transition: {text}",
                    observed="[" + ", ".join(f"{name_of(a)}->{name_of(b)}"
                                             for a, b in changes) + "]")


def test_concurrent_failures_announce_one_transition(impl, clock):
    """Under concurrent callers each transition is still announced exactly once"""
    threads = 4
    users = FakeService("users", clock).down(503)
    meeting = threading.Barrier(threads, timeout=1.0)
    users.before_reply(lambda call: meeting.wait())  # all 4 calls are in flight at once
    breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=30, name="users",
                                  clock=clock)
    recorder = Recorder()
    breaker.add_listener(recorder)
    outcomes = run_together(threads, fetcher(users), breaker)
    scenario = Scenario(f"failure_threshold=2; {threads} threads call at once while the "
                        f"breaker is CLOSED, all {threads} calls are in flight together and "
                        f"all answer 503")
    reached = users.call_count
    scenario.expect(reached == threads, expected=f"all {threads} calls admitted (CLOSED)",
                    observed=f"{reached} reached users; outcomes: "
                             f"{', '.join(str(o) for o in outcomes)}",
                    timeline=users.timeline())
    transitions = recorder.transitions()
    scenario.expect(len(transitions) == 1 and transitions[0][:2] == (impl.State.CLOSED,
                                                                     impl.State.OPEN),
                    expected="exactly one state_change: CLOSED->OPEN (the late failures of "
                             "calls admitted before it change nothing)",
                    observed=f"{len(transitions)} state_change events: "
                             f"{describe_transitions(transitions)}", timeline=str(recorder))
    failures = recorder.kinds().count("failure")
    scenario.expect(failures == threads, expected=f"{threads} failure events, one per call "
                    f"(late calls are still calls)", observed=f"{failures}",
                    timeline=str(recorder))


def test_a_late_result_is_reported_but_moves_nothing(impl, clock):
    """A late failure from an earlier CLOSED period is an event and a count, not a transition"""
    users = FakeService("users", clock).script(503, 200, 200)
    breaker = impl.CircuitBreaker(failure_threshold=1, recovery_timeout=10,
                                  success_threshold=1, name="users", clock=clock)
    recorder = Recorder()
    breaker.add_listener(recorder)
    admitted, finish = threading.Event(), threading.Event()

    def slow_call() -> None:
        admitted.set()
        if not finish.wait(2.0):
            raise TimeoutError("the check never let the slow call finish")
        raise requests.ConnectionError("users: connection reset (late)")

    interrupted_admitted = threading.Event()

    def slow_interrupted_call() -> None:
        interrupted_admitted.set()
        finish.wait(2.0)
        raise KeyboardInterrupt  # Ctrl-C, late: neither success nor failure, but reported

    def run_interrupted() -> None:
        try:
            breaker.call(slow_interrupted_call)
        except KeyboardInterrupt:
            pass
        except NotImplementedError as error:
            late.append(Outcome(error=error))

    late: list[Outcome] = []
    worker = threading.Thread(target=lambda: late.append(through(breaker, slow_call)),
                              daemon=True)
    worker.start()
    interrupter = threading.Thread(target=run_interrupted, daemon=True)
    interrupter.start()
    if not (admitted.wait(2.0) and interrupted_admitted.wait(2.0)):
        for outcome in late:
            if isinstance(outcome.error, NotImplementedError):
                raise outcome.error
        fail("a slow call is admitted while CLOSED", expected="the call starts",
             observed="it never started")
    through(breaker, fetcher(users))  # t=0: 503, opens
    clock.advance(11.0)
    through(breaker, fetcher(users))  # t=11: the trial answers 200, closes
    finish.set()  # now the slow calls, admitted in the first CLOSED period, end
    worker.join(2.0)
    interrupter.join(2.0)
    after = through(breaker, fetcher(users))
    scenario = Scenario("failure_threshold=1, recovery_timeout=10, success_threshold=1; two "
                        "slow calls are admitted while CLOSED; meanwhile a 503 opens the "
                        "breaker (t=0) and a trial closes it (t=11); then one slow call fails "
                        "(failure_threshold is 1, but it belongs to the earlier period) and the "
                        "other ends in KeyboardInterrupt; then one more call")
    transitions = [(a, b) for a, b, _ in recorder.transitions()]
    S = impl.State
    scenario.expect(transitions == [(S.CLOSED, S.OPEN), (S.OPEN, S.HALF_OPEN),
                                    (S.HALF_OPEN, S.CLOSED)],
                    expected="three transitions only: CLOSED->OPEN, OPEN->HALF_OPEN, "
                             "HALF_OPEN->CLOSED (the late failure opens nothing)",
                    observed=describe_transitions(recorder.transitions()),
                    timeline=str(recorder))
    scenario.expect(recorder.kinds().count("failure") == 2 and breaker.metrics().failures == 2,
                    expected="2 failure events and failures=2: the late failure is reported "
                             "and counted",
                    observed=f"{recorder.kinds().count('failure')} failure events, "
                             f"failures={breaker.metrics().failures}", timeline=str(recorder))
    scenario.expect(recorder.kinds().count("ignored") == 1 and breaker.metrics().ignored == 1,
                    expected="1 ignored event and ignored=1: the late Ctrl-C is reported and "
                             "counted too",
                    observed=f"{recorder.kinds().count('ignored')} ignored events, "
                             f"ignored={breaker.metrics().ignored}", timeline=str(recorder))
    scenario.expect(after.returned and getattr(after.value, "status_code", None) == 200,
                    expected="the next call reaches users and returns its 200",
                    observed=str(after), timeline=users.timeline())


def test_a_call_turned_away_during_a_trial_is_a_rejection(impl, clock):
    """A call turned away while a trial is in flight is a rejection, counted and reported"""
    users = FakeService("users", clock).script(503)
    breaker = impl.CircuitBreaker(failure_threshold=1, recovery_timeout=10,
                                  success_threshold=1, name="users", clock=clock)
    recorder = Recorder()
    breaker.add_listener(recorder)
    through(breaker, fetcher(users))  # t=0: 503, opens
    clock.advance(11.0)
    admitted, finish = threading.Event(), threading.Event()

    def slow_trial() -> str:
        admitted.set()
        finish.wait(2.0)
        return "the trial's answer"

    trial: list[Outcome] = []
    worker = threading.Thread(target=lambda: trial.append(through(breaker, slow_trial)),
                              daemon=True)
    worker.start()
    if not admitted.wait(2.0):
        finish.set()
        worker.join(2.0)
        for outcome in trial:
            if isinstance(outcome.error, NotImplementedError):
                raise outcome.error
        fail("a trial call at t=11", expected="the trial starts", observed="it never started")
    turned_away = through(breaker, fetcher(users))
    during = breaker.metrics()
    finish.set()
    worker.join(2.0)
    scenario = Scenario("failure_threshold=1, recovery_timeout=10, success_threshold=1 "
                        "(half_open_max_calls=1); a 503 opens the breaker at t=0; at t=11 a "
                        "trial call is admitted and stays in flight; meanwhile another call "
                        "arrives")
    scenario.expect(turned_away.raised(impl.CircuitOpenError),
                    expected="the other call is rejected with CircuitOpenError (the one trial "
                             "place is taken)", observed=str(turned_away))
    rejected = [e for e in recorder.events if e.kind == "rejected"]
    scenario.expect(len(rejected) == 1 and rejected[0].error is turned_away.error
                    and (during.rejections, during.calls) == (1, 1),
                    expected="one rejected event, carrying that CircuitOpenError, and "
                             "rejections=1, calls=1 (the trial is still running: only the "
                             "503 has ended)",
                    observed=f"{len(rejected)} rejected events; rejections="
                             f"{during.rejections}, calls={during.calls}",
                    timeline=str(recorder))


def run_together(n: int, func: Callable[[], Any], breaker: Any) -> list[Outcome]:
    """``breaker.call(func)`` on ``n`` threads released together; what each caller got."""
    start = threading.Barrier(n, timeout=2.0)
    outcomes = [Outcome() for _ in range(n)]

    def worker(i: int) -> None:
        try:
            start.wait()
            outcomes[i] = Outcome(value=breaker.call(func))
        except BaseException as error:  # judged on the check's own thread
            outcomes[i] = Outcome(error=error)

    workers = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(n)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(2.0)
    if any(thread.is_alive() for thread in workers):
        fail(f"{n} threads call the breaker at once", expected="every call returns",
             observed="some threads are still inside the breaker after 2 s (a deadlock?)")
    for outcome in outcomes:
        if isinstance(outcome.error, NotImplementedError):
            raise outcome.error
    return outcomes


def test_a_trial_is_announced_before_its_outcome(impl, clock):
    """A trial's events come in order: OPEN->HALF_OPEN, its outcome, then the verdict"""
    users = FakeService("users", clock).script(503, 503, 200)
    breaker = impl.CircuitBreaker(failure_threshold=1, recovery_timeout=10,
                                  success_threshold=1, name="users", clock=clock)
    recorder = Recorder()
    breaker.add_listener(recorder)
    through(breaker, fetcher(users))  # t=0: 503, opens
    for _ in range(2):  # t=11: a trial that fails; t=22: a trial that succeeds
        clock.advance(11.0)
        through(breaker, fetcher(users))
    scenario = Scenario("failure_threshold=1, recovery_timeout=10, success_threshold=1; a 503 "
                        "opens the breaker at t=0; a trial at t=11 answers 503, a trial at "
                        "t=22 answers 200")

    def step(event: Any) -> str:
        if event.kind == "state_change":
            return f"{name_of(event.from_state)}->{name_of(event.to_state)}"
        return event.kind

    expected = ["failure", "CLOSED->OPEN", "OPEN->HALF_OPEN", "failure", "HALF_OPEN->OPEN",
                "OPEN->HALF_OPEN", "success", "HALF_OPEN->CLOSED"]
    got = [step(event) for event in recorder.events]
    scenario.expect(got == expected, expected="events in this order: " + ", ".join(expected),
                    observed=", ".join(got) or "no events", timeline=str(recorder))


# -- outcomes ---------------------------------------------------------------------------------


def test_every_call_outcome_is_an_event(impl, clock):
    """Every call is one event: success, failure, rejected or ignored, in order"""
    users = FakeService("users", clock).script(200, 404, 503, 503)
    breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=30, name="users",
                                  clock=clock)
    recorder = Recorder()
    breaker.add_listener(recorder)
    caller_got: list[BaseException | None] = []
    clock.advance(1.0)
    try:
        breaker.call(interrupted)
    except KeyboardInterrupt as error:
        caller_got.append(error)
    else:
        caller_got.append(None)
    for _ in range(5):  # t=2: 200, t=3: 404, t=4: 503, t=5: 503 (opens), t=6: rejected
        clock.advance(1.0)
        caller_got.append(through(breaker, json_fetcher(users)).error)
    scenario = Scenario("failure_threshold=2; at t=1 the call raises KeyboardInterrupt; then "
                        "GET /users/7 with raise_for_status() at t=2 (200), t=3 (404), "
                        "t=4 (503), t=5 (503: opens) and t=6 (rejected)")
    expected = [("ignored", 1.0), ("success", 2.0), ("success", 3.0), ("failure", 4.0),
                ("failure", 5.0), ("state_change", 5.0), ("rejected", 6.0)]
    got = [(e.kind, e.time) for e in recorder.events]
    same = len(got) == len(expected) and all(
        k == x and close(t, y) for (k, t), (x, y) in zip(got, expected))
    scenario.expect(same, expected="events: " + ", ".join(f"{k} at t={t:g}"
                                                          for k, t in expected)
                    + " (a 404 is an answer: a success; Ctrl-C: ignored)",
                    observed="events: " + (", ".join(f"{k} at t={t:g}" for k, t in got)
                                           or "none"),
                    timeline=str(recorder) + "\n" + users.timeline())
    errors = [event.error for event in recorder.events if event.kind != "state_change"]
    checks = [("ignored", "the KeyboardInterrupt the caller got"),
              ("success at t=2", "None (the call returned)"),
              ("success at t=3", "the 404 HTTPError the caller got"),
              ("failure at t=4", "the 503 HTTPError the caller got"),
              ("failure at t=5", "the 503 HTTPError the caller got"),
              ("rejected", "the CircuitOpenError the caller got")]
    for (label, wanted), error, expected_error in zip(checks, errors, caller_got):
        scenario.expect(error is expected_error,
                        expected=f"the {label} event's error is {wanted}",
                        observed=f"it is {error!r}")


def test_raised_and_returned_outcomes_are_events(impl, clock):
    """A returned 503 is a failure with no error; SystemExit is ignored, like Ctrl-C"""
    users = FakeService("users", clock).script(503, 200, 404)
    breaker = impl.CircuitBreaker(failure_threshold=5, recovery_timeout=30, name="users",
                                  clock=clock)
    recorder = Recorder()
    breaker.add_listener(recorder)
    returned = [through(breaker, fetcher(users)) for _ in range(3)]

    def exits() -> None:
        raise SystemExit(3)

    try:
        breaker.call(exits)
    except SystemExit as error:
        exited: BaseException | None = error
    else:
        exited = None
    scenario = Scenario("GET /users/7 returning the Response as is (no raise_for_status): "
                        "users answers 503, 200, 404; then a call raises SystemExit")
    got = [(event.kind, event.error) for event in recorder.events]
    expected = [("failure", None), ("success", None), ("success", None), ("ignored", exited)]
    scenario.expect(exited is not None and got == expected,
                    expected="events: failure (error None: the 503 was returned, not raised), "
                             "success, success (a returned 404 is an answer), ignored (with the "
                             "SystemExit the caller got)",
                    observed=", ".join(f"{kind} (error {error!r})" for kind, error in got)
                             or "no events", timeline=users.timeline())
    scenario.expect(all(o.returned for o in returned),
                    expected="the three responses returned to the caller as they are",
                    observed=", ".join(str(o) for o in returned))
    m = breaker.metrics()
    got_counts = (m.calls, m.successes, m.failures, m.ignored)
    scenario.expect(got_counts == (4, 2, 1, 1),
                    expected="metrics: calls=4, successes=2, failures=1, ignored=1",
                    observed=f"calls={m.calls}, successes={m.successes}, "
                             f"failures={m.failures}, ignored={m.ignored}")

    class Suspended(Exception):
        """A business error this breaker is told to exclude."""

    breaker = impl.CircuitBreaker(failure_threshold=5, recovery_timeout=30, name="users",
                                  clock=clock, exclude=[Suspended])
    recorder = Recorder()
    breaker.add_listener(recorder)
    suspended = Suspended("user 7 is suspended")

    def raises_suspended() -> None:
        raise suspended

    outcome = through(breaker, raises_suspended)
    scenario = Scenario("a breaker with exclude=[Suspended]; a call raises Suspended")
    got = [(event.kind, event.error) for event in recorder.events]
    scenario.expect(outcome.error is suspended and got == [("success", suspended)],
                    expected="the caller gets the Suspended error; one event: success, with "
                             "that error (an excluded error is an answer: a success, not "
                             "'ignored')",
                    observed=f"{outcome}; events: " + (", ".join(
                        f"{kind} (error {err!r})" for kind, err in got) or "none"))
    m = breaker.metrics()
    got_counts = (m.calls, m.successes, m.failures, m.ignored)
    scenario.expect(got_counts == (1, 1, 0, 0),
                    expected="metrics: calls=1, successes=1, failures=0, ignored=0",
                    observed=f"calls={m.calls}, successes={m.successes}, "
                             f"failures={m.failures}, ignored={m.ignored}")


def test_metrics_snapshot_counts_everything(impl, clock):
    """metrics() counts calls, successes, failures, ignored and rejections, with rate and state"""
    users = FakeService("users", clock).script(200, 200, 503, 200, 503, 503, 503)
    clock.advance(5.0)
    breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=30, name="users",
                                  clock=clock)
    clock.advance(2.0)
    fresh = breaker.metrics()
    scenario = Scenario("a new breaker, created at t=5, read at t=7")
    observed = repr(fresh)
    scenario.expect((fresh.calls, fresh.successes, fresh.failures, fresh.rejections,
                     fresh.ignored) == (0, 0, 0, 0, 0) and fresh.failure_rate == 0.0
                    and fresh.state == impl.State.CLOSED
                    and close(fresh.seconds_in_state, 2.0),
                    expected="calls=0, successes=0, failures=0, rejections=0, ignored=0, "
                             "failure_rate=0.0, state=CLOSED, seconds_in_state=2.0",
                    observed=observed)
    try:
        breaker.call(interrupted)
    except KeyboardInterrupt:
        pass
    for _ in range(7):  # 200, 200, 503, 200, 503, 503, 503: opens on the 7th
        through(breaker, fetcher(users))
    for _ in range(4):
        through(breaker, fetcher(users))  # rejected
    clock.advance(12.5)
    m = breaker.metrics()
    scenario = Scenario("failure_threshold=3; one call raises KeyboardInterrupt, then users "
                        "answers 200, 200, 503, 200, 503, 503, 503 (opens at t=7), then 4 "
                        "calls are rejected; metrics() read 12.5 s after opening")
    wanted = dict(calls=8, successes=3, failures=4, rejections=4, ignored=1)
    got = {key: getattr(m, key) for key in wanted}
    scenario.expect(got == wanted,
                    expected="calls=8 (7 answered + 1 ignored; rejections are not calls), "
                             "successes=3, failures=4, rejections=4, ignored=1",
                    observed=", ".join(f"{k}={v}" for k, v in got.items()),
                    timeline=users.timeline())
    scenario.expect(abs(m.failure_rate - 400 / 7) < 0.01,
                    expected="failure_rate 57.14 (4 failures of 7 judged calls, in percent)",
                    observed=f"{m.failure_rate!r}")
    scenario.expect(m.state == impl.State.OPEN and close(m.seconds_in_state, 12.5),
                    expected="state OPEN, seconds_in_state 12.5",
                    observed=f"state {name_of(m.state)}, seconds_in_state "
                             f"{m.seconds_in_state!r}")


def test_rejections_are_not_calls(impl, clock):
    """Rejected calls are counted as rejections, never as calls or failures of the service"""
    payments = FakeService("payments", clock).down(503)
    breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=30, name="payments",
                                  clock=clock)
    for _ in range(12):  # 2 failures open it; the other 10 are rejected
        through(breaker, fetcher(payments))
        clock.advance(0.5)
    m = breaker.metrics()
    scenario = Scenario("failure_threshold=2; payments answers 503; 12 calls: 2 reach "
                        "payments and fail (opens), 10 are rejected")
    scenario.expect(payments.call_count == 2, expected="2 calls reach payments",
                    observed=f"{payments.call_count}", timeline=payments.timeline())
    got = (m.calls, m.failures, m.successes, m.rejections)
    scenario.expect(got == (2, 2, 0, 10) and close(m.failure_rate, 100.0),
                    expected="calls=2, failures=2, successes=0, rejections=10, "
                             "failure_rate=100.0: a rejection never reached the service",
                    observed=f"calls={got[0]}, failures={got[1]}, successes={got[2]}, "
                             f"rejections={got[3]}, failure_rate={m.failure_rate!r}")


def test_counts_survive_every_transition(impl, clock):
    """The counts run from creation: opening, half-opening and closing reset none of them"""
    users = FakeService("users", clock).script(200, 503, 503, 200, 200)
    breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=10,
                                  success_threshold=2, name="users", clock=clock)
    for _ in range(4):  # 200, 503, 503 (opens), rejected
        through(breaker, fetcher(users))
    clock.advance(11.0)
    for _ in range(2):  # two trials: 200, 200 (closes)
        through(breaker, fetcher(users))
    m = breaker.metrics()
    scenario = Scenario("failure_threshold=2, recovery_timeout=10, success_threshold=2; users "
                        "answers 200, 503, 503 (opens), 1 call is rejected; 11 s later two "
                        "trials answer 200 (closes); metrics() read after closing")
    got = (m.calls, m.successes, m.failures, m.rejections, m.state)
    scenario.expect(got == (5, 3, 2, 1, impl.State.CLOSED) and close(m.failure_rate, 40.0),
                    expected="calls=5, successes=3, failures=2, rejections=1, "
                             "failure_rate=40.0, state CLOSED: counters only ever go up "
                             "(a dashboard computes rates from two scrapes)",
                    observed=f"calls={m.calls}, successes={m.successes}, failures={m.failures}, "
                             f"rejections={m.rejections}, failure_rate={m.failure_rate!r}, "
                             f"state {name_of(m.state)}", timeline=users.timeline())


def test_metrics_is_a_snapshot(impl, clock):
    """A metrics snapshot does not change when the breaker moves on"""
    users = FakeService("users", clock).script(200, 503, 503)
    breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=30, name="users",
                                  clock=clock)
    through(breaker, fetcher(users))
    clock.advance(1.0)
    before = breaker.metrics()
    taken = (before.calls, before.successes, before.failures, before.state,
             before.seconds_in_state)
    for _ in range(3):  # 503, 503 (opens), rejected
        through(breaker, fetcher(users))
    clock.advance(5.0)
    after = breaker.metrics()
    now = (before.calls, before.successes, before.failures, before.state,
           before.seconds_in_state)
    scenario = Scenario("snapshot = breaker.metrics() after 1 success; then 2 failures open "
                        "the breaker, 1 call is rejected and 5 s pass")
    scenario.expect(now == taken, expected=f"the snapshot still says calls=1, successes=1, "
                    f"failures=0, state=CLOSED, seconds_in_state={taken[4]!r}",
                    observed=f"it now says calls={now[0]}, successes={now[1]}, "
                             f"failures={now[2]}, state={name_of(now[3])}, "
                             f"seconds_in_state={now[4]!r}")
    scenario.expect(after.calls == 3 and after.state == impl.State.OPEN,
                    expected="a new metrics() call says calls=3, state=OPEN",
                    observed=f"calls={after.calls}, state={name_of(after.state)}")


def test_seconds_in_state_restart_at_each_transition(impl, clock):
    """Time in state counts from the last transition, on the injected clock"""
    users = FakeService("users", clock).script(503)
    clock.advance(100.0)
    breaker = impl.CircuitBreaker(failure_threshold=1, recovery_timeout=10,
                                  success_threshold=2, name="users", clock=clock)
    scenario = Scenario("a breaker created at t=100 (failure_threshold=1, recovery_timeout=10, "
                        "success_threshold=2): read at t=103 (CLOSED), a 503 at t=103 opens "
                        "it, read at t=107.5, a first trial at t=113.5 succeeds (HALF_OPEN), "
                        "read at t=114.5, a second trial at t=115 succeeds (closes), read at "
                        "t=117")

    def expect_reading(state: str, since: float, seconds: float) -> None:
        m = breaker.metrics()
        scenario.expect(name_of(m.state) == state and close(m.seconds_in_state, seconds),
                        expected=f"at t={clock.now:g}: {state} since t={since:g}, "
                                 f"seconds_in_state {seconds}",
                        observed=f"state {name_of(m.state)}, seconds_in_state "
                                 f"{m.seconds_in_state!r}", timeline=users.timeline())

    clock.advance(3.0)
    expect_reading("CLOSED", 100.0, 3.0)
    through(breaker, fetcher(users))  # t=103: 503, opens
    clock.advance(4.5)
    expect_reading("OPEN", 103.0, 4.5)
    clock.advance(6.0)
    through(breaker, fetcher(users))  # t=113.5: the first trial answers 200: HALF_OPEN
    clock.advance(1.0)
    expect_reading("HALF_OPEN", 113.5, 1.0)
    clock.advance(0.5)
    through(breaker, fetcher(users))  # t=115: the second trial answers 200, closes
    clock.advance(2.0)
    expect_reading("CLOSED", 115.0, 2.0)


# -- listeners that misbehave ----------------------------------------------------------------------


def broken_listener(event: Any) -> None:
    raise RuntimeError("a bug in a listener")


def test_a_raising_listener_never_changes_what_callers_get(impl, clock):
    """A listener that raises never changes a call's result or exception"""
    users = FakeService("users", clock).script(200, 503, 503)
    breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=30, name="users",
                                  clock=clock)
    breaker.add_listener(broken_listener)
    try:
        breaker.call(interrupted)
    except KeyboardInterrupt:
        ctrl_c = "KeyboardInterrupt raised"
    except Exception as error:
        ctrl_c = f"{type(error).__name__} raised instead"
    else:
        ctrl_c = "it returned"
    outcomes = [through(breaker, json_fetcher(users)) for _ in range(4)]
    scenario = Scenario("a listener raises RuntimeError on every event; a call raises "
                        "KeyboardInterrupt")
    scenario.expect(ctrl_c == "KeyboardInterrupt raised",
                    expected="the caller gets its KeyboardInterrupt (the ignored event's "
                             "listener error is logged, not raised)", observed=ctrl_c)
    scenario = Scenario("a listener raises RuntimeError on every event; failure_threshold=2; "
                        "GET /users/7 with raise_for_status(): 200, 503, 503 (opens), then a "
                        "4th call")
    wanted = [("the user's JSON returned", lambda o: o.returned and isinstance(o.value, dict)),
              ("the 503 HTTPError raised", lambda o: o.raised(requests.HTTPError)),
              ("the 503 HTTPError raised (it trips the breaker)",
               lambda o: o.raised(requests.HTTPError)),
              ("CircuitOpenError raised", lambda o: o.raised(impl.CircuitOpenError))]
    for number, ((text, ok), outcome) in enumerate(zip(wanted, outcomes), start=1):
        scenario.expect(ok(outcome), expected=f"call {number}: {text}",
                        observed=str(outcome), timeline=users.timeline())


def test_a_raising_listener_never_aborts_a_transition(impl, clock):
    """A listener or on_state_change that raises never stops a transition"""
    users = FakeService("users", clock).script(503, 503)
    heard: list[tuple[Any, Any]] = []

    def broken_on_state_change(old: Any, new: Any) -> None:
        heard.append((old, new))
        raise RuntimeError("a bug in on_state_change")

    breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=10,
                                  success_threshold=1, name="users", clock=clock,
                                  on_state_change=broken_on_state_change)
    breaker.add_listener(broken_listener)
    scenario = Scenario("a listener and on_state_change both raise RuntimeError every time; "
                        "failure_threshold=2, recovery_timeout=10, success_threshold=1; users "
                        "answers 503, 503, then 200")
    for _ in range(2):
        through(breaker, fetcher(users))
    reached_before = users.call_count
    outcome = through(breaker, fetcher(users))
    scenario.expect(users.call_count == reached_before and
                    outcome.raised(impl.CircuitOpenError),
                    expected="after 2 failures the breaker is OPEN: the 3rd call is rejected "
                             "without reaching users",
                    observed=f"the 3rd call: {outcome}; {users.call_count} calls reached "
                             f"users", timeline=users.timeline())
    clock.advance(10.5)
    outcome = through(breaker, fetcher(users))
    scenario.expect(outcome.returned and getattr(outcome.value, "status_code", None) == 200,
                    expected="10.5 s later a trial call reaches users and returns its 200",
                    observed=str(outcome), timeline=users.timeline())
    state = breaker.state
    scenario.expect(state == impl.State.CLOSED,
                    expected="the successful trial closes the breaker: state CLOSED",
                    observed=f"state {name_of(state)}", timeline=users.timeline())
    S = impl.State
    expected = [(S.CLOSED, S.OPEN), (S.OPEN, S.HALF_OPEN), (S.HALF_OPEN, S.CLOSED)]
    scenario.expect(heard == expected, expected="on_state_change called for CLOSED->OPEN, "
                                                "OPEN->HALF_OPEN, HALF_OPEN->CLOSED",
                    observed="[" + ", ".join(f"{name_of(a)}->{name_of(b)}"
                                             for a, b in heard) + "]")


def test_other_listeners_still_run(impl, clock):
    """When one listener raises, the listeners after it still receive every event"""
    users = FakeService("users", clock).down(503)
    breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=30, name="users",
                                  clock=clock)
    breaker.add_listener(broken_listener)
    recorder = Recorder()
    breaker.add_listener(recorder)
    breaker.add_listener(broken_listener)
    for _ in range(3):  # 503, 503 (opens), rejected
        clock.advance(1.0)
        through(breaker, fetcher(users))
    scenario = Scenario("three listeners: one that raises, a recorder, one that raises; "
                        "failure_threshold=2; users answers 503, 503 (opens), then a call "
                        "is rejected")
    expected = ["failure", "failure", "state_change", "rejected"]
    scenario.expect(recorder.kinds() == expected,
                    expected="the recorder receives every event: " + ", ".join(expected),
                    observed=", ".join(recorder.kinds()) or "no events",
                    timeline=str(recorder))


def test_listeners_hear_events_in_the_order_they_were_added(impl, clock):
    """Listeners are called in the order they were added, on_state_change before them"""
    users = FakeService("users", clock).down(503)
    heard: list[str] = []
    breaker = impl.CircuitBreaker(
        failure_threshold=1, recovery_timeout=30, name="users", clock=clock,
        on_state_change=lambda old, new: heard.append(
            f"on_state_change {name_of(old)}->{name_of(new)}"))
    for label in ("first", "second", "third"):
        breaker.add_listener(lambda event, label=label: heard.append(f"{label} {event.kind}"))
    through(breaker, fetcher(users))  # 503: opens
    scenario = Scenario("on_state_change and three listeners added in the order first, "
                        "second, third, each noting what it hears; failure_threshold=1; users "
                        "answers 503 (the breaker opens)")
    expected = ["first failure", "second failure", "third failure",
                "on_state_change CLOSED->OPEN", "first state_change", "second state_change",
                "third state_change"]
    scenario.expect(heard == expected,
                    expected="heard in this order: " + ", ".join(expected) + " (each event to "
                             "every listener in turn; on_state_change hears a transition before "
                             "the listeners do)",
                    observed=", ".join(heard) or "nothing")


class LogRecords(logging.Handler):
    """Every log record, from any logger, at any level."""

    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def about(self, error: BaseException) -> list[logging.LogRecord]:
        """The records that carry ``error``: as their exception, or in their message."""
        found = []
        for record in self.records:
            carried = record.exc_info[1] if record.exc_info else None
            try:
                message = record.getMessage()
            except Exception:  # a broken format string is still a record
                message = str(record.msg)
            if carried is error or str(error) in message:
                found.append(record)
        return found


@contextmanager
def captured_logs() -> Iterator[LogRecords]:
    """Capture every record that reaches the root logger, whatever the levels say."""
    root = logging.getLogger()
    handler = LogRecords()
    saved = root.level
    root.addHandler(handler)
    root.setLevel(1)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(saved)


def test_a_raising_listener_is_logged(impl, clock):
    """A listener or on_state_change that raises is logged with logging, with its error"""
    users = FakeService("users", clock).down(503)
    listener_error = RuntimeError("listener bug #1 (a KeyError in an exporter)")
    change_error = RuntimeError("on_state_change bug #2 (the pager is down)")

    def broken(event: Any) -> None:
        raise listener_error

    def broken_change(old: Any, new: Any) -> None:
        raise change_error

    breaker = impl.CircuitBreaker(failure_threshold=1, recovery_timeout=30, name="users",
                                  clock=clock, on_state_change=broken_change)
    breaker.add_listener(broken)
    with captured_logs() as logs:
        outcome = through(breaker, fetcher(users))  # 503: opens
    scenario = Scenario("a listener raises RuntimeError on every event and on_state_change "
                        "raises too; failure_threshold=1; users answers 503 (the breaker opens)")
    scenario.expect(outcome.returned and getattr(outcome.value, "status_code", None) == 503,
                    expected="the 503 Response returned to the caller", observed=str(outcome))
    for who, error in (("the listener", listener_error), ("on_state_change", change_error)):
        scenario.expect(bool(logs.about(error)),
                        expected=f"a log record (through logging) for what {who} raised, "
                                 f"carrying that error (logger.exception(...), or exc_info=True)",
                        observed=f"{len(logs.records)} log records, none about "
                                 f"{error!r}" + (": " + "; ".join(
                                     r.getMessage()[:80] for r in logs.records[:3])
                                                 if logs.records else ""))


def test_listeners_run_outside_the_breaker_lock(impl, clock):
    """Listeners run after the breaker's lock is released: they may read the breaker"""
    users = FakeService("users", clock).down(503)
    breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=30, name="users",
                                  clock=clock)
    seen: list[tuple[str, bool]] = []
    errors: list[BaseException] = []

    def read_breaker() -> None:
        try:
            breaker.state
            breaker.metrics()
        except BaseException as error:  # judged on the check's own thread
            errors.append(error)

    def curious(event: Any) -> None:
        """Reads the breaker as an exporter thread would, waiting at most 1 s for the read.

        A loaded machine is slow, but a held lock blocks for good: 1 s tells them apart.
        """
        read = threading.Thread(target=read_breaker, daemon=True)
        read.start()
        read.join(1.0 if not seen or seen[-1][1] else 0.0)
        seen.append((event.kind, not read.is_alive()))

    breaker.add_listener(curious)
    done = threading.Event()

    def calls() -> None:
        try:
            for _ in range(3):  # 503, 503 (opens), rejected
                through(breaker, fetcher(users))
        except BaseException as error:
            errors.append(error)
        done.set()

    worker = threading.Thread(target=calls, daemon=True)
    worker.start()
    worker.join(2.0)
    for error in errors:
        if isinstance(error, NotImplementedError):
            raise error
    scenario = Scenario("a listener reads breaker.state and breaker.metrics() (on a helper "
                        "thread, as a metrics exporter would) for every event; "
                        "failure_threshold=2; users answers 503, 503 (opens), then a call "
                        "is rejected")
    scenario.expect(done.is_set(), expected="the three calls return",
                    observed="they are still stuck after 2 s", timeline=users.timeline())
    kinds = [kind for kind, _ in seen]
    scenario.expect(kinds == ["failure", "failure", "state_change", "rejected"],
                    expected="the listener ran for failure, failure, state_change, rejected",
                    observed=", ".join(kinds) or "it never ran")
    scenario.expect(not errors, expected="reading the breaker from a listener works",
                    observed=f"it raised {errors[0]!r}" if errors else "")
    blocked = [kind for kind, read in seen if not read]
    first = blocked[0] if blocked else ""
    scenario.expect(not blocked, expected="every read of the breaker returns at once",
                    observed=f"reading the breaker blocked during the {first} event: the "
                             f"listener is called while the breaker holds its lock (so a slow "
                             f"listener would stall every caller)")


def test_a_listener_may_add_a_listener(impl, clock):
    """A listener may add another listener while it runs: nothing hangs, nothing is lost"""
    users = FakeService("users", clock).down(503)
    breaker = impl.CircuitBreaker(failure_threshold=5, recovery_timeout=30, name="users",
                                  clock=clock)
    late = Recorder()

    def adds_one(event: Any) -> None:
        if not late.events and late not in added:
            added.append(late)
            breaker.add_listener(late)  # e.g. an exporter that subscribes on first sight

    added: list[Recorder] = []
    breaker.add_listener(adds_one)
    outcomes: list[Outcome] = []
    worker = threading.Thread(
        target=lambda: outcomes.extend(through(breaker, fetcher(users)) for _ in range(2)),
        daemon=True)
    worker.start()
    worker.join(1.0)
    for outcome in outcomes:
        if isinstance(outcome.error, NotImplementedError):
            raise outcome.error
    scenario = Scenario("a listener calls breaker.add_listener(another) when it hears its "
                        "first event; users answers 503 to two calls")
    scenario.expect(not worker.is_alive(),
                    expected="both calls return",
                    observed="the first call is still stuck after 1 s: publishing holds a lock "
                             "that add_listener needs (copy the listeners, then call them "
                             "with no lock held)")
    scenario.expect(late.kinds()[-1:] == ["failure"],
                    expected="the added listener hears the second call's failure",
                    observed=f"it heard {late.kinds()}", timeline=users.timeline())


def test_listeners_added_at_the_same_moment_are_both_kept(impl, clock):
    """Two threads adding a listener at the same moment: both listeners hear every event"""
    users = FakeService("users", clock).down(503)
    breaker = impl.CircuitBreaker(failure_threshold=5, recovery_timeout=30, name="users",
                                  clock=clock)
    first, second = Recorder(), Recorder()
    run = Lockstep(loader.graded_files)
    errors = run.run(lambda: breaker.add_listener(first), lambda: breaker.add_listener(second))
    for error in errors:
        if isinstance(error, NotImplementedError):
            raise error
    through(breaker, fetcher(users))
    scenario = Scenario("two threads call breaker.add_listener at the same moment (made to "
                        "take turns, one bytecode instruction each, inside your module); then a "
                        "call fails")
    scenario.expect(not any(errors), expected="both add_listener calls return",
                    observed="; ".join(repr(e) for e in errors if e is not None))
    heard = (first.kinds(), second.kinds())
    scenario.expect(heard == (["failure"], ["failure"]),
                    expected="both listeners hear the failure (adding a listener is a "
                             "read-and-update of the breaker: one lock around it)",
                    observed=f"the first heard {heard[0]}, the second {heard[1]}")


class PausingClock:
    """A fake clock that can hold one thread inside its next reading, to force a race."""

    def __init__(self, clock: Any) -> None:
        self.clock = clock
        self.hold: int | None = None
        self.held = threading.Event()
        self.release = threading.Event()

    def __call__(self) -> float:
        if self.hold == threading.get_ident():
            self.hold = None
            self.held.set()
            self.release.wait(2.0)
        return self.clock()


def test_a_snapshot_agrees_with_itself_under_concurrent_calls(impl, clock):
    """metrics() is taken at one moment: its state and time in state agree, even mid-transition"""
    users = FakeService("users", clock).down(503)
    pausing = PausingClock(clock)
    breaker = impl.CircuitBreaker(failure_threshold=1, recovery_timeout=30, name="users",
                                  clock=pausing)
    clock.advance(5.0)
    snapshots: list[Any] = []
    tripped = threading.Event()
    errors: list[BaseException] = []

    def read() -> None:
        pausing.hold = threading.get_ident()
        try:
            snapshots.append(breaker.metrics())
        except BaseException as error:  # judged on the check's own thread
            errors.append(error)

    def trip() -> None:
        through(breaker, fetcher(users))
        tripped.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    held = pausing.held.wait(1.0)  # metrics() is reading the clock, in the middle of its snapshot
    caller = threading.Thread(target=trip, daemon=True)
    caller.start()
    tripped.wait(0.1)  # a breaker that snapshots under its lock keeps the caller out meanwhile
    clock.advance(2.0)  # t=7 when metrics() gets its reading of the clock
    pausing.release.set()
    reader.join(2.0)
    caller.join(2.0)
    for error in errors:
        if isinstance(error, NotImplementedError):
            raise error
    later = breaker.metrics()
    scenario = Scenario("a breaker created at t=0 (failure_threshold=1), CLOSED; at t=5 one "
                        "thread takes metrics() while another thread's call fails and opens "
                        "the breaker at that very moment; the clock reads t=7 by the time "
                        "metrics() has read it")
    scenario.expect(held or bool(snapshots), expected="metrics() reads the breaker's clock",
                    observed="it never did")
    scenario.expect(later.state == impl.State.OPEN,
                    expected="afterwards, metrics() says OPEN", observed=repr(later))
    opened_at = 7.0 - later.seconds_in_state
    m = snapshots[0] if snapshots else None

    def between(moment: float, low: float, high: float) -> bool:
        return low - TOLERANCE <= moment <= high + TOLERANCE

    # The snapshot was taken between t=5 (metrics() called) and t=7 (its clock reading): the
    # moment it describes (creation at t=0 or the opening, plus its time in state) is in there.
    consistent = m is not None and (
        (m.state == impl.State.CLOSED and (m.calls, m.failures) == (0, 0)
         and between(m.seconds_in_state, 5.0, min(7.0, opened_at)))
        or (m.state == impl.State.OPEN and (m.calls, m.failures) == (1, 1)
            and between(opened_at + m.seconds_in_state, max(5.0, opened_at), 7.0)))
    scenario.expect(consistent,
                    expected=f"one moment between t=5 and t=7, not parts of two: the breaker "
                             f"opened at t={opened_at:g}, so either CLOSED with 0 calls for "
                             f"5 to {min(7.0, opened_at):g} s, or OPEN after 1 failed call for "
                             f"at most {7.0 - opened_at:g} s (read the counts, the state and "
                             f"the clock under one lock)",
                    observed=repr(m) if m is not None else
                    f"metrics() raised {errors[0]!r}" if errors else "no snapshot")


def test_a_snapshot_that_says_open_counts_the_failure_that_opened_it(impl, clock):
    """A snapshot taken while a failing call opens the breaker never says OPEN without that failure"""
    users = FakeService("users", clock).down(503)
    breaker = impl.CircuitBreaker(failure_threshold=1, recovery_timeout=30, name="users",
                                  clock=clock)
    snapshots: list[Any] = []

    def read() -> None:
        for _ in range(40):
            snapshots.append(breaker.metrics())

    errors = Lockstep(loader.graded_files).run(lambda: through(breaker, fetcher(users)), read)
    for error in errors:
        if isinstance(error, NotImplementedError):
            raise error
    scenario = Scenario("failure_threshold=1; one thread's call fails and opens the breaker "
                        "while another thread takes metrics() 40 times (the two made to take "
                        "turns, one bytecode instruction each, inside your module)")
    scenario.expect(not any(errors), expected="the call and every metrics() return",
                    observed="; ".join(repr(e) for e in errors if e is not None))
    torn = [m for m in snapshots
            if (m.state == impl.State.OPEN) != ((m.calls, m.failures) == (1, 1))]
    scenario.expect(not torn,
                    expected="every snapshot either CLOSED with 0 calls, or OPEN after 1 failed "
                             "call: the counts and the state change under one lock (counting "
                             "the failure after the lock is released lets a snapshot see OPEN "
                             "before the failure that opened it)",
                    observed=f"{len(torn)} of {len(snapshots)} snapshots torn, e.g. {torn[0]!r}"
                    if torn else "")


# -- status lines -------------------------------------------------------------------------------


def expect_line(scenario: Scenario, line: Any, name: str, pieces: list[str],
                timeline: str | None = None) -> None:
    text = f"{line!r}"
    scenario.expect(isinstance(line, str) and "\n" not in line,
                    expected=f"one line of text for {name}", observed=text)
    scenario.expect(line.startswith(f"{name}: "),
                    expected=f"the line starts with the breaker's name: '{name}: '",
                    observed=text)
    missing = [piece for piece in pieces if not contains(line, piece)]
    scenario.expect(not missing, expected=f"a line like '{name}: " + ", ".join(pieces)
                    .replace(", (", " (") + " ...' (see the README's format)",
                    observed=f"{text}, which lacks {', '.join(repr(p) for p in missing)}",
                    timeline=timeline)


def test_status_line_reads_like_the_readme(impl, clock):
    """status_line gives one readable line: name, state, calls, failures, rate, rejections, time"""
    users = FakeService("users", clock).script(200, 200, 503, 503)
    breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=30, name="users",
                                  clock=clock)
    fresh = impl.status_line(breaker)
    expect_line(Scenario("status_line of a new breaker named 'users'"), fresh, "users",
                ["CLOSED", "0 calls", "0 failures", "(0%)", "0 rejected", "0.0 s in state"])
    try:
        breaker.call(interrupted)
    except KeyboardInterrupt:
        pass
    for _ in range(7):  # 200, 200, 503, 503 (opens), 3 rejected
        through(breaker, fetcher(users))
    clock.advance(3.0)
    line = impl.status_line(breaker)
    expect_line(Scenario("a call ends in KeyboardInterrupt (ignored), then users answers 200, "
                         "200, 503, 503 (opens; failure_threshold=2), then 3 calls are "
                         "rejected; status_line 3 s after opening"),
                line, "users", ["OPEN", "5 calls", "2 failures", "(50%)", "3 rejected",
                                "3.0 s in state"], users.timeline())


def test_status_line_rounds_half_to_even(impl):
    """status_line rounds like Python's format(): 12.5% shows 12%, 2/3 shows 67%, 2.25 s 2.2"""
    cases = [(["503"] + ["200"] * 7, 2.25, "(12%)", "12.5% (1 of 8 calls failed)", "2.2 s"),
             (["503", "503", "200"], 2.75, "(67%)", "66.7% (2 of 3)", "2.8 s"),
             (["503"] * 5 + ["200"] * 3, 0.25, "(62%)", "62.5% (5 of 8)", "0.2 s")]
    for replies, wait, rate, explained, seconds in cases:
        local = FakeClock()
        users = FakeService("users", local).script(*[int(r) for r in replies])
        breaker = impl.CircuitBreaker(failure_threshold=100, recovery_timeout=30, name="users",
                                      clock=local)
        for _ in replies:
            through(breaker, fetcher(users))
        local.advance(wait)
        line = impl.status_line(breaker)
        expect_line(Scenario(f"users answers {', '.join(replies)}; status_line {wait:g} s "
                             f"after the breaker was created (failure rate {explained}); "
                             f"numbers are rounded half to even, as f'{{x:.0f}}' and round() do"),
                    line, "users", [f"{len(replies)} calls", rate, f"{seconds} in state"],
                    users.timeline())


def test_status_lines_are_sorted_by_name(impl, clock):
    """registry.status_lines() sorts by service name, not by creation order"""
    registry = impl.BreakerRegistry(clock=clock)
    for service in ("users.test", "payments.test", "search.test"):
        registry.get(service)
    lines = registry.status_lines()
    scenario = Scenario("registry.get('users.test'), then 'payments.test', then 'search.test'; "
                        "registry.status_lines()")
    starts = [line.split(":", 1)[0] if isinstance(line, str) else repr(line) for line in lines]
    scenario.expect(starts == ["payments.test", "search.test", "users.test"],
                    expected="3 lines, for payments.test, search.test, users.test in that order",
                    observed=repr(lines))


def test_registry_gives_a_status_line_per_breaker(impl, clock, network):
    """The registry gives one status line per breaker, sorted by name"""
    payments = network.service("payments").down(503)
    users = network.service("users")
    registry = impl.BreakerRegistry(defaults={"failure_threshold": 3, "recovery_timeout": 30},
                                    clock=clock)
    session = network.session()

    def fetch(url: str) -> Any:
        return registry.for_url(url).call(session.get, url, timeout=2)

    for n in range(1, 6):
        Scenario("").run(lambda: fetch(f"{payments.url}/charges/{n}"))
        Scenario("").run(lambda: fetch(f"{users.url}/users/{n}"))
        clock.advance(1.0)
    scenario = Scenario("payments answers 503, users is healthy; 5 rounds, 1 s apart, of "
                        "GET payments.test/charges/n and users.test/users/n through "
                        "registry.for_url(url) (failure_threshold=3: payments opens at t=2); "
                        "registry.status_lines() at t=5")
    lines = registry.status_lines()
    timeline = describe_calls([payments, users])
    scenario.expect(isinstance(lines, list) and len(lines) == 2,
                    expected="a list of 2 lines: payments.test, then users.test",
                    observed=repr(lines), timeline=timeline)
    expect_line(scenario, lines[0], "payments.test",
                ["OPEN", "3 calls", "3 failures", "(100%)", "2 rejected", "3.0 s in state"],
                timeline)
    expect_line(scenario, lines[1], "users.test",
                ["CLOSED", "5 calls", "0 failures", "(0%)", "0 rejected", "5.0 s in state"],
                timeline)
