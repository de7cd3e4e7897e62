"""Staff and manager scheduling pages: booking in a few clicks, changes with reasons,
refusals next to the field, tenancy and roles."""

from datetime import UTC, time, timedelta

import pytest
from django.urls import reverse

from scheduling.models import Appointment, TemplateBlock, TemplateException, VisitType
from scheduling.services import appointment_book
from tests.conftest import client_for
from tests.factories import PatientFactory
from vpm.audit.models import AuditEvent

from .factories import local, next_weekday, weekly_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def monday():
    return next_weekday(0)


@pytest.fixture
def visit(practice, patient, provider_member, video_visit, template, monday):
    return appointment_book(practice=practice, patient=patient, provider=provider_member,
                            visit_type=video_visit, starts_at=local(practice, monday, 9),
                            via="staff")


def slot_key(provider_member, starts_at):
    return f"{provider_member.pk}|{starts_at.astimezone(UTC).isoformat()}"


def test_staff_book_from_the_patient_page_in_a_few_clicks(practice, staff, patient,
                                                          provider_member, video_visit,
                                                          template, monday):
    client = client_for(staff)
    page = client.get(reverse("patient_detail", args=[practice.slug, patient.pk]))
    book_url = reverse("book_for_patient", args=[practice.slug, patient.pk])
    assert book_url in page.text
    found = client.get(book_url, {"visit_type": video_visit.pk, "from_day": monday.isoformat()})
    assert found.status_code == 200
    starts = local(practice, monday, 9, 30)
    assert slot_key(provider_member, starts) in found.text
    booked = client.post(book_url, {"visit_type": video_visit.pk, "channel": "sms",
                                    "slot": slot_key(provider_member, starts)}, follow=True)
    appointment = Appointment.objects.get()
    assert appointment.starts_at == starts and appointment.booked_by == staff
    assert "Booked Video follow-up with" in booked.text
    assert booked.redirect_chain[-1][0].endswith(f"/appointments/{appointment.pk}/")


def test_a_slot_just_taken_answers_409_with_the_next_free_times(practice, staff, visit,
                                                                provider_member, video_visit):
    other = PatientFactory(practice=practice)
    response = client_for(staff).post(
        reverse("book_for_patient", args=[practice.slug, other.pk]),
        {"visit_type": video_visit.pk, "channel": "sms",
         "slot": slot_key(provider_member, visit.starts_at)})
    assert response.status_code == 409
    assert "That time was just taken" in response.text
    assert slot_key(provider_member, visit.starts_at + timedelta(minutes=30)) in response.text
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize("slot", ["", "garbage", "99999|2030-01-01T09:00:00+00:00",
                                  "1|2030-01-01T09:00:00", "1|9999-12-31T23:59:00-06:00"])
def test_bad_slots_are_refused_next_to_the_field(practice, staff, patient, video_visit,
                                                 provider_member, template, slot):
    slot = slot.replace("1|", f"{provider_member.pk}|", 1) if slot.startswith("1|") else slot
    response = client_for(staff).post(
        reverse("book_for_patient", args=[practice.slug, patient.pk]),
        {"visit_type": video_visit.pk, "channel": "sms", "slot": slot})
    assert response.status_code == 400
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("params", [{"from_day": "9999-12-31"}, {"from_day": "2001-01-01"},
                                    {"days": "1000"}, {"visit_type": "nope"}])
def test_bad_searches_are_400_not_500(practice, staff, patient, video_visit, params):
    response = client_for(staff).get(reverse("book_for_patient", args=[practice.slug, patient.pk]),
                                     {"visit_type": video_visit.pk, **params})
    assert response.status_code == 400


