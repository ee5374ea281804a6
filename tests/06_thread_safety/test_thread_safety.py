"""Lesson 6 checks: one breaker shared by many threads, with races provoked on every run.

Races are not left to luck. The two transition races run in lockstep (``harness.rechecks``:
two threads take turns, one bytecode instruction at a time, inside the learner's module), and
the tools in ``harness.threads`` hold calls inside the fake service (``Stage``, ``Crowd``) or
at the listener, so an unguarded read-decide-write is caught every time.
"""

from __future__ import annotations

import time
from typing import Any, Callable

import requests

from fake_services import FakeService, read_timeout, refused
from harness import Outcome, Scenario, loader, rechecks
from harness.threads import WAIT, Crowd, Meeting, Stage, Transitions, waiting_inside

USER = "/users/42"
KIND = rechecks.Kind(build=rechecks.count_breaker())


# -- helpers ---------------------------------------------------------------------------------

def fetcher(users: FakeService) -> Callable[[], Any]:
    """What the breaker protects: GET a user, raise on an HTTP error, return the JSON."""
    return lambda: users.fetch_json(USER, timeout=2)


def transitions(impl: Any, *pairs: str) -> list[tuple[Any, Any]]:
    """``transitions(impl, "CLOSED>OPEN")`` -> ``[(State.CLOSED, State.OPEN)]``."""
    result = []
    for pair in pairs:
        old, new = pair.split(">")
        result.append((getattr(impl.State, old), getattr(impl.State, new)))
    return result


def arrows(events: list[tuple[Any, Any]]) -> str:
    names = [f"{getattr(old, 'name', old)}→{getattr(new, 'name', new)}" for old, new in events]
    return ", ".join(names) if names else "no transitions"


def status_of(outcome: Outcome) -> int | None:
    response = getattr(outcome.error, "response", None)
    return getattr(response, "status_code", None)


def rejected(impl: Any, outcome: Outcome | None) -> bool:
    return outcome is not None and outcome.raised(impl.CircuitOpenError)


def gather(scenario: Scenario, stage: Any, crowd: Any, ready: Callable[[], bool],
           waiting_for: str, timeline: Callable[[], str]) -> None:
    """Wait until ``ready()``; otherwise fail, naming the callers that are stuck."""
    if stage.wait_for(ready):
        crowd.reraise_unwritten()
        return
    crowd.reraise_unwritten()
    scenario.fail(expected=waiting_for,
                  observed=f"after {WAIT:.0f} s of real time it had not happened; "
                           f"the callers:\n{crowd.describe()}",
                  timeline=timeline())


def finish(scenario: Scenario, crowd: Any, timeline: Callable[[], str]) -> None:
    """Join every caller; one that does not return is reported as a deadlock."""
    stuck = crowd.join()
    crowd.reraise_unwritten()
    if stuck:
        names = ", ".join(c.name for c in stuck)
        scenario.fail(expected="every caller returns from breaker.call",
                      observed=f"deadlock: {names} never returned (waited "
                               f"{WAIT:.0f} s). A lock that is never released, or a "
                               f"non-reentrant Lock taken again by the thread that holds it "
                               f"(from on_state_change or the clock)?\n{crowd.describe()}",
                      timeline=timeline())


def attempt(scenario: Scenario, stage: Any, action: Callable[[], Any],
            timeline: Callable[[], str], who: str = "the next caller") -> Outcome:
    """Run one call on its own daemon thread, so that a breaker that deadlocks while other
    threads hold it is reported as such instead of hanging the check."""
    crowd = Crowd(stage)
    caller = crowd.start(who, action)
    finish(scenario, crowd, timeline)
    assert caller.outcome is not None
    return caller.outcome


# -- one caller: the lesson-5 breaker is still there -----------------------------------------

