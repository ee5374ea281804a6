"""Writes the jitter as `random() * ceiling or ceiling`: a draw of 0.0 waits the whole ceiling."""
from harness.derive import rewrite

CAUGHT_BY = ["test_waits_follow_full_jitter"]
rewrite(globals(), __file__,
        ("    return random() * ceiling",
         "    return random() * ceiling or ceiling  # 0.0 is falsy"))
