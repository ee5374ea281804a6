"""Tells a failure from a success with isinstance(outcome, Exception): a function that
returns an exception object (a value) has it retried and then raised."""

CAUGHT_BY = ["test_returns_any_value_as_is"]


def _outcome(func):
    try:
        return func()
    except Exception as error:
        return error


def retry(func, attempts=3):
    if attempts < 1:
        raise ValueError(attempts)
    for _ in range(attempts):
        outcome = _outcome(func)
        if not isinstance(outcome, Exception):
            return outcome
    raise outcome
