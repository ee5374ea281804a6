"""Lesson 10 checks: one breaker per dependency, through a registry."""

from __future__ import annotations

import threading
import time
from typing import Any, Callable

from fake_services import FakeService, describe_calls
from harness import Outcome, Scenario, fail, loader
from harness.lockstep import Lockstep
from harness.threads import waiting_inside


def attempt(breaker: Any, service: FakeService, path: str = "/") -> tuple[bool, Outcome]:
    """One call through ``breaker`` to a fake service (direct transport): did it reach it?"""
    before = service.call_count
    outcome = Scenario("").run(lambda: breaker.call(service.get, path, timeout=2))
    return service.call_count > before, outcome


def reached_count(breaker_of: Callable[[], Any], service: FakeService, tries: int) -> int:
    """Make ``tries`` calls, asking for the breaker each time; how many reached the service."""
    return sum(attempt(breaker_of(), service)[0] for _ in range(tries))


def run_together(n: int, action: Callable[[], Any], timeout: float = 2.0,
                 workers: list[threading.Thread] | None = None) -> list[Outcome]:
    """Run ``action`` on ``n`` threads released at the same moment; what each got. The
    threads are put in ``workers`` (when given) before they start."""
    start = threading.Barrier(n, timeout=timeout)
    outcomes: list[Outcome] = [Outcome() for _ in range(n)]

    def worker(i: int) -> None:
        try:
            start.wait()
            outcomes[i] = Outcome(value=action())
        except BaseException as error:  # judged below, on the check's own thread
            outcomes[i] = Outcome(error=error)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(n)]
    if workers is not None:
        workers.extend(threads)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    if any(thread.is_alive() for thread in threads):
        fail(f"{n} threads call registry.get('payments') at the same moment",
             expected=f"all {n} calls return", observed="some threads are still waiting "
             "after 2 s (a deadlock? a lock taken twice?)")
    for outcome in outcomes:
        if isinstance(outcome.error, NotImplementedError):
            raise outcome.error
    return outcomes


def test_same_service_same_breaker(impl, clock):
    """Returns the same breaker for the same service, and a separate one for each other"""
    registry = impl.BreakerRegistry(defaults={"failure_threshold": 3}, clock=clock)
    scenario = Scenario("registry = BreakerRegistry(defaults={'failure_threshold': 3}); "
                        "registry.get('users') twice, then registry.get('payments'), then 300 "
                        "other services, then 'users' and 'Users'")
    users_breaker = registry.get("users")
    again = registry.get("users")
    payments_breaker = registry.get("payments")
    scenario.expect(users_breaker is again, expected="the same breaker object both times",
                    observed="two different breakers for users")
    scenario.expect(payments_breaker is not users_breaker,
                    expected="a breaker for payments that is not the users breaker",
                    observed="the users breaker was returned for payments too")
    names = (getattr(users_breaker, "name", None), getattr(payments_breaker, "name", None))
    scenario.expect(names == ("users", "payments"),
                    expected="breakers named after their service: 'users' and 'payments'",
                    observed=f"names {names[0]!r} and {names[1]!r}")
    for number in range(300):  # more services than functools.lru_cache keeps by default
        registry.get(f"service-{number}")
    scenario.expect(registry.get("users") is users_breaker,
                    expected="after 300 more services, registry.get('users') is still the "
                             "users breaker (a registry never forgets a breaker: it holds its "
                             "state)",
                    observed="a new breaker for users (was it evicted from a bounded cache?)")
    capital = registry.get("Users")
    scenario.expect(capital is not users_breaker and getattr(capital, "name", None) == "Users",
                    expected="registry.get('Users'): another name, so another breaker, named "
                             "'Users' (get takes names as they are; only for_url lower-cases a "
                             "URL's host)",
                    observed="the users breaker" if capital is users_breaker else
                    f"a breaker named {getattr(capital, 'name', None)!r}")

    payments = FakeService("payments", clock).down(503)
    users = FakeService("users", clock)
    scenario = Scenario("the payments service answers 503 to every call; 4 calls through "
                        "registry.get('payments'), then 1 through registry.get('users')")
    reached = reached_count(lambda: registry.get("payments"), payments, 4)
    scenario.expect(reached == 3, expected="3 calls reach payments, then its breaker is OPEN "
                    "and the 4th is rejected", observed=f"{reached} calls reached payments",
                    timeline=payments.timeline())
    reached_users, outcome = attempt(registry.get("users"), users)
    scenario.expect(reached_users and outcome.returned,
                    expected="the call to users goes through: its breaker is not the payments "
                             "breaker", observed=str(outcome), timeline=users.timeline())


