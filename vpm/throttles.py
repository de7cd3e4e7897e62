"""The API's rate limits (per signed-in user, per address for anonymous calls),
counted in one cache round trip.

DRF's own throttles keep a list of every request's time in one cache entry
and read and rewrite it: two Redis round trips per request, with up to 600
timestamps pickled each way. These count requests in fixed windows of the
rate's length (one counter a window) and estimate the last full window's
worth as Cloudflare's rate limiter does: the previous window's count, scaled
by how much of it still lies inside the last `duration` seconds, plus the
current one. One INCR and one GET, pipelined. A burst at a window's edge
cannot double the rate, as a plain fixed window would allow.

Refused requests count too, so a client that keeps calling while refused stays
refused until it slows down. The rates are `DEFAULT_THROTTLE_RATES`, read
when a request is checked (so tests and the benchmark can change them).
"""

from django.core.cache import caches
from rest_framework import throttling
from rest_framework.settings import api_settings

from vpm.cache import count_hit


class WindowedRateThrottle(throttling.SimpleRateThrottle):
    @property
    def cache(self):
        # The cache itself, not django.core.cache.cache (a proxy), so that
        # count_hit sees the Redis cache and sends its one pipeline.
        return caches["default"]

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        current, previous = count_hit(self.cache, f"{self.key}:{window}",
                                      f"{self.key}:{window - 1}", timeout=2 * self.duration)
        still_inside = 1 - (self.now / self.duration - window)  # of the previous window
        self.window_ends = (window + 1) * self.duration
        return previous * still_inside + current <= self.num_requests

    def wait(self):
        """Seconds until the current window ends (Retry-After)."""
        return max(0.0, self.window_ends - self.now)


class AnonRateThrottle(WindowedRateThrottle, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(WindowedRateThrottle, throttling.UserRateThrottle):
    pass
