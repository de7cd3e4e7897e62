from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from vpm.celery import app
from vpm.notify import services
from vpm.notify.backends import DeliveryError, DeliveryUnknown
from vpm.notify.models import OutboundMessage
from vpm.patients.models import ContactAttempt
from vpm.queue.models import Kind, WorkItem

pytestmark = pytest.mark.django_db
Status = OutboundMessage.Status


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """Run the beat sweep; the sends it hands over run at once, as a worker would."""

    def run():
        app.conf.task_always_eager = True
        try:
            with django_capture_on_commit_callbacks(execute=True):
                return services.messages_send_due()
        finally:
            app.conf.task_always_eager = False

    return run


def _queue(patient, channel="sms", key="welcome:1"):
    to = "+13125550100" if channel == "sms" else "maria@mail.example"
    return services.message_queue(practice=patient.practice, patient=patient, channel=channel,
                                  to=to, template="welcome", context={}, idempotency_key=key)


class FailingSMS:
    def __init__(self, permanent=False):
        self.permanent = permanent

    def send(self, *, to, body):
        raise DeliveryError("provider said no", permanent=self.permanent)


def test_same_idempotency_key_twice_creates_one_message(patient):
    first = _queue(patient)
    second = _queue(patient)
    assert first.pk == second.pk
    assert OutboundMessage.objects.count() == 1


def test_message_is_rendered_in_the_patients_language(patient):
    patient.preferred_language = "es"
    message = _queue(patient)
    assert message.body  # rendered; Spanish catalogue arrives with the translations
    assert patient.practice.name in message.body


def test_sending_twice_sends_once(patient):
    message = _queue(patient, channel="email")
    services.message_send(message_id=message.pk)
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Status.SENT and message.attempts == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Welcome to")


def test_sent_message_is_logged_in_the_contact_log(patient):
    message = _queue(patient)
    services.message_send(message_id=message.pk)
    attempt = ContactAttempt.objects.get(patient=patient)
    assert attempt.channel == "sms" and attempt.outcome == "sent" and attempt.made_by is None


def test_failed_send_is_retried_later(patient, monkeypatch):
    monkeypatch.setattr(services, "get_sms_backend", lambda: FailingSMS())
    message = _queue(patient)
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Status.QUEUED and message.attempts == 1
    assert message.next_attempt_at > timezone.now()
    assert services.messages_send_due() == 0  # not due yet


def test_message_that_keeps_failing_becomes_a_work_item(patient, monkeypatch, settings, sweep):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    monkeypatch.setattr(services, "get_sms_backend", lambda: FailingSMS())
    message = _queue(patient)
    for _ in range(2):
        OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        sweep()
    message.refresh_from_db()
    assert message.status == Status.FAILED
    item = WorkItem.objects.get(kind=Kind.DELIVERY_FAILED)
    assert item.patient == patient and "provider said no" in item.detail


def test_sweep_sends_messages_whose_enqueue_was_lost(patient, sweep):
    message = _queue(patient)  # on_commit never runs inside the test transaction
    assert sweep() == 1
    message.refresh_from_db()
    assert message.status == Status.SENT


def test_message_stuck_in_sending_goes_to_a_person_not_sent_again(patient):
    message = _queue(patient)
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=Status.SENDING, send_started_at=timezone.now() - timedelta(hours=1))
    services.messages_send_due()
    message.refresh_from_db()
    assert message.status == Status.FAILED
    item = WorkItem.objects.get(kind=Kind.DELIVERY_FAILED, patient=patient)
    assert item.title == "Text message delivery unknown: check before resending"


def test_bounce_report_twice_opens_one_work_item(patient):
    message = _queue(patient, channel="email")
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert services.message_mark_bounced(practice=patient.practice,
                                         provider_message_id=message.provider_message_id)
    assert not services.message_mark_bounced(practice=patient.practice,
                                             provider_message_id=message.provider_message_id)
    assert WorkItem.objects.filter(kind=Kind.DELIVERY_FAILED).count() == 1


class UnconfirmedSMS:
    """The provider took the message, then the answer was lost."""

    def send(self, *, to, body):
        raise DeliveryUnknown("connection lost after the request was sent")


def test_delivery_unknown_is_never_retried_and_goes_to_a_person(patient, monkeypatch, sweep):
    monkeypatch.setattr(services, "get_sms_backend", lambda: UnconfirmedSMS())
    message = _queue(patient)
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 1)
    assert sweep() == 0
    item = WorkItem.objects.get(kind=Kind.DELIVERY_FAILED, patient=patient)
    assert item.title == "Text message delivery unknown: check before resending"


def test_sweep_hands_each_due_message_to_a_worker_instead_of_sending(patient,
                                                                     django_capture_on_commit_callbacks,
                                                                     monkeypatch):
    handed = []
    monkeypatch.setattr(services, "enqueue_send", lambda pk, **options: handed.append(pk) or True)
    messages = [_queue(patient, key=f"backlog:{n}") for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.messages_send_due() == 3
    assert handed == [m.pk for m in messages]
    assert OutboundMessage.objects.filter(status=Status.QUEUED).count() == 3
