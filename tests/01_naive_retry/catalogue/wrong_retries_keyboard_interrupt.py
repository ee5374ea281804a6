"""Catches everything with a bare except, so Ctrl-C is retried too."""

CAUGHT_BY = ["test_keyboard_interrupt_is_not_retried"]


def retry(func, attempts=3):
    if attempts < 1:
        raise ValueError(attempts)
    for attempt in range(attempts):
        try:
            return func()
        except:  # noqa: E722 - the misconception
            if attempt == attempts - 1:
                raise
