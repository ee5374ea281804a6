"""Honours any Retry-After, even one longer than max_delay: sleeps past its own budget."""
from harness.derive import rewrite

CAUGHT_BY = ["test_stops_when_retry_after_exceeds_max_delay"]
rewrite(globals(), __file__,
        ("        return asked if asked <= max_delay else None  # never sleep past our own cap",
         "        return asked  # 30 s, 1 hour: whatever the server says"))
