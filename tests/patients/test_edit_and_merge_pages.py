"""Editing with history, and merging two records of one person, on the staff pages."""

import pytest
from django.urls import reverse

from tests.factories import (
    ContactAttemptFactory,
    ContactPointFactory,
    PatientFactory,
    WorkItemFactory,
)
from tests.web.helpers import error_next_to
from vpm.audit.models import AuditEvent
from vpm.patients.models import Insurance, PatientChange, PatientMerge
from vpm.patients.services import patient_merge

pytestmark = pytest.mark.django_db


def _edit_form(patient, **changes):
    return {"first_name": patient.first_name, "last_name": patient.last_name,
            "preferred_name": "", "date_of_birth": patient.date_of_birth.isoformat(),
            "sex": "unknown", "gender_identity": "", "address": "", "preferred_language": "en",
            "preferred_channel": "sms", "mrn": patient.mrn, "email": "",
            "mobile_phone": "+13125550100", "home_phone": "", "emergency_contact_name": "",
            "emergency_contact_relationship": "", "emergency_contact_phone": "", **changes}


def _edit(client, patient, **changes):
    url = reverse("patient_edit", args=[patient.practice.slug, patient.pk])
    return client.post(url, _edit_form(patient, **changes))


@pytest.fixture
def maria(practice):
    maria = PatientFactory(practice=practice, first_name="Maria", last_name="Garcia")
    ContactPointFactory(patient=maria, value="+13125550100", verified_at="2026-01-05T10:00Z")
    return maria


def test_an_edit_records_who_when_old_and_new_and_audits_it(as_user, staff, maria):
    response = _edit(as_user(staff), maria, last_name="Garcia-Lopez",
                     mobile_phone="(312) 555-0177")
    assert response.status_code == 302
    changes = {c.field: (c.old_value, c.new_value, c.changed_by)
               for c in PatientChange.objects.filter(patient=maria)}
    assert changes == {"last_name": ("Garcia", "Garcia-Lopez", staff),
                       "contact:phone": ("+13125550100", "+13125550177", staff)}
    point = maria.contact_points.get()
    assert (point.value, point.verified_at) == ("+13125550177", None)  # new number: unverified
    assert AuditEvent.objects.filter(patient=maria, action="change_patient").count() == 1


def test_the_patient_page_marks_changed_fields_and_shows_the_history(as_user, staff, maria):
    client = as_user(staff)
    _edit(client, maria, mobile_phone="(312) 555-0177")
    text = client.get(reverse("patient_detail", args=[maria.practice.slug, maria.pk])).text
    assert "changed " in text and "was “(312) 555-0100”" in text
    history = text.split("History of this record")[1]
    assert "mobile phone" in history and "Alex Staff" in history
    # Phones in the practice's national format, like the rest of the page; never E.164.
    assert "(312) 555-0100" in history and "(312) 555-0177" in history
    assert "+1312" not in history


def test_the_history_shows_another_countrys_number_internationally(as_user, staff, maria):
    client = as_user(staff)
    _edit(client, maria, emergency_contact_name="Ana", emergency_contact_phone="+44 20 7946 0958")
    text = client.get(reverse("patient_detail", args=[maria.practice.slug, maria.pk])).text
    history = text.split("History of this record")[1]
    assert "+44 20 7946 0958" in history and "+442079460958" not in history


def test_saving_without_changes_records_nothing(as_user, staff, maria):
    _edit(as_user(staff), maria)
    assert not PatientChange.objects.exists()
    assert not AuditEvent.objects.filter(action="change_patient").exists()


@pytest.mark.parametrize("field, value, message", [
    ("date_of_birth", "13/45/2001", "Enter a real date"),
    ("date_of_birth", "2999-01-01", "cannot be in the future"),
    ("mobile_phone", "12", "does not exist"),
    ("first_name", "M" * 10_000, "at most 100 characters"),
    ("mrn", "", "keeps an MRN"),
])
def test_a_bad_edit_changes_nothing(as_user, staff, maria, field, value, message):
    response = _edit(as_user(staff), maria, **{field: value})
    assert response.status_code == 400
    assert message in error_next_to(response, f"id_{field}")
    maria.refresh_from_db()
    assert maria.first_name == "Maria" and not PatientChange.objects.exists()


