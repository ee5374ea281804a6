"""chain calls every fallback and answers with the last answer, not the first."""
from harness.derive import inherit

CAUGHT_BY = [
    "test_cache_serves_the_last_good_answer_for_the_same_arguments",
    "test_cache_never_serves_an_answer_older_than_max_age",
    "test_chain_tries_each_fallback_in_turn",
    "test_an_outage_is_served_from_cache_and_default_then_recovers",
]
reference = inherit(globals(), __file__)


def chain(*fallbacks):
    if not fallbacks:
        raise ValueError("chain() needs at least one fallback")

    def last_answer(error, *args, **kwargs):
        answer, last_error = None, None
        found = False
        for fallback in fallbacks:
            try:
                answer, found = fallback(error, *args, **kwargs), True
            except Exception as failure:
                last_error = failure
        if not found:
            raise last_error
        return answer

    return last_answer
