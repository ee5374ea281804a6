"""Keys by urlsplit(url).netloc: USERS.test is another service, and a password lands in the name."""
from harness.derive import inherit

CAUGHT_BY = ["test_for_url_host_is_case_blind_and_never_the_userinfo"]
reference = inherit(globals(), __file__)


class BreakerRegistry(reference.BreakerRegistry):
    def for_url(self, url):
        netloc = urlsplit(url).netloc  # "alice:s3cret@USERS.test:80", exactly as written
        if not netloc:
            raise ValueError(f"{url!r} names no host")
        return self.get(netloc)
