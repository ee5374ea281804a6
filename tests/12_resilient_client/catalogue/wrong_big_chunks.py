"""Streams the body with iter_content(chunk_size=1024): a chunk waits for 1,024 bytes, so a trickle defeats the check."""
from harness.derive import rewrite

CAUGHT_BY = ['test_deadline_holds_whatever_the_service_does', 'test_attempt_timeout_bounds_the_body_too']
rewrite(globals(), __file__,
        ('            chunk = read_some(response, timeout=left)\n            if not chunk:\n                return bytes(body)\n            body += chunk\n',
         "            for chunk in response.iter_content(chunk_size=1024):\n                body += chunk\n                if self._clock() >= ends_at:\n                    raise requests.ReadTimeout('too slow')\n            return bytes(body)\n"))
