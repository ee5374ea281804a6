"""Breakers that wait 5 s before a trial: A is spared, but it serves fallbacks long after C
has recovered."""
from harness.derive import inherit

CAUGHT_BY = ["test_fresh_answers_whenever_c_is_healthy"]
reference = inherit(globals(), __file__)
SLOW = {"failure_threshold": 3, "recovery_timeout": 5.0}


def client_for_b(kit):
    return kit.ResilientClient(registry=kit.BreakerRegistry(defaults=SLOW),
                               budget=kit.RetryBudget(), attempt_timeout=0.15, deadline=0.25,
                               max_attempts=2)


def clients_for_a(kit):
    clients = reference.clients_for_a(kit)
    orders = kit.ResilientClient(registry=kit.BreakerRegistry(defaults=SLOW),
                                 budget=kit.RetryBudget(), fallback=kit.default({"orders": []}),
                                 attempt_timeout=0.4, deadline=0.4, max_attempts=1)
    return {"orders": orders, "profile": clients["profile"]}
