"""The patient list, the patient page and its two forms, and the portal home."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ContactAttemptFactory, ContactPointFactory, PatientFactory
from vpm.audit.models import AuditEvent
from vpm.patients.models import ContactAttempt, IdentityCheck

from .helpers import error_next_to, local_form_time, no_store

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(as_user, staff):
    return as_user(staff)


def _list(client, practice, **params):
    """The patient list; a search (q) is posted, as the page's form does."""
    path = reverse("patient_list", args=[practice.slug])
    if "q" in params:
        return client.post(path, params)
    return client.get(path, params)


def _detail_url(patient):
    return reverse("patient_detail", args=[patient.practice.slug, patient.pk])


def _names(response):
    return [p.last_name for p in response.context["page"]]


# --- Patient list ----------------------------------------------------------

def test_patient_list_shows_only_this_practices_patients(staff_client, practice, patient,
                                                          foreign_patient):
    response = _list(staff_client, practice)
    assert _names(response) == ["Garcia"]
    assert "Foreign" not in response.text


def test_patient_list_searches_by_name_and_mrn(staff_client, practice):
    PatientFactory(practice=practice, first_name="Ana", last_name="Lopez", mrn="RS100")
    PatientFactory(practice=practice, first_name="Ben", last_name="Lowe", mrn="RS200")
    assert _names(_list(staff_client, practice, q="lo")) == ["Lopez", "Lowe"]
    assert _names(_list(staff_client, practice, q="ana lo")) == ["Lopez"]
    assert _names(_list(staff_client, practice, q="RS200")) == ["Lowe"]
    assert "No patients match" in _list(staff_client, practice, q="zzz").text


def test_patient_list_search_never_finds_another_practices_patient(staff_client, practice,
                                                                     foreign_patient):
    assert _names(_list(staff_client, practice, q="Foreign")) == []
    assert _names(_list(staff_client, practice, q=foreign_patient.mrn)) == []


def test_patient_list_pages_by_fifty(staff_client, practice):
    PatientFactory.create_batch(60, practice=practice)
    first, second = _list(staff_client, practice), _list(staff_client, practice, page=2)
    assert (len(first.context["page"]), len(second.context["page"])) == (50, 10)
    assert "Page 1 of 2" in first.text
    assert {p.pk for p in first.context["page"]}.isdisjoint(p.pk for p in second.context["page"])


def test_search_words_never_enter_a_url(staff_client, practice):
    # Given more Lopezes than fit on a page
    PatientFactory.create_batch(55, practice=practice, last_name="Lopez")
    # When I search, the results page through posted forms, not links
    first = _list(staff_client, practice, q="lopez")
    assert len(first.context["page"]) == 50 and "lopez" not in "".join(
        re.findall(r'(?:href|action)="([^"]*)"', first.text)).lower()
    second = _list(staff_client, practice, q="lopez", page="2")
    assert len(second.context["page"]) == 5
    # And a name put in the URL by hand is not searched for
    assert len(staff_client.get(reverse("patient_list", args=[practice.slug]),
                                {"q": "nobody"}).context["page"]) == 50


def test_patient_list_shows_a_page_for_junk_page_numbers(staff_client, practice, patient):
    for page in ["abc", "999", "-1", "1\x00"]:
        response = _list(staff_client, practice, page=page)
        assert (response.status_code, _names(response)) == (200, ["Garcia"]), page


@pytest.mark.parametrize(("query", "message"), [
    ("gar\x00cia", "Null characters are not allowed"),
    ("x" * 101, "at most 100 characters"),
])
def test_bad_patient_search_is_a_400_with_the_reason(staff_client, practice, query, message):
    response = _list(staff_client, practice, q=query)
    assert response.status_code == 400
    assert message in error_next_to(response, "q")


def test_patient_list_is_audited_and_not_cached(staff_client, practice, staff):
    response = _list(staff_client, practice)
    assert no_store(response)
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.practice) == ("list_patients", staff, practice)


# --- Patient page ----------------------------------------------------------

def test_patient_page_shows_details_contacts_checks_and_log(staff_client, patient, staff):
    # Given a patient with one verified and one unverified channel, a check and a log entry
    ContactPointFactory(patient=patient, value="+13125550111", verified_at=timezone.now())
    ContactPointFactory(patient=patient, kind="email", value="maria@mail.example")
    IdentityCheck.objects.create(practice=patient.practice, patient=patient, checked_by=staff,
                                 first_identifier="full_name", second_identifier="date_of_birth",
                                 channel="phone", passed=True)
    ContactAttemptFactory(patient=patient, made_by=staff, note="Left a voicemail about forms")
    # When staff open the page
    text = staff_client.get(_detail_url(patient)).text
    # Then everything is there
    for expected in ["Maria Garcia", "May 17, 1980", patient.mrn, "(312) 555-0111", "verified",
                     "maria@mail.example", "not verified", "Full name + Date of birth",
                     "Left a voicemail about forms", "Alex Staff"]:
        assert expected in text, expected


def test_viewing_a_patient_writes_an_audit_event(staff_client, patient, staff):
    staff_client.get(_detail_url(patient), REMOTE_ADDR="203.0.113.9")
    event = AuditEvent.objects.get()
    assert (event.actor, event.patient, event.action, event.ip_address) == \
        (staff, patient, "view_patient", "203.0.113.9")
    assert event.practice == patient.practice


