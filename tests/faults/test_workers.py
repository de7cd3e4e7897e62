"""Workers and the broker: a backlog is spread over the workers, and a worker
process rides out a Redis outage with a task in flight and reconnects."""

from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone

from vpm.celery import app
from vpm.notify import services
from vpm.notify.models import OutboundMessage

from .backends import SLOW_NUMBER
from .processes import CeleryWorker, point_celery_at, settings_for, wait_until

pytestmark = pytest.mark.django_db(transaction=True)
Status = OutboundMessage.Status


@pytest.fixture
def broker(redis_server, settings):
    point_celery_at(app, settings_for(redis_server.url))
    yield redis_server
    point_celery_at(app, settings_for(settings.REDIS_URL) if settings.REDIS_URL
                    else {"CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
                          "CELERY_BROKER_TRANSPORT_OPTIONS":
                              settings.CELERY_BROKER_TRANSPORT_OPTIONS})


def _text(patient, key, to="+13125550100"):
    return services.message_queue(practice=patient.practice, patient=patient, channel="sms",
                                  to=to, template="welcome", context={}, idempotency_key=key)


def _test_database_url():
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    host = quote(db["HOST"] or "127.0.0.1", safe="")  # the embedded server uses a socket dir
    return f"postgres://{auth}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=False)
def test_sweep_spreads_a_backlog_over_the_workers(broker, patient,
                                                  django_capture_on_commit_callbacks):
    # Given 30 messages whose enqueue was lost (on_commit never ran in this test)
    for n in range(30):
        _text(patient, f"backlog:{n}")
    # When the sweep runs and commits
    with django_capture_on_commit_callbacks(execute=True):
        assert services.messages_send_due() == 30
    # Then it sent none itself: each message is a task any free worker can take
    assert broker.llen() == 30
    assert OutboundMessage.objects.filter(status=Status.QUEUED).count() == 30


def test_worker_rides_out_a_redis_outage_with_a_task_in_flight(broker, patient, tmp_path,
                                                               settings):
    worker = CeleryWorker(broker_url=broker.url, database_url=_test_database_url(),
                          log_path=tmp_path / "worker.log",
                          environment={"SMS_BACKEND": "tests.faults.backends.SlowSMS"})
    try:
        assert wait_until(lambda: " ready." in worker.output(), timeout=20), worker.output()
        first = _text(patient, "in-flight", to=SLOW_NUMBER)  # on commit; takes the worker 2 s
        assert wait_until(lambda: _status(first) == Status.SENDING, timeout=10)
        broker.stop()  # Redis goes away while the task's acknowledgement is pending
        assert wait_until(lambda: _status(first) == Status.SENT, timeout=10)
        assert wait_until(lambda: "Trying again in" in worker.output(), timeout=10)
        wait_until(lambda: not worker.alive(), timeout=1)  # give a crash time to happen
        assert worker.alive(), worker.output()[-3000:]
        broker.start()  # same port: Redis is back
        second = _text(patient, "after-outage")
        OutboundMessage.objects.filter(pk=second.pk).update(next_attempt_at=timezone.now())
        assert wait_until(lambda: _status(second) == Status.SENT, timeout=25), \
            worker.output()[-3000:]
    finally:
        worker.stop()
    first.refresh_from_db()
    assert first.attempts == 1  # sent once
    # kombu's reconnect bug shows as an AttributeError (and can end the worker)
    assert "AttributeError" not in worker.output(), worker.output()[-3000:]


@pytest.mark.django_db(transaction=False)
def test_workers_retry_the_broker_for_ever():
    # The default gives up after 100 attempts (about an hour) and the worker exits.
    assert app.conf.broker_connection_retry is True
    assert app.conf.broker_connection_max_retries is None


def _status(message):
    return OutboundMessage.objects.values_list("status", flat=True).get(pk=message.pk)


@pytest.mark.django_db(transaction=False)
def test_every_sweep_expires_before_its_next_run():
    # Otherwise sweeps queued during a worker outage all run at once when it ends.
    for name, entry in app.conf.beat_schedule.items():
        assert 0 < entry.get("options", {}).get("expires", 0) < entry["schedule"], name
