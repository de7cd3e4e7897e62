"""Registering a patient on the staff page: checked input, duplicates first, history."""

import pytest

from tests.factories import PatientFactory
from tests.web.helpers import error_next_to
from vpm.audit.models import AuditEvent
from vpm.patients.models import Patient, PatientChange

pytestmark = pytest.mark.django_db


def test_registering_stores_normalised_contacts_insurance_and_history(
        as_user, staff, practice, register_url, valid_registration):
    response = as_user(staff).post(register_url, valid_registration)
    patient = Patient.objects.get(last_name="Hernández")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/patients/{patient.pk}/")
    assert sorted(patient.contact_points.values_list("kind", "value")) == [
        ("email", "lucia@example.com"), ("phone", "+13125550142")]
    assert patient.emergency_contact_phone == "+13125550199"
    assert patient.mrn.startswith("M") and len(patient.mrn) == 9
    insurance = patient.insurances.get()
    assert (insurance.payer, insurance.member_id, insurance.verified_at) == \
        ("Blue Cross", "XJ123456", None)
    assert patient.changes.get().kind == PatientChange.Kind.CREATED
    assert AuditEvent.objects.filter(patient=patient, action="change_patient", actor=staff).exists()


def test_a_typed_mrn_is_kept_and_verified_insurance_names_who(
        as_user, staff, register_url, valid_registration):
    as_user(staff).post(register_url, {**valid_registration, "mrn": "a-1001",
                                       "insurance-verified": "on"})
    patient = Patient.objects.get(mrn="A-1001")
    insurance = patient.insurances.get()
    assert insurance.verified_by == staff and insurance.verified_at is not None


def test_likely_duplicate_is_shown_with_a_link_and_nothing_is_saved(
        as_user, staff, practice, register_url, valid_registration, existing_maria):
    form = {**valid_registration, "first_name": "Maria", "last_name": "Garcia",
            "date_of_birth": "05/17/1980", "mobile_phone": "", "preferred_channel": "email"}
    response = as_user(staff).post(register_url, form)
    assert response.status_code == 409
    assert "This may be a patient you already have" in response.text
    assert f'/patients/{existing_maria.pk}/' in response.text
    assert "same date of birth and a similar name" in response.text
    assert Patient.objects.for_practice(practice).count() == 1


def test_same_phone_in_another_format_is_a_likely_duplicate(
        as_user, staff, practice, register_url, valid_registration, existing_maria):
    form = {**valid_registration, "mobile_phone": "+1 312-555-0100"}
    response = as_user(staff).post(register_url, form)
    assert response.status_code == 409
    assert "same phone or email" in response.text


def test_saving_anyway_creates_the_patient_and_records_the_choice(
        as_user, staff, practice, register_url, valid_registration, existing_maria):
    form = {**valid_registration, "mobile_phone": "312 555 0100", "save_anyway": "1"}
    as_user(staff).post(register_url, form)
    created = Patient.objects.get(last_name="Hernández")
    override = created.changes.get(kind=PatientChange.Kind.DUPLICATE_OVERRIDE)
    assert override.new_value == f"MRN {existing_maria.mrn}"
    assert override.changed_by == staff


def test_another_practices_patient_is_never_suggested(
        as_user, staff, other_practice, register_url, valid_registration):
    twin = PatientFactory(practice=other_practice, first_name="Lucía", last_name="Hernández",
                          date_of_birth="1991-03-09")
    response = as_user(staff).post(register_url, valid_registration)
    assert response.status_code == 302
    assert str(twin.pk) not in response.text


@pytest.mark.parametrize("field, value, message", [
    ("date_of_birth", "2/30/1991", "Enter a real date"),
    ("date_of_birth", "1/1/2999", "cannot be in the future"),
    ("date_of_birth", "1/1/1850", "before 1900"),
    ("date_of_birth", "", "This field is required"),
    ("mobile_phone", "+999 1234", "not a phone number we can read"),
    ("mobile_phone", "555-01", "does not exist"),
    ("mobile_phone", "(999) 555-0100", "does not exist"),
    ("mobile_phone", "call me", "Enter a phone number"),
    ("email", "lucia@gmial.com", "did you mean lucia@gmail.com"),
    ("email", "lucia@example.con", "did you mean lucia@example.com"),
    ("email", "not-an-email", "valid email"),
    ("first_name", "x" * 10_000, "at most 100 characters"),
    ("last_name", "Hern\u202eández", "hidden control characters"),
    ("first_name", "Lu\x1bcía", "hidden control characters"),
    ("first_name", "", "This field is required"),
    ("sex", "robot", "Select a valid choice"),
    ("mrn", "A\x00B", "Null characters are not allowed"),
    ("insurance-member_id", "", "member ID"),
])
def test_bad_input_is_refused_next_to_the_field_and_nothing_saved(
        as_user, staff, practice, register_url, valid_registration, field, value, message):
    response = as_user(staff).post(register_url, {**valid_registration, field: value})
    assert response.status_code == 400
    assert message in error_next_to(response, f"id_{field}")
    assert not Patient.objects.for_practice(practice).exists()


def test_preferred_channel_needs_its_contact_point(as_user, staff, register_url,
                                                   valid_registration):
    form = {**valid_registration, "mobile_phone": "", "preferred_channel": "sms"}
    response = as_user(staff).post(register_url, form)
    assert "Mobile phone is needed" in error_next_to(response, "id_preferred_channel")


def test_a_typed_mrn_of_another_patient_is_refused(as_user, staff, register_url,
                                                   valid_registration, patient):
    response = as_user(staff).post(register_url, {**valid_registration, "mrn": patient.mrn})
    assert "belongs to another patient" in error_next_to(response, "id_mrn")


def test_the_same_mrn_in_another_practice_is_fine(as_user, staff, register_url,
                                                  valid_registration, foreign_patient):
    response = as_user(staff).post(register_url, {**valid_registration,
                                                  "mrn": foreign_patient.mrn})
    assert response.status_code == 302
