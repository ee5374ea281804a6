"""Lesson 4: the breaker conventions every later lesson hands on, checked here once more with
other settings (``harness.rechecks``): Ctrl-C is no outcome and frees a trial's place; recovery
admits a trial after any ``recovery_timeout``, 0 included, with nobody reading ``state``."""

from harness import rechecks

KIND = rechecks.Kind(build=rechecks.count_breaker(half_open_max_calls=False))


def test_interruption_is_no_outcome_and_frees_the_trial(impl, clock):
    """Ctrl-C or SystemExit during a call is neither failure nor success; an interrupted trial frees its place"""
    rechecks.interruption_is_no_outcome(impl, clock, KIND)


def test_recovery_admits_a_trial_after_any_timeout(impl, clock):
    """After any recovery_timeout (7.5 s, 45 s, 0) the next call is a trial, with nobody reading state"""
    rechecks.recovery_admits_a_trial(impl, clock, KIND)


def test_the_open_period_starts_when_the_failure_returns(impl, clock):
    """The open period starts when the failing call comes back, not when it started (a 10 s timeout)"""
    rechecks.open_period_starts_when_the_failure_returns(impl, clock, KIND)


def test_a_call_that_ends_after_the_breaker_opened_changes_nothing(impl, clock):
    """A call admitted before the breaker opened changes nothing when it ends: no new open time, no closing"""
    rechecks.late_results_of_a_nested_trip(impl, clock, KIND)
