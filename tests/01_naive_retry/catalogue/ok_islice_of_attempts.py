"""Correct, built differently: a generator of outcomes, cut to `attempts` by itertools.islice."""

import itertools

ACCEPTED = True

_FAILED = object()


def _outcomes(func, errors):
    while True:
        try:
            yield func()
        except Exception as error:
            errors.append(error)
            yield _FAILED


def retry(func, attempts=3):
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    errors = []
    for value in itertools.islice(_outcomes(func, errors), attempts):
        if value is not _FAILED:
            return value
    raise errors[-1]
