"""The conventions every breaker lesson hands over, re-checked in each lesson that hands them on.

A learner may paste the breaker they wrote for lesson 6 into lesson 8, or keep lesson 5's
shape in lesson 11. The rules of lessons/CONVENTIONS.md must still hold there, so each breaker
lesson re-checks the ones it states, with the checks below, written once:

* :func:`interruption_is_no_outcome`: Ctrl-C (a ``BaseException``) is neither a failure nor a
  success, and a trial it interrupts frees its place (lessons 4-11);
* :func:`recovery_admits_a_trial`: after ``recovery_timeout`` the next call is a trial, with
  nothing reading ``state``, for timeouts other than the default and for 0 (lessons 4-11);
* :func:`rejections_change_nothing`: rejected calls, while OPEN and while trials are in
  flight, are neither counted nor extend anything (lessons 6-11);
* :func:`late_results_from_closed`, :func:`late_result_during_trials` and
  :func:`late_trial_from_an_earlier_half_open`: a result belongs to the stay in one state in
  which its call was admitted, also when it comes back in a *later stay of the same state*
  (lessons 6-11);
* :func:`open_period_starts_when_the_failure_returns`: the open time is read when the
  tripping call (or a failed trial) comes back, not when it started (lessons 4-11);
* :func:`late_results_of_a_nested_trip`: the same rule with one thread, a call during which
  another caller trips the breaker (lessons 4-5);
* :func:`trial_places_are_per_period`: from lesson 7 on, ``half_open_max_calls`` counts the
  trials of one half-open period, so a trial that ends gives no place back (lessons 7-8);
* :func:`default_rules_judge_outcomes`: lesson 5's default failure rules, through the breaker
  (lessons 6-11);
* :func:`racing_failures_open_once` and :func:`racing_callers_half_open_once`: the same races
  with a listener: one transition, announced once (lesson 6);
* :func:`racing_trials_are_bounded` and :func:`racing_failures_are_all_counted`: two threads
  made to take turns one bytecode instruction at a time inside the learner's module
  (:mod:`harness.lockstep`), so an unlocked check-then-act or read-modify-write is caught on
  every run, never by luck (lessons 6-11).

A lesson says how it builds its breaker with a :class:`Kind`, and its
``tests/NN_slug/test_conventions.py`` calls the checks that apply. Every check uses small
settings in its own words (:class:`Settings`): ``trips_after`` failures in a row open a fresh
breaker; ``trials`` trial successes close it. A count breaker maps them to
``failure_threshold`` and ``success_threshold``; a rate window to a window of ``trips_after``
calls at 100 %, judged after ``trials`` trials. The scenarios only use outcome sequences on
which the two readings agree.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

import requests

from fake_services import FakeClock

from . import loader
from .checks import Outcome, Scenario, fail
from .lockstep import Lockstep
from .threads import WAIT, Transitions


class Interrupted(BaseException):
    """A ``BaseException`` that is not an ``Exception``, as ``asyncio.CancelledError`` is."""


#: The exceptions a check's own calls may end with; anything else (a pytest timeout) escapes.
_CAUGHT = (Exception, KeyboardInterrupt, SystemExit, Interrupted)


# -- how a lesson builds its breaker -------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """A breaker's settings in the checks' own words."""

    trips_after: int = 2  #: failures in a row that open a fresh (or freshly closed) breaker
    recovery_timeout: float = 30.0
    trials: int = 1  #: trial successes that close it
    at_once: int = 1  #: trial calls in flight at once (count breakers with half_open_max_calls)
    options: tuple[tuple[str, Any], ...] = ()  #: further settings, as (name, value) pairs

    def __str__(self) -> str:
        return (f"a breaker that opens after {self.trips_after} failures in a row, with "
                f"recovery_timeout={self.recovery_timeout:g} and {self.trials} trial "
                f"success(es) to close")


#: The name every breaker of the re-checks gets (lesson 10's registry names it after the service).
NAME = "users"

Build = Callable[[Any, Callable[[], float], Settings], tuple[Any, str]]
Through = Callable[[Any, Any, Callable[[], Any]], Any]


def _plain_call(impl: Any, breaker: Any, func: Callable[[], Any]) -> Any:
    return breaker.call(func)


@dataclass(frozen=True)
class Kind:
    """How one lesson builds the breaker it hands over, and how a caller calls through it.

    ``build(impl, clock, settings)`` returns the breaker and the words that say how it was
    built; ``call(impl, breaker, func)`` makes one call (``breaker.call(func)`` unless the
    lesson wraps it). ``trials_at_once``: ``half_open_max_calls`` bounds the trials in flight
    at once (lessons 6, 9-11), rather than the trials of one half-open period (lessons 7-8).
    """

    build: Build
    call: Through = _plain_call
    trials_at_once: bool = True


def count_options(settings: Settings, *, half_open_max_calls: bool = True) -> dict[str, Any]:
    """The settings of a count breaker (lessons 4-6 and 9-11)."""
    options: dict[str, Any] = {"failure_threshold": settings.trips_after,
                               "recovery_timeout": settings.recovery_timeout,
                               "success_threshold": settings.trials}
    if half_open_max_calls and settings.at_once != 1:
        options["half_open_max_calls"] = settings.at_once
    options.update(settings.options)
    return options


def count_breaker(*, half_open_max_calls: bool = True) -> Build:
    """Lessons 4-6 and 9-11: ``CircuitBreaker(failure_threshold, recovery_timeout,
    success_threshold[, half_open_max_calls])``."""

    def build(impl: Any, clock: Callable[[], float], settings: Settings) -> tuple[Any, str]:
        options = count_options(settings, half_open_max_calls=half_open_max_calls)
        return impl.CircuitBreaker(name=NAME, clock=clock, **options), shown(options)

    return build


def count_window(impl: Any, clock: Callable[[], float], settings: Settings) -> tuple[Any, str]:
    """Lesson 7: a window of ``trips_after`` calls that opens at 100 %."""
    options = {"failure_rate_threshold": 100, "window_size": settings.trips_after,
               "minimum_calls": settings.trips_after,
               "recovery_timeout": settings.recovery_timeout,
               "half_open_max_calls": settings.trials, **dict(settings.options)}
    return impl.CircuitBreaker(name=NAME, clock=clock, **options), shown(options)


def time_window(impl: Any, clock: Callable[[], float], settings: Settings) -> tuple[Any, str]:
    """Lesson 8: a 1000 s window (longer than any scenario) that opens at 100 % after
    ``trips_after`` calls; no call is ever slow."""
    options = {"failure_rate_threshold": 100, "window_seconds": 1000, "window_buckets": 10,
               "minimum_calls": settings.trips_after, "slow_call_duration": 1000,
               "recovery_timeout": settings.recovery_timeout,
               "half_open_max_calls": settings.trials, **dict(settings.options)}
    return impl.CircuitBreaker(name=NAME, clock=clock, **options), shown(options)


def shown(options: dict[str, Any], call: str = "CircuitBreaker") -> str:
    """``CircuitBreaker(failure_threshold=2, ...)``: how a breaker was built, for messages."""
    return f"{call}(" + ", ".join(f"{k}={_value(v)}" for k, v in options.items()) + ")"


def _value(value: Any) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(_value(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, type) or callable(value):
        return getattr(value, "__name__", repr(value))
    return repr(value)


# -- one story: calls, what each did, and the verdicts ---------------------------------------


FAILURE = requests.ConnectionError  # what a failing call raises: a failure for every lesson


class Held:
    """A call that stays inside the protected function until the check lets it go."""

    def __init__(self, story: Story, name: str) -> None:
        self.story, self.name = story, name
        self.entered = threading.Event()
        self._release = threading.Event()
        self._fails = False
        self.interrupt: BaseException | None = None  #: raised instead, when set
        self.caller: Any = None

    def function(self) -> Any:
        self.entered.set()
        self._release.wait(WAIT)
        if self.interrupt is not None:
            raise self.interrupt
        if self._fails:
            raise FAILURE(f"users: {self.name} failed (connection refused)")
        return {"user": 42, "call": self.name}

    def release(self, *, fails: bool) -> Outcome:
        """Let the call finish (with a failure or a success); wait for its outcome."""
        self._fails = fails
        what = "is interrupted" if self.interrupt else "fails" if fails else "succeeds"
        self.story.note(f"{self.name} comes back: {what}")
        self._release.set()
        return self.story._finish(self.caller, self.name)


class Story:
    """One scenario: a breaker, a clock, the calls made through it, and their log."""

    def __init__(self, impl: Any, kind: Kind, clock: FakeClock, settings: Settings,
                 story: str, *, threads: bool = False) -> None:
        self.impl, self.kind, self.clock = impl, kind, clock
        built = Scenario("building the breaker").run(lambda: kind.build(impl, clock, settings))
        if built.error is not None:
            fail(f"{settings}; {story}", expected="a breaker built with these settings (all of them are "
                                         "valid)", observed=str(built))
        self.breaker, shown = built.value
        self.scenario = Scenario(f"{shown}; {story}")
        self.threads = threads
        self.log: list[str] = []
        self.reached = 0  # calls that reached the protected function
        self.held: list[Held] = []

    # -- making calls ----------------------------------------------------------------------

    def note(self, event: str) -> None:
        self.log.append(f"t={self.clock():7.2f}  {event}")

    def timeline(self) -> str:
        return "\n".join(self.log[-16:])

    def at(self, moment: float) -> None:
        self.clock.advance(max(0.0, moment - self.clock()))

    def call(self, label: str, *, fails: bool = False, raises: BaseException | None = None,
             returns: Any = None, through: Callable[..., Any] | None = None,
             takes: float = 0.0, inside: Callable[[], Any] | None = None) -> Outcome:
        """One call: it fails (connection refused), raises ``raises``, or returns ``returns``
        (the user's JSON when not given); through ``through`` (a decorated function) instead
        of the lesson's way of calling, when given. While it runs, ``inside()`` happens (another
        caller arrives meanwhile), then it takes ``takes`` seconds of the fake clock."""

        def protected() -> Any:
            self.reached += 1
            if inside is not None:
                inside()
            if takes:
                self.clock.advance(takes)
            if raises is not None:
                raise raises
            if fails:
                raise FAILURE(f"users: {label} failed (connection refused)")
            return {"user": 42, "call": label} if returns is None else returns

        if through is not None:
            return self._run(label, protected, lambda: through(protected)())
        return self._run(label, protected)

    def start_held(self, name: str) -> Held:
        """Start a call on its own thread and wait until it is inside the protected function
        (admitted), or has been rejected."""
        held = Held(self, name)
        self.held.append(held)

        def protected() -> Any:
            self.reached += 1
            return held.function()

        done = threading.Event()
        box: dict[str, Outcome] = {}

        def run() -> None:
            box["outcome"] = self._capture(lambda: self.kind.call(self.impl, self.breaker,
                                                                  protected))
            done.set()

        thread = threading.Thread(target=run, name=f"kata-{name}", daemon=True)
        held.caller = (thread, done, box)
        thread.start()
        _wait_for_either(held.entered, done, WAIT)
        if done.is_set():
            outcome = box["outcome"]
            self.note(f"{name}: {self.describe(outcome)}")
            self._reraise_unwritten(outcome)
            self.scenario.fail(expected=f"{name} admitted (and kept waiting inside the call)",
                               observed=f"{name} {self.describe(outcome)}",
                               timeline=self.timeline())
        if not held.entered.is_set():
            self.scenario.fail(expected=f"{name} admitted, or rejected at once",
                               observed=f"{name} neither reached the call nor returned within "
                                        f"{WAIT:.0f} s: it is waiting for something (a lock "
                                        f"held by another call, or a trial place?)",
                               timeline=self.timeline())
        self.note(f"{name} admitted; it stays inside the call for now")
        return held

    def _run(self, label: str, protected: Callable[[], Any],
             action: Callable[[], Any] | None = None) -> Outcome:
        if action is None:
            action = lambda: self.kind.call(self.impl, self.breaker, protected)  # noqa: E731
        if not self.threads:
            outcome = self._capture(action)
        else:  # on its own thread: a breaker that deadlocks is reported, never waited for
            done, box = threading.Event(), {}

            def run() -> None:
                box["outcome"] = self._capture(action)
                done.set()

            thread = threading.Thread(target=run, name="kata-caller", daemon=True)
            thread.start()
            outcome = self._finish((thread, done, box), label)
        self.note(f"{label}: {self.describe(outcome)}")
        self._reraise_unwritten(outcome)
        return outcome

    def _finish(self, caller: tuple[threading.Thread, threading.Event, dict[str, Outcome]],
                name: str) -> Outcome:
        thread, done, box = caller
        if not done.wait(WAIT):
            self.scenario.fail(expected=f"{name} returns from the call",
                               observed=f"deadlock: {name} never returned (waited {WAIT:.0f} "
                                        f"s). Is a lock held while the protected call runs, "
                                        f"or never released?", timeline=self.timeline())
        outcome = box["outcome"]
        self._reraise_unwritten(outcome)
        return outcome

    @staticmethod
    def _capture(action: Callable[[], Any]) -> Outcome:
        try:
            return Outcome(value=action())
        except NotImplementedError as error:
            return Outcome(error=error)
        except _CAUGHT as error:
            return Outcome(error=error)

    @staticmethod
    def _reraise_unwritten(outcome: Outcome) -> None:
        if isinstance(outcome.error, NotImplementedError):
            raise outcome.error

    # -- reading outcomes ------------------------------------------------------------------

    def rejected(self, outcome: Outcome) -> bool:
        return outcome.raised(self.impl.CircuitOpenError)

    def describe(self, outcome: Outcome) -> str:
        if self.rejected(outcome):
            return "rejected with CircuitOpenError"
        if outcome.error is not None:
            return f"raised {type(outcome.error).__name__}"
        return f"returned {outcome.value!r}"[:80]

    def state(self) -> str:
        state = self.breaker.state
        return getattr(state, "name", repr(state))

    # -- verdicts --------------------------------------------------------------------------

    def expect_admitted(self, label: str, *, why: str, **call: Any) -> Outcome:
        before = self.reached
        outcome = self.call(label, **call)
        self.scenario.expect(self.reached == before + 1 and not self.rejected(outcome),
                             expected=f"{label} admitted ({why})",
                             observed=f"{label} {self.describe(outcome)}",
                             timeline=self.timeline())
        return outcome

    def expect_rejected(self, label: str, *, why: str) -> Outcome:
        before = self.reached
        outcome = self.call(label)
        self.scenario.expect(self.rejected(outcome) and self.reached == before,
                             expected=f"{label} rejected with CircuitOpenError, without "
                                      f"running the call ({why})",
                             observed=f"{label} {self.describe(outcome)}",
                             timeline=self.timeline())
        return outcome

    def expect_state(self, name: str, *, why: str) -> None:
        observed = self.state()
        self.scenario.expect(observed == name, expected=f"state {name} ({why})",
                             observed=f"state {observed}", timeline=self.timeline())

    def trip(self, failures: int) -> None:
        for number in range(1, failures + 1):
            self.expect_admitted(f"failure {number} of {failures}", fails=True,
                                 why="the breaker is closed")

    def __enter__(self) -> Story:
        return self

    def __exit__(self, *exc: object) -> None:
        """Let every held call go, whatever happened in the check."""
        for held in self.held:
            held._release.set()


def _wait_for_either(first: threading.Event, second: threading.Event, timeout: float) -> None:
    """Wait until ``first`` or ``second`` is set, or ``timeout`` (real seconds) has passed."""
    deadline = time.monotonic() + timeout
    while not (first.is_set() or second.is_set()) and time.monotonic() < deadline:
        first.wait(0.002)


# -- the checks ------------------------------------------------------------------------------


def interruption_is_no_outcome(impl: Any, clock: FakeClock, kind: Kind) -> None:
    """A ``BaseException`` that is not an ``Exception`` is no outcome, and frees a trial's
    place: CLOSED (SystemExit between two failures) and HALF_OPEN (KeyboardInterrupt, then a
    cancellation-like BaseException, each interrupting a trial)."""
    story = Story(impl, kind, clock, Settings(trips_after=2),
                  "a failure, a call interrupted by SystemExit, a failure")
    story.expect_admitted("failure 1", fails=True, why="the breaker is closed")
    _interrupt(story, SystemExit(2), "the call interrupted by SystemExit")
    story.expect_admitted("failure 2", fails=True,
                          why="SystemExit is not a failure: 1 failure so far, 2 open it")
    story.expect_rejected("the next call",
                          why="2 failures in a row: the interrupted call was no success "
                              "either, it did not break the run")

    start = clock()
    story = Story(impl, kind, clock, Settings(trips_after=1, recovery_timeout=30, trials=2),
                  f"it opens at t={start:g}; after 30 s the first trial call is interrupted "
                  f"by Ctrl-C (KeyboardInterrupt), the next succeeds, the next is interrupted "
                  f"by a BaseException like asyncio.CancelledError, the next succeeds")
    story.trip(1)
    story.at(start + 31)
    _interrupt(story, KeyboardInterrupt(), "trial 1, interrupted by Ctrl-C")
    story.expect_admitted("the next call", why="the interrupted trial freed its place: it is "
                                               "the next trial")
    story.expect_state("HALF_OPEN", why="one trial success of the 2 needed: the interrupted "
                                        "trial was neither a failure nor a success")
    _interrupt(story, Interrupted("cancelled"), "the next trial, interrupted by a BaseException")
    story.expect_admitted("the next call", why="the interrupted trial freed its place")
    story.expect_state("CLOSED", why="2 trial successes close the breaker")


def _interrupt(story: Story, signal: BaseException, label: str) -> None:
    before = story.reached
    outcome = story.call(label, raises=signal)
    story.scenario.expect(story.reached == before + 1 and outcome.error is signal,
                          expected=f"{label}: admitted, and the {type(signal).__name__} "
                                   f"propagates unchanged",
                          observed=f"{label} {story.describe(outcome)}"
                                   + ("" if story.reached > before else " without running"),
                          timeline=story.timeline())


def recovery_admits_a_trial(impl: Any, clock: FakeClock, kind: Kind) -> None:
    """After ``recovery_timeout`` (0, 7.5 and 45 s) the next call is a trial, though nothing
    read ``state``; half a second before it, calls are rejected."""
    for timeout in (7.5, 45.0, 0.0):
        fresh = FakeClock(100.0)  # each timeout on a breaker and a clock of its own
        opened = fresh()
        story = Story(impl, kind, fresh, Settings(trips_after=2, recovery_timeout=timeout),
                      f"2 failures open it at t={opened:g}; then calls, and nobody reads "
                      f"breaker.state")
        story.trip(2)
        if timeout:
            story.at(opened + timeout - 0.5)
            story.expect_rejected(f"a call at t={story.clock():g}",
                                  why=f"{timeout - 0.5:g} s after opening: still open")
        story.at(opened + timeout + 0.5)
        story.expect_admitted(f"a call at t={story.clock():g}",
                              why=f"{timeout + 0.5:g} s after opening, recovery_timeout="
                                  f"{timeout:g}: a trial call"
                                  + (" (0 means at once, never a default)" if not timeout
                                     else ""))
        story.expect_state("CLOSED", why="one trial success closes it (trials=1)")


def rejections_change_nothing(impl: Any, clock: FakeClock, kind: Kind) -> None:
    """Rejected calls count for nothing: calls rejected while OPEN do not move the open period,
    and a caller rejected while the trials are in flight is no trial outcome."""
    opened = clock()
    story = Story(impl, kind, clock, Settings(trips_after=2, recovery_timeout=30, trials=2,
                                              at_once=2),
                  f"2 failures open it at t={opened:g}; a call every 4 s while open; then "
                  f"2 trial calls stay in flight while a third caller arrives", threads=True)
    with story:
        story.trip(2)
        for moment in (1, 5, 9, 13, 17, 21, 25, 29):
            story.at(opened + moment)
            story.expect_rejected(f"the call at t={story.clock():g}", why="the breaker is open")
        story.at(opened + 30.5)
        first = story.start_held("trial 1")
        second = story.start_held("trial 2")
        story.expect_rejected("a third caller", why="2 trials in flight: no place left")
        first.release(fails=False)
        story.expect_state("HALF_OPEN", why="1 trial success of 2; the rejected caller is no trial "
                                            "outcome, neither a failure nor a success")
        second.release(fails=False)
        story.expect_state("CLOSED", why="2 trial successes")


def late_results_from_closed(impl: Any, clock: FakeClock, kind: Kind) -> None:
    """Calls admitted while CLOSED that come back later change nothing: a late failure does not
    extend the open period, a late success does not close it, and neither counts in a later
    stay in CLOSED (after the breaker closed again)."""
    story = Story(impl, kind, clock, Settings(trips_after=2, recovery_timeout=30, trials=1),
                  "4 slow calls admitted at t=0; 2 failures open it at t=5; the slow calls "
                  "come back one by one: two while it is open, two after it closed again",
                  threads=True)
    with story:
        slow = [story.start_held(f"slow call {number}") for number in range(1, 5)]
        story.at(5)
        story.trip(2)
        story.at(10)
        slow[0].release(fails=True)
        story.at(11)
        slow[1].release(fails=False)
        story.at(12)
        story.expect_rejected("a call at t=12", why="open since t=5: a late success does not "
                                                    "close it")
        story.at(35.5)
        story.expect_admitted("a trial at t=35.5", why="30 s after opening at t=5: the late "
                                                       "failure at t=10 did not restart the "
                                                       "open period")
        story.expect_state("CLOSED", why="one trial success closes it (trials=1)")
        story.expect_admitted("failure A", fails=True, why="closed again")
        slow[2].release(fails=False)
        story.expect_admitted("failure B", fails=True, why="1 failure so far")
        story.expect_rejected("the next call", why="failures A and B in a row opened it: the "
                                                   "late success between them belongs to the "
                                                   "first stay in CLOSED, not this one")
        story.at(66)
        story.expect_admitted("a trial at t=66", why="30 s after re-opening")
        story.expect_admitted("failure C", fails=True, why="closed again")
        slow[3].release(fails=True)
        story.expect_admitted("failure D", fails=True,
                              why="1 failure since closing: the late failure of a call "
                                  "admitted at t=0 is no failure of this stay in CLOSED")
        story.expect_rejected("the next call", why="failures C and D in a row opened it")


def late_result_during_trials(impl: Any, clock: FakeClock, kind: Kind) -> None:
    """A call admitted while CLOSED that comes back while trials are in flight is neither a
    trial outcome nor frees a trial's place."""
    story = Story(impl, kind, clock, Settings(trips_after=2, recovery_timeout=30, trials=2,
                                              at_once=2),
                  "a slow call admitted at t=0; 2 failures open it at t=5; at t=36 two trial "
                  "calls are in flight when the slow call comes back with a success",
                  threads=True)
    with story:
        slow = story.start_held("the slow call")
        story.at(5)
        story.trip(2)
        story.at(36)
        first = story.start_held("trial 1")
        second = story.start_held("trial 2")
        slow.release(fails=False)
        story.expect_rejected("another caller", why="both trial places are taken: the slow call "
                                                    "held none")
        first.release(fails=False)
        story.expect_state("HALF_OPEN", why="1 trial success of 2: the slow call's success is no "
                                            "trial outcome")
        second.release(fails=False)
        story.expect_state("CLOSED", why="2 trial successes")


