"""Lesson 9 checks: fallbacks around a breaker, against a fake users service and its replica."""

from __future__ import annotations

import functools
import threading
import weakref
from typing import Any, Callable

import requests

from fake_services import FakeClock, FakeNetwork, FakeService, read_timeout, refused
from harness import Outcome, Scenario

GUEST = {"name": "guest", "degraded": True}


# -- what the checks call through the learner's code ---------------------------------------


def user_fetcher(network: FakeNetwork, service: FakeService) -> Callable[..., Any]:
    """What a learner protects: GET a user, raise on an HTTP error, return the JSON."""
    session = network.session()

    def get_user(user_id: int, *, fields: str | None = None) -> Any:
        path = f"/users/{user_id}" + (f"?fields={fields}" if fields else "")
        return service.fetch_json(path, timeout=2, session=session)

    return get_user


def remembering(func: Callable[..., Any], errors: list[BaseException]) -> Callable[..., Any]:
    """``func``, noting every exception it raises (to compare identities later)."""

    @functools.wraps(func)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BaseException as error:
            errors.append(error)
            raise

    return wrapped


class RecordingFallback:
    """A fallback that notes what it was given, then answers (or raises ``raises``)."""

    def __init__(self, answer: Any = GUEST, raises: BaseException | None = None) -> None:
        self.answer = answer
        self.raises = raises
        self.calls: list[tuple[BaseException, tuple[Any, ...], dict[str, Any]]] = []

    def __call__(self, error: BaseException, *args: Any, **kwargs: Any) -> Any:
        self.calls.append((error, args, kwargs))
        if self.raises is not None:
            raise self.raises
        return self.answer


def at(clock: FakeClock, t: float) -> None:
    """Move the fake clock to time ``t``."""
    clock.advance(t - clock.now)


def shown_error(error: BaseException | None) -> str:
    return "nothing" if error is None else f"{type(error).__name__}({str(error)[:80]!r})"


def shown_calls(fallback: RecordingFallback) -> str:
    if not fallback.calls:
        return "the fallback was never called"
    return "; ".join(f"fallback({shown_error(e)}, *{a!r}, **{k!r})" for e, a, k in fallback.calls)


def is_user(value: Any, service: str, path: str) -> bool:
    return isinstance(value, dict) and value.get("service") == service and \
        value.get("path") == path


# -- the checks --------------------------------------------------------------------------------


def test_a_healthy_call_returns_the_service_answer(impl, clock, network):
    """A healthy call returns the service's own answer and never asks the fallback"""
    users = network.service("users")
    breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=30, name="users",
                                  clock=clock)
    fallback = RecordingFallback()
    guarded = impl.with_fallback(breaker, user_fetcher(network, users), fallback)
    scenario = Scenario("the users service is healthy; guarded = with_fallback(breaker, "
                        "get_user, fallback); guarded(42)")
    outcome = scenario.run(lambda: guarded(42))
    scenario.expect(outcome.returned and is_user(outcome.value, "users", "/users/42"),
                    expected="user 42's JSON from the users service", observed=str(outcome),
                    timeline=users.timeline())
    scenario.expect(not fallback.calls, expected="the fallback not called",
                    observed=shown_calls(fallback))
    scenario.expect(users.call_count == 1, expected="exactly 1 call to the users service",
                    observed=f"{users.call_count} calls", timeline=users.timeline())


def test_falls_back_on_a_failure_with_the_call_arguments_and_error(impl, clock, network):
    """Falls back on a failure, handing the fallback the call's arguments and its error"""
    users = network.service("users").script(503, refused(), read_timeout())
    breaker = impl.CircuitBreaker(failure_threshold=5, recovery_timeout=30, name="users",
                                  clock=clock)
    errors: list[BaseException] = []
    fallback = RecordingFallback(answer=GUEST)
    guarded = impl.with_fallback(breaker, remembering(user_fetcher(network, users), errors),
                                 fallback)
    scenario = Scenario("the users service answers 503, then refuses the connection, then "
                        "times out; breaker(failure_threshold=5); guarded = with_fallback("
                        "breaker, get_user, fallback); guarded(42, fields='name') three times")
    for number, what in enumerate(("503", "connection refused", "read timeout"), start=1):
        before = users.call_count
        outcome = scenario.run(lambda: guarded(42, fields="name"))
        scenario.expect(outcome.returned and outcome.value is GUEST,
                        expected=f"call {number} ({what}): the fallback's answer returned",
                        observed=str(outcome), timeline=users.timeline())
        scenario.expect(users.call_count == before + 1,
                        expected=f"call {number} ({what}): exactly 1 call reaches the users "
                                 f"service (falling back never calls it again)",
                        observed=f"{users.call_count - before} calls",
                        timeline=users.timeline())
        scenario.expect(len(fallback.calls) == number,
                        expected=f"call {number} ({what}): the fallback called once",
                        observed=shown_calls(fallback))
        error, args, kwargs = fallback.calls[-1]
        scenario.expect(bool(errors) and error is errors[-1],
                        expected=f"call {number}: the fallback receives the very error "
                                 f"get_user raised, {shown_error(errors[-1] if errors else None)}",
                        observed=f"it received {shown_error(error)}")
        scenario.expect(args == (42,) and kwargs == {"fields": "name"},
                        expected=f"call {number}: the fallback receives the call's arguments "
                                 f"(42, fields='name')",
                        observed=shown_calls(fallback))


