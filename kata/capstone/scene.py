"""The capstone's scene: three live services, A -> B -> C, and a slow C.

::

    load (open loop, 20 req/s)          A (4 workers)               B (4 workers)        C
      /orders  ──────────────────►  /orders  ── client ──►  /orders  ── client ──►  /stock
      /profile ──────────────────►  /profile ── client ──►  /profile (B's own data)

B is the accounts service: a user's orders need stock levels from C, the inventory
service; a user's profile is B's own data. A is the storefront in front of it. Every
service is a ``fake_services.LiveService`` on 127.0.0.1 with a bounded worker pool; A and
B call downstream through the clients a *placement* builds (the learner's
``capstone.py``, or the unprotected one of today: plain ``requests`` with a generous
timeout). C answers in 10 ms, except from 0.5 s to 1.3 s, when it takes 2 s.

What A answers says where the answer came from (``source`` in its JSON body): ``"C"`` (a
fresh answer, through B), ``"B"`` (a fresh profile), ``"fallback at A"`` or ``"fallback at
B"``; an error status otherwise. The scene watches every breaker built with
``kit.BreakerRegistry`` (its state changes, on the scene's clock) and keeps every
service's call log, so one :class:`Run` holds everything the timeline and the checks need.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Mapping, Protocol

import requests
from requests.adapters import HTTPAdapter

from fake_services import Call, LiveNetwork, LiveService, RealClock, Reply, Request, error, ok

from .load import Answer, LoadGenerator, even_schedule

ORDERS, PROFILE = "/orders", "/profile"
#: A's answers: where they came from (the ``source`` of A's JSON body).
FROM_C, FROM_B, FALLBACK_AT_A, FALLBACK_AT_B = "C", "B", "fallback at A", "fallback at B"


@dataclass(frozen=True)
class Settings:
    """The scene's fixed numbers (the README's table). Only checks of the scene change them."""

    rate: float = 20.0  #: requests per second offered to A
    duration: float = 2.4  #: seconds of load
    mix: tuple[tuple[str, float], ...] = ((ORDERS, 0.7), (PROFILE, 0.3))
    seed: int = 1583  #: the schedule's paths are drawn with this seed: every run is the same
    slow_from: float = 0.5  #: C turns slow...
    slow_until: float = 1.3  #: ...and recovers
    healthy_latency: float = 0.010  #: C's answer time when healthy
    slow_latency: float = 2.0  #: and when slow
    slo: float = 0.5  #: A's callers count an answer as good within this many seconds
    #: Healthy p99 latencies, measured on this kata's (loaded, 2-core) machine (the README's
    #: table): an attempt timeout below the p99 of what it calls times out healthy calls.
    c_p99: float = 0.035
    b_orders_p99: float = 0.030
    b_profile_p99: float = 0.008
    patience: float = 0.8  #: how long A's callers wait before they give up
    workers: int = 4  #: A's and B's worker pools
    queue_timeout: float = 0.25  #: how long a request waits for a worker before a 503
    bucket: float = 0.1  #: the timeline's slice of time
    #: The retry probe: this request (an /orders at t = 0.2 s) asks for an item whose lookups
    #: C is rate-limiting: C answers it 429 every time. A 429 is retried, but lesson 12's
    #: breakers do not count it as a failure, so it shows who retries without opening
    #: anything. No other count includes it.
    probe: int = 5

    #: A must be fresh again this long after C recovers, whenever that is
    back_within: float = 0.5

    @property
    def recovered_window(self) -> tuple[float, float]:
        """Where A must be fresh again: from 0.5 s after C's recovery to the end of the load."""
        return self.slow_until + self.back_within, self.duration


SETTINGS = Settings()


class Client(Protocol):
    """What a placement hands A and B: ``get(url)`` returns a response or a fallback's
    answer, or raises."""

    def get(self, url: str) -> Any: ...


class ConfigurationProblem(Exception):
    """A placement that the scene cannot run (a missing endpoint, not a client...)."""


# -- the kit: lesson 12's client, wired to this scene ------------------------------------------


