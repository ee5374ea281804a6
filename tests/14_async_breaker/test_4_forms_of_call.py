"""Lesson 14 checks, part 4: what ``call`` accepts, the decorator and ``async with``.

Every check runs its own event loop (``support.run``); interleavings are forced, never left
to luck: calls are held inside the fake service on ``asyncio.Event`` gates, tasks created
together run until they block, and time is a ``FakeClock``. No check sleeps.
"""

from __future__ import annotations

import asyncio
import functools
import importlib.util
import inspect
import sys
from pathlib import Path
from typing import Any

from harness import Scenario


def _load_support() -> None:
    name = "kata_lesson14_support"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("support.py"))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)


_load_support()
from kata_lesson14_support import (  # noqa: E402 - registered just above
    Gate, Log, Tasks, attempt, describe, fetching, kind, run, settle, until, FAILED, USER,
    users_service, rate_text, same, trip, open_breaker, Transitions, transitions, arrows)


# -- what `call` accepts ----------------------------------------------------------------------

def test_call_passes_arguments_and_results_through(impl, clock):
    """breaker.call(func, *args, **kwargs) awaits func with those arguments; its result comes back unchanged"""
    scenario = Scenario("`await breaker.call(users.get, '/users/42', timeout=1.5)` (a bound async "
                        "method), `breaker.call(functools.partial(lookup, 7), fields='name')`, "
                        "and a coroutine function returning an object")

    async def main() -> None:
        users = users_service(clock)
        log = Log(clock, users)
        breaker = impl.CircuitBreaker(clock=clock)
        response = await attempt(impl, breaker.call(users.get, USER, timeout=1.5), log,
                                 "users.get")
        scenario.expect(response.returned and getattr(response.value, "status_code", None) == 200
                        and [c.path for c in users.calls] == [USER],
                        expected="a bound async method with a positional and a keyword argument: "
                                 "GET /users/42 reaches the service, the response comes back",
                        observed=describe(impl, response), timeline=log.timeline())
        seen: list[tuple[Any, ...]] = []
        answer = object()

        async def lookup(user_id: int, *, fields: str) -> object:
            seen.append((user_id, fields))
            return answer

        partial = await attempt(impl, breaker.call(functools.partial(lookup, 7), fields="name"),
                                log, "partial")
        scenario.expect(partial.returned and partial.value is answer and seen == [(7, "name")],
                        expected="functools.partial of a coroutine function is one too: called "
                                 "with (7, fields='name'), and the very object it returned "
                                 "comes back",
                        observed=f"{describe(impl, partial)}; arguments seen {seen}",
                        timeline=log.timeline())

    run(scenario, main, impl)


def test_a_coroutine_object_is_refused_and_closed(impl, clock):
    """breaker.call(fetch()) -- a coroutine object, not a function -- raises TypeError and closes it"""
    scenario = Scenario("half_open_max_calls 1, the breaker is half-open; a caller writes "
                        "`await breaker.call(users.fetch_json('/users/42'))`, handing over a "
                        "coroutine object; then a trial call fails")

    async def main() -> None:
        users = users_service(clock)
        log = Log(clock, users)
        breaker = open_breaker(impl, clock, half_open_max_calls=1, minimum_calls=5,
                               window_size=5)
        await trip(impl, breaker, users, log, failures=5)
        clock.advance(30)
        before = users.call_count
        coroutine = users.fetch_json(USER)
        try:
            outcome = await attempt(impl, breaker.call(coroutine), log, "coroutine object")
            state = inspect.getcoroutinestate(coroutine)
        finally:
            coroutine.close()  # whatever the breaker did, the check leaks no coroutine
        scenario.expect(outcome.raised(TypeError),
                        expected="TypeError: call takes a coroutine function "
                                 "(breaker.call(users.fetch_json, '/users/42'))",
                        observed=describe(impl, outcome), timeline=log.timeline())
        scenario.expect(state == inspect.CORO_CLOSED and users.call_count == before,
                        expected="the coroutine object closed by the breaker, without running "
                                 "(no call reaches the service; a closed coroutine never "
                                 "warns 'coroutine ... was never awaited')",
                        observed=f"coroutine state {state} (not closed: Python will warn that it "
                                 f"was never awaited); {users.call_count - before} calls "
                                 f"reached the service" if state != inspect.CORO_CLOSED else
                                 f"{users.call_count - before} calls reached the service",
                        timeline=log.timeline())
        users.service.script(503)
        trial = await attempt(impl, breaker.call(fetching(users).func), log, "trial")
        after = await attempt(impl, breaker.call(fetching(users).func), log, "next caller")
        scenario.expect(kind(impl, trial) == FAILED and not trial.raised(impl.CircuitOpenError)
                        and after.raised(impl.CircuitOpenError),
                        expected="the refused call took no permit and was no trial: the next "
                                 "call is the trial, and its failure re-opens the breaker",
                        observed=f"trial {describe(impl, trial)}; next caller "
                                 f"{describe(impl, after)}", timeline=log.timeline())

    run(scenario, main, impl)


