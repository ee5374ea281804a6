"""Reads Retry-After with float(): 1.5 becomes 1.5 s and -3 a negative wait."""
from harness.derive import rewrite

CAUGHT_BY = ["test_unreadable_retry_after_falls_back_to_backoff"]
rewrite(globals(), __file__,
        ("    if _DELAY_SECONDS.fullmatch(value):\n"
         "        return float(value)\n",
         "    try:\n"
         "        return float(value)  # '1.5', '-3', '1e3' and 'inf' are all numbers to float()\n"
         "    except ValueError:\n"
         "        pass\n"))
