"""The outbox: what this practice sent to its patients."""

import pytest
from django.urls import reverse

from tests.factories import PatientFactory
from vpm.audit.models import AuditEvent

from .helpers import no_store, outbound_message

pytestmark = pytest.mark.django_db


def test_outbox_lists_only_this_practices_messages(as_user, practice, staff, patient,
                                                    foreign_patient):
    outbound_message(patient, 1, body="Your visit is tomorrow")
    outbound_message(foreign_patient, 2, body="Lakeview reminder")
    response = as_user(staff).get(reverse("outbox", args=[practice.slug]))
    assert "Your visit is tomorrow" in response.text and "Maria Garcia" in response.text
    assert "Lakeview reminder" not in response.text


def test_outbox_pages_by_fifty(as_user, practice, staff):
    for n, patient in enumerate(PatientFactory.create_batch(55, practice=practice)):
        outbound_message(patient, n)
    url = reverse("outbox", args=[practice.slug])
    second = as_user(staff).get(url, {"page": 2})
    assert len(second.context["page"]) == 5
    assert "Page 2 of 2" in second.text


def test_viewing_the_outbox_is_audited_and_not_cached(as_user, practice, staff):
    response = as_user(staff).get(reverse("outbox", args=[practice.slug]))
    assert no_store(response)
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.practice) == ("view_outbox", staff, practice)


def test_outbox_says_plainly_when_texts_are_only_recorded(as_user, practice, staff, settings):
    url = reverse("outbox", args=[practice.slug])
    settings.SMS_BACKEND = "vpm.notify.backends.RecordingSMSBackend"
    assert "Texts are only recorded, not sent." in as_user(staff).get(url).text
    settings.SMS_BACKEND = "vpm.notify.twilio.TwilioSMSBackend"
    assert "only recorded" not in as_user(staff).get(url).text
