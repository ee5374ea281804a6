"""`python -m fake_services serve NAME`: a flaky service to poke at, and clear errors for bad input."""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from fake_services import cli

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.timeout(10)


def session() -> requests.Session:
    s = requests.Session()
    s.trust_env = False
    return s


@pytest.mark.parametrize("argv, option, accepted", [
    (["--workers", "0"], "--workers", "at least 1"),
    (["--workers", "two"], "--workers", "whole number"),
    (["--fault", "explode"], "--fault", "dribble"),
    (["--script", "503,nope,200"], "--script", "reset-mid-body"),
    (["--script", "503,,200"], "--script", "503,503,200"),
    (["--latency", "-1"], "--latency", "at least 0"),
    (["--fail-rate", "1.5"], "--fail-rate", "0..1"),
    (["--port", "70000"], "--port", "0..65535"),
    (["--outage", "40-10"], "--outage", "START-END"),
    (["--queue-timeout", "1"], "--queue-timeout", "--workers"),
    (["--path", "users"], "--path", "starts with '/'"),
])
def test_bad_input_is_one_clear_error_naming_the_option_and_exit_2(capsys, argv, option,
                                                                   accepted):
    with pytest.raises(SystemExit) as raised:
        cli.main(["serve", "users", *argv])
    assert raised.value.code == 2
    error = capsys.readouterr().err
    assert f"argument {option}" in error and accepted in error, error
    assert "Traceback" not in error


def test_a_bad_name_and_a_missing_command_exit_2(capsys):
    for argv in (["serve", "us ers"], ["serve"], []):
        with pytest.raises(SystemExit) as raised:
            cli.main(argv)
        assert raised.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_a_port_in_use_is_refused_clearly(capsys):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        with pytest.raises(SystemExit) as raised:
            cli.main(["serve", "users", "--port", str(taken.getsockname()[1])])
    finally:
        taken.close()
    assert raised.value.code == 2
    assert "--port" in capsys.readouterr().err


def test_help_explains_each_option_with_examples(capsys):
    with pytest.raises(SystemExit) as raised:
        cli.main(["serve", "--help"])
    assert raised.value.code == 0
    text = capsys.readouterr().out
    for word in ("--fail-rate", "--latency", "--script", "--fault", "--workers", "--port",
                 "--queue-timeout", "--outage", "examples:", "curl", "dribble", "reset"):
        assert word in text


def started(*argv: str):
    service = cli.build(cli.parser().parse_args(["serve", "users", *argv]))
    return service.start()


def test_options_build_the_service_they_describe():
    flaky = started("--fail-rate", "0.5")
    try:
        s = session()
        statuses = {s.get(flaky.url + "/users/1", timeout=2).status_code for _ in range(30)}
        assert statuses == {200, 503}
        assert s.get(flaky.url + "/", timeout=2).status_code == 404  # only /users is served
    finally:
        flaky.stop()
    resetting = started("--fault", "reset", "--script", "503,200")
    try:
        s = session()
        assert [s.get(resetting.url + "/users", timeout=2).status_code for _ in range(2)] == \
            [503, 200]
        with pytest.raises(requests.ConnectionError):
            s.get(resetting.url + "/users", timeout=2)
    finally:
        resetting.stop()
    slow = started("--latency", "0.2", "--workers", "1", "--queue-timeout", "0")
    try:
        first = session()
        worker = threading.Thread(target=lambda: first.get(slow.url + "/users", timeout=3))
        worker.start()
        assert slow.wait_until(lambda: slow.in_flight == 1)
        assert session().get(slow.url + "/users", timeout=3).status_code == 503
        worker.join(3)
    finally:
        slow.stop()


def readline(stream, deadline: float) -> str:
    """One line of a child's output, waiting at most until ``deadline``."""
    line = b""
    while not line.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"no complete line in time (got {line!r})"
        ready, _, _ = select.select([stream], [], [], remaining)
        if ready:
            chunk = os.read(stream.fileno(), 1)
            if not chunk:
                break
            line += chunk
    return line.decode()


def test_serve_prints_its_url_logs_each_request_and_stops_on_ctrl_c():
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    child = subprocess.Popen(
        [sys.executable, "-m", "fake_services", "serve", "users", "--port", "0",
         "--script", "503,200"],
        cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 8
        first = readline(child.stdout, deadline)
        assert "serving http://127.0.0.1:" in first, first
        url = first.split("serving ", 1)[1].split()[0]
        s = session()
        statuses = [s.get(url + "/users/1", timeout=2).status_code for _ in range(3)]
        missing = s.get(url + "/", timeout=2)
        assert statuses == [503, 200, 200]
        assert missing.status_code == 404 and "/users" in missing.json()["message"]
        lines = []
        while len([line for line in lines if "GET /" in line]) < 4:
            lines.append(readline(child.stdout, deadline))
        s.close()
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=5)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 0
    logged = [line for line in lines if "GET /" in line]
    assert ["-> 503" in logged[0], "-> 200" in logged[1], "404" in logged[3]] == [True] * 3
    assert "stopped after 4 requests" in out.decode()
    assert err.decode() == ""  # no traceback, no noise
