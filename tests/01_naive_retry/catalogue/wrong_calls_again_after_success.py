"""Uses every attempt even after a success, returning the last result."""

CAUGHT_BY = ["test_stops_calling_after_a_success", "test_returns_the_first_success"]


def retry(func, attempts=3):
    if attempts < 1:
        raise ValueError(attempts)
    result, error = None, None
    for _ in range(attempts):
        try:
            result, error = func(), None
        except Exception as exc:
            error = exc
    if error is not None:
        raise error
    return result
