"""Adds the jitter on top of the capped delay, so waits exceed max_delay."""
from harness.derive import rewrite

CAUGHT_BY = ["test_waits_are_capped_by_max_delay", "test_waits_follow_full_jitter"]
rewrite(globals(), __file__,
        ("    return random() * ceiling",
         "    return ceiling + random() * base_delay  # the jitter on top of the cap"))
