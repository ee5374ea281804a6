"""A's deadline for /orders (0.45 s) beyond its SLO less its queue: a request that waited
0.25 s for one of A's workers can take 0.7 s. In this run B always answers in time, so only
the numbers show it."""
from harness.derive import rewrite

CAUGHT_BY = ["test_every_hop_gives_up_in_time"]
rewrite(globals(), __file__,
        ("attempt_timeout=0.25,       # after B's", "attempt_timeout=0.45,       # after B's"),
        ("deadline=0.25,              # still doing", "deadline=0.45,              # still doing"))
