"""Clamps a long Retry-After to max_delay and retries early, instead of stopping."""
from harness.derive import rewrite

CAUGHT_BY = ["test_stops_when_retry_after_exceeds_max_delay"]
rewrite(globals(), __file__,
        ("        return asked if asked <= max_delay else None  # never sleep past our own cap",
         "        return min(asked, max_delay)  # retries before the server said it would be ready"))
