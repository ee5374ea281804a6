"""Calling through a learner's breaker the way a request handler would, for the checks.

Shared by the breaker lessons' checks so that every lesson speaks of calls the same way:

* :class:`Caller` runs calls through ``breaker.call`` (or a decorated function), remembers
  what the protected function itself raised or returned (so a check can tell "its own error"
  from a new one) and how often it ran (a rejected call must not run it), and keeps a
  timeline of what each call did;
* ``expect_admitted`` / ``expect_rejected`` / ``trip`` state the common verdicts;
* :func:`outcome_of` reduces one call to ``"ok"``, ``"failed"`` or ``"rejected"``;
* :class:`Answers` stands in for a service in checks that make hundreds of calls.
"""

from __future__ import annotations

from typing import Any, Callable

import requests

from fake_services import FakeClock, FakeService

from .checks import Outcome, Scenario

OK, FAILED, REJECTED = "ok", "failed", "rejected"


class Caller:
    """Calls through the breaker as a request handler would, and logs what it saw."""

    def __init__(self, impl: Any, breaker: Any, func: Callable[..., Any], clock: FakeClock,
                 scenario: Scenario, who: str = "caller") -> None:
        self.impl, self.breaker, self.func, self.clock = impl, breaker, func, clock
        self.scenario, self.who = scenario, who
        self.log: list[str] = []
        self.calls = 0
        self.produced: list[tuple[str, Any]] = []  # ("raised" | "returned", object)
        self.invocations = 0

    def _protected(self, *args: Any, **kwargs: Any) -> Any:
        self.invocations += 1
        try:
            value = self.func(*args, **kwargs)
        except BaseException as error:
            self.produced.append(("raised", error))
            raise
        self.produced.append(("returned", value))
        return value

    def call(self, *args: Any, through: Callable[..., Any] | None = None,
             **kwargs: Any) -> Outcome:
        """One call through ``breaker.call`` (or through ``through``, e.g. a decorated
        function that wraps the same protected function)."""
        started = self.clock()
        self.calls += 1
        number = self.calls
        action = through if through is not None else (
            lambda *a, **k: self.breaker.call(self._protected, *a, **k))
        outcome = self.scenario.run(lambda: action(*args, **kwargs))
        self.log.append(f"{self.who}: t={started:8.3f}  call {number}: {self.describe(outcome)}")
        return outcome

    def note(self, event: str) -> None:
        self.log.append(f"{self.who}: t={self.clock():8.3f}  {event}")

    def rejected(self, outcome: Outcome) -> bool:
        return outcome.raised(self.impl.CircuitOpenError)

    def unchanged(self, outcome: Outcome) -> bool:
        """The call gave the caller exactly what the function produced, the same object."""
        if not self.produced:
            return False
        how, thing = self.produced[-1]
        if how == "raised":
            return outcome.error is thing
        return outcome.returned and outcome.value is thing

    def own_error(self, outcome: Outcome) -> bool:
        """The call raised the very exception the protected function raised."""
        return outcome.error is not None and self.unchanged(outcome)

    def describe(self, outcome: Outcome) -> str:
        return describe(self.impl, outcome, rejected=self.rejected(outcome))

    def timeline(self, *services: FakeService) -> str:
        return "\n".join(self.log[-14:] + [s.timeline() for s in services])


def expect_admitted(scenario: Scenario, caller: Caller, service: FakeService, *, when: str,
                    why: str = "") -> Outcome:
    """Make a call that the breaker must let through to the service."""
    before = service.call_count
    outcome = caller.call()
    scenario.expect(service.call_count == before + 1 and not caller.rejected(outcome),
                    expected=f"{when}: the call admitted and reaching the {service.name} service"
                             + (f" ({why})" if why else ""),
                    observed=f"the call {caller.describe(outcome)}; "
                             f"{service.call_count - before} calls reached the service",
                    timeline=caller.timeline(service))
    return outcome


def expect_rejected(scenario: Scenario, caller: Caller, service: FakeService, *, when: str,
                    why: str = "") -> Outcome:
    """Make a call that the breaker must reject without running the protected function."""
    before, ran = service.call_count, caller.invocations
    outcome = caller.call()
    scenario.expect(caller.rejected(outcome) and service.call_count == before
                    and caller.invocations == ran,
                    expected=f"{when}: the call rejected with CircuitOpenError, without calling "
                             f"the service" + (f" ({why})" if why else ""),
                    observed=f"the call {caller.describe(outcome)}; "
                             f"{service.call_count - before} calls reached the service",
                    timeline=caller.timeline(service))
    return outcome