def test_cancel_needs_a_reason_and_changes_nothing_without_one(practice, staff, visit):
    client = client_for(staff)
    url = reverse("appointment_cancel", args=[practice.slug, visit.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and "Choose a reason." in refused.text
    visit.refresh_from_db()
    assert visit.status == "booked"
    reason = visit.practice and client.get(reverse("appointment_detail",
                                                   args=[practice.slug, visit.pk])).context[
        "cancel_form"].fields["reason"].queryset.get(code="patient_request")
    done = client.post(url, {"reason": reason.pk, "note": "called in"}, follow=True)
    visit.refresh_from_db()
    assert visit.status in ("cancelled", "late_cancelled") and visit.cancel_note == "called in"
    assert "the patient is told" in done.text


def test_reschedule_page_moves_the_visit(practice, staff, visit, provider_member, monday):
    client = client_for(staff)
    url = reverse("appointment_reschedule", args=[practice.slug, visit.pk])
    page = client.get(url, {"visit_type": visit.visit_type_id, "from_day": monday.isoformat()})
    new = local(practice, monday, 11)
    assert slot_key(provider_member, new) in page.text
    reason = page.context["form"].fields["reason"].queryset.get(code="patient_request")
    refused = client.post(url, {"slot": slot_key(provider_member, new)})
    assert refused.status_code == 400 and "Choose a reason." in refused.text
    client.post(url, {"slot": slot_key(provider_member, new), "reason": reason.pk})
    visit.refresh_from_db()
    assert visit.starts_at == new and visit.sequence == 1


def test_attendance_refusal_is_explained(practice, staff, visit):
    response = client_for(staff).post(reverse("appointment_attendance",
                                              args=[practice.slug, visit.pk]),
                                      {"outcome": "no_show"})
    assert response.status_code == 400
    assert "once the visit has started" in response.text


def test_identity_check_links_to_the_appointment(practice, staff, visit):
    from vpm.patients.services import identity_check_record

    check = identity_check_record(patient=visit.patient, checked_by=staff,
                                  first_identifier="full_name", second_identifier="date_of_birth",
                                  channel="phone", passed=True)
    client_for(staff).post(reverse("appointment_identity_check", args=[practice.slug, visit.pk]),
                           {"identity_check": check.pk})
    visit.refresh_from_db()
    assert visit.identity_check == check
    assert visit.events.filter(action="identity_checked").exists()


def test_the_appointment_page_shows_checks_and_reminders_and_is_audited(practice, staff, visit):
    response = client_for(staff).get(reverse("appointment_detail", args=[practice.slug, visit.pk]))
    assert "Reminders" in response.text and "72h before" in response.text
    assert "nothing on file" in response.text  # no mobile for the channel
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(object_id=str(visit.pk), actor=staff).exists()


def test_day_view_runs_a_fixed_number_of_queries(practice, staff, provider_member, video_visit,
                                                 template, monday, django_assert_max_num_queries):
    client = client_for(staff)
    url = reverse("schedule", args=[practice.slug])
    params = {"provider": provider_member.pk, "day": monday.isoformat(), "view": "week"}
    client.get(url, params)
    for minute in range(0, 180, 30):
        for day in range(5):
            appointment_book(practice=practice, patient=PatientFactory(practice=practice),
                             provider=provider_member, visit_type=video_visit, via="staff",
                             starts_at=local(practice, monday + timedelta(days=day), 9)
                             + timedelta(minutes=minute))
    with django_assert_max_num_queries(12):
        response = client.get(url, params)
    assert response.text.count("/appointments/") >= 30


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2026-02-30", "x"])
def test_day_view_bad_dates_are_400(practice, staff, provider_member, day):
    response = client_for(staff).get(reverse("schedule", args=[practice.slug]), {"day": day})
    assert response.status_code == 400


# --- Tenancy and roles -------------------------------------------------------

@pytest.fixture
def staff_urls(practice, patient, visit):
    slug = practice.slug
    return [reverse("book_for_patient", args=[slug, patient.pk]),
            reverse("schedule", args=[slug]),
            reverse("appointment_detail", args=[slug, visit.pk]),
            reverse("appointment_reschedule", args=[slug, visit.pk])]


@pytest.fixture
def staff_posts(practice, visit):
    return [reverse(name, args=[practice.slug, visit.pk]) for name in (
        "appointment_cancel", "appointment_attendance", "appointment_verify_channel",
        "appointment_identity_check")]


@pytest.fixture
def manager_urls(practice, template, video_visit):
    slug = practice.slug
    return [reverse("scheduling_setup", args=[slug]), reverse("scheduling_rules", args=[slug]),
            reverse("scheduling_audit", args=[slug]),
            reverse("scheduling_visit_type_new", args=[slug]),
            reverse("scheduling_visit_type_edit", args=[slug, video_visit.pk]),
            reverse("scheduling_block_new", args=[slug]),
            reverse("scheduling_block_edit", args=[slug, template[0].pk]),
            reverse("scheduling_exception_new", args=[slug]),
            reverse("scheduling_question_new", args=[slug]),
            reverse("scheduling_reason_new", args=[slug])]


def test_another_practices_staff_get_404_everywhere(outsider, staff_urls, staff_posts,
                                                    manager_urls):
    client = client_for(outsider)
    for url in staff_urls + manager_urls:
        assert client.get(url).status_code == 404, url
    for url in staff_posts:
        assert client.post(url, {}).status_code == 404, url


def test_objects_of_another_practice_are_404(practice, other_practice, staff, manager):
    foreign_type = VisitType.objects.create(practice=other_practice, name="Foreign",
                                            duration_minutes=30, modality="video")
    assert client_for(manager).get(reverse("scheduling_visit_type_edit",
                                           args=[practice.slug, foreign_type.pk])).status_code == 404
    foreign_patient = PatientFactory(practice=other_practice)
    assert client_for(staff).get(reverse("book_for_patient",
                                         args=[practice.slug, foreign_patient.pk])).status_code == 404


def test_staff_and_providers_are_refused_manager_pages(staff, provider, manager_urls):
    for user in (staff, provider):
        for url in manager_urls:
            assert client_for(user).get(url).status_code == 403, url


def test_patients_are_refused_staff_pages(patient_user, staff_urls, manager_urls):
    client = client_for(patient_user)
    for url in staff_urls + manager_urls:
        assert client.get(url).status_code in (403, 404), url


# --- Manager set-up ----------------------------------------------------------

def test_manager_defines_a_visit_type_and_a_block(practice, manager, provider_member):
    client = client_for(manager)
    client.post(reverse("scheduling_visit_type_new", args=[practice.slug]), {
        "name": "Medication refill", "duration_minutes": 15, "buffer_minutes": 0,
        "modality": "video", "booking": "patient", "patient_status": "established",
        "intake_forms": "Medication list\n", "is_active": "on"})
    refill = VisitType.objects.get(name="Medication refill")
    assert refill.intake_forms == ["Medication list"]
    bad = client.post(reverse("scheduling_block_new", args=[practice.slug]), {
        "provider": provider_member.pk, "weekday": 1, "start_time": "12:00",
        "end_time": "09:00", "modality": "video", "visit_types": [refill.pk],
        "valid_from": next_weekday(0).isoformat()})
    assert bad.status_code == 400 and "must end after it starts" in bad.text
    assert not TemplateBlock.objects.exists()
    client.post(reverse("scheduling_block_new", args=[practice.slug]), {
        "provider": provider_member.pk, "weekday": 1, "start_time": "09:00",
        "end_time": "12:00", "modality": "video", "visit_types": [refill.pk],
        "valid_from": next_weekday(0).isoformat()})
    block = TemplateBlock.objects.get()
    assert (block.start_time, list(block.visit_types.all())) == (time(9), [refill])


@pytest.mark.parametrize("hours", ["", "72, abc", "0", "72, 72", "9999", "1,2,3,4,5,6,7"])
def test_bad_reminder_schedules_are_refused(practice, manager, hours):
    response = client_for(manager).post(reverse("scheduling_rules", args=[practice.slug]), {
        "reminder_hours": hours, "slot_step_minutes": 15, "booking_horizon_days": 120,
        "patient_min_notice_hours": 2, "late_cancel_hours": 24, "unverified_channel_hours": 48,
        "insurance_check_days": 7, "insurance_max_age_days": 90, "waitlist_offer_batch": 3,
        "waitlist_offer_minutes": 60, "waitlist_min_notice_hours": 4})
    assert response.status_code == 400


def test_exception_dates_are_bounded(practice, manager, provider_member):
    response = client_for(manager).post(reverse("scheduling_exception_new", args=[practice.slug]), {
        "provider": provider_member.pk, "kind": "time_off", "starts_at": "9999-12-31T09:00",
        "ends_at": "9999-12-31T17:00"})
    assert response.status_code == 400
    assert not TemplateException.objects.exists()


def test_template_audit_lists_findings_with_fixes(practice, manager, provider_member, video_visit,
                                                  template, visit, monday):
    weekly_template(practice, provider_member, [], weekdays=[0], start=time(11), end=time(13))
    in_person = VisitType.objects.create(practice=practice, name="Exam", duration_minutes=30,
                                         modality="in_person")
    weekly_template(practice, provider_member, [in_person], weekdays=[5], modality="video")
    TemplateException.objects.create(practice=practice, provider=provider_member, kind="time_off",
                                     starts_at=local(practice, monday, 8),
                                     ends_at=local(practice, monday, 10))
    response = client_for(manager).get(reverse("scheduling_audit", args=[practice.slug]),
                                       {"weeks": 4})
    kinds = [f.kind for f in response.context["report"].findings]
    assert "unusable_block" in kinds and "overlap" in kinds and "misfit" in kinds
    assert reverse("appointment_detail", args=[practice.slug, visit.pk]) in response.text
    assert "accepts no visit type" in response.text
