"""The patient's visit page and calendar download: their own visits only."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from scheduling.services import appointment_book
from tests.conftest import client_for
from tests.factories import PatientFactory, UserFactory
from vpm.audit.models import AuditEvent

from .factories import local, next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(practice, patient, patient_user, provider_member, video_visit, template):
    return appointment_book(practice=practice, patient=patient, provider=provider_member,
                            visit_type=video_visit, via="staff",
                            starts_at=local(practice, next_weekday(1), 9))


def test_the_patient_sees_their_visit_and_the_read_is_audited(practice, patient_user, visit):
    response = client_for(patient_user).get(reverse("portal_visit", args=[practice.slug, visit.pk]))
    assert response.status_code == 200
    assert "Video follow-up" in response.text and "9:00" in response.text
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(object_id=str(visit.pk), patient=visit.patient).exists()


def test_the_calendar_download_parses(practice, patient_user, visit):
    response = client_for(patient_user).get(reverse("portal_visit_ics",
                                                    args=[practice.slug, visit.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["UID"]) == f"{visit.pk}@vpm"
    assert event.decoded("DTSTART") == visit.starts_at


def test_another_patient_gets_404(practice, visit):
    other = UserFactory()
    PatientFactory(practice=practice, user=other)
    for name in ("portal_visit", "portal_visit_ics"):
        assert client_for(other).get(reverse(name, args=[practice.slug, visit.pk])) \
            .status_code == 404


def test_a_user_of_another_practice_gets_404(practice, outsider, visit):
    for name in ("portal_visit", "portal_visit_ics"):
        assert client_for(outsider).get(reverse(name, args=[practice.slug, visit.pk])) \
            .status_code == 404


def test_staff_are_refused_the_patient_page(practice, staff, visit):
    assert client_for(staff).get(reverse("portal_visit", args=[practice.slug, visit.pk])) \
        .status_code == 403