def late_trial_from_an_earlier_half_open(impl: Any, clock: FakeClock, kind: Kind) -> None:
    """A trial of one half-open period that comes back in the next half-open period is neither
    a trial outcome there nor frees one of its places."""
    story = Story(impl, kind, clock, Settings(trips_after=1, recovery_timeout=30, trials=2,
                                              at_once=2),
                  "it opens at t=0; at t=31 two trials are in flight and the second fails (it "
                  "re-opens); at t=62 a new trial is in flight when the first trial of t=31 "
                  "comes back with a success", threads=True)
    with story:
        story.trip(1)
        story.at(31)
        old = story.start_held("trial A (t=31)")
        failing = story.start_held("trial B (t=31)")
        failing.release(fails=True)
        story.expect_state("OPEN", why="a trial failed: it re-opens")
        story.at(62)
        new = story.start_held("trial C (t=62)")
        old.release(fails=False)
        story.start_held("trial D (t=62)")
        story.expect_rejected("another caller", why="trials C and D hold both places: trial A "
                                                    "belonged to the half-open period of t=31")
        new.release(fails=False)
        story.expect_state("HALF_OPEN", why="1 trial success in this half-open period (trial C); "
                                            "trial A's success belongs to the earlier one")
        story.held[-1].release(fails=False)
        story.expect_state("CLOSED", why="2 trial successes in this half-open period")


