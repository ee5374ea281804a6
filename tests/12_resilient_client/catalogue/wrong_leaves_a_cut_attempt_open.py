"""Gives up on a slow body without closing its connection: the server goes on sending it to nobody."""
from harness.derive import rewrite

CAUGHT_BY = ['test_a_cut_attempt_hangs_up']
rewrite(globals(), __file__,
        ('            response.close()  # a half-read connection must not go back to the pool\n',
         ''))
