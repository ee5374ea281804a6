"""Looks the header up in a plain dict of the headers: 'retry-after: 3' is never found."""
from harness.derive import rewrite

CAUGHT_BY = ["test_retry_after_header_name_is_case_insensitive"]
rewrite(globals(), __file__,
        ('    value = response.headers.get("Retry-After")',
         '    value = dict(response.headers).get("Retry-After")  # the name must match exactly'))
