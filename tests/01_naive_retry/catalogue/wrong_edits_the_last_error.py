"""Raises the last call's error, but first appends "after 3 attempts" to its args."""

CAUGHT_BY = ["test_reraises_the_last_error_unchanged"]


def retry(func, attempts=3):
    if attempts < 1:
        raise ValueError(attempts)
    for _ in range(attempts):
        try:
            return func()
        except Exception as error:
            last = error
    last.args = (*last.args, f"after {attempts} attempts")
    raise last
