"""One breaker for every host: a dead payments service opens it for users too."""
from harness.derive import rewrite

CAUGHT_BY = ['test_each_host_has_its_own_breaker']
rewrite(globals(), __file__,
        ('        breaker = self._registry.for_url(url)\n',
         '        breaker = self._registry.get("dependency")\n'))
