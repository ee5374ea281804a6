"""One client, so one breaker, for A's two calls to B: B is one host, and lesson 12's registry
keys breakers by host, so /orders' failures open the breaker that /profile goes through too."""
from harness.derive import inherit

CAUGHT_BY = ["test_profile_stays_healthy"]
reference = inherit(globals(), __file__)


def clients_for_a(kit):
    orders = reference.clients_for_a(kit)["orders"]
    return {"orders": orders, "profile": orders}
