"""Lesson 9: the conventions of the breaker this lesson hands over (lessons 4-6), re-checked
through ``with_fallback`` with the shared re-checks (``harness.rechecks``): a learner who
pastes their own breaker here must still keep them. Each call goes through
``with_fallback(breaker, func, fallback)`` with a fallback that hands the error back, so a
rejection still reads as a rejection."""

from typing import Any, Callable

from harness import rechecks


class _FellBack:
    """What the check's fallback returns: the error that made the call unavailable."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


def _hand_back(error: BaseException, *args: Any, **kwargs: Any) -> _FellBack:
    return _FellBack(error)


def _through_fallback(impl: Any, breaker: Any, func: Callable[[], Any]) -> Any:
    result = impl.with_fallback(breaker, func, _hand_back)()
    if isinstance(result, _FellBack):
        raise result.error
    return result


KIND = rechecks.Kind(build=rechecks.count_breaker(), call=_through_fallback)


def test_interruption_is_no_outcome_and_frees_the_trial(impl, clock):
    """Ctrl-C, SystemExit or any BaseException during a call is no outcome; an interrupted trial frees its place"""
    rechecks.interruption_is_no_outcome(impl, clock, KIND)


def test_recovery_admits_a_trial_after_any_timeout(impl, clock):
    """After any recovery_timeout (7.5 s, 45 s, 0) the next call is a trial, with nobody reading state"""
    rechecks.recovery_admits_a_trial(impl, clock, KIND)


def test_rejected_calls_count_for_nothing(impl, clock):
    """Calls rejected while open or while the trials are in flight count for nothing"""
    rechecks.rejections_change_nothing(impl, clock, KIND)


def test_late_results_from_closed_change_nothing(impl, clock):
    """Calls admitted while closed that come back later change nothing, in OPEN or in the next CLOSED stay"""
    rechecks.late_results_from_closed(impl, clock, KIND)


def test_late_result_during_trials_is_no_trial(impl, clock):
    """A call admitted while closed that comes back during the trials is no trial outcome"""
    rechecks.late_result_during_trials(impl, clock, KIND)


def test_late_trial_from_an_earlier_half_open_changes_nothing(impl, clock):
    """A trial of an earlier half-open period that comes back in the next one changes nothing"""
    rechecks.late_trial_from_an_earlier_half_open(impl, clock, KIND)


def test_racing_trials_take_one_place(impl, clock):
    """Two callers racing for the only trial place: one admitted, one rejected, instruction by instruction"""
    rechecks.racing_trials_are_bounded(impl, clock, KIND)


def test_racing_failures_are_all_counted(impl, clock):
    """Two failures recorded at the same moment are both counted, instruction by instruction"""
    rechecks.racing_failures_are_all_counted(impl, clock, KIND)


def test_non_failures_count_as_successes(impl, clock):
    """A 404, a business error or an excluded error breaks a run of failures; a returned 503 is a failure"""
    rechecks.non_failures_count_as_successes(impl, clock, KIND)


def test_rejection_carries_name_and_retry_after(impl, clock):
    """A rejection carries the breaker's name and retry_after, the seconds left until a trial"""
    rechecks.rejection_says_who_and_when(impl, clock, KIND)


def test_a_trial_that_ends_after_closing_changes_nothing(impl, clock):
    """More trials in flight than success_threshold: it closes at once, and the trial still in flight changes nothing"""
    rechecks.trial_after_closing_changes_nothing(impl, clock, KIND)


def test_a_success_admitted_before_a_failure_still_counts(impl, clock):
    """A success admitted before a failure that comes back after it still breaks the run of failures"""
    rechecks.a_success_in_the_same_stay_counts(impl, clock, KIND)


def test_a_trial_gives_back_exactly_its_own_place(impl, clock):
    """A trial that ends, by success or interruption, gives back exactly one place; three successes close with success_threshold=3"""
    rechecks.trial_places_come_back_one_at_a_time(impl, clock, KIND)


def test_the_open_period_starts_when_the_failure_returns(impl, clock):
    """The open period starts when the failing call comes back, not when it started (a 10 s timeout)"""
    rechecks.open_period_starts_when_the_failure_returns(impl, clock, KIND)


def test_the_default_rules_judge_every_outcome(impl, clock):
    """With no predicates given: connection errors, timeouts and 5xx are failures; 4xx and other errors are not"""
    rechecks.default_rules_judge_outcomes(impl, clock, KIND)
