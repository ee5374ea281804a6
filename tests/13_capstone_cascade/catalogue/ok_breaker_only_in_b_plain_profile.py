"""Correct, placed differently: the only breaker is B's (A's /orders client has a registry
whose breaker cannot open in this scene, so A relies on B failing fast and on its fallback),
and A's /profile is a plain client whose timeout is exactly the SLO less A's queue."""

from typing import Any

ACCEPTED = True
LESSON_12_CLIENT = "reference"


def client_for_b(kit: Any) -> Any:
    return kit.ResilientClient(
        registry=kit.BreakerRegistry(defaults={"failure_threshold": 4, "recovery_timeout": 0.1}),
        budget=kit.RetryBudget(), attempt_timeout=0.06, deadline=0.15, max_attempts=2)


def clients_for_a(kit: Any) -> dict[str, Any]:
    never_opens = kit.BreakerRegistry(defaults={"failure_threshold": 10_000})
    orders = kit.ResilientClient(registry=never_opens, budget=kit.RetryBudget(),
                                 fallback=kit.default({"orders": [], "stock": None}),
                                 attempt_timeout=0.2, deadline=0.2, max_attempts=1)
    return {"orders": orders, "profile": kit.plain(timeout=0.25)}