def open_period_starts_when_the_failure_returns(impl: Any, clock: FakeClock,
                                                kind: Kind) -> None:
    """The open period starts when the failing call comes back, not when it started: the
    tripping call and a failed trial each take 10 s (a read timeout) before they fail."""
    story = Story(impl, kind, clock, Settings(trips_after=2, recovery_timeout=30, trials=1),
                  "a failure at t=0; at t=5 a call starts that fails at t=15 (a 10 s read "
                  "timeout) and trips it; later a trial that also takes 10 s to fail")
    story.expect_admitted("failure 1 at t=0", fails=True, why="the breaker is closed")
    story.at(5)
    story.expect_admitted("failure 2, started at t=5, failing at t=15", fails=True, takes=10,
                          why="the breaker is closed")
    story.at(35.5)
    outcome = story.expect_rejected("a call at t=35.5",
                                    why="the breaker opened when failure 2 came back, at "
                                        "t=15: 20.5 s ago, not 30.5")
    value = getattr(outcome.error, "retry_after", None)
    story.scenario.expect(isinstance(value, (int, float)) and abs(value - 9.5) < 0.01,
                          expected="retry_after 9.5 at t=35.5 (open since t=15, "
                                   "recovery_timeout=30)",
                          observed=f"retry_after {value!r}", timeline=story.timeline())
    story.at(45.5)
    story.expect_admitted("a trial at t=45.5, failing at t=55.5", fails=True, takes=10,
                          why="30.5 s after the breaker opened at t=15")
    story.at(76)
    story.expect_rejected("a call at t=76", why="the failed trial re-opened it when it came "
                                                "back, at t=55.5: 20.5 s ago, not 30.5")
    story.at(86)
    story.expect_admitted("a trial at t=86", why="30.5 s after re-opening at t=55.5")
    story.expect_state("CLOSED", why="one trial success closes it (trials=1)")


