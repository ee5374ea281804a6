"""B's timeout (3 s) above C's slowness (2 s): the slow calls succeed, so B's breaker never
opens, and B's workers wait 2 s on each."""
from harness.derive import inherit

CAUGHT_BY = ["test_profile_stays_healthy", "test_c_gets_only_trial_calls_once_its_breaker_opens",
             "test_every_hop_gives_up_in_time"]
reference = inherit(globals(), __file__)


def client_for_b(kit):
    return kit.ResilientClient(
        registry=kit.BreakerRegistry(defaults={"failure_threshold": 3, "recovery_timeout": 0.2}),
        budget=kit.RetryBudget(), attempt_timeout=3.0, deadline=3.0, max_attempts=1)