def test_falls_back_on_rejection_without_calling_the_service(impl, clock, network):
    """Falls back when the breaker rejects the call, and the service sees no call"""
    users = network.service("users").down(503)
    breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=30, name="users",
                                  clock=clock)
    fallback = RecordingFallback(answer=GUEST)
    guarded = impl.with_fallback(breaker, user_fetcher(network, users), fallback)
    scenario = Scenario("the users service answers 503 to everything; breaker(failure_threshold"
                        "=2, recovery_timeout=30, name='users'); guarded(7) five times at t=0")
    outcomes = [scenario.run(lambda: guarded(7)) for _ in range(5)]
    for number, outcome in enumerate(outcomes, start=1):
        scenario.expect(outcome.returned and outcome.value is GUEST,
                        expected=f"call {number}: the fallback's answer (2 failures, then 3 "
                                 f"rejections, all served by the fallback)",
                        observed=str(outcome), timeline=users.timeline())
    scenario.expect(users.call_count == 2,
                    expected="2 calls reach the users service (the 2 failures that open the "
                             "breaker), then none while it is open",
                    observed=f"{users.call_count} calls", timeline=users.timeline())
    for number, (error, args, kwargs) in enumerate(fallback.calls[:2], start=1):
        scenario.expect(isinstance(error, requests.HTTPError),
                        expected=f"call {number}: the fallback receives the call's own 503 "
                                 f"HTTPError (the call that trips the breaker falls back with "
                                 f"its own error too)",
                        observed=f"it received {shown_error(error)}")
    for number, (error, args, kwargs) in enumerate(fallback.calls[2:], start=3):
        scenario.expect(isinstance(error, impl.CircuitOpenError)
                        and getattr(error, "name", None) == "users",
                        expected=f"call {number}: the fallback receives the rejection, a "
                                 f"CircuitOpenError named 'users'",
                        observed=f"it received {shown_error(error)}")
        scenario.expect(args == (7,) and kwargs == {},
                        expected=f"call {number}: the fallback receives the call's arguments (7)",
                        observed=shown_calls(fallback))


def test_never_falls_back_on_a_non_failure(impl, clock, network):
    """Never falls back on a non-failure: a 404 or a business error reaches the caller"""

    class UserSuspended(Exception):
        """A business error: the service answered, and the answer is no."""

    def only_timeouts(error: BaseException) -> bool:
        return isinstance(error, requests.Timeout)

    def suspended(user_id: int) -> Any:
        raise UserSuspended(f"user {user_id} is suspended")

    cases = [
        ("the users service answers 404 (no such user); guarded(5)", "users-404",
         {}, lambda svc: svc.script(404), None, "the service answered: no such user"),
        *[(f"the users service answers {status}; guarded(5)", f"users-{status}", {},
           lambda svc, status=status: svc.script(status), None,
           f"a {status} is an answer about the request, not an outage")
          for status in (400, 401, 403, 409, 422)],
        ("the breaker excludes requests.ConnectionError (exclude=[ConnectionError]); the users "
         "service refuses the connection; guarded(5)", "users-excluded",
         {"exclude": [requests.ConnectionError]}, lambda svc: svc.down(refused()), None,
         "this breaker excludes connection errors: they are not failures"),
        ("get_user raises UserSuspended (a business error); guarded(5)", "users-biz",
         {}, lambda svc: svc, suspended, "a business error is an answer, not an outage"),
        ("the breaker counts only timeouts (is_failure=only_timeouts); the users service "
         "refuses the connection; guarded(5)", "users-refused",
         {"is_failure": only_timeouts}, lambda svc: svc.down(refused()), None,
         "this breaker does not count a refused connection as a failure"),
    ]
    for description, service_name, settings, setup, func, why in cases:
        service = setup(network.service(service_name))
        breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=30, name="users",
                                      clock=clock, **settings)
        errors: list[BaseException] = []
        fallback = RecordingFallback(answer=GUEST)
        fetch = remembering(func or user_fetcher(network, service), errors)
        guarded = impl.with_fallback(breaker, fetch, fallback)
        scenario = Scenario(description)
        outcome = scenario.run(lambda: guarded(5))
        raised = errors[-1] if errors else None
        scenario.expect(raised is not None and outcome.error is raised,
                        expected=f"the call's own error raised to the caller unchanged: "
                                 f"{shown_error(raised)} ({why})",
                        observed=str(outcome), timeline=service.timeline())
        scenario.expect(not fallback.calls, expected="the fallback not called",
                        observed=shown_calls(fallback))


def test_falls_back_on_whatever_the_breaker_counts(impl, clock, network):
    """Falls back on any error the breaker counts, even one that is no network error"""

    class StaleRead(Exception):
        """An error this breaker is told to count as a failure."""

    def stale(user_id: int) -> Any:
        raise StaleRead(f"replica lag too high for user {user_id}")

    breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=30, name="users",
                                  clock=clock,
                                  is_failure=lambda error: isinstance(error, StaleRead))
    errors: list[BaseException] = []
    fallback = RecordingFallback(answer=GUEST)
    guarded = impl.with_fallback(breaker, remembering(stale, errors), fallback)
    scenario = Scenario("the breaker counts StaleRead as a failure (is_failure=lambda e: "
                        "isinstance(e, StaleRead)); get_user raises StaleRead; guarded(5)")
    outcome = scenario.run(lambda: guarded(5))
    scenario.expect(outcome.returned and outcome.value is GUEST and len(fallback.calls) == 1
                    and bool(errors) and fallback.calls[0][0] is errors[-1],
                    expected="the fallback's answer, the fallback given the StaleRead itself "
                             "(ask the breaker what counts, do not decide yourself)",
                    observed=f"{outcome}; {shown_calls(fallback)}")


def test_ctrl_c_is_never_a_reason_to_fall_back(impl, clock, network):
    """KeyboardInterrupt and SystemExit go straight through: never a fallback, never wrapped"""
    for kind in (KeyboardInterrupt, SystemExit):
        def interrupted(user_id: int, kind: type[BaseException] = kind) -> Any:
            raise kind

        breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=30, name="users",
                                      clock=clock)
        fallback = RecordingFallback(answer=GUEST)
        guarded = impl.with_fallback(breaker, interrupted, fallback)
        scenario = Scenario(f"get_user raises {kind.__name__}; guarded(5)")
        expect_passes_through(scenario, kind, lambda: guarded(5))
        scenario.expect(not fallback.calls, expected="the fallback not called",
                        observed=shown_calls(fallback))

        users = network.service(f"users-{kind.__name__.lower()}").down(503)
        breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=30, name="users",
                                      clock=clock)
        second = RecordingFallback(answer=GUEST)
        guarded = impl.with_fallback(breaker, user_fetcher(network, users),
                                     impl.chain(RecordingFallback(raises=kind()), second))
        scenario = Scenario(f"the users service answers 503; with_fallback(breaker, get_user, "
                            f"chain(first, second)) where first raises {kind.__name__}; "
                            f"guarded(5)")
        expect_passes_through(scenario, kind, lambda: guarded(5))
        scenario.expect(not second.calls,
                        expected=f"the second fallback not called: {kind.__name__} is not "
                                 f"'no answer', it stops everything",
                        observed=shown_calls(second))


