"""Crashes on an unreadable Retry-After (ValueError) instead of falling back to backoff."""
from harness.derive import rewrite

CAUGHT_BY = ["test_unreadable_retry_after_falls_back_to_backoff"]
rewrite(globals(), __file__,
        ("    try:\n"
         "        moment = parsedate_to_datetime(value)\n"
         "    except (TypeError, ValueError):\n"
         "        return None  # unreadable: fall back to our own backoff\n",
         "    moment = parsedate_to_datetime(value)  # no try: 'soon' raises ValueError\n"))
