"""Reads HTTP-dates with strptime, IMF and asctime forms only: an RFC 850 date is unreadable."""
from harness.derive import rewrite

CAUGHT_BY = ["test_unreadable_retry_after_falls_back_to_backoff"]
rewrite(globals(), __file__,
        ("    try:\n"
         "        moment = parsedate_to_datetime(value)\n"
         "    except (TypeError, ValueError):\n"
         "        return None  # unreadable: fall back to our own backoff\n",
         "    moment = _strptime_any(value)  # 'Tuesday, 14-Nov-23 22:13:24 GMT' matches no form\n"
         "    if moment is None:\n"
         "        return None\n"))

from datetime import datetime

_FORMS = ("%a, %d %b %Y %H:%M:%S GMT", "%a, %d %b %Y %H:%M:%S", "%a %b %d %H:%M:%S %Y")


def _strptime_any(value):
    for form in _FORMS:
        try:
            return datetime.strptime(value, form)
        except ValueError:
            continue
    return None