def expect_passes_through(scenario: Scenario, kind: type[BaseException],
                          action: Callable[[], Any]) -> None:
    """``action()`` must raise ``kind`` itself: not return, not raise something else."""
    try:
        action()
    except kind:
        return
    except NotImplementedError:
        raise
    except BaseException as error:
        scenario.fail(expected=f"{kind.__name__} raised to the caller unchanged",
                      observed=f"{type(error).__name__} raised instead: {shown_error(error)}")
    scenario.fail(expected=f"{kind.__name__} raised to the caller unchanged",
                  observed="guarded returned")


def test_default_answers_with_its_value(impl):
    """default(value) answers with that very value, whatever the error and arguments"""
    guest = {"name": "guest"}
    scenario = Scenario("fallback = default(guest); fallback(ConnectionError(...), 1) and "
                        "fallback(RuntimeError('circuit open'), 2, fields='name')")
    fallback = impl.default(guest)
    for args, kwargs, error in (((1,), {}, requests.ConnectionError("refused")),
                                ((2,), {"fields": "name"}, RuntimeError("circuit open"))):
        outcome = scenario.run(lambda: fallback(error, *args, **kwargs))
        scenario.expect(outcome.returned and outcome.value is guest,
                        expected="the guest object itself", observed=str(outcome))


def test_cache_serves_the_last_good_answer_for_the_same_arguments(impl, clock, network):
    """The cache serves the last good answer recorded for the same arguments, and only those"""
    users = network.service("users").outage(10, 1000)
    breaker = impl.CircuitBreaker(failure_threshold=100, recovery_timeout=30, name="users",
                                  clock=clock)
    cache = impl.LastGoodCache(max_age=100, clock=clock)
    guarded = impl.with_fallback(breaker, user_fetcher(network, users),
                                 impl.chain(cache, impl.default(GUEST)), cache=cache)
    scenario = Scenario("with_fallback(breaker, get_user, chain(cache, default(GUEST)), "
                        "cache=cache), LastGoodCache(max_age=100); t=0: guarded(1), guarded(2); "
                        "t=5: guarded(1), guarded(2, fields='name'); the users service is down "
                        "from t=10")
    fresh: dict[str, Any] = {}
    for t, key, call in ((0, "1", lambda: guarded(1)), (0, "2", lambda: guarded(2)),
                         (5, "1", lambda: guarded(1)),
                         (5, "2 fields=name", lambda: guarded(2, fields="name"))):
        at(clock, t)
        outcome = scenario.run(call)
        scenario.expect(outcome.returned and isinstance(outcome.value, dict),
                        expected=f"t={t}: guarded({key}) answered by the healthy service",
                        observed=str(outcome), timeline=users.timeline())
        fresh[key] = outcome.value
    at(clock, 12)
    wanted = [("1", lambda: guarded(1), fresh["1"], "user 1's answer from t=5 (call 3), the "
                                                     "latest good one"),
              ("2", lambda: guarded(2), fresh["2"], "user 2's own answer from t=0 (call 2)"),
              ("2, fields='name'", lambda: guarded(2, fields="name"), fresh["2 fields=name"],
               "the answer for (2, fields='name') from t=5 (call 4)"),
              ("3", lambda: guarded(3), GUEST, "GUEST: user 3 never had a good answer")]
    for shown, call, answer, explained in wanted:
        outcome = scenario.run(call)
        scenario.expect(outcome.returned and outcome.value == answer,
                        expected=f"t=12 (service down): guarded({shown}) answers {explained}",
                        observed=str(outcome), timeline=users.timeline())


def test_cache_keys_are_the_call_arguments(impl, clock):
    """The cache key is the arguments: keyword order does not matter, equal values are one key"""
    cache = impl.LastGoodCache(max_age=100, clock=clock)
    probe = requests.ConnectionError("users: connection refused")
    cache.record("user 1 (name, email)", 1, fields="name", expand="email")
    cache.record("user 1", 1)
    cases = [("cache(error, 1, expand='email', fields='name')",
              lambda: cache(probe, 1, expand="email", fields="name"), "user 1 (name, email)",
              "the same arguments in another keyword order are the same call"),
             ("cache(error, 1.0)", lambda: cache(probe, 1.0), "user 1",
              "1.0 == 1, so it is the same key (as in a dict)"),
             ("cache(error, True)", lambda: cache(probe, True), "user 1",
              "True == 1, so it is the same key (as in a dict)"),
             ("cache(error, user_id=1)", lambda: cache(probe, user_id=1), None,
              "a keyword argument is not the positional one: another key, nothing recorded"),
             ("cache(error, 1, fields='name')", lambda: cache(probe, 1, fields="name"), None,
              "only some of the recorded keywords: another key, nothing recorded"),
             ("cache(error, 1, fields='email', expand='name')",
              lambda: cache(probe, 1, fields="email", expand="name"), None,
              "the same values under other keyword names: another call, nothing recorded")]
    scenario = Scenario("LastGoodCache(max_age=100); cache.record('user 1 (name, email)', 1, "
                        "fields='name', expand='email') and cache.record('user 1', 1)")
    for shown, call, answer, why in cases:
        outcome = scenario.run(call)
        if answer is None:
            ok, wanted = outcome.raised(impl.CacheMiss), "CacheMiss"
        else:
            ok, wanted = outcome.returned and outcome.value == answer, repr(answer)
        scenario.expect(ok, expected=f"{shown} answers {wanted}: {why}", observed=str(outcome))


def test_a_newer_answer_restarts_the_age(impl, clock):
    """A newer answer replaces the older one and its age counts from its own recording"""
    cache = impl.LastGoodCache(max_age=10, clock=clock)
    probe = requests.ConnectionError("users: connection refused")
    cache.record("answer from t=0", 1)
    at(clock, 8)
    cache.record("answer from t=8", 1)
    scenario = Scenario("LastGoodCache(max_age=10); cache.record(answer, 1) at t=0, and a "
                        "newer answer for 1 at t=8; cache(error, 1) at t=15 and at t=18")
    for t, answer, why in ((15, "answer from t=8", "7 s old: fresh"),
                           (18, None, "the answer from t=8 is 10 s old: stale")):
        at(clock, t)
        outcome = scenario.run(lambda: cache(probe, 1))
        if answer is None:
            ok, wanted = outcome.raised(impl.CacheMiss), "CacheMiss"
        else:
            ok, wanted = outcome.returned and outcome.value == answer, repr(answer)
        scenario.expect(ok, expected=f"t={t}: {wanted} ({why})", observed=str(outcome))