def test_single_caller_behaviour_is_unchanged(impl, clock):
    """Still the lesson-5 breaker for one caller: opens, rejects, classifies, decorates"""
    users = FakeService("users", clock).script(503, 404, 503, 503, 503)
    breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=30, name="users",
                                  clock=clock)
    get_user = fetcher(users)
    scenario = Scenario("one caller; failure_threshold 3; the users service answers 503, 404, "
                        "503, 503, 503")
    first = [scenario.run(lambda: breaker.call(get_user)) for _ in range(4)]
    scenario.expect(status_of(first[1]) == 404,
                    expected="the 404 reaches the caller as its own HTTPError",
                    observed=str(first[1]), timeline=users.timeline())
    count = scenario.run(lambda: breaker.failure_count)
    scenario.expect(count.value == 2,
                    expected="failure_count 2 after 503, 404, 503, 503 (a 404 is an answer, not "
                             "a failure: it ends the streak)",
                    observed=f"failure_count {count.value!r}" if count.returned else str(count),
                    timeline=users.timeline())
    tripping = scenario.run(lambda: breaker.call(get_user))
    scenario.expect(status_of(tripping) == 503,
                    expected="the third 503 in a row raises its own HTTPError (and opens)",
                    observed=str(tripping), timeline=users.timeline())
    after = scenario.run(lambda: breaker.call(get_user))
    error = after.error
    scenario.expect(rejected(impl, after) and users.call_count == 5,
                    expected="the next call rejected with CircuitOpenError, the service not "
                             "called (5 calls in all)",
                    observed=f"{after}; {users.call_count} calls", timeline=users.timeline())
    retry_after = getattr(error, "retry_after", None)
    scenario.expect(getattr(error, "name", None) == "users" and
                    isinstance(retry_after, (int, float)) and 0 < retry_after <= 30,
                    expected="CircuitOpenError carries name 'users' and retry_after in (0, 30]",
                    observed=f"name {getattr(error, 'name', None)!r}, "
                             f"retry_after {retry_after!r}")

    sick = FakeService("orders", clock).script(503)
    breaker = impl.CircuitBreaker(failure_threshold=1, recovery_timeout=30, name="orders",
                                  clock=clock)
    scenario = Scenario("the protected function returns the orders service's 503 response "
                        "instead of raising it; failure_threshold 1")
    returned = scenario.run(lambda: breaker.call(sick.get, "/orders/7"))
    scenario.expect(returned.returned and getattr(returned.value, "status_code", None) == 503,
                    expected="the caller receives the 503 response", observed=str(returned))
    after = scenario.run(lambda: breaker.call(sick.get, "/orders/7"))
    scenario.expect(rejected(impl, after),
                    expected="the returned 503 counted as a failure: the next call rejected",
                    observed=str(after), timeline=sick.timeline())

    flaky = FakeService("stock", clock).down(503)
    breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=30, name="stock",
                                  clock=clock)

    def get_stock() -> Any:
        """Fetch the stock level."""
        return fetcher(flaky)()

    scenario = Scenario("@breaker decorates get_stock; the stock service is down (503); "
                        "failure_threshold 2; one failure through the decorated function, one "
                        "through breaker.call")
    decorating = scenario.run(lambda: breaker(get_stock))
    scenario.expect(decorating.returned and callable(decorating.value),
                    expected="@breaker returns the guarded function", observed=str(decorating))
    guarded = decorating.value
    scenario.run(guarded)
    scenario.run(lambda: breaker.call(fetcher(flaky)))
    third = scenario.run(guarded)
    scenario.expect(getattr(guarded, "__name__", None) == "get_stock",
                    expected="the decorated function keeps its name (functools.wraps)",
                    observed=f"__name__ {getattr(guarded, '__name__', None)!r}")
    scenario.expect(rejected(impl, third) and flaky.call_count == 2,
                    expected="the decorator and call share one breaker: the third call is "
                             "rejected without reaching the service",
                    observed=f"{third}; {flaky.call_count} calls", timeline=flaky.timeline())


