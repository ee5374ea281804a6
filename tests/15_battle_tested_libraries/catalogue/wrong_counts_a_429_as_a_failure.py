"""exclude=lambda e: not is_transient(e): the retry's verdict used for the breaker, so a 429 (an answer: slow down) counts as a failure."""

from harness.derive import inherit

CAUGHT_BY = ["test_answers_are_not_failures"]
reference = inherit(globals(), __file__)


def _is_an_answer(error):
    return isinstance(error, Exception) and not is_transient(error)


def make_breaker(name, *, failure_threshold=5, recovery_timeout=30.0, success_threshold=2,
                 listeners=()):
    breaker = reference.make_breaker(name, failure_threshold=failure_threshold,
                                     recovery_timeout=recovery_timeout,
                                     success_threshold=success_threshold, listeners=listeners)
    breaker.remove_excluded_exception(reference._is_an_answer)
    breaker.add_excluded_exception(_is_an_answer)
    return breaker