class KeyHold:
    """Counts, and can hold, one thread's uses of a cache key (a hash, a comparison, a repr):
    points where a cache hands control to code it does not own. Every dict lookup, insert and
    delete hashes the key; a list of entries compares it; a key made of text prints it."""

    def __init__(self) -> None:
        self.thread: int | None = None  # the thread whose hashes are counted
        self.hashes = 0
        self.hold_at: int | None = None  # hold that thread inside this hash call
        self.held = threading.Event()
        self.release = threading.Event()
        self.dropped_after: int | None = None
        self._watched: list[weakref.ref[Any]] = []

    def watch(self, key: HeldKey) -> None:
        """Note ``dropped_after`` when ``key`` is freed (the cache no longer holds it)."""
        self._watched.append(weakref.ref(key, self._dropped))

    def _dropped(self, _: object) -> None:
        if self.dropped_after is None and threading.get_ident() == self.thread:
            self.dropped_after = self.hashes

    def hashed(self) -> None:
        if threading.get_ident() != self.thread:
            return
        self.hashes += 1
        if self.hashes == self.hold_at:
            self.held.set()
            self.release.wait(2.0)


class HeldKey:
    """An argument equal to ``value`` (so ``record(answer, 1)`` finds it), whose hash,
    comparisons and repr report to a :class:`KeyHold`."""

    def __init__(self, value: int, hold: KeyHold) -> None:
        self.value = value
        self.hold = hold

    def __hash__(self) -> int:
        self.hold.hashed()
        return hash(self.value)

    def __eq__(self, other: object) -> bool:
        self.hold.hashed()
        return self.value == (other.value if isinstance(other, HeldKey) else other)

    def __repr__(self) -> str:
        self.hold.hashed()
        return repr(self.value)


def stale_cache(impl: Any, clock: FakeClock, hold: KeyHold) -> Any:
    """A cache holding a stale answer for user 1 (recorded at t=0, max_age=10, now t=20).

    ``hold.dropped_after`` becomes the number of hashes counted when the cache lets go of that
    answer's key object (it is freed then): where the lookup drops the stale answer."""
    cache = impl.LastGoodCache(max_age=10, clock=clock)
    recorded_key = HeldKey(1, hold)
    hold.watch(recorded_key)
    cache.record("answer from t=0", recorded_key)
    del recorded_key
    at(clock, 20)
    return cache


def test_the_cache_is_safe_to_share_between_threads(impl, clock):
    """A lookup that finds a stale answer never loses a fresh one recorded at that moment"""
    probe = requests.ConnectionError("users: connection refused")
    # First watch one lookup alone: how often does it hash the key, and after which hash does
    # the cache drop the stale answer?
    watch = KeyHold()
    cache = stale_cache(impl, clock, watch)
    watch.thread = threading.get_ident()
    alone = Scenario("").run(lambda: cache(probe, HeldKey(1, watch)))
    if isinstance(alone.error, NotImplementedError):
        raise alone.error
    # Then race: hold the lookup inside that hash (or inside each, if the drop was not seen)
    # while another thread records a fresh answer for user 1.
    dropped_after = watch.dropped_after
    points = [dropped_after] if dropped_after else list(range(1, min(watch.hashes, 4) + 1))
    for point in points:
        hold = KeyHold()
        cache = stale_cache(impl, FakeClock(), hold)
        looked_up: list[Outcome] = []
        go, recorded = threading.Event(), threading.Event()
        key = HeldKey(1, hold)

        def look_up() -> None:
            hold.thread = threading.get_ident()
            hold.hold_at = point
            looked_up.append(Scenario("").run(lambda: cache(probe, key)))
            hold.held.set()  # a lookup that hashed fewer times than before: nothing to hold

        def record() -> None:
            if go.wait(2.0):
                cache.record("answer from t=20", 1)
                recorded.set()

        reader = threading.Thread(target=look_up, daemon=True)
        writer = threading.Thread(target=record, daemon=True)
        writer.start()
        reader.start()
        hold.held.wait(1.0)  # the lookup is inside its hash of the key, deciding about t=0's answer
        go.set()
        recorded.wait(0.1)  # a cache that locks keeps the writer out until the lookup is done
        hold.release.set()
        reader.join(2.0)
        writer.join(2.0)
        for outcome in looked_up:
            if isinstance(outcome.error, NotImplementedError):
                raise outcome.error
        scenario = Scenario(f"LastGoodCache(max_age=10); record(answer, 1) at t=0; at t=20 one "
                            f"thread looks up user 1 (stale) and is held inside its use "
                            f"number {point} of the key (a hash, a comparison or a repr) "
                            f"while another thread records a fresh answer for user 1; then "
                            f"cache(error, 1)")
        scenario.expect(bool(looked_up) and (looked_up[0].raised(impl.CacheMiss)
                                             or looked_up[0].returned
                                             and looked_up[0].value == "answer from t=20"),
                        expected="the concurrent lookup raises CacheMiss (or, if the fresh "
                                 "answer came first, returns it)",
                        observed=str(looked_up[0]) if looked_up else "it never returned")
        outcome = scenario.run(lambda: cache(probe, 1))
        scenario.expect(outcome.returned and outcome.value == "answer from t=20",
                        expected="'answer from t=20': the fresh answer survives (the lookup "
                                 "that dropped the stale one must not drop the fresh one: "
                                 "look up and drop under the lock that record takes)",
                        observed=str(outcome))


