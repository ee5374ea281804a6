"""Reads the body with iter_content(chunk_size=1) and checks the clock between bytes: each byte may still wait a whole read timeout past the attempt's end."""
from harness.derive import rewrite

CAUGHT_BY = ['test_deadline_holds_whatever_the_service_does']
rewrite(globals(), __file__,
        ('            chunk = read_some(response, timeout=left)\n'
         '            if not chunk:\n'
         '                return bytes(body)\n'
         '            body += chunk\n',
         '            for byte in response.iter_content(chunk_size=1):\n'
         '                body += byte\n'
         '                if ends_at - self._clock() <= 0:\n'
         '                    raise requests.ReadTimeout("the body did not arrive in time")\n'
         '            return bytes(body)\n'))
