"""The API's rate limits (vpm/throttles.py): counted per user and per address,
refused with 429 and Retry-After, on the cache that production uses."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.conftest import client_for
from vpm import throttles

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_a_minute(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "3/min"}}


def test_a_user_past_the_rate_is_refused_with_retry_after(three_a_minute, practice, staff,
                                                        colleague):
    url = f"/api/v1/p/{practice.slug}/work-items/"
    client = client_for(staff, client_class=APIClient)
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(url)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert "throttled" in refused.json()["detail"].lower() or "request" in refused.json()["detail"]
    # Per person: a colleague still gets answers.
    assert client_for(colleague, client_class=APIClient).get(url).status_code == 200


class _Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def _throttle(clock, rate="10/min"):
    throttle = throttles.UserRateThrottle()
    throttle.rate, (throttle.num_requests, throttle.duration) = rate, throttle.parse_rate(rate)
    throttle.timer = clock
    return throttle


class _Request:
    def __init__(self, pk):
        self.user = type("U", (), {"is_authenticated": True, "pk": pk})()


def test_the_previous_window_counts_by_how_much_of_it_is_still_recent(settings):
    """10 a minute: 10 calls late in one window leave room for only a few early in the next
    (a plain fixed window would allow 10 more at once)."""
    cache.clear()
    clock = _Clock(600 * 60 + 50)  # 50 s into a window
    assert all(_throttle(clock).allow_request(_Request(1), None) for _ in range(10))
    assert not _throttle(clock).allow_request(_Request(1), None)  # the 11th: refused (counted)
    clock.now = 601 * 60 + 15  # 15 s into the next: 11 × 45/60 = 8.25 still count
    allowed = [_throttle(clock).allow_request(_Request(1), None) for _ in range(3)]
    assert allowed == [True, False, False]
    clock.now = 602 * 60 + 59  # two windows on, nothing recent is left
    assert _throttle(clock).allow_request(_Request(1), None)


def test_anonymous_calls_are_counted_per_address():
    """(Every API view needs a signed-in caller, so anonymous calls are refused with 401
    before throttles are checked; the anonymous rate guards what may be opened later.)"""
    from django.contrib.auth.models import AnonymousUser
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    cache.clear()
    clock = _Clock(1_000_000.0)

    def call(address):
        throttle = throttles.AnonRateThrottle()
        throttle.rate, (throttle.num_requests, throttle.duration) = "2/min", (2, 60)
        throttle.timer = clock
        request = Request(APIRequestFactory().get("/", REMOTE_ADDR=address))
        request.user = AnonymousUser()
        return throttle.allow_request(request, None)

    assert [call("198.51.100.7") for _ in range(3)] == [True, True, False]
    assert call("198.51.100.8")


@pytest.mark.skipif(not __import__("os").environ.get("REDIS_URL"),
                    reason="needs Redis (REDIS_URL): make test starts one where it can")
def test_on_redis_a_hit_is_one_round_trip_and_counts_are_shared(settings):
    from vpm.cache import FallbackRedisCache

    settings.CACHES = {"default": {"BACKEND": "vpm.cache.FallbackRedisCache",
                                   "LOCATION": __import__("os").environ["REDIS_URL"]}}
    redis_cache = throttles.UserRateThrottle().cache
    assert isinstance(redis_cache, FallbackRedisCache)
    redis_cache.delete_many(["throttle_user_9:2", "throttle_user_9:1"])
    redis_cache.set("throttle_user_9:1", 4, 60)
    client = redis_cache._cache.get_client(write=True)
    sent = []
    original = client.connection_pool.get_connection

    def counting(*args, **kwargs):
        sent.append(1)
        return original(*args, **kwargs)

    client.connection_pool.get_connection = counting
    clock = _Clock(2 * 60 + 30.0)  # half-way through window 2; window 1 had 4 calls
    try:
        assert all(_throttle(clock, "6/min").allow_request(_Request(9), None) for _ in range(4))
        assert not _throttle(clock, "6/min").allow_request(_Request(9), None)  # 4 × ½ + 5 > 6
    finally:
        client.connection_pool.get_connection = original
    assert len(sent) == 5  # one connection checkout (one pipeline) per request
    key = redis_cache.make_and_validate_key("throttle_user_9:2")
    assert int(client.get(key)) == 5 and 60 < client.ttl(key) <= 120