def test_cache_never_serves_an_answer_older_than_max_age(impl, clock, network):
    """The cache never serves an answer whose age has reached max_age"""
    users = network.service("users").outage(1, 1000)
    breaker = impl.CircuitBreaker(failure_threshold=100, recovery_timeout=30, name="users",
                                  clock=clock)
    cache = impl.LastGoodCache(max_age=10, clock=clock)
    guarded = impl.with_fallback(breaker, user_fetcher(network, users),
                                 impl.chain(cache, impl.default(GUEST)), cache=cache)
    scenario = Scenario("LastGoodCache(max_age=10); with_fallback(breaker, get_user, chain(cache, "
                        "default(GUEST)), cache=cache); user 1 answered at t=0, the users "
                        "service is down from t=1; guarded(1) at t=5, 9.75, 10, 30")
    first = scenario.run(lambda: guarded(1))
    scenario.expect(first.returned and is_user(first.value, "users", "/users/1"),
                    expected="t=0: user 1's answer from the healthy service",
                    observed=str(first), timeline=users.timeline())
    for t, answer, explained in ((5, first.value, "the cached answer from t=0 (age 5)"),
                                 (9.75, first.value, "the cached answer from t=0 (age 9.75)"),
                                 (10, GUEST, "GUEST: the answer from t=0 is 10 s old, stale at "
                                             "max_age=10 (serving it at t=5 did not make it "
                                             "younger)"),
                                 (30, GUEST, "GUEST: the answer from t=0 is 30 s old")):
        at(clock, t)
        outcome = scenario.run(lambda: guarded(1))
        scenario.expect(outcome.returned and outcome.value == answer,
                        expected=f"t={t}: {explained}", observed=str(outcome),
                        timeline=users.timeline())
    probe = requests.ConnectionError("users: connection refused")
    outcome = scenario.run(lambda: cache(probe, 1))
    scenario.expect(outcome.raised(impl.CacheMiss),
                    expected="t=30: cache(error, 1) raises CacheMiss (stale entries are never "
                             "served)",
                    observed=str(outcome))

    cache = impl.LastGoodCache(max_age=2.5, clock=clock)
    at(clock, 40.75)
    cache.record("answer from t=40.75", 1)
    scenario = Scenario("LastGoodCache(max_age=2.5); cache.record(answer, 1) at t=40.75; "
                        "cache(error, 1) at t=43 and at t=43.25 (ages are seconds with "
                        "fractions, never rounded)")
    for t, answer, why in ((43.0, "answer from t=40.75", "2.25 s old: fresh"),
                           (43.25, None, "2.5 s old: stale at max_age=2.5")):
        at(clock, t)
        outcome = scenario.run(lambda: cache(probe, 1))
        if answer is None:
            ok, wanted = outcome.raised(impl.CacheMiss), "CacheMiss"
        else:
            ok, wanted = outcome.returned and outcome.value == answer, repr(answer)
        scenario.expect(ok, expected=f"t={t:g}: {wanted} ({why})", observed=str(outcome))


def test_cache_records_only_successful_answers(impl, clock, network):
    """The cache records only successful answers: never a fallback's answer or a failed one"""
    users = network.service("users").down(503)
    breaker = impl.CircuitBreaker(failure_threshold=100, recovery_timeout=30, name="users",
                                  clock=clock)
    cache = impl.LastGoodCache(max_age=100, clock=clock)
    guarded = impl.with_fallback(breaker, user_fetcher(network, users), impl.default(GUEST),
                                 cache=cache)
    probe = requests.ConnectionError("users: connection refused")
    scenario = Scenario("the users service answers 503; with_fallback(breaker, get_user, "
                        "default(GUEST), cache=cache); guarded(5), then cache(error, 5)")
    outcome = scenario.run(lambda: guarded(5))
    scenario.expect(outcome.returned and outcome.value is GUEST,
                    expected="guarded(5) answers GUEST (the default)", observed=str(outcome),
                    timeline=users.timeline())
    outcome = scenario.run(lambda: cache(probe, 5))
    scenario.expect(outcome.raised(impl.CacheMiss),
                    expected="cache(error, 5) raises CacheMiss: nothing good was ever recorded "
                             "for user 5 (the fallback's answer is not a good answer)",
                    observed=str(outcome))

    # A 503 *returned* (not raised): the breaker counts it as a failure; the caller still
    # receives it, but it is not a good answer to remember.
    replies = network.service("profiles").script(503, 200)
    breaker = impl.CircuitBreaker(failure_threshold=100, recovery_timeout=30, name="profiles",
                                  clock=clock)
    cache = impl.LastGoodCache(max_age=100, clock=clock)

    def get_profile(user_id: int) -> requests.Response:
        return replies.get(f"/profiles/{user_id}", timeout=2)  # returned, never raised

    guarded = impl.with_fallback(breaker, get_profile, impl.default(GUEST), cache=cache)
    scenario = Scenario("get_profile returns the Response without raising; the profiles service "
                        "answers 503, then 200; guarded(5), cache(error, 5), guarded(5), "
                        "cache(error, 5)")
    outcome = scenario.run(lambda: guarded(5))
    scenario.expect(outcome.returned and getattr(outcome.value, "status_code", None) == 503,
                    expected="guarded(5) returns the 503 Response (a returned value reaches the "
                             "caller, as with the breaker)",
                    observed=str(outcome), timeline=replies.timeline())
    outcome = scenario.run(lambda: cache(probe, 5))
    scenario.expect(outcome.raised(impl.CacheMiss),
                    expected="cache(error, 5) raises CacheMiss: the breaker judged the 503 a "
                             "failure, so it was not recorded",
                    observed=str(outcome))
    good = scenario.run(lambda: guarded(5))
    outcome = scenario.run(lambda: cache(probe, 5))
    scenario.expect(good.returned and outcome.returned
                    and getattr(outcome.value, "status_code", None) == 200,
                    expected="after the 200: cache(error, 5) returns that 200 Response",
                    observed=str(outcome))

    missing = network.service("accounts").script(404)
    breaker = impl.CircuitBreaker(failure_threshold=100, recovery_timeout=30, name="accounts",
                                  clock=clock)
    cache = impl.LastGoodCache(max_age=100, clock=clock)
    guarded = impl.with_fallback(breaker, user_fetcher(network, missing), impl.default(GUEST),
                                 cache=cache)
    scenario = Scenario("the accounts service answers 404 (raise_for_status raises HTTPError); "
                        "with_fallback(breaker, get_account, default(GUEST), cache=cache); "
                        "guarded(9), then cache(error, 9)")
    outcome = scenario.run(lambda: guarded(9))
    scenario.expect(outcome.raised(requests.HTTPError),
                    expected="guarded(9) raises the 404 HTTPError (an answer, no fallback)",
                    observed=str(outcome), timeline=missing.timeline())
    outcome = scenario.run(lambda: cache(probe, 9))
    scenario.expect(outcome.raised(impl.CacheMiss),
                    expected="cache(error, 9) raises CacheMiss: guarded(9) raised, so it "
                             "returned no answer to remember",
                    observed=str(outcome))


