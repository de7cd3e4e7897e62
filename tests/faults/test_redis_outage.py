"""Redis stopped or hung (SIGSTOP) must not break or hang the API, sign-in or a send.

These run against a private redis-server (tests/faults/processes.py), never
the shared one. The cache and broker options come from vpm/settings.py itself.
"""

import threading
import time

import pyotp
import pytest
from django.db import transaction
from rest_framework.test import APIClient

from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET
from vpm.celery import app
from vpm.notify import services
from vpm.notify.models import OutboundMessage

from .processes import point_celery_at, settings_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_settings(redis_server, settings):
    """The cache and broker, configured as production configures them, on the private Redis."""
    configured = settings_for(redis_server.url)
    settings.CACHES = configured["CACHES"]
    point_celery_at(app, configured)
    yield configured
    point_celery_at(app, settings_for(settings.REDIS_URL) if settings.REDIS_URL
                    else {"CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
                          "CELERY_BROKER_TRANSPORT_OPTIONS":
                              settings.CELERY_BROKER_TRANSPORT_OPTIONS})


def within(seconds, call):
    """Run `call` in a thread; answer (finished in time, its result)."""
    result = {}
    worker = threading.Thread(target=lambda: result.update(value=call()), daemon=True)
    worker.start()
    worker.join(seconds)
    return not worker.is_alive(), result.get("value")


def _api_list(user, practice):
    client = APIClient()
    client.force_login(user)
    return client.get(f"/api/v1/p/{practice.slug}/work-items/")


def _sign_in(client, user):
    client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
    return client.post("/accounts/2fa/authenticate/",
                       {"code": pyotp.TOTP(TEST_TOTP_SECRET).now()})


def test_api_answers_while_redis_is_stopped(redis_settings, redis_server, practice, staff):
    redis_server.stop()
    response = _api_list(staff, practice)
    assert response.status_code == 200


def test_sign_in_with_totp_works_while_redis_is_stopped(redis_settings, redis_server, client,
                                                        practice, staff):
    redis_server.stop()
    response = _sign_in(client, staff)
    assert response.status_code == 302
    assert client.get("/").url == f"/p/{practice.slug}/"


def test_sign_in_rate_limit_still_counts_while_redis_is_stopped(redis_settings, redis_server,
                                                                client, staff):
    redis_server.stop()
    for _ in range(5):
        client.post("/accounts/login/", {"login": staff.email, "password": "wrong"})
    response = client.post("/accounts/login/", {"login": staff.email, "password": TEST_PASSWORD})
    # 5 failures per account in 5 minutes, counted in this process while Redis is away
    assert "Too many failed login attempts" in response.text


def test_api_answers_quickly_while_redis_is_hung(redis_settings, redis_server, practice, staff):
    _api_list(staff, practice)  # connections to Redis are open and pooled
    redis_server.hang()
    try:
        started = time.monotonic()
        finished, response = within(8, lambda: _api_list(staff, practice))
        elapsed = time.monotonic() - started
    finally:
        redis_server.resume()
    assert finished and response.status_code == 200
    assert elapsed < 3


def test_message_queued_during_a_hung_redis_returns_and_waits_for_the_sweep(
        redis_settings, redis_server, patient):
    def queue_in_a_request(key="hung-redis"):
        with transaction.atomic():
            return services.message_queue(
                practice=patient.practice, patient=patient, channel="sms", to="+13125550100",
                template="welcome", context={}, idempotency_key=key)

    queue_in_a_request("before-the-hang")  # the producer's connection is open and pooled
    redis_server.hang()
    try:
        started = time.monotonic()
        finished, message = within(10, queue_in_a_request)
        elapsed = time.monotonic() - started
    finally:
        redis_server.resume()
    assert finished, "message_queue hung on a stopped-but-connected Redis"
    assert elapsed < 6
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.QUEUED  # left for the sweep


def test_healthz_reports_redis(redis_server, settings, client):
    settings.REDIS_URL = redis_server.url
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "redis": "ok"}
    redis_server.stop()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"] == "unreachable"


def test_message_queued_after_redis_restarted_reaches_the_broker(redis_settings, redis_server,
                                                                 patient):
    def queue(key):
        with transaction.atomic():
            services.message_queue(practice=patient.practice, patient=patient, channel="sms",
                                   to="+13125550100", template="welcome", context={},
                                   idempotency_key=key)

    queue("before-restart")  # the producer's pooled connection now points at this server
    redis_server.stop()
    redis_server.start()  # an empty Redis on the same port
    queue("after-restart")
    assert redis_server.llen() == 1  # the stale connection was replaced, not given up on
