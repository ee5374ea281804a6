"""Lesson 14 checks, part 3: cancellation and timeouts.

Every check runs its own event loop (``support.run``); interleavings are forced, never left
to luck: calls are held inside the fake service on ``asyncio.Event`` gates, tasks created
together run until they block, and time is a ``FakeClock``. No check sleeps.
"""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path
from typing import Any

from harness import Outcome, Scenario, loader


loader.check_module(Path(__file__).with_name("support.py"), "kata_lesson14_support")
from kata_lesson14_support import (  # noqa: E402 - registered just above
    Gate, Log, Protected, Tasks, Transitions, attempt, describe, fetching, kind, raising, run,
    settle, shown, until, OK, FAILED, transitions, arrows, USER, users_service, pattern,
    rate_text, same, retry_after, calls, trip, open_breaker)


# -- cancellation and timeouts --------------------------------------------------------------

def test_cancellation_is_neither_failure_nor_success(impl, clock):
    """A call cancelled by its caller is neither a failure nor a success: it is not counted"""
    for form in ("breaker.call", "async with breaker:"):
        scenario = Scenario(f"threshold 60%, window_size 4, minimum_calls 3; calls: ok, failed, "
                            f"one ({form}) held inside the users service and cancelled by its "
                            f"caller, failed")
        run(scenario, functools.partial(_cancelled_while_closed, impl, clock, scenario, form),
            impl)


async def _cancelled_while_closed(impl: Any, clock: Any, scenario: Scenario, form: str) -> None:
    """One call, in ``form``, cancelled by its caller while the breaker is closed."""
    users = users_service(clock)
    users.service.script(*pattern("SF"), 200, 503)
    log = Log(clock, users)
    listener = Transitions()
    breaker = impl.CircuitBreaker(failure_rate_threshold=60, window_size=4, minimum_calls=3,
                                  recovery_timeout=30, on_state_change=listener, clock=clock)
    first = await calls(impl, breaker, fetching(users), 2, log)
    gate = Gate(numbers={3})
    users.before_reply(gate)
    tasks = Tasks(impl, log)

    async def block() -> object:
        async with breaker:
            return await users.fetch_json(USER)

    task = tasks.start("call 3", block if form.startswith("async with") else
                       lambda: breaker.call(fetching(users).func))
    await until(lambda: gate.arrived == 1 or task.done())
    tasks.reraise_unwritten()
    task.cancel()
    await settle()
    tasks.reraise_unwritten()
    log.note("call 3: cancelled by its caller while inside the service")
    rate = breaker.failure_rate
    scenario.expect(first == [OK, FAILED] and task.cancelled() and rate is None,
                    expected="ok, failed, call 3 ends cancelled, and failure_rate is None: "
                             "2 outcomes are fewer than minimum_calls 3 (the cancelled call "
                             "is not one)",
                    observed=f"{shown(first)}, call 3 "
                             f"{'ended cancelled' if task.cancelled() else tasks.describe()}"
                             f"; failure_rate {rate_text(rate)}"
                             + (" (the cancellation was counted)" if rate is not None else ""),
                    timeline=log.timeline())
    fourth = await attempt(impl, lambda: breaker.call(fetching(users).func), log, "call 4")
    fifth = await attempt(impl, lambda: breaker.call(fetching(users).func), log, "call 5")
    scenario.expect(kind(impl, fourth) == FAILED and fifth.raised(impl.CircuitOpenError),
                    expected="call 4 fails: ok, failed, failed = 67% of 3 reaches 60%, it "
                             "opens; call 5 rejected. (Counted as a failure, the "
                             "cancellation would have opened it at call 3; counted as a "
                             "success, 2 of 4 = 50% would leave it closed)",
                    observed=f"call 4 {describe(impl, fourth)}; call 5 "
                             f"{describe(impl, fifth)}; transitions {listener.describe()}",
                    timeline=log.timeline())
    await tasks.finish()


