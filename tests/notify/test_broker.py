"""The broker moves ids; Postgres keeps the state. These run on real Redis."""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from vpm.celery import app
from vpm.notify import services
from vpm.notify.models import OutboundMessage

needs_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="needs Redis: set REDIS_URL or run Redis on 127.0.0.1:6379 (make test finds it)",
)


def _queue(patient, key):
    return services.message_queue(practice=patient.practice, patient=patient, channel="sms",
                                  to="+13125550100", template="welcome", context={},
                                  idempotency_key=key)


def _point_broker_at(url):
    app.close()  # drop pooled connections to the previous broker
    app.amqp._producer_pool = None
    app.conf.broker_url = url


@pytest.mark.django_db(transaction=True)
def test_request_succeeds_and_message_waits_when_broker_is_down(patient, settings):
    _point_broker_at("redis://127.0.0.1:1/0")  # nothing listens there
    try:
        with transaction.atomic():
            message = _queue(patient, "broker-down")
    finally:
        _point_broker_at(settings.CELERY_BROKER_URL)
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.QUEUED
    app.conf.task_always_eager = True  # the sweep's hand-off, run by an inline worker
    try:
        assert services.messages_send_due() == 1
    finally:
        app.conf.task_always_eager = False
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_worker_sends_the_message_queued_on_commit(patient):
    with start_worker(app, perform_ping_check=False, pool="solo", concurrency=1):
        with transaction.atomic():
            message = _queue(patient, "via-redis")
        # Returns as soon as the worker has sent it; the long ceiling is for a loaded machine.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            message.refresh_from_db()
            if message.status == OutboundMessage.Status.SENT:
                break
            time.sleep(0.05)
    assert message.status == OutboundMessage.Status.SENT
