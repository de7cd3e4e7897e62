from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from vpm.patients.models import Patient

from .models import AuditEvent


def access_events(*, practice, patient=None, actor_id=None, start=None, end=None, action="",
                  via=""):
    """Audit events of one practice, newest first, narrowed by the report's filters.

    A patient's events include those of records merged into theirs, so "who
    looked at my record" also answers for the duplicate that was folded in.
    `start`/`end` are days in the practice's time zone, both included.
    """
    events = AuditEvent.objects.for_practice(practice).select_related("actor", "patient") \
        .order_by("-at", "-id")
    if patient is not None:
        ids = [patient.pk, *Patient.objects.for_practice(practice)
               .filter(merged_into=patient).values_list("pk", flat=True)]
        events = events.filter(patient_id__in=ids)
    if actor_id:
        events = events.filter(actor_id=actor_id)
    zone = ZoneInfo(practice.timezone)
    if start:
        events = events.filter(at__gte=datetime.combine(start, time.min, zone))
    if end:
        events = events.filter(at__lt=datetime.combine(end + timedelta(days=1), time.min, zone))
    if action:
        events = events.filter(action=action)
    if via:
        events = events.filter(via=via)
    return events
