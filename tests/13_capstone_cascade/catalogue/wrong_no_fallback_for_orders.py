"""Breakers everywhere but no fallback on A's /orders: once the breaker opens, /orders fails
fast, but it fails."""
from harness.derive import inherit

CAUGHT_BY = ["test_a_keeps_answering_while_c_is_slow"]
reference = inherit(globals(), __file__)


def clients_for_a(kit):
    clients = reference.clients_for_a(kit)
    orders = kit.ResilientClient(
        registry=kit.BreakerRegistry(defaults={"failure_threshold": 3, "recovery_timeout": 0.2,
                                               "success_threshold": 1}),
        budget=kit.RetryBudget(), attempt_timeout=0.4, deadline=0.4, max_attempts=1)
    return {"orders": orders, "profile": clients["profile"]}
