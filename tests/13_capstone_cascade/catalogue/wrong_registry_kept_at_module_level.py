"""B's breaker registry built once and kept at module level: every later run (and every
other call of client_for_b) gets the same breakers, still open from an earlier run."""
from harness.derive import inherit

CAUGHT_BY = ["test_c_gets_only_trial_calls_once_its_breaker_opens"]
reference = inherit(globals(), __file__)
_registry = None


def client_for_b(kit):
    global _registry
    if _registry is None:
        _registry = kit.BreakerRegistry(defaults={"failure_threshold": 3,
                                                  "recovery_timeout": 0.15,
                                                  "success_threshold": 1})
    return kit.ResilientClient(registry=_registry, budget=kit.RetryBudget(),
                               attempt_timeout=0.15, deadline=0.2, max_attempts=2)
