"""Checks the clock before each read but lets every read wait the attempt's whole time, not the time left: a body that stalls overruns the deadline."""
from harness.derive import rewrite

CAUGHT_BY = ['test_deadline_holds_whatever_the_service_does']
rewrite(globals(), __file__,
        ('with_body(response, self._read_body(response, ends_at))',
         'with_body(response, self._read_body(response, ends_at, timeout))'),
        ('    def _read_body(self, response: requests.Response, ends_at: float) -> bytes:',
         '    def _read_body(self, response, ends_at, timeout):'),
        ('            chunk = read_some(response, timeout=left)',
         '            chunk = read_some(response, timeout=timeout)'))
