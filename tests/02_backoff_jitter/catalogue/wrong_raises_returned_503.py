"""When attempts run out on a returned 503 Response, raises HTTPError instead of returning it."""
from harness.derive import inherit

CAUGHT_BY = ["test_returned_responses_are_judged_too"]
reference = inherit(globals(), __file__)


def retry(func, *, should_retry=is_transient, **settings):
    result = reference.retry(func, should_retry=should_retry, **settings)
    if isinstance(result, requests.Response) and should_retry(result):
        result.raise_for_status()  # "still failing": but the caller asked for the Response
    return result
