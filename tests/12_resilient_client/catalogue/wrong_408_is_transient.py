"""Retries a 408 as Polly's HandleTransientHttpError does: here any 4xx but 429 is an answer."""
from harness.derive import rewrite

CAUGHT_BY = ['test_answers_are_not_retried']
rewrite(globals(), __file__,
        ('    return status == 429 or 500 <= status <= 599',
         '    return status in (408, 429) or 500 <= status <= 599'))
