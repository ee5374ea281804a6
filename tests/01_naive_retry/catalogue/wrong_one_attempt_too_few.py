"""Calls attempts - 1 times: an off-by-one in the loop bound."""

CAUGHT_BY = ["test_gives_up_after_attempts_calls", "test_retries_until_a_call_succeeds"]


def retry(func, attempts=3):
    if attempts < 1:
        raise ValueError(attempts)
    last = None
    for _ in range(1, attempts):
        try:
            return func()
        except Exception as error:
            last = error
    if last is None:
        return func()
    raise last