@dataclass(frozen=True)
class Transition:
    """One state change of a breaker the scene watches."""

    time: float
    owner: str  #: the service whose client holds it: "A" or "B"
    registry: int  #: which of that service's registries (1, 2...), in the order built
    target: str  #: the service it guards: "B", "C" (or its raw name)
    old: str  #: "closed", "open", "half_open"
    new: str

    @property
    def breaker(self) -> tuple[str, int, str]:
        return self.owner, self.registry, self.target


@dataclass(frozen=True)
class Limit:
    """The time limits one client call of the run went with (what the placement gave the kit)."""

    owner: str  #: whose client: "A" or "B"
    endpoint: str | None  #: the handler that called: "/orders", "/profile" (None: unknown)
    client: str  #: "kit.ResilientClient" or "kit.plain"
    #: seconds the whole get may take: its deadline, or with ``max_attempts=1`` its one attempt
    #: (a plain client: its timeout)
    longest: float
    attempt: float  #: seconds one attempt may take: min(attempt_timeout, deadline)


class _Recorder:
    """Breaker state changes of one run, from every kit, in order, on the scene's clock; the
    time limits every client call went with; and what was built when."""

    def __init__(self, clock: Callable[[], float], names: Callable[[str], str]) -> None:
        self.clock = clock
        self.names = names
        self.lock = threading.Lock()
        self.transitions: list[Transition] = []
        self.registries: dict[str, int] = {}
        self.built: list[tuple[str, int, str]] = []  #: (owner, registry, target), in order
        self.users: dict[tuple[str, int], list[str]] = {}  #: registry -> endpoints using it
        self.endpoint = threading.local()  #: which endpoint's handler is calling, per thread
        #: each watched breaker's recovery_timeout, by (owner, registry, target)
        self.recovery: dict[tuple[str, int, str], float] = {}
        self.limits: set[Limit] = set()
        self.serving = False  #: the load has started: the placement's functions have returned
        self.misbuilt: list[str] = []  #: what the placement built or kept out of place

    def limit(self, owner: str, client: str, deadline: float, attempt: float) -> None:
        endpoint = getattr(self.endpoint, "path", None)
        with self.lock:
            self.limits.add(Limit(owner, endpoint, client, deadline, attempt))

    def misbuild(self, problem: str) -> None:
        with self.lock:
            if problem not in self.misbuilt:
                self.misbuilt.append(problem)

    def used(self, owner: str, registry: int) -> None:
        endpoint = getattr(self.endpoint, "path", None)
        with self.lock:
            users = self.users.setdefault((owner, registry), [])
            if endpoint is not None and endpoint not in users:
                users.append(endpoint)

    def new_registry(self, owner: str) -> int:
        with self.lock:
            self.registries[owner] = self.registries.get(owner, 0) + 1
            return self.registries[owner]

    def build(self, owner: str, registry: int, name: str, recovery_timeout: float) -> None:
        """A breaker was built (a registry also builds some only to check its settings)."""
        target = self.names(name)
        with self.lock:
            if target in ("A", "B", "C") and (owner, registry, target) not in self.built:
                self.built.append((owner, registry, target))
                self.recovery[(owner, registry, target)] = recovery_timeout

    def changed(self, owner: str, registry: int, name: str, old: Any, new: Any) -> None:
        moment = self.clock()
        with self.lock:
            self.transitions.append(Transition(moment, owner, registry, self.names(name),
                                               _state_name(old), _state_name(new)))


def _state_name(state: Any) -> str:
    value = getattr(state, "value", state)
    return str(value).lower()


class PlainClient:
    """Today's client: plain ``requests`` with one generous timeout, nothing else."""

    def __init__(self, session: requests.Session, timeout: float,
                 on_get: Callable[[], None] | None = None) -> None:
        self.session = session
        self.timeout = timeout
        self._on_get = on_get

    def get(self, url: str) -> requests.Response:
        if self._on_get is not None:
            self._on_get()
        return self.session.get(url, timeout=self.timeout)

    def __repr__(self) -> str:
        return f"PlainClient(timeout={self.timeout})"


