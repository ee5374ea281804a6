"""fake_services on real sockets keeps its promises: faults, scripts, pools, the log, teardown.

Every test binds 127.0.0.1 on port 0, bounds every wait, and judges by counts and generous
bounds, never by tight latencies: the machine running them may be busy.
"""

from __future__ import annotations

import json
import socket
import statistics
import threading
import time

import pytest
import requests

from fake_services import (FakeNetwork, LiveNetwork, LiveService, ServiceStuck, black_hole,
                           buckets, closed_port, connect_timeout, dribble, error, garbage,
                           half_close, malformed_json, ok, parse_reply, read_timeout, refused,
                           reset, reset_mid_body, slow_headers, truncated)
from fake_services.calls import Call
from harness import guards

pytestmark = pytest.mark.timeout(10)

ChunkedEncodingError = requests.exceptions.ChunkedEncodingError

#: reply, the read timeout the client uses, what requests raises, a word of its cause (live)
FAULTS = [
    pytest.param(reset(), 1.0, requests.ConnectionError, "ConnectionResetError", id="reset"),
    pytest.param(refused(), 1.0, requests.ConnectionError, "", id="refused"),
    pytest.param(reset_mid_body(), 1.0, ChunkedEncodingError, "ConnectionResetError",
                 id="reset-mid-body"),
    pytest.param(half_close(), 1.0, requests.ConnectionError, "RemoteDisconnected",
                 id="half-close"),
    pytest.param(truncated(), 1.0, ChunkedEncodingError, "IncompleteRead", id="truncated"),
    pytest.param(garbage(), 1.0, requests.ConnectionError, "BadStatusLine", id="garbage"),
    pytest.param(slow_headers(3.0), 0.1, requests.ReadTimeout, "Read timed out",
                 id="slow-headers"),
    pytest.param(black_hole(), 0.1, requests.ReadTimeout, "Read timed out", id="black-hole"),
    pytest.param(read_timeout(), 0.1, requests.ReadTimeout, "Read timed out",
                 id="read-timeout"),
    pytest.param(dribble(every=0.5, size=4), 0.1, requests.ConnectionError, "Read timed out",
                 id="dribble-slower-than-the-read-timeout"),
]


def get(session: requests.Session, url: str, read_timeout_s: float = 1.0, **kwargs):
    return session.get(url, timeout=(1.0, read_timeout_s), **kwargs)


# -- the faults, and the exception requests raises for each ---------------------------------

@pytest.mark.parametrize("reply, read_wait, exception, cause", FAULTS)
def test_each_fault_raises_what_requests_raises_on_a_real_socket(live_network, reply, read_wait,
                                                                 exception, cause):
    users = live_network.service("users").script(reply)
    session = live_network.session()
    with pytest.raises(requests.RequestException) as raised:
        get(session, users.url + "/users/1", read_wait)
    assert type(raised.value) is exception, repr(raised.value)
    assert cause in repr(raised.value)
    assert get(session, users.url + "/users/1").status_code == 200  # the script is used up
    assert users.wait_idle()
    assert users.outcomes()[0] == reply.describe()


@pytest.mark.parametrize("reply, read_wait, exception, cause", FAULTS)
def test_the_in_process_fake_raises_the_same_exception(reply, read_wait, exception, cause):
    with FakeNetwork() as net:
        users = net.service("users").script(reply)
        with pytest.raises(requests.RequestException) as raised:
            net.session().get(users.url + "/users/1", timeout=(1.0, read_wait))
    assert type(raised.value) is exception, repr(raised.value)


def test_a_reset_mid_body_is_not_a_connection_error(live_network):
    users = live_network.service("users").script(reset_mid_body(), truncated())
    session = live_network.session()
    for _ in range(2):
        with pytest.raises(ChunkedEncodingError) as raised:
            get(session, users.url + "/")
        assert not isinstance(raised.value, (requests.ConnectionError, requests.Timeout))


