"""Draws random() before every retry, also those whose wait comes from Retry-After (or that
stop on it): the draws no longer follow the full-jitter waits."""
from harness.derive import rewrite

CAUGHT_BY = ["test_honours_retry_after_in_seconds", "test_backoff_counts_every_retry",
             "test_stops_when_retry_after_exceeds_max_delay"]
rewrite(globals(), __file__,
        ("    asked = retry_after_seconds(outcome, wall_clock)\n",
         "    jittered = full_jitter(k, base_delay=base_delay, max_delay=max_delay, random=random)\n"
         "    asked = retry_after_seconds(outcome, wall_clock)\n"),
        ("    return full_jitter(k, base_delay=base_delay, max_delay=max_delay, random=random)",
         "    return jittered  # drawn before Retry-After was even read"))
