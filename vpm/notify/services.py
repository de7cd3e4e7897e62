"""Sending a patient an email or a text: recorded first, sent at most once.

1. `message_queue` renders the template and writes the row (or finds the row
   already written for that idempotency key), then asks a worker to send it
   once the transaction commits.
2. `message_send` claims the row with a compare-and-set from queued to
   sending, calls the provider, and records the result. A failed attempt goes
   back to queued with a later retry time, until it runs out of attempts and
   becomes a work item for a person.
3. `messages_send_due` (beat, every minute) sends whatever is due, so a broker
   that was down when the row was written only makes the message late.
"""

import logging
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from vpm.patients.models import Channel, ContactAttempt
from vpm.practices.models import Team
from vpm.queue.models import Kind, Urgency
from vpm.queue.services import work_item_open_or_update

from .attachments import attachments_for
from .backends import DeliveryError, get_sms_backend
from .models import OutboundMessage

logger = logging.getLogger(__name__)
Status = OutboundMessage.Status

# A worker that died mid-send leaves a row in "sending". Sending it again
# could reach the patient twice, so after this long a person decides instead.
STUCK_AFTER = timedelta(minutes=15)


def render_message(*, template, channel, context, language) -> tuple[str, str]:
    """Render templates/notify/<template>.<channel>.txt; an email's first line is its subject."""
    with translation.override(language):
        text = render_to_string(f"notify/{template}.{channel}.txt", context).strip()
    if channel == OutboundMessage.Channel.EMAIL:
        subject, _, body = text.partition("\n")
        return subject.removeprefix("Subject:").strip(), body.strip()
    return "", text


def message_queue(*, practice, patient, channel, to, template, context,
                  idempotency_key) -> OutboundMessage:
    language = patient.preferred_language if patient else practice.default_language
    subject, body = render_message(template=template, channel=channel,
                                   context={"practice": practice, "patient": patient, **context},
                                   language=language)
    message, created = OutboundMessage.objects.get_or_create(
        practice=practice, idempotency_key=idempotency_key,
        defaults=dict(patient=patient, channel=channel, to=to, template=template,
                      subject=subject, body=body, next_attempt_at=timezone.now()),
    )
    if created:
        transaction.on_commit(lambda: enqueue_send(message.pk))
    return message


def enqueue_send(message_id: int) -> None:
    """Hand the send to a worker; if the broker is down, the sweep sends it later."""
    from .tasks import send_outbound_message

    try:
        send_outbound_message.delay(message_id)
    except Exception as error:  # noqa: BLE001 - any broker failure must not fail the request
        logger.warning("broker unavailable (%s); outbound message %s left for the sweep",
                       error.__class__.__name__, message_id)


def message_send(*, message_id: int) -> OutboundMessage | None:
    """Send one due message if nobody else is sending it. Safe to call twice."""
    now = timezone.now()
    claimed = OutboundMessage.objects.filter(
        pk=message_id, status=Status.QUEUED, next_attempt_at__lte=now
    ).update(status=Status.SENDING, attempts=F("attempts") + 1, send_started_at=now)
    if not claimed:
        return None
    message = OutboundMessage.objects.select_related("practice", "patient").get(pk=message_id)
    try:
        provider_id = _deliver(message)
    except DeliveryError as error:
        _record_failure(message, str(error), permanent=error.permanent)
    else:
        _record_success(message, provider_id)
    return message


def _deliver(message) -> str:
    if message.channel == OutboundMessage.Channel.SMS:
        return get_sms_backend().send(to=message.to, body=message.body)
    message_id = make_msgid(domain="vpm")
    email = EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL,
                         [message.to], headers={"Message-ID": message_id})
    for filename, content, mimetype in attachments_for(message):
        email.attach(filename, content, mimetype)
    try:
        email.send(fail_silently=False)
    except OSError as error:  # SMTP and socket errors
        raise DeliveryError(f"email server refused: {error.__class__.__name__}") from error
    return message_id


@transaction.atomic
def _record_success(message, provider_id):
    message.status = Status.SENT
    message.provider_message_id = provider_id[:128]
    message.sent_at = timezone.now()
    message.error = ""
    message.save(update_fields=["status", "provider_message_id", "sent_at", "error"])
    if message.patient_id:
        ContactAttempt.objects.create(
            practice_id=message.practice_id, patient_id=message.patient_id,
            channel=Channel.SMS if message.channel == "sms" else Channel.EMAIL,
            direction=ContactAttempt.Direction.OUTBOUND, outcome=ContactAttempt.Outcome.SENT,
            note=f"Automatic: {message.template.replace('_', ' ')}", occurred_at=message.sent_at,
        )


@transaction.atomic
def _record_failure(message, reason, *, permanent):
    message.error = reason[:300]
    if permanent or message.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        message.status = Status.FAILED
        message.save(update_fields=["status", "error"])
        _open_delivery_work_item(message)
        return
    # Back off 1, 4, 9, 16 minutes: quick for a blip, patient for an outage.
    message.status = Status.QUEUED
    message.next_attempt_at = timezone.now() + timedelta(minutes=message.attempts ** 2)
    message.save(update_fields=["status", "error", "next_attempt_at"])


def _open_delivery_work_item(message):
    work_item_open_or_update(
        practice=message.practice, kind=Kind.DELIVERY_FAILED, source=message,
        team=Team.REGISTRATION, urgency=Urgency.URGENT, patient=message.patient,
        title=f"{message.get_channel_display()} could not be delivered",
        detail=f"{message.template.replace('_', ' ')}: {message.error}",
        due_at=timezone.now() + timedelta(hours=4),
    )


def message_mark_bounced(*, practice, provider_message_id, reason="bounced") -> bool:
    """A provider reported a bounce. Repeating the report changes nothing."""
    with transaction.atomic():
        message = (OutboundMessage.objects.for_practice(practice).select_for_update()
                   .filter(provider_message_id=provider_message_id, status=Status.SENT).first())
        if message is None:
            return False
        message.status = Status.BOUNCED
        message.error = reason[:300]
        message.save(update_fields=["status", "error"])
        _open_delivery_work_item(message)
    return True


def messages_send_due(*, now=None, limit=500) -> int:
    """Send every due message (oldest first) and hand stuck ones to a person."""
    now = now or timezone.now()
    _fail_stuck(now)
    due_ids = list(
        OutboundMessage.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in due_ids if message_send(message_id=pk) is not None)


def _fail_stuck(now):
    stuck = OutboundMessage.objects.filter(
        status=Status.SENDING, send_started_at__lte=now - STUCK_AFTER
    ).select_related("practice", "patient")
    for message in stuck:
        with transaction.atomic():
            updated = OutboundMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
                status=Status.FAILED, error="sending stopped midway; delivery unknown")
            if updated:
                message.refresh_from_db()
                _open_delivery_work_item(message)
