"""Waitlist and backfill: offers in order, a few at a time; first acceptance wins."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from scheduling.models import Appointment, WaitlistOffer
from scheduling.services import appointment_book, appointment_cancel, scheduling_reason
from scheduling.waitlist import waitlist_join, waitlist_offer_accept, waitlist_sweep
from tests.conftest import client_for
from tests.factories import ContactPointFactory, PatientFactory
from vpm.notify.models import OutboundMessage

from .factories import local, next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def week_two():
    return next_weekday(0, weeks_ahead=2)


def _waiting(practice, video_visit, provider_member, week_two, count):
    """`count` patients booked late in week three, each waiting for an earlier time."""
    entries = []
    for n in range(count):
        patient = PatientFactory(practice=practice)
        ContactPointFactory(patient=patient, kind="phone", value=f"+1312555{n:04d}")
        later = appointment_book(practice=practice, patient=patient, provider=provider_member,
                                 visit_type=video_visit, via="staff",
                                 starts_at=local(practice, week_two + timedelta(days=7), 9)
                                 + timedelta(minutes=30 * n))
        entries.append(waitlist_join(practice=practice, patient=patient, visit_type=video_visit,
                                     appointment=later, available_from=timezone.localdate(),
                                     available_until=week_two + timedelta(days=7)))
    return entries


@pytest.fixture
def freed(practice, patient, provider_member, video_visit, template, week_two):
    """A visit in week two, to be cancelled."""
    return appointment_book(practice=practice, patient=patient, provider=provider_member,
                            visit_type=video_visit, via="staff",
                            starts_at=local(practice, week_two, 10))


def _cancel(practice, appointment):
    appointment_cancel(practice=practice, appointment=appointment, via="staff",
                       reason=scheduling_reason(practice, "patient_request"))


def test_a_cancelled_time_is_offered_to_the_first_few_in_order(practice, rules, freed,
                                                               video_visit, provider_member,
                                                               week_two):
    entries = _waiting(practice, video_visit, provider_member, week_two, 5)
    _cancel(practice, freed)
    offers = list(WaitlistOffer.objects.order_by("id"))
    assert [o.entry for o in offers] == entries[:rules.waitlist_offer_batch]
    assert all(o.starts_at == freed.starts_at and o.status == "offered" for o in offers)
    texts = OutboundMessage.objects.filter(template="waitlist_offer")
    assert texts.count() == 3
    assert all("/portal/l/" in t.body and "First to accept" in t.body for t in texts)


def test_no_backfill_inside_the_minimum_notice(practice, rules, patient, provider_member,
                                               video_visit, week_two, template):
    _waiting(practice, video_visit, provider_member, week_two, 1)
    soon = appointment_book(practice=practice, patient=patient, provider=provider_member,
                            visit_type=video_visit, via="staff",
                            starts_at=local(practice, week_two, 11))
    rules.waitlist_min_notice_hours = 24 * 30
    rules.save()
    _cancel(practice, soon)
    assert not WaitlistOffer.objects.exists()


def test_first_acceptance_wins_and_the_others_are_told_it_has_gone(practice, freed, video_visit,
                                                                  provider_member, week_two):
    entries = _waiting(practice, video_visit, provider_member, week_two, 3)
    _cancel(practice, freed)
    first, second, third = WaitlistOffer.objects.order_by("id")
    outcome, appointment = waitlist_offer_accept(practice=practice, offer=second)
    assert outcome == "accepted"
    # The accepting patient's later visit moved to the freed time (same row, new time).
    assert appointment.pk == entries[1].appointment_id
    assert appointment.starts_at == freed.starts_at and appointment.booked_via == "staff"
    assert appointment.events.filter(action="rescheduled", via="waitlist").exists()
    for offer in (first, third):
        offer.refresh_from_db()
        assert offer.status == "gone"
    assert OutboundMessage.objects.filter(template="waitlist_gone").count() == 2
    assert waitlist_offer_accept(practice=practice, offer=first) == ("gone", None)


def test_an_expired_offer_cannot_be_accepted_and_the_next_batch_gets_it(
        practice, freed, video_visit, provider_member, week_two, rules):
    entries = _waiting(practice, video_visit, provider_member, week_two, 4)
    _cancel(practice, freed)
    later = timezone.now() + timedelta(minutes=rules.waitlist_offer_minutes + 1)
    counts = waitlist_sweep(now=later)
    assert counts["expired"] == 3
    [next_offer] = WaitlistOffer.objects.filter(status="offered")
    assert next_offer.entry == entries[3]
    expired = WaitlistOffer.objects.filter(status="expired").first()
    assert waitlist_offer_accept(practice=practice, offer=expired)[0] == "expired"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_accepts_one_wins(practice, provider_member, video_visit, template):
    week_two = next_weekday(0, weeks_ahead=2)
    patient = PatientFactory(practice=practice)
    freed = appointment_book(practice=practice, patient=patient, provider=provider_member,
                             visit_type=video_visit, via="staff",
                             starts_at=local(practice, week_two, 10))
    # Two new patients (no booked visit): accepting books a new appointment.
    for n in range(2):
        waiting = PatientFactory(practice=practice)
        ContactPointFactory(patient=waiting, kind="phone", value=f"+1312666{n:04d}")
        waitlist_join(practice=practice, patient=waiting, visit_type=video_visit,
                      available_from=timezone.localdate(),
                      available_until=week_two + timedelta(days=1))
    _cancel(practice, freed)
    offers = list(WaitlistOffer.objects.order_by("id"))
    assert len(offers) == 2
    barrier = threading.Barrier(2)
    results = []

    def accept(offer):
        try:
            barrier.wait()
            results.append(waitlist_offer_accept(practice=practice, offer=offer)[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(o,)) for o in offers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["accepted", "gone"]
    assert Appointment.objects.filter(starts_at=freed.starts_at, status="booked").count() == 1
    assert sorted(WaitlistOffer.objects.values_list("status", flat=True)) == ["accepted", "gone"]


def test_patient_accepts_from_the_offer_link(practice, freed, video_visit, provider_member,
                                            week_two):
    from django.test import Client

    from tests.portal.conftest import DOB, check_path

    _waiting(practice, video_visit, provider_member, week_two, 1)
    _cancel(practice, freed)
    [text] = OutboundMessage.objects.filter(template="waitlist_offer")
    path = "/p/" + text.body.split("/p/", 1)[1].split()[0]
    client = Client()
    client.get(path)
    landed = client.post(check_path(practice), DOB)
    offer = WaitlistOffer.objects.get()
    assert landed.url == reverse("portal_waitlist_offer", args=[practice.slug, offer.pk])
    page = client.get(landed.url)
    assert "Yes, I want this time" in page.text
    done = client.post(landed.url, {"answer": "accept"})
    assert "This time is yours" in done.text
    offer.refresh_from_db()
    assert offer.status == "accepted"


def test_patient_joins_the_waitlist_from_their_visit(practice, patient, patient_user,
                                                     provider_member, video_visit, template,
                                                     week_two):
    visit = appointment_book(practice=practice, patient=patient, provider=provider_member,
                             visit_type=video_visit, via="staff",
                             starts_at=local(practice, week_two, 9))
    client = client_for(patient_user)
    url = reverse("portal_waitlist_join", args=[practice.slug, visit.pk])
    bad = client.post(url, {"available_until": "9999-12-31"})
    assert bad.status_code == 400
    client.post(url, {"available_until": week_two.isoformat()})
    entry = patient.waitlist_entries.get()
    assert entry.appointment == visit and entry.status == "active"


def test_staff_see_offers_on_the_waitlist_page(practice, staff, freed, video_visit,
                                               provider_member, week_two, outsider):
    _waiting(practice, video_visit, provider_member, week_two, 2)
    _cancel(practice, freed)
    page = client_for(staff).get(reverse("waitlist", args=[practice.slug]))
    assert page.text.count('class="offer-offered"') == 2
    assert "2 offers sent, 0 accepted" in page.text
    assert client_for(outsider).get(reverse("waitlist", args=[practice.slug])).status_code == 404