#: Lesson 12's documented defaults, for a client whose own signature does not say.
_CLIENT_DEFAULTS = {"deadline": 2.0, "attempt_timeout": 0.5, "max_attempts": 3}
#: Which of the placement's functions each kit is handed to.
_FUNCTION_OF = {"A": "clients_for_a(kit)", "B": "client_for_b(kit)"}


class Kit:
    """What the scene hands a placement's functions, one kit per service (``owner``).

    Lesson 12's client, wired to the scene: ``kit.ResilientClient(...)`` is lesson 12's
    ``ResilientClient`` with ``session``, ``clock``, ``sleep`` and ``wall_clock`` already
    set to the scene's; ``kit.BreakerRegistry(...)`` is lesson 12's registry on the scene's
    clock, whose breakers the scene watches (for the timeline, and to tell trial calls from
    the rest). The other parts are lesson 12's as they are: ``RetryBudget``, ``default``,
    ``alternate``, ``chain``, ``full_jitter_backoff``, ``CircuitOpenError``,
    ``DeadlineExceeded``, ``FallbackFailed``. ``kit.plain(timeout)`` is today's unprotected
    client. ``kit.slo`` is A's SLO in seconds.

    The kit also notes, for the checks, the time limits every client call goes with, each
    breaker's ``recovery_timeout``, and a registry or budget built while the scene serves
    (one per request remembers nothing). A kit of an ``earlier`` build (see
    :meth:`_Scene.dry_build`) notes into that recorder any use of what it built.
    """

    def __init__(self, owner: str, module: ModuleType, *, clock: RealClock,
                 recorder: _Recorder, sessions: list[requests.Session], slo: float,
                 earlier: _Recorder | None = None) -> None:
        self.owner = owner
        self.slo = slo
        self._sessions = sessions
        self._recorder = recorder
        self._earlier = earlier
        self.default = module.default
        self.alternate = module.alternate
        self.chain = module.chain
        self.full_jitter_backoff = module.full_jitter_backoff
        self.CircuitOpenError = module.CircuitOpenError
        self.DeadlineExceeded = module.DeadlineExceeded
        self.FallbackFailed = module.FallbackFailed
        kit = self
        client_signature = _signature(module.ResilientClient.__init__)
        breaker_signature = _signature(module.CircuitBreaker)

        class ResilientClient(module.ResilientClient):  # type: ignore[name-defined, misc]
            __doc__ = module.ResilientClient.__doc__

            def __init__(self, **settings: Any) -> None:
                wired = {"session": kit.session(), "clock": clock, "sleep": clock.sleep,
                         "wall_clock": clock.wall}
                super().__init__(**{**wired, **settings})
                self._kata_scene_limits = tuple(
                    _setting(client_signature, settings, name, default)
                    for name, default in _CLIENT_DEFAULTS.items())

            def get(self, url: str, *args: Any, **kwargs: Any) -> Any:
                kit._used("a client")
                deadline, attempt_timeout, attempts = getattr(self, "_kata_scene_limits",
                                                              (None, None, None))
                given = kwargs.get("deadline", args[0] if args else None)
                deadline = given if given is not None else deadline
                if _is_seconds(deadline) and _is_seconds(attempt_timeout):
                    attempt = min(float(attempt_timeout), float(deadline))
                    longest = attempt if attempts == 1 else float(deadline)
                    recorder.limit(owner, "kit.ResilientClient", longest, attempt)
                return super().get(url, *args, **kwargs)

        class BreakerRegistry(module.BreakerRegistry):  # type: ignore[name-defined, misc]
            __doc__ = module.BreakerRegistry.__doc__

            def __init__(self, defaults: Mapping[str, Any] | None = None,
                         overrides: Mapping[str, Mapping[str, Any]] | None = None, *,
                         clock: Callable[[], float] = clock,
                         factory: Callable[..., Any] = module.CircuitBreaker) -> None:
                kit._built("a breaker registry (kit.BreakerRegistry)")
                number = recorder.new_registry(owner)
                signature = breaker_signature if factory is module.CircuitBreaker \
                    else _signature(factory)

                def watched(**settings: Any) -> Any:
                    theirs = settings.pop("on_state_change", None)
                    name = str(settings.get("name", "?"))

                    def on_state_change(old: Any, new: Any) -> None:
                        recorder.changed(owner, number, name, old, new)
                        if theirs is not None:
                            theirs(old, new)

                    breaker = factory(on_state_change=on_state_change, **settings)
                    recovery = _setting(signature, settings, "recovery_timeout", 30.0)
                    recorder.build(owner, number, name,
                                   float(recovery) if _is_seconds(recovery) else 0.0)
                    return breaker

                super().__init__(defaults, overrides, clock=clock, factory=watched)
                self._scene_number = number

            def for_url(self, url: str) -> Any:
                kit._used("a breaker registry")
                recorder.used(owner, self._scene_number)
                return super().for_url(url)

        class RetryBudget(module.RetryBudget):  # type: ignore[name-defined, misc]
            __doc__ = module.RetryBudget.__doc__

            def __init__(self, *args: Any, **kwargs: Any) -> None:
                kit._built("a retry budget (kit.RetryBudget)")
                super().__init__(*args, **kwargs)

            def can_retry(self) -> bool:
                kit._used("a retry budget")
                return super().can_retry()

            def record_failure(self) -> None:
                kit._used("a retry budget")
                super().record_failure()

            def record_success(self) -> None:
                kit._used("a retry budget")
                super().record_success()

        self.ResilientClient = ResilientClient
        self.BreakerRegistry = BreakerRegistry
        self.RetryBudget = RetryBudget

    def session(self) -> requests.Session:
        """A ``requests.Session`` for loopback: no proxies, no retries, a pool for 64."""
        session = requests.Session()
        session.trust_env = False
        session.mount("http://", HTTPAdapter(pool_connections=4, pool_maxsize=64,
                                             max_retries=0))
        self._sessions.append(session)
        return session

    def plain(self, timeout: float = 5.0) -> PlainClient:
        """Today's unprotected client: plain ``requests``, one generous timeout."""
        bound = _plain_bound(timeout)

        def on_get() -> None:
            self._used("a client")
            self._recorder.limit(self.owner, "kit.plain", bound, bound)

        return PlainClient(self.session(), timeout, on_get)

    def _built(self, what: str) -> None:
        """``what`` is being built: while the scene serves, that is once per request."""
        if self._recorder.serving:
            self._recorder.misbuild(
                f"{_FUNCTION_OF.get(self.owner, self.owner)}'s clients built {what} while the "
                f"scene was serving requests, so one per request: it remembers nothing of the "
                f"calls before it (build it once, inside the function, and keep using it)")

    def _used(self, what: str) -> None:
        """``what`` (built by this kit) is used: if this kit's build is over, it was kept."""
        if self._earlier is not None and self._earlier.serving:
            self._earlier.misbuild(
                f"{_FUNCTION_OF.get(self.owner, self.owner)} handed over {what} built in an "
                f"earlier call of it (kept at module level?), so it remembers an earlier run: "
                f"build everything inside the function, afresh for every call")

    def __repr__(self) -> str:
        return f"<kit for {self.owner}>"


