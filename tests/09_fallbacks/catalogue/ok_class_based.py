"""Correct, built differently: every piece a class, a breaker with derived half-open state."""

from __future__ import annotations

import enum
import threading
import time
from collections import OrderedDict
from typing import Any, Callable, Iterable

import requests

ACCEPTED = True


class State(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitOpenError(Exception):
    def __init__(self, name: str, retry_after: float) -> None:
        super().__init__(f"{name} is open ({retry_after:.2f}s left)")
        self.name, self.retry_after = name, retry_after


class FallbackFailed(Exception):
    def __init__(self, original: BaseException, fallback_error: BaseException) -> None:
        super().__init__(f"{original!r} then {fallback_error!r}")
        self.original, self.fallback_error = original, fallback_error


class CacheMiss(LookupError):
    pass


def is_failure_by_default(error: BaseException) -> bool:
    if isinstance(error, requests.HTTPError):
        return error.response is not None and 500 <= error.response.status_code
    return isinstance(error, (requests.ConnectionError, requests.Timeout))


def is_failure_result_by_default(result: object) -> bool:
    return isinstance(result, requests.Response) and result.status_code >= 500


class CircuitBreaker:
    """OPEN is stored; HALF_OPEN is OPEN whose timeout has run out and that holds a trial."""

    def __init__(self, failure_threshold: int = 5, recovery_timeout: float = 30.0,
                 success_threshold: int = 2, *, exclude: Iterable[type[BaseException]] = (),
                 is_failure: Callable[[BaseException], bool] = is_failure_by_default,
                 is_failure_result: Callable[[object], bool] = is_failure_result_by_default,
                 half_open_max_calls: int = 1,
                 on_state_change: Callable[[State, State], None] | None = None,
                 name: str = "breaker", clock: Callable[[], float] = time.monotonic) -> None:
        for label, value, low in (("failure_threshold", failure_threshold, 1),
                                  ("recovery_timeout", recovery_timeout, 0),
                                  ("success_threshold", success_threshold, 1),
                                  ("half_open_max_calls", half_open_max_calls, 1)):
            if value < low:
                raise ValueError(f"{label} must be at least {low}")
        self.failure_threshold, self.recovery_timeout = failure_threshold, recovery_timeout
        self.success_threshold, self.half_open_max_calls = success_threshold, half_open_max_calls
        self.name, self._clock = name, clock
        self._exclude, self._judge, self._judge_result = tuple(exclude), is_failure, is_failure_result
        self._listener = on_state_change
        self._mutex = threading.RLock()
        self._current = State.CLOSED
        self._epoch = 0
        self._counted = 0  # consecutive failures (CLOSED) or trial successes (HALF_OPEN)
        self._busy = 0
        self._open_since = 0.0

    @property
    def state(self) -> State:
        return self._current

    @property
    def failure_count(self) -> int:
        return self._counted if self._current is State.CLOSED else 0

    def is_failure(self, error: BaseException) -> bool:
        return isinstance(error, Exception) and not isinstance(error, self._exclude) \
            and bool(self._judge(error))

    def is_failure_result(self, result: object) -> bool:
        return bool(self._judge_result(result))

    def __call__(self, func: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return self.call(func, *args, **kwargs)
        wrapper.__wrapped__ = func  # type: ignore[attr-defined]
        wrapper.__name__ = getattr(func, "__name__", "wrapper")
        return wrapper

    def call(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        epoch, trial = self._enter()
        try:
            value = func(*args, **kwargs)
        except Exception as error:
            self._leave(epoch, trial, "failure" if self.is_failure(error) else "success")
            raise
        except BaseException:
            self._leave(epoch, trial, "neither")
            raise
        self._leave(epoch, trial, "failure" if self.is_failure_result(value) else "success")
        return value

    def _switch(self, new: State, events: list) -> None:
        events.append((self._current, new))
        self._current, self._epoch, self._counted, self._busy = new, self._epoch + 1, 0, 0
        if new is State.OPEN:
            self._open_since = self._clock()

    def _enter(self) -> tuple[int, bool]:
        events: list = []
        with self._mutex:
            if self._current is State.OPEN:
                left = self._open_since + self.recovery_timeout - self._clock()
                if left > 0:
                    raise CircuitOpenError(self.name, left)
                self._switch(State.HALF_OPEN, events)
            trial = self._current is State.HALF_OPEN
            if trial and self._busy >= self.half_open_max_calls:
                raise CircuitOpenError(self.name, 0.0)
            self._busy += trial
            ticket = (self._epoch, trial)
        self._tell(events)
        return ticket

    def _leave(self, epoch: int, trial: bool, verdict: str) -> None:
        events: list = []
        with self._mutex:
            if epoch == self._epoch:
                if trial:
                    self._busy -= 1
                if verdict == "failure":
                    if trial or self._counted + 1 >= self.failure_threshold:
                        self._switch(State.OPEN, events)
                    else:
                        self._counted += 1
                elif verdict == "success":
                    if not trial:
                        self._counted = 0
                    elif self._counted + 1 >= self.success_threshold:
                        self._switch(State.CLOSED, events)
                    else:
                        self._counted += 1
        self._tell(events)

    def _tell(self, events: list) -> None:
        for old, new in events:
            if self._listener:
                self._listener(old, new)


class default:
    def __init__(self, value: Any) -> None:
        self.value = value

    def __call__(self, error: BaseException, *args: Any, **kwargs: Any) -> Any:
        return self.value


class alternate:
    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func

    def __call__(self, error: BaseException, *args: Any, **kwargs: Any) -> Any:
        return self.func(*args, **kwargs)


class chain:
    def __init__(self, *fallbacks: Callable[..., Any]) -> None:
        if not fallbacks:
            raise ValueError("empty chain")
        self.fallbacks = fallbacks

    def __call__(self, error: BaseException, *args: Any, **kwargs: Any) -> Any:
        failures = []
        for fallback in self.fallbacks:
            try:
                return fallback(error, *args, **kwargs)
            except Exception as failure:
                failures.append(failure)
        raise failures[-1]


class LastGoodCache:
    """An OrderedDict of (args, kwargs) -> (answer, recorded at), evicting stale entries."""

    def __init__(self, max_age: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        if max_age < 0:
            raise ValueError("max_age < 0")
        self.max_age, self.clock = max_age, clock
        self.entries: OrderedDict[Any, tuple[Any, float]] = OrderedDict()
        self.lock = threading.Lock()

    def record(self, value: Any, *args: Any, **kwargs: Any) -> None:
        with self.lock:
            key = (args, frozenset(kwargs.items()))
            self.entries.pop(key, None)
            self.entries[key] = (value, self.clock())  # newest last

    def __call__(self, error: BaseException, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            now = self.clock()
            while self.entries:  # the oldest entries come first: drop the stale ones
                oldest = next(iter(self.entries.values()))
                if now - oldest[1] < self.max_age:
                    break
                self.entries.popitem(last=False)
            found = self.entries.get((args, frozenset(kwargs.items())))
        if found is None:
            raise CacheMiss(args)
        return found[0]


class Guarded:
    def __init__(self, breaker: CircuitBreaker, func: Callable[..., Any],
                 fallback: Callable[..., Any], cache: Any) -> None:
        self.breaker, self.func, self.fallback, self.cache = breaker, func, fallback, cache

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            value = self.breaker.call(self.func, *args, **kwargs)
        except Exception as error:
            if isinstance(error, CircuitOpenError) or self.breaker.is_failure(error):
                return self.rescue(error, args, kwargs)
            raise
        if self.cache is not None and not self.breaker.is_failure_result(value):
            self.cache.record(value, *args, **kwargs)
        return value

    def rescue(self, error: Exception, args: tuple, kwargs: dict) -> Any:
        try:
            return self.fallback(error, *args, **kwargs)
        except Exception as second:
            raise FallbackFailed(error, second) from second


def with_fallback(breaker: CircuitBreaker, func: Callable[..., Any],
                  fallback: Callable[..., Any], *, cache: Any = None) -> Guarded:
    return Guarded(breaker, func, fallback, cache)
