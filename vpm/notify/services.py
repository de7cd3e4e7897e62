"""Sending a patient an email or a text: recorded first, sent at most once.

1. `message_queue` renders the template and writes the row (or finds the row
   already written for that idempotency key), then asks a worker to send it
   once the transaction commits.
2. `message_send` claims the row with a compare-and-set from queued to
   sending, calls the provider, and records the result. A failure before the
   provider had the message goes back to queued with a later retry time,
   until it runs out of attempts and becomes a work item for a person. A
   failure after the hand-over ("delivery unknown") is never retried: it goes
   to a person at once, titled so they check before resending.
3. `messages_send_due` (beat, every minute) hands whatever is due to the
   workers, one task per message, so a broker that was down when the row was
   written only makes the message late, and a backlog drains at the speed of
   all the workers together.
"""

import logging
import smtplib
import time
from datetime import timedelta
from email.utils import make_msgid
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from vpm.patients.models import Channel, ContactAttempt
from vpm.practices.models import Team
from vpm.queue.models import Kind, Urgency
from vpm.queue.services import work_item_open_or_update

from .attachments import attachments_for
from .backends import DeliveryError, DeliveryUnknown, get_sms_backend
from .models import OutboundMessage

logger = logging.getLogger(__name__)
Status = OutboundMessage.Status

# A worker that died mid-send leaves a row in "sending". Sending it again
# could reach the patient twice, so after this long a person decides instead.
STUCK_AFTER = timedelta(minutes=15)
# After the provider took the message, saving that fact is retried through a
# database blip for ~45 s (inside the task's soft time limit): the provider id
# exists only in memory until then.
RECORD_SUCCESS_PAUSES = (0.5, 1, 2, 4, 8, 15, 15)
UNKNOWN_PREFIX = "delivery unknown"


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


def enqueue_send(message_id: int, **options) -> bool:
    """Hand the send to a worker; if the broker is down, the sweep sends it later.

    Bounded by the broker's socket timeouts and publish retry policy
    (settings), so a stopped or hung Redis costs a request a few seconds at most.
    """
    from .tasks import send_outbound_message

    try:
        send_outbound_message.apply_async((message_id,), **options)
    except Exception as error:  # noqa: BLE001 - any broker failure must not fail the request
        logger.warning("broker unavailable (%s); outbound message %s left for the sweep",
                       error.__class__.__name__, message_id)
        return False
    return True


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
    except DeliveryUnknown as error:
        _record_unknown(message, str(error))
    except DeliveryError as error:
        _record_failure(message, str(error), permanent=error.permanent)
    else:
        _record_success_persistently(message, provider_id)
    return message


def _deliver(message) -> str:
    if message.channel == OutboundMessage.Channel.SMS:
        try:
            return get_sms_backend().send(to=message.to, body=message.body)
        except SoftTimeLimitExceeded:
            raise DeliveryUnknown("no answer from the text message provider in time") from None
    return _deliver_email(message)


def _deliver_email(message) -> str:
    """Send by email; only failures before the server had the message are retried.

    The email backend raises DeliveryUnknown once the message is handed over
    (vpm/notify/smtp.py); anything else means the server does not have it.
    """
    message_id = make_msgid(domain="vpm")
    email = EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL,
                         [message.to], headers={"Message-ID": message_id})
    for filename, content, mimetype in attachments_for(message):
        email.attach(filename, content, mimetype)
    try:
        email.send(fail_silently=False)
    except smtplib.SMTPDataError as error:  # the server answered the message with a refusal
        raise DeliveryError(f"email server refused the message ({error.smtp_code})",
                            permanent=error.smtp_code >= 500) from error
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        raise DeliveryError("email server refused the address",
                            permanent=all(code >= 500 for code in codes)) from error
    except (OSError, smtplib.SMTPException, SoftTimeLimitExceeded) as error:
        raise DeliveryError(f"email not handed over: {error.__class__.__name__}") from error
    return message_id


def _record_success_persistently(message, provider_id):
    """The provider has the message: record it, riding out a database blip."""
    for pause in (*RECORD_SUCCESS_PAUSES, None):
        try:
            _record_success(message, provider_id)
            return
        except (OperationalError, InterfaceError) as error:
            if pause is None:
                # Left in "sending": the stuck sweep hands it to a person as
                # "delivery unknown", never to a resend.
                logger.error("outbound message %s delivered as %s but not recorded (%s)",
                             message.pk, provider_id, error.__class__.__name__)
                raise
            logger.warning("database unavailable (%s); recording outbound message %s again "
                           "in %s s", error.__class__.__name__, message.pk, pause)
            connection.close()  # the next query opens a fresh connection
            time.sleep(pause)


@transaction.atomic
def _record_success(message, provider_id):
    message.status = Status.SENT
    message.provider_message_id = provider_id[:128]
    message.sent_at = timezone.now()
    message.error = ""
    # Conditional, so a retry after a commit whose answer was lost records nothing twice.
    recorded = OutboundMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
        status=message.status, provider_message_id=message.provider_message_id,
        sent_at=message.sent_at, error="")
    if recorded and message.patient_id:
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


@transaction.atomic
def _record_unknown(message, reason):
    message.status = Status.FAILED
    message.error = f"{UNKNOWN_PREFIX}: {reason}"[:300]
    message.save(update_fields=["status", "error"])
    _open_delivery_work_item(message)


def _open_delivery_work_item(message):
    if message.error.startswith(UNKNOWN_PREFIX):
        title = f"{message.get_channel_display()} delivery unknown: check before resending"
    else:
        title = f"{message.get_channel_display()} could not be delivered"
    work_item_open_or_update(
        practice=message.practice, kind=Kind.DELIVERY_FAILED, source=message,
        team=Team.REGISTRATION, urgency=Urgency.URGENT, patient=message.patient,
        title=title,
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


# A hand-off the workers have not reached within this long is dropped by the
# broker; the next sweep hands the message over again if it is still due.
HANDOFF_EXPIRES = 300


def messages_send_due(*, now=None, limit=500) -> int:
    """Hand every due message (oldest first) to the workers; stuck ones to a person.

    One task per message, so N workers send a backlog N at a time (this sweep
    used to send them itself, one by one). A message handed over twice (the
    backlog outlasted a minute) is sent once: `message_send` claims it.
    """
    now = now or timezone.now()
    _fail_stuck(now)
    due_ids = list(
        OutboundMessage.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    )
    transaction.on_commit(partial(_hand_to_workers, due_ids))
    return len(due_ids)


def _hand_to_workers(message_ids):
    for pk in message_ids:
        if not enqueue_send(pk, expires=HANDOFF_EXPIRES):
            return  # the broker is away; the next sweep tries again


def _fail_stuck(now):
    stuck = OutboundMessage.objects.filter(
        status=Status.SENDING, send_started_at__lte=now - STUCK_AFTER
    ).select_related("practice", "patient")
    for message in stuck:
        with transaction.atomic():
            updated = OutboundMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
                status=Status.FAILED, error=f"{UNKNOWN_PREFIX}: sending stopped midway")
            if updated:
                message.refresh_from_db()
                _open_delivery_work_item(message)
