"""fake_services.aio keeps its promises: the same behaviour model, awaited, with hooks that hold."""

from __future__ import annotations

import asyncio

import pytest
import requests

from fake_services import (AsyncService, FakeClock, FakeService, ok, read_timeout, refused,
                           reset)


def test_serves_the_script_and_records_calls_like_the_direct_transport():
    clock = FakeClock()
    users = AsyncService(FakeService("users", clock).script(503, ok({"id": 7})))

    async def main() -> list[object]:
        first = await users.get("/users/7")
        second = await users.fetch_json("/users/7")
        return [first.status_code, second]

    assert asyncio.run(main()) == [503, {"id": 7}]
    assert users.call_count == 2 and users.service.outcomes() == ["503", "200"]
    assert [call.path for call in users.calls] == ["/users/7", "/users/7"]
    assert "users: t=" in users.timeline() and users.url == "http://users.test"


def test_faults_raise_what_requests_raises_and_latency_moves_the_fake_clock():
    clock = FakeClock()
    users = AsyncService(FakeService("users", clock).script(
        refused(), reset(), read_timeout(), ok(latency=0.25), 404))

    async def main() -> None:
        with pytest.raises(requests.ConnectionError):
            await users.get("/a")
        with pytest.raises(requests.ConnectionError):
            await users.get("/b")
        with pytest.raises(requests.ReadTimeout):
            await users.get("/c", timeout=1.5)
        assert clock() == 1.5
        assert (await users.get("/d", timeout=1.0)).status_code == 200
        assert clock() == 1.75
        with pytest.raises(requests.HTTPError):
            await users.fetch_json("/e")

    asyncio.run(main())
    assert users.service.outcomes() == ["connection refused", "connection reset",
                                        "read timeout", "200", "404"]


def test_a_hook_holds_a_call_in_flight_after_it_is_recorded():
    users = AsyncService(FakeService("users"))
    seen: list[int] = []

    async def main() -> None:
        release = asyncio.Event()

        async def hold(call) -> None:
            seen.append(call.number)
            await release.wait()

        users.before_reply(hold)
        task = asyncio.create_task(users.get("/users/1"))
        for _ in range(5):
            await asyncio.sleep(0)
        assert not task.done() and users.call_count == 1  # recorded, not answered
        release.set()
        assert (await task).status_code == 200

    asyncio.run(main())
    assert seen == [1]


def test_a_fault_is_delivered_after_the_hooks_and_a_held_call_can_be_cancelled():
    users = AsyncService(FakeService("users").script(refused(), 200))
    order: list[str] = []

    async def main() -> None:
        release = asyncio.Event()

        async def hold(call) -> None:
            order.append(f"hook {call.number}")
            if call.number == 2:
                await release.wait()

        users.before_reply(hold)
        with pytest.raises(requests.ConnectionError):
            await users.get("/a")
        order.append("fault raised")
        task = asyncio.create_task(users.get("/b"))
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert order == ["hook 1", "fault raised", "hook 2"]
    assert users.call_count == 2


def test_the_synchronous_transports_are_unchanged_by_the_wrapper():
    service = FakeService("users").script(503)
    AsyncService(service)
    assert service.get("/x").status_code == 503 and service.call_count == 1


def test_every_fault_raises_what_the_direct_transport_raises():
    from fake_services import (black_hole, connect_timeout, dribble, garbage, half_close,
                               malformed_json, reset_mid_body, slow_headers, truncated)
    faults = [refused(), reset(), read_timeout(), connect_timeout(), black_hole(),
              half_close(), truncated(), garbage(), reset_mid_body(), slow_headers(5.0),
              dribble(), malformed_json()]

    def direct(reply) -> str:
        try:
            return f"status {FakeService('users').script(reply).get('/x', timeout=1).status_code}"
        except Exception as error:  # noqa: BLE001 - the kind is what is compared
            return type(error).__name__

    async def awaited(reply) -> str:
        try:
            response = await AsyncService(FakeService("users").script(reply)).get("/x", timeout=1)
            return f"status {response.status_code}"
        except Exception as error:  # noqa: BLE001
            return type(error).__name__

    for reply in faults:
        assert asyncio.run(awaited(reply)) == direct(reply), reply
