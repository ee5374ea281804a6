"""The same wait range for every attempt: no exponential growth."""
from harness.derive import rewrite

CAUGHT_BY = ["test_waits_follow_full_jitter", "test_waits_are_capped_by_max_delay"]
rewrite(globals(), __file__,
        ("    ceiling = min(max_delay, base_delay * 2 ** k)",
         "    ceiling = min(max_delay, base_delay)  # no 2 ** k"))