def test_a_cancelled_trial_gives_its_permit_back(impl, clock):
    """A trial cancelled by its caller gives its permit back and decides nothing"""
    scenario = Scenario("half_open_max_calls 1: the breaker is half-open; the trial call is "
                        "held inside the users service and its caller cancels it")

    async def one_permit() -> None:
        users = users_service(clock)
        log = Log(clock, users)
        listener = Transitions()
        breaker = open_breaker(impl, clock, half_open_max_calls=1, on_state_change=listener)
        await trip(impl, breaker, users, log)
        clock.advance(30)
        gate = Gate(numbers={2})
        users.before_reply(gate)
        tasks = Tasks(impl, log)
        task = tasks.start("trial", lambda: breaker.call(fetching(users).func))
        await until(lambda: gate.arrived == 1 or task.done())
        tasks.reraise_unwritten()
        task.cancel()
        await settle()
        tasks.reraise_unwritten()
        log.note("trial: cancelled by its caller")
        scenario.expect(task.cancelled(), expected="the trial's task ends cancelled",
                        observed=tasks.describe(), timeline=log.timeline())
        expected = transitions(impl, "CLOSED>OPEN", "OPEN>HALF_OPEN")
        scenario.expect(listener.events == expected,
                        expected=f"{arrows(expected)} and nothing more: a cancelled trial is "
                                 f"neither a failure (re-open) nor a success (close)",
                        observed=listener.describe(), timeline=log.timeline())
        users.service.script(503)
        after = await attempt(impl, lambda: breaker.call(fetching(users).func),
                              log, "the next caller")
        scenario.expect(kind(impl, after) == FAILED and not after.raised(impl.CircuitOpenError),
                        expected="the next caller is admitted as the trial (the permit came "
                                 "back) and its failure is the verdict",
                        observed=describe(impl, after)
                                 + (": stuck in half-open, the cancelled trial never gave its "
                                    "permit back" if after.raised(impl.CircuitOpenError) else ""),
                        timeline=log.timeline())
        reopened = await attempt(impl, lambda: breaker.call(fetching(users).func), log, "one more")
        scenario.expect(reopened.raised(impl.CircuitOpenError)
                        and same(retry_after(reopened), 30.0),
                        expected="re-opened by that failed trial: rejected, retry_after 30",
                        observed=describe(impl, reopened), timeline=log.timeline())
        await tasks.finish()

    run(scenario, one_permit, impl)

    two = Scenario("threshold 60%, half_open_max_calls 2: two trials are held inside the users "
                   "service; the first one's caller cancels it; a third caller arrives; then "
                   "trial 2 fails and trial 3 succeeds")

    async def two_permits() -> None:
        users = users_service(clock)
        log = Log(clock, users)
        breaker = open_breaker(impl, clock, half_open_max_calls=2, failure_rate_threshold=60)
        await trip(impl, breaker, users, log)
        clock.advance(30)
        gates = {number: Gate(numbers={number}) for number in (2, 3, 4)}
        for gate in gates.values():
            users.before_reply(gate)
        users.service.script(200, 503, 200)
        tasks = Tasks(impl, log)
        first = tasks.start("trial 1", lambda: breaker.call(fetching(users).func))
        tasks.start("trial 2", lambda: breaker.call(fetching(users).func))
        await until(lambda: gates[2].arrived + gates[3].arrived + len(tasks.finished()) >= 2)
        tasks.reraise_unwritten()
        first.cancel()
        await settle()
        tasks.reraise_unwritten()
        log.note("trial 1: cancelled by its caller")
        tasks.start("trial 3", lambda: breaker.call(fetching(users).func))
        await until(lambda: gates[4].arrived == 1 or "trial 3" in tasks.finished())
        tasks.reraise_unwritten()
        two.expect(gates[4].arrived == 1,
                   expected="the third caller admitted as a trial: the cancelled trial's permit "
                            "came back",
                   observed=tasks.describe(), timeline=log.timeline())
        gates[3].open()
        await settle()
        tasks.reraise_unwritten()
        waiting_for_verdict = await attempt(impl, lambda: breaker.call(fetching(users).func), log,
                                            "caller 4")
        two.expect(waiting_for_verdict.raised(impl.CircuitOpenError)
                   and same(retry_after(waiting_for_verdict), 0.0),
                   expected="trial 2 failed and trial 3 is in flight: 1 of 2 trials completed, "
                            "no verdict yet (the cancelled trial is not one), so caller 4 is "
                            "rejected with retry_after 0",
                   observed=describe(impl, waiting_for_verdict), timeline=log.timeline())
        gates[4].open()
        await settle()
        tasks.reraise_unwritten()
        closed = await attempt(impl, lambda: breaker.call(fetching(users).func), log, "caller 5")
        two.expect(closed.returned,
                   expected="trial 3 succeeded: 1 failed of 2 = 50% is below 60%, it closed, "
                            "caller 5 goes through",
                   observed=describe(impl, closed), timeline=log.timeline())
        await tasks.finish()

    run(two, two_permits, impl)


