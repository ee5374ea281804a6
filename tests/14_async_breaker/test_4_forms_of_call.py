"""Lesson 14 checks, part 4: what ``call`` accepts, the decorator and ``async with``.

Every check runs its own event loop (``support.run``); interleavings are forced, never left
to luck: calls are held inside the fake service on ``asyncio.Event`` gates, tasks created
together run until they block, and time is a ``FakeClock``. No check sleeps.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from pathlib import Path
from typing import Any

import requests

from harness import Scenario, loader


loader.check_module(Path(__file__).with_name("support.py"), "kata_lesson14_support")
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
        response = await attempt(impl, lambda: breaker.call(users.get, USER, timeout=1.5), log,
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

        partial = await attempt(
            impl, lambda: breaker.call(functools.partial(lookup, 7), fields="name"), log,
            "partial")
        scenario.expect(partial.returned and partial.value is answer and seen == [(7, "name")],
                        expected="functools.partial of a coroutine function is one too: called "
                                 "with (7, fields='name'), and the very object it returned "
                                 "comes back",
                        observed=f"{describe(impl, partial)}; arguments seen {seen}",
                        timeline=log.timeline())

    run(scenario, main, impl)

    unbound = Scenario("half_open_max_calls 1, the breaker is half-open: `await breaker.call("
                       "get_user)` where get_user(user_id) needs an argument, so calling it "
                       "raises TypeError; then another call")

    async def wrong_arguments() -> None:
        users = users_service(clock)
        log = Log(clock, users)
        breaker = open_breaker(impl, clock, half_open_max_calls=1)
        await trip(impl, breaker, users, log)
        clock.advance(30)

        async def get_user(user_id: int) -> object:
            return await users.fetch_json(f"/users/{user_id}")

        outcome = await attempt(impl, lambda: breaker.call(get_user), log, "get_user()")
        unbound.expect(outcome.raised(TypeError),
                       expected="the TypeError of calling get_user without its argument "
                                "reaches the caller",
                       observed=describe(impl, outcome), timeline=log.timeline())
        after = await attempt(impl, lambda: breaker.call(fetching(users).func), log, "next caller")
        unbound.expect(after.returned,
                       expected="the next call goes through: the call that could not start "
                                "still ended exactly once (its TypeError is an outcome, a "
                                "success by default, and a success closes the breaker)",
                       observed=describe(impl, after)
                                + (": the failed start kept the one half-open permit"
                                   if after.raised(impl.CircuitOpenError) else ""),
                       timeline=log.timeline())

    run(unbound, wrong_arguments, impl)


def test_a_coroutine_object_is_refused_and_closed(impl, clock):
    """breaker.call(fetch()) -- a coroutine object, not a function -- raises TypeError and closes it"""
    scenario = Scenario("half_open_max_calls 1, recovery_timeout 30: the breaker opened at t=0; "
                        "at t=10 (open) and at t=30 (the timeout has passed) a caller writes "
                        "`await breaker.call(users.fetch_json('/users/42'))`, handing over a "
                        "coroutine object; then a trial call fails")

    async def main() -> None:
        users = users_service(clock)
        log = Log(clock, users)
        listener = Transitions()
        breaker = open_breaker(impl, clock, half_open_max_calls=1, minimum_calls=5,
                               window_size=5, on_state_change=listener)
        start = clock()
        await trip(impl, breaker, users, log, failures=5)
        for moment in (10, 30):
            clock.advance(start + moment - clock())
            before = users.call_count
            coroutine = users.fetch_json(USER)
            try:
                outcome = await attempt(impl, lambda: breaker.call(coroutine), log,
                                        f"coroutine object at t={moment}")
                state = inspect.getcoroutinestate(coroutine)
            finally:
                coroutine.close()  # whatever the breaker did, the check leaks no coroutine
            scenario.expect(outcome.raised(TypeError),
                            expected=f"at t={moment}: TypeError, before anything else (not "
                                     f"CircuitOpenError: the call is refused, never admitted "
                                     f"or rejected): call takes a coroutine function "
                                     f"(breaker.call(users.fetch_json, '/users/42'))",
                            observed=describe(impl, outcome), timeline=log.timeline())
            scenario.expect(state == inspect.CORO_CLOSED and users.call_count == before,
                            expected="the coroutine object closed by the breaker, without "
                                     "running (no call reaches the service; a closed coroutine "
                                     "never warns 'coroutine ... was never awaited')",
                            observed=f"coroutine state {state} (not closed: Python will warn "
                                     f"that it was never awaited); {users.call_count - before} "
                                     f"calls reached the service" if state != inspect.CORO_CLOSED
                                     else f"{users.call_count - before} calls reached the "
                                          f"service",
                            timeline=log.timeline())
        _expect_no_trial_yet(impl, scenario, listener, log)
        await _expect_the_next_call_is_the_trial(impl, scenario, breaker, users, log)

    run(scenario, main, impl)


def test_a_sync_callable_is_refused(impl, clock):
    """A plain function, or a lambda returning a coroutine, raises TypeError before it is called"""
    scenario = Scenario("half_open_max_calls 1, recovery_timeout 30: the breaker opened at t=0; "
                        "at t=10 (open) and at t=30 (the timeout has passed) a caller passes a "
                        "plain `def` function, another `lambda: users.fetch_json(...)`; then a "
                        "trial call fails")

    async def main() -> None:
        users = users_service(clock)
        log = Log(clock, users)
        listener = Transitions()
        breaker = open_breaker(impl, clock, half_open_max_calls=1, minimum_calls=5,
                               window_size=5, on_state_change=listener)
        start = clock()
        await trip(impl, breaker, users, log, failures=5)
        ran: list[str] = []

        def plain() -> str:
            ran.append("plain")
            return "a user"

        def returns_a_coroutine() -> Any:
            ran.append("lambda")
            return users.fetch_json(USER)

        for moment in (10, 30):
            clock.advance(start + moment - clock())
            for label, func in (("a plain function", plain),
                                ("a lambda returning a coroutine", returns_a_coroutine)):
                outcome = await attempt(impl, lambda: breaker.call(func),
                                        log, f"{label} at t={moment}")
                scenario.expect(outcome.raised(TypeError) and not ran,
                                expected=f"{label} at t={moment}: TypeError (not "
                                         f"CircuitOpenError: refused before admission), and the "
                                         f"function is never called (the breaker cannot tell a "
                                         f"coroutine from a blocking call without calling it)",
                                observed=f"{describe(impl, outcome)}; called: {ran or 'no'}",
                                timeline=log.timeline())
        _expect_no_trial_yet(impl, scenario, listener, log)
        await _expect_the_next_call_is_the_trial(impl, scenario, breaker, users, log)

    run(scenario, main, impl)


def _expect_no_trial_yet(impl: Any, scenario: Scenario, listener: Transitions, log: Log) -> None:
    expected = transitions(impl, "CLOSED>OPEN")
    scenario.expect(listener.events == expected,
                    expected=f"{arrows(expected)} and nothing more: a refused call is never "
                             f"admitted, so it does not move the breaker to HALF_OPEN either",
                    observed=listener.describe(), timeline=log.timeline())


async def _expect_the_next_call_is_the_trial(impl: Any, scenario: Scenario, breaker: Any,
                                             users: Any, log: Log) -> None:
    users.service.script(503)
    trial = await attempt(impl, lambda: breaker.call(fetching(users).func), log, "trial")
    after = await attempt(impl, lambda: breaker.call(fetching(users).func), log, "next caller")
    scenario.expect(kind(impl, trial) == FAILED and not trial.raised(impl.CircuitOpenError)
                    and after.raised(impl.CircuitOpenError),
                    expected="the refused calls took no permit and were no trials: the next "
                             "call is the trial, and its failure re-opens the breaker",
                    observed=f"trial {describe(impl, trial)}; next caller "
                             f"{describe(impl, after)}", timeline=log.timeline())


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
        first = await attempt(impl, lambda: guarded(7, fields="name"), log, "get_user(7)")
        await attempt(impl, lambda: breaker.call(fetching(users).func), log, "breaker.call")
        third = await attempt(impl, lambda: guarded(8, fields="name"), log, "get_user(8)")
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
        second = await attempt(impl, lambda: guarded(), log, "get_user() again")
        timed.expect(first.raised(TimeoutError) and second.raised(impl.CircuitOpenError),
                     expected="call_timeout applies through the decorator too: TimeoutError, "
                              "counted as a failure, then rejected",
                     observed=f"{describe(impl, first)}; then {describe(impl, second)}",
                     timeline=log.timeline())

    run(timed, with_timeout, impl)

    method = Scenario("window_size 1, minimum_calls 1: `@breaker` on an async method, `class "
                      "UsersClient: @breaker async def get(self, user_id)`; "
                      "`await UsersClient().get(7)` while the users service answers 200")

    async def on_a_method() -> None:
        users = users_service(clock)
        log = Log(clock, users)
        breaker = open_breaker(impl, clock)

        class UsersClient:
            def __init__(self) -> None:
                self.asked: list[int] = []

            async def get(self, user_id: int) -> object:
                self.asked.append(user_id)
                return await users.fetch_json(f"/users/{user_id}")

        decorating = Scenario("@breaker on a method").run(lambda: breaker(UsersClient.get))
        method.expect(decorating.returned, expected="@breaker decorates an async method",
                      observed=str(decorating))
        UsersClient.get = decorating.value  # what `@breaker` in the class body does
        client = UsersClient()
        outcome = await attempt(impl, lambda: client.get(7), log, "client.get(7)")
        rate = breaker.failure_rate
        method.expect(outcome.returned and client.asked == [7] and same(rate, 0.0),
                      expected="the decorated method binds like the original: get(self=client, "
                               "user_id=7) runs, its JSON comes back, and the breaker counted "
                               "a success (failure_rate 0.0)",
                      observed=f"{describe(impl, outcome)}; get saw {client.asked}; "
                               f"failure_rate {rate_text(rate)}", timeline=log.timeline())

    run(method, on_a_method, impl)


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
        await attempt(impl, lambda: users_breaker.call(fetching(users).func), log, "good trial")
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
        after = [await attempt(impl, lambda: b.call(fetching(s).func), log, f"{b.name} call")
                 for b, s in ((users_breaker, users), (orders_breaker, orders))]
        nested.expect(all(outcome.raised(impl.CircuitOpenError) for outcome in after),
                      expected="the 503 left both blocks, so each breaker counted one failure "
                               "(1 of 1): both reject the next call. Blocks nest: each block's "
                               "exit finds its own ticket, the innermost first",
                      observed=f"users breaker: {describe(impl, after[0])}; orders breaker: "
                               f"{describe(impl, after[1])}", timeline=log.timeline())

    run(nested, nested_blocks, impl)

    apart = Scenario("two breakers, window_size 1 each: `async with users_breaker:` around "
                     "`try: async with orders_breaker: <a call to orders, which fails (503)> "
                     "except HTTPError: <use a default>`, so only the inner block fails")

    async def each_block_its_own_outcome() -> None:
        users, orders = users_service(clock), users_service(clock, "orders")
        log = Log(clock, users, orders)
        users_breaker = open_breaker(impl, clock)
        orders_breaker = open_breaker(impl, clock, name="orders")
        orders.service.script(503)
        try:
            async with users_breaker:
                try:
                    async with orders_breaker:
                        await orders.fetch_json(USER)
                except requests.HTTPError as error:
                    log.note(f"inner block: {error!r}, handled inside the outer block")
            raised: object = "nothing"
        except NotImplementedError:
            raise
        except Exception as error:
            raised = error
        log.note(f"outer block: raised {raised!r}")
        users_rate, orders_rate = users_breaker.failure_rate, orders_breaker.failure_rate
        after = [await attempt(impl, lambda: b.call(fetching(s).func), log, f"{b.name} call")
                 for b, s in ((users_breaker, users), (orders_breaker, orders))]
        apart.expect(raised == "nothing" and same(users_rate, 0.0) and same(orders_rate, 100.0)
                     and after[0].returned and after[1].raised(impl.CircuitOpenError),
                     expected="the inner block failed (orders: failure_rate 100.0, the next "
                              "orders call rejected) and the outer block exited normally "
                              "(users: failure_rate 0.0, the next users call goes through): "
                              "each block's exit finds its own ticket, the innermost first",
                     observed=f"the blocks raised {raised!r}; users failure_rate "
                              f"{rate_text(users_rate)}, next users call "
                              f"{describe(impl, after[0])}; orders failure_rate "
                              f"{rate_text(orders_rate)}, next orders call "
                              f"{describe(impl, after[1])}", timeline=log.timeline())

    run(apart, each_block_its_own_outcome, impl)

    same_breaker = Scenario("threshold 100%, window_size 2, minimum_calls 2: `async with "
                            "breaker: async with breaker:` (one breaker, two nested blocks) "
                            "around a call to the users service, which fails (503)")

    async def one_breaker_nested() -> None:
        users = users_service(clock)
        users.service.script(503)
        log = Log(clock, users)
        breaker = impl.CircuitBreaker(failure_rate_threshold=100, window_size=2,
                                      minimum_calls=2, recovery_timeout=30, clock=clock)
        try:
            async with breaker:
                async with breaker:
                    await users.fetch_json(USER)
            raised: object = "nothing"
        except NotImplementedError:
            raise
        except Exception as error:
            raised = error
        log.note(f"nested blocks: raised {raised!r}")
        status = getattr(getattr(raised, "response", None), "status_code", None)
        after = await attempt(impl, lambda: breaker.call(fetching(users).func), log, "next call")
        same_breaker.expect(status == 503 and after.raised(impl.CircuitOpenError),
                            expected="the 503's HTTPError leaves both blocks unchanged, and "
                                     "each block is one call: 2 failures of 2 open the "
                                     "breaker, the next call is rejected",
                            observed=f"the blocks raised {raised!r}; next call "
                                     f"{describe(impl, after)}", timeline=log.timeline())

    run(same_breaker, one_breaker_nested, impl)

    for story, raised_in_block, settings, failed in (
            ("a read timeout, with exclude=(requests.Timeout,)",
             lambda: requests.ReadTimeout("slow"), {"exclude": (requests.Timeout,)}, False),
            ("a ValueError, with is_failure=lambda error: isinstance(error, ValueError)",
             lambda: ValueError("bad plan"),
             {"is_failure": lambda error: isinstance(error, ValueError)}, True)):
        judged = Scenario(f"window_size 1, minimum_calls 1: an `async with breaker:` block "
                          f"raises {story}")

        async def judged_like_call() -> None:
            users = users_service(clock)
            log = Log(clock, users)
            breaker = open_breaker(impl, clock, **settings)
            error = raised_in_block()
            try:
                async with breaker:
                    raise error
            except NotImplementedError:
                raise
            except Exception as caught:
                judged.expect(caught is error, expected="the block's own exception propagates",
                              observed=repr(caught))
            log.note(f"block: raised {error!r}")
            after = await attempt(impl, lambda: breaker.call(fetching(users).func),
                                  log, "next call")
            judged.expect(after.raised(impl.CircuitOpenError) == failed,
                          expected="judged like an exception raised through breaker.call: "
                                   + ("a failure (is_failure says so): the next call rejected"
                                      if failed else "excluded, so a success: the next call "
                                                     "goes through"),
                          observed=describe(impl, after), timeline=log.timeline())

        run(judged, judged_like_call, impl)

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
