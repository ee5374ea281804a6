"""Reads an HTTP-date with no zone as local time (a naive datetime's timestamp())."""
from harness.derive import rewrite

CAUGHT_BY = ["test_unreadable_retry_after_falls_back_to_backoff"]
rewrite(globals(), __file__,
        ('    if moment.tzinfo is None:  # "-0000" parses as naive; HTTP-dates are always GMT\n'
         "        moment = moment.replace(tzinfo=timezone.utc)\n",
         "    # no zone: .timestamp() of a naive datetime assumes the machine's local time\n"))