def test_cancellation_propagates_unchanged(impl, clock):
    """A cancelled call re-raises the very CancelledError, and its task ends cancelled"""
    for form in ("breaker.call(fetch_user)", "async with breaker:", "the @breaker decorator"):
        for phase in ("closed", "half-open"):
            scenario = Scenario(f"{form}; the breaker is {phase}; the call is held inside the "
                                f"users service and its task is cancelled with the message "
                                f"'shutting down'")

            async def main() -> None:
                users = users_service(clock)
                log = Log(clock, users)
                breaker = open_breaker(impl, clock, half_open_max_calls=1)
                if phase == "half-open":
                    await trip(impl, breaker, users, log)
                    clock.advance(30)
                gate = Gate()
                users.before_reply(gate)
                protected = fetching(users)
                seen: list[BaseException] = []

                async def caller() -> object:
                    try:
                        if form.startswith("async with"):
                            async with breaker:
                                return await protected.func()
                        if form.startswith("the @breaker"):
                            return await breaker(protected.func)()
                        return await breaker.call(protected.func)
                    except BaseException as error:
                        seen.append(error)
                        raise

                tasks = Tasks(impl, log)
                task = tasks.start("caller", caller)
                await until(lambda: gate.arrived == 1 or task.done())
                tasks.reraise_unwritten()
                task.cancel("shutting down")
                await settle()
                tasks.reraise_unwritten()
                inner = protected.last_raised
                scenario.expect(task.cancelled(),
                                expected="the task ends cancelled: the breaker re-raises the "
                                         "CancelledError (swallowing it would break "
                                         "asyncio.timeout and TaskGroup around the call)",
                                observed="the task " + ("is still running" if not task.done()
                                                        else tasks.describe()),
                                timeline=log.timeline())
                scenario.expect(isinstance(inner, asyncio.CancelledError) and bool(seen)
                                and seen[-1] is inner,
                                expected="the caller sees the very CancelledError that the "
                                         "protected call saw (re-raised unchanged)",
                                observed=f"the protected call saw {inner!r}, the caller saw "
                                         f"{seen[-1]!r}" if seen else "nothing seen",
                                timeline=log.timeline())
                await tasks.finish()

            run(scenario, main, impl)


def test_a_timeout_outside_the_breaker_is_invisible_to_it(impl, clock):
    """asyncio.timeout around the breaker: the caller gets TimeoutError, the breaker counts nothing"""
    scenario = Scenario("window_size 1, minimum_calls 1: `async with asyncio.timeout(0): await "
                        "breaker.call(fetch_user)` while the users service hangs, 3 times")

    async def closed() -> None:
        users = users_service(clock)
        log = Log(clock, users)
        breaker = open_breaker(impl, clock)
        hang = Gate()
        users.before_reply(hang)
        for number in (1, 2, 3):
            try:
                async with asyncio.timeout(0):
                    outcome = await attempt(impl, lambda: breaker.call(fetching(users).func), log,
                                            f"call {number}")
            except TimeoutError as error:
                outcome = Outcome(error=error)
                log.note(f"call {number}: the caller's asyncio.timeout raised TimeoutError")
            scenario.expect(outcome.raised(TimeoutError) and users.call_count == number,
                            expected=f"call {number} reaches the service and the caller's "
                                     f"asyncio.timeout raises TimeoutError (the breaker let the "
                                     f"cancellation through)",
                            observed=describe(impl, outcome), timeline=log.timeline())
        rate = breaker.failure_rate
        scenario.expect(rate is None and breaker.state == impl.State.CLOSED,
                        expected="the breaker saw three cancellations, not failures: still "
                                 "CLOSED, failure_rate None (the aiobreaker lesson: a timeout "
                                 "outside the breaker never opens it)",
                        observed=f"state {breaker.state}, failure_rate {rate_text(rate)}",
                        timeline=log.timeline())

    run(scenario, closed, impl)

    trial = Scenario("half_open_max_calls 1: the breaker is half-open; the trial runs under "
                     "the caller's asyncio.timeout(0) while the users service hangs")

    async def half_open() -> None:
        users = users_service(clock)
        log = Log(clock, users)
        breaker = open_breaker(impl, clock, half_open_max_calls=1)
        await trip(impl, breaker, users, log)
        clock.advance(30)
        hang = Gate(numbers={2})
        users.before_reply(hang)
        try:
            async with asyncio.timeout(0):
                outcome = await attempt(impl, lambda: breaker.call(fetching(users).func),
                                        log, "trial")
        except TimeoutError as error:
            outcome = Outcome(error=error)
            log.note("trial: the caller's asyncio.timeout raised TimeoutError")
        trial.expect(outcome.raised(TimeoutError),
                     expected="the caller's asyncio.timeout raises TimeoutError",
                     observed=describe(impl, outcome), timeline=log.timeline())
        users.service.script(200)
        after = await attempt(impl, lambda: breaker.call(fetching(users).func),
                              log, "the next caller")
        trial.expect(after.returned,
                     expected="the next caller is admitted as the trial (the timed-out one gave "
                              "its permit back and decided nothing) and succeeds",
                     observed=describe(impl, after), timeline=log.timeline())

    run(trial, half_open, impl)


