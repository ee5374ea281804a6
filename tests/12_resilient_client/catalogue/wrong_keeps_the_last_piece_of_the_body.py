"""Keeps only the last piece read of the body, not all of them."""
from harness.derive import rewrite

CAUGHT_BY = ['test_reads_the_whole_body_before_returning']
rewrite(globals(), __file__,
        ('            chunk = read_some(response, timeout=left)\n            if not chunk:\n                return bytes(body)\n            body += chunk\n',
         '            chunk = read_some(response, timeout=left)\n            if not chunk:\n                return bytes(body)\n            body = bytearray(chunk)\n'))
