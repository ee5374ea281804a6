"""Timeouts without a breaker: the reference's timeouts, deadlines and fallback, but breakers
that never open, so every request still reaches C and holds B's workers for the timeout."""
from harness.derive import inherit

CAUGHT_BY = ["test_c_gets_only_trial_calls_once_its_breaker_opens"]
reference = inherit(globals(), __file__)
NEVER = {"failure_threshold": 1_000_000}


def client_for_b(kit):
    return kit.ResilientClient(registry=kit.BreakerRegistry(defaults=NEVER),
                               budget=kit.RetryBudget(), attempt_timeout=0.15, deadline=0.25,
                               max_attempts=2)


def clients_for_a(kit):
    orders = kit.ResilientClient(registry=kit.BreakerRegistry(defaults=NEVER),
                                 budget=kit.RetryBudget(), fallback=kit.default({"orders": []}),
                                 attempt_timeout=0.4, deadline=0.4, max_attempts=1)
    profile = kit.ResilientClient(registry=kit.BreakerRegistry(defaults=NEVER),
                                  budget=kit.RetryBudget(), attempt_timeout=0.15, deadline=0.4)
    return {"orders": orders, "profile": profile}
