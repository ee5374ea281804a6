"""Correct, built differently: functools.partial fallbacks, a recursive chain, a frozen
entry dataclass and one lock per key (made under a small lock)."""

import functools as _ft
from dataclasses import dataclass as _dc

from harness.derive import inherit

ACCEPTED = True

# The baseline a learner keeps as given: the starter's breaker, FallbackFailed and CacheMiss.
inherit(globals(), __file__, source="starter")

# The learner's part, written from the README alone.


def _const(value, error, *args, **kwargs):
    return value


def default(value):
    return _ft.partial(_const, value)


def _ask(func, error, *args, **kwargs):
    return func(*args, **kwargs)


def alternate(func):
    return _ft.partial(_ask, func)


def _try_in_turn(fallbacks, error, *args, **kwargs):
    first, rest = fallbacks[0], fallbacks[1:]
    try:
        return first(error, *args, **kwargs)
    except Exception:
        if not rest:
            raise
    return _try_in_turn(rest, error, *args, **kwargs)


def chain(*fallbacks):
    if len(fallbacks) < 1:
        raise ValueError("chain needs a fallback")
    return _ft.partial(_try_in_turn, tuple(fallbacks))


@_dc(frozen=True)
class _Entry:
    value: Any
    recorded_at: float


class LastGoodCache:
    def __init__(self, max_age, *, clock=time.monotonic):
        if max_age < 0:
            raise ValueError("negative max_age")
        self._max_age = float(max_age)
        self._clock = clock
        self._entries = {}
        self._locks = {}
        self._registry_lock = threading.Lock()

    def _lock_for(self, key):
        with self._registry_lock:
            return self._locks.setdefault(key, threading.Lock())

    def record(self, value, *args, **kwargs):
        key = (tuple(args), frozenset(kwargs.items()))
        with self._lock_for(key):
            self._entries[key] = _Entry(value, self._clock())

    def __call__(self, error, *args, **kwargs):
        key = (tuple(args), frozenset(kwargs.items()))
        with self._lock_for(key):
            entry = self._entries.get(key)
            if entry is not None and self._clock() - entry.recorded_at < self._max_age:
                return entry.value
            self._entries.pop(key, None)
        raise CacheMiss("no fresh answer")


def _guarded_call(breaker, func, fallback, cache, *args, **kwargs):
    try:
        result = breaker.call(func, *args, **kwargs)
    except CircuitOpenError as rejected:
        error = rejected
    except Exception as failure:
        if breaker.is_failure(failure):
            error = failure
        else:
            raise
    else:
        if cache is not None and not breaker.is_failure_result(result):
            cache.record(result, *args, **kwargs)
        return result
    try:
        return fallback(error, *args, **kwargs)
    except Exception as fallback_error:
        raise FallbackFailed(error, fallback_error) from fallback_error


def with_fallback(breaker, func, fallback, *, cache=None):
    return _ft.partial(_guarded_call, breaker, func, fallback, cache)