def test_rejects_invalid_half_open_max_calls(impl, clock):
    """Rejects half_open_max_calls below 1 with ValueError"""
    for value in (0, -1):
        scenario = Scenario(f"CircuitBreaker(half_open_max_calls={value})")
        outcome = scenario.run(lambda: impl.CircuitBreaker(half_open_max_calls=value,
                                                           clock=clock))
        scenario.expect(outcome.raised(ValueError),
                        expected="ValueError at construction (0 never means 'the default')",
                        observed=str(outcome))
    scenario = Scenario("CircuitBreaker(half_open_max_calls=3)")
    outcome = scenario.run(lambda: impl.CircuitBreaker(half_open_max_calls=3, clock=clock))
    scenario.expect(outcome.returned, expected="a breaker", observed=str(outcome))


def test_half_open_admits_at_most_max_calls(impl):
    """In HALF_OPEN at most half_open_max_calls trials run at once; others are rejected at once"""
    for allowed in (None, 2):
        limit = 1 if allowed is None else allowed
        setting = {} if allowed is None else {"half_open_max_calls": allowed}
        with Stage() as stage:
            clock = stage.clock()
            users = FakeService("users", clock.for_services()).script(refused())
            gate = stage.gate(closed=False)
            users.before_reply(gate)
            breaker = impl.CircuitBreaker(failure_threshold=1, recovery_timeout=30,
                                          success_threshold=limit + 1, name="users",
                                          clock=clock, **setting)
            get_user = fetcher(users)
            told = "default half_open_max_calls (1)" if allowed is None else \
                f"half_open_max_calls {allowed}"
            scenario = Scenario(f"{told}, success_threshold {limit + 1}; the breaker opened at "
                                f"t=0 and it is now t=31; {limit} trial call(s) are held "
                                f"inside the users service when one more caller arrives")
            scenario.run(lambda: breaker.call(get_user))
            clock.advance(31)
            gate.close()
            crowd = Crowd(stage)
            for number in range(1, limit + 1):
                trial = crowd.start(f"trial caller {number}", lambda: breaker.call(get_user))
                gather(scenario, stage, crowd,
                       lambda: gate.arrived == 1 + number or trial.done,
                       f"trial call {number} admitted", users.timeline)
                scenario.expect(not trial.done,
                                expected=f"trial call {number} admitted (and held in the "
                                         f"service)",
                                observed=str(trial), timeline=users.timeline())
            deadline = time.monotonic() + WAIT
            extra = crowd.start("one more caller", lambda: breaker.call(get_user))
            settled = lambda: extra.done or gate.arrived > 1 + limit  # noqa: E731
            while not stage.wait_for(settled, 0.005):
                assert extra.thread is not None
                if waiting_inside(extra.thread, loader.graded_files):
                    scenario.fail(expected="the extra caller rejected at once with "
                                           "CircuitOpenError",
                                  observed="it is waiting inside your breaker (its thread "
                                           "sleeps there) while the trials are in flight: "
                                           "callers beyond half_open_max_calls must be turned "
                                           "away at once, never made to wait for a permit")
                if time.monotonic() > deadline:
                    crowd.reraise_unwritten()
                    scenario.fail(expected="the extra caller rejected at once with "
                                           "CircuitOpenError",
                                  observed="it was neither rejected nor admitted within 1 s: it "
                                           "is waiting for a permit, but callers beyond "
                                           "half_open_max_calls must be turned away at once")
            crowd.reraise_unwritten()
            error = extra.outcome.error if extra.outcome else None
            scenario.expect(rejected(impl, extra.outcome) and users.call_count == 1 + limit,
                            expected="the extra caller rejected at once with CircuitOpenError, "
                                     "without reaching the service",
                            observed=f"{extra}; the service saw {users.call_count} calls",
                            timeline=users.timeline())
            retry_after = getattr(error, "retry_after", None)
            scenario.expect(isinstance(retry_after, (int, float)) and retry_after >= 0
                            and getattr(error, "name", None) == "users",
                            expected="CircuitOpenError with name 'users' and retry_after >= 0",
                            observed=f"name {getattr(error, 'name', None)!r}, retry_after "
                                     f"{retry_after!r}")
            gate.open()
            finish(scenario, crowd, users.timeline)
            last = attempt(scenario, stage, lambda: breaker.call(get_user), users.timeline)
            scenario.expect(last.returned,
                            expected=f"once the {limit} trial(s) succeeded, their permits are "
                                     f"back: the next call is admitted as the last trial "
                                     f"needed, and succeeds",
                            observed=str(last), timeline=users.timeline())
            closed = attempt(scenario, stage, lambda: breaker.call(get_user), users.timeline)
            scenario.expect(closed.returned,
                            expected=f"{limit + 1} trial successes closed the breaker: the "
                                     f"next call goes through",
                            observed=str(closed), timeline=users.timeline())


