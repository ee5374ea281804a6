"""A retry budget per request: B builds a fresh client, with a fresh RetryBudget, for every
call (the breakers are kept), so the budget that should stop a retry storm never runs dry."""
from harness.derive import inherit

CAUGHT_BY = ["test_a_keeps_answering_while_c_is_slow"]
reference = inherit(globals(), __file__)


class FreshBudgetEachCall:
    def __init__(self, kit):
        self.kit = kit
        self.registry = kit.BreakerRegistry(defaults={"failure_threshold": 3,
                                                      "recovery_timeout": 0.15,
                                                      "success_threshold": 1})

    def get(self, url):
        return self.kit.ResilientClient(registry=self.registry, budget=self.kit.RetryBudget(),
                                        attempt_timeout=0.15, deadline=0.2,
                                        max_attempts=2).get(url)


def client_for_b(kit):
    return FreshBudgetEachCall(kit)
