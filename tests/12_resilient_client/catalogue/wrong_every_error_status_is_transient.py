"""Treats every error status (400 and up) as transient: a 404 is retried and counted by the breaker."""
from harness.derive import rewrite

CAUGHT_BY = ['test_answers_are_not_retried', 'test_a_404_leaves_the_breaker_and_the_budget_alone']
rewrite(globals(), __file__,
        ('    return status == 429 or 500 <= status <= 599',
         '    return status >= 400'))