def late_results_of_a_nested_trip(impl: Any, clock: FakeClock, kind: Kind) -> None:
    """Lessons 4-5, one thread: a call admitted while CLOSED, during which another caller's
    failure trips the breaker, changes nothing when it ends: its failure neither re-opens nor
    moves the open time, its success neither closes nor counts as a trial."""
    for fails in (True, False):
        start = clock()
        story = Story(impl, kind, clock, Settings(trips_after=2, recovery_timeout=30, trials=1),
                      f"a failure at t={start:g}; at t={start + 5:g} call X is admitted; while it "
                      f"runs another caller fails, which trips the breaker; X ends 10 s later "
                      f"with a {'failure' if fails else 'success'}")
        story.expect_admitted("failure 1", fails=True, why="the breaker is closed")
        story.at(start + 5)
        inner: list[Outcome] = []
        before = story.reached
        outcome = story.call("call X", fails=fails, takes=10,
                             inside=lambda: inner.append(story.call("another caller's failure",
                                                                    fails=True)))
        story.scenario.expect(story.reached == before + 2 and not story.rejected(outcome)
                              and (outcome.raised(FAILURE) if fails else outcome.returned),
                              expected="call X admitted (the breaker is closed when X "
                                       "arrives), and it ends with its own "
                                       + ("failure" if fails else "result"),
                              observed=f"call X {story.describe(outcome)}",
                              timeline=story.timeline())
        story.scenario.expect(bool(inner) and not story.rejected(inner[0])
                              and inner[0].raised(FAILURE),
                              expected="the other caller, arriving while X runs, is admitted "
                                       "and fails (the 2nd failure: it trips the breaker)",
                              observed=("the other caller " + story.describe(inner[0])
                                        if inner else "nobody arrived"),
                              timeline=story.timeline())
        if fails:
            story.at(start + 35.5)
            story.expect_admitted(f"a call at t={start + 35.5:g}",
                                  why=f"30.5 s after the breaker opened at t={start + 5:g}: a "
                                      f"trial. X's failure came back later, at "
                                      f"t={start + 15:g}, but X was admitted before the breaker "
                                      f"opened: it changes nothing, and only the transition "
                                      f"into OPEN stamps the open time")
        else:
            story.expect_rejected(f"a call at t={story.clock():g}",
                                  why=f"open since t={start + 5:g}: X's success came back "
                                      f"after the breaker opened, but X was admitted before; "
                                      f"it is no trial and closes nothing")
        clock.advance(100)


