"""B's breaker waits 0.9 s before a trial: in this run its first trial comes just after C
recovers, so A is fresh again in time, but had C recovered just after a trial, A would serve
fallbacks for 0.9 s + 0.15 s + 0.2 s."""
from harness.derive import rewrite

CAUGHT_BY = ["test_fresh_answers_whenever_c_is_healthy"]
rewrite(globals(), __file__,
        ('"recovery_timeout": 0.15,   # a trial per', '"recovery_timeout": 0.9,    # a trial per'))
