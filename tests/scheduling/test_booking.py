"""Booking, moving and cancelling a visit, and what each refuses."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from scheduling.models import Appointment, AppointmentEvent, AppointmentReminder, TemplateException
from scheduling.selectors import reason_codes_for, slot_search
from scheduling.services import (
    SchedulingError,
    SlotTaken,
    appointment_book,
    appointment_cancel,
    appointment_mark_attendance,
    appointment_reschedule,
    scheduling_reason,
)
from tests.factories import PatientFactory

from .factories import VisitTypeFactory, local, next_weekday, weekly_template

pytestmark = pytest.mark.django_db


def book(practice, patient, provider_member, visit_type, starts_at, via="staff", **kwargs):
    return appointment_book(practice=practice, patient=patient, provider=provider_member,
                            visit_type=visit_type, starts_at=starts_at, via=via, **kwargs)


@pytest.fixture
def monday(practice):
    return next_weekday(0)


def test_staff_books_an_open_slot_and_it_disappears_from_search(
        practice, patient, provider_member, video_visit, template, staff, monday):
    starts = local(practice, monday, 9, 30)
    appointment = book(practice, patient, provider_member, video_visit, starts, booked_by=staff)

    assert appointment.ends_at - appointment.starts_at == timedelta(minutes=30)
    assert appointment.channel == patient.preferred_channel
    assert [e.action for e in appointment.events.all()] == ["booked"]
    slots = [s.starts_at for s in slot_search(practice=practice, visit_type=video_visit,
                                              first_day=monday, last_day=monday)]
    assert starts not in slots
    assert local(practice, monday, 9, 0) in slots
    # 09:15 would overlap the 09:30 visit by 15 minutes.
    assert local(practice, monday, 9, 15) not in slots
    assert local(practice, monday, 10, 0) in slots


def test_a_second_booking_of_the_same_time_is_refused_with_next_free_slots(
        practice, patient, provider_member, video_visit, template, monday):
    starts = local(practice, monday, 9)
    book(practice, patient, provider_member, video_visit, starts)
    other = PatientFactory(practice=practice)

    with pytest.raises(SlotTaken) as refusal:
        book(practice, other, provider_member, video_visit, starts)

    assert "just taken" in str(refusal.value)
    assert refusal.value.next_slots[0].starts_at == local(practice, monday, 9, 30)
    assert Appointment.objects.count() == 1


def test_the_database_itself_refuses_overlapping_visits(
        practice, patient, provider_member, video_visit, monday):
    """Even code that skips the services cannot double-book: the exclusion constraint."""
    starts = local(practice, monday, 9)
    fields = dict(practice=practice, patient=patient, provider=provider_member,
                  visit_type=video_visit, modality="video", channel="sms", booked_via="staff")
    Appointment.objects.create(starts_at=starts, ends_at=starts + timedelta(minutes=30),
                               busy_until=starts + timedelta(minutes=30), **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(starts_at=starts + timedelta(minutes=20),
                                   ends_at=starts + timedelta(minutes=50),
                                   busy_until=starts + timedelta(minutes=50), **fields)
    # Back to back is fine; cancelled visits do not hold time.
    Appointment.objects.create(starts_at=starts + timedelta(minutes=30),
                               ends_at=starts + timedelta(minutes=60),
                               busy_until=starts + timedelta(minutes=60), **fields)
    reason = scheduling_reason(practice, "other")
    Appointment.objects.create(starts_at=starts, ends_at=starts + timedelta(minutes=30),
                               busy_until=starts + timedelta(minutes=30), status="cancelled",
                               cancel_reason=reason, **fields)


def test_buffer_time_keeps_the_next_slot_free(practice, patient, provider_member, monday):
    visit = VisitTypeFactory(practice=practice, duration_minutes=30, buffer_minutes=15)
    weekly_template(practice, provider_member, [visit])
    book(practice, patient, provider_member, visit, local(practice, monday, 9))
    slots = [s.starts_at for s in slot_search(practice=practice, visit_type=visit,
                                              first_day=monday, last_day=monday)]
    assert local(practice, monday, 9, 30) not in slots
    assert local(practice, monday, 9, 45) in slots


@pytest.mark.parametrize("hour, minute", [(8, 30), (11, 45), (13, 0)])
def test_a_time_outside_the_template_is_refused(practice, patient, provider_member,
                                                video_visit, template, monday, hour, minute):
    with pytest.raises(SchedulingError) as refusal:
        book(practice, patient, provider_member, video_visit, local(practice, monday, hour, minute))
    assert refusal.value.field == "starts_at"
    assert "not in the provider's schedule" in str(refusal.value)
    assert not Appointment.objects.exists()


def test_a_visit_type_the_block_does_not_accept_is_refused(practice, patient, provider_member,
                                                           template, monday):
    in_person = VisitTypeFactory(practice=practice, modality="in_person")
    with pytest.raises(SchedulingError):
        book(practice, patient, provider_member, in_person, local(practice, monday, 9))
    assert not Appointment.objects.exists()


def test_time_off_removes_slots(practice, patient, provider_member, video_visit, template, monday):
    TemplateException.objects.create(
        practice=practice, provider=provider_member, kind="time_off",
        starts_at=local(practice, monday, 0), ends_at=local(practice, monday, 23))
    assert slot_search(practice=practice, visit_type=video_visit, first_day=monday,
                       last_day=monday) == []
    with pytest.raises(SchedulingError):
        book(practice, patient, provider_member, video_visit, local(practice, monday, 9))


def test_an_extra_session_adds_slots_on_a_day_without_template(practice, provider_member,
                                                               video_visit, template, monday):
    saturday = monday + timedelta(days=5)
    extra = TemplateException.objects.create(
        practice=practice, provider=provider_member, kind="extra", modality="video",
        starts_at=local(practice, saturday, 10), ends_at=local(practice, saturday, 11))
    extra.visit_types.set([video_visit])
    slots = slot_search(practice=practice, visit_type=video_visit, first_day=saturday,
                        last_day=saturday)
    assert [s.starts_at for s in slots] == [local(practice, saturday, 10, m) for m in (0, 15, 30)]


def test_past_and_far_future_times_are_refused(practice, patient, provider_member, video_visit,
                                               template, rules):
    with pytest.raises(SchedulingError, match="has not passed"):
        book(practice, patient, provider_member, video_visit,
             timezone.now() - timedelta(days=7))
    with pytest.raises(SchedulingError, match="days ahead"):
        book(practice, patient, provider_member, video_visit,
             timezone.now() + timedelta(days=rules.booking_horizon_days + 7))
    with pytest.raises(SchedulingError):
        book(practice, patient, provider_member, video_visit,
             timezone.now().replace(year=9999))
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("booking, message", [("staff", "only be booked by the front office"),
                                              ("request", "please ask us to book it")])
def test_patients_cannot_book_staff_only_or_by_request_types(practice, patient, provider_member,
                                                             monday, booking, message):
    visit = VisitTypeFactory(practice=practice, booking=booking)
    weekly_template(practice, provider_member, [visit])
    with pytest.raises(SchedulingError, match=message):
        book(practice, patient, provider_member, visit, local(practice, monday, 9), via="patient")
    # Staff may book it.
    book(practice, patient, provider_member, visit, local(practice, monday, 9), via="staff")


def test_new_patient_only_and_established_only_types(practice, patient, provider_member,
                                                     video_visit, template, monday):
    new_visit = VisitTypeFactory(practice=practice, patient_status="new", modality="video")
    follow_up = VisitTypeFactory(practice=practice, patient_status="established",
                                 modality="video")
    for block in template:
        block.visit_types.add(new_visit, follow_up)
    with pytest.raises(SchedulingError, match="established patients"):
        book(practice, patient, provider_member, follow_up, local(practice, monday, 9))
    book(practice, patient, provider_member, new_visit, local(practice, monday, 9))
    with pytest.raises(SchedulingError, match="new patients only"):
        book(practice, patient, provider_member, new_visit, local(practice, monday, 10))
    book(practice, patient, provider_member, follow_up, local(practice, monday, 10))


def test_age_limits(practice, provider_member, monday):
    child_visit = VisitTypeFactory(practice=practice, max_age_years=17)
    weekly_template(practice, provider_member, [child_visit])
    adult = PatientFactory(practice=practice)  # born 1980
    with pytest.raises(SchedulingError, match="aged 17 and under"):
        book(practice, adult, provider_member, child_visit, local(practice, monday, 9))


def test_another_practices_visit_type_is_refused(practice, other_practice, patient,
                                                 provider_member, monday):
    foreign = VisitTypeFactory(practice=other_practice)
    with pytest.raises(SchedulingError):
        book(practice, patient, provider_member, foreign, local(practice, monday, 9))


def test_reschedule_moves_the_same_row_and_replans_reminders(
        practice, patient, provider_member, video_visit, template, staff):
    day = next_weekday(0, weeks_ahead=2)
    appointment = book(practice, patient, provider_member, video_visit, local(practice, day, 9))
    assert sorted(appointment.reminders.values_list("hours_before", flat=True)) == [2, 24, 72]
    reason = scheduling_reason(practice, "patient_request")

    moved = appointment_reschedule(practice=practice, appointment=appointment,
                                   starts_at=local(practice, day + timedelta(days=1), 10),
                                   reason=reason, via="staff", actor=staff, note="asked by phone")

    assert moved.pk == appointment.pk and moved.sequence == 1
    assert Appointment.objects.count() == 1
    event = moved.events.get(action="rescheduled")
    assert event.reason == reason and event.previous_starts_at == local(practice, day, 9)
    reminders = AppointmentReminder.objects.filter(appointment=moved)
    assert set(reminders.filter(sequence=0).values_list("status", flat=True)) == {"cancelled"}
    new = reminders.filter(sequence=1, status="pending")
    assert {r.due_at for r in new} == {moved.starts_at - timedelta(hours=h) for h in (72, 24, 2)}
    # The old time is free again.
    assert local(practice, day, 9) in [s.starts_at for s in slot_search(
        practice=practice, visit_type=video_visit, first_day=day, last_day=day)]


def test_reschedule_and_cancel_require_a_reason(practice, patient, provider_member,
                                                video_visit, template, monday):
    appointment = book(practice, patient, provider_member, video_visit, local(practice, monday, 9))
    with pytest.raises(SchedulingError, match="Choose a reason") as refusal:
        appointment_cancel(practice=practice, appointment=appointment, reason=None, via="staff")
    assert refusal.value.field == "reason"
    with pytest.raises(SchedulingError, match="Choose a reason"):
        appointment_reschedule(practice=practice, appointment=appointment, reason=None,
                               starts_at=local(practice, monday, 10), via="staff")
    appointment.refresh_from_db()
    assert appointment.status == "booked" and appointment.starts_at == local(practice, monday, 9)
    assert appointment.events.count() == 1


def test_a_staff_only_reason_is_refused_to_patients(practice, patient, provider_member,
                                                    video_visit, template):
    day = next_weekday(0, weeks_ahead=2)
    appointment = book(practice, patient, provider_member, video_visit, local(practice, day, 9))
    with pytest.raises(SchedulingError, match="reasons listed"):
        appointment_cancel(practice=practice, appointment=appointment, via="patient",
                           reason=scheduling_reason(practice, "provider_unavailable"))


def test_cancel_frees_the_slot_and_stops_reminders(practice, patient, provider_member,
                                                   video_visit, template):
    day = next_weekday(0, weeks_ahead=2)
    appointment = book(practice, patient, provider_member, video_visit, local(practice, day, 9))
    appointment_cancel(practice=practice, appointment=appointment, via="patient",
                       reason=scheduling_reason(practice, "feeling_better"))
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    assert not appointment.reminders.filter(status="pending").exists()
    book(practice, PatientFactory(practice=practice), provider_member, video_visit,
         local(practice, day, 9))
    with pytest.raises(SchedulingError, match="not booked any more"):
        appointment_cancel(practice=practice, appointment=appointment, via="staff",
                           reason=scheduling_reason(practice, "other"))


def test_cancel_inside_the_window_is_a_late_cancel(practice, patient, provider_member,
                                                   video_visit, rules):
    soon = timezone.now() + timedelta(hours=5)
    TemplateException.objects.create(
        practice=practice, provider=provider_member, kind="extra", modality="video",
        starts_at=soon.replace(second=0, microsecond=0), ends_at=soon + timedelta(hours=1),
    ).visit_types.set([video_visit])
    appointment = book(practice, patient, provider_member, video_visit,
                       soon.replace(second=0, microsecond=0))
    appointment_cancel(practice=practice, appointment=appointment, via="staff",
                       reason=scheduling_reason(practice, "patient_request"))
    appointment.refresh_from_db()
    assert appointment.status == "late_cancelled"
    assert appointment.events.last().action == "late_cancelled"


def test_attendance_rules(practice, patient, provider_member, video_visit, template, staff,
                          monday):
    appointment = book(practice, patient, provider_member, video_visit, local(practice, monday, 9))
    with pytest.raises(SchedulingError, match="two hours before"):
        appointment_mark_attendance(practice=practice, appointment=appointment,
                                    outcome="arrived", actor=staff)
    with pytest.raises(SchedulingError, match="once the visit has started"):
        appointment_mark_attendance(practice=practice, appointment=appointment,
                                    outcome="no_show", actor=staff)
    with pytest.raises(SchedulingError, match="Choose arrived"):
        appointment_mark_attendance(practice=practice, appointment=appointment,
                                    outcome="vanished", actor=staff)
    # Visit time comes: move it into the past directly (as the clock would).
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=timezone.now() - timedelta(minutes=10),
        ends_at=timezone.now() + timedelta(minutes=20),
        busy_until=timezone.now() + timedelta(minutes=20))
    appointment_mark_attendance(practice=practice, appointment=appointment, outcome="no_show",
                                actor=staff)
    appointment.refresh_from_db()
    assert appointment.status == "no_show"
    assert appointment.events.filter(action="no_show", actor=staff).count() == 1
    assert not appointment.reminders.filter(status="pending").exists()


def test_late_cancel_by_staff(practice, patient, provider_member, video_visit, template, staff,
                              monday):
    appointment = book(practice, patient, provider_member, video_visit, local(practice, monday, 9))
    appointment_mark_attendance(practice=practice, appointment=appointment,
                                outcome="late_cancel", actor=staff)
    appointment.refresh_from_db()
    assert appointment.status == "late_cancelled" and appointment.cancel_reason is not None


def test_default_reason_codes_exist_per_practice(practice, other_practice):
    assert scheduling_reason(practice, "tech_problem").practice == practice
    assert scheduling_reason(other_practice, "tech_problem").practice == other_practice
    assert reason_codes_for(practice, action="cancel").count() == 7
    assert not reason_codes_for(practice, action="reschedule").filter(code="feeling_better")


def test_every_change_writes_one_event(practice, patient, provider_member, video_visit,
                                       template, staff):
    day = next_weekday(0, weeks_ahead=2)
    appointment = book(practice, patient, provider_member, video_visit, local(practice, day, 9))
    reason = scheduling_reason(practice, "patient_request")
    appointment_reschedule(practice=practice, appointment=appointment, reason=reason,
                           starts_at=local(practice, day, 10), via="staff", actor=staff)
    appointment_cancel(practice=practice, appointment=appointment, reason=reason, via="staff",
                       actor=staff)
    assert list(AppointmentEvent.objects.filter(appointment=appointment)
                .values_list("action", flat=True)) == ["booked", "rescheduled", "cancelled"]
