"""Ignores Retry-After: always its own backoff."""
from harness.derive import rewrite

CAUGHT_BY = [
    "test_honours_retry_after_in_seconds",
    "test_honours_retry_after_as_an_http_date",
    "test_stops_when_retry_after_exceeds_max_delay",
]
rewrite(globals(), __file__,
        ("    asked = retry_after_seconds(outcome, wall_clock)",
         "    asked = None  # the header is never read"))