def test_each_transition_is_reported_once(impl, clock):
    """on_state_change hears about every transition once, as (old, new), in order"""
    users = FakeService("users", clock).script(503, 503, 503, 200, 200, 200)
    listener = Transitions()
    breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=10, success_threshold=2,
                                  on_state_change=listener, name="users", clock=clock)
    get_user = fetcher(users)
    scenario = Scenario("one caller; failure_threshold 2, recovery_timeout 10, success_threshold "
                        "2: two failures, a rejected call, a failed trial, a rejected call, "
                        "two good trials, one more call")
    for _ in range(3):
        scenario.run(lambda: breaker.call(get_user))
    clock.advance(10)
    scenario.run(lambda: breaker.call(get_user))
    scenario.run(lambda: breaker.call(get_user))
    clock.advance(10)
    for _ in range(3):
        scenario.run(lambda: breaker.call(get_user))
    expected = transitions(impl, "CLOSED>OPEN", "OPEN>HALF_OPEN", "HALF_OPEN>OPEN",
                           "OPEN>HALF_OPEN", "HALF_OPEN>CLOSED")
    scenario.expect(listener.events == expected,
                    expected=arrows(expected), observed=listener.describe(),
                    timeline=users.timeline())


def test_listener_may_read_the_breaker(impl, clock):
    """on_state_change may read the breaker's state and counts without deadlocking it"""
    with Stage() as stage:
        users = FakeService("users", clock).script(503)
        get_user = fetcher(users)
        seen: list[tuple[Any, ...]] = []
        box: dict[str, Any] = {}

        def listener(old: Any, new: Any) -> None:
            breaker = box["breaker"]
            seen.append((old, new, breaker.state, breaker.failure_count, breaker.name))

        breaker = impl.CircuitBreaker(failure_threshold=1, recovery_timeout=10,
                                      success_threshold=1, on_state_change=listener,
                                      name="users", clock=clock)
        box["breaker"] = breaker
        scenario = Scenario("on_state_change reads breaker.state, breaker.failure_count and "
                            "breaker.name; one caller trips the breaker, waits 10 s, and makes "
                            "a good trial call")

        def story() -> str:
            first = scenario.run(lambda: breaker.call(get_user))
            clock.advance(10)
            second = scenario.run(lambda: breaker.call(get_user))
            return f"first call {first}; trial call {second}"

        crowd = Crowd(stage)
        caller = crowd.start("the caller", story)
        finish(scenario, crowd, users.timeline)
        scenario.expect(len(seen) == 3,
                        expected="3 transitions, each read by the listener: CLOSED→OPEN, "
                                 "OPEN→HALF_OPEN, HALF_OPEN→CLOSED",
                        observed=f"{len(seen)} read: {arrows([s[:2] for s in seen])} "
                                 f"({caller.outcome.value if caller.outcome.returned else caller})",
                        timeline=users.timeline())


# -- the races ---------------------------------------------------------------------------------

def test_one_open_transition_when_failures_race(impl, clock):
    """Failures racing to trip the breaker open it once, and are reported once"""
    rechecks.racing_failures_open_once(impl, clock, KIND)


def test_one_trial_transition_when_callers_race(impl, clock):
    """Callers racing the first call after the timeout: one transition, max-calls trials"""
    rechecks.racing_callers_half_open_once(impl, clock, KIND)


