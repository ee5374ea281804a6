"""Correct, placed differently: B serves the fallback (a default stock level) when C cannot
answer, so A always gets a 200 from B and needs no fallback of its own; the breakers keep
lesson 12's threshold of 5, and A and B each make one attempt (0.25 s, 0.1 s), which leaves
lesson 12's 2 s deadline unreached."""

from typing import Any

ACCEPTED = True
LESSON_12_CLIENT = "reference"
UNKNOWN_STOCK = {"stock": None, "note": "stock levels unavailable"}


def client_for_b(kit: Any) -> Any:
    return kit.ResilientClient(
        registry=kit.BreakerRegistry(defaults={"recovery_timeout": 0.25,
                                               "success_threshold": 1}),
        budget=kit.RetryBudget(), fallback=kit.default(UNKNOWN_STOCK),
        attempt_timeout=0.1, max_attempts=1)


def clients_for_a(kit: Any) -> dict[str, Any]:
    return {
        "orders": kit.ResilientClient(
            registry=kit.BreakerRegistry(defaults={"recovery_timeout": 0.25}),
            budget=kit.RetryBudget(), attempt_timeout=0.25, max_attempts=1),
        "profile": kit.ResilientClient(
            registry=kit.BreakerRegistry(), budget=kit.RetryBudget(), attempt_timeout=0.1,
            deadline=0.25, max_attempts=3),
    }
