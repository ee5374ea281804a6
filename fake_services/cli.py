"""``python -m fake_services serve NAME``: one flaky fake service to poke at by hand.

The service runs in the foreground on 127.0.0.1 (only), prints its URL, logs one line per
request and stops cleanly on Ctrl-C. ``make serve`` is the same (``NAME=``, ``ARGS=``).
Bad input gets one line naming the option and what it accepts, and exit status 2.
"""

from __future__ import annotations

import argparse
import errno
import re
import signal
import threading
from typing import Sequence

from .calls import Call
from .live import LiveService
from .replies import SPEC_HELP, Reply, ok, parse_reply

EXAMPLES = """\
examples:
  python -m fake_services serve users                       healthy: every request gets a 200
  python -m fake_services serve users --fail-rate 0.5       half the requests get a 503
  python -m fake_services serve users --script "503,503,200"    fail twice, then succeed
  python -m fake_services serve users --fault dribble:0.2   every body trickles, 1 byte / 0.2 s
  python -m fake_services serve users --fail-rate 0.3 --fault reset   30% of connections reset
  python -m fake_services serve users --latency 2 --workers 2 --queue-timeout 0
                                                            slow, and sheds past 2 at once
  python -m fake_services serve users --outage 10-40        503 from second 10 to second 40

then, in another terminal:
  curl -i http://127.0.0.1:PORT/users/1
  curl -i -H "x-fake-fault: 429:5" http://127.0.0.1:PORT/users/1      one request's fault
  curl -i -H "x-envoy-fault-delay-request: 500" http://127.0.0.1:PORT/users/1

faults (for --fault, --script and the x-fake-fault header):
  reset            RST before any response       requests: ConnectionError
  reset-mid-body   RST after a few body bytes    requests: ChunkedEncodingError
  half-close       closes without answering      requests: ConnectionError
  truncate[:n]     Content-Length, n bytes sent  requests: ChunkedEncodingError
  garbage          not an HTTP status line       requests: ConnectionError
  slow-headers[:s] headers s seconds late        requests: ReadTimeout (s > timeout)
  dribble[:s]      body one byte every s seconds requests: nothing! (the slowloris case)
  black-hole       never answers                 requests: ReadTimeout
  malformed-json   a 200 with broken JSON        requests: JSONDecodeError from .json()
  503, 429:2       a status (:2 adds Retry-After: 2)
"""


def _reply(text: str) -> Reply:
    try:
        return parse_reply(text)
    except ValueError as problem:
        raise argparse.ArgumentTypeError(str(problem)) from None


def _script(text: str) -> list[Reply]:
    items = [item.strip() for item in text.split(",")]
    if not all(items):
        raise argparse.ArgumentTypeError(f"{text!r}: a comma-separated list of replies such "
                                         f"as \"503,503,200\"; each is {SPEC_HELP}")
    return [_reply(item) for item in items]


def _number(low: float, what: str, *, whole: bool = False, high: float | None = None):
    def parse(text: str) -> float:
        try:
            value = int(text) if whole else float(text)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            bounds = f"within {low}..{high}" if high is not None else f"at least {low}"
            raise argparse.ArgumentTypeError(
                f"{text!r} is not {what}: give a {'whole ' if whole else ''}number {bounds}")
        return value
    return parse


def _outage(text: str) -> tuple[float, float]:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*", text)
    if not match or float(match[1]) >= float(match[2]):
        raise argparse.ArgumentTypeError(f"{text!r}: give START-END in seconds after the "
                                         f"start, END after START (e.g. 10-40)")
    return float(match[1]), float(match[2])