def test_insurance_is_added_then_verified_by_a_named_person(as_user, staff, maria):
    url = reverse("insurance_edit", args=[maria.practice.slug, maria.pk])
    client = as_user(staff)
    client.post(url, {"insurance-payer": "Aetna", "insurance-member_id": "W1",
                      "insurance-subscriber_relationship": "self"})
    client.post(url, {"insurance-payer": "Aetna", "insurance-member_id": "W1",
                      "insurance-subscriber_relationship": "self", "insurance-verified": "on"})
    insurance = Insurance.objects.get(patient=maria)
    assert insurance.verified_by == staff and insurance.verified_at is not None


def test_insurance_without_a_payer_is_refused(as_user, staff, maria):
    url = reverse("insurance_edit", args=[maria.practice.slug, maria.pk])
    response = as_user(staff).post(url, {"insurance-member_id": "W1"})
    assert "insurance company" in error_next_to(response, "id_insurance-payer")
    assert not Insurance.objects.exists()


def test_merging_moves_contacts_log_and_work_items_and_records_it(as_user, staff, practice, maria):
    duplicate = PatientFactory(practice=practice, first_name="María", last_name="García")
    ContactPointFactory(patient=duplicate, value="+13125550100")  # same number: kept once
    ContactPointFactory(patient=duplicate, kind="email", value="maria@example.com")
    ContactAttemptFactory(patient=duplicate)
    item = WorkItemFactory(practice=practice, patient=duplicate)
    url = reverse("patient_merge", args=[practice.slug, maria.pk])
    client = as_user(staff)
    preview = client.post(url, {"mrn": duplicate.mrn, "reason": "same person"})
    assert "Merge MRN" in preview.text and not PatientMerge.objects.exists()
    client.post(url, {"mrn": duplicate.mrn, "reason": "same person", "confirm": "1"})
    record = PatientMerge.objects.get()
    assert (record.kept, record.merged, record.merged_by) == (maria, duplicate, staff)
    assert sorted(maria.contact_points.values_list("value", flat=True)) == \
        ["+13125550100", "maria@example.com"]
    assert maria.contact_attempts.count() == 1
    item.refresh_from_db()
    duplicate.refresh_from_db()
    assert item.patient == maria and duplicate.merged_into == maria
    assert record.moved == {"patients.contactattempt": 1, "patients.contactpoint": 1,
                            "queue.workitem": 1}


def test_a_merged_record_leaves_search_and_says_where_it_went(as_user, staff, practice, maria):
    duplicate = PatientFactory(practice=practice, last_name="Garcia")
    patient_merge(kept=maria, merged=duplicate, actor=staff)
    client = as_user(staff)
    listing = client.post(reverse("patient_list", args=[practice.slug]), {"q": "garcia"})
    assert list(listing.context["page"]) == [maria]
    page = client.get(reverse("patient_detail", args=[practice.slug, duplicate.pk]))
    assert "This record was merged into" in page.text


def test_merging_a_record_of_another_practice_is_refused(as_user, staff, practice, maria,
                                                        foreign_patient):
    url = reverse("patient_merge", args=[practice.slug, maria.pk])
    response = as_user(staff).post(url, {"mrn": foreign_patient.mrn, "confirm": "1"})
    assert "No patient of this practice" in error_next_to(response, "id_mrn")
    assert not PatientMerge.objects.exists()


def test_a_record_cannot_be_merged_twice(as_user, staff, practice, maria):
    duplicate = PatientFactory(practice=practice)
    patient_merge(kept=maria, merged=duplicate, actor=staff)
    url = reverse("patient_merge", args=[practice.slug, maria.pk])
    response = as_user(staff).post(url, {"mrn": duplicate.mrn, "confirm": "1"})
    assert "already been merged" in error_next_to(response, "id_mrn")


def test_workflow_apps_register_their_patient_rows_for_merges():
    from vpm.patients.merge_registry import patient_references

    labels = {ref.model_label for ref in patient_references()}
    assert {"scheduling.appointment", "messaging.thread", "messaging.refillrequest",
            "notify.outboundmessage", "queue.workitem"} <= labels


def test_a_merge_moves_message_threads_registered_by_messaging(staff, practice, maria):
    from messaging.models import Thread

    duplicate = PatientFactory(practice=practice)
    thread = Thread.objects.create(practice=practice, patient=duplicate, subject="Refill")
    record = patient_merge(kept=maria, merged=duplicate, actor=staff)
    thread.refresh_from_db()
    assert thread.patient == maria and record.moved["messaging.thread"] == 1
