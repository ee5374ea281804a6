"""Drives the attempts with map() and next(): a func that raises StopIteration ends the loop.

StopIteration is an Exception like any other, but ``next()`` on the map reads it as "no
more attempts", so the implementation raises its empty "last error" (a TypeError) instead
of retrying.
"""

CAUGHT_BY = ["test_any_exception_is_a_failure_to_retry"]


def retry(func, attempts=3):
    if attempts < 1:
        raise ValueError(attempts)
    calls = map(lambda _: func(), range(attempts))
    last = None
    while True:
        try:
            return next(calls)
        except StopIteration:
            raise last
        except Exception as error:
            last = error