def _signature(func: Callable[..., Any]) -> inspect.Signature | None:
    try:
        return inspect.signature(func)
    except (TypeError, ValueError):
        return None


def _setting(signature: inspect.Signature | None, given: Mapping[str, Any], name: str,
             documented: Any) -> Any:
    """The value ``name`` has in a call with ``given``: given, else the signature's default,
    else the default the README documents."""
    if name in given:
        return given[name]
    parameter = signature.parameters.get(name) if signature is not None else None
    if parameter is not None and parameter.default is not inspect.Parameter.empty:
        return parameter.default
    return documented


def _is_seconds(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _plain_bound(timeout: Any) -> float:
    """The longest a plain ``requests`` call with ``timeout`` waits for one read (a pair:
    connect, read; ``None``: no limit at all)."""
    parts = timeout if isinstance(timeout, tuple) else (timeout,)
    seconds = [float(p) for p in parts if _is_seconds(p)]
    if not seconds or len(seconds) < len(parts):
        return float("inf")
    return max(seconds)


# -- placements ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """Which clients A and B call downstream with: built afresh for every run."""

    title: str
    clients_for_a: Callable[[Kit], Mapping[str, Client]]  #: {"orders": ..., "profile": ...}
    client_for_b: Callable[[Kit], Client]  #: B's client for C


def _unprotected_a(kit: Kit) -> dict[str, Client]:
    client = kit.plain(timeout=5.0)
    return {"orders": client, "profile": client}


def _unprotected_b(kit: Kit) -> Client:
    return kit.plain(timeout=5.0)


UNPROTECTED = Placement("Unprotected: A and B call with plain requests, a 5 s timeout",
                        _unprotected_a, _unprotected_b)


def placement_of(module: Any, title: str) -> Placement:
    """The learner's placement: ``clients_for_a(kit)`` and ``client_for_b(kit)``."""
    return Placement(title, module.clients_for_a, module.client_for_b)


# -- lesson 12's client ---------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent.parent
LESSON_12_REFERENCE = ROOT / "solutions" / "12_resilient_client" / "client.py"


def lesson_12_client(capstone_file: Path | None, choice: str) -> Path:
    """Which lesson-12 client a placement runs on: ``"reference"`` (lesson 12's reference),
    or ``"mine"``: ``12_resilient_client/client.py`` in the same folder as the placement's
    ``13_capstone_cascade/`` (so ``lessons/``, or whatever folder is graded)."""
    if choice == "reference":
        return LESSON_12_REFERENCE
    if choice == "mine":
        if capstone_file is None:
            raise ConfigurationProblem("LESSON_12_CLIENT = 'mine' needs the placement's file")
        path = capstone_file.resolve().parent.parent / "12_resilient_client" / "client.py"
        if not path.is_file():
            raise ConfigurationProblem(f"LESSON_12_CLIENT = 'mine', but {path} does not exist")
        return path
    raise ConfigurationProblem(f"LESSON_12_CLIENT must be 'reference' or 'mine', got {choice!r}")


def import_file(path: Path) -> ModuleType:
    """Import a module from its file, once (what the grader's loader does, without it)."""
    name = f"capstone_client_{abs(hash(str(path.resolve())))}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


# -- one run ---------------------------------------------------------------------------------------


@dataclass
class Run:
    """Everything one run of the scene produced."""

    title: str
    settings: Settings
    answers: list[Answer]  #: what A's callers got, one per request of the schedule
    calls: dict[str, list[Call]]  #: every service's call log: "A", "B", "C"
    transitions: list[Transition]  #: every watched breaker's state changes
    breakers: list[tuple[str, int, str]] = field(default_factory=list)  #: (owner, registry, target)
    users: dict[tuple[str, int], list[str]] = field(default_factory=dict)  #: endpoints per registry
    problems: list[str] = field(default_factory=list)  #: code that broke while serving
    #: a registry or budget built while serving, or kept from an earlier build
    misbuilt: list[str] = field(default_factory=list)
    limits: list[Limit] = field(default_factory=list)  #: the time limits client calls went with
    #: each watched breaker's recovery_timeout, by (owner, registry, target)
    recovery: dict[tuple[str, int, str], float] = field(default_factory=dict)
    #: a stub still raising NotImplementedError that the placement used (its fallback...)
    not_implemented: NotImplementedError | None = None
    seconds: float = 0.0  #: real time the run took
    ports: dict[str, int] = field(default_factory=dict)


class _Scene:
    """One run's services, clients and handlers."""

    def __init__(self, placement: Placement, module: ModuleType, settings: Settings) -> None:
        self.settings = settings
        self.module = module
        self.placement = placement
        self.clock = RealClock()
        self.network = LiveNetwork(self.clock)
        self.sessions: list[requests.Session] = []
        self.problems: list[str] = []
        self.not_implemented: NotImplementedError | None = None
        self.ports: dict[str, str] = {}
        self.recorder = _Recorder(self.clock, self._service_of)
        s = settings
        self.c = self.network.service("C").outage(s.slow_from, s.slow_until,
                                                  ok(latency=s.slow_latency))
        self.c.route("/stock", self._c_stock)
        self.b = self.network.service("B", workers=s.workers, queue_timeout=s.queue_timeout)
        self.a = self.network.service("A", workers=s.workers, queue_timeout=s.queue_timeout)
        for service in (self.a, self.b, self.c):
            self.ports[f"127.0.0.1:{service.port}"] = service.name
        self.b.route(ORDERS, self._b_orders).route(PROFILE, self._b_profile)
        self.a.route(ORDERS, self._a_orders).route(PROFILE, self._a_profile)

    def _service_of(self, breaker_name: str) -> str:
        return self.ports.get(breaker_name, breaker_name)

    def kit(self, owner: str) -> Kit:
        return Kit(owner, self.module, clock=self.clock, recorder=self.recorder,
                   sessions=self.sessions, slo=self.settings.slo)

    def dry_build(self) -> None:
        """Call the placement's functions once first, on kits whose clients serve nothing.

        The README's rule: build everything inside the functions, afresh for every call. A
        placement that keeps what it built at module level hands the run this build's
        registry or budget, and the run notes it (see ``Kit._used``). Whatever goes wrong
        here goes wrong again in :meth:`build`, which says so.
        """
        sessions: list[requests.Session] = []
        unused = _Recorder(self.clock, self._service_of)
        try:
            for owner, function in (("A", self.placement.clients_for_a),
                                    ("B", self.placement.client_for_b)):
                function(Kit(owner, self.module, clock=self.clock, recorder=unused,
                             sessions=sessions, slo=self.settings.slo, earlier=self.recorder))
        except Exception:
            pass
        finally:
            for session in sessions:
                session.close()

    def build(self) -> None:
        """Ask the placement for its clients (before the load starts)."""
        a = self.placement.clients_for_a(self.kit("A"))
        if not isinstance(a, Mapping) or set(a) != {"orders", "profile"}:
            raise ConfigurationProblem(
                f"clients_for_a(kit) must return a dict with two keys, 'orders' and 'profile' "
                f"(the client A's /orders and A's /profile call B with); it returned {a!r}")
        b = self.placement.client_for_b(self.kit("B"))
        for where, client in (("clients_for_a(kit)['orders']", a["orders"]),
                              ("clients_for_a(kit)['profile']", a["profile"]),
                              ("client_for_b(kit)", b)):
            if not callable(getattr(client, "get", None)):
                raise ConfigurationProblem(f"{where} must be a client with a get(url) method "
                                           f"(kit.ResilientClient(...) or kit.plain()); it "
                                           f"is {client!r}")
        self.a_orders, self.a_profile, self.b_client = a["orders"], a["profile"], b

    # -- the handlers ----------------------------------------------------------------------

    def _ask(self, who: str, client: Client, url: str, endpoint: str) -> tuple[str, Any]:
        """``("answer", response)``, ``("fallback", value)`` or ``("error", exception)``."""
        self.recorder.endpoint.path = endpoint
        try:
            result = client.get(url)
        except Exception as problem:  # the client gave up: the handler says how
            unwritten = problem if isinstance(problem, NotImplementedError) else \
                getattr(problem, "fallback_error", None)
            if isinstance(unwritten, NotImplementedError) and self.not_implemented is None:
                self.not_implemented = unwritten  # a stub the placement uses: say so plainly
            return "error", problem
        except BaseException as problem:  # a forbidden real sleep, an exit: not a failure mode
            self.problems.append(f"{who}'s client raised {type(problem).__name__}: {problem}")
            return "error", problem
        if isinstance(result, requests.Response):
            return "answer", result
        return "fallback", result

    def _failure(self, who: str, problem: BaseException) -> Reply:
        """The reply of a handler whose client raised: 503 rejected, 504 out of time, 502."""
        name = type(problem).__name__
        if isinstance(problem, self.module.CircuitOpenError):
            return error(503, json={"source": who, "error": f"circuit open ({name})"})
        if isinstance(problem, (requests.Timeout, self.module.DeadlineExceeded, TimeoutError)):
            return error(504, json={"source": who, "error": f"timed out ({name})"})
        return error(502, json={"source": who, "error": name})

    def _b_orders(self, request: Request) -> Reply:
        ask = request.query.get("request", "?")
        url = f"{self.c.url}/stock?request={ask}&via={request.number}"
        kind, result = self._ask("B", self.b_client, url, ORDERS)
        if kind == "error":
            return self._failure("B", result)
        if kind == "fallback":
            return ok(json={"source": FALLBACK_AT_B, "value": _shown(result)})
        if not result.ok:
            return error(_relayed(result), json={"source": "B",
                                                 "error": f"C answered {result.status_code}"})
        return ok(json={"source": FROM_C, "c_call": _json(result).get("call")})

    def _c_stock(self, request: Request) -> Reply:
        if request.query.get("request") == str(self.settings.probe):
            return error(429, latency=self.settings.healthy_latency,
                         json={"error": 429, "message": "too many lookups of this item"})
        return ok(latency=self.settings.healthy_latency)

    def _b_profile(self, request: Request) -> Reply:
        return ok(json={"source": FROM_B, "b_call": request.number})

    def _a_call_b(self, client: Client, path: str, request: Request) -> Reply:
        ask = request.query.get("request", "?")
        kind, result = self._ask("A", client, f"{self.b.url}{path}?request={ask}", path)
        if kind == "error":
            return self._failure("A", result)
        if kind == "fallback":
            return ok(json={"source": FALLBACK_AT_A, "value": _shown(result)})
        if not result.ok:
            return error(_relayed(result), json={"source": "A",
                                                 "error": f"B answered {result.status_code}"})
        return ok(json=_json(result))

    def _a_orders(self, request: Request) -> Reply:
        return self._a_call_b(self.a_orders, ORDERS, request)

    def _a_profile(self, request: Request) -> Reply:
        return self._a_call_b(self.a_profile, PROFILE, request)

    # -- running -----------------------------------------------------------------------------

    def run(self) -> Run:
        s = self.settings
        started = time.monotonic()
        try:
            self.dry_build()
            self.build()
            self.recorder.serving = True
            schedule = even_schedule(s.rate, s.duration, dict(s.mix), seed=s.seed)
            load = LoadGenerator(self.a.url, schedule, clock=self.clock, patience=s.patience)
            answers = load.run(ready=self.clock.restart)  # t = 0: the first request
            for service in (self.a, self.b):
                service.wait_idle(timeout=0.2)
        finally:
            self.stop()
        calls = {service.name: service.calls for service in (self.a, self.b, self.c)}
        problems = self.problems + self.network.errors()
        r = self.recorder
        return Run(self.placement.title, s, answers, calls, list(r.transitions), list(r.built),
                   dict(r.users), problems, misbuilt=list(r.misbuilt),
                   limits=sorted(r.limits, key=repr), recovery=dict(r.recovery),
                   not_implemented=self.not_implemented, seconds=time.monotonic() - started,
                   ports={name: int(port.split(":")[1]) for port, name in self.ports.items()})

    def stop(self) -> None:
        for session in self.sessions:
            session.close()
        self.network.stop()


def run(placement: Placement, module: ModuleType, settings: Settings = SETTINGS) -> Run:
    """Run the scene once with ``placement``'s clients, built on ``module`` (lesson 12's
    client). Takes about ``settings.duration`` + 0.3 s of real time (at most + patience)."""
    return _Scene(placement, module, settings).run()


def _relayed(response: requests.Response) -> int:
    """The status a handler answers when its client returned an error response: a 429 stays a
    429 (slow down: retryable, and no failure for a breaker), anything else is a 502."""
    return 429 if response.status_code == 429 else 502


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _shown(value: Any) -> Any:
    """A fallback's answer as JSON can carry it."""
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return repr(value)