def test_a_timeout_inside_the_guarded_call_is_a_failure(impl, clock):
    """A timeout inside the guarded call (asyncio.timeout in the coroutine, or call_timeout) is a failure"""
    scenario = Scenario("window_size 1, minimum_calls 1: the protected coroutine runs "
                        "`async with asyncio.timeout(0): await users.get(...)` and the users "
                        "service hangs")

    async def inside() -> None:
        users = users_service(clock)
        log = Log(clock, users)
        breaker = open_breaker(impl, clock)
        users.before_reply(Gate())

        async def body() -> object:
            async with asyncio.timeout(0):
                return await users.get(USER)

        protected = Protected(body)
        first = await attempt(impl, lambda: breaker.call(protected.func), log, "call 1")
        scenario.expect(first.raised(TimeoutError) and first.error is protected.last_raised,
                        expected="the caller gets the TimeoutError the coroutine raised",
                        observed=describe(impl, first), timeline=log.timeline())
        second = await attempt(impl, lambda: breaker.call(protected.func), log, "call 2")
        scenario.expect(second.raised(impl.CircuitOpenError),
                        expected="the timeout counted as a failure: the next call rejected",
                        observed=describe(impl, second), timeline=log.timeline())

    run(scenario, inside, impl)

    own = Scenario("call_timeout 0, threshold 100%, window_size 2, minimum_calls 2: two calls "
                   "while the users service hangs")

    async def call_timeout() -> None:
        users = users_service(clock)
        log = Log(clock, users)
        breaker = impl.CircuitBreaker(failure_rate_threshold=100, window_size=2,
                                      minimum_calls=2, recovery_timeout=30, call_timeout=0,
                                      half_open_max_calls=1, name="users", clock=clock)
        users.before_reply(Gate())
        tasks = Tasks(impl, log)
        results = []
        for number in (1, 2):
            results.append(await tasks.timed(own, f"call {number}",
                                             lambda: breaker.call(fetching(users).func)))
        own.expect(all(o.raised(TimeoutError) for o in results),
                   expected="each caller gets TimeoutError from the breaker's call_timeout",
                   observed="; ".join(describe(impl, o) for o in results),
                   timeline=log.timeline())
        third = await attempt(impl, lambda: breaker.call(fetching(users).func), log, "call 3")
        own.expect(third.raised(impl.CircuitOpenError),
                   expected="both timeouts counted as failures (2 of 2 = 100%): the third call "
                            "rejected. (A timeout applied outside the breaker's bookkeeping "
                            "reaches it as a cancellation and is never counted)",
                   observed=describe(impl, third), timeline=log.timeline())
        clock.advance(30)
        trial = await tasks.timed(own, "trial", lambda: breaker.call(fetching(users).func))
        reopened = await attempt(impl, lambda: breaker.call(fetching(users).func), log, "after it")
        own.expect(trial.raised(TimeoutError) and reopened.raised(impl.CircuitOpenError)
                   and same(retry_after(reopened), 30.0),
                   expected="30 s later the trial times out too: a failed trial, re-opened "
                            "(retry_after 30)",
                   observed=f"trial {describe(impl, trial)}; then {describe(impl, reopened)}",
                   timeline=log.timeline())

    run(own, call_timeout, impl)

    excluded = Scenario("call_timeout 0, exclude=(TimeoutError,), window_size 2, minimum_calls "
                        "2: two calls while the users service hangs")

    async def classified() -> None:
        users = users_service(clock)
        log = Log(clock, users)
        breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_size=2, minimum_calls=2,
                                      call_timeout=0, exclude=(TimeoutError,), clock=clock)
        users.before_reply(Gate())
        tasks = Tasks(impl, log)
        for number in (1, 2):
            await tasks.timed(excluded, f"call {number}",
                              lambda: breaker.call(fetching(users).func))
        rate = breaker.failure_rate
        excluded.expect(same(rate, 0.0) and breaker.state == impl.State.CLOSED,
                        expected="the call_timeout's TimeoutError is judged like any exception: "
                                 "excluded, so two successes (failure_rate 0.0), still CLOSED",
                        observed=f"failure_rate {rate_text(rate)}, state {breaker.state}",
                        timeline=log.timeline())

    run(excluded, classified, impl)


