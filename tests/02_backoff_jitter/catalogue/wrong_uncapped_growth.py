"""Waits grow without a cap: max_delay is never applied."""
from harness.derive import rewrite

CAUGHT_BY = ["test_waits_are_capped_by_max_delay"]
rewrite(globals(), __file__,
        ("    ceiling = min(max_delay, base_delay * 2 ** k)",
         "    ceiling = base_delay * 2 ** k  # the doubling never stops"))
