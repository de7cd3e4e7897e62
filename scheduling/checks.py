"""Pre-visit checks that become work items for registration (S4, S6).

- Unverified channel: a booked visit within the practice's
  `unverified_channel_hours` whose reminder channel has no verified contact.
- Insurance: a booked visit within `insurance_check_days` whose patient's
  primary coverage is missing, unverified, or verified longer ago than
  `insurance_max_age_days`.

The sweep (beat, every 5 minutes) finds candidates with one query per check
(the conditions are SQL), opens or refreshes an item per visit
(`work_item_open_or_update` is idempotent per source), and closes items whose
reason went away: verified since, visit cancelled or past. Recording the
verification therefore closes the item within minutes with no other code
knowing about scheduling.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.db.models import DateTimeField, DurationField, Exists, ExpressionWrapper, F, OuterRef
from django.utils import timezone

from vpm.patients.models import Insurance
from vpm.practices.models import Team
from vpm.queue.models import ACTIVE_STATUSES, Kind, WorkItem
from vpm.queue.services import work_item_close_for_source, work_item_open_or_update

from .channels import with_channel_verified
from .models import Appointment, AppointmentStatus

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def _window(field, unit=HOUR):
    """The practice's hours (or days) for this check, as an SQL interval."""
    return ExpressionWrapper(F(f"practice__scheduling_settings__{field}") * unit,
                             output_field=DurationField())


def _booked_soon(now, field, unit=HOUR):
    return (Appointment.objects.filter(status=AppointmentStatus.BOOKED, starts_at__gt=now)
            .annotate(window=_window(field, unit))
            .filter(starts_at__lte=now + F("window")))


def insurance_candidates(now):
    """Visits soon whose patient has no primary coverage verified recently enough."""
    fresh = Insurance.objects.filter(
        practice_id=OuterRef("practice_id"), patient_id=OuterRef("patient_id"), is_primary=True,
        verified_at__gte=OuterRef("fresh_since"))
    return (_booked_soon(now, "insurance_check_days", DAY)
            .annotate(fresh_since=ExpressionWrapper(
                now - _window("insurance_max_age_days", DAY), output_field=DateTimeField()))
            .annotate(has_fresh=Exists(fresh)).filter(has_fresh=False)
            .select_related("practice", "patient"))


def _open_insurance(appointment):
    work_item_open_or_update(
        practice=appointment.practice, kind=Kind.INSURANCE_UNVERIFIED, source=appointment,
        team=Team.REGISTRATION, patient=appointment.patient,
        title=f"Verify insurance before a visit on {_local_day(appointment)}",
        detail="No primary coverage verified within the practice's limit. Record the "
               "verification on the patient's insurance; this item then closes itself.",
        due_at=appointment.starts_at - DAY)


def unverified_channel_candidates(now):
    return (with_channel_verified(_booked_soon(now, "unverified_channel_hours"))
            .filter(channel_verified=False)
            .select_related("practice", "patient"))


def _open_unverified(appointment):
    label = appointment.get_channel_display().lower()
    work_item_open_or_update(
        practice=appointment.practice, kind=Kind.UNVERIFIED_CHANNEL, source=appointment,
        team=Team.REGISTRATION, patient=appointment.patient,
        title=f"Confirm the {label} for a visit on {_local_day(appointment)}",
        detail="The visit's reminders go to a contact that is not verified. Send a code from "
               "the appointment page, or confirm it by phone.",
        due_at=appointment.starts_at - timedelta(hours=4))


def _local_day(appointment):
    return f"{appointment.starts_at.astimezone(ZoneInfo(appointment.practice.timezone)):%b %-d}"


def _close_resolved(kind, still_open_ids, outcome):
    content_type = ContentType.objects.get_for_model(Appointment)
    stale = (WorkItem.objects.filter(kind=kind, source_type=content_type,
                                     status__in=ACTIVE_STATUSES)
             .exclude(source_id__in=[str(pk) for pk in still_open_ids])
             .values_list("practice_id", "source_id"))
    closed = 0
    by_id = {str(a.pk): a for a in Appointment.objects.filter(
        pk__in=[source_id for _, source_id in stale]).select_related("practice")}
    for _, source_id in stale:
        appointment = by_id.get(source_id)
        if appointment is not None:
            closed += work_item_close_for_source(practice=appointment.practice, kind=kind,
                                                 source=appointment, outcome=outcome)
    return closed


def checks_sweep(*, now=None) -> dict:
    """Open and close the pre-visit work items. Safe to run again and again."""
    now = now or timezone.now()
    unverified = list(unverified_channel_candidates(now))
    for appointment in unverified:
        _open_unverified(appointment)
    closed = _close_resolved(Kind.UNVERIFIED_CHANNEL, [a.pk for a in unverified],
                             "Resolved: the contact was verified or the visit is no longer ahead")
    uninsured = list(insurance_candidates(now))
    for appointment in uninsured:
        _open_insurance(appointment)
    insurance_closed = _close_resolved(
        Kind.INSURANCE_UNVERIFIED, [a.pk for a in uninsured],
        "Resolved: insurance verified, or the visit is no longer ahead")
    return {"unverified_open": len(unverified), "unverified_closed": closed,
            "insurance_open": len(uninsured), "insurance_closed": insurance_closed}
