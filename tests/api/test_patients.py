import pytest
from django.utils import timezone

from tests.factories import ContactPointFactory, PatientFactory
from vpm.audit.models import AuditEvent

from .conftest import url

pytestmark = pytest.mark.django_db


def test_lists_the_practices_patients_alphabetically(api_as, practice, staff):
    PatientFactory(practice=practice, last_name="Zhou", first_name="Li")
    PatientFactory(practice=practice, last_name="Adams", first_name="Jo")
    rows = api_as(staff).get(url(practice, "patients/")).json()["results"]
    assert [row["last_name"] for row in rows] == ["Adams", "Zhou"]


def test_patient_list_never_shows_another_practices_patients(
        api_as, practice, other_practice, staff, patient):
    # given a patient here and one at another practice
    PatientFactory(practice=other_practice)
    # when staff list this practice's patients
    response = api_as(staff).get(url(practice, "patients/"))
    # then only this practice's patient is there
    assert [row["id"] for row in response.json()["results"]] == [str(patient.pk)]


def test_search_matches_name_starts_and_mrn(api_as, practice, staff, patient):
    other = PatientFactory(practice=practice, first_name="John", last_name="Smith", mrn="X123")
    client = api_as(staff)
    assert _ids(client.get(url(practice, "patients/?q=garc"))) == [str(patient.pk)]
    assert _ids(client.get(url(practice, "patients/?q=X123"))) == [str(other.pk)]
    assert _ids(client.get(url(practice, "patients/?q=nobody"))) == []


def _ids(response):
    assert response.status_code == 200
    return [row["id"] for row in response.json()["results"]]


def test_listing_patients_is_audited(api_as, practice, staff, patient):
    api_as(staff).get(url(practice, "patients/"), HTTP_USER_AGENT="vpm-tests")
    event = AuditEvent.objects.get()
    assert (event.practice, event.actor, event.patient, event.action, event.via) == (
        practice, staff, None, AuditEvent.Action.LIST_PATIENTS, "api")
    assert event.user_agent == "vpm-tests"


@pytest.mark.parametrize(("query", "status", "message"), [
    ("q=" + "a" * 101, 400, "no more than 100 characters"),
    ("q=a%00b", 400, "Null characters are not allowed"),
    ("surname=Garcia", 400, "Unknown name"),
    ("page=999", 404, "Invalid page"),
    ("page=abc", 404, "Invalid page"),
])
def test_bad_patient_list_query_is_refused_and_not_audited(api_as, practice, staff, query,
                                                           status, message):
    response = api_as(staff).get(url(practice, f"patients/?{query}"))
    assert response.status_code == status
    assert message in str(response.json())
    assert not AuditEvent.objects.exists()


def test_patient_list_is_paginated(api_as, practice, staff):
    PatientFactory.create_batch(51, practice=practice)
    body = api_as(staff).get(url(practice, "patients/")).json()
    assert (body["count"], len(body["results"])) == (51, 50)
    assert body["next"].endswith("?page=2")


def test_patient_list_runs_a_fixed_number_of_queries(api_as, practice, staff,
                                                     count_queries):
    # given 5 patients, then 60 (more than a page)
    client = api_as(staff)
    PatientFactory.create_batch(5, practice=practice)
    few = count_queries(client, url(practice, "patients/"))
    PatientFactory.create_batch(55, practice=practice)
    many = count_queries(client, url(practice, "patients/"))
    assert few == many



def test_patient_detail_shows_demographics_and_contact_points(api_as, practice, staff, patient):
    ContactPointFactory(patient=patient, kind="phone", value="+13125550100", is_primary=True,
                        verified_at=timezone.now())
    ContactPointFactory(patient=patient, kind="email", value="maria@example.test")
    body = api_as(staff).get(url(practice, f"patients/{patient.pk}/")).json()
    assert (body["first_name"], body["last_name"], body["mrn"]) == ("Maria", "Garcia", patient.mrn)
    assert body["date_of_birth"] == "1980-05-17"
    assert [(p["value"], p["verified"]) for p in body["contact_points"]] == [
        ("+13125550100", True), ("maria@example.test", False)]


def test_viewing_a_patient_is_audited(api_as, practice, staff, patient):
    api_as(staff).get(url(practice, f"patients/{patient.pk}/"))
    event = AuditEvent.objects.get()
    assert (event.practice, event.actor, event.patient, event.action, event.via) == (
        practice, staff, patient, AuditEvent.Action.VIEW_PATIENT, "api")
    assert (event.object_type, event.object_id) == ("patients.patient", str(patient.pk))


def test_outsider_gets_404_for_patient_detail_and_is_not_audited(api_as, practice, outsider,
                                                                 patient):
    response = api_as(outsider).get(url(practice, f"patients/{patient.pk}/"))
    assert response.status_code == 404
    assert not AuditEvent.objects.exists()


def test_missing_patient_is_404(api_as, practice, staff):
    response = api_as(staff).get(url(practice, "patients/00000000-0000-0000-0000-000000000000/"))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_patient_detail_runs_a_fixed_number_of_queries(api_as, practice, staff, patient,
                                                       count_queries):
    client = api_as(staff)
    path = url(practice, f"patients/{patient.pk}/")
    ContactPointFactory(patient=patient)
    few = count_queries(client, path)
    ContactPointFactory.create_batch(10, patient=patient)
    many = count_queries(client, path)
    assert few == many
