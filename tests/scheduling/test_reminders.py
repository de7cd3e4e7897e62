"""Confirmations and reminders: exactly once, on the patient's channel and language,
with the visit page link and a calendar invite that parses."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from scheduling.hooks import preparation_steps
from scheduling.models import AppointmentReminder
from scheduling.notices import due_reminder_ids, reminders_send_due
from scheduling.services import (
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    scheduling_reason,
)
from tests.factories import ContactPointFactory
from vpm.notify import services as notify
from vpm.notify.models import OutboundMessage

from .factories import local, next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def phone(patient):
    return ContactPointFactory(patient=patient, kind="phone", value="+13125550142")


@pytest.fixture
def email(patient):
    return ContactPointFactory(patient=patient, kind="email", value="maria@mail.example")


@pytest.fixture
def booked(practice, patient, provider_member, video_visit, template, phone, staff):
    day = next_weekday(2, weeks_ahead=2)
    return appointment_book(practice=practice, patient=patient, provider=provider_member,
                            visit_type=video_visit, starts_at=local(practice, day, 9),
                            via="staff", booked_by=staff, channel="sms")


def reminders(appointment):
    return OutboundMessage.objects.filter(
        idempotency_key__startswith=f"appointment:{appointment.pk}:reminder:")


def test_booking_sends_one_confirmation_by_text_with_the_visit_page_link(booked, practice):
    [notice] = OutboundMessage.objects.filter(template="appointment_update")
    assert notice.idempotency_key == f"appointment:{booked.pk}:booked:0"
    assert notice.channel == "sms" and notice.to == "+13125550142"
    # One link, to our own visit page behind the date-of-birth check: never a video link.
    [url] = re.findall(r"https?://\S+", notice.body)
    assert url.startswith(f"http://127.0.0.1:8000/p/{practice.slug}/portal/l/")
    assert str(booked.pk) not in url and booked.patient.last_name not in url
    assert "is booked for" in notice.body
    local_start = booked.starts_at.astimezone(ZoneInfo(practice.timezone))
    assert local_start.strftime("%-I:%M") in notice.body and ("CST" in notice.body
                                                             or "CDT" in notice.body)


def test_reminders_follow_the_practice_schedule(booked):
    due = sorted(booked.reminders.values_list("due_at", flat=True))
    assert due == [booked.starts_at - timedelta(hours=h) for h in (72, 24, 2)]


def test_the_sweep_run_twice_sends_each_reminder_once(booked):
    at = booked.starts_at - timedelta(hours=72) + timedelta(minutes=1)
    assert reminders_send_due(now=at)["queued"] == 1
    assert reminders_send_due(now=at)["queued"] == 0
    [message] = reminders(booked)
    assert message.idempotency_key == f"appointment:{booked.pk}:reminder:0:72h"
    assert "reminder" in message.body and "/portal/l/" in message.body


def test_a_reminder_due_during_an_outage_is_sent_late_and_the_earlier_one_skipped(booked):
    # Workers were down from before the 72 h reminder until 20 hours before the visit.
    back = booked.starts_at - timedelta(hours=20)
    counts = reminders_send_due(now=back)
    assert counts == {"queued": 1, "skipped": 1, "cancelled": 0}
    [message] = reminders(booked)
    assert message.idempotency_key.endswith(":24h")
    skipped = booked.reminders.get(hours_before=72)
    assert skipped.status == "skipped" and "superseded by the 24h" in skipped.skip_reason
    assert booked.events.filter(action="reminder_skipped").count() == 1


def test_a_reminder_whose_visit_has_begun_is_recorded_skipped(booked):
    AppointmentReminder.objects.filter(appointment=booked).exclude(hours_before=2).update(
        status="cancelled")
    after_start = booked.starts_at + timedelta(minutes=5)
    assert reminders_send_due(now=after_start) == {"queued": 0, "skipped": 1, "cancelled": 0}
    reminder = booked.reminders.get(hours_before=2)
    assert reminder.status == "skipped" and "had begun" in reminder.skip_reason
    assert not reminders(booked).exists()


def test_rescheduling_replans_and_the_new_time_gets_its_own_reminders(booked, practice):
    new_start = booked.starts_at + timedelta(days=1, hours=1)
    appointment_reschedule(practice=practice, appointment=booked, starts_at=new_start,
                           reason=scheduling_reason(practice, "patient_request"), via="staff")
    reminders_send_due(now=new_start - timedelta(hours=23))
    [message] = reminders(booked)
    assert message.idempotency_key == f"appointment:{booked.pk}:reminder:1:24h"
    assert not booked.reminders.filter(sequence=0, status="pending").exists()
    assert OutboundMessage.objects.filter(
        idempotency_key=f"appointment:{booked.pk}:rescheduled:1").exists()


def test_cancelling_stops_reminders(booked, practice):
    appointment_cancel(practice=practice, appointment=booked, via="staff",
                       reason=scheduling_reason(practice, "patient_request"))
    assert reminders_send_due(now=booked.starts_at - timedelta(minutes=30))["queued"] == 0
    assert not reminders(booked).exists()
    assert OutboundMessage.objects.filter(
        idempotency_key=f"appointment:{booked.pk}:cancelled:0").exists()


def test_no_address_on_file_is_recorded_as_skipped(practice, patient, provider_member,
                                                   video_visit, template):
    day = next_weekday(2, weeks_ahead=2)
    appointment = appointment_book(practice=practice, patient=patient, provider=provider_member,
                                   visit_type=video_visit, starts_at=local(practice, day, 9),
                                   via="staff", channel="email")
    assert not OutboundMessage.objects.exists()
    reminders_send_due(now=appointment.starts_at - timedelta(hours=71))
    reminder = appointment.reminders.get(hours_before=72)
    assert reminder.status == "skipped" and "no email address on file" in reminder.skip_reason


def test_a_failed_send_is_retried(booked, settings):
    from tests.notify.test_outbound_messages import FailingSMS

    reminders_send_due(now=booked.starts_at - timedelta(hours=71))
    [message] = reminders(booked)
    settings.SMS_BACKEND = "tests.scheduling.test_reminders.FlakySMS"
    FlakySMS.failures = 1
    notify.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == "queued" and message.attempts == 1
    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    notify.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2
    assert FailingSMS  # the same DeliveryError seam as the notify tests


class FlakySMS:
    failures = 0

    def send(self, *, to, body):
        from vpm.notify.backends import DeliveryError

        if FlakySMS.failures:
            FlakySMS.failures -= 1
            raise DeliveryError("provider timeout")
        return "flaky-ok"


def test_email_reminder_carries_a_calendar_invite_that_parses(
        practice, patient, provider_member, video_visit, template, email):
    day = next_weekday(2, weeks_ahead=2)
    appointment = appointment_book(practice=practice, patient=patient, provider=provider_member,
                                   visit_type=video_visit, starts_at=local(practice, day, 9),
                                   via="staff", channel="email")
    [notice] = OutboundMessage.objects.filter(template="appointment_update")
    notify.message_send(message_id=notice.pk)
    first = _invite(mail.outbox[-1])
    assert str(first["UID"]) == f"{appointment.pk}@vpm"
    assert first["SEQUENCE"] == 0
    start = first.decoded("DTSTART")
    assert str(start.tzinfo) == practice.timezone and (start.hour, start.minute) == (9, 0)
    assert first.decoded("DTSTART") == appointment.starts_at
    assert "/portal/visits/" in str(first["URL"])

    appointment_reschedule(practice=practice, appointment=appointment,
                           starts_at=local(practice, day, 10),
                           reason=scheduling_reason(practice, "patient_request"), via="staff")
    moved = OutboundMessage.objects.get(idempotency_key__endswith=":rescheduled:1")
    notify.message_send(message_id=moved.pk)
    second = _invite(mail.outbox[-1])
    assert str(second["UID"]) == str(first["UID"]), "the same calendar entry moves"
    assert second["SEQUENCE"] == 1 and second.decoded("DTSTART").hour == 10


def _invite(email_message):
    [(name, content, mimetype)] = email_message.attachments
    assert name == "visit.ics" and mimetype == "text/calendar"
    calendar = Calendar.from_ical(content)
    assert any(c.name == "VTIMEZONE" for c in calendar.walk())
    [event] = calendar.walk("VEVENT")
    return event


def test_preparation_steps_come_from_other_apps_through_the_hook(booked):
    def intake_steps(sender, appointment, language, **kwargs):
        return ["Finish your intake form: 3 steps left."]

    def broken(sender, **kwargs):
        raise RuntimeError("a broken receiver must not stop reminders")

    preparation_steps.connect(intake_steps, dispatch_uid="test-intake-steps")
    preparation_steps.connect(broken, dispatch_uid="test-broken-steps")
    try:
        reminders_send_due(now=booked.starts_at - timedelta(hours=71))
    finally:
        preparation_steps.disconnect(dispatch_uid="test-intake-steps")
        preparation_steps.disconnect(dispatch_uid="test-broken-steps")
    [message] = reminders(booked)
    assert "1 step to do before" in message.body


def test_reminders_in_the_patients_language(practice, patient, provider_member, video_visit,
                                            template, phone):
    patient.preferred_language = "es"
    patient.save()
    day = next_weekday(2, weeks_ahead=2)
    appointment_book(practice=practice, patient=patient, provider=provider_member,
                     visit_type=video_visit, starts_at=local(practice, day, 9), via="staff")
    [notice] = OutboundMessage.objects.filter(template="appointment_update")
    assert "está reservada" in notice.body


def test_the_sweep_finds_due_reminders_from_the_index_alone(booked):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        with CaptureQueriesContext(connection) as queries:
            due_reminder_ids(now=timezone.now(), limit=500)
        cursor.execute("EXPLAIN " + queries[0]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using appointment_reminder_due_idx" in plan, plan
