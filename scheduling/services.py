"""Every change to an appointment goes through here, with its event row.

Double booking is refused by PostgreSQL (the exclusion constraint on
provider and time range). Before inserting, a booking takes a transaction
advisory lock per provider: concurrent inserts that collide on an exclusion
constraint can otherwise deadlock each other (each waits for the other's
index entry), and a deadlock would be a worse answer than "that time was just
taken". The lock orders them; the constraint is still what guarantees it.
"""

from contextlib import suppress
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .bounds import check_bounded
from .models import (
    CANCELLED,
    Appointment,
    AppointmentEvent,
    AppointmentReminder,
    AppointmentStatus,
    ReasonCode,
    VisitType,
)
from .notices import appointment_notice_queue
from .selectors import (
    next_free_slots,
    patient_is_new,
    scheduling_settings_for,
    slot_is_open,
)

Action = AppointmentEvent.Action
Via = Appointment.Via
# pg_advisory_xact_lock(namespace, provider id): the namespace keeps our locks
# apart from anyone else's two-key advisory locks.
PROVIDER_LOCK_NAMESPACE = 71201


class SchedulingError(Exception):
    """A booking change that cannot be made. The message is for the user; `field` says
    which input it belongs next to."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.field = field


class SlotTaken(SchedulingError):
    """Someone else booked that time a moment ago. Carries the next free slots."""

    def __init__(self, next_slots):
        super().__init__("That time was just taken. Please choose another time.",
                         field="starts_at")
        self.next_slots = next_slots


def _event(appointment, action, *, actor=None, via="", reason=None, note="",
           previous_starts_at=None):
    AppointmentEvent.objects.create(
        practice_id=appointment.practice_id, appointment=appointment, action=action,
        actor=actor, via=via, reason=reason, note=note[:300],
        previous_starts_at=previous_starts_at, starts_at=appointment.starts_at,
        at=timezone.now())


def lock_providers(*provider_ids):
    with connection.cursor() as cursor:
        for provider_id in sorted(set(provider_ids)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)",
                           [PROVIDER_LOCK_NAMESPACE, provider_id])


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def check_eligible(*, practice, patient, visit_type, starts_at, via):
    """Raise SchedulingError when this patient may not have (or book) this visit type."""
    if visit_type.practice_id != practice.pk or not visit_type.is_active:
        raise SchedulingError("Choose one of the practice's visit types.", field="visit_type")
    if via == Via.PATIENT and visit_type.booking != VisitType.Booking.PATIENT:
        message = ("This visit type is booked by the front office: please ask us to book it."
                   if visit_type.booking == VisitType.Booking.REQUEST
                   else "This visit type can only be booked by the front office.")
        raise SchedulingError(message, field="visit_type")
    status = visit_type.patient_status
    if status != VisitType.PatientStatus.ANY:
        is_new = patient_is_new(practice=practice, patient=patient)
        if status == VisitType.PatientStatus.NEW and not is_new:
            raise SchedulingError(f"{visit_type.name} is for new patients only.",
                                  field="visit_type")
        if status == VisitType.PatientStatus.ESTABLISHED and is_new:
            raise SchedulingError(f"{visit_type.name} is for established patients; new patients "
                                  "need a new-patient visit first.", field="visit_type")
    age = _age_on(patient.date_of_birth,
                  timezone.localtime(starts_at, ZoneInfo(practice.timezone)).date())
    if visit_type.min_age_years is not None and age < visit_type.min_age_years:
        raise SchedulingError(f"{visit_type.name} is for patients aged "
                              f"{visit_type.min_age_years} and over.", field="visit_type")
    if visit_type.max_age_years is not None and age > visit_type.max_age_years:
        raise SchedulingError(f"{visit_type.name} is for patients aged "
                              f"{visit_type.max_age_years} and under.", field="visit_type")


def _check_time(*, practice, starts_at, via, rules, now):
    check_bounded(starts_at, earliest=now, latest=now + timedelta(days=rules.booking_horizon_days),
                  field="starts_at", too_early="Choose a time that has not passed yet.",
                  too_late=f"Visits can be booked up to {rules.booking_horizon_days} days ahead.")
    if via == Via.PATIENT and starts_at < now + timedelta(hours=rules.patient_min_notice_hours):
        raise SchedulingError(f"Online booking closes {rules.patient_min_notice_hours} hours "
                              "before a visit; please call us for a sooner time.",
                              field="starts_at")


def _check_reason(*, practice, reason, action, via):
    if reason is None:
        raise SchedulingError("Choose a reason.", field="reason")
    if (reason.practice_id != practice.pk or not reason.is_active
            or reason.applies_to not in (ReasonCode.AppliesTo.BOTH, action)
            or (via == Via.PATIENT and not reason.patient_may_choose)):
        raise SchedulingError("Choose one of the reasons listed.", field="reason")


def _default_channel(patient):
    return patient.preferred_channel if patient.preferred_channel in ("email", "sms", "phone") \
        else "sms"


def _insert_or_taken(appointment, *, practice, visit_type, provider, starts_at):
    """Save inside a savepoint; the exclusion constraint's refusal becomes SlotTaken."""
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as error:
        if getattr(error.__cause__, "sqlstate", None) != "23P01":  # exclusion_violation
            raise
        raise SlotTaken(next_free_slots(practice=practice, visit_type=visit_type,
                                        provider=provider, after=starts_at)) from None


