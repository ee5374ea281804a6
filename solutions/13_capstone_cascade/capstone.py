"""Lesson 13 reference: where A and B put their resilient clients, and with which numbers.

The scene (``lessons/13_capstone_cascade/README.md``): A (4 workers, SLO 0.5 s) serves
``/orders``, which needs B's ``/orders``, which needs C; and ``/profile``, which needs only
B's own ``/profile``. C answers in 10 ms, until it takes 2 s. Every number below is sized
from that table; the comment beside it is the worksheet's answer.
"""

from __future__ import annotations

from typing import Any

#: The scene hands you lesson 12's reference client ("reference"), or your own
#: lessons/12_resilient_client/client.py once it passes lesson 12 ("mine").
LESSON_12_CLIENT = "reference"


def client_for_b(kit: Any) -> Any:
    """B's client for C: the layer next to the slow service, so it carries the breaker that
    spares C and the only retries of the chain."""
    breakers = kit.BreakerRegistry(defaults={
        "failure_threshold": 3,     # 3 timeouts in a row: C is slow, not unlucky (~0.2 s at 14/s)
        "recovery_timeout": 0.15,   # a trial per 0.15 s + 0.15 s (its timeout) at most: ~3/s
        "success_threshold": 1,     # one good trial closes it: back within 0.5 s of recovery
    })
    return kit.ResilientClient(
        registry=breakers, budget=kit.RetryBudget(),
        attempt_timeout=0.15,       # C's healthy p99 is ~35 ms: 4x headroom, far below 2 s
        deadline=0.2,               # < A's 0.25 s attempt; a full retry fits after a fast
        max_attempts=2,             # failure (a reset), after a timeout only 0.05 s less the
                                    # backoff; the only layer that retries /orders
    )


def clients_for_a(kit: Any) -> dict[str, Any]:
    """A's clients for B, one per endpoint: /orders and /profile are two dependencies on one
    host, so each gets its own registry (a per-host breaker would reject /profile whenever
    /orders' calls fail), and only /orders, which C can slow, gets a fallback."""
    orders = kit.ResilientClient(
        registry=kit.BreakerRegistry(defaults={
            "failure_threshold": 3,     # as in B: three failures of B in a row
            "recovery_timeout": 0.2,    # C may recover just after B's trial: 0.15 s for that
            "success_threshold": 1,     # trial to time out + B's 0.15 s + these 0.2 s = 0.5 s
        }),
        budget=kit.RetryBudget(),
        fallback=orders_fallback,   # a page without stock levels beats an error page
        attempt_timeout=0.25,       # after B's 0.2 s deadline: never give up on work B is
        deadline=0.25,              # still doing; + A's 0.25 s queue = the 0.5 s SLO
        max_attempts=1,             # B already retries: retries at one layer only
    )
    profile = kit.ResilientClient(
        registry=kit.BreakerRegistry(defaults={"failure_threshold": 5, "recovery_timeout": 1.0}),
        budget=kit.RetryBudget(),
        attempt_timeout=0.1,        # B's own data: p99 ~8 ms when healthy
        deadline=0.25,              # the SLO less A's queue, as for /orders
        max_attempts=2,             # the only layer that retries /profile
    )
    return {"orders": orders, "profile": profile}


def orders_fallback(error: Exception, url: str) -> Any:
    """A's /orders when B cannot answer: the order page without stock levels. Static and
    honest (it says it is degraded); a cached copy could show stock that has sold out."""
    return {"orders": [], "stock": "unknown", "degraded": True}
