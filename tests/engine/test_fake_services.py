"""fake_services keeps its promises: scripted faults, fake time, a thread-safe call log."""

from __future__ import annotations

import threading
from email.utils import parsedate_to_datetime

import pytest
import requests

from fake_services import (FakeClock, FakeNetwork, FakeService, StrayRequestError,
                           connect_timeout, error, malformed_json, ok, read_timeout, refused,
                           reset)


def test_clock_moves_only_when_told():
    clock = FakeClock()
    assert clock() == 0.0
    clock.advance(1.5)
    clock.sleep(2.0)
    assert clock() == clock.monotonic() == 3.5
    assert clock.sleeps == [2.0]
    with pytest.raises(ValueError):
        clock.advance(-1)
    with pytest.raises(ValueError):
        clock.sleep(-0.1)


def test_clock_http_date_matches_its_wall_time():
    clock = FakeClock(wall_start=1_700_000_000.0)
    clock.advance(10)
    date = parsedate_to_datetime(clock.http_date(30))
    assert date.timestamp() == pytest.approx(1_700_000_040.0)
    assert clock.wall() == pytest.approx(1_700_000_010.0)


def test_script_then_default_and_outcomes():
    users = FakeService("users").script(503, 502, ok({"id": 1}))
    statuses = [users.get("/u").status_code for _ in range(4)]
    assert statuses == [503, 502, 200, 200]
    assert users.outcomes() == ["503", "502", "200", "200"]
    assert users.get("/u").json()["service"] == "users"


def test_always_replaces_the_script():
    users = FakeService("users").script(503, 503).always(404)
    assert users.get("/").status_code == 404


def test_status_codes_and_retry_after():
    clock = FakeClock()
    svc = FakeService("svc", clock).script(error(429, retry_after=2), error(503, retry_after=clock.http_date(5)))
    first, second = svc.get("/"), svc.get("/")
    assert (first.status_code, first.headers["Retry-After"]) == (429, "2")
    assert second.status_code == 503 and second.headers["Retry-After"].endswith("GMT")
    with pytest.raises(requests.HTTPError) as raised:
        first.raise_for_status()
    assert raised.value.response.status_code == 429


@pytest.mark.parametrize("reply, exception, elapsed", [
    (refused(), requests.ConnectionError, 0.0),
    (reset(), requests.ConnectionError, 0.0),
    (read_timeout(), requests.ReadTimeout, 2.0),
    (connect_timeout(), requests.ConnectTimeout, 1.0),
])
def test_transport_faults_raise_what_requests_raises(reply, exception, elapsed):
    clock = FakeClock()
    svc = FakeService("svc", clock).script(reply)
    with pytest.raises(exception):
        svc.get("/", timeout=(1.0, 2.0))
    assert clock() == elapsed


def test_latency_advances_the_clock_and_becomes_a_timeout_past_the_read_timeout():
    clock = FakeClock()
    svc = FakeService("svc", clock).script(ok(latency=0.5), ok(latency=5.0))
    assert svc.get("/", timeout=1.0).status_code == 200 and clock() == 0.5
    with pytest.raises(requests.ReadTimeout):
        svc.get("/", timeout=1.0)
    assert clock() == 1.5
    assert svc.outcomes() == ["200", "read timeout"]


def test_malformed_json():
    svc = FakeService("svc").script(malformed_json())
    response = svc.get("/")
    assert response.status_code == 200
    with pytest.raises(requests.JSONDecodeError):
        response.json()


def test_outage_window_in_clock_time():
    clock = FakeClock()
    svc = FakeService("svc", clock).outage(10, 40)
    seen = []
    for moment in (0, 10, 39.9, 40):
        clock.advance(moment - clock())
        seen.append(svc.get("/").status_code)
    assert seen == [200, 503, 503, 200]
    assert [c.time for c in svc.calls_between(10, 40)] == [10, 39.9]


def test_seeded_error_rate_is_repeatable_and_roughly_right():
    def run(seed):
        svc = FakeService("svc").error_rate(0.2, seed=seed)
        return [svc.get("/").status_code for _ in range(1000)]
    assert run(7) == run(7)
    assert run(7) != run(8)
    assert 150 <= run(7).count(503) <= 250


def test_network_serves_requests_and_records_every_call_from_many_threads():
    clock = FakeClock()
    with FakeNetwork(clock) as net:
        users = net.service("users").script(503)
        session = net.session()
        assert session.get(users.url + "/users/1", timeout=1).status_code == 503
        barrier = threading.Barrier(8, timeout=5)

        def worker():
            barrier.wait()
            for _ in range(25):
                requests.get(users.url + "/users/2", timeout=1)

        threads = [threading.Thread(target=worker, daemon=True) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        assert users.call_count == 1 + 200
        assert [c.number for c in users.calls] == list(range(1, 202))


def test_a_request_no_fake_serves_fails_loudly():
    with FakeNetwork() as net:
        net.service("users")
        with pytest.raises(StrayRequestError, match="users.test"):
            requests.get("http://userz.test/users/1", timeout=1)


def test_network_and_direct_transport_agree():
    clock = FakeClock()
    with FakeNetwork(clock) as net:
        users = net.service("users").script(error(503, retry_after=3), ok({"id": 7}))
        over_http = requests.get(users.url + "/users/7", timeout=1)
        direct = users.get("/users/7", timeout=1)
    assert (over_http.status_code, over_http.headers["Retry-After"]) == (503, "3")
    assert (direct.status_code, direct.json()) == (200, {"id": 7})
    assert [c.path for c in users.calls] == ["/users/7", "/users/7"]


def test_before_reply_hook_runs_outside_the_lock():
    svc = FakeService("svc")
    seen = []
    svc.before_reply(lambda call: seen.append((call.number, svc.call_count)))
    svc.get("/")
    assert seen == [(1, 1)]


def test_duplicate_service_names_are_refused():
    with FakeNetwork() as net:
        net.service("users")
        with pytest.raises(ValueError):
            net.service("users")


def test_fetch_json_is_what_a_client_does_over_either_transport():
    clock = FakeClock()
    with FakeNetwork(clock) as net:
        users = net.service("users").script(ok({"id": 1}), 404)
        assert users.fetch_json("/users/1", session=net.session()) == {"id": 1}
        with pytest.raises(requests.HTTPError):
            users.fetch_json("/users/1")
    assert users.outcomes() == ["200", "404"]


def test_service_names_with_capitals_are_reachable():
    """Host names are case-insensitive: `requests` lower-cases them, the network must too."""
    with FakeNetwork() as net:
        users = net.service("users-KeyboardInterrupt")
        assert requests.get(users.url + "/u", timeout=1).status_code == 200
        with pytest.raises(ValueError):
            net.service("USERS-keyboardinterrupt")