@transaction.atomic
def appointment_book(*, practice, patient, provider, visit_type, starts_at, via,
                     booked_by=None, channel=None, reason_note="",
                     identity_check=None) -> Appointment:
    """Book `visit_type` with `provider` at `starts_at` for `patient`.

    Refuses a time outside the provider's template, an ineligible patient, a
    past or too-distant time, and (via the database) a time already taken.
    """
    now = timezone.now()
    rules = scheduling_settings_for(practice)
    if patient.practice_id != practice.pk or provider.practice_id != practice.pk:
        raise SchedulingError("Unknown patient or provider.")
    _check_time(practice=practice, starts_at=starts_at, via=via, rules=rules, now=now)
    check_eligible(practice=practice, patient=patient, visit_type=visit_type,
                   starts_at=starts_at, via=via)
    if not slot_is_open(practice=practice, visit_type=visit_type, provider=provider,
                        starts_at=starts_at):
        # Either outside the template, or booked already: say which.
        raise _refusal_for_closed_slot(practice=practice, visit_type=visit_type,
                                       provider=provider, starts_at=starts_at)
    if identity_check is not None and identity_check.patient_id != patient.pk:
        raise SchedulingError("That identity check is for another patient.")
    lock_providers(provider.pk)
    ends_at = starts_at + visit_type.duration
    appointment = Appointment(
        practice=practice, patient=patient, provider=provider, visit_type=visit_type,
        modality=visit_type.modality, starts_at=starts_at, ends_at=ends_at,
        busy_until=ends_at + visit_type.buffer, channel=channel or _default_channel(patient),
        reason_note=reason_note[:300], booked_via=via, booked_by=booked_by,
        identity_check=identity_check)
    _insert_or_taken(appointment, practice=practice, visit_type=visit_type, provider=provider,
                     starts_at=starts_at)
    _event(appointment, Action.BOOKED, actor=booked_by, via=via)
    reminders_plan(appointment=appointment, rules=rules, now=now)
    appointment_notice_queue(appointment=appointment, change="booked")
    _verify_channel_at_booking(appointment)
    _after_change(appointment, "booked")
    return appointment


def _verify_channel_at_booking(appointment):
    """An unverified channel gets the portal's code-and-link check at once. With no
    address, or a likely typo, nothing is sent: the appointment page says so, and the
    pre-visit sweep turns it into a work item."""
    from .channels import channel_status, channel_verification_send

    status = channel_status(patient=appointment.patient, channel=appointment.channel)
    if status.value and not status.verified and not status.verification_pending:
        with suppress(SchedulingError):
            channel_verification_send(patient=appointment.patient, channel=appointment.channel)


def _refusal_for_closed_slot(*, practice, visit_type, provider, starts_at):
    taken = Appointment.objects.for_practice(practice).holding_time().filter(
        provider=provider, starts_at__lt=starts_at + visit_type.duration + visit_type.buffer,
        busy_until__gt=starts_at).exists()
    if taken:
        return SlotTaken(next_free_slots(practice=practice, visit_type=visit_type,
                                         provider=provider, after=starts_at))
    return SchedulingError("That time is not in the provider's schedule for this visit type. "
                           "Choose one of the open times.", field="starts_at")