def test_breakers_run_on_the_registry_clock(impl, clock):
    """Breakers take the registry's clock and, with no settings, the breaker's own defaults"""
    registry = impl.BreakerRegistry(clock=clock)
    payments = FakeService("payments", clock).down(503)
    breaker = registry.get("payments")
    scenario = Scenario("registry = BreakerRegistry(clock=clock) with no settings, so the "
                        "breaker defaults apply (failure_threshold=5, recovery_timeout=30); "
                        "payments answers 503 to every call")
    scenario.expect(getattr(breaker, "name", None) == "payments",
                    expected="the breaker is named 'payments'",
                    observed=f"it is named {getattr(breaker, 'name', None)!r}")
    reached = reached_count(lambda: breaker, payments, 6)
    scenario.expect(reached == 5, expected="5 calls reach payments, the 6th is rejected",
                    observed=f"{reached} of 6 calls reached payments",
                    timeline=payments.timeline())
    clock.advance(29.0)
    reached, outcome = attempt(breaker, payments)
    scenario.expect(not reached, expected="29 s after opening, a call is still rejected",
                    observed=f"it reached payments ({outcome})", timeline=payments.timeline())
    clock.advance(1.5)
    reached, outcome = attempt(breaker, payments)
    scenario.expect(reached, expected="30.5 s after opening (on the registry's fake clock), "
                    "a trial call reaches payments",
                    observed=f"the call was rejected ({outcome}); does the breaker run on the "
                             f"registry's clock?", timeline=payments.timeline())


def test_overrides_apply_per_service(impl, clock):
    """An override changes only its own service; others keep the defaults"""
    registry = impl.BreakerRegistry(defaults={"failure_threshold": 3, "recovery_timeout": 30},
                                    overrides={"payments": {"failure_threshold": 1}},
                                    clock=clock)
    scenario = Scenario("defaults failure_threshold=3, override for payments "
                        "failure_threshold=1; payments and users both answer 503 to every "
                        "call; the payments breaker is asked for first, then users; 6 calls each")
    payments = FakeService("payments", clock).down(503)
    users = FakeService("users", clock).down(503)
    reached_payments = reached_count(lambda: registry.get("payments"), payments, 6)
    reached_users = reached_count(lambda: registry.get("users"), users, 6)
    scenario.expect(reached_payments == 1,
                    expected="1 call reaches payments (its override: opens after 1 failure)",
                    observed=f"{reached_payments} calls reached payments",
                    timeline=payments.timeline())
    scenario.expect(reached_users == 3,
                    expected="3 calls reach users (the default: opens after 3 failures)",
                    observed=f"{reached_users} calls reached users"
                             + (" (the payments override leaked into the defaults?)"
                                if reached_users == 1 else ""),
                    timeline=users.timeline())


def test_an_override_keeps_the_other_defaults(impl, clock):
    """An override is merged on top of the defaults: settings it does not name keep theirs"""
    registry = impl.BreakerRegistry(defaults={"failure_threshold": 3, "recovery_timeout": 10},
                                    overrides={"payments": {"failure_threshold": 1}},
                                    clock=clock)
    scenario = Scenario("defaults failure_threshold=3, recovery_timeout=10; override for "
                        "payments failure_threshold=1; payments answers 503 to every call")
    payments = FakeService("payments", clock).down(503)
    breaker = registry.get("payments")
    attempt(breaker, payments)
    clock.advance(9.5)
    reached, outcome = attempt(breaker, payments)
    scenario.expect(not reached and outcome.raised(impl.CircuitOpenError),
                    expected="after 1 failure the breaker is OPEN: 9.5 s later a call is "
                             "rejected", observed=str(outcome), timeline=payments.timeline())
    clock.advance(1.0)
    reached, outcome = attempt(breaker, payments)
    scenario.expect(reached, expected="10.5 s after opening a trial call reaches payments "
                    "(recovery_timeout=10 from the defaults)",
                    observed=f"still rejected ({outcome}); was the override used instead "
                             f"of the defaults rather than merged on top of them?",
                    timeline=payments.timeline())


