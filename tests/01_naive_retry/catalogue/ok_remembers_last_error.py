"""Correct, built differently: a while loop that keeps the last error and raises it."""

ACCEPTED = True


def retry(func, attempts=3):
    if not attempts >= 1:
        raise ValueError(f"need at least one attempt, got {attempts}")
    made, last_error = 0, None
    while made < attempts:
        made += 1
        try:
            return func()
        except Exception as error:
            last_error = error
    raise last_error