@transaction.atomic
def appointment_reschedule(*, practice, appointment, starts_at, reason, via, actor=None,
                           provider=None, note="") -> Appointment:
    """Move a booked visit to a new time (and provider). Same row, sequence + 1, so the
    calendar entry moves; reminders are planned again for the new time."""
    now = timezone.now()
    rules = scheduling_settings_for(practice)
    appointment = _locked(practice, appointment)
    if appointment.status != AppointmentStatus.BOOKED:
        raise SchedulingError("Only a booked visit can be moved.")
    if via == Via.PATIENT and appointment.starts_at < now + timedelta(
            hours=rules.patient_min_notice_hours):
        raise SchedulingError("This visit is too soon to move online; please call us.")
    _check_reason(practice=practice, reason=reason, action="reschedule", via=via)
    _check_time(practice=practice, starts_at=starts_at, via=via, rules=rules, now=now)
    provider = provider or appointment.provider
    visit_type = appointment.visit_type
    if starts_at == appointment.starts_at and provider.pk == appointment.provider_id:
        raise SchedulingError("Choose a different time.", field="starts_at")
    if not slot_is_open(practice=practice, visit_type=visit_type, provider=provider,
                        starts_at=starts_at, exclude_appointment=appointment):
        raise _refusal_for_closed_slot(practice=practice, visit_type=visit_type,
                                       provider=provider, starts_at=starts_at)
    lock_providers(provider.pk, appointment.provider_id)
    previous, previous_provider = appointment.starts_at, appointment.provider
    appointment.provider = provider
    appointment.starts_at = starts_at
    appointment.ends_at = starts_at + visit_type.duration
    appointment.busy_until = appointment.ends_at + visit_type.buffer
    appointment.sequence += 1
    _insert_or_taken(appointment, practice=practice, visit_type=visit_type, provider=provider,
                     starts_at=starts_at)
    _event(appointment, Action.RESCHEDULED, actor=actor, via=via, reason=reason, note=note,
           previous_starts_at=previous)
    reminders_cancel(appointment=appointment, reason="the visit was moved")
    reminders_plan(appointment=appointment, rules=rules, now=now)
    appointment_notice_queue(appointment=appointment, change="rescheduled")
    _backfill(practice, previous_provider, previous)
    _after_change(appointment, "rescheduled", freed=(previous, appointment.provider_id))
    return appointment


@transaction.atomic
def appointment_cancel(*, practice, appointment, reason, via, actor=None,
                       note="") -> Appointment:
    """Cancel a booked visit with a reason. Inside the late-cancel window it is recorded
    as a late cancel. Pending reminders stop."""
    now = timezone.now()
    rules = scheduling_settings_for(practice)
    appointment = _locked(practice, appointment)
    if appointment.status != AppointmentStatus.BOOKED:
        raise SchedulingError("This visit is not booked any more.")
    if appointment.starts_at <= now and via == Via.PATIENT:
        raise SchedulingError("This visit has already started; please call us.")
    if via == Via.PATIENT and appointment.starts_at < now + timedelta(
            hours=rules.patient_min_notice_hours):
        raise SchedulingError("This visit is too soon to cancel online; please call us.")
    _check_reason(practice=practice, reason=reason, action="cancel", via=via)
    late = appointment.starts_at - now < timedelta(hours=rules.late_cancel_hours)
    appointment.status = AppointmentStatus.LATE_CANCELLED if late else AppointmentStatus.CANCELLED
    appointment.cancel_reason = reason
    appointment.cancel_note = note[:300]
    appointment.cancelled_at = now
    appointment.save(update_fields=["status", "cancel_reason", "cancel_note", "cancelled_at",
                                    "updated_at"])
    _event(appointment, Action.LATE_CANCELLED if late else Action.CANCELLED, actor=actor,
           via=via, reason=reason, note=note)
    reminders_cancel(appointment=appointment, reason="the visit was cancelled")
    appointment_notice_queue(appointment=appointment, change="cancelled")
    _backfill(practice, appointment.provider, appointment.starts_at)
    _after_change(appointment, "cancelled", freed=(appointment.starts_at, appointment.provider_id))
    return appointment


ATTENDANCE = {
    "arrived": (AppointmentStatus.ARRIVED, Action.ARRIVED),
    "no_show": (AppointmentStatus.NO_SHOW, Action.NO_SHOW),
}
# Arrival can be recorded from this long before the start (patients come early).
ARRIVAL_WINDOW = timedelta(hours=2)


