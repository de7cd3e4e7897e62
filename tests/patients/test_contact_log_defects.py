"""The contact log and identity check defects found by trying the pages as a new user."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from tests.factories import ContactAttemptFactory
from tests.web.helpers import error_next_to
from vpm.patients.models import ContactAttempt, IdentityCheck

pytestmark = pytest.mark.django_db


def _log(client, patient, **fields):
    url = reverse("contact_attempt_create", args=[patient.practice.slug, patient.pk])
    return client.post(url, {"channel": "phone", "direction": "outbound", "outcome": "reached",
                             "note": "", **fields})


@pytest.mark.parametrize("when", ["1900-01-01T10:00", "0001-01-01T10:00", "2020-06-01T10:00"])
def test_contact_log_refuses_dates_long_ago(as_user, staff, patient, when):
    response = _log(as_user(staff), patient, occurred_at=when)
    assert "at most 1 year ago" in error_next_to(response, "contact_occurred_at")
    assert not ContactAttempt.objects.exists()


@pytest.mark.parametrize("channel, direction, outcome", [
    ("email", "outbound", "received"), ("phone", "inbound", "no_answer"),
    ("sms", "inbound", "delivered"),
])
def test_outcome_must_fit_the_direction(as_user, staff, patient, channel, direction, outcome):
    response = _log(as_user(staff), patient, channel=channel, direction=direction,
                    outcome=outcome)
    assert "cannot be" in error_next_to(response, "contact_outcome")
    assert not ContactAttempt.objects.exists()


def test_an_inbound_message_received_is_fine(as_user, staff, patient):
    response = _log(as_user(staff), patient, channel="sms", direction="inbound",
                    outcome="received")
    assert response.status_code == 302


def test_the_api_applies_the_same_rules(api_client_for, practice, staff, patient):
    client = api_client_for(staff)
    path = f"/api/v1/p/{practice.slug}/patients/{patient.pk}/contact-attempts/"
    wrong = client.post(path, {"channel": "email", "direction": "outbound",
                               "outcome": "received"}, format="json")
    old = client.post(path, {"channel": "phone", "direction": "outbound", "outcome": "reached",
                             "occurred_at": "1900-01-01T10:00:00Z"}, format="json")
    assert "cannot be" in wrong.json()["outcome"][0]
    assert "at most 1 year ago" in old.json()["occurred_at"][0]
    assert not ContactAttempt.objects.exists()


def test_bidi_overrides_are_removed_from_notes(as_user, staff, patient):
    _log(as_user(staff), patient, note="Patient is \u202enot\u202c allergic")
    assert ContactAttempt.objects.get().note == "Patient is not allergic"


def test_notes_stored_before_the_fix_are_shown_without_their_overrides(as_user, staff, patient):
    ContactAttemptFactory(patient=patient, note="abc\u202edef")
    page = as_user(staff).get(reverse("patient_detail", args=[patient.practice.slug, patient.pk]))
    assert "\u202e" not in page.text and "<bdi>abcdef</bdi>" in page.text


def test_dates_show_the_year_unless_it_is_this_year():
    template = Template("{% load vpm_dates %}{{ a|when }} / {{ b|when }} / {{ b|day }}")
    now = timezone.now()
    last_year = now - timedelta(days=400)
    text = template.render(Context({"a": now, "b": last_year}))
    assert str(now.year) not in text.split(" / ")[0]
    assert str(last_year.year) in text.split(" / ")[1] and str(last_year.year) in text.split(" / ")[2]


def test_an_empty_identity_check_says_what_is_missing_once_per_field(as_user, staff, patient):
    url = reverse("identity_check_create", args=[patient.practice.slug, patient.pk])
    response = as_user(staff).post(url, {})
    assert "Check two different identifiers" not in response.text
    assert "Choose the first identifier" in error_next_to(response, "identity_first_identifier")
    assert "Choose the second identifier" in error_next_to(response, "identity_second_identifier")
    assert not IdentityCheck.objects.exists()