def trip(scenario: Scenario, caller: Caller, service: FakeService, failures: int,
         gap: float = 0.0, opens: bool = True) -> None:
    """Fail ``failures`` calls in a row (the service must be failing): the last one trips the
    breaker, and its state is checked, unless ``opens`` is False."""
    for number in range(1, failures + 1):
        if number > 1 and gap:
            caller.clock.advance(gap)
        outcome = caller.call()
        scenario.expect(outcome.error is not None and not caller.rejected(outcome),
                        expected=f"failure {number} of {failures} reaches the service and "
                                 f"raises its own error",
                        observed=f"the call {caller.describe(outcome)}",
                        timeline=caller.timeline(service))
    if opens:
        scenario.expect(caller.breaker.state == caller.impl.State.OPEN,
                        expected=f"state OPEN right after {failures} failures in a row "
                                 f"(failure_threshold={failures})",
                        observed=f"state {state_of(caller.breaker)}",
                        timeline=caller.timeline(service))


def state_of(breaker: Any) -> str:
    """The breaker's state by name, for messages (whatever the learner's State is)."""
    state = breaker.state
    return getattr(state, "name", repr(state))


def describe(impl: Any, outcome: Outcome, *, rejected: bool | None = None) -> str:
    """One call's outcome in words: rejected (with its retry_after), raised, or returned.
    ``rejected`` says whether the breaker rejected it (by default: it raised
    ``CircuitOpenError``)."""
    if rejected is None:
        rejected = outcome.raised(impl.CircuitOpenError)
    if rejected:
        value = getattr(outcome.error, "retry_after", "missing")
        shown = f"{value:.2f}" if isinstance(value, (int, float)) else str(value)
        return f"rejected with CircuitOpenError (retry_after={shown})"
    if outcome.error is not None:
        response = getattr(outcome.error, "response", None)
        status = f" {response.status_code}" if response is not None else ""
        return f"raised {type(outcome.error).__name__}{status}"
    if isinstance(outcome.value, requests.Response):
        return f"returned a response with status {outcome.value.status_code}"
    text = repr(outcome.value)
    return "returned " + (text if len(text) <= 60 else text[:57] + "...")


def kind_of(impl: Any, outcome: Outcome) -> str:
    """``"ok"``, ``"failed"`` or ``"rejected"``; a returned 5xx response counts as failed, as
    the breakers' default classification says."""
    if outcome.raised(impl.CircuitOpenError):
        return REJECTED
    if outcome.error is not None:
        return FAILED
    if isinstance(outcome.value, requests.Response) and outcome.value.status_code >= 500:
        return FAILED
    return OK


def outcome_of(impl: Any, breaker: Any, fetch: Callable[[], Any]) -> str:
    """Send one call through the breaker: ``"ok"``, ``"failed"`` or ``"rejected"``.

    A returned 5xx response counts as failed, as the breakers' default classification says.
    """
    try:
        result = breaker.call(fetch)
    except impl.CircuitOpenError:
        return REJECTED
    except NotImplementedError:
        raise
    except Exception:
        return FAILED
    if isinstance(result, requests.Response) and result.status_code >= 500:
        return FAILED
    return OK


def outcomes_of(impl: Any, breaker: Any, fetch: Callable[[], Any], count: int) -> list[str]:
    """``count`` calls through the breaker, each reduced by :func:`outcome_of`."""
    return [outcome_of(impl, breaker, fetch) for _ in range(count)]


class Answers:
    """Canned answers for a check that makes hundreds of calls: each call returns the next
    prebuilt response, a 503 for ``"F"`` and a 200 for ``"S"`` (200 once the script is used
    up), as a client that does not raise would. A FakeService call prepares a real request
    every time (about 0.1 ms); these cost a few microseconds, and they are counted."""

    def __init__(self, name: str, script: str = "") -> None:
        self.name = name
        self._failure = _response(name, 503)
        self._success = _response(name, 200)
        self._script = ""
        self.calls = 0
        self.then(script)

    def then(self, script: str) -> "Answers":
        """Answer the next calls with ``script`` (``"SSF"``: 200, 200, 503)."""
        self._script = (self._script + "S" * self.calls)[:self.calls] + script
        return self

    def __call__(self) -> requests.Response:
        mark = self._script[self.calls] if self.calls < len(self._script) else "S"
        self.calls += 1
        return self._failure if mark == "F" else self._success

    def timeline(self) -> str:
        answered = self._script[:self.calls] + "S" * max(0, self.calls - len(self._script))
        return (f"the {self.name} service answered {self.calls} calls: "
                + " ".join("503" if mark == "F" else "200" for mark in answered[-40:])
                + (" (the last 40)" if self.calls > 40 else ""))


def _response(service: str, status: int) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.url = f"http://{service}.test/users/42"
    response._content = b'{"user": 42}'
    return response