def test_a_sync_callable_is_refused(impl, clock):
    """A plain function, or a lambda returning a coroutine, raises TypeError before it is called"""
    scenario = Scenario("half_open_max_calls 1, the breaker is half-open; a caller passes a "
                        "plain `def` function, another `lambda: users.fetch_json(...)`; then a "
                        "trial call fails")

    async def main() -> None:
        users = users_service(clock)
        log = Log(clock, users)
        breaker = open_breaker(impl, clock, half_open_max_calls=1, minimum_calls=5,
                               window_size=5)
        await trip(impl, breaker, users, log, failures=5)
        clock.advance(30)
        ran: list[str] = []

        def plain() -> str:
            ran.append("plain")
            return "a user"

        def returns_a_coroutine() -> Any:
            ran.append("lambda")
            return users.fetch_json(USER)

        for label, func in (("a plain function", plain),
                            ("a lambda returning a coroutine", returns_a_coroutine)):
            outcome = await attempt(impl, breaker.call(func), log, label)
            scenario.expect(outcome.raised(TypeError) and not ran,
                            expected=f"{label}: TypeError, and the function is never called "
                                     f"(the breaker cannot tell a coroutine from a blocking "
                                     f"call without calling it)",
                            observed=f"{describe(impl, outcome)}; called: {ran or 'no'}",
                            timeline=log.timeline())
        users.service.script(503)
        trial = await attempt(impl, breaker.call(fetching(users).func), log, "trial")
        after = await attempt(impl, breaker.call(fetching(users).func), log, "next caller")
        scenario.expect(kind(impl, trial) == FAILED and not trial.raised(impl.CircuitOpenError)
                        and after.raised(impl.CircuitOpenError),
                        expected="the refused calls took no permit and were no trials: the next "
                                 "call is the trial, and its failure re-opens the breaker",
                        observed=f"trial {describe(impl, trial)}; next caller "
                                 f"{describe(impl, after)}", timeline=log.timeline())

    run(scenario, main, impl)


def test_the_decorator_guards_coroutine_functions(impl, clock):
    """@breaker on an async def gives a coroutine function that shares the breaker; on a def, TypeError"""
    scenario = Scenario("threshold 100%, window_size 2, minimum_calls 2; `@breaker async def "
                        "get_user(user_id, *, fields)`; the users service is down (503); one "
                        "failure through the decorated function, one through breaker.call")

    async def main() -> None:
        users = users_service(clock)
        users.service.always(503)
        log = Log(clock, users)
        breaker = impl.CircuitBreaker(failure_rate_threshold=100, window_size=2,
                                      minimum_calls=2, recovery_timeout=30, clock=clock)
        seen: list[tuple[Any, ...]] = []

        async def get_user(user_id: int, *, fields: str) -> object:
            """Fetch one user."""
            seen.append((user_id, fields))
            return await users.fetch_json(f"/users/{user_id}")

        decorating = Scenario("@breaker").run(lambda: breaker(get_user))
        scenario.expect(decorating.returned and inspect.iscoroutinefunction(decorating.value),
                        expected="@breaker returns a coroutine function (an async def wrapper, "
                                 "so it can be awaited and guarded like the original)",
                        observed=str(decorating) if not decorating.returned else
                        f"{decorating.value!r}, not a coroutine function")
        guarded = decorating.value
        scenario.expect(getattr(guarded, "__name__", None) == "get_user"
                        and getattr(guarded, "__doc__", None) == "Fetch one user.",
                        expected="the decorated function keeps its name and docstring "
                                 "(functools.wraps)",
                        observed=f"__name__ {getattr(guarded, '__name__', None)!r}")
        first = await attempt(impl, guarded(7, fields="name"), log, "get_user(7)")
        await attempt(impl, breaker.call(fetching(users).func), log, "breaker.call")
        third = await attempt(impl, guarded(8, fields="name"), log, "get_user(8)")
        scenario.expect(seen == [(7, "name")] and kind(impl, first) == FAILED
                        and third.raised(impl.CircuitOpenError) and users.call_count == 2,
                        expected="get_user(7, fields='name') runs with its arguments and fails; "
                                 "with the failure through breaker.call that is 2 of 2: the "
                                 "third call, through the decorator, is rejected without running",
                        observed=f"arguments seen {seen}; get_user(7) {describe(impl, first)}; "
                                 f"get_user(8) {describe(impl, third)}", timeline=log.timeline())

        def plain(user_id: int) -> str:
            return "a user"

        refused_plain = Scenario("@breaker on a plain def").run(lambda: breaker(plain))
        scenario.expect(refused_plain.raised(TypeError),
                        expected="@breaker on a plain `def` raises TypeError when decorating "
                                 "(pybreaker's sync decorator on an async def is issue #7; "
                                 "this is the mirror image)",
                        observed=str(refused_plain))

    run(scenario, main, impl)

    timed = Scenario("call_timeout 0, window_size 1: a decorated coroutine function waits on "
                     "a hanging users service")

    async def with_timeout() -> None:
        users = users_service(clock)
        log = Log(clock, users)
        breaker = open_breaker(impl, clock, call_timeout=0)
        users.before_reply(Gate())

        async def get_user() -> object:
            return await users.fetch_json(USER)

        guarded = breaker(get_user)
        first = await Tasks(impl, log).timed(timed, "get_user()", guarded)
        second = await attempt(impl, guarded(), log, "get_user() again")
        timed.expect(first.raised(TimeoutError) and second.raised(impl.CircuitOpenError),
                     expected="call_timeout applies through the decorator too: TimeoutError, "
                              "counted as a failure, then rejected",
                     observed=f"{describe(impl, first)}; then {describe(impl, second)}",
                     timeline=log.timeline())

    run(timed, with_timeout, impl)