def _name(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", text):
        raise argparse.ArgumentTypeError(f"{text!r}: a service name is letters, digits, "
                                         f"'-', '_' or '.' (e.g. users)")
    return text


def _path(text: str) -> str:
    if not text.startswith("/"):
        raise argparse.ArgumentTypeError(f"{text!r}: a path starts with '/' (e.g. /users)")
    return text


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m fake_services",
                                  description="Fake, flaky HTTP services for the kata.")
    commands = top.add_subparsers(dest="command", required=True, metavar="serve")
    serve = commands.add_parser(
        "serve", prog="python -m fake_services serve", epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="run one flaky service on 127.0.0.1 in the foreground",
        description="Run one flaky fake service on 127.0.0.1 in the foreground, to poke at\n"
                    "with curl or a browser. It prints its URL, logs one line per request,\n"
                    "and Ctrl-C stops it.")
    serve.add_argument("name", type=_name, metavar="NAME",
                       help="the service's name; it serves /NAME and the paths below it")
    serve.add_argument("--port", type=_number(0, "a port", whole=True, high=65535), default=0,
                       help="port to listen on (default 0: any free port; the URL is printed)")
    serve.add_argument("--path", type=_path, action="append", metavar="PATH",
                       help="serve PATH and the paths below it instead of /NAME (repeatable)")
    serve.add_argument("--fail-rate", type=_number(0, "a rate", high=1), default=0.0,
                       metavar="P", help="fail this fraction of requests, 0..1 (e.g. 0.5)")
    serve.add_argument("--seed", type=_number(0, "a seed", whole=True), default=0, metavar="N",
                       help="the random seed of --fail-rate (default 0: the same run each time)")
    serve.add_argument("--fault", type=_reply, metavar="REPLY",
                       help="what a failing request gets (default 503); without --fail-rate, "
                            "every request gets it: e.g. reset, dribble:0.2, 429:2")
    serve.add_argument("--script", type=_script, default=[], metavar="LIST",
                       help='the first answers, in order, then the usual ones: "503,503,200"')
    serve.add_argument("--outage", type=_outage, action="append", default=[],
                       metavar="START-END", help="fail every request from second START to "
                                                 "END after the start (repeatable)")
    serve.add_argument("--latency", type=_number(0, "a latency"), default=0.0, metavar="S",
                       help="seconds of work before every answer (e.g. 0.5)")
    serve.add_argument("--workers", type=_number(1, "a worker count", whole=True),
                       metavar="N", help="work on at most N requests at once (default: no "
                                         "bound); the others wait (see --queue-timeout)")
    serve.add_argument("--queue-timeout", type=_number(0, "a queue timeout"), metavar="S",
                       help="with --workers: seconds a request waits for a worker before it "
                            "is shed with a 503 (0: shed at once; default: wait)")
    return top


def build(args: argparse.Namespace) -> LiveService:
    """The service the options describe (not started)."""
    failing = args.fault if args.fault is not None else parse_reply("503")
    everyone = args.fault is not None and not args.fail_rate
    default = failing if everyone else ok()
    service = LiveService(args.name, workers=args.workers, queue_timeout=args.queue_timeout,
                          default=default.delayed(args.latency), port=args.port,
                          paths=args.path or [f"/{args.name}"])
    if args.fail_rate:
        service.error_rate(args.fail_rate, seed=args.seed, reply=failing.delayed(args.latency))
    for start, end in args.outage:
        service.outage(start, end, parse_reply("503").delayed(args.latency))
    service.script(*(reply.delayed(args.latency) for reply in args.script))
    return service


def describe(args: argparse.Namespace, service: LiveService) -> list[str]:
    failing = args.fault.describe() if args.fault is not None else "503"
    lines = []
    if args.script:
        lines.append("first answers: " + ", ".join(r.describe() for r in args.script))
    for start, end in args.outage:
        lines.append(f"outage: 503 from t={start:g} s to t={end:g} s")
    if args.fail_rate:
        lines.append(f"fails {args.fail_rate:.0%} of requests with {failing} (seed {args.seed})")
    elif args.fault is not None:
        lines.append(f"every request gets: {failing}")
    else:
        lines.append("healthy: 200")
    if args.latency:
        lines.append(f"latency: {args.latency:g} s")
    if args.workers:
        wait = ("sheds at once" if args.queue_timeout == 0 else "waits for a worker" if
                args.queue_timeout is None else f"waits up to {args.queue_timeout:g} s, then 503")
        lines.append(f"workers: {args.workers} (a request that finds them busy {wait})")
    return lines


def serve(args: argparse.Namespace, top: argparse.ArgumentParser) -> int:
    try:
        service = build(args)
    except ValueError as problem:
        top.error(str(problem))
    try:
        service.start()
    except OSError as problem:
        if problem.errno == errno.EADDRINUSE:
            top.error(f"argument --port: {args.port} is already in use on 127.0.0.1; pick "
                      f"another, or 0 for any free port")
        top.error(f"argument --port: cannot listen on 127.0.0.1:{args.port} ({problem.strerror})")
    stop = threading.Event()
    # Ctrl-C and SIGTERM set an event instead of raising: no traceback can come out of them
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGINT, signal.SIGTERM)}
    service.after_reply(lambda call: print(_line(service, call), flush=True))
    example = service.url + service.serves[0].rstrip("/") + "/1"
    print(f"{service.name}: serving {service.url} (try: curl -i {example})", flush=True)
    for line in describe(args, service):
        print(f"  {line}", flush=True)
    print("  Ctrl-C stops it.", flush=True)
    try:
        stop.wait()
    finally:
        service.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print(f"\n{service.name}: stopped after {service.call_count} requests", flush=True)
    return 0


def _line(service: LiveService, call: Call) -> str:
    return f"{service.name}: {call}"


def main(argv: Sequence[str] | None = None) -> int:
    top = parser()
    args = top.parse_args(argv)
    if args.queue_timeout is not None and args.workers is None:
        top.error("argument --queue-timeout: only with --workers N (without a bound nothing "
                  "ever waits)")
    return serve(args, top)


__all__ = ["main", "parser"]