def test_the_cache_records_what_the_breaker_judges_good(impl, clock, network):
    """The cache records what the breaker judges good, whatever its is_failure_result says"""
    probe = requests.ConnectionError("users: connection refused")

    def too_many_or_5xx(result: Any) -> bool:
        return result.status_code == 429 or result.status_code >= 500

    replies = network.service("profiles").script(429, 500, 502, 504)
    breaker = impl.CircuitBreaker(failure_threshold=100, recovery_timeout=30, name="profiles",
                                  clock=clock, is_failure_result=too_many_or_5xx)
    cache = impl.LastGoodCache(max_age=100, clock=clock)

    def get_profile(user_id: int) -> requests.Response:
        return replies.get(f"/profiles/{user_id}", timeout=2)  # returned, never raised

    guarded = impl.with_fallback(breaker, get_profile, impl.default(GUEST), cache=cache)
    scenario = Scenario("the breaker judges a returned 429 or 5xx a failure (is_failure_result="
                        "lambda r: r.status_code == 429 or r.status_code >= 500); get_profile "
                        "returns the Response; profiles answers 429, 500, 502, 504 to "
                        "guarded(1) ... guarded(4); then cache(error, 1) ... cache(error, 4)")
    for user_id, status in enumerate((429, 500, 502, 504), start=1):
        outcome = scenario.run(lambda: guarded(user_id))
        scenario.expect(outcome.returned
                        and getattr(outcome.value, "status_code", None) == status,
                        expected=f"guarded({user_id}) returns the {status} Response",
                        observed=str(outcome), timeline=replies.timeline())
        outcome = scenario.run(lambda: cache(probe, user_id))
        scenario.expect(outcome.raised(impl.CacheMiss),
                        expected=f"cache(error, {user_id}) raises CacheMiss: this breaker "
                                 f"judges the {status} a failure (ask "
                                 f"breaker.is_failure_result, do not decide yourself)",
                        observed=str(outcome))

    replies = network.service("profiles-lenient").script(503)
    breaker = impl.CircuitBreaker(failure_threshold=100, recovery_timeout=30, name="profiles",
                                  clock=clock, is_failure_result=lambda result: False)
    cache = impl.LastGoodCache(max_age=100, clock=clock)
    guarded = impl.with_fallback(breaker, get_profile, impl.default(GUEST), cache=cache)
    scenario = Scenario("the breaker judges no returned value a failure (is_failure_result="
                        "lambda r: False); profiles answers 503 to guarded(5); then "
                        "cache(error, 5)")
    outcome = scenario.run(lambda: guarded(5))
    scenario.expect(outcome.returned and getattr(outcome.value, "status_code", None) == 503,
                    expected="guarded(5) returns the 503 Response", observed=str(outcome),
                    timeline=replies.timeline())
    outcome = scenario.run(lambda: cache(probe, 5))
    scenario.expect(outcome.returned and getattr(outcome.value, "status_code", None) == 503,
                    expected="cache(error, 5) returns that 503 Response: this breaker judged "
                             "it a good answer, so it was recorded",
                    observed=str(outcome))


def test_any_returned_value_is_an_answer(impl, clock):
    """None, 0 or an empty list is an answer: a chain stops there and the cache serves it"""
    error = requests.ConnectionError("users: connection refused")

    def unreachable(user_id: int) -> Any:
        raise requests.ConnectionError(f"users: connection refused for user {user_id}")

    for answer in (None, 0, [], ""):
        shown = repr(answer)
        first = RecordingFallback(answer=answer)
        second = RecordingFallback(answer="from the second")
        scenario = Scenario(f"fallback = chain(first, second) where first answers {shown}; "
                            f"fallback(ConnectionError(...), 7)")
        outcome = scenario.run(lambda: impl.chain(first, second)(error, 7))
        scenario.expect(outcome.returned and outcome.value is answer and not second.calls,
                        expected=f"{shown} returned, the first fallback's answer, and the "
                                 f"second never called (only raising means 'no answer')",
                        observed=f"{outcome}; {shown_calls(second)}")

        breaker = impl.CircuitBreaker(failure_threshold=100, recovery_timeout=30,
                                      name="users", clock=clock)
        guarded = impl.with_fallback(breaker, unreachable, impl.default(answer))
        scenario = Scenario(f"get_user raises ConnectionError; with_fallback(breaker, get_user, "
                            f"default({shown})); guarded(7)")
        outcome = scenario.run(lambda: guarded(7))
        scenario.expect(outcome.returned and outcome.value is answer,
                        expected=f"{shown} returned: the fallback's answer", observed=str(outcome))

        cache = impl.LastGoodCache(max_age=100, clock=clock)
        guarded = impl.with_fallback(breaker, lambda user_id: answer, impl.default(GUEST),
                                     cache=cache)
        scenario = Scenario(f"get_user returns {shown}; with_fallback(breaker, get_user, "
                            f"default(GUEST), cache=cache); guarded(7), then cache(error, 7)")
        served = scenario.run(lambda: guarded(7))
        outcome = scenario.run(lambda: cache(error, 7))
        scenario.expect(served.returned and outcome.returned
                        and type(outcome.value) is type(answer) and outcome.value == answer,
                        expected=f"{shown} from the cache: get_user's answer, recorded and "
                                 f"served like any other", observed=str(outcome))


def test_alternate_asks_another_service_with_the_call_arguments(impl, clock, network):
    """alternate(func) answers from another service, called with the call's arguments"""
    users = network.service("users").down(503)
    replica = network.service("users-replica")
    breaker = impl.CircuitBreaker(failure_threshold=2, recovery_timeout=30, name="users",
                                  clock=clock)
    guarded = impl.with_fallback(breaker, user_fetcher(network, users),
                                 impl.alternate(user_fetcher(network, replica)))
    scenario = Scenario("the users service answers 503; users-replica is healthy; "
                        "with_fallback(breaker(failure_threshold=2), get_user, "
                        "alternate(get_user_from_replica)); guarded(42, fields='name') 4 times")
    for number in range(1, 5):
        outcome = scenario.run(lambda: guarded(42, fields="name"))
        scenario.expect(outcome.returned and is_user(outcome.value, "users-replica",
                                                     "/users/42?fields=name"),
                        expected=f"call {number}: the replica's answer for "
                                 f"/users/42?fields=name",
                        observed=str(outcome),
                        timeline=users.timeline() + "\n" + replica.timeline())
    scenario.expect(users.call_count == 2 and replica.call_count == 4,
                    expected="2 calls to users (then the breaker is open), 4 to the replica",
                    observed=f"{users.call_count} to users, {replica.call_count} to the replica",
                    timeline=users.timeline() + "\n" + replica.timeline())


