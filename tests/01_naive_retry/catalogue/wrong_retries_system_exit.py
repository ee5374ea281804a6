"""Catches BaseException and re-raises only KeyboardInterrupt, so SystemExit is retried."""
from harness.derive import inherit

CAUGHT_BY = ["test_keyboard_interrupt_is_not_retried"]
reference = inherit(globals(), __file__)


def retry(func, attempts=3):
    if attempts < 1:
        raise ValueError(attempts)
    for attempt in range(attempts):
        try:
            return func()
        except BaseException as error:
            if isinstance(error, KeyboardInterrupt) or attempt == attempts - 1:
                raise