def test_protected_call_runs_outside_the_lock(impl):
    """Two calls through one breaker can be inside the service at the same time"""
    for phase in ("CLOSED", "HALF_OPEN"):
        with Stage() as stage:
            clock = stage.clock()
            users = FakeService("users", clock.for_services())
            breaker = impl.CircuitBreaker(failure_threshold=1, recovery_timeout=30,
                                          success_threshold=2, half_open_max_calls=2,
                                          name="users", clock=clock)
            get_user = fetcher(users)
            story = "the breaker is closed; two calls start at once"
            if phase == "HALF_OPEN":
                users.script(refused())
                Scenario("opening the breaker").run(lambda: breaker.call(get_user))
                clock.advance(31)
                story = ("the breaker is half-open with half_open_max_calls 2; two trial calls "
                         "start at once")
            meeting = Meeting(stage, parties=2)
            users.before_reply(meeting)
            scenario = Scenario(f"{story}; inside the users service each call waits for the "
                                f"other one")
            crowd = Crowd(stage)
            crowd.start_together({f"caller {number}": lambda: breaker.call(get_user)
                                  for number in (1, 2)})
            finish(scenario, crowd, users.timeline)
            scenario.expect(meeting.most_inside == 2,
                            expected="both calls inside the service at the same time",
                            observed="calls are being serialised: the second call reached the "
                                     "service only after the first had finished. Is a lock "
                                     "held while the protected call runs?"
                            if meeting.arrived == 2 else crowd.describe(),
                            timeline=users.timeline())


# -- late results --------------------------------------------------------------------------

def test_late_failure_changes_nothing(impl):
    """A failure from a call admitted before the breaker opened neither re-opens nor extends it"""
    with Stage() as stage:
        clock = stage.clock()
        listener = stage.listener()
        users = FakeService("users", clock.for_services()).script(503, 503, 503)
        slow = stage.gate(numbers={1})
        users.before_reply(slow)
        breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=30,
                                      success_threshold=1, name="users",
                                      on_state_change=listener, clock=clock)
        get_user = fetcher(users)
        scenario = Scenario("failure_threshold 2, recovery_timeout 30: a slow call is admitted "
                            "at t=0; two failures open the breaker at t=5; at t=10 the slow call "
                            "fails (503)")
        crowd = Crowd(stage)
        late = crowd.start("slow caller", lambda: breaker.call(get_user))
        gather(scenario, stage, crowd, lambda: slow.arrived == 1 or late.done,
               "the slow call admitted (the breaker is closed)", users.timeline)
        clock.advance(5)
        attempt(scenario, stage, lambda: breaker.call(get_user), users.timeline)
        attempt(scenario, stage, lambda: breaker.call(get_user), users.timeline)
        clock.advance(5)
        slow.open()
        finish(scenario, crowd, users.timeline)
        scenario.expect(status_of(late.outcome) == 503,
                        expected="the slow caller gets its own HTTPError (503)",
                        observed=str(late.outcome), timeline=users.timeline())
        scenario.expect(listener.events == transitions(impl, "CLOSED>OPEN"),
                        expected="one transition, CLOSED→OPEN at t=5: the late failure adds none",
                        observed=listener.describe(), timeline=users.timeline())
        clock.advance(26)  # t=36: 31 s after opening
        trial = attempt(scenario, stage, lambda: breaker.call(get_user), users.timeline)
        scenario.expect(users.call_count == 4,
                        expected="at t=36 (31 s after the breaker opened) a trial call is "
                                 "admitted: the late failure did not extend the open period",
                        observed=f"{trial}; the service saw {users.call_count} calls",
                        timeline=users.timeline())

    late_result_while_a_trial_is_held(
        impl, 503, "fails (503)", "the late failure is not the trial's verdict")