def trial_places_are_per_period(impl: Any, clock: FakeClock, kind: Kind) -> None:
    """Lessons 7-8: ``half_open_max_calls`` trials are admitted per half-open period. A trial
    that ends gives no place back (only an interrupted one does): while the second of two
    trials runs, after the first succeeded, another caller is rejected."""
    story = Story(impl, kind, clock, Settings(trips_after=1, recovery_timeout=30, trials=2),
                  "it opens at t=0; at t=31 trial 1 succeeds; while trial 2 is running, "
                  "another caller arrives")
    story.trip(1)
    story.at(31)
    story.expect_admitted("trial 1", why="the first of 2 trials of this half-open period")
    arrivals: list[Outcome] = []
    story.expect_admitted("trial 2", why="the second of 2 trials",
                          inside=lambda: arrivals.append(story.call("another caller")))
    story.scenario.expect(bool(arrivals) and story.rejected(arrivals[0]),
                          expected="the caller who arrived while trial 2 ran is rejected: 2 "
                                   "trials were admitted in this half-open period, "
                                   "half_open_max_calls=2 (trial 1 ending gave no place back)",
                          observed=("another caller " + story.describe(arrivals[0])
                                    if arrivals else "nobody arrived"),
                          timeline=story.timeline())
    story.expect_state("CLOSED", why="2 trials, both succeeded")