def test_bad_settings_fail_when_the_registry_is_built(impl, clock):
    """Bad settings raise ValueError when the registry is created, not at the first call"""
    good = Scenario("BreakerRegistry(defaults={'failure_threshold': 3}, "
                    "overrides={'payments': {'failure_threshold': 1}})")
    outcome = good.run(lambda: impl.BreakerRegistry(
        defaults={"failure_threshold": 3}, overrides={"payments": {"failure_threshold": 1}},
        clock=clock))
    good.expect(outcome.returned, expected="a registry (these settings are fine)",
                observed=str(outcome))
    for text, defaults, overrides in [
            ("defaults={'recovery_timeout': 0, 'failure_threshold': 1} (both valid: trials "
             "at once, open on the first failure)",
             {"recovery_timeout": 0, "failure_threshold": 1}, None),
            ("overrides={'payments': {'recovery_timeout': 0}}", None,
             {"payments": {"recovery_timeout": 0}})]:
        scenario = Scenario(f"BreakerRegistry({text})")
        outcome = scenario.run(lambda: impl.BreakerRegistry(defaults=defaults,
                                                             overrides=overrides, clock=clock))
        scenario.expect(outcome.returned, expected="a registry: 0 is a valid recovery_timeout",
                        observed=str(outcome))
    class TaggedBreaker(impl.CircuitBreaker):  # type: ignore[name-defined, misc]
        """A breaker that takes one setting more than CircuitBreaker: tags, for dashboards."""

        def __init__(self, *, tags: tuple[str, ...] = (), **settings: Any) -> None:
            super().__init__(**settings)
            self.tags = tags

    scenario = Scenario("BreakerRegistry(defaults={'tags': ('tier-2',)}, overrides={'payments': "
                        "{'tags': ('tier-1',)}}, factory=TaggedBreaker), where TaggedBreaker, a "
                        "CircuitBreaker subclass, takes a tags setting; registry.get('payments')")
    outcome = scenario.run(lambda: impl.BreakerRegistry(
        defaults={"tags": ("tier-2",)}, overrides={"payments": {"tags": ("tier-1",)}},
        clock=clock, factory=TaggedBreaker))
    scenario.expect(outcome.returned,
                    expected="a registry: the settings are whatever the factory accepts "
                             "(check them by building with the factory, not CircuitBreaker)",
                    observed=str(outcome))
    payments = Scenario("").run(lambda: outcome.value.get("payments"))
    scenario.expect(payments.returned and getattr(payments.value, "tags", None) == ("tier-1",),
                    expected="a TaggedBreaker with tags ('tier-1',)",
                    observed=str(payments) if not payments.returned else
                    f"tags {getattr(payments.value, 'tags', None)!r}")

    def at_most_ten(**settings: Any) -> Any:
        """A factory stricter than the breaker: no threshold above 10."""
        if settings.get("failure_threshold", 5) > 10:
            raise ValueError("failure_threshold above 10 is never what you want here")
        return impl.CircuitBreaker(**settings)

    scenario = Scenario("BreakerRegistry(overrides={'payments': {'failure_threshold': 50}}, "
                        "factory=at_most_ten), a factory that refuses thresholds above 10; "
                        "before any call")
    outcome = scenario.run(lambda: impl.BreakerRegistry(
        overrides={"payments": {"failure_threshold": 50}}, clock=clock, factory=at_most_ten))
    scenario.expect(outcome.raised(ValueError),
                    expected="ValueError at once: the factory refuses that setting",
                    observed=str(outcome) if outcome.error else
                    "the registry was created; payments' breaker would fail at its first call")
    for text, defaults, overrides in [
            ("overrides={'payments': {'failure_treshold': 2}} (a typo)", None,
             {"payments": {"failure_treshold": 2}}),
            ("defaults={'recovery_timout': 10} (a typo)", {"recovery_timout": 10}, None)]:
        scenario = Scenario(f"BreakerRegistry({text}), before any call")
        outcome = scenario.run(lambda: impl.BreakerRegistry(defaults=defaults,
                                                             overrides=overrides, clock=clock))
        scenario.expect(outcome.raised(TypeError),
                        expected="TypeError at once: an unknown setting name",
                        observed=str(outcome) if outcome.error else
                        "the registry was created; the typo would surface only at the first "
                        "call to that service, or never")
    for text, defaults, overrides in [
            ("overrides={'payments': {'failure_threshold': 0}}", None,
             {"payments": {"failure_threshold": 0}}),
            ("overrides={'payments': {'success_threshold': 0}}", {"failure_threshold": 3},
             {"payments": {"success_threshold": 0}}),
            ("defaults={'recovery_timeout': -1}", {"recovery_timeout": -1}, None)]:
        scenario = Scenario(f"BreakerRegistry({text}), before any call")
        outcome = scenario.run(lambda: impl.BreakerRegistry(defaults=defaults,
                                                             overrides=overrides, clock=clock))
        scenario.expect(outcome.raised(ValueError),
                        expected="ValueError at once, when the registry is created",
                        observed=str(outcome) if outcome.error else
                        "the registry was created; the mistake would surface only at the first "
                        "call to that service")


