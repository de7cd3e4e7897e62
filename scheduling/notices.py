"""What the patient is told about a visit, and when: confirmations and reminders.

Everything goes through vpm.notify (one OutboundMessage row per idempotency
key, sent at most once). Keys:

- `appointment:<id>:booked:<sequence>` (and `rescheduled`, `cancelled`): one
  notice per change, written in the same transaction as the change.
- `appointment:<id>:reminder:<sequence>:<hours>h`: one reminder per planned
  reminder of the time the visit is booked at; a moved visit has a new
  sequence, so its reminders are new messages and the old ones were cancelled.

The minute sweep (`reminders_send_due`) reads the ids of due pending
reminders from a partial index only, then handles each one in its own short
transaction with the row locked (SKIP LOCKED: two sweeps never take the same
one). A reminder whose time passed while workers were down is still sent if
the visit is ahead; if a nearer reminder of the same visit is also due, the
earlier one is skipped as superseded (one text, not three); if the visit has
begun, it is recorded as skipped.
"""

import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from vpm.notify.models import OutboundMessage
from vpm.notify.services import message_queue
from vpm.patients.models import ContactPoint

from .hooks import steps_for
from .ics import appointment_ics
from .models import Appointment, AppointmentEvent, AppointmentReminder, Modality

logger = logging.getLogger(__name__)
Status = AppointmentReminder.Status

CHANNEL_TO_CONTACT = {"email": ContactPoint.Kind.EMAIL, "sms": ContactPoint.Kind.PHONE,
                      "phone": ContactPoint.Kind.PHONE}


def visit_url(appointment) -> str:
    """The patient's visit page: what, when, how to join, the steps. Never a video link."""
    return settings.VPM_SITE_URL.rstrip("/") + reverse(
        "portal_visit", args=[appointment.practice.slug, appointment.pk])


def contact_for(appointment) -> tuple[str, str] | None:
    """(notify channel, address) for the appointment's channel, or None if none on file.

    A patient who prefers phone calls still gets reminders as texts to that phone.
    """
    return contact_for_patient(practice=appointment.practice, patient_id=appointment.patient_id,
                               channel=appointment.channel)


def contact_for_patient(*, practice, patient_id, channel) -> tuple[str, str] | None:
    kind = CHANNEL_TO_CONTACT.get(channel, ContactPoint.Kind.PHONE)
    point = (ContactPoint.objects.for_practice(practice)
             .filter(patient_id=patient_id, kind=kind)
             .order_by("-is_primary", "-verified_at", "id").first())
    if point is None:
        return None
    return ("email" if kind == ContactPoint.Kind.EMAIL else "sms"), point.value


def visit_context(appointment, *, language) -> dict:
    zone = ZoneInfo(appointment.practice.timezone)
    with translation.override(language):
        return {
            "appointment": appointment,
            "visit_name": appointment.visit_type.name_for(language),
            "starts_local": appointment.starts_at.astimezone(zone),
            "provider_name": appointment.provider.user.display_name,
            "is_video": appointment.modality == Modality.VIDEO,
            "is_phone": appointment.modality == Modality.PHONE,
            "is_in_person": appointment.modality == Modality.IN_PERSON,
            "visit_url": visit_url(appointment),
            "steps": steps_for(appointment, language=language),
        }


def visit_link(appointment) -> str:
    """A signed portal link that opens this visit after a date-of-birth check (no account
    needed). It lives until a day after the visit, at most the portal's 30 days."""
    from vpm.portal.services import portal_link_create

    lives = appointment.ends_at + timedelta(days=1) - timezone.now()
    lives = min(max(lives, timedelta(minutes=5)), timedelta(days=30))
    _link, path = portal_link_create(patient=appointment.patient, purpose="visit",
                                     target=appointment.pk, expires_in=lives)
    return settings.VPM_SITE_URL.rstrip("/") + path


def _queue(appointment, *, template, key, extra=None):
    contact = contact_for(appointment)
    if contact is None:
        return None
    existing = OutboundMessage.objects.for_practice(appointment.practice).filter(
        idempotency_key=key).first()
    if existing is not None:
        return existing  # already written: do not mint another link
    channel, to = contact
    language = appointment.patient.preferred_language
    context = {**visit_context(appointment, language=language), **(extra or {})}
    if not appointment.is_cancelled:
        context["visit_url"] = visit_link(appointment)
    # Templates show times in the active zone: the practice's, with its name.
    with timezone.override(ZoneInfo(appointment.practice.timezone)):
        return message_queue(practice=appointment.practice, patient=appointment.patient,
                             channel=channel, to=to, template=template, context=context,
                             idempotency_key=key)


