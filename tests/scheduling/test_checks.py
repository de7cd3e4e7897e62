"""Verified channel at booking, and the pre-visit work items (S4)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from scheduling.channels import channel_status, email_typo_suggestion
from scheduling.checks import checks_sweep
from scheduling.services import appointment_book, appointment_cancel, scheduling_reason
from tests.factories import ContactPointFactory
from vpm.notify.models import OutboundMessage
from vpm.patients.verification_models import ContactVerification
from vpm.queue.models import Kind, WorkItem

from .factories import local, next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def soon_visit(practice, patient, provider_member, video_visit, template):
    def book(channel="sms"):
        day = next_weekday(2, weeks_ahead=1)
        return appointment_book(practice=practice, patient=patient, provider=provider_member,
                                visit_type=video_visit, starts_at=local(practice, day, 9),
                                via="staff", channel=channel)
    return book


def test_booking_with_an_unverified_mobile_sends_the_portal_code(patient, soon_visit):
    ContactPointFactory(patient=patient, kind="phone", value="+13125550142")
    soon_visit()
    verification = ContactVerification.objects.get(patient=patient)
    assert verification.kind == "phone" and verification.requested_via == "booking"
    assert OutboundMessage.objects.filter(template="contact_verification",
                                          to="+13125550142").exists()


def test_a_verified_channel_gets_no_code(patient, soon_visit):
    ContactPointFactory(patient=patient, kind="phone", value="+13125550142",
                        verified_at=timezone.now())
    soon_visit()
    assert not ContactVerification.objects.exists()


@pytest.mark.parametrize("typed, suggestion", [("maria@gmial.com", "maria@gmail.com"),
                                               ("maria@yaho.com", "maria@yahoo.com"),
                                               ("maria@hotmail.con", "maria@hotmail.com"),
                                               ("maria@gmail.com", ""),
                                               ("maria@riverside-clinic.org", "")])
def test_email_typos_are_caught(typed, suggestion):
    assert email_typo_suggestion(typed) == suggestion


def test_no_code_goes_to_a_likely_typo(patient, soon_visit):
    ContactPointFactory(patient=patient, kind="email", value="maria@gmial.com")
    soon_visit(channel="email")
    assert not ContactVerification.objects.exists()
    status = channel_status(patient=patient, channel="email")
    assert status.typo_suggestion == "maria@gmail.com" and not status.verified


def test_unverified_channel_becomes_a_work_item_within_the_window_and_closes_when_verified(
        practice, patient, soon_visit, rules):
    point = ContactPointFactory(patient=patient, kind="phone", value="+13125550142")
    visit = soon_visit()
    # The visit is more than 48 hours away: nothing yet.
    assert checks_sweep(now=visit.starts_at - timedelta(hours=49))["unverified_open"] == 0
    assert not WorkItem.objects.filter(kind=Kind.UNVERIFIED_CHANNEL).exists()
    at = visit.starts_at - timedelta(hours=47)
    checks_sweep(now=at)
    checks_sweep(now=at)  # twice: still one item
    item = WorkItem.objects.get(kind=Kind.UNVERIFIED_CHANNEL)
    assert item.team == "registration" and item.patient == patient and item.status == "open"
    assert "text message" in item.title

    point.verified_at = timezone.now()
    point.save()
    assert checks_sweep(now=at)["unverified_closed"] == 1
    item.refresh_from_db()
    assert item.status == "done"


def test_cancelling_the_visit_closes_its_unverified_item(practice, patient, soon_visit):
    visit = soon_visit(channel="email")  # no email on file at all
    checks_sweep(now=visit.starts_at - timedelta(hours=24))
    assert WorkItem.objects.filter(kind=Kind.UNVERIFIED_CHANNEL, status="open").count() == 1
    appointment_cancel(practice=practice, appointment=visit, via="staff",
                       reason=scheduling_reason(practice, "other"))
    checks_sweep(now=visit.starts_at - timedelta(hours=24))
    assert not WorkItem.objects.filter(kind=Kind.UNVERIFIED_CHANNEL, status="open").exists()


def _insurance(patient, verified_at):
    from vpm.patients.models import Insurance

    return Insurance.objects.create(practice=patient.practice, patient=patient, payer="Acme",
                                    member_id="X1", verified_at=verified_at)


def test_unverified_or_stale_insurance_becomes_a_work_item_that_closes_when_verified(
        practice, patient, soon_visit, rules):
    visit = soon_visit()
    at = visit.starts_at - timedelta(days=6)
    # No coverage at all.
    assert checks_sweep(now=visit.starts_at - timedelta(days=8))["insurance_open"] == 0
    assert checks_sweep(now=at)["insurance_open"] == 1
    item = WorkItem.objects.get(kind=Kind.INSURANCE_UNVERIFIED)
    assert item.team == "registration" and "Verify insurance" in item.title
    # Coverage verified too long ago still counts as unverified.
    coverage = _insurance(patient, at - timedelta(days=rules.insurance_max_age_days + 1))
    assert checks_sweep(now=at)["insurance_open"] == 1
    assert WorkItem.objects.filter(kind=Kind.INSURANCE_UNVERIFIED, status="open").count() == 1
    # Staff record the verification: the item closes itself.
    coverage.verified_at = at
    coverage.save()
    assert checks_sweep(now=at)["insurance_closed"] == 1
    item.refresh_from_db()
    assert item.status == "done"


def test_appointment_page_shows_insurance_status(practice, staff, patient, soon_visit):
    from django.urls import reverse

    from tests.conftest import client_for

    visit = soon_visit()
    url = reverse("appointment_detail", args=[practice.slug, visit.pk])
    assert "no coverage on file" in client_for(staff).get(url).text
    _insurance(patient, timezone.now() - timedelta(days=400))
    assert "older than the practice" in client_for(staff).get(url).text
