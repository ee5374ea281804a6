"""Strips the userinfo but keeps the host's case: USERS.test and users.test get two breakers."""
from harness.derive import inherit

CAUGHT_BY = ["test_for_url_host_is_case_blind_and_never_the_userinfo"]
reference = inherit(globals(), __file__)


class BreakerRegistry(reference.BreakerRegistry):
    def for_url(self, url):
        host = urlsplit(url).netloc.rpartition("@")[2]  # the case as the caller wrote it
        if not host:
            raise ValueError(f"{url!r} names no host")
        return self.get(host)