def appointment_notice_queue(*, appointment, change):
    """Tell the patient their visit was booked, moved or cancelled (inside the change's
    transaction, so the notice exists exactly when the change does)."""
    return _queue(appointment, template="appointment_update",
                  key=f"appointment:{appointment.pk}:{change}:{appointment.sequence}",
                  extra={"change": change})


def _skip(reminder, reason, now):
    reminder.status = Status.SKIPPED
    reminder.skip_reason = reason[:200]
    reminder.processed_at = now
    reminder.save(update_fields=["status", "skip_reason", "processed_at"])
    AppointmentEvent.objects.create(
        practice_id=reminder.practice_id, appointment_id=reminder.appointment_id,
        action=AppointmentEvent.Action.REMINDER_SKIPPED, note=f"{reminder.kind}: {reason}"[:300],
        at=now)


def reminder_process(*, reminder_id, now=None) -> str | None:
    """Send or skip one due reminder. Safe to call twice or from two workers at once."""
    now = now or timezone.now()
    with transaction.atomic():
        reminder = (AppointmentReminder.objects.select_for_update(skip_locked=True)
                    .filter(pk=reminder_id, status=Status.PENDING, due_at__lte=now).first())
        if reminder is None:
            return None
        appointment = (Appointment.objects.select_related(
            "practice", "patient", "visit_type", "provider__user").get(pk=reminder.appointment_id))
        if not appointment.is_active or appointment.sequence != reminder.sequence:
            reminder.status = Status.CANCELLED
            reminder.processed_at = now
            reminder.save(update_fields=["status", "processed_at"])
            return "cancelled"
        if appointment.starts_at <= now:
            _skip(reminder, "the visit had begun before it could be sent", now)
            return "skipped"
        nearer = AppointmentReminder.objects.filter(
            practice_id=reminder.practice_id, appointment=appointment, sequence=reminder.sequence, status=Status.PENDING,
            hours_before__lt=reminder.hours_before, due_at__lte=now).order_by("hours_before")
        if nearer.exists():
            _skip(reminder, f"superseded by the {nearer.first().kind} reminder", now)
            return "skipped"
        message = _queue(appointment, template="appointment_reminder",
                         key=f"appointment:{appointment.pk}:reminder:{reminder.sequence}:"
                             f"{reminder.kind}",
                         extra={"hours_before": reminder.hours_before})
        if message is None:
            _skip(reminder, f"no {appointment.get_channel_display().lower()} address on file",
                  now)
            return "skipped"
        reminder.status = Status.QUEUED
        reminder.message = message
        reminder.processed_at = now
        reminder.save(update_fields=["status", "message", "processed_at"])
        AppointmentEvent.objects.create(
            practice_id=reminder.practice_id, appointment=appointment,
            action=AppointmentEvent.Action.REMINDER_QUEUED, note=reminder.kind, at=now)
    return "queued"


def due_reminder_ids(*, now, limit):
    """Index-only: the partial index on (due_at, id) WHERE status = 'pending'."""
    return list(AppointmentReminder.objects.filter(status=Status.PENDING, due_at__lte=now)
                .order_by("due_at", "id").values_list("id", flat=True)[:limit])


def reminders_send_due(*, now=None, limit=500) -> dict:
    """The minute sweep. Returns how many were queued, skipped and cancelled."""
    now = now or timezone.now()
    counts = {"queued": 0, "skipped": 0, "cancelled": 0}
    for reminder_id in due_reminder_ids(now=now, limit=limit):
        outcome = reminder_process(reminder_id=reminder_id, now=now)
        if outcome:
            counts[outcome] += 1
    if any(counts.values()):
        logger.info("reminder sweep: %s", counts)
    return counts


def appointment_attachments(message):
    """The calendar invite on every appointment email (registered with vpm.notify)."""
    if message.channel != "email":
        return []
    appointment_id = message.idempotency_key.split(":")[1]
    appointment = (Appointment.objects.for_practice(message.practice)
                   .select_related("practice", "visit_type").filter(pk=appointment_id).first())
    if appointment is None:
        return []
    language = message.patient.preferred_language if message.patient else "en"
    return [("visit.ics", appointment_ics(appointment, visit_url=visit_url(appointment),
                                          language=language), "text/calendar")]
