"""A mail server that drops after DATA or never answers, and a database that
goes away after the provider took a text: sent once, never lost, never hung."""

import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from vpm.notify import services
from vpm.notify.models import OutboundMessage
from vpm.queue.models import Kind, WorkItem

from .processes import free_port, production_settings

Status = OutboundMessage.Status


@pytest.fixture
def real_smtp(settings):
    """Send with the email settings production gets (pytest-django swaps in locmem)."""
    configured = production_settings()
    settings.EMAIL_BACKEND = configured["EMAIL_BACKEND"]
    settings.EMAIL_TIMEOUT = configured.get("EMAIL_TIMEOUT")
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_USE_TLS = False  # the fake servers speak plain SMTP
    return settings


def _email(patient, key="mail:1"):
    return services.message_queue(practice=patient.practice, patient=patient, channel="email",
                                  to="maria@mail.example", template="welcome", context={},
                                  idempotency_key=key)


def _send_every_attempt(message, settings):
    """What the workers and sweeps would do over the next hour: every allowed attempt."""
    for _ in range(settings.NOTIFY_MAX_ATTEMPTS):
        OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        services.message_send(message_id=message.pk)
    message.refresh_from_db()
    return message


@pytest.mark.django_db
def test_mail_server_dropping_after_data_gets_the_email_once(real_smtp, smtp_server, patient):
    server = smtp_server("drop_after_data")
    real_smtp.EMAIL_PORT = server.port
    message = _send_every_attempt(_email(patient), real_smtp)
    assert server.messages == 1  # the patient got one copy, not one per attempt
    assert message.status == Status.FAILED
    item = WorkItem.objects.get(kind=Kind.DELIVERY_FAILED, patient=patient)
    assert item.title == "Email delivery unknown: check before resending"


@pytest.mark.django_db
def test_mail_server_that_never_answers_times_out_and_is_retried(real_smtp, smtp_server,
                                                                 patient):
    server = smtp_server("silent")  # it gives up after 8 s itself, so no test hangs for ever
    real_smtp.EMAIL_PORT = server.port
    if real_smtp.EMAIL_TIMEOUT:  # production's bound (10 s), shortened to keep the suite fast
        real_smtp.EMAIL_TIMEOUT = 1
    message = _email(patient)
    started = time.monotonic()
    services.message_send(message_id=message.pk)
    assert time.monotonic() - started < 3, "the send waited on a server that never answers"
    message.refresh_from_db()
    # Nothing was handed over, so a later attempt is safe.
    assert (message.status, message.attempts) == (Status.QUEUED, 1)
    assert message.next_attempt_at > timezone.now()


@pytest.mark.django_db
def test_mail_server_refusing_connections_is_retried(real_smtp, patient):
    real_smtp.EMAIL_PORT = free_port()  # nothing listens there
    message = _email(patient)
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.QUEUED, 1)


class DatabaseGoesAwaySMS:
    """The provider accepts the text; at that moment PostgreSQL becomes unreachable
    (the connection is pointed at a port where nothing listens) for `outage` seconds."""

    outage = 1.5

    def send(self, *, to, body):
        real_port = connection.settings_dict["PORT"]
        connection.close()
        connection.settings_dict["PORT"] = str(free_port())
        threading.Timer(self.outage, connection.settings_dict.__setitem__,
                        ("PORT", real_port)).start()
        return "provider-id-123"


@pytest.mark.django_db(transaction=True)
def test_success_is_recorded_after_a_database_blip(patient, monkeypatch):
    monkeypatch.setattr(services, "get_sms_backend", DatabaseGoesAwaySMS)
    message = services.message_queue(practice=patient.practice, patient=patient, channel="sms",
                                     to="+13125550100", template="welcome", context={},
                                     idempotency_key="db-blip")
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.provider_message_id) == (Status.SENT, "provider-id-123")
    assert not WorkItem.objects.filter(kind=Kind.DELIVERY_FAILED).exists()


class StalledSMS:
    """A provider that never answers: the worker's soft time limit interrupts it."""

    def send(self, *, to, body):
        from celery.exceptions import SoftTimeLimitExceeded

        raise SoftTimeLimitExceeded()


@pytest.mark.django_db
def test_send_interrupted_by_the_time_limit_is_delivery_unknown(patient, monkeypatch):
    from vpm.celery import app

    assert 0 < app.conf.task_soft_time_limit < app.conf.task_time_limit
    monkeypatch.setattr(services, "get_sms_backend", StalledSMS)
    message = services.message_queue(practice=patient.practice, patient=patient, channel="sms",
                                     to="+13125550100", template="welcome", context={},
                                     idempotency_key="stalled")
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert WorkItem.objects.get(kind=Kind.DELIVERY_FAILED).title.startswith(
        "Text message delivery unknown")


class StalledProvider:
    """An HTTP server that reads the whole request, then never answers in time."""

    def __init__(self):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        provider = self
        self.requests = 0

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                provider.requests += 1
                time.sleep(3)  # longer than the client waits

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.django_db
def test_text_provider_silent_after_the_request_is_delivery_unknown(settings, patient,
                                                                   monkeypatch):
    from vpm.notify import twilio

    provider = StalledProvider()
    settings.SMS_BACKEND = "vpm.notify.twilio.TwilioSMSBackend"
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = "AC" + "1" * 32, "token"
    settings.TWILIO_FROM_NUMBER, settings.TWILIO_MESSAGING_SERVICE_SID = "+13125550100", ""
    settings.TWILIO_API_BASE, settings.VPM_SITE_URL = provider.base_url, "https://vpm.test"
    monkeypatch.setattr(twilio, "TIMEOUT", 0.5, raising=False)  # production: 10 s
    try:
        message = services.message_queue(practice=patient.practice, patient=patient,
                                         channel="sms", to="+13125550142", template="welcome",
                                         context={}, idempotency_key="stalled-provider")
        message = _send_every_attempt(message, settings)
    finally:
        provider.close()
    assert provider.requests == 1  # not sent again: the provider may have it
    assert message.status == Status.FAILED
    assert WorkItem.objects.get(kind=Kind.DELIVERY_FAILED).title == \
        "Text message delivery unknown: check before resending"
