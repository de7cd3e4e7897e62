"""Response targets per kind and urgency, and the due times they give.

Defaults ship here; a manager overrides any of them per practice
(`SlaTarget` rows, edited on the queue settings page). Emergencies count plain
clock time (a patient who cannot breathe does not wait for Monday); the rest
count the practice's business hours (vpm.queue.business_hours).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from .business_hours import BusinessCalendar
from .models import Kind, SlaTarget, Urgency

HOUR = 60
BUSINESS_DAY = 9 * HOUR  # the default opening hours are 08:00-17:00


@dataclass(frozen=True)
class Target:
    minutes: int
    business_hours: bool = True


DEFAULT_BY_URGENCY = {
    Urgency.EMERGENCY: Target(15, business_hours=False),
    Urgency.URGENT: Target(2 * HOUR),
    Urgency.ROUTINE: Target(BUSINESS_DAY),
}
# Kinds whose routine target differs from one business day.
DEFAULT_ROUTINE_BY_KIND = {
    Kind.PORTAL_MESSAGE: Target(BUSINESS_DAY),
    Kind.CANNOT_CONNECT: Target(30, business_hours=False),
    Kind.RECORDS_REQUEST: Target(30 * 24 * HOUR, business_hours=False),  # statutory 30 days
    Kind.POST_VISIT_TASK: Target(3 * BUSINESS_DAY),
    Kind.INTAKE_REVIEW: Target(2 * BUSINESS_DAY),
}
# Nothing may be set beyond this (a year of clock time), nor below one minute.
MAX_MINUTES = 366 * 24 * HOUR


def default_target(kind, urgency) -> Target:
    if urgency == Urgency.ROUTINE and kind in DEFAULT_ROUTINE_BY_KIND:
        return DEFAULT_ROUTINE_BY_KIND[kind]
    return DEFAULT_BY_URGENCY[Urgency(urgency)]


def targets_for_practice(practice) -> dict[tuple[str, int], Target]:
    """Every (kind, urgency) with the practice's target: defaults plus its own rows."""
    targets = {(kind, urgency): default_target(kind, urgency)
               for kind in Kind.values for urgency in Urgency.values}
    for row in SlaTarget.objects.for_practice(practice):
        targets[(row.kind, row.urgency)] = Target(row.minutes, row.business_hours)
    return targets


def target_for(*, practice, kind, urgency) -> Target:
    row = SlaTarget.objects.for_practice(practice).filter(kind=kind, urgency=urgency).first()
    if row is not None:
        return Target(row.minutes, row.business_hours)
    return default_target(kind, urgency)


def due_at_for(*, practice, kind, urgency, start: datetime,
               calendar: BusinessCalendar | None = None) -> datetime:
    """When an item of this kind and urgency that arrived at `start` is due."""
    target = target_for(practice=practice, kind=kind, urgency=urgency)
    return deadline_for(practice=practice, target=target, start=start, calendar=calendar)


def deadline_for(*, practice, target: Target, start: datetime,
                 seconds: float | None = None,
                 calendar: BusinessCalendar | None = None) -> datetime:
    seconds = target.minutes * 60 if seconds is None else seconds
    if not target.business_hours:
        return start + timedelta(seconds=seconds)
    calendar = calendar or BusinessCalendar.for_practice(practice, around=start)
    return calendar.deadline(start, seconds)


def time_left(*, practice, target: Target, now: datetime, due_at: datetime) -> float:
    """Seconds of the target's own clock between now and the due time."""
    if not target.business_hours:
        return (due_at - now).total_seconds()
    return BusinessCalendar.for_practice(practice, around=now).seconds_between(now, due_at)