def test_patient_data_pages_are_never_cached(as_user, staff, practice, patient, patient_user):
    pages = [reverse(name, args=[practice.slug]) for name in ("staff_home", "patient_list",
                                                              "outbox")]
    pages.append(_detail_url(patient))
    client = as_user(staff)
    assert {url: no_store(client.get(url)) for url in pages} == dict.fromkeys(pages, True)
    assert no_store(as_user(patient_user).get(reverse("portal_home", args=[practice.slug])))


def test_foreign_patient_page_writes_no_audit_event(staff_client, practice, foreign_patient):
    url = reverse("patient_detail", args=[practice.slug, foreign_patient.pk])
    assert staff_client.get(url).status_code == 404
    assert not AuditEvent.objects.exists()


# --- Logging a contact attempt --------------------------------------------

def _log_attempt(client, patient, **overrides):
    data = {"channel": "phone", "direction": "outbound", "outcome": "no_answer",
            "note": "Tried the mobile", "occurred_at": ""}
    url = reverse("contact_attempt_create", args=[patient.practice.slug, patient.pk])
    return client.post(url, {**data, **overrides})


def test_logging_a_contact_attempt_adds_it_to_the_log(staff_client, patient, staff):
    response = _log_attempt(staff_client, patient)
    assert response.status_code == 302
    attempt = ContactAttempt.objects.get()
    assert (attempt.patient, attempt.made_by, attempt.outcome) == (patient, staff, "no_answer")
    assert "Tried the mobile" in staff_client.get(response.url).text


def test_a_long_contact_log_is_paged_newest_first(staff_client, patient, staff):
    # Given 60 attempts, the newest with a note that says so
    ContactAttemptFactory.create_batch(59, patient=patient, made_by=staff,
                                       occurred_at=timezone.now() - timedelta(days=3))
    ContactAttemptFactory(patient=patient, made_by=staff, note="Newest call")
    url = reverse("patient_detail", args=[patient.practice.slug, patient.pk])

    first = staff_client.get(url).text
    assert "Newest call" in first and "Page 1 of 2 (60 attempts)" in first
    older = staff_client.get(url, {"log_page": "2"}).text
    assert "Newest call" not in older and older.count("Automatic") + older.count(
        staff.display_name) >= 10


@pytest.mark.parametrize("page", ["0", "999", "abc", "-1"])
def test_a_bad_contact_log_page_shows_the_nearest_page(staff_client, patient, page):
    url = reverse("patient_detail", args=[patient.practice.slug, patient.pk])
    assert staff_client.get(url, {"log_page": page}).status_code == 200


@pytest.mark.parametrize(("field", "value", "message"), [
    ("channel", "pigeon", "Select a valid choice"),
    ("occurred_at", "2999-01-01T10:00", "cannot be in the future"),
    ("occurred_at", "yesterday-ish", "Enter a valid date/time"),
    ("note", "x" * 2001, "at most 2000 characters"),
    ("outcome", "", "This field is required"),
])
def test_bad_contact_attempt_is_refused_next_to_the_field(staff_client, patient, field, value,
                                                          message):
    response = _log_attempt(staff_client, patient, **{field: value})
    assert response.status_code == 400
    assert message in error_next_to(response, f"contact_{field}")
    assert not ContactAttempt.objects.exists()
    assert no_store(response)


def test_contact_attempt_a_minute_ago_is_accepted(staff_client, patient):
    when = local_form_time(patient.practice, minutes=-1)
    assert _log_attempt(staff_client, patient, occurred_at=when).status_code == 302
    assert ContactAttempt.objects.count() == 1


# --- Recording an identity check ------------------------------------------

def _check_identity(client, patient, **overrides):
    data = {"first_identifier": "full_name", "second_identifier": "date_of_birth",
            "channel": "phone", "passed": "on"}
    url = reverse("identity_check_create", args=[patient.practice.slug, patient.pk])
    return client.post(url, {**data, **overrides})


def test_recording_an_identity_check(staff_client, patient, staff):
    assert _check_identity(staff_client, patient).status_code == 302
    check = IdentityCheck.objects.get()
    assert (check.patient, check.checked_by, check.passed) == (patient, staff, True)


def test_identity_check_with_the_same_identifier_twice_is_refused(staff_client, patient):
    response = _check_identity(staff_client, patient, second_identifier="full_name")
    assert response.status_code == 400
    assert error_next_to(response, "identity_second_identifier") == \
        "Check two different identifiers, e.g. name and date of birth."
    assert "Constraint" not in response.text
    assert not IdentityCheck.objects.exists()


def test_identity_check_with_an_unknown_channel_is_refused(staff_client, patient):
    response = _check_identity(staff_client, patient, channel="email")
    assert response.status_code == 400
    assert "Select a valid choice" in error_next_to(response, "identity_channel")
    assert not IdentityCheck.objects.exists()


def test_patient_page_has_no_duplicate_element_ids(staff_client, patient):
    ids = re.findall(r'\bid="([^"]+)"', staff_client.get(_detail_url(patient)).text)
    assert sorted(ids) == sorted(set(ids))


# --- Portal ----------------------------------------------------------------

def test_portal_home_greets_the_patient_and_is_audited(as_user, practice, patient,
                                                         patient_user):
    response = as_user(patient_user).get(reverse("portal_home", args=[practice.slug]))
    assert "Hello, Maria" in response.text
    assert "(312) 555-0100" in response.text
    assert AuditEvent.objects.get().patient == patient
