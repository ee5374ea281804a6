"""Lesson 13: stop a cascading failure. Where do A and B put their clients, and with which numbers?

The scene (README.md) runs three live services on 127.0.0.1, A -> B -> C, and calls the
two ``client...`` functions below once per run, each with a ``kit``: lesson 12's client
wired to the scene (``kit.ResilientClient``, ``kit.BreakerRegistry``, ``kit.RetryBudget``,
``kit.default``...) and ``kit.plain(timeout)``, today's unprotected client. Build
everything inside the functions: every run starts from fresh clients and fresh breakers.

As handed over, both functions return today's clients: plain ``requests`` with a generous
timeout. ``make capstone`` shows what that does when C turns slow; ``make check LESSON=13``
grades the outcome, and the worksheet's two rules of time on your numbers. Answer the
README's worksheet beside each number.
"""

from __future__ import annotations

from typing import Any

#: The scene hands you lesson 12's reference client ("reference"), or your own
#: lessons/12_resilient_client/client.py once it passes lesson 12 ("mine").
LESSON_12_CLIENT = "reference"


def client_for_b(kit: Any) -> Any:
    """B's client for C: B's /orders calls C's /stock with it (B's /profile calls nothing).

    Return any object with ``get(url)``: ``kit.ResilientClient(registry=..., budget=...,
    ...)`` or ``kit.plain(timeout)``.
    """
    # TODO: today's client, unprotected. Size a resilient one from the README's numbers.
    return kit.plain(timeout=5.0)


def clients_for_a(kit: Any) -> dict[str, Any]:
    """A's clients for B: ``{"orders": client, "profile": client}``.

    A's /orders calls B's /orders (which needs C) with the first, A's /profile calls B's
    /profile (which never touches C) with the second. They may be the same object, or not.
    """
    # TODO: today's client, unprotected, for both endpoints. Which protection goes where?
    today = kit.plain(timeout=5.0)
    return {"orders": today, "profile": today}


def orders_fallback(error: Exception, url: str) -> Any:
    """What A's /orders answers when B cannot (a lesson-9 fallback: ``fallback(error, url)``).

    Optional: use it as ``fallback=orders_fallback`` in A's client for /orders, or give that
    client ``kit.default(...)``, or no fallback at all. Whatever it returns (not a response)
    A serves as a degraded page with a 200. What would your users rather see?
    """
    # TODO: return the degraded answer (or leave this unused)
    raise NotImplementedError("orders_fallback")