def test_chain_tries_each_fallback_in_turn(impl):
    """chain(...) tries each fallback in turn, each with the call's own error and arguments"""
    error = requests.ConnectionError("users: connection refused")
    nothing_cached = LookupError("nothing cached")
    first = RecordingFallback(raises=nothing_cached)
    second = RecordingFallback(answer="from the second")
    third = RecordingFallback(answer="from the third")
    scenario = Scenario("fallback = chain(first, second, third): first raises LookupError, "
                        "second and third answer; fallback(ConnectionError(...), 7, fields='name')")
    outcome = scenario.run(lambda: impl.chain(first, second, third)(error, 7, fields="name"))
    scenario.expect(outcome.returned and outcome.value == "from the second",
                    expected="the second fallback's answer", observed=str(outcome))
    for label, fallback in (("first", first), ("second", second)):
        scenario.expect(len(fallback.calls) == 1 and fallback.calls[0][0] is error
                        and fallback.calls[0][1:] == ((7,), {"fields": "name"}),
                        expected=f"the {label} fallback called once with the call's own error "
                                 f"and arguments: fallback({shown_error(error)}, 7, "
                                 f"fields='name')",
                        observed=shown_calls(fallback))
    scenario.expect(not third.calls, expected="the third fallback not called (the second answered)",
                    observed=shown_calls(third))

    last_error = TimeoutError("replica timed out")
    a = RecordingFallback(raises=LookupError("nothing cached"))
    b = RecordingFallback(raises=last_error)
    scenario = Scenario("fallback = chain(a, b): a raises LookupError, b raises TimeoutError; "
                        "fallback(ConnectionError(...), 7)")
    outcome = scenario.run(lambda: impl.chain(a, b)(error, 7))
    scenario.expect(outcome.error is last_error,
                    expected=f"the last fallback's error raised: {shown_error(last_error)}",
                    observed=str(outcome))


def test_a_failing_fallback_raises_an_error_with_both_causes(impl, clock, network):
    """A failing fallback raises FallbackFailed, carrying the call's error and its own"""
    users = network.service("users").down(503)
    replica = network.service("users-replica").down(refused())
    breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=30, name="users",
                                  clock=clock)
    user_errors: list[BaseException] = []
    replica_errors: list[BaseException] = []
    guarded = impl.with_fallback(
        breaker, remembering(user_fetcher(network, users), user_errors),
        impl.alternate(remembering(user_fetcher(network, replica), replica_errors)))
    scenario = Scenario("the users service answers 503 and its replica refuses the connection; "
                        "with_fallback(breaker, get_user, alternate(get_user_from_replica)); "
                        "guarded(1)")
    outcome = scenario.run(lambda: guarded(1))
    original = user_errors[-1] if user_errors else None
    fallback_error = replica_errors[-1] if replica_errors else None
    raised = outcome.error
    scenario.expect(outcome.raised(impl.FallbackFailed),
                    expected="FallbackFailed raised (neither answer is available, and the "
                             "caller must hear it)",
                    observed=str(outcome), timeline=users.timeline() + "\n" + replica.timeline())
    scenario.expect(getattr(raised, "original", None) is original
                    and getattr(raised, "fallback_error", None) is fallback_error,
                    expected=f"its .original is the users error {shown_error(original)} and its "
                             f".fallback_error the replica's {shown_error(fallback_error)}",
                    observed=f".original={shown_error(getattr(raised, 'original', None))}, "
                             f".fallback_error="
                             f"{shown_error(getattr(raised, 'fallback_error', None))}")
    scenario.expect(raised.__cause__ is fallback_error,
                    expected="raised from the fallback's error (raise FallbackFailed(...) from "
                             "fallback_error)",
                    observed=f"__cause__ is {shown_error(raised.__cause__)}")

    users = network.service("accounts").down(503)
    breaker = impl.CircuitBreaker(failure_threshold=1, recovery_timeout=30, name="accounts",
                                  clock=clock)
    cache = impl.LastGoodCache(max_age=60, clock=clock)
    guarded = impl.with_fallback(breaker, user_fetcher(network, users), cache, cache=cache)
    scenario = Scenario("the accounts service answers 503; breaker(failure_threshold=1); "
                        "with_fallback(breaker, get_account, cache, cache=cache) with an empty "
                        "cache; guarded(1) twice (a failure, then a rejection)")
    for number, kind in ((1, requests.HTTPError), (2, impl.CircuitOpenError)):
        outcome = scenario.run(lambda: guarded(1))
        raised = outcome.error
        scenario.expect(outcome.raised(impl.FallbackFailed)
                        and isinstance(getattr(raised, "original", None), kind)
                        and isinstance(getattr(raised, "fallback_error", None), impl.CacheMiss),
                        expected=f"call {number}: FallbackFailed with .original a "
                                 f"{kind.__name__} and .fallback_error a CacheMiss",
                        observed=str(outcome) + (
                            f" with .original={shown_error(getattr(raised, 'original', None))}"
                            f", .fallback_error="
                            f"{shown_error(getattr(raised, 'fallback_error', None))}"
                            if raised is not None else ""),
                        timeline=users.timeline())


