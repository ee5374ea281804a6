"""B's deadline for C (0.3 s) longer than A's attempt on B (0.25 s): A gives up on orders B is
still working on, and B spends its workers on callers that have left. B's breaker opens soon
enough that the run itself looks fine."""
from harness.derive import rewrite

CAUGHT_BY = ["test_every_hop_gives_up_in_time"]
rewrite(globals(), __file__,
        ("deadline=0.2,               # < A's", "deadline=0.3,               # < A's"))
