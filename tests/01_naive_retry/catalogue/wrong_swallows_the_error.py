"""Gives up quietly: returns None when every attempt failed."""

CAUGHT_BY = ["test_gives_up_after_attempts_calls", "test_reraises_the_last_error_unchanged"]


def retry(func, attempts=3):
    if attempts < 1:
        raise ValueError(attempts)
    for _ in range(attempts):
        try:
            return func()
        except Exception:
            pass
    return None
