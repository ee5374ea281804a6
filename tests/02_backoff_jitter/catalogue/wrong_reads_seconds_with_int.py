"""Reads delay-seconds with int(): "+7" and "1_0" become numbers, though they are not digits."""
from harness.derive import rewrite

CAUGHT_BY = ["test_unreadable_retry_after_falls_back_to_backoff"]
rewrite(globals(), __file__,
        ("    if _DELAY_SECONDS.fullmatch(value):\n"
         "        return float(value)\n",
         "    try:\n"
         "        seconds = int(value)  # int() also takes '+7', '1_0' and non-ASCII digits\n"
         "    except ValueError:\n"
         "        seconds = None\n"
         "    if seconds is not None:\n"
         "        return float(seconds) if seconds >= 0 else None\n"))
