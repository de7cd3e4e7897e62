"""Calendar invites (.ics) for a visit.

The UID comes from the appointment's id and SEQUENCE from its `sequence`, so
a moved visit updates the patient's calendar entry instead of adding a second
one, and a cancelled one (STATUS:CANCELLED, METHOD:CANCEL) removes it. Times
carry the practice's zone (TZID plus its VTIMEZONE).
"""

from zoneinfo import ZoneInfo

from django.utils import timezone
from icalendar import Calendar, Event

from .models import Modality


def appointment_uid(appointment) -> str:
    return f"{appointment.pk}@vpm"


def appointment_ics(appointment, *, visit_url="", language="en") -> bytes:
    zone = ZoneInfo(appointment.practice.timezone)
    calendar = Calendar()
    calendar.add("prodid", "-//VPM//Scheduling//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if appointment.is_cancelled else "PUBLISH")
    event = Event()
    event.add("uid", appointment_uid(appointment))
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", appointment.starts_at.astimezone(zone))
    event.add("dtend", appointment.ends_at.astimezone(zone))
    event.add("summary", f"{appointment.visit_type.name_for(language)} · "
                         f"{appointment.practice.name}")
    event.add("status", "CANCELLED" if appointment.is_cancelled else "CONFIRMED")
    if appointment.modality == Modality.IN_PERSON:
        event.add("location", appointment.practice.name)
    if visit_url:
        # The visit page, never a raw video link: the page checks who is asking.
        event.add("url", visit_url)
        event.add("description", visit_url)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