def test_a_closed_port_refuses_every_connection():
    with closed_port() as url:
        session = requests.Session()
        session.trust_env = False
        for _ in range(3):
            with pytest.raises(requests.ConnectionError, match="NewConnectionError"):
                session.get(url + "/", timeout=1)


def test_an_unanswered_port_makes_a_real_connect_timeout(live_network):
    url = live_network.unanswered_port()
    session = live_network.session()
    for _ in range(2):
        started = time.monotonic()
        with pytest.raises(requests.ConnectTimeout):
            session.get(url + "/", timeout=(0.1, 1))
        assert time.monotonic() - started >= 0.09  # the connect waited its whole timeout


def test_a_dribbled_body_beats_the_read_timeout(live_network):
    """The slowloris case: every byte within the read timeout, the whole far beyond it."""
    users = live_network.service("users").always(dribble(every=0.02, size=15))
    started = time.monotonic()
    response = get(live_network.session(), users.url + "/", read_timeout_s=0.15)
    elapsed = time.monotonic() - started
    assert response.status_code == 200 and response.json() == "x" * 13
    assert elapsed >= 0.15 + 0.1  # longer than the read timeout: it never fired


def test_slow_headers_within_the_read_timeout_are_a_normal_answer(live_network):
    users = live_network.service("users").always(slow_headers(0.05))
    response = get(live_network.session(), users.url + "/", read_timeout_s=2.0)
    assert response.status_code == 200 and response.json()["service"] == "users"


def test_statuses_retry_after_and_malformed_json(live_network):
    users_date = "Wed, 21 Oct 2037 07:28:00 GMT"
    users = live_network.service("users").script(
        error(429, retry_after=2), error(503, retry_after=users_date),
        500, 502, 504, malformed_json(), ok({"id": 7}), 404)
    session = live_network.session()
    answers = [get(session, users.url + "/users/7") for _ in range(8)]
    assert [a.status_code for a in answers] == [429, 503, 500, 502, 504, 200, 200, 404]
    assert answers[0].headers["Retry-After"] == "2"
    assert answers[1].headers["Retry-After"] == users_date
    with pytest.raises(requests.JSONDecodeError):
        answers[5].json()
    assert answers[6].json() == {"id": 7}
    assert users.connections_accepted == 1  # keep-alive: one connection for every answer


def test_connect_timeouts_cannot_be_scripted_on_loopback():
    users = LiveService("users")
    with pytest.raises(ValueError, match="black_hole"):
        users.script(connect_timeout())
    with pytest.raises(ValueError, match="black_hole"):
        users.outage(0, 1, connect_timeout())


# -- faults asked for by request headers -----------------------------------------------------

def test_faults_asked_for_by_request_headers_leave_the_script_alone(live_network):
    users = live_network.service("users").script(503)
    session = live_network.session()
    with pytest.raises(requests.ConnectionError):
        get(session, users.url + "/", headers={"x-fake-fault": "reset"})
    with pytest.raises(ChunkedEncodingError):
        get(session, users.url + "/", headers={"X-Fake-Fault": "truncate:5"})
    assert get(session, users.url + "/",
               headers={"x-envoy-fault-abort-request": "502"}).status_code == 502
    started = time.monotonic()
    delayed = get(session, users.url + "/", headers={"x-envoy-fault-delay-request": "150"})
    assert time.monotonic() - started >= 0.14
    assert delayed.status_code == 503  # the script's reply, later
    assert get(session, users.url + "/").status_code == 200


def test_a_bad_fault_header_gets_a_400_naming_the_accepted_forms(live_network):
    users = live_network.service("users")
    answer = get(live_network.session(), users.url + "/", headers={"x-fake-fault": "explode"})
    assert answer.status_code == 400
    message = answer.json()["message"]
    assert "explode" in message and "dribble" in message and "x-envoy-fault-delay-request" in message


