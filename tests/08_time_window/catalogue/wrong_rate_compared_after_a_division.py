"""Compares the failure rate after a division, count / total * 100 >= threshold: 29 of 100 comes out as 28.999999999999996% and never reaches 29%."""
from harness.derive import rewrite

CAUGHT_BY = ["test_thresholds_and_durations_other_than_the_examples"]
rewrite(globals(), __file__,
        ("    return count * 100 >= threshold * total",
         "    return total > 0 and count / total * 100 >= threshold"))