def test_async_with_guards_a_block(impl, clock):
    """async with breaker: a normal exit is a success, an exception is judged, nothing is swallowed"""
    scenario = Scenario("threshold 100%, window_size 2, minimum_calls 2: `async with breaker as "
                        "entered:` blocks; the first raises a 404 (HTTPError), the second and "
                        "third a 503, a fourth comes after")

    async def outcomes() -> None:
        users = users_service(clock)
        users.service.script(404, 503, 503)
        log = Log(clock, users)
        breaker = impl.CircuitBreaker(failure_rate_threshold=100, window_size=2,
                                      minimum_calls=2, recovery_timeout=30, name="users",
                                      clock=clock)
        errors: list[BaseException | None] = []
        ran: list[int] = []
        entered: list[object] = []
        for number in (1, 2, 3, 4):
            try:
                async with breaker as value:
                    entered.append(value)
                    ran.append(number)
                    await users.fetch_json(USER)
                errors.append(None)
            except NotImplementedError:
                raise
            except Exception as error:
                errors.append(error)
            log.note(f"block {number}: {errors[-1]!r}")
        status = [getattr(getattr(e, "response", None), "status_code", None)
                  for e in errors[:3]]
        scenario.expect(status == [404, 503, 503] and ran[:3] == [1, 2, 3],
                        expected="blocks 1 to 3 run, and their own HTTPErrors (404, 503, 503) "
                                 "propagate out of the async with, unchanged: a 404 then a 503 is "
                                 "1 failure of 2 (50%, below 100%: the 404 was a success)",
                        observed=f"blocks run {ran}; raised {errors[:3]!r}",
                        timeline=log.timeline())
        scenario.expect(all(value is breaker for value in entered),
                        expected="`async with breaker as entered:` gives the breaker itself",
                        observed=f"entered {entered!r}")
        fourth = errors[3]
        scenario.expect(isinstance(fourth, impl.CircuitOpenError) and ran == [1, 2, 3]
                        and same(getattr(fourth, "retry_after", None), 30.0),
                        expected="two 503s in a row (100%) opened it; block 4 does not run, "
                                 "`async with breaker:` raises CircuitOpenError (retry_after 30)",
                        observed=f"blocks run {ran}; block 4 {fourth!r}", timeline=log.timeline())

    run(scenario, outcomes, impl)

    nested = Scenario("two breakers, window_size 1 each; the users breaker has already opened "
                      "and closed again; then `async with users_breaker: async with "
                      "orders_breaker:` around a call to the orders service, which fails (503)")

    async def nested_blocks() -> None:
        users, orders = users_service(clock), users_service(clock, "orders")
        log = Log(clock, users, orders)
        users_breaker = open_breaker(impl, clock, half_open_max_calls=1)
        orders_breaker = open_breaker(impl, clock, name="orders")
        await trip(impl, users_breaker, users, log)
        clock.advance(30)
        await attempt(impl, users_breaker.call(fetching(users).func), log, "good trial")
        orders.service.script(503)
        try:
            async with users_breaker:
                async with orders_breaker:
                    await orders.fetch_json(USER)
            raised: object = "nothing"
        except NotImplementedError:
            raise
        except Exception as error:
            raised = error
        log.note(f"nested blocks: {raised!r}")
        after = [await attempt(impl, b.call(fetching(s).func), log, f"{b.name} call")
                 for b, s in ((users_breaker, users), (orders_breaker, orders))]
        nested.expect(all(outcome.raised(impl.CircuitOpenError) for outcome in after),
                      expected="the 503 left both blocks, so each breaker counted one failure "
                               "(1 of 1): both reject the next call. Blocks nest: each block's "
                               "exit finds its own ticket, the innermost first",
                      observed=f"users breaker: {describe(impl, after[0])}; orders breaker: "
                               f"{describe(impl, after[1])}", timeline=log.timeline())

    run(nested, nested_blocks, impl)

    normal = Scenario("window_size 2, minimum_calls 2, threshold 50%: one block that fails "
                      "(ConnectionResetError), then one that exits normally")

    async def normal_exit() -> None:
        log = Log(clock)
        breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_size=2, minimum_calls=2,
                                      clock=clock)
        failure = ConnectionResetError(104, "reset")
        try:
            async with breaker:
                raise failure
        except ConnectionResetError as error:
            normal.expect(error is failure, expected="the block's own error propagates",
                          observed=repr(error))
        async with breaker:
            pass
        rate = breaker.failure_rate
        normal.expect(same(rate, 50.0) and breaker.state == impl.State.OPEN,
                      expected="a normal exit counts as a success: 1 failure of 2 = 50%, "
                               "failure_rate 50.0, and it opened",
                      observed=f"failure_rate {rate_text(rate)}, state {breaker.state}",
                      timeline=log.timeline())

    run(normal, normal_exit, impl)

    cancelled = Scenario("half_open_max_calls 1, call_timeout 0: the breaker is half-open; an "
                         "`async with breaker:` block awaits inside the users service until "
                         "its caller cancels it; then another block waits on an event that "
                         "another task sets")

    async def cancelled_block() -> None:
        users = users_service(clock)
        log = Log(clock, users)
        listener = Transitions()
        breaker = open_breaker(impl, clock, half_open_max_calls=1, call_timeout=0,
                               on_state_change=listener)
        users.service.script(503)
        try:
            async with breaker:  # a block: call_timeout does not apply to it
                await users.fetch_json(USER)
        except NotImplementedError:
            raise
        except Exception as error:
            log.note(f"failing block: {error!r}")
        clock.advance(30)
        users.before_reply(Gate(numbers={2}))

        async def block() -> None:
            async with breaker:
                await users.get(USER)

        tasks = Tasks(impl, log)
        task = tasks.start("block", block)
        await until(lambda: users.call_count == 2 or task.done())
        tasks.reraise_unwritten()
        task.cancel()
        await settle()
        tasks.reraise_unwritten()
        cancelled.expect(task.cancelled(), expected="the block's task ends cancelled",
                         observed=tasks.describe(), timeline=log.timeline())
        expected = transitions(impl, "CLOSED>OPEN", "OPEN>HALF_OPEN")
        cancelled.expect(listener.events == expected,
                         expected=f"{arrows(expected)} and nothing more: a cancelled block is "
                                  f"neither a failure nor a success",
                         observed=listener.describe(), timeline=log.timeline())
        release = asyncio.Event()

        async def setter() -> None:
            release.set()

        tasks.start("setter", setter)
        try:
            async with breaker:
                await release.wait()
            second: object = "exited normally"
        except NotImplementedError:
            raise
        except Exception as error:
            second = error
        log.note(f"second block: {second!r}")
        cancelled.expect(second == "exited normally",
                         expected="the next block is admitted as the trial (the cancelled "
                                  "block gave its permit back) and exits normally: call_timeout "
                                  "applies to call() and the decorator, not to your own block",
                         observed=f"the second block: {second!r}", timeline=log.timeline())
        try:
            async with breaker:
                pass
            third: object = "admitted"
        except NotImplementedError:
            raise
        except Exception as error:
            third = error
        cancelled.expect(third == "admitted",
                         expected="that trial's success closed the breaker: the next block is "
                                  "admitted",
                         observed=f"the next block: {third!r}", timeline=log.timeline())
        await tasks.finish()

    run(cancelled, cancelled_block, impl)