def test_the_fallback_never_touches_the_breaker_counts(impl, clock, network):
    """What the fallback does never counts for the breaker: only the service's calls count"""
    users = network.service("users").down(503)
    replica = network.service("users-replica").script(refused())  # then healthy
    breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=30, name="users",
                                  clock=clock)
    guarded = impl.with_fallback(breaker, user_fetcher(network, users),
                                 impl.alternate(user_fetcher(network, replica)))
    scenario = Scenario("the users service answers 503; its replica refuses the first "
                        "connection, then answers; breaker(failure_threshold=3); "
                        "with_fallback(breaker, get_user, alternate(get_user_from_replica)); "
                        "guarded(1) four times")
    both = lambda: users.timeline() + "\n" + replica.timeline()  # noqa: E731
    steps = (
        (impl.FallbackFailed, 1, "1 failure counted (the users 503); the replica's refusal "
                                 "is not the breaker's business"),
        (None, 2, "2 failures counted: the replica's answer did not reset the count"),
        (None, None, "3 failures: the breaker is OPEN"),
        (None, None, "rejected: the replica answers, users sees no 4th call"),
    )
    for number, (raises, count, explained) in enumerate(steps, start=1):
        outcome = scenario.run(lambda: guarded(1))
        if raises is not None:
            scenario.expect(outcome.raised(raises),
                            expected=f"call {number}: {raises.__name__} (users and replica "
                                     f"both failed)",
                            observed=str(outcome), timeline=both())
        else:
            scenario.expect(outcome.returned and is_user(outcome.value, "users-replica",
                                                         "/users/1"),
                            expected=f"call {number}: the replica's answer",
                            observed=str(outcome), timeline=both())
        if count is not None:
            scenario.expect(breaker.failure_count == count and breaker.state == impl.State.CLOSED,
                            expected=f"after call {number}: {explained}; state CLOSED",
                            observed=f"failure_count={breaker.failure_count}, state "
                                     f"{breaker.state.name}",
                            timeline=both())
    scenario.expect(users.call_count == 3,
                    expected="3 calls to users (3 failures open the breaker), none after",
                    observed=f"{users.call_count} calls to users", timeline=both())


def test_an_outage_is_served_from_cache_and_default_then_recovers(impl, clock, network):
    """An outage: callers get cached or default answers, the service is spared, then fresh ones"""
    users = network.service("users").outage(10, 40)
    breaker = impl.CircuitBreaker(failure_threshold=3, recovery_timeout=15, name="users",
                                  clock=clock)
    cache = impl.LastGoodCache(max_age=60, clock=clock)
    guarded = impl.with_fallback(breaker, user_fetcher(network, users),
                                 impl.chain(cache, impl.default(GUEST)), cache=cache)
    scenario = Scenario("the users service is down (503) from t=10 to t=40; "
                        "breaker(failure_threshold=3, recovery_timeout=15); with_fallback("
                        "breaker, get_user, chain(cache, default(GUEST)), cache=cache), "
                        "LastGoodCache(max_age=60); guarded(1) every 2 s from t=0 to t=60, and "
                        "guarded(7) (a user never seen before) from t=20")
    log: list[tuple[int, int, Outcome]] = []
    for t in range(0, 62, 2):
        at(clock, t)
        log.append((t, 1, scenario.run(lambda: guarded(1))))
        if t >= 20:
            log.append((t, 7, scenario.run(lambda: guarded(7))))

    served = {(call.time, call.path): call for call in users.calls}

    def is_fresh(t: int, user: int, outcome: Outcome) -> bool:
        call = served.get((float(t), f"/users/{user}"))
        return (call is not None and call.outcome == "200" and outcome.returned
                and outcome.value == {"service": "users", "path": f"/users/{user}",
                                      "call": call.number})

    last_good = next((o.value for t, u, o in log if t == 8 and u == 1), None)

    def label(t: int, user: int, outcome: Outcome) -> str:
        if is_fresh(t, user, outcome):
            return f"fresh answer (call {outcome.value['call']})"
        if outcome.returned and outcome.value is GUEST:
            return "GUEST (the default)"
        if outcome.returned and outcome.value == last_good:
            return "cached answer from t=8"
        return str(outcome)

    during = [call.time for call in users.calls_between(10, 46)]
    around = [f"users: {call}" for call in users.calls_between(8, 48)]
    if len(around) > 14:
        around = around[:14] + [f"... {len(around) - 14} more calls before t=48"]
    scenario.expect(during == [10.0, 12.0, 14.0, 30.0],
                    expected="from t=10 to t=46 the users service sees only 4 calls: the "
                             "failures at t=10, 12, 14 (the third opens the breaker) and one "
                             "trial at t=30 (it fails and re-opens the breaker); no call while "
                             "the breaker is open",
                    observed=f"{len(during)} calls, at t="
                             f"{', '.join(f'{x:g}' for x in during) or 'none'}",
                    timeline="\n".join(around))
    lines = [(f"t={t:2d}  guarded({u}) -> {label(t, u, o)}") for t, u, o in log]
    for index, (t, user, outcome) in enumerate(log):
        if t < 10 or t >= 46:
            wanted, ok = "a fresh answer from the service", is_fresh(t, user, outcome)
        elif user == 1:
            wanted = "the cached answer from t=8 (the service is down or the breaker open)"
            ok = outcome.returned and outcome.value == last_good
        else:
            wanted = "GUEST, the default (user 7 has no cached answer)"
            ok = outcome.returned and outcome.value is GUEST
        shown = "\n".join(lines[max(0, index - 6):index + 3])
        scenario.expect(ok, expected=f"t={t}: guarded({user}) returns {wanted}",
                        observed=f"t={t}: guarded({user}) {str(outcome)}",
                        timeline=f"what the callers got, around t={t}:\n{shown}\n"
                                 f"{users.timeline(last=6)}")


def test_invalid_settings_raise_value_error(impl, clock):
    """Invalid settings raise ValueError: a negative max_age, a chain of nothing"""
    for max_age in (-1, -0.5):
        scenario = Scenario(f"LastGoodCache(max_age={max_age})")
        outcome = scenario.run(lambda: impl.LastGoodCache(max_age=max_age, clock=clock))
        scenario.expect(outcome.raised(ValueError), expected="ValueError", observed=str(outcome))
    scenario = Scenario("chain() with no fallback")
    outcome = scenario.run(lambda: impl.chain())
    scenario.expect(outcome.raised(ValueError), expected="ValueError", observed=str(outcome))
    scenario = Scenario("LastGoodCache(max_age=0): allowed, a cache whose answers are stale at "
                        "once; cache.record('answer', 1), then cache(error, 1)")
    outcome = scenario.run(lambda: impl.LastGoodCache(max_age=0, clock=clock))
    scenario.expect(outcome.returned, expected="a cache (0 is a valid max_age, never replaced "
                                               "by a default)", observed=str(outcome))
    cache = outcome.value
    cache.record("answer", 1)
    outcome = scenario.run(lambda: cache(RuntimeError("down"), 1))
    scenario.expect(outcome.raised(impl.CacheMiss), expected="CacheMiss (age 0 is not below 0)",
                    observed=str(outcome))
