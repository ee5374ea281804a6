"""Correct, built differently: the starter filled in, with expiry deadlines, recursion and a sentinel."""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Protocol, TypeVar

from harness.derive import inherit

T = TypeVar("T")

ACCEPTED = True

# The baseline a learner keeps as given: the starter's breaker, FallbackFailed and CacheMiss.
inherit(globals(), __file__, source="starter")

# =============================================================================================
# The learner's part, written another way than the reference.
# =============================================================================================

Fallback = Callable[..., Any]
_NOTHING = object()


class _Default:
    def __init__(self, value: Any) -> None:
        self._value = value

    def __call__(self, error: BaseException, *args: Any, **kwargs: Any) -> Any:
        return self._value


def default(value: T) -> Callable[..., T]:
    return _Default(value)


class LastGoodCache:
    """Stores the moment each answer expires instead of the moment it was recorded."""

    def __init__(self, max_age: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        if not max_age >= 0:
            raise ValueError("max_age cannot be negative")
        self._max_age = max_age
        self._clock = clock
        self._lock = threading.RLock()
        self._expiry: dict[Any, float] = {}
        self._answer: dict[Any, Any] = {}

    @staticmethod
    def _key(args: tuple, kwargs: dict) -> Any:
        return (args, tuple(sorted(kwargs.items())))

    def record(self, value: Any, *args: Any, **kwargs: Any) -> None:
        key = self._key(args, kwargs)
        with self._lock:
            self._answer[key] = value
            self._expiry[key] = self._clock() + self._max_age

    def __call__(self, error: BaseException, *args: Any, **kwargs: Any) -> Any:
        key = self._key(args, kwargs)
        with self._lock:
            expires = self._expiry.get(key)
            if expires is None or self._clock() >= expires:
                raise CacheMiss(key)
            return self._answer[key]


def alternate(func: Callable[..., T]) -> Callable[..., T]:
    return lambda error, *args, **kwargs: func(*args, **kwargs)


def chain(*fallbacks: Fallback) -> Fallback:
    if len(fallbacks) == 0:
        raise ValueError("nothing to chain")
    first, rest = fallbacks[0], fallbacks[1:]
    if not rest:
        return first

    def tried(error: BaseException, *args: Any, **kwargs: Any) -> Any:
        try:
            return first(error, *args, **kwargs)
        except Exception:
            pass
        return chain(*rest)(error, *args, **kwargs)

    return tried


class Recorder(Protocol):
    def record(self, value: Any, *args: Any, **kwargs: Any) -> None: ...


def with_fallback(breaker: CircuitBreaker, func: Callable[..., T], fallback: Fallback, *,
                  cache: Recorder | None = None) -> Callable[..., T]:
    def guarded(*args: Any, **kwargs: Any) -> T:
        result, reason = _NOTHING, None
        try:
            result = breaker.call(func, *args, **kwargs)
        except CircuitOpenError as rejected:
            reason = rejected
        except Exception as error:
            if isinstance(error, CircuitOpenError) or not breaker.is_failure(error):
                raise
            reason = error
        if reason is None:
            if cache is not None and not breaker.is_failure_result(result):
                cache.record(result, *args, **kwargs)
            return result
        try:
            answer = fallback(reason, *args, **kwargs)
        except Exception as failure:
            raise FallbackFailed(reason, failure) from failure
        return answer

    return guarded
