"""Lesson 14 checks, part 2: many tasks, one breaker (permits, concurrency, transitions, late results).

Every check runs its own event loop (``support.run``); interleavings are forced, never left
to luck: calls are held inside the fake service on ``asyncio.Event`` gates, tasks created
together run until they block, and time is a ``FakeClock``. No check sleeps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness import Scenario, loader


loader.check_module(Path(__file__).with_name("support.py"), "kata_lesson14_support")
from kata_lesson14_support import (  # noqa: E402 - registered just above
    STILL_RUNNING, Gate, Log, Meeting, Tasks, Transitions, attempt, describe, fetching, kind, run,
    settle, until, FAILED, transitions, arrows, USER, users_service, same, retry_after, trip,
    open_breaker)


# -- admission under asyncio ----------------------------------------------------------------

def test_permits_are_taken_with_no_await_between_check_and_take(impl, clock):
    """Five tasks arriving together after the timeout: one transition, exactly max-calls trials"""
    for allowed, form, read in ((1, "breaker.call", False), (2, "breaker.call", True),
                                (2, "async with breaker:", False)):
        scenario = Scenario(f"{form}; half_open_max_calls {allowed}: the breaker opened at t=0 "
                            f"(recovery_timeout 30); at t=30 "
                            + ("breaker.state is read, then " if read else "")
                            + "five tasks call it at the same moment; trial calls are held "
                              "inside the users service")

        async def main() -> None:
            users = users_service(clock)
            log = Log(clock, users)
            listener = Transitions()
            breaker = open_breaker(impl, clock, half_open_max_calls=allowed,
                                   on_state_change=listener)
            await trip(impl, breaker, users, log)
            clock.advance(30)
            if read:
                state = breaker.state
                scenario.expect(state in (impl.State.OPEN, impl.State.HALF_OPEN),
                                expected="breaker.state reads OPEN or HALF_OPEN once the "
                                         "timeout has passed (the switch may be lazy)",
                                observed=f"state {state}", timeline=log.timeline())
            gate = Gate()
            users.before_reply(gate)
            tasks = Tasks(impl, log)
            through = _through(form, breaker, users)
            for number in range(1, 6):
                tasks.start(f"task {number}", through)
            await settle()
            tasks.reraise_unwritten()
            turned_away = [who for who in tasks.finished()
                           if tasks.outcome(who).raised(impl.CircuitOpenError)
                           and same(retry_after(tasks.outcome(who)), 0.0)]
            scenario.expect(gate.arrived == allowed and len(turned_away) == 5 - allowed,
                            expected=f"exactly {allowed} trial call(s) reach the service; the "
                                     f"other {5 - allowed} tasks get CircuitOpenError at once, "
                                     f"with retry_after 0",
                            observed=f"{gate.arrived} trial calls reached the service, "
                                     f"{len(turned_away)} tasks rejected. An await between "
                                     f"checking the permits and taking one lets every task "
                                     f"past the check before any takes a permit\n"
                                     f"{tasks.describe()}", timeline=log.timeline())
            expected = transitions(impl, "CLOSED>OPEN", "OPEN>HALF_OPEN")
            scenario.expect(listener.events == expected,
                            expected="CLOSED→OPEN, then exactly one OPEN→HALF_OPEN (also "
                                     "when reading breaker.state made the switch)",
                            observed=listener.describe(), timeline=log.timeline())
            gate.open()
            await settle()
            tasks.reraise_unwritten()
            after = await attempt(impl, lambda: breaker.call(fetching(users).func), log, "after")
            scenario.expect(after.returned,
                            expected=f"the {allowed} trial(s) succeeded: closed, the next call "
                                     f"goes through",
                            observed=describe(impl, after), timeline=log.timeline())
            await tasks.finish()

        run(scenario, main, impl)


def test_calls_run_concurrently(impl, clock):
    """Two calls through one breaker are inside the service at the same time (no lock held)"""
    for phase, form in (("CLOSED", "breaker.call"), ("HALF_OPEN", "breaker.call"),
                        ("CLOSED", "async with breaker:")):
        story = "the breaker is closed" if phase == "CLOSED" else \
            "the breaker is half-open with half_open_max_calls 2"
        scenario = Scenario(f"{story}; two tasks call at once ({form}); inside the users service "
                            f"each call waits for the other")

        async def main() -> None:
            users = users_service(clock)
            log = Log(clock, users)
            breaker = open_breaker(impl, clock, half_open_max_calls=2, failure_rate_threshold=100,
                                   window_size=4, minimum_calls=4)
            if phase == "HALF_OPEN":
                await trip(impl, breaker, users, log, failures=4)
                clock.advance(30)
            meeting = Meeting(parties=2)
            users.before_reply(meeting)
            tasks = Tasks(impl, log)
            async def block() -> object:
                async with breaker:
                    return await users.fetch_json(USER)

            for number in (1, 2):
                tasks.start(f"task {number}", block if form.startswith("async with") else
                            lambda: breaker.call(fetching(users).func))
            await until(lambda: len(tasks.finished()) == 2, turns=200)
            tasks.reraise_unwritten()
            scenario.expect(meeting.most_inside == 2,
                            expected="both calls inside the service at the same time",
                            observed="the calls were serialised: the second reached the service "
                                     "only after the first had finished. Is a lock held across "
                                     "the await of the protected call?\n" + tasks.describe()
                            if meeting.arrived == 2 else tasks.describe(),
                            timeline=log.timeline())
            await tasks.finish()

        run(scenario, main, impl)


def test_each_transition_is_reported_once(impl, clock):
    """Many tasks failing at once open the breaker once; every transition is reported once"""
    scenario = Scenario("threshold 50%, window_size 4, minimum_calls 4: 8 tasks are inside the "
                        "users service at once, then all fail (503) together; later, a failed "
                        "trial, a successful one")

    async def main() -> None:
        users = users_service(clock)
        users.service.script(*[503] * 8)
        log = Log(clock, users)
        read: list[Any] = []
        box: dict[str, Any] = {}

        class Reading(Transitions):
            def __call__(self, old: Any, new: Any) -> None:
                super().__call__(old, new)
                read.append(box["breaker"].state)

        listener = Reading()
        breaker = impl.CircuitBreaker(failure_rate_threshold=50, window_size=4, minimum_calls=4,
                                      recovery_timeout=10, half_open_max_calls=1, name="users",
                                      on_state_change=listener, clock=clock)
        box["breaker"] = breaker
        gate = Gate()
        users.before_reply(gate)
        tasks = Tasks(impl, log)
        for number in range(1, 9):
            tasks.start(f"task {number}", lambda: breaker.call(fetching(users).func))
        await until(lambda: gate.arrived + len(tasks.finished()) >= 8)
        tasks.reraise_unwritten()
        scenario.expect(gate.arrived == 8, expected="all 8 tasks admitted (closed)",
                        observed=tasks.describe(), timeline=log.timeline())
        gate.open()
        await settle()
        tasks.reraise_unwritten()
        odd = [who for who in tasks.tasks if kind(impl, tasks.outcome(who)) != FAILED
               or tasks.outcome(who).raised(impl.CircuitOpenError)]
        scenario.expect(not odd, expected="each task gets its own HTTPError 503",
                        observed=tasks.describe(), timeline=log.timeline())
        scenario.expect(listener.events == transitions(impl, "CLOSED>OPEN"),
                        expected="exactly one transition, CLOSED→OPEN: the results that arrive "
                                 "after it opened are late and change nothing",
                        observed=listener.describe(), timeline=log.timeline())
        clock.advance(10)
        users.service.script(503)
        await attempt(impl, lambda: breaker.call(fetching(users).func), log, "failed trial")
        clock.advance(10)
        await attempt(impl, lambda: breaker.call(fetching(users).func), log, "good trial")
        await attempt(impl, lambda: breaker.call(fetching(users).func), log, "closed call")
        expected = transitions(impl, "CLOSED>OPEN", "OPEN>HALF_OPEN", "HALF_OPEN>OPEN",
                               "OPEN>HALF_OPEN", "HALF_OPEN>CLOSED")
        scenario.expect(listener.events == expected, expected=arrows(expected),
                        observed=listener.describe(), timeline=log.timeline())
        scenario.expect(read == [new for _, new in expected],
                        expected="on_state_change called after each transition: breaker.state, "
                                 "read in the listener, is already the new state",
                        observed=f"the listener read {[getattr(r, 'name', r) for r in read]}")
        await tasks.finish()

    run(scenario, main, impl)



# -- late results ---------------------------------------------------------------------------

def test_late_results_change_nothing(impl, clock):
    """A call admitted before the breaker opened, ending after, neither decides nor extends anything"""
    for form in ("breaker.call", "async with breaker:"):
        for slow_reply, what in ((503, "fails"), (200, "succeeds"),
                                 (200, "is cancelled by its caller")):
            scenario = Scenario(f"{form}; threshold 100%, window_size 2, minimum_calls 2, "
                                f"half_open_max_calls 1: a slow call is admitted at t=0 and "
                                f"held; two failures open the breaker at t=5; at t=35 a trial "
                                f"is admitted and held; then the slow call {what}")

            async def main() -> None:
                users = users_service(clock)
                users.service.script(slow_reply, 503, 503, 200)
                log = Log(clock, users)
                listener = Transitions()
                breaker = impl.CircuitBreaker(failure_rate_threshold=100, window_size=2,
                                              minimum_calls=2, recovery_timeout=30,
                                              half_open_max_calls=1, name="users",
                                              on_state_change=listener, clock=clock)
                slow, probe = Gate(numbers={1}), Gate(numbers={4})
                users.before_reply(slow)
                users.before_reply(probe)

                def through() -> Any:
                    if form == "breaker.call":
                        return breaker.call(fetching(users).func)

                    async def block() -> object:
                        async with breaker:
                            return await users.fetch_json(USER)
                    return block()

                tasks = Tasks(impl, log)
                late = tasks.start("slow caller", through)
                await until(lambda: slow.arrived == 1 or late.done())
                tasks.reraise_unwritten()
                clock.advance(5)
                for number in (1, 2):
                    await attempt(impl, lambda: through(), log, f"failing call {number}")
                rejected = await attempt(impl, lambda: through(), log, "caller at t=5")
                scenario.expect(rejected.raised(impl.CircuitOpenError),
                                expected="two failures of 2 opened it at t=5",
                                observed=describe(impl, rejected), timeline=log.timeline())
                clock.advance(30)
                trial = tasks.start("trial caller", through)
                await until(lambda: probe.arrived == 1 or trial.done())
                tasks.reraise_unwritten()
                scenario.expect(probe.arrived == 1, expected="a trial admitted at t=35",
                                observed=tasks.describe(), timeline=log.timeline())
                if what.startswith("is cancelled"):
                    late.cancel()
                else:
                    slow.open()
                await until(lambda: late.done())
                tasks.reraise_unwritten()
                expected = transitions(impl, "CLOSED>OPEN", "OPEN>HALF_OPEN")
                scenario.expect(listener.events == expected,
                                expected=f"{arrows(expected)} and nothing more: the slow call "
                                         f"was admitted while CLOSED, so its result is late "
                                         f"and is not the trial's verdict",
                                observed=listener.describe(), timeline=log.timeline())
                other = await tasks.probe("another caller", through)
                scenario.expect(other is not None and other.raised(impl.CircuitOpenError)
                                and same(retry_after(other), 0.0),
                                expected="another caller rejected with retry_after 0: still "
                                         "half-open, the one permit taken by the trial (the "
                                         "slow call held none, so it gave none back)",
                                observed=STILL_RUNNING if other is None
                                else describe(impl, other), timeline=log.timeline())
                probe.open()
                await until(lambda: trial.done())
                tasks.reraise_unwritten()
                scenario.expect(listener.events[-1:] == transitions(impl, "HALF_OPEN>CLOSED"),
                                expected="the trial's own success closes the breaker",
                                observed=listener.describe(), timeline=log.timeline())
                await tasks.finish()

            run(scenario, main, impl)

    for form in ("breaker.call", "async with breaker:"):
        scenario = Scenario(f"{form}; window_size 1, minimum_calls 1, half_open_max_calls 1: a "
                            f"slow call is admitted at t=0 and held; a failure opens the breaker; "
                            f"at t=30 a good trial closes it (a new, empty window); then the "
                            f"slow call fails (503)")

        async def across_a_closed_period() -> None:
            users = users_service(clock)
            users.service.script(503, 503, 200, 200)
            log = Log(clock, users)
            listener = Transitions()
            breaker = open_breaker(impl, clock, half_open_max_calls=1, on_state_change=listener)
            slow = Gate(numbers={1})
            users.before_reply(slow)

            def through() -> Any:
                if form == "breaker.call":
                    return breaker.call(fetching(users).func)

                async def block() -> object:
                    async with breaker:
                        return await users.fetch_json(USER)
                return block()

            tasks = Tasks(impl, log)
            late = tasks.start("slow caller", through)
            await until(lambda: slow.arrived == 1 or late.done())
            tasks.reraise_unwritten()
            await attempt(impl, lambda: through(), log, "failing call")
            clock.advance(30)
            await attempt(impl, lambda: through(), log, "good trial at t=30")
            slow.open()
            await until(lambda: late.done())
            tasks.reraise_unwritten()
            after = await attempt(impl, lambda: through(), log, "the next caller")
            expected = transitions(impl, "CLOSED>OPEN", "OPEN>HALF_OPEN", "HALF_OPEN>CLOSED")
            scenario.expect(after.returned and listener.events == expected,
                            expected=f"{arrows(expected)} and nothing more; the next call goes "
                                     f"through: the slow call was admitted in the *earlier* "
                                     f"closed period, so its failure does not enter the new "
                                     f"window (a call belongs to its stay in a state, not to "
                                     f"the state's name)",
                            observed=f"the next caller {describe(impl, after)}; transitions "
                                     f"{listener.describe()}", timeline=log.timeline())
            await tasks.finish()

        run(scenario, across_a_closed_period, impl)


def test_the_open_period_starts_when_the_breaker_opens(impl, clock):
    """retry_after counts from when the breaker opened: not from the tripping call's start, nor from a late failure"""
    for form in ("breaker.call", "async with breaker:"):
        scenario = Scenario(f"{form}; window_size 1, minimum_calls 1, recovery_timeout 30: a "
                            f"call is admitted at t=0 and held inside the users service; at "
                            f"t=10 it fails (503) and opens the breaker")

        async def slow_tripping_call() -> None:
            users = users_service(clock)
            users.service.script(503, 200)
            log = Log(clock, users)
            breaker = open_breaker(impl, clock)
            held = Gate(numbers={1})
            users.before_reply(held)
            through = _through(form, breaker, users)
            tasks = Tasks(impl, log)
            start = clock()
            slow = tasks.start("slow call", through)
            await until(lambda: held.arrived == 1 or slow.done())
            tasks.reraise_unwritten()
            clock.advance(10)
            held.open()
            await until(slow.done)
            tasks.reraise_unwritten()
            for moment, left in ((10.0, 30.0), (39.5, 0.5)):
                clock.advance(start + moment - clock())
                outcome = await attempt(impl, lambda: through(), log, f"caller at t={moment}")
                scenario.expect(outcome.raised(impl.CircuitOpenError)
                                and same(retry_after(outcome), left),
                                expected=f"at t={moment} rejected with retry_after {left}: the "
                                         f"open period started when the breaker opened (t=10), "
                                         f"not when the tripping call was admitted (t=0)",
                                observed=describe(impl, outcome), timeline=log.timeline())
            clock.advance(start + 40.0 - clock())
            trial = await attempt(impl, lambda: through(), log, "caller at t=40")
            scenario.expect(trial.returned,
                            expected="at t=40 (30 s after it opened) admitted as a trial, and "
                                     "it succeeds",
                            observed=describe(impl, trial), timeline=log.timeline())
            await tasks.finish()

        run(scenario, slow_tripping_call, impl)

        late = Scenario(f"{form}; threshold 100%, window_size 2, minimum_calls 2, "
                        f"recovery_timeout 30, half_open_max_calls 1: a slow call is admitted "
                        f"at t=0 and held; two failures open the breaker at t=5; at t=20 the "
                        f"slow call fails (503)")

        async def late_failure_while_open() -> None:
            users = users_service(clock)
            users.service.script(503, 503, 503, 200)
            log = Log(clock, users)
            listener = Transitions()
            breaker = impl.CircuitBreaker(failure_rate_threshold=100, window_size=2,
                                          minimum_calls=2, recovery_timeout=30,
                                          half_open_max_calls=1, name="users",
                                          on_state_change=listener, clock=clock)
            held = Gate(numbers={1})
            users.before_reply(held)
            through = _through(form, breaker, users)
            tasks = Tasks(impl, log)
            slow = tasks.start("slow call", through)
            await until(lambda: held.arrived == 1 or slow.done())
            tasks.reraise_unwritten()
            clock.advance(5)
            for number in (1, 2):
                await attempt(impl, lambda: through(), log, f"failing call {number}")
            clock.advance(15)
            held.open()
            await until(slow.done)
            tasks.reraise_unwritten()
            log.note("slow call: failed (503), late")
            outcome = await attempt(impl, lambda: through(), log, "caller at t=20")
            late.expect(outcome.raised(impl.CircuitOpenError) and same(retry_after(outcome), 15.0),
                        expected="at t=20 rejected with retry_after 15: the open period started "
                                 "at t=5, and a late failure (admitted while CLOSED) does not "
                                 "restart it",
                        observed=describe(impl, outcome), timeline=log.timeline())
            clock.advance(15)
            trial = await attempt(impl, lambda: through(), log, "caller at t=35")
            expected = transitions(impl, "CLOSED>OPEN", "OPEN>HALF_OPEN", "HALF_OPEN>CLOSED")
            late.expect(trial.returned and listener.events == expected,
                        expected=f"at t=35 admitted as a trial, which succeeds: "
                                 f"{arrows(expected)}",
                        observed=f"{describe(impl, trial)}; transitions {listener.describe()}",
                        timeline=log.timeline())
            await tasks.finish()

        run(late, late_failure_while_open, impl)


def _through(form: str, breaker: Any, users: Any) -> Any:
    """A caller of ``users`` through ``breaker`` in the given form: a coroutine function."""
    if form == "breaker.call":
        return lambda: breaker.call(fetching(users).func)

    async def block() -> object:
        async with breaker:
            return await users.fetch_json(USER)
    return block