def test_for_url_keys_by_host(impl, clock):
    """for_url keys by host (and port): every path of one host shares one breaker"""
    registry = impl.BreakerRegistry(clock=clock)
    scenario = Scenario("registry.for_url('http://users.test/users/1') and "
                        "registry.for_url('http://users.test/users/2?fields=name')")
    first = registry.for_url("http://users.test/users/1")
    second = registry.for_url("http://users.test/users/2?fields=name")
    scenario.expect(first is second, expected="the same breaker: one service, users.test",
                    observed="two different breakers (keyed by the full URL?)")
    scenario.expect(getattr(first, "name", None) == "users.test",
                    expected="the breaker is named after the host: 'users.test'",
                    observed=f"it is named {getattr(first, 'name', None)!r}")
    scenario.expect(registry.get("users.test") is first,
                    expected="registry.get('users.test') returns that same breaker",
                    observed="a different breaker")
    scenario = Scenario("registry.for_url('http://payments.test/charges') after users.test")
    scenario.expect(registry.for_url("http://payments.test/charges") is not first,
                    expected="a separate breaker for payments.test",
                    observed="the users.test breaker")
    scenario = Scenario("two services on one machine: registry.for_url("
                        "'http://127.0.0.1:8001/users/1') and "
                        "registry.for_url('http://127.0.0.1:8002/users/1')")
    one = registry.for_url("http://127.0.0.1:8001/users/1")
    other = registry.for_url("http://127.0.0.1:8002/users/1")
    scenario.expect(one is not other, expected="two breakers: the port is part of the key",
                    observed="one breaker for both ports")
    scenario.expect(getattr(one, "name", None) == "127.0.0.1:8001",
                    expected="the first is named '127.0.0.1:8001'",
                    observed=f"it is named {getattr(one, 'name', None)!r}")
    scenario = Scenario("registry.for_url('/users/1'), a URL with no host")
    outcome = scenario.run(lambda: registry.for_url("/users/1"))
    scenario.expect(outcome.raised(ValueError), expected="ValueError: no host, no service",
                    observed=str(outcome))


