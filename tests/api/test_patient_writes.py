"""API: create, change and merge patients; their contact points and insurance."""

import pytest

from tests.factories import ContactPointFactory, PatientFactory
from vpm.audit.models import AuditEvent
from vpm.patients.models import Insurance, Patient, PatientChange, PatientMerge

from .conftest import url

pytestmark = pytest.mark.django_db

NEW = {"first_name": "Lucía", "last_name": "Hernández", "date_of_birth": "1991-03-09",
       "preferred_channel": "sms", "mobile_phone": "(312) 555-0142"}


def test_create_normalises_and_returns_the_record(api_as, practice, staff):
    response = api_as(staff).post(url(practice, "patients/"), NEW, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["contact_points"][0]["value"] == "+13125550142"
    assert body["mrn"].startswith("M")
    patient = Patient.objects.get(pk=body["id"])
    assert patient.changes.get().via == "api"
    assert AuditEvent.objects.filter(patient=patient, action="change_patient", via="api").exists()


def test_a_likely_duplicate_is_409_with_candidates_until_save_anyway(api_as, practice, staff):
    existing = PatientFactory(practice=practice, first_name="Lucia", last_name="Hernandez",
                              date_of_birth="1991-03-09")
    client = api_as(staff)
    refused = client.post(url(practice, "patients/"), NEW, format="json")
    assert refused.status_code == 409
    assert [d["id"] for d in refused.json()["duplicates"]] == [str(existing.pk)]
    assert Patient.objects.count() == 1
    created = client.post(url(practice, "patients/"), {**NEW, "save_anyway": True}, format="json")
    assert created.status_code == 201
    assert PatientChange.objects.filter(kind="duplicate_override").count() == 1


@pytest.mark.parametrize("field, value, message", [
    ("date_of_birth", "2999-01-01", "cannot be in the future"),
    ("date_of_birth", "1991-02-30", "Enter a real date"),
    ("mobile_phone", "+999 1", "not a phone number"),
    ("first_name", "x" * 10_000, "no more than 100"),
    ("last_name", "Ruiz\u202e", "control characters"),
    ("nickname", "Lu", "Unknown name"),
    ("first_name", 42, "Not a valid string"),
])
def test_bad_input_is_a_400_on_the_field_and_nothing_is_saved(api_as, practice, staff,
                                                               field, value, message):
    response = api_as(staff).post(url(practice, "patients/"), {**NEW, field: value},
                                  format="json")
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert not Patient.objects.exists()


def test_patch_changes_only_what_is_sent_and_records_history(api_as, practice, staff, patient):
    ContactPointFactory(patient=patient, value="+13125550100")
    response = api_as(staff).patch(url(practice, f"patients/{patient.pk}/"),
                                   {"mobile_phone": "312-555-0177"}, format="json")
    assert response.status_code == 200
    patient.refresh_from_db()
    assert patient.first_name == "Maria"
    change = PatientChange.objects.get()
    assert (change.field, change.old_value, change.new_value) == \
        ("contact:phone", "+13125550100", "+13125550177")


def test_merge_moves_rows_and_a_second_merge_is_409(api_as, practice, staff, patient):
    duplicate = PatientFactory(practice=practice)
    ContactPointFactory(patient=duplicate, kind="email", value="dup@example.com")
    client = api_as(staff)
    path = url(practice, f"patients/{patient.pk}/merge/")
    response = client.post(path, {"merged": str(duplicate.pk), "reason": "same"}, format="json")
    assert response.status_code == 200
    assert response.json()["moved"] == {"patients.contactpoint": 1}
    assert PatientMerge.objects.get().merged == duplicate
    again = client.post(path, {"merged": str(duplicate.pk)}, format="json")
    assert again.status_code == 409


def test_merge_with_a_foreign_patient_is_refused(api_as, practice, staff, patient,
                                                 other_practice):
    foreign = PatientFactory(practice=other_practice)
    response = api_as(staff).post(url(practice, f"patients/{patient.pk}/merge/"),
                                  {"merged": str(foreign.pk)}, format="json")
    assert response.status_code == 400
    assert not PatientMerge.objects.exists()


def test_contact_points_are_added_normalised_and_removed(api_as, practice, staff, patient):
    client = api_as(staff)
    added = client.post(url(practice, f"patients/{patient.pk}/contact-points/"),
                        {"kind": "home_phone", "value": "(312) 555-0188"}, format="json")
    assert added.status_code == 201 and added.json()["value"] == "+13125550188"
    typo = client.post(url(practice, f"patients/{patient.pk}/contact-points/"),
                       {"kind": "email", "value": "maria@hotmial.com"}, format="json")
    assert "maria@hotmail.com" in typo.json()["value"][0]
    removed = client.delete(url(practice, f"patients/{patient.pk}/contact-points/"
                                          f"{added.json()['id']}/"))
    assert removed.status_code == 204 and not patient.contact_points.exists()


def test_another_practices_contact_point_and_insurance_are_404(api_as, practice, staff, patient,
                                                              other_practice):
    foreign = PatientFactory(practice=other_practice)
    point = ContactPointFactory(patient=foreign)
    insurance = Insurance.objects.create(practice=other_practice, patient=foreign, payer="A",
                                         member_id="1")
    client = api_as(staff)
    assert client.delete(url(practice, f"patients/{foreign.pk}/contact-points/{point.pk}/")) \
        .status_code == 404
    assert client.delete(url(practice, f"patients/{patient.pk}/contact-points/{point.pk}/")) \
        .status_code == 404
    assert client.patch(url(practice, f"patients/{patient.pk}/insurance/{insurance.pk}/"),
                        {"verified": True}, format="json").status_code == 404
    assert point.__class__.objects.filter(pk=point.pk).exists()


def test_insurance_is_added_and_verified_by_the_caller(api_as, practice, staff, patient):
    client = api_as(staff)
    added = client.post(url(practice, f"patients/{patient.pk}/insurance/"),
                        {"payer": "Aetna", "member_id": "W1"}, format="json")
    assert added.status_code == 201 and added.json()["verified_at"] is None
    verified = client.patch(url(practice, f"patients/{patient.pk}/insurance/{added.json()['id']}/"),
                            {"verified": True}, format="json")
    assert verified.json()["verified_by"]["id"] == staff.pk
    changed = client.patch(url(practice, f"patients/{patient.pk}/insurance/{added.json()['id']}/"),
                           {"member_id": "W2"}, format="json")
    assert changed.json()["verified_at"] is None  # new details are not verified yet
