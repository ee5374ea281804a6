"""Lets exactly KeyboardInterrupt and SystemExit through and retries every other
BaseException, asyncio's CancelledError included: a cancelled task keeps calling."""

CAUGHT_BY = ["test_keyboard_interrupt_is_not_retried"]


def retry(func, attempts=3):
    if attempts < 1:
        raise ValueError(attempts)
    for _ in range(attempts):
        try:
            return func()
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as error:
            last = error
    raise last
