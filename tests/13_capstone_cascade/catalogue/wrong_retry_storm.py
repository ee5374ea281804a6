"""A retry storm: B retries C 3 times, and A keeps lesson 12's 3 attempts (and its 2 s
deadline) for /orders, so one request of A reaches B up to 3 times and C up to 3 x 3."""
from harness.derive import inherit

CAUGHT_BY = ["test_c_gets_only_trial_calls_once_its_breaker_opens",
             "test_every_hop_gives_up_in_time"]
reference = inherit(globals(), __file__)
BREAKER = {"recovery_timeout": 0.2, "success_threshold": 1}  # lesson 12's threshold of 5


def client_for_b(kit):
    return kit.ResilientClient(registry=kit.BreakerRegistry(defaults=BREAKER),
                               budget=kit.RetryBudget(), attempt_timeout=0.1, deadline=0.35,
                               max_attempts=3)


def clients_for_a(kit):
    clients = reference.clients_for_a(kit)
    orders = kit.ResilientClient(registry=kit.BreakerRegistry(defaults=BREAKER),
                                 budget=kit.RetryBudget(), fallback=kit.default({"orders": []}))
    return {"orders": orders, "profile": clients["profile"]}
