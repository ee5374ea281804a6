"""Gives up on a too-long Retry-After only when it was raised; a returned 503 is retried."""
from harness.derive import rewrite

CAUGHT_BY = ["test_stops_when_retry_after_exceeds_max_delay"]
rewrite(globals(), __file__,
        ("    if asked is not None:\n"
         "        return asked if asked <= max_delay else None  # never sleep past our own cap\n",
         "    if asked is not None and asked <= max_delay:\n"
         "        return asked\n"
         "    if asked is not None and isinstance(outcome, requests.HTTPError):\n"
         "        return None  # a returned 503 goes on to full_jitter below\n"))
