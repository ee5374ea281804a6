"""A breaker in A only: B still calls C with plain requests and a 5 s timeout, so B's workers
wait on C, B's pool fills and B's /profile (which A's /profile needs) is shed."""
from harness.derive import inherit

CAUGHT_BY = ["test_profile_stays_healthy", "test_c_gets_only_trial_calls_once_its_breaker_opens"]
reference = inherit(globals(), __file__)


def client_for_b(kit):
    return kit.plain(timeout=5.0)
