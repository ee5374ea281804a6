"""Calls attempts + 1 times: counts retries instead of attempts."""

CAUGHT_BY = ["test_gives_up_after_attempts_calls"]


def retry(func, attempts=3):
    if attempts < 1:
        raise ValueError(attempts)
    for _ in range(attempts):  # `attempts` retries after the first call
        try:
            return func()
        except Exception:
            pass
    return func()
