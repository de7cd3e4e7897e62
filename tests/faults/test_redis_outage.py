"""Redis stopped or hung (SIGSTOP) must not break or hang the API, sign-in or a send.

These run against a private redis-server (tests/faults/processes.py), never
the shared one. The cache and broker options come from vpm/settings.py itself.
"""

import threading
import time

import pyotp
import pytest
from rest_framework.test import APIClient

from tests.conftest import client_for
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET
from vpm.celery import app
from vpm.notify import services
from vpm.notify.models import OutboundMessage

from .processes import point_celery_at, settings_for

pytestmark = pytest.mark.django_db


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
    client = client_for(user, client_class=APIClient)
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
        response = _api_list(staff, practice)
        elapsed = time.monotonic() - started
    finally:
        redis_server.resume()
    assert response.status_code == 200
    assert elapsed < 3


def _queue(patient, key, capture):
    """message_queue as a request runs it; answers the message and what runs on commit."""
    with capture() as after_commit:
        message = services.message_queue(
            practice=patient.practice, patient=patient, channel="sms", to="+13125550100",
            template="welcome", context={}, idempotency_key=key)
    return message, after_commit


def test_message_queued_during_a_hung_redis_returns_and_waits_for_the_sweep(
        redis_settings, redis_server, patient, django_capture_on_commit_callbacks):
    _, callbacks = _queue(patient, "before-the-hang", django_capture_on_commit_callbacks)
    callbacks[0]()  # the producer's connection is now open and pooled
    message, callbacks = _queue(patient, "hung-redis", django_capture_on_commit_callbacks)
    redis_server.hang()
    try:
        started = time.monotonic()
        # In a thread, so a send that never returns fails this test instead of hanging it.
        finished, _ = within(10, callbacks[0])
        elapsed = time.monotonic() - started
    finally:
        redis_server.resume()
    assert finished, "the enqueue after commit hung on a stopped-but-connected Redis"
    assert elapsed < 3
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.QUEUED  # left for the sweep


def test_healthz_reports_redis(redis_server, settings, client):
    settings.REDIS_URL = redis_server.url
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "redis": "ok"}
    redis_server.stop()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"] == "unreachable"


def test_message_queued_after_redis_restarted_reaches_the_broker(
        redis_settings, redis_server, patient, django_capture_on_commit_callbacks):
    _, callbacks = _queue(patient, "before-restart", django_capture_on_commit_callbacks)
    callbacks[0]()
    redis_server.stop()
    redis_server.start()  # an empty Redis on the same port; the pooled connection is stale
    _, callbacks = _queue(patient, "after-restart", django_capture_on_commit_callbacks)
    callbacks[0]()
    assert redis_server.llen() == 1  # the stale connection was replaced, not given up on
