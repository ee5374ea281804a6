"""Correct, built differently: recursion instead of a loop."""

ACCEPTED = True


def retry(func, attempts=3):
    if attempts < 1:
        raise ValueError("attempts must be >= 1")
    if attempts == 1:
        return func()
    try:
        return func()
    except Exception:
        return retry(func, attempts - 1)