def test_replies_as_text():
    assert parse_reply("503").status == 503
    assert parse_reply("429:2").headers["Retry-After"] == "2"
    assert parse_reply("dribble:0.05").pause == 0.05
    assert parse_reply("slow-headers:2").pause == 2.0
    assert parse_reply("truncate:4").sent == 4
    for bad in ("explode", "99", "600", "503:x", "reset:3", "dribble:-1", ""):
        with pytest.raises(ValueError, match="reset-mid-body|non-negative"):
            parse_reply(bad)


# -- the behaviour model, in real time -------------------------------------------------------

def test_scripts_always_down_healthy(live_network):
    users = live_network.service("users").script(503, 502, ok({"id": 1}))
    session = live_network.session()
    statuses = [get(session, users.url + "/u").status_code for _ in range(4)]
    users.down()
    statuses.append(get(session, users.url + "/u").status_code)
    users.healthy()
    statuses.append(get(session, users.url + "/u").status_code)
    users.always(404)
    statuses.append(get(session, users.url + "/u").status_code)
    assert statuses == [503, 502, 200, 200, 503, 200, 404]
    assert users.wait_idle()
    assert users.outcomes() == ["503", "502", "200", "200", "503", "200", "404"]


def test_an_outage_window_in_real_seconds(live_network):
    users = live_network.service("users")
    start = users.clock() + 0.1
    users.outage(start, start + 0.5)
    session = live_network.session()
    stop = threading.Event()
    while users.clock() < start + 0.6 and not stop.wait(0.02):
        get(session, users.url + "/")
    assert users.wait_idle()
    calls = users.calls
    inside = [c for c in calls if start <= c.time < start + 0.5]
    outside = [c for c in calls if not start <= c.time < start + 0.5]
    assert inside and outside
    assert {c.outcome for c in inside} == {"503"}
    assert {c.outcome for c in outside} == {"200"}


def test_a_seeded_error_rate_matches_the_in_process_fake(live_network):
    users = live_network.service("users").error_rate(0.3, seed=7)
    session = live_network.session()
    live = [get(session, users.url + "/").status_code for _ in range(40)]
    with FakeNetwork() as net:
        fake = net.service("users").error_rate(0.3, seed=7)
        in_process = [fake.get("/").status_code for _ in range(40)]
    assert live == in_process and 503 in live and 200 in live


def test_latency_is_real_time_and_a_read_timeout_past_it(live_network):
    users = live_network.service("users").script(ok(latency=0.1), ok(latency=3.0))
    session = live_network.session()
    started = time.monotonic()
    assert get(session, users.url + "/", read_timeout_s=2.0).status_code == 200
    assert time.monotonic() - started >= 0.09
    with pytest.raises(requests.ReadTimeout):
        get(session, users.url + "/", read_timeout_s=0.1)


def test_before_reply_hooks_see_the_call_and_after_reply_hooks_the_finished_one(live_network):
    users = live_network.service("users").script(ok(latency=0.05))
    before, after = [], []
    users.before_reply(lambda call: before.append(call))
    users.after_reply(lambda call: after.append(call))
    get(live_network.session(), users.url + "/x?y=1")
    assert users.wait_until(lambda: len(after) == 1)
    assert (before[0].number, before[0].path, before[0].done) == (1, "/x?y=1", False)
    assert after[0].done and after[0].duration >= 0.04 and after[0].in_flight == 1


# -- routes: a service that computes its reply, and calls other services --------------------

def test_routes_chain_services_and_other_paths_get_a_404_saying_what_is_served(live_network):
    session = live_network.session()
    c = live_network.service("c").always(ok({"from": "c"}))
    b = live_network.service("b").route(
        "/b", lambda request: ok({"b": get(session, c.url + "/c").json(),
                                  "query": request.query}))
    a = live_network.service("a")
    a.route("/orders", lambda request: ok({"a": get(session, b.url + "/b?k=v").json()}))
    a.route("/health", lambda request: ok({"healthy": True}))
    assert get(session, a.url + "/orders/7").json() == {"a": {"b": {"from": "c"},
                                                              "query": {"k": "v"}}}
    assert get(session, a.url + "/health").json() == {"healthy": True}
    missing = get(session, a.url + "/nothing")
    assert missing.status_code == 404
    assert missing.json()["serves"] == ["/health", "/orders"]
    assert "/orders" in missing.json()["message"]
    assert [x.call_count for x in (a, b, c)] == [3, 1, 1]


