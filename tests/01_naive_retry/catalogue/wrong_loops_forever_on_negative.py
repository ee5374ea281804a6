"""Counts attempts down to exactly zero, so a negative count never stops."""

CAUGHT_BY = ["test_rejects_fewer_than_one_attempt"]


def retry(func, attempts=3):
    if attempts == 0:
        raise ValueError(attempts)
    while True:
        try:
            return func()
        except Exception:
            attempts -= 1
            if attempts == 0:
                raise
