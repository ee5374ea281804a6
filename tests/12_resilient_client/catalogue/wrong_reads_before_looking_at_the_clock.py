"""Reads first and looks at the clock after each piece: a body already complete (here an empty one) is returned though the attempt's time is up."""
from harness.derive import rewrite

CAUGHT_BY = ['test_time_is_up_at_the_very_end']
rewrite(globals(), __file__,
        ('            left = ends_at - self._clock()\n'
         '            if left <= 0:\n'
         '                raise requests.ReadTimeout(f"the body of {response.url} did not arrive in time",\n'
         '                                           response=response)\n'
         '            chunk = read_some(response, timeout=left)\n'
         '            if not chunk:\n'
         '                return bytes(body)\n'
         '            body += chunk\n',
         '            chunk = read_some(response, timeout=max(ends_at - self._clock(), 0.001))\n'
         '            if not chunk:\n'
         '                return bytes(body)\n'
         '            body += chunk\n'
         '            if ends_at - self._clock() <= 0:\n'
         '                raise requests.ReadTimeout("the body did not arrive in time")\n'))
