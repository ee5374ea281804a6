"""The first wait already doubles: base_delay * 2**(k + 1).

It numbers the retries from 1, so the wait before the first retry is full_jitter(1).
"""
from harness.derive import rewrite

CAUGHT_BY = ["test_waits_follow_full_jitter"]
rewrite(globals(), __file__,
        ("            wait = _wait_before_retry(outcome, k, ",
         "            wait = _wait_before_retry(outcome, k + 1, "))  # retry number k + 1
