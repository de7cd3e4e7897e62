"""The scheduling API: slot search, booking with 409 on a taken time, reasons required,
bad input as 400s naming the field, tenancy, roles, audit and fixed query counts."""

from datetime import UTC, timedelta

import pytest

from scheduling.models import Appointment, TemplateBlock
from scheduling.services import appointment_book
from tests.api.conftest import url
from tests.factories import PatientFactory
from vpm.audit.models import AuditEvent

from .factories import local, next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def monday():
    return next_weekday(0)


@pytest.fixture
def visit(practice, patient, provider_member, video_visit, template, monday):
    return appointment_book(practice=practice, patient=patient, provider=provider_member,
                            visit_type=video_visit, starts_at=local(practice, monday, 9),
                            via="staff")


def test_slot_search_and_book_and_a_taken_time_is_409(api_as, practice, staff, patient,
                                                     provider_member, video_visit, template,
                                                     monday):
    client = api_as(staff)
    slots = client.get(url(practice, "slots/"), {"visit_type": video_visit.pk,
                                                 "start": monday.isoformat(), "days": 1}).json()
    assert slots[0]["starts_at"] == local(practice, monday, 9).astimezone(UTC).isoformat() \
        .replace("+00:00", "Z")
    body = {"patient": str(patient.pk), "provider": provider_member.pk,
            "visit_type": video_visit.pk, "starts_at": slots[0]["starts_at"]}
    booked = client.post(url(practice, "appointments/"), body, format="json")
    assert booked.status_code == 201 and booked.json()["booked_via"] == "api"
    other = PatientFactory(practice=practice)
    taken = client.post(url(practice, "appointments/"), {**body, "patient": str(other.pk)},
                        format="json")
    assert taken.status_code == 409
    assert taken.json()["detail"].startswith("That time was just taken")
    assert taken.json()["next_slots"][0]["starts_at"] == slots[2]["starts_at"]  # 9:30


