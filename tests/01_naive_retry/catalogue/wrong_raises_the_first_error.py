"""Keeps the first error and raises it at the end, hiding what happened last."""

CAUGHT_BY = ["test_reraises_the_last_error_unchanged"]


def retry(func, attempts=3):
    if attempts < 1:
        raise ValueError(attempts)
    first = None
    for _ in range(attempts):
        try:
            return func()
        except Exception as error:
            first = first or error
    raise first