def test_other_base_exceptions_give_the_permit_back(impl, clock):
    """KeyboardInterrupt, SystemExit, a CancelledError from inside: propagate, not counted, permit back"""
    rows = (("breaker.call(fetch_user)", KeyboardInterrupt, "half-open"),
            ("async with breaker:", KeyboardInterrupt, "half-open"),
            ("breaker.call(fetch_user)", SystemExit, "half-open"),
            ("breaker.call(fetch_user)", asyncio.CancelledError, "half-open"),
            ("async with breaker:", asyncio.CancelledError, "half-open"),
            ("breaker.call(fetch_user)", KeyboardInterrupt, "closed"),
            ("async with breaker:", SystemExit, "closed"),
            ("breaker.call(fetch_user)", asyncio.CancelledError, "closed"))
    for form, interruption_type, phase in rows:
        name = interruption_type.__name__
        how = (f"raises a CancelledError of its own (an inner task was cancelled; the caller's "
               f"task is not)" if interruption_type is asyncio.CancelledError
               else f"is interrupted by {name}")
        if phase == "half-open":
            story = (f"{form}; half_open_max_calls 1, the breaker is half-open; the trial {how} "
                     f"after the users service answered; then another call")
        else:
            story = (f"{form}; window_size 1, minimum_calls 1, the breaker is closed; a call "
                     f"{how} after the users service answered")
        scenario = Scenario(story)
        run(scenario, functools.partial(_interrupted, impl, clock, scenario, form,
                                        interruption_type, phase), impl)


async def _interrupted(impl: Any, clock: Any, scenario: Scenario, form: str,
                       interruption_type: type[BaseException], phase: str) -> None:
    """One call, in ``form``, that ends with ``interruption_type`` (not an ``Exception``)."""
    name = interruption_type.__name__
    users = users_service(clock)
    log = Log(clock, users)
    listener = Transitions()
    breaker = open_breaker(impl, clock, half_open_max_calls=1, on_state_change=listener)
    if phase == "half-open":
        await trip(impl, breaker, users, log)
        clock.advance(30)
    before = users.call_count
    interruption = interruption_type()
    protected = raising(interruption, users)
    try:
        if form.startswith("async with"):
            async with breaker:
                await protected.func()
        else:
            await breaker.call(protected.func)
        caught: object = "the call returned"
    except (KeyboardInterrupt, SystemExit, asyncio.CancelledError) as error:
        caught = error
    except NotImplementedError:
        raise
    except Exception as error:  # the learner's code may raise anything
        caught = f"{type(error).__name__} raised instead"
    log.note(f"{'trial' if phase == 'half-open' else 'call'}: {caught!r}")
    scenario.expect(caught is interruption,
                    expected=f"the {name} propagates unchanged (the very object)",
                    observed=str(caught) if not isinstance(caught, BaseException)
                    else f"{caught!r}, another {type(caught).__name__}",
                    timeline=log.timeline())
    if phase == "closed":
        rate = breaker.failure_rate
        scenario.expect(rate is None and listener.events == [] and users.call_count == before + 1,
                        expected=f"the call reached the service, and its {name} is no outcome: "
                                 f"failure_rate None (the window of 1 is still empty), no "
                                 f"transition",
                        observed=f"failure_rate {rate_text(rate)}, transitions "
                                 f"{listener.describe()}", timeline=log.timeline())
        return
    expected = transitions(impl, "CLOSED>OPEN", "OPEN>HALF_OPEN")
    scenario.expect(listener.events == expected,
                    expected=f"{arrows(expected)} and nothing more: {name} is neither a "
                             f"failure nor a success",
                    observed=listener.describe(), timeline=log.timeline())
    after = await attempt(impl, lambda: breaker.call(fetching(users).func), log, "next caller")
    scenario.expect(after.returned and users.call_count == 3,
                    expected="the next call admitted as the trial (the permit came back), and "
                             "it succeeds",
                    observed=describe(impl, after), timeline=log.timeline())
