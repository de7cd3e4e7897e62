"""The patient's journey in real Chromium on a phone-sized screen, and the
portal by keyboard alone."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.factories import ContactPointFactory, WorkItemFactory
from vpm.notify.models import OutboundMessage
from vpm.patients.models import ContactPoint
from vpm.portal.accounts import portal_account_invite

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 375, "height": 740}


def _path_in(message):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def _code_in(message):
    return re.search(r"\b(\d{6})\b", message.body).group(1)


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_invited_patient_sets_up_switches_to_spanish_and_changes_their_number(
        phone, practice, patient, staff):
    # Given staff invited Maria by text, and the practice is waiting on a call back
    ContactPointFactory(patient=patient, kind="phone", value="+13125550123", is_primary=True)
    WorkItemFactory(practice=practice, patient=patient, kind="callback")
    portal_account_invite(patient=patient, kind="phone", invited_by=staff,
                          base_url=settings.ALLOWED_HOSTS and "http://testserver")
    invitation = OutboundMessage.objects.get(template="portal_invitation")
    # When she opens the invitation on her phone: first the date-of-birth check
    phone.goto(_path_in(invitation))
    expect(phone.get_by_role("heading", name="Check it is you")).to_be_visible()
    expect(phone.locator("main")).not_to_contain_text("Maria")
    phone.get_by_label("Day").fill("17")
    phone.get_by_label("Month").fill("5")
    phone.get_by_label("Year").fill("1980")
    phone.get_by_role("button", name="Continue").click()
    # Then she chooses a password
    expect(phone.get_by_role("heading", name="Choose a password")).to_be_visible()
    phone.get_by_label("New password", exact=True).fill("green-river-lamp-42")
    phone.get_by_label("New password again").fill("green-river-lamp-42")
    phone.get_by_role("button", name="Save password").click()
    # And goes through the onboarding
    expect(phone.get_by_role("heading", name="What this portal is for")).to_be_visible()
    for heading in ("What our front desk can do", "Where to send papers", "In an emergency"):
        phone.get_by_role("button", name="Next").click()
        expect(phone.get_by_role("heading", name=heading)).to_be_visible()
    phone.get_by_role("button", name="Go to my page").click()
    expect(phone.get_by_role("heading", name="Hello, Maria")).to_be_visible()
    # When she switches to Spanish
    phone.get_by_role("button", name="Español").click()
    expect(phone.get_by_role("heading", name="Hola, Maria")).to_be_visible()
    # And changes her mobile number
    phone.get_by_role("link", name="Sus datos").click()
    phone.get_by_role("link", name="Cambiar el celular").click()
    phone.get_by_label("Su celular nuevo").fill("(312) 555-0188")
    phone.get_by_role("button", name="Quiero un código").click()
    code_message = OutboundMessage.objects.get(template="contact_verification")
    assert code_message.to == "+13125550188" and "su código es" in code_message.body
    phone.get_by_label("Código").fill(_code_in(code_message))
    phone.get_by_role("button", name="Ver el código").click()
    expect(phone.get_by_role("status")).to_contain_text("Su celular está guardado")
    # Then the status home, in Spanish, shows the new number and the call back
    phone.get_by_role("link", name="Inicio").click()
    expect(phone.get_by_role("heading", name="Lo que hacemos por usted")).to_be_visible()
    expect(phone.locator("main")).to_contain_text("Su celular: (312) 555-0188")
    expect(phone.locator("main")).to_contain_text("Le vamos a llamar")
    expect(phone.locator("main")).to_contain_text("Equipo de recepción")
    expect(phone.locator("main")).to_contain_text(re.compile(r"\d{1,2}:\d\d C[SD]T"))
    assert ContactPoint.objects.get(patient=patient, is_primary=True, kind="phone").is_verified
    patient.refresh_from_db()
    assert patient.preferred_language == "es"
    phone.screenshot(path="/tmp/vpm-portal-journey-es.png", full_page=True)


def test_sign_in_and_link_check_work_by_keyboard_alone(page, practice, patient, staff):
    ContactPointFactory(patient=patient, kind="phone", value="+13125550123", is_primary=True)
    portal_account_invite(patient=patient, kind="phone", invited_by=staff,
                          base_url="http://testserver")
    page.goto(_path_in(OutboundMessage.objects.get()))
    # The check, by keyboard: skip link, then Tab to the boxes, Enter to send
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_day":
            break
    page.keyboard.type("17")
    page.keyboard.press("Tab")
    page.keyboard.type("5")
    page.keyboard.press("Tab")
    page.keyboard.type("1980")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Choose a password")).to_be_visible()
    page.keyboard.press("Tab")
    for _ in range(10):
        if page.evaluate("document.activeElement.id") == "id_password1":
            break
        page.keyboard.press("Tab")
    page.keyboard.type("green-river-lamp-42")
    page.keyboard.press("Tab")
    page.keyboard.type("green-river-lamp-42")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="What this portal is for")).to_be_visible()
