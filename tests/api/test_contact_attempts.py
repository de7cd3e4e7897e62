from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import ContactAttemptFactory, PatientFactory
from vpm.audit.models import AuditEvent
from vpm.patients.models import ContactAttempt

from .conftest import url

pytestmark = pytest.mark.django_db

VALID = {"channel": "phone", "direction": "outbound", "outcome": "left_message",
         "note": "Asked to call back about the form."}


def _log(practice, patient):
    return url(practice, f"patients/{patient.pk}/contact-attempts/")


def test_contact_log_lists_attempts_newest_first(api_as, practice, staff, patient):
    older = ContactAttemptFactory(patient=patient, occurred_at=timezone.now() - timedelta(days=1))
    newer = ContactAttemptFactory(patient=patient, made_by=staff)
    rows = api_as(staff).get(_log(practice, patient)).json()["results"]
    assert [row["id"] for row in rows] == [newer.pk, older.pk]
    assert rows[0]["made_by"] == {"id": staff.pk, "name": "Alex Staff"}
    assert rows[1]["made_by"] is None


def test_contact_log_shows_only_that_patients_attempts(api_as, practice, staff, patient):
    ContactAttemptFactory(patient=patient)
    ContactAttemptFactory(patient=PatientFactory(practice=practice))  # another patient
    assert api_as(staff).get(_log(practice, patient)).json()["count"] == 1


def test_reading_the_contact_log_is_audited(api_as, practice, staff, patient):
    api_as(staff).get(_log(practice, patient))
    event = AuditEvent.objects.get()
    assert (event.practice, event.actor, event.patient, event.action, event.via) == (
        practice, staff, patient, AuditEvent.Action.VIEW_CONTACT_LOG, "api")


def test_contact_log_runs_a_fixed_number_of_queries(api_as, practice, staff, patient,
                                                    count_queries):
    # given 5 attempts by staff, then 60 (more than a page)
    client = api_as(staff)
    ContactAttemptFactory.create_batch(5, patient=patient, made_by=staff)
    few = count_queries(client, _log(practice, patient))
    ContactAttemptFactory.create_batch(55, patient=patient, made_by=staff)
    many = count_queries(client, _log(practice, patient))
    assert few == many



def test_logging_an_attempt_records_who_and_now(api_as, practice, staff, patient):
    # when staff log a call without saying when
    response = api_as(staff).post(_log(practice, patient), VALID, format="json")
    # then it is recorded as theirs, just now
    assert response.status_code == 201
    attempt = ContactAttempt.objects.get()
    assert (attempt.practice, attempt.patient, attempt.made_by) == (practice, patient, staff)
    assert (attempt.outcome, attempt.note) == ("left_message", VALID["note"])
    assert timezone.now() - attempt.occurred_at < timedelta(minutes=1)
    assert response.json()["id"] == attempt.pk


def test_logging_an_attempt_in_the_past_keeps_its_time(api_as, practice, staff, patient):
    when = timezone.now() - timedelta(hours=3)
    body = {**VALID, "occurred_at": when.isoformat()}
    assert api_as(staff).post(_log(practice, patient), body, format="json").status_code == 201
    assert ContactAttempt.objects.get().occurred_at == when


def test_logging_by_form_post_works_too(api_as, practice, staff, patient):
    response = api_as(staff).post(_log(practice, patient), VALID)  # multipart form
    assert response.status_code == 201


@pytest.mark.parametrize(("body", "field"), [
    ({**VALID, "channel": "pigeon"}, "channel"),
    ({**VALID, "outcome": ["reached"]}, "outcome"),
    ({**VALID, "direction": None}, "direction"),
    ({"channel": "phone", "direction": "outbound"}, "outcome"),
    ({**VALID, "note": "x" * 2001}, "note"),
    ({**VALID, "note": "nul\u0000byte"}, "note"),
    ({**VALID, "note": {"text": "hi"}}, "note"),
    ({**VALID, "note": 12345}, "note"),
    ({**VALID, "occurred_at": "yesterday"}, "occurred_at"),
    ({**VALID, "occurred_at": "9999-12-31T23:59:59-05:00"}, "occurred_at"),
    ({**VALID, "occurred_at": (timezone.now() + timedelta(days=1)).isoformat()}, "occurred_at"),
    ({**VALID, "made_by": 1}, "made_by"),
    ({**VALID, "patient": "00000000-0000-0000-0000-000000000000"}, "patient"),
])
def test_bad_contact_attempt_is_400_and_logs_nothing(api_as, practice, staff, patient, body,
                                                     field):
    response = api_as(staff).post(_log(practice, patient), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not ContactAttempt.objects.exists()


@pytest.mark.parametrize("raw", [
    b"{not json", b"[1, 2]", b'"a string"', b"null", b'{"note": "\\ud800"}',
    b"[" * 100_000, b'{"channel": NaN}', b"\xff\xfe",
])
def test_malformed_json_is_400_and_logs_nothing(api_as, practice, staff, patient, raw):
    response = api_as(staff).post(_log(practice, patient), raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()
    assert not ContactAttempt.objects.exists()


def test_unsupported_content_type_is_415(api_as, practice, staff, patient):
    response = api_as(staff).post(_log(practice, patient), b"<x/>", content_type="text/xml")
    assert response.status_code == 415
    assert not ContactAttempt.objects.exists()


def test_outsider_cannot_log_an_attempt_on_a_foreign_patient(api_as, other_practice, outsider,
                                                             patient):
    response = api_as(outsider).post(_log(other_practice, patient), VALID, format="json")
    assert response.status_code == 404
    assert not ContactAttempt.objects.exists()