def test_late_success_does_not_close(impl):
    """A success from a call admitted before the breaker opened does not close it"""
    with Stage() as stage:
        clock = stage.clock()
        listener = stage.listener()
        users = FakeService("users", clock.for_services()).script(200, 503, 503)
        slow = stage.gate(numbers={1})
        users.before_reply(slow)
        breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=30,
                                      success_threshold=1, name="users",
                                      on_state_change=listener, clock=clock)
        get_user = fetcher(users)
        scenario = Scenario("a slow call is admitted at t=0; two failures open the breaker at "
                            "t=5; then the slow call succeeds")
        crowd = Crowd(stage)
        late = crowd.start("slow caller", lambda: breaker.call(get_user))
        gather(scenario, stage, crowd, lambda: slow.arrived == 1 or late.done,
               "the slow call admitted (the breaker is closed)", users.timeline)
        clock.advance(5)
        attempt(scenario, stage, lambda: breaker.call(get_user), users.timeline)
        attempt(scenario, stage, lambda: breaker.call(get_user), users.timeline)
        slow.open()
        finish(scenario, crowd, users.timeline)
        scenario.expect(late.outcome.returned,
                        expected="the slow caller gets its user", observed=str(late.outcome))
        clock.advance(1)
        after = attempt(scenario, stage, lambda: breaker.call(get_user), users.timeline)
        scenario.expect(rejected(impl, after) and users.call_count == 3,
                        expected="still open: a call at t=6 is rejected without reaching the "
                                 "service",
                        observed=f"{after}; {users.call_count} calls", timeline=users.timeline())
        scenario.expect(listener.events == transitions(impl, "CLOSED>OPEN"),
                        expected="one transition, CLOSED→OPEN", observed=listener.describe())

    late_result_while_a_trial_is_held(
        impl, 200, "succeeds", "only a trial's success may close the breaker")

def late_result_while_a_trial_is_held(impl, slow_reply: int, what_it_does: str,
                                      why: str) -> None:
    """A call admitted while CLOSED ends (with ``slow_reply``) while a trial call is held:
    its result must be neither the trial's verdict nor a second trial."""
    with Stage() as stage:
        clock = stage.clock()
        listener = stage.listener()
        users = FakeService("users", clock.for_services()).script(slow_reply, 503, 503, 200)
        slow, probe = stage.gate(numbers={1}), stage.gate(numbers={4})
        users.before_reply(slow)
        users.before_reply(probe)
        breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=30,
                                      success_threshold=1, name="users",
                                      on_state_change=listener, clock=clock)
        get_user = fetcher(users)
        scenario = Scenario("success_threshold 1: a slow call is admitted at t=0; two failures "
                            "open the breaker at t=5; at t=36 a trial call is admitted and "
                            f"held; then the slow call {what_it_does}")
        crowd = Crowd(stage)
        late = crowd.start("slow caller", lambda: breaker.call(get_user))
        gather(scenario, stage, crowd, lambda: slow.arrived == 1 or late.done,
               "the slow call admitted (the breaker is closed)", users.timeline)
        clock.advance(5)
        attempt(scenario, stage, lambda: breaker.call(get_user), users.timeline)
        attempt(scenario, stage, lambda: breaker.call(get_user), users.timeline)
        clock.advance(31)
        trial = crowd.start("trial caller", lambda: breaker.call(get_user))
        gather(scenario, stage, crowd, lambda: probe.arrived == 1 or trial.done,
               "the trial call admitted at t=36", users.timeline)
        slow.open()
        gather(scenario, stage, crowd, lambda: late.done, "the slow call returns",
               users.timeline)
        scenario.expect(listener.events == transitions(impl, "CLOSED>OPEN", "OPEN>HALF_OPEN"),
                        expected=f"CLOSED→OPEN, OPEN→HALF_OPEN and nothing more: {why}",
                        observed=listener.describe(), timeline=users.timeline())
        other = attempt(scenario, stage, lambda: breaker.call(get_user), users.timeline)
        scenario.expect(rejected(impl, other) and users.call_count == 4,
                        expected="another caller rejected: still half-open, the one trial "
                                 "permit taken",
                        observed=f"{other}; {users.call_count} calls", timeline=users.timeline())
        probe.open()
        finish(scenario, crowd, users.timeline)
        scenario.expect(listener.events[-1:] == transitions(impl, "HALF_OPEN>CLOSED"),
                        expected="the trial's own success closes the breaker",
                        observed=listener.describe(), timeline=users.timeline())


# -- permits are always given back ---------------------------------------------------------