def test_for_url_host_is_case_blind_and_never_the_userinfo(impl, clock):
    """for_url: the host in any case is one service; user and password are never the key"""
    registry = impl.BreakerRegistry(clock=clock)
    users = registry.for_url("http://users.test/users/1")
    cases = [("http://USERS.Test/users/2", users, "users.test",
              "host names are case-insensitive: the same service"),
             ("http://alice:s3cret@users.test/users/3", users, "users.test",
              "the user and password are not part of the service (nor belong in a breaker "
              "name, which ends up in logs)"),
             ("https://users.test/users/4", users, "users.test",
              "the scheme is not part of the key: the same host"),
             ("http://users.test:80/users/5", None, "users.test:80",
              "a port written in the URL is always part of the key, even the scheme's "
              "default: another breaker")]
    for url, same, name, why in cases:
        scenario = Scenario(f"registry.for_url('http://users.test/users/1'), then "
                            f"registry.for_url({url!r})")
        outcome = scenario.run(lambda: registry.for_url(url))
        scenario.expect(outcome.returned, expected="a breaker", observed=str(outcome))
        breaker = outcome.value
        if same is not None:
            scenario.expect(breaker is same, expected=f"the users.test breaker again ({why})",
                            observed="another breaker, named "
                                     f"{getattr(breaker, 'name', None)!r}")
        else:
            scenario.expect(breaker is not users and getattr(breaker, "name", None) == name,
                            expected=f"a separate breaker named {name!r} ({why})",
                            observed="the users.test breaker" if breaker is users else
                            f"a breaker named {getattr(breaker, 'name', None)!r}")
    names = registry.names()
    scenario = Scenario("after those five for_url calls, registry.names()")
    scenario.expect(list(names) == ["users.test", "users.test:80"],
                    expected="['users.test', 'users.test:80']", observed=repr(names))


def test_the_registry_keeps_its_own_copies(impl, clock):
    """Keeps copies of its settings: editing the caller's dicts later changes no breaker"""
    defaults = {"failure_threshold": 3, "recovery_timeout": 30}
    payments_settings = {"failure_threshold": 1}
    overrides = {"payments": payments_settings}
    registry = impl.BreakerRegistry(defaults=defaults, overrides=overrides, clock=clock)
    defaults["failure_threshold"] = 10
    payments_settings["failure_threshold"] = 10
    overrides["users"] = {"failure_threshold": 10}
    scenario = Scenario("BreakerRegistry(defaults, overrides) with defaults failure_threshold=3 "
                        "and payments failure_threshold=1; then the caller edits its dicts: "
                        "defaults and the payments entry to 10, and adds users: 10; payments "
                        "and users answer 503 to every call; 12 calls each")
    payments = FakeService("payments", clock).down(503)
    users = FakeService("users", clock).down(503)
    reached_payments = reached_count(lambda: registry.get("payments"), payments, 12)
    reached_users = reached_count(lambda: registry.get("users"), users, 12)
    scenario.expect(reached_payments == 1 and reached_users == 3,
                    expected="1 call reaches payments and 3 reach users: the settings as they "
                             "were when the registry was created",
                    observed=f"{reached_payments} reached payments, {reached_users} reached "
                             f"users (the registry reads the caller's dicts?)",
                    timeline=describe_calls([payments, users]))


def test_the_factory_gets_every_setting(impl, clock):
    """Builds each breaker as factory(name=service, clock=clock, **merged settings)"""
    built: list[tuple[Any, dict[str, Any]]] = []

    def factory(**settings: Any) -> Any:
        breaker = impl.CircuitBreaker(**settings)
        built.append((breaker, settings))
        return breaker

    defaults = {"failure_threshold": 3, "recovery_timeout": 10, "success_threshold": 1,
                "exclude": (KeyError,)}
    overrides = {"payments": {"recovery_timeout": 60, "half_open_max_calls": 2}}
    registry = impl.BreakerRegistry(defaults=defaults, overrides=overrides, clock=clock,
                                    factory=factory)
    scenario = Scenario(f"BreakerRegistry(defaults={defaults!r}, overrides={overrides!r}, "
                        f"clock=clock, factory=recording_factory); registry.get('payments') "
                        f"and registry.get('users')")
    for service, wanted in (("payments", {**defaults, **overrides["payments"]}),
                            ("users", dict(defaults))):
        breaker = registry.get(service)
        given = next((settings for made, settings in built if made is breaker), None)
        expected = {"name": service, "clock": clock, **wanted}
        scenario.expect(given is not None,
                        expected=f"the {service} breaker is one the factory built",
                        observed="registry.get returned a breaker the factory never made")
        scenario.expect(given == expected,
                        expected=f"factory called for {service} with {shown_settings(expected)}",
                        observed=f"it was called with {shown_settings(given or {})}")


