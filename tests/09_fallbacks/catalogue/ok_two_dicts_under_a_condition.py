"""Correct, built differently: lambdas, itertools, values and stamps in two dicts under a
Condition, no eviction, the fallback called inside the except block."""

import itertools as _it

from harness.derive import inherit

ACCEPTED = True

# The baseline a learner keeps as given: the starter's breaker, FallbackFailed and CacheMiss.
inherit(globals(), __file__, source="starter")

# The learner's part, written from the README alone.


def default(value):
    return lambda error, *args, **kwargs: value


def alternate(func):
    return lambda error, *args, **kwargs: func(*args, **kwargs)


def chain(*fallbacks):
    fallbacks = list(fallbacks)
    if not fallbacks:
        raise ValueError("no fallbacks")

    def run(error, *args, **kwargs):
        for index, fb in zip(_it.count(1), fallbacks):
            try:
                return fb(error, *args, **kwargs)
            except Exception:
                if index == len(fallbacks):
                    raise
    return run


class LastGoodCache:
    def __init__(self, max_age, *, clock=time.monotonic):
        if max_age < 0:
            raise ValueError(max_age)
        self.max_age, self.clock = max_age, clock
        self.values, self.stamps = {}, {}
        self.cond = threading.Condition()

    def record(self, value, *args, **kwargs):
        key = (args, tuple(sorted(kwargs.items())))
        with self.cond:
            self.values[key] = value
            self.stamps[key] = self.clock()

    def __call__(self, error, *args, **kwargs):
        key = (args, tuple(sorted(kwargs.items())))
        with self.cond:
            if key in self.stamps and self.clock() - self.stamps[key] < self.max_age:
                return self.values[key]
        raise CacheMiss(f"nothing fresh for {key!r}")


def with_fallback(breaker, func, fallback, *, cache=None):
    @functools.wraps(func)
    def guarded(*args, **kwargs):
        try:
            result = breaker.call(func, *args, **kwargs)
            if cache is not None and not breaker.is_failure_result(result):
                cache.record(result, *args, **kwargs)
            return result
        except Exception as error:
            if not (isinstance(error, CircuitOpenError) or breaker.is_failure(error)):
                raise
            try:
                return fallback(error, *args, **kwargs)
            except Exception as fallback_error:
                raise FallbackFailed(error, fallback_error) from fallback_error
    return guarded