def test_a_route_handler_that_raises_is_a_500_naming_the_exception(live_network):
    users = live_network.service("users").route("/boom", lambda request: {}["missing"])
    answer = get(live_network.session(), users.url + "/boom")
    assert answer.status_code == 500 and "KeyError" in answer.text
    assert users.wait_idle()
    assert users.outcomes() == ["500 (handler raised KeyError)"]
    assert any("KeyError" in event.text for event in users.events)


def test_scripts_and_outages_come_before_a_route_handler(live_network):
    users = live_network.service("users").route("/r", lambda request: ok({"handler": True}))
    users.script(503)
    session = live_network.session()
    assert get(session, users.url + "/r").status_code == 503
    assert get(session, users.url + "/r").json() == {"handler": True}


# -- the worker pool -------------------------------------------------------------------------

def hold_workers(service: LiveService, count: int) -> threading.Event:
    """The first ``count`` calls wait (holding their worker) until the event is set."""
    release = threading.Event()
    arrived = iter(range(count))

    def hook(call: Call) -> None:
        if next(arrived, None) is not None:
            release.wait(5)

    service.before_reply(hook)
    return release


def in_threads(count: int, action) -> list:
    results: list = [None] * count

    def run(i: int) -> None:
        try:
            results[i] = action()
        except Exception as problem:  # the test judges it
            results[i] = problem

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    return threads, results


def test_a_full_pool_sheds_with_503_at_once_but_accepts_every_connection(live_network):
    users = live_network.service("users", workers=2, queue_timeout=0)
    release = hold_workers(users, 2)
    threads, results = in_threads(2, lambda: requests.get(users.url + "/", timeout=5))
    assert users.wait_until(lambda: users.in_flight == 2)
    shed = requests.get(users.url + "/", timeout=5)
    assert shed.status_code == 503 and shed.json()["shed"] is True
    assert users.connections_accepted == 3  # the bound is in the handler, not in accept()
    release.set()
    for thread in threads:
        thread.join(5)
    assert [r.status_code for r in results] == [200, 200], results
    assert users.wait_idle()
    stats = users.stats()
    assert (stats.peak, stats.shed, stats.admitted, users.sheds) == (2, 1, 2, 1)
    assert sorted(users.outcomes()) == ["200", "200", "503 shed"]


def test_a_full_pool_queues_first_come_first_served_then_sheds_past_the_bound(live_network):
    users = live_network.service("users", workers=1, queue_timeout=3.0)
    release = hold_workers(users, 1)
    first, _ = in_threads(1, lambda: requests.get(users.url + "/first", timeout=5))
    assert users.wait_until(lambda: users.in_flight == 1)
    second, results = in_threads(1, lambda: requests.get(users.url + "/second", timeout=5))
    assert users.wait_until(lambda: users.waiting == 1)
    third, _ = in_threads(1, lambda: requests.get(users.url + "/third", timeout=5))
    assert users.wait_until(lambda: users.waiting == 2)
    time.sleep(0.05)
    release.set()
    for thread in first + second + third:
        thread.join(5)
    assert results[0].status_code == 200
    assert users.wait_idle()
    by_path = {c.path: c for c in users.calls}
    assert by_path["/second"].queue_wait >= 0.04 and by_path["/third"].queue_wait >= 0.04
    assert by_path["/second"].number < by_path["/third"].number  # served in arrival order
    assert users.stats().longest_wait >= 0.04 and users.sheds == 0

    impatient = live_network.service("impatient", workers=1, queue_timeout=0.05)
    release = hold_workers(impatient, 1)
    held, _ = in_threads(1, lambda: requests.get(impatient.url + "/", timeout=5))
    assert impatient.wait_until(lambda: impatient.in_flight == 1)
    shed = requests.get(impatient.url + "/", timeout=5)
    release.set()
    held[0].join(5)
    assert shed.status_code == 503
    assert impatient.wait_idle()
    assert [c.queue_wait >= 0.04 for c in impatient.calls if c.shed] == [True]


