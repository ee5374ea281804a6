"""Drops a default port written in the URL (:80, :443): the README keeps every written port."""
from harness.derive import inherit

CAUGHT_BY = ["test_for_url_host_is_case_blind_and_never_the_userinfo"]
reference = inherit(globals(), __file__)

DEFAULT_PORTS = {"http": 80, "https": 443}


class BreakerRegistry(reference.BreakerRegistry):
    def for_url(self, url):
        parts = urlsplit(url)
        if not parts.hostname:
            raise ValueError(f"{url!r} names no host")
        if parts.port is None or parts.port == DEFAULT_PORTS.get(parts.scheme):
            return self.get(parts.hostname)
        return self.get(f"{parts.hostname}:{parts.port}")
