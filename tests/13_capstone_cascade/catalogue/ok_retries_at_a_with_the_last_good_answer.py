"""Correct, placed differently: A retries /orders and B does not, the breakers trip on 2
timeouts and need 2 good trials, and A's fallback is the last good answer it served (lesson
9's cache) rather than a fixed default."""

from typing import Any

ACCEPTED = True
LESSON_12_CLIENT = "reference"


class LastGoodAnswer:
    """A client that remembers its last good answer and falls back to it."""

    def __init__(self, kit: Any, **settings: Any) -> None:
        self.last = None
        self.client = kit.ResilientClient(fallback=self.stale, **settings)

    def get(self, url: str) -> Any:
        answer = self.client.get(url)
        if getattr(answer, "ok", False):
            self.last = answer
        return answer

    def stale(self, error: Exception, url: str) -> Any:
        return self.last if self.last is not None else {"orders": [], "stale": True}


def client_for_b(kit: Any) -> Any:
    breakers = kit.BreakerRegistry(defaults={"failure_threshold": 2, "recovery_timeout": 0.15,
                                             "success_threshold": 2})
    return kit.ResilientClient(registry=breakers, budget=kit.RetryBudget(max_tokens=4),
                               attempt_timeout=0.12, deadline=0.12, max_attempts=1)


def clients_for_a(kit: Any) -> dict[str, Any]:
    trip_fast = {"failure_threshold": 2, "recovery_timeout": 0.15, "success_threshold": 2}
    orders = LastGoodAnswer(kit, registry=kit.BreakerRegistry(defaults=trip_fast),
                            budget=kit.RetryBudget(), attempt_timeout=0.125, deadline=0.25,
                            max_attempts=2)
    profile = kit.ResilientClient(registry=kit.BreakerRegistry(), budget=kit.RetryBudget(),
                                  attempt_timeout=0.2, deadline=0.25)
    return {"orders": orders, "profile": profile}