def racing_trials_are_bounded(impl: Any, clock: FakeClock, kind: Kind) -> None:
    """Two callers racing for the only trial place after the timeout: one is admitted, the
    other rejected, even when the threads take turns one bytecode instruction at a time."""
    story = Story(impl, kind, clock, Settings(trips_after=1, recovery_timeout=30, trials=1),
                  "it opens at t=0; at t=31 two callers arrive at the same moment for the one "
                  "trial place (the threads take turns, one bytecode instruction each, inside "
                  "your module)")
    story.trip(1)
    story.at(31)
    inside = _race(story, fails=False)
    admitted = inside["admitted"]
    story.scenario.expect(admitted == 1 and inside["rejected"] == 1,
                          expected="exactly 1 trial call admitted, the other caller rejected "
                                   "with CircuitOpenError (take the trial place atomically)",
                          observed=f"{admitted} admitted, {inside['rejected']} rejected",
                          timeline=story.timeline())


def racing_failures_are_all_counted(impl: Any, clock: FakeClock, kind: Kind) -> None:
    """Two failures recorded at the same moment are both counted, even when the threads take
    turns one bytecode instruction at a time."""
    story = Story(impl, kind, clock, Settings(trips_after=2),
                  "two callers fail at the same moment (the threads take turns, one bytecode "
                  "instruction each, inside your module)")
    counts = _race(story, fails=True)
    story.scenario.expect(counts["admitted"] == 2,
                          expected="both callers admitted (the breaker is closed)",
                          observed=f"{counts['admitted']} admitted", timeline=story.timeline())
    story.expect_rejected("the next call",
                          why="2 failures in a row open it: both racing failures counted (a "
                              "lost update leaves one); hold the lock around each "
                              "read-and-update")


def racing_failures_open_once(impl: Any, clock: FakeClock, kind: Kind) -> None:
    """Two failures that both reach the threshold at the same moment open the breaker once,
    and ``on_state_change`` hears of it once (lesson 6), even when the threads take turns one
    bytecode instruction at a time."""
    listener = Transitions()
    story = Story(impl, kind, clock, Settings(trips_after=3,
                                              options=(("on_state_change", listener),)),
                  "two failures; then two callers fail at the same moment, each the third "
                  "failure as far as it can tell (the threads take turns, one bytecode "
                  "instruction each, inside your module)")
    story.trip(2)
    counts = _race(story, fails=True)
    story.scenario.expect(counts["admitted"] == 2,
                          expected="both callers admitted (2 failures of 3: still closed)",
                          observed=f"{counts['admitted']} admitted", timeline=story.timeline())
    wanted = [(impl.State.CLOSED, impl.State.OPEN)]
    story.scenario.expect(listener.events == wanted,
                          expected="exactly one transition reported: CLOSED→OPEN (one thread "
                                   "makes it, under the lock, and announces it once)",
                          observed=listener.describe(), timeline=story.timeline())
    story.expect_rejected("the next call", why="the breaker is open")


def racing_callers_half_open_once(impl: Any, clock: FakeClock, kind: Kind) -> None:
    """Two callers arriving at the same moment after the timeout, with two trial places: both
    are trials, and there is one OPEN→HALF_OPEN transition, reported once, even when the
    threads take turns one bytecode instruction at a time (lesson 6; with one place,
    :func:`racing_trials_are_bounded` races them for it)."""
    listener = Transitions()
    story = Story(impl, kind, clock, Settings(trips_after=1, recovery_timeout=30, trials=2,
                                              at_once=2,
                                              options=(("on_state_change", listener),)),
                  "it opens at t=0; at t=31 two callers arrive at the same moment for the 2 "
                  "trial places (the threads take turns, one bytecode instruction each, "
                  "inside your module)")
    story.trip(1)
    story.at(31)
    counts = _race(story, fails=False)
    story.scenario.expect(counts["admitted"] == 2,
                          expected="both callers admitted as trials (2 places)",
                          observed=f"{counts['admitted']} admitted, {counts['rejected']} "
                                   f"rejected", timeline=story.timeline())
    wanted = [(impl.State.CLOSED, impl.State.OPEN), (impl.State.OPEN, impl.State.HALF_OPEN),
              (impl.State.HALF_OPEN, impl.State.CLOSED)]
    story.scenario.expect(listener.events == wanted,
                          expected="CLOSED→OPEN, exactly one OPEN→HALF_OPEN (one of the two "
                                   "makes it), then HALF_OPEN→CLOSED (2 trial successes)",
                          observed=listener.describe(), timeline=story.timeline())


def _race(story: Story, *, fails: bool) -> dict[str, int]:
    """Two calls in lockstep. An admitted call waits (briefly) inside the protected function
    until both callers are accounted for: a trial is still in flight when the other caller is
    judged, and two admitted calls leave together, so that what each does after the call is
    interleaved too."""
    cond = threading.Condition()
    counts = {"admitted": 0, "rejected": 0}
    lockstep = Lockstep(loader.graded_files)

    def protected() -> Any:
        with cond:
            counts["admitted"] += 1
            cond.notify_all()
            both = cond.wait_for(lambda: counts["admitted"] + counts["rejected"] >= 2, 0.5)
        if both and counts["admitted"] == 2:
            lockstep.realign()
        story.reached += 1
        if fails:
            raise FAILURE("users: connection refused")
        return {"user": 42}

    def racer() -> Any:
        try:
            return story.kind.call(story.impl, story.breaker, protected)
        except story.impl.CircuitOpenError:
            with cond:
                counts["rejected"] += 1
                cond.notify_all()
            raise

    errors = lockstep.run(racer, racer)
    for error in errors:
        if isinstance(error, NotImplementedError):
            raise error
    story.note("two racing callers: " + ", ".join(
        "returned" if e is None else type(e).__name__ for e in errors))
    return counts


class UserSuspended(Exception):
    """A business error of the caller's own code: the service answered."""