def test_the_pool_rejects_bad_sizes():
    with pytest.raises(ValueError, match="workers"):
        LiveService("users", workers=0)
    with pytest.raises(ValueError, match="queue_timeout"):
        LiveService("users", workers=2, queue_timeout=-1)


# -- the call log ----------------------------------------------------------------------------

def test_the_call_log_under_16_concurrent_clients(live_network):
    users = live_network.service("users", workers=16)
    barrier = threading.Barrier(16, timeout=5)
    first = iter(range(16))
    users.before_reply(lambda call: barrier.wait() if next(first, None) is not None else None)

    def client():
        session = live_network.session()
        return [get(session, users.url + "/users/1").status_code for _ in range(10)]

    threads, results = in_threads(16, client)
    for thread in threads:
        thread.join(8)
    assert results == [[200] * 10] * 16
    assert users.wait_idle()
    calls = users.calls
    assert [c.number for c in calls] == list(range(1, 161))
    assert all(c.done and c.duration >= 0 and 1 <= c.in_flight <= 16 for c in calls)
    assert max(c.in_flight for c in calls) == 16  # the barrier held 16 at once
    assert users.connections_accepted == 16


def test_a_client_that_goes_away_is_an_event_not_a_traceback(live_network, capfd):
    users = live_network.service("users").script(dribble(every=0.03, size=60), black_hole())
    session = live_network.session()
    response = session.get(users.url + "/", timeout=1, stream=True)
    response.raw.read(2)
    response.close()  # the client gives up mid-body (a deadline, say)
    with pytest.raises(requests.ReadTimeout):
        get(session, users.url + "/", read_timeout_s=0.1)
    assert users.wait_idle()
    left = [c for c in users.calls if c.client_left is not None]
    assert [c.number for c in left] == [1, 2]
    assert all(c.time < c.client_left for c in left)
    events = [e for e in users.events if "client went away" in e.text]
    assert [e.call for e in events] == [1, 2]
    assert "client went away" in users.timeline()
    assert "Traceback" not in capfd.readouterr().err


def test_buckets_count_arrivals_answers_sheds_and_busy_workers():
    calls = [
        Call(1, 0.01, "GET", "/", "200", duration=0.06, in_flight=1, queue_wait=0.0),
        Call(2, 0.05, "GET", "/", "200", duration=0.10, in_flight=2, queue_wait=0.0),
        Call(3, 0.06, "GET", "/", "503 shed", duration=0.0, in_flight=2, queue_wait=0.0),
        Call(4, 0.12, "GET", "/", "dribble", duration=0.20, in_flight=1, queue_wait=0.0,
             client_left=0.25),
    ]
    slices = buckets(calls, 0.1, end=0.4)
    assert [(s.arrived, s.shed, s.ok, s.failed, s.busy) for s in slices] == [
        (3, 1, 1, 0, 2), (1, 0, 1, 0, 2), (0, 0, 0, 0, 1), (0, 0, 0, 1, 1)]


# -- teardown --------------------------------------------------------------------------------

def raw_request(url: str) -> socket.socket:
    """Send a GET on a plain socket and never read the answer: a request left in flight."""
    port = int(url.rsplit(":", 1)[1])
    connection = socket.create_connection(("127.0.0.1", port), timeout=2)
    connection.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    return connection


