"""Returns the streamed response unread: its body is read later, by the caller, outside the deadline."""
from harness.derive import rewrite

CAUGHT_BY = ['test_reads_the_whole_body_before_returning', 'test_deadline_holds_whatever_the_service_does']
rewrite(globals(), __file__,
        ('            return with_body(response, self._read_body(response, ends_at))',
         '            return response'))