class BrokenPredicate(Exception):
    """What the checks' failure predicates raise: a bug in the breaker's configuration."""


def _answer(status: int) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.url = "http://users.test/users/42"
    return response


def _http_error(status: int) -> requests.HTTPError:
    response = _answer(status)
    return requests.HTTPError(f"{status} Error for url: {response.url}", response=response)


def non_failures_count_as_successes(impl: Any, clock: FakeClock, kind: Kind) -> None:
    """A 404, a business error and an excluded error count as successes (each breaks a run of
    failures; ``@breaker`` judges alike), and a returned 503 response counts as a failure."""
    settings = Settings(trips_after=2, options=(("exclude", (LookupError,)),))
    for label, answer in (("a 404 (raised as HTTPError)", {"raises": _http_error(404)}),
                          ("UserSuspended (a business error)",
                           {"raises": UserSuspended("user 42 is suspended")}),
                          ("a KeyError (a LookupError, excluded), through @breaker",
                           {"raises": KeyError("email"), "decorated": True})):
        story = Story(impl, kind, clock, settings, f"answers: a failure, {label}, a failure")
        decorated = answer.pop("decorated", False)
        story.expect_admitted("a failure", fails=True, why="the breaker is closed")
        before = story.reached
        outcome = story.call(label, **answer, through=story.breaker if decorated else None)
        story.scenario.expect(story.reached == before + 1 and outcome.error is answer["raises"],
                              expected=f"{label} admitted, and the caller gets that very "
                                       f"exception", observed=f"{story.describe(outcome)}",
                              timeline=story.timeline())
        story.expect_admitted("a failure", fails=True, why="1 failure in a row: the answer "
                                                           "before it counted as a success")
        story.expect_admitted("the next call", why="never 2 failures in a row")

    story = Story(impl, kind, clock, Settings(trips_after=2),
                  "answers: a returned 503 response (not raised), then a failure")
    before = story.reached
    response = _answer(503)
    outcome = story.call("a returned 503 response", returns=response)
    story.scenario.expect(story.reached == before + 1 and outcome.value is response,
                          expected="the returned 503 response reaches the caller",
                          observed=story.describe(outcome), timeline=story.timeline())
    story.expect_admitted("a failure", fails=True, why="1 failure so far")
    story.expect_rejected("the next call", why="the returned 503 was a failure too: 2 failures "
                                               "in a row opened it")


def default_rules_judge_outcomes(impl: Any, clock: FakeClock, kind: Kind) -> None:
    """Lesson 5's default rules, through the breaker built with no predicates: connection
    errors, timeouts, 5xx (raised or returned) are failures; 4xx, an HTTPError without a
    response, other requests errors and business errors are successes (lessons 6-11)."""
    failures = [("a refused connection (ConnectionError)", {"raises": requests.ConnectionError("refused")}),
                ("a read timeout (ReadTimeout)", {"raises": requests.ReadTimeout("read timed out")}),
                ("a connect timeout (ConnectTimeout)",
                 {"raises": requests.ConnectTimeout("connect timed out")}),
                ("a raised 500", {"raises": _http_error(500)}),
                ("a raised 599", {"raises": _http_error(599)}),
                ("a returned 502 response", {"returns": _answer(502)})]
    successes = [("a raised 404", {"raises": _http_error(404)}),
                 ("a raised 429 (Too Many Requests)", {"raises": _http_error(429)}),
                 ("a raised 499", {"raises": _http_error(499)}),
                 ("an HTTPError with no response", {"raises": requests.HTTPError("no response")}),
                 ("requests.TooManyRedirects", {"raises": requests.TooManyRedirects("30 redirects")}),
                 ("a KeyError of your own parsing", {"raises": KeyError("email")}),
                 ("a returned 404 response", {"returns": _answer(404)}),
                 ("a returned object with status_code 503 that is not a Response",
                  {"returns": _StatusOnly(503)})]
    for label, answer in failures:
        story = Story(impl, kind, clock, Settings(trips_after=2),
                      f"default rules (no is_failure given); answers: {label}, then a failure")
        _answered(story, label, answer)
        story.expect_admitted("a failure", fails=True, why="1 failure so far")
        story.expect_rejected("the next call", why=f"{label} is a failure by default: 2 in a "
                                                   f"row opened it")
    for label, answer in successes:
        story = Story(impl, kind, clock, Settings(trips_after=2),
                      f"default rules (no is_failure given); answers: a failure, {label}, "
                      f"a failure")
        story.expect_admitted("a failure", fails=True, why="the breaker is closed")
        _answered(story, label, answer)
        story.expect_admitted("a failure", fails=True,
                              why=f"{label} is no failure by default: it broke the run")
        story.expect_admitted("the next call", why="never 2 failures in a row")


class _StatusOnly:
    """Has a ``status_code`` but is no ``requests.Response``."""

    def __init__(self, status: int) -> None:
        self.status_code = status

    def __repr__(self) -> str:
        return f"<an object with status_code={self.status_code}>"


def _answered(story: Story, label: str, answer: dict[str, Any]) -> None:
    """One call that raises or returns ``answer``, which must reach the caller unchanged."""
    before = story.reached
    outcome = story.call(label, **answer)
    given = answer.get("raises", answer.get("returns"))
    got = outcome.error if "raises" in answer else outcome.value
    story.scenario.expect(story.reached == before + 1 and got is given,
                          expected=f"{label} admitted, and the caller gets it unchanged",
                          observed=f"{label}: {story.describe(outcome)}",
                          timeline=story.timeline())


def rejection_says_who_and_when(impl: Any, clock: FakeClock, kind: Kind) -> None:
    """A rejection is a ``CircuitOpenError`` that carries the breaker's ``name`` and
    ``retry_after``: the seconds left until a trial call is admitted."""
    opened = clock()
    story = Story(impl, kind, clock, Settings(trips_after=2, recovery_timeout=20),
                  f"2 failures open it at t={opened:g}; calls 5 s and 17.5 s later")
    story.trip(2)
    for after, left in ((5.0, 15.0), (17.5, 2.5)):
        story.at(opened + after)
        outcome = story.expect_rejected(f"the call at t={story.clock():g}", why="still open")
        error = outcome.error
        name, value = getattr(error, "name", None), getattr(error, "retry_after", None)
        story.scenario.expect(name == NAME and isinstance(value, (int, float))
                              and abs(value - left) < 0.01,
                              expected=f"CircuitOpenError with name {NAME!r} and retry_after "
                                       f"{left:g} ({left:g} s left of recovery_timeout=20)",
                              observed=f"name {name!r}, retry_after {value!r}",
                              timeline=story.timeline())


