"""Correct, built differently: sorted-keyword cache keys, an RLock, a generator-driven chain."""

from __future__ import annotations

import functools
import threading
import time
from typing import Any, Callable

from harness.derive import inherit

ACCEPTED = True

# The baseline a learner keeps as given: the starter's breaker, FallbackFailed and CacheMiss.
inherit(globals(), __file__, source="starter")


def default(value):
    return lambda error, *args, **kwargs: value


def alternate(func):
    return lambda error, *args, **kwargs: func(*args, **kwargs)


def chain(*fallbacks):
    if len(fallbacks) == 0:
        raise ValueError("a chain needs at least one fallback")

    def answers(error, args, kwargs):
        for fallback in fallbacks:
            try:
                yield True, fallback(error, *args, **kwargs)
                return
            except Exception as failure:  # Ctrl-C is not caught: it ends everything
                yield False, failure

    def first_answer(error, *args, **kwargs):
        failure = None
        for answered, value in answers(error, args, kwargs):
            if answered:
                return value
            failure = value
        raise failure

    return first_answer


class LastGoodCache:
    """Entries keyed by (args, keywords sorted by name), each with its recording time."""

    def __init__(self, max_age, *, clock=time.monotonic):
        if max_age < 0:
            raise ValueError("max_age cannot be negative")
        self.max_age = max_age
        self._now = clock
        self._guard = threading.RLock()
        self._answers = {}

    @staticmethod
    def _key(args, kwargs):
        return args, tuple(sorted(kwargs.items(), key=lambda item: item[0]))

    def record(self, value, *args, **kwargs):
        with self._guard:
            self._answers[self._key(args, kwargs)] = (value, self._now())

    def __call__(self, error, *args, **kwargs):
        with self._guard:
            found = self._answers.get(self._key(args, kwargs))
            if found is not None and self._now() - found[1] < self.max_age:
                return found[0]
        raise CacheMiss(f"no fresh answer for {args!r} {kwargs!r}")


def with_fallback(breaker, func, fallback, *, cache=None):
    def falling_back(error, args, kwargs):
        try:
            return fallback(error, *args, **kwargs)
        except Exception as fallback_error:
            raise FallbackFailed(error, fallback_error) from fallback_error

    @functools.wraps(func)
    def guarded(*args, **kwargs):
        try:
            result = breaker.call(func, *args, **kwargs)
        except Exception as error:
            unavailable = isinstance(error, CircuitOpenError) or breaker.is_failure(error)
            if not unavailable:
                raise
            return falling_back(error, args, kwargs)
        if cache is not None and not breaker.is_failure_result(result):
            cache.record(result, *args, **kwargs)
        return result

    return guarded