def test_non_failure_trial_returns_its_permit(impl, clock):
    """A trial that raises a non-failure (a 404, an excluded error) gives its permit back"""
    cases = [
        ("a trial call gets 404 Not Found (raised as HTTPError)", 404, {},
         lambda outcome: status_of(outcome) == 404, "its HTTPError 404"),
        ("exclude=(requests.ReadTimeout,): a trial call times out", read_timeout(),
         {"exclude": (requests.ReadTimeout,)},
         lambda outcome: outcome.raised(requests.ReadTimeout), "its ReadTimeout"),
    ]
    for story, reply, settings, as_expected, what in cases:
        users = FakeService("users", clock).script(503, reply, 200, 200)
        listener = Transitions()
        breaker = impl.CircuitBreaker(failure_threshold=1, recovery_timeout=30,
                                      success_threshold=2, name="users",
                                      on_state_change=listener, clock=clock, **settings)
        get_user = fetcher(users)
        scenario = Scenario(f"success_threshold 2, half_open_max_calls 1; the breaker is "
                            f"half-open; {story}; then another call")
        scenario.run(lambda: breaker.call(get_user))
        clock.advance(31)
        first = scenario.run(lambda: breaker.call(get_user))
        scenario.expect(as_expected(first), expected=f"the caller gets {what}, unchanged",
                        observed=str(first), timeline=users.timeline())
        second = scenario.run(lambda: breaker.call(get_user))
        scenario.expect(second.returned and users.call_count == 3,
                        expected="the next call admitted as the second trial (the permit came "
                                 "back) and it succeeds",
                        observed=f"{second}; the service saw {users.call_count} calls"
                                 + (": stuck in half-open, the permit was never given back"
                                    if rejected(impl, second) else ""),
                        timeline=users.timeline())
        expected = transitions(impl, "CLOSED>OPEN", "OPEN>HALF_OPEN", "HALF_OPEN>CLOSED")
        scenario.expect(listener.events == expected,
                        expected=f"{arrows(expected)}: the non-failure counted as a trial "
                                 f"success",
                        observed=listener.describe(), timeline=users.timeline())


class Cancelled(BaseException):
    """A BaseException that is not an Exception, like KeyboardInterrupt or CancelledError."""


def test_base_exception_trial_returns_its_permit(impl, clock):
    """A trial interrupted by a BaseException (like KeyboardInterrupt) gives its permit back"""
    users = FakeService("users", clock).script(503, 200, 200)
    listener = Transitions()
    breaker = impl.CircuitBreaker(failure_threshold=1, recovery_timeout=30, success_threshold=1,
                                  name="users", on_state_change=listener, clock=clock)
    get_user = fetcher(users)
    scenario = Scenario("success_threshold 1, half_open_max_calls 1; the breaker is half-open; "
                        "the trial caller is interrupted (a BaseException, as KeyboardInterrupt "
                        "is) after the service answered; then another call")
    scenario.run(lambda: breaker.call(get_user))
    clock.advance(31)
    interruption = Cancelled("interrupted")

    def interrupted() -> Any:
        get_user()
        raise interruption

    try:
        breaker.call(interrupted)
        caught: object = "breaker.call returned"
    except Cancelled as error:
        caught = error
    except NotImplementedError:
        raise
    except Exception as error:  # the learner's code may raise anything; we judge it
        caught = f"{type(error).__name__} raised instead"
    scenario.expect(caught is interruption, expected="the BaseException propagates unchanged",
                    observed=str(caught))
    expected = transitions(impl, "CLOSED>OPEN", "OPEN>HALF_OPEN")
    scenario.expect(listener.events == expected,
                    expected=f"{arrows(expected)} and nothing more: an interruption is neither "
                             f"a failure (re-open) nor a success (close)",
                    observed=listener.describe(), timeline=users.timeline())
    after = scenario.run(lambda: breaker.call(get_user))
    scenario.expect(after.returned and users.call_count == 3,
                    expected="the next call admitted as a trial (the permit came back) and it "
                             "closes the breaker",
                    observed=f"{after}; the service saw {users.call_count} calls"
                             + (": stuck in half-open, the permit was never given back"
                                if rejected(impl, after) else ""),
                    timeline=users.timeline())
