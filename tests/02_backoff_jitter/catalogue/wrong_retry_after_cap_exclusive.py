"""Stops when Retry-After equals max_delay: `<` where the cap is inclusive."""
from harness.derive import rewrite

CAUGHT_BY = ["test_honours_retry_after_at_its_edges"]
rewrite(globals(), __file__,
        ("        return asked if asked <= max_delay else None  # never sleep past our own cap",
         "        return asked if asked < max_delay else None  # exactly max_delay: gives up"))