@transaction.atomic
def appointment_mark_attendance(*, practice, appointment, outcome, actor,
                                reason=None, note="") -> Appointment:
    """Record arrived, no-show or late cancel (S7)."""
    now = timezone.now()
    appointment = _locked(practice, appointment)
    if outcome == "late_cancel":
        if reason is None:
            reason = scheduling_reason(practice, "patient_request")
        _check_reason(practice=practice, reason=reason, action="cancel", via=Via.STAFF)
        if appointment.status != AppointmentStatus.BOOKED:
            raise SchedulingError("Only a booked visit can be marked as a late cancel.")
        appointment.status = AppointmentStatus.LATE_CANCELLED
        appointment.cancel_reason = reason
        appointment.cancelled_at = now
        appointment.cancel_note = note[:300]
        appointment.attendance_at = now
        appointment.save()
        _event(appointment, Action.LATE_CANCELLED, actor=actor, via=Via.STAFF, reason=reason,
               note=note)
        reminders_cancel(appointment=appointment, reason="the visit was cancelled")
        _backfill(practice, appointment.provider, appointment.starts_at)
        return appointment
    if outcome not in ATTENDANCE:
        raise SchedulingError("Choose arrived, no-show or late cancel.", field="outcome")
    if appointment.status not in (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED,
                                  AppointmentStatus.NO_SHOW):
        raise SchedulingError("A cancelled visit has no attendance to record.")
    if outcome == "arrived" and now < appointment.starts_at - ARRIVAL_WINDOW:
        raise SchedulingError("Arrival can be recorded from two hours before the visit.",
                              field="outcome")
    if outcome == "no_show" and now < appointment.starts_at:
        raise SchedulingError("A no-show can be recorded once the visit has started.",
                              field="outcome")
    status, action = ATTENDANCE[outcome]
    if appointment.status == status:
        return appointment
    appointment.status = status
    appointment.attendance_at = now
    appointment.save(update_fields=["status", "attendance_at", "updated_at"])
    _event(appointment, action, actor=actor, via=Via.STAFF, note=note)
    reminders_cancel(appointment=appointment, reason="attendance recorded")
    return appointment


@transaction.atomic
def appointment_link_identity_check(*, practice, appointment, identity_check, actor):
    """S8: the two identifiers checked before discussing this visit by phone."""
    if identity_check.patient_id != appointment.patient_id:
        raise SchedulingError("That identity check is for another patient.")
    appointment = _locked(practice, appointment)
    appointment.identity_check = identity_check
    appointment.save(update_fields=["identity_check", "updated_at"])
    _event(appointment, Action.IDENTITY_CHECKED, actor=actor, via=Via.STAFF,
           note=f"{identity_check.get_first_identifier_display()} + "
                f"{identity_check.get_second_identifier_display()}")
    return appointment


def scheduling_reason(practice, code) -> ReasonCode:
    scheduling_settings_for(practice)
    return ReasonCode.objects.for_practice(practice).get(code=code)


def _locked(practice, appointment) -> Appointment:
    return (Appointment.objects.for_practice(practice).select_for_update(of=("self",))
            .select_related("visit_type", "patient", "provider").get(pk=appointment.pk))


# --- Reminders ---------------------------------------------------------------

def reminders_plan(*, appointment, rules=None, now=None):
    """One pending reminder per hour offset of the practice's schedule. A reminder whose
    time has already passed at booking is not planned (the confirmation covers it)."""
    rules = rules or scheduling_settings_for(appointment.practice)
    now = now or timezone.now()
    rows = [
        AppointmentReminder(practice_id=appointment.practice_id, appointment=appointment,
                            hours_before=hours, sequence=appointment.sequence,
                            due_at=appointment.starts_at - timedelta(hours=hours))
        for hours in sorted(set(rules.reminder_hours), reverse=True)
        if appointment.starts_at - timedelta(hours=hours) > now
    ]
    AppointmentReminder.objects.bulk_create(rows, ignore_conflicts=True)


def reminders_cancel(*, appointment, reason):
    AppointmentReminder.objects.filter(
        practice_id=appointment.practice_id, appointment=appointment,
        status=AppointmentReminder.Status.PENDING
    ).update(status=AppointmentReminder.Status.CANCELLED, skip_reason=reason[:200],
             processed_at=timezone.now())


def _backfill(practice, provider, starts_at):
    """A freed time goes to the waitlist in the same transaction (nothing lost)."""
    from .waitlist import waitlist_backfill

    waitlist_backfill(practice=practice, provider=provider, starts_at=starts_at)


def _after_change(appointment, change, *, freed=None):
    """Side effects after commit (messages to the patient, waitlist offers)."""
    from . import hooks

    transaction.on_commit(lambda: hooks.appointment_changed.send(
        sender=Appointment, appointment_id=appointment.pk, change=change, freed=freed))


__all__ = [
    "CANCELLED", "SchedulingError", "SlotTaken", "appointment_book", "appointment_cancel",
    "appointment_mark_attendance", "appointment_reschedule", "check_eligible",
    "reminders_cancel", "reminders_plan", "scheduling_reason",
]