def test_fifty_services_with_slow_faults_in_flight_stop_fast_and_leave_no_thread():
    before = set(threading.enumerate())
    slow = [ok(latency=30), black_hole(), dribble(every=5, size=10), slow_headers(30),
            error(503, latency=30)]
    services = [LiveService(f"s{i}").always(slow[i % len(slow)]).start() for i in range(50)]
    idle = []
    clients = []
    for service in services:
        clients.append(raw_request(service.url))
        session = service.session()
        session.get(service.url + "/", headers={"x-envoy-fault-abort-request": "200"}, timeout=2)
        idle.append(session)  # an idle keep-alive connection as well
    for service in services:  # both requests recorded: the slow one is in flight
        assert service.wait_until(lambda: service.call_count == 2 and service.in_flight >= 1,
                                  timeout=5)
    started_threads = set(threading.enumerate()) - before
    assert len(started_threads) >= 150  # each: an accept loop and two connections
    durations = []
    for service in services:
        started = time.perf_counter()
        service.stop()
        durations.append(time.perf_counter() - started)
    for session in idle:
        session.close()
    for client in clients:
        client.close()
    assert [t for t in started_threads if t.is_alive()] == []
    assert set(threading.enumerate()) - before == set()
    assert statistics.median(durations) < 0.1 and max(durations) < 2.0, durations
    assert all(any("cut short" in c.outcome for c in s.calls) for s in services)


def test_idle_keep_alive_connections_time_out_on_their_own(live_network):
    users = live_network.service("users", idle_timeout=0.1)
    sent = time.monotonic()
    connection = raw_request(users.url)
    answer = b""
    while b"\r\n\r\n" not in answer or not answer.endswith(b"}"):
        answer += connection.recv(4096)
    assert answer.startswith(b"HTTP/1.1 200") and users.open_connections == 1
    connection.settimeout(5)
    assert connection.recv(1) == b""  # the server closed the idle connection by itself...
    assert time.monotonic() - sent >= 0.09  # ...once it had been idle for the timeout
    connection.close()
    assert users.wait_until(lambda: users.open_connections == 0)


def test_a_stopped_service_refuses_and_restarts_on_the_same_port(live_network):
    users = live_network.service("users").script(503)
    url = users.url
    session = live_network.session()
    assert get(session, url + "/").status_code == 503
    users.stop()
    assert not users.running
    with pytest.raises(requests.ConnectionError):
        get(session, url + "/")
    users.start()
    assert users.url == url and get(session, url + "/").status_code == 200
    assert users.call_count == 2


def test_stop_reports_a_handler_that_never_returns():
    users = LiveService("users").start()
    stuck = threading.Event()
    users.route("/", lambda request: (stuck.wait(5), ok())[1])
    session = users.session()
    threads, _ = in_threads(1, lambda: session.get(users.url + "/", timeout=5))
    assert users.wait_until(lambda: users.in_flight == 1)
    with pytest.raises(ServiceStuck, match="never returns"):
        users.stop(timeout=0.05)
    stuck.set()
    threads[0].join(5)
    users.stop()


def test_a_network_stops_chained_services_together():
    network = LiveNetwork()
    session = network.session()
    c = network.service("c").always(black_hole())
    a = network.service("a").route("/", lambda request: ok({"c": get(session, c.url, 30).status_code}))
    threads, results = in_threads(1, lambda: get(network.session(), a.url + "/", 30))
    assert c.wait_until(lambda: c.in_flight == 1)
    started = time.perf_counter()
    network.stop()  # a's handler is blocked on c: interrupting both ends it at once
    assert time.perf_counter() - started < 2.0  # not the 30 s of c's black hole
    threads[0].join(5)


# -- nothing leaves the machine --------------------------------------------------------------

def test_services_bind_loopback_only_and_the_guard_blocks_other_binds(live_service):
    assert live_service.url.startswith("http://127.0.0.1:")
    for address in [("0.0.0.0", 0), ("", 0), ("203.0.113.7", 0)]:
        probe = socket.socket()
        try:
            with pytest.raises(guards.NetworkBlocked):
                probe.bind(address)
        finally:
            probe.close()
    with pytest.raises(guards.NetworkBlocked):
        socket.create_connection(("203.0.113.7", 80), timeout=0.1)


def test_the_live_service_fixture_is_healthy(live_service):
    answer = requests.get(live_service.url + "/users/1", timeout=2)
    assert answer.json() == {"service": "users", "path": "/users/1", "call": 1}
    assert json.loads(answer.content) == answer.json()