def shown_settings(settings: dict[str, Any]) -> str:
    return ", ".join(f"{k}={'clock' if k == 'clock' else repr(v)}"
                     for k, v in sorted(settings.items()))


def test_all_paths_of_a_host_share_one_breaker(impl, clock, network):
    """A failing service is cut off after `failure_threshold` calls, whatever the paths"""
    users = network.service("users").down(503)
    registry = impl.BreakerRegistry(defaults={"failure_threshold": 3}, clock=clock)
    session = network.session()
    outcomes = []
    for user_id in range(1, 11):
        url = f"{users.url}/users/{user_id}"
        outcomes.append(Scenario("").run(
            lambda: registry.for_url(url).call(session.get, url, timeout=2)))
    scenario = Scenario("the users service answers 503 to every call; GET /users/1 ... "
                        "/users/10, each through registry.for_url(url); failure_threshold=3")
    rejected = sum(outcome.raised(impl.CircuitOpenError) for outcome in outcomes)
    scenario.expect(users.call_count == 3 and rejected == 7,
                    expected="3 calls reach users, then its one breaker is OPEN and rejects "
                             "the other 7", observed=f"{users.call_count} calls reached users, "
                    f"{rejected} rejected (one breaker per user id?)", timeline=users.timeline())


def test_failing_payments_never_trips_users(impl, clock, network):
    """Payments down, users healthy: users calls keep flowing while payments is cut off"""
    payments = network.service("payments").down(503)
    users = network.service("users")
    registry = impl.BreakerRegistry(defaults={"failure_threshold": 3, "recovery_timeout": 30},
                                    clock=clock)
    session = network.session()

    def fetch(url: str) -> Any:
        return registry.for_url(url).call(session.get, url, timeout=2)

    paid: list[Outcome] = []
    seen: list[Outcome] = []
    for n in range(1, 11):
        paid.append(Scenario("").run(lambda: fetch(f"{payments.url}/charges/{n}")))
        seen.append(Scenario("").run(lambda: fetch(f"{users.url}/users/{n}")))
        clock.advance(1.0)
    scenario = Scenario("payments answers 503 to every call, users is healthy; 10 rounds of "
                        "GET payments.test/charges/n then GET users.test/users/n, 1 s apart, "
                        "each through registry.for_url(url); failure_threshold=3")
    timeline = describe_calls([payments, users])
    users_ok = sum(o.returned and getattr(o.value, "status_code", None) == 200 for o in seen)
    scenario.expect(users.call_count == 10 and users_ok == 10,
                    expected="all 10 users calls reach users and return 200",
                    observed=f"{users.call_count} reached users, {users_ok} returned 200; "
                             f"first problem: "
                             f"{next((str(o) for o in seen if not o.returned), 'none')}",
                    timeline=timeline)
    rejected = [o for o in paid if o.raised(impl.CircuitOpenError)]
    scenario.expect(payments.call_count == 3 and len(rejected) == 7,
                    expected="3 calls reach payments, the other 7 are rejected",
                    observed=f"{payments.call_count} reached payments, {len(rejected)} rejected",
                    timeline=timeline)
    name = getattr(rejected[0].error, "name", None)
    scenario.expect(name == "payments.test",
                    expected="the rejection names the payments breaker: 'payments.test'",
                    observed=f"CircuitOpenError.name is {name!r}")
    states = (registry.for_url(users.url).state, registry.for_url(payments.url).state)
    scenario.expect(states == (impl.State.CLOSED, impl.State.OPEN),
                    expected="users breaker CLOSED, payments breaker OPEN",
                    observed=f"users {states[0]}, payments {states[1]}")


