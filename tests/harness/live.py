"""Fixtures for checks against real HTTP services on loopback (lessons 12 and 13).

* ``live_network``: a :class:`fake_services.LiveNetwork`: ``live_network.service("users",
  workers=4)`` starts a live service on 127.0.0.1 (port 0) and returns it; every service
  shares the network's ``RealClock``; ``live_network.session()`` is a ``requests.Session``
  closed at the end; ``live_network.closed_port()`` is a URL that refuses connections, and
  ``live_network.unanswered_port()`` one whose connections are never completed.
  Everything is stopped after the check, and the check fails if a service's threads do not
  finish or fake_services itself hit an internal error.
* ``live_service``: one live service named ``"users"`` on its own network, for the simple
  cases.

Every real-time check carries ``@pytest.mark.timeout(n)`` and judges by counts and ratios
with generous bounds, never by tight latencies.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from fake_services import LiveNetwork, LiveService


@pytest.fixture
def live_network() -> Iterator[LiveNetwork]:
    """Live services on 127.0.0.1, on one real clock, stopped after the check."""
    network = LiveNetwork()
    try:
        yield network
    finally:
        network.stop()
    errors = network.errors()
    if errors:
        pytest.fail("fake_services hit an internal error during the check:\n" + errors[0])


@pytest.fixture
def live_service(live_network: LiveNetwork) -> LiveService:
    """One healthy live service named ``users``."""
    return live_network.service("users")
