"""Tests delay-seconds with str.isdigit(): "²" passes, int() refuses it, and the retry crashes."""
from harness.derive import rewrite

CAUGHT_BY = ["test_unreadable_retry_after_falls_back_to_backoff"]
rewrite(globals(), __file__,
        ("    if _DELAY_SECONDS.fullmatch(value):\n"
         "        return float(value)\n",
         "    if value.isdigit():  # True for '²' too, which int() refuses\n"
         "        return float(int(value))\n"))
