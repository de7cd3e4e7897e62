"""Scheduling in real Chromium: a patient on a phone books from the questionnaire,
downloads the calendar file and cancels with a reason; staff free a time that is offered
to a waitlisted patient, who accepts it from the link in their text."""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from scheduling.models import Appointment, BookingAnswer, BookingQuestion, WaitlistOffer
from scheduling.services import appointment_book
from scheduling.waitlist import waitlist_join
from tests.conftest import client_for
from tests.factories import ContactPointFactory, PatientFactory
from tests.scheduling.factories import VisitTypeFactory, local, next_weekday, weekly_template
from vpm.notify.models import OutboundMessage
from vpm.portal.models import PortalState

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 375, "height": 740}
SCREENSHOTS = "/tmp/vpm-scheduling-{}.png"


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True,
                                  has_touch=True, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _signed_in(page, live_server, user):
    from django.conf import settings

    client = client_for(user)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    return page


def _no_serious_axe_violations(page):
    results = Axe().run(page)
    serious = [v for v in results.response["violations"]
               if v["impact"] in ("serious", "critical")]
    assert not serious, [(v["id"], v["help"]) for v in serious]


@pytest.fixture
def clinic(practice, provider):
    from vpm.practices.models import Membership

    member = Membership.objects.get(practice=practice, user=provider)
    refill = VisitTypeFactory(practice=practice, name="Medication refill", duration_minutes=15,
                              modality="video", instructions="Have your medicine bottles with you.")
    weekly_template(practice, member, [refill])
    first = BookingQuestion.objects.create(practice=practice, position=1,
                                           text="Have you been seen here before?")
    BookingAnswer.objects.create(practice=practice, question=first, position=1,
                                 text="No, this is my first visit", outcome="call_us")
    BookingAnswer.objects.create(practice=practice, question=first, position=2, text="Yes",
                                 outcome="next")
    second = BookingQuestion.objects.create(practice=practice, position=2,
                                            text="What is the visit for?")
    BookingAnswer.objects.create(practice=practice, question=second, text="A medication refill",
                                 outcome="recommend", visit_type=refill)
    return member, refill


def test_patient_on_a_phone_books_downloads_the_invite_and_cancels(phone, live_server, practice,
                                                                   patient, patient_user, clinic):
    PortalState.objects.create(practice=practice, patient=patient, onboarded_at=timezone.now())
    ContactPointFactory(patient=patient, kind="phone", value="+13125550142", is_primary=True,
                        verified_at=timezone.now())
    page = _signed_in(phone, live_server, patient_user)
    page.goto(f"/p/{practice.slug}/portal/")
    page.get_by_role("link", name="Book a visit").click()
    # One question per page
    expect(page.get_by_role("heading", name="Have you been seen here before?")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".error-summary")).to_contain_text("Choose an answer.")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("A medication refill").check()
    page.get_by_role("button", name="Continue").click()
    # The recommended visit type and the next open times
    expect(page.get_by_role("heading", name="We suggest: Medication refill")).to_be_visible()
    _no_serious_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=SCREENSHOTS.format("slots"), full_page=True)
    page.locator("ul.slots a").first.click()
    expect(page.get_by_role("heading", name="Check your visit")).to_be_visible()
    page.get_by_role("button", name="Book this visit").click()
    expect(page.get_by_text("Your visit is booked.")).to_be_visible()
    appointment = Appointment.objects.get(patient=patient)
    assert appointment.booked_via == "patient"
    expect(page.get_by_text("Have your medicine bottles with you.")).to_be_visible()
    _no_serious_axe_violations(page)
    page.screenshot(path=SCREENSHOTS.format("visit"), full_page=True)
    # The calendar file
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to my calendar").click()
    with open(download.value.path(), "rb") as invite:
        [event] = Calendar.from_ical(invite.read()).walk("VEVENT")
    assert str(event["UID"]) == f"{appointment.pk}@vpm"
    assert event.decoded("DTSTART") == appointment.starts_at
    assert str(event.decoded("DTSTART").tzinfo) == practice.timezone
    # Cancel with a reason
    page.get_by_role("link", name="Cancel this visit").click()
    page.get_by_role("button", name="Cancel the visit").click()
    expect(page.locator(".error-summary")).to_contain_text("Choose a reason.")
    page.get_by_label("Feeling better").check()
    page.get_by_role("button", name="Cancel the visit").click()
    expect(page.get_by_text("Your visit is cancelled.")).to_be_visible()
    appointment.refresh_from_db()
    assert appointment.is_cancelled and appointment.cancel_reason.code == "feeling_better"


def test_a_freed_time_goes_to_the_waitlist_and_the_patient_accepts_from_the_link(
        page, phone, live_server, practice, staff, patient, clinic):
    member, refill = clinic
    day = next_weekday(2, weeks_ahead=2)
    booked = appointment_book(practice=practice, patient=patient, provider=member,
                              visit_type=refill, starts_at=local(practice, day, 9), via="staff")
    waiting = PatientFactory(practice=practice, first_name="Wanda", last_name="Waits")
    ContactPointFactory(patient=waiting, kind="phone", value="+13125550177", is_primary=True)
    later = appointment_book(practice=practice, patient=waiting, provider=member,
                             visit_type=refill, starts_at=local(practice, day + timedelta(days=7), 11),
                             via="staff")
    waitlist_join(practice=practice, patient=waiting, visit_type=refill, appointment=later,
                  available_from=timezone.localdate(), available_until=day + timedelta(days=7))
    # Staff cancel Maria's visit from its page, with a reason
    staff_page = _signed_in(page, live_server, staff)
    staff_page.goto(f"/p/{practice.slug}/appointments/{booked.pk}/")
    staff_page.locator("#cancel_reason").select_option(label="Patient request")
    staff_page.get_by_role("button", name="Cancel the visit").click()
    expect(staff_page.get_by_text("the patient is told and reminders are stopped")).to_be_visible()
    # The waitlist page shows the freed time offered to Wanda
    staff_page.get_by_role("link", name="Waitlist").click()
    offer_row = staff_page.locator("tr.offer-offered")
    expect(offer_row).to_contain_text("Wanda Waits")
    staff_page.screenshot(path=SCREENSHOTS.format("waitlist"), full_page=True)
    # Wanda opens the link in her text on her phone, proves her date of birth, accepts
    text = OutboundMessage.objects.get(template="waitlist_offer", patient=waiting)
    path = re.search(r"https?://[^/\s]+(/\S+)", text.body).group(1)
    phone.goto(path)
    phone.get_by_label("Day").fill("17")
    phone.get_by_label("Month").fill("5")
    phone.get_by_label("Year").fill("1980")
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_role("heading", name="An earlier time")).to_be_visible()
    _no_serious_axe_violations(phone)
    phone.get_by_role("button", name="Yes, I want this time").click()
    expect(phone.get_by_text("This time is yours.")).to_be_visible()
    later.refresh_from_db()
    assert later.starts_at == booked.starts_at
    assert WaitlistOffer.objects.get().status == "accepted"
    # And staff see it accepted
    staff_page.reload()
    expect(staff_page.locator("tr.offer-accepted")).to_contain_text("Wanda Waits")
