"""B's attempt timeout (5 ms) below C's healthy latency (10 ms): every call to C times out, so
A serves fallbacks even while C is healthy."""
from harness.derive import inherit

CAUGHT_BY = ["test_fresh_answers_whenever_c_is_healthy", "test_every_hop_gives_up_in_time"]
reference = inherit(globals(), __file__)


def client_for_b(kit):
    return kit.ResilientClient(
        registry=kit.BreakerRegistry(defaults={"failure_threshold": 3, "recovery_timeout": 0.2,
                                               "success_threshold": 1}),
        budget=kit.RetryBudget(), attempt_timeout=0.005, deadline=0.25, max_attempts=2)
