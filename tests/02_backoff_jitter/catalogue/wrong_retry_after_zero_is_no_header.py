"""Tests `if asked:`, so Retry-After: 0 counts as no header and gets a full-jitter wait."""
from harness.derive import rewrite

CAUGHT_BY = ["test_honours_retry_after_at_its_edges"]
rewrite(globals(), __file__,
        ("    if asked is not None:",
         "    if asked:  # 0 is falsy: 'retry now' read as 'the server said nothing'"))