def raising_predicate_counts_as_failure(impl: Any, clock: FakeClock, kind: Kind) -> None:
    """A failure predicate that raises is a bug in the configuration: the call counts as a
    failure (also a trial: it re-opens) and the predicate's exception reaches the caller."""

    def broken(outcome: object) -> bool:
        raise BrokenPredicate(f"the predicate cannot judge {type(outcome).__name__}")

    for setting, answer, what in (("is_failure", {"raises": ValueError("bad data")},
                                   "raises ValueError"),
                                  ("is_failure_result", {"returns": {"user": 42}},
                                   "returns the user")):
        opened = clock()
        story = Story(impl, kind, clock, Settings(trips_after=2, options=((setting, broken),)),
                      f"{setting} raises BrokenPredicate whatever it is given; the protected "
                      f"function {what} each time; t={opened:g}")
        for number in (1, 2):
            before = story.reached
            outcome = story.call(f"call {number}", **answer)
            story.scenario.expect(story.reached == before + 1
                                  and outcome.raised(BrokenPredicate),
                                  expected=f"call {number} admitted, and the predicate's "
                                           f"BrokenPredicate reaches the caller",
                                  observed=f"call {number} {story.describe(outcome)}",
                                  timeline=story.timeline())
        story.expect_rejected("the next call", why="the 2 calls the predicate could not judge "
                                                   "counted as failures: 2 in a row open it")
        story.at(opened + 31)
        before = story.reached
        outcome = story.call("the trial call", **answer)
        story.scenario.expect(story.reached == before + 1 and outcome.raised(BrokenPredicate),
                              expected="the trial call admitted (31 s later), and the "
                                       "predicate's BrokenPredicate reaches the caller",
                              observed=f"the trial call {story.describe(outcome)}",
                              timeline=story.timeline())
        story.expect_rejected("the next call", why="the trial counted as a failure: it "
                                                   "re-opened (not stuck half-open)")


def trial_after_closing_changes_nothing(impl: Any, clock: FakeClock, kind: Kind) -> None:
    """With more trials in flight than ``success_threshold``, the breaker closes as soon as
    enough trials succeeded; the trial still in flight then comes back late and changes
    nothing."""
    story = Story(impl, kind, clock, Settings(trips_after=1, recovery_timeout=30, trials=2,
                                              at_once=3),
                  "it opens at t=0; at t=31 three trials are in flight; two succeed, then the "
                  "third fails", threads=True)
    with story:
        story.trip(1)
        story.at(31)
        trials = [story.start_held(f"trial {number}") for number in (1, 2, 3)]
        trials[0].release(fails=False)
        story.expect_state("HALF_OPEN", why="1 trial success of the 2 needed")
        trials[1].release(fails=False)
        story.expect_state("CLOSED", why="2 trial successes close it, though trial 3 is still "
                                         "in flight")
        trials[2].release(fails=True)
        story.expect_admitted("the next call", why="trial 3 belonged to the half-open period: "
                                                   "its failure is no failure of the new "
                                                   "CLOSED stay (1 failure would open it)")


def a_success_in_the_same_stay_counts(impl: Any, clock: FakeClock, kind: Kind) -> None:
    """A success that was admitted before a failure, and comes back after it, still breaks the
    run: it belongs to the same stay in CLOSED (nothing happened to the breaker meanwhile)."""
    story = Story(impl, kind, clock, Settings(trips_after=2),
                  "a slow call admitted; meanwhile a failure; then the slow call succeeds; "
                  "then another failure", threads=True)
    with story:
        slow = story.start_held("the slow call")
        story.expect_admitted("failure A", fails=True, why="closed")
        slow.release(fails=False)
        story.expect_admitted("failure B", fails=True, why="closed")
        story.expect_admitted("the next call",
                              why="failure A, the slow call's success, failure B: never 2 "
                                  "failures in a row (the success belongs to this stay in "
                                  "CLOSED: it was admitted in it)")


def trial_places_come_back_one_at_a_time(impl: Any, clock: FakeClock, kind: Kind) -> None:
    """A trial that ends gives back its own place, one, whether it succeeded or was
    interrupted; success_threshold=3 needs three trial successes."""
    story = Story(impl, kind, clock, Settings(trips_after=1, recovery_timeout=30, trials=3,
                                              at_once=2),
                  "it opens at t=0; at t=31 two trials are in flight; one succeeds, one is "
                  "interrupted (KeyboardInterrupt); more callers arrive", threads=True)
    with story:
        story.trip(1)
        story.at(31)
        first = story.start_held("trial 1")
        story.start_held("trial 2")
        first.release(fails=False)
        story.start_held("trial 3")
        story.expect_rejected("another caller", why="trials 2 and 3 are in flight: trial 1 gave "
                                                    "back one place, not more")
        story.held[1].release(fails=False)
        story.expect_state("HALF_OPEN", why="2 trial successes of the 3 needed")
        _interrupt_held(story, story.held[2])
        story.start_held("trial 4")
        story.start_held("trial 5")
        story.expect_rejected("another caller", why="trials 4 and 5 are in flight")
        story.held[3].release(fails=False)
        story.expect_state("CLOSED", why="3 trial successes (trials 1, 2 and 4)")


def _interrupt_held(story: Story, held: Held) -> None:
    """Let a held call end with KeyboardInterrupt."""
    held.interrupt = KeyboardInterrupt()
    outcome = held.release(fails=False)
    story.scenario.expect(outcome.error is held.interrupt,
                          expected=f"{held.name} ends with its KeyboardInterrupt, unchanged",
                          observed=f"{held.name} {story.describe(outcome)}",
                          timeline=story.timeline())