@pytest.mark.parametrize("change, field", [
    ({"starts_at": "9999-12-31T23:59:00-06:00"}, "starts_at"),
    ({"starts_at": "2001-01-01T09:00:00Z"}, "starts_at"),
    ({"visit_type": 999999}, "visit_type"),
    ({"provider": 999999}, "provider"),
    ({"patient": "00000000-0000-0000-0000-000000000000"}, "patient"),
    ({"starts_at": "not a time"}, "starts_at"),
    ({"colour": "red"}, "colour"),
])
def test_bad_bookings_are_400_naming_the_field(api_as, practice, staff, patient, provider_member,
                                               video_visit, template, monday, change, field):
    body = {"patient": str(patient.pk), "provider": provider_member.pk,
            "visit_type": video_visit.pk,
            "starts_at": local(practice, monday, 9).isoformat(), **change}
    response = api_as(staff).post(url(practice, "appointments/"), body, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert not Appointment.objects.exists()


def test_a_time_outside_the_template_is_refused(api_as, practice, staff, patient,
                                                provider_member, video_visit, template, monday):
    response = api_as(staff).post(url(practice, "appointments/"), {
        "patient": str(patient.pk), "provider": provider_member.pk, "visit_type": video_visit.pk,
        "starts_at": local(practice, monday, 13).isoformat()}, format="json")
    assert response.status_code == 400
    assert "not in the provider's schedule" in response.json()["starts_at"][0]


def test_reschedule_and_cancel_need_a_reason(api_as, practice, staff, visit, monday):
    client = api_as(staff)
    path = url(practice, f"appointments/{visit.pk}/")
    missing = client.post(path + "cancel/", {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()
    unknown = client.post(path + "cancel/", {"reason": "bored"}, format="json")
    assert unknown.status_code == 400
    moved = client.post(path + "reschedule/", {
        "reason": "patient_request", "starts_at": local(practice, monday, 10).isoformat()},
        format="json")
    assert moved.status_code == 200 and moved.json()["sequence"] == 1
    cancelled = client.post(path + "cancel/", {"reason": "patient_request"}, format="json")
    assert cancelled.json()["status"] in ("cancelled", "late_cancelled")
    assert cancelled.json()["cancel_reason"] == "patient_request"


def test_attendance_refused_before_the_visit(api_as, practice, staff, visit):
    response = api_as(staff).post(url(practice, f"appointments/{visit.pk}/attendance/"),
                                  {"outcome": "no_show"}, format="json")
    assert response.status_code == 400 and "once the visit has started" in str(response.json())


def test_appointment_list_is_audited_and_runs_fixed_queries(api_as, practice, staff,
                                                            provider_member, video_visit,
                                                            template, monday, count_queries):
    client = api_as(staff)
    appointment_book(practice=practice, patient=PatientFactory(practice=practice),
                     provider=provider_member, visit_type=video_visit, via="staff",
                     starts_at=local(practice, monday + timedelta(days=7), 11))
    few = count_queries(client, url(practice, "appointments/"))
    for minute in range(0, 180, 30):
        for day in range(5):
            appointment_book(practice=practice, patient=PatientFactory(practice=practice),
                             provider=provider_member, visit_type=video_visit, via="staff",
                             starts_at=local(practice, monday + timedelta(days=day), 9)
                             + timedelta(minutes=minute))
    many = count_queries(client, url(practice, "appointments/"))
    assert many == few
    assert AuditEvent.objects.filter(via="api", action="list_patients").count() == 2


def test_slot_search_runs_fixed_queries(api_as, practice, staff, video_visit, template,
                                        rules, count_queries):
    client = api_as(staff)
    one_day = count_queries(client, url(practice, f"slots/?visit_type={video_visit.pk}&days=1"))
    month = count_queries(client, url(practice, f"slots/?visit_type={video_visit.pk}&days=28"))
    assert one_day == month


def test_managers_write_templates_and_staff_only_read(api_as, practice, manager, staff,
                                                     provider_member, video_visit):
    body = {"provider": provider_member.pk, "weekday": 2, "start_time": "13:00",
            "end_time": "17:00", "modality": "video", "visit_types": [video_visit.pk],
            "valid_from": next_weekday(0).isoformat()}
    assert api_as(staff).post(url(practice, "template-blocks/"), body,
                              format="json").status_code == 403
    created = api_as(manager).post(url(practice, "template-blocks/"), body, format="json")
    assert created.status_code == 201 and created.json()["visit_types"] == [video_visit.pk]
    bad = api_as(manager).post(url(practice, "template-blocks/"),
                               {**body, "end_time": "12:00"}, format="json")
    assert bad.status_code == 400 and "end_time" in bad.json()
    assert api_as(staff).get(url(practice, "template-blocks/")).json()["count"] == 1
    block_id = created.json()["id"]
    assert api_as(manager).delete(url(practice, f"template-blocks/{block_id}/")).status_code == 204
    assert not TemplateBlock.objects.exists()


def test_exceptions_and_visit_types_by_managers(api_as, practice, manager, provider_member,
                                                monday):
    client = api_as(manager)
    made = client.post(url(practice, "visit-types/"), {
        "name": "New patient", "duration_minutes": 45, "modality": "in_person",
        "patient_status": "new", "booking": "request"}, format="json")
    assert made.status_code == 201
    off = client.post(url(practice, "template-exceptions/"), {
        "provider": provider_member.pk, "kind": "time_off",
        "starts_at": local(practice, monday, 0).isoformat(),
        "ends_at": local(practice, monday, 23).isoformat()}, format="json")
    assert off.status_code == 201
    far = client.post(url(practice, "template-exceptions/"), {
        "provider": provider_member.pk, "kind": "time_off",
        "starts_at": "9999-01-01T00:00:00Z", "ends_at": "9999-01-02T00:00:00Z"}, format="json")
    assert far.status_code == 400


def test_waitlist_join_and_list(api_as, practice, staff, patient, video_visit, monday):
    client = api_as(staff)
    joined = client.post(url(practice, "waitlist/"), {
        "patient": str(patient.pk), "visit_type": video_visit.pk,
        "available_from": monday.isoformat(), "available_until": monday.isoformat()},
        format="json")
    assert joined.status_code == 201, joined.json()
    assert client.get(url(practice, "waitlist/")).json()["count"] == 1
    backwards = client.post(url(practice, "waitlist/"), {
        "patient": str(patient.pk), "visit_type": video_visit.pk,
        "available_from": (monday + timedelta(days=3)).isoformat(),
        "available_until": monday.isoformat()}, format="json")
    assert backwards.status_code == 400 and "available_until" in backwards.json()


SCHEDULING_PATHS = ["visit-types/", "template-blocks/", "template-exceptions/", "appointments/",
                    "waitlist/"]


def test_another_practices_staff_get_404(api_as, practice, outsider, visit, video_visit):
    client = api_as(outsider)
    for path in SCHEDULING_PATHS + [f"slots/?visit_type={video_visit.pk}",
                                    f"appointments/{visit.pk}/"]:
        assert client.get(url(practice, path)).status_code == 404, path
    assert client.post(url(practice, f"appointments/{visit.pk}/cancel/"),
                       {"reason": "other"}, format="json").status_code == 404


def test_another_practices_ids_are_404_under_our_practice(api_as, practice, other_practice,
                                                          staff, visit):
    assert api_as(staff).get(url(other_practice, f"appointments/{visit.pk}/")).status_code == 404


def test_patients_and_anonymous_are_refused(api_as, practice, patient_user, visit):
    assert api_as(patient_user).get(url(practice, "appointments/")).status_code == 403
    assert api_as(None).get(url(practice, "appointments/")).status_code == 401


def test_scheduling_endpoints_are_in_the_schema(api_as, staff):
    schema = api_as(staff).get("/api/schema/", {"format": "json"}).json()
    for path in ["slots/", "appointments/", "appointments/{appointment_id}/reschedule/",
                 "appointments/{appointment_id}/cancel/",
                 "appointments/{appointment_id}/attendance/", "waitlist/", "visit-types/",
                 "template-blocks/", "template-exceptions/"]:
        assert f"/api/v1/p/{{practice_slug}}/{path}" in schema["paths"], path
