"""Reads outcome.response of any outcome: a ValueError that should_retry retries crashes it."""
from harness.derive import rewrite

CAUGHT_BY = ["test_should_retry_decides_what_is_retried"]
# Every outcome worth retrying "has a response": true of requests' errors (None for a
# refused connection), but a ValueError that should_retry chose to retry has none at all.
rewrite(globals(), __file__,
        ("    response = _response_of(outcome)",
         "    response = outcome if isinstance(outcome, requests.Response) else outcome.response"))