def test_concurrent_get_builds_exactly_one_breaker(impl, clock):
    """Many threads asking for a new service at once all get one and the same breaker"""
    threads = 8
    armed = threading.Event()
    workers: list[threading.Thread] = []
    building: set[threading.Thread] = set()
    built: list[Any] = []

    def factory(**settings: Any) -> Any:
        """Builds a breaker; once armed, holds the thread until every other one is building
        one too, has returned, or is made to wait inside the registry."""
        breaker = impl.CircuitBreaker(**settings)
        if armed.is_set():
            built.append(breaker)
            building.add(threading.current_thread())
            hold_until_the_others_settle(workers, building)
        return breaker

    registry = impl.BreakerRegistry(defaults={"failure_threshold": 3}, clock=clock,
                                    factory=factory)
    armed.set()
    outcomes = run_together(threads, lambda: registry.get("payments"), workers=workers)
    scenario = Scenario(f"{threads} threads call registry.get('payments') at the same moment, "
                        f"for a service that has no breaker yet (the factory holds each "
                        f"thread that builds a breaker until all {threads} build one)")
    errors = [o for o in outcomes if not o.returned]
    scenario.expect(not errors, expected="every thread gets a breaker",
                    observed=f"{len(errors)} threads failed, e.g. {errors[0]}" if errors else "")
    scenario.expect(bool(built), expected="the registry builds breakers with the factory it "
                    "was given", observed="the factory was never called")
    handed_out = {id(o.value) for o in outcomes}
    scenario.expect(len(handed_out) == 1,
                    expected=f"all {threads} threads receive one and the same breaker",
                    observed=f"{len(handed_out)} different breakers handed out for payments: "
                             f"each thread saw 'not there yet' and kept its own")
    later = registry.get("payments")
    scenario.expect(later is outcomes[0].value,
                    expected="registry.get('payments') afterwards returns that same breaker",
                    observed="a different breaker (the one stored last?)")

    registry = impl.BreakerRegistry(defaults={"failure_threshold": 3}, clock=clock)
    got: list[Any] = [None, None]

    def ask(i: int) -> Callable[[], None]:
        def action() -> None:
            got[i] = registry.get("search")
        return action

    errors = Lockstep(loader.graded_files).run(ask(0), ask(1))
    for error in errors:
        if isinstance(error, NotImplementedError):
            raise error
    scenario = Scenario("two threads call registry.get('search') at the same moment, made to "
                        "take turns one bytecode instruction at a time inside your module (so "
                        "no check-then-act step, not even the creation of a lock per service, "
                        "is left to luck)")
    scenario.expect(not any(errors), expected="both calls return a breaker",
                    observed="; ".join(repr(e) for e in errors if e is not None))
    scenario.expect(got[0] is got[1] and got[0] is not None,
                    expected="one and the same breaker for both threads",
                    observed="two different breakers for search")
    scenario.expect(registry.get("search") is got[0],
                    expected="registry.get('search') afterwards returns that same breaker",
                    observed="a different breaker")


def hold_until_the_others_settle(workers: list[threading.Thread],
                                 building: set[threading.Thread], limit: float = 0.1) -> None:
    """Keep the calling thread (inside the factory) until each other worker is building a
    breaker too, has returned, or sleeps inside the graded module (a correct registry makes
    it wait for the lock while one thread builds), for ``limit`` seconds at most.

    A racy registry lets every thread that saw "not there yet" reach the factory: all of them
    are held here together, so each builds its own breaker. A thread that sleeps inside the
    graded module cannot come out before this one goes on (a timed real wait there raises at
    once on the fake clock), so going on then changes nothing but the time a correct registry
    costs: a few milliseconds instead of ``limit``."""
    me = threading.current_thread()
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        others = [w for w in workers if w is not me and w not in building and w.is_alive()]
        if all(waiting_inside(w, loader.graded_files, look=0.001) for w in others):
            return
        time.sleep(0.0005)  # someone is still on the way: let it run


def test_names_lists_the_services(impl, clock):
    """names() lists every service that has a breaker, once, sorted"""
    registry = impl.BreakerRegistry(clock=clock)
    scenario = Scenario("a new registry")
    names = registry.names()
    scenario.expect(list(names) == [], expected="names() == []", observed=f"{names!r}")
    registry.get("users")
    registry.get("payments")
    registry.for_url("http://search.test/q?term=kata")
    registry.get("users")
    scenario = Scenario("registry.get('users'), get('payments'), "
                        "for_url('http://search.test/q?term=kata'), get('users') again")
    names = registry.names()
    scenario.expect(list(names) == ["payments", "search.test", "users"],
                    expected="names() == ['payments', 'search.test', 'users']",
                    observed=f"{names!r}")
