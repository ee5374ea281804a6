"""A breaker per full URL (registry.get(url)): every path of a dead service gets a fresh breaker that never opens."""
from harness.derive import rewrite

CAUGHT_BY = ['test_each_host_has_its_own_breaker']
rewrite(globals(), __file__,
        ('        breaker = self._registry.for_url(url)\n',
         '        breaker = self._registry.get(url)\n'))
