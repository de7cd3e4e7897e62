"""Contact details: a new email or number is proven by a code or a link before use."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import ContactPointFactory, WorkItemFactory
from tests.web.helpers import error_next_to
from vpm.notify.models import OutboundMessage
from vpm.patients.models import ContactPoint
from vpm.patients.verification import MAX_CODE_TRIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(as_user, patient_user):
    return as_user(patient_user)


def _change(browser, practice, value, kind="mobile"):
    return browser.post(reverse("portal_contact_change", args=[practice.slug, kind]),
                        {"value": value})


def _code(message):
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def _verify(browser, practice, code, kind="mobile"):
    return browser.post(reverse("portal_contact_verify", args=[practice.slug, kind]),
                        {"code": code})


def test_new_mobile_is_used_only_after_its_code(browser, practice, patient, mobile):
    response = _change(browser, practice, "(312) 555-0188")
    assert response.url == reverse("portal_contact_verify", args=[practice.slug, "mobile"])
    message = OutboundMessage.objects.get(template="contact_verification")
    assert message.to == "+13125550188"
    # Before the code, the old number is still the main one
    assert ContactPoint.objects.get(patient=patient, is_primary=True).value == mobile.value
    done = _verify(browser, practice, _code(message))
    assert done.status_code == 302
    main = ContactPoint.objects.get(patient=patient, kind="phone", is_primary=True)
    assert main.value == "+13125550188" and main.is_verified
    assert ContactPoint.objects.filter(patient=patient, value=mobile.value,
                                       is_primary=False).exists()
    assert "Your mobile number is saved" in browser.get(done.url).text


@pytest.mark.parametrize("value,message", [
    ("", "Enter your new mobile number."),
    ("555-1234", "Enter a mobile number like (312) 555-0100."),
    ("not a number", "Enter a mobile number like (312) 555-0100."),
    ("9" * 300, "That is too long"),
])
def test_bad_numbers_are_explained_by_the_field_and_nothing_is_sent(browser, practice, value,
                                                                    message):
    response = _change(browser, practice, value)
    assert response.status_code == 400
    assert message in error_next_to(response, "id_value")
    assert not OutboundMessage.objects.exists()


def test_bad_input_is_answered_in_the_patients_language(browser, practice, patient):
    patient.preferred_language = "es"
    patient.save()
    response = _change(browser, practice, "12")
    assert "Escriba un celular como (312) 555-0100." in error_next_to(response, "id_value")
    email = _change(browser, practice, "nope@", kind="email")
    assert "Escriba un correo como" in error_next_to(email, "id_value")


def test_wrong_codes_are_counted_and_then_the_code_is_used_up(browser, practice, patient):
    _change(browser, practice, "(312) 555-0188")
    right = _code(OutboundMessage.objects.get())
    wrong = "000000" if right != "000000" else "111111"
    first = _verify(browser, practice, wrong)
    assert first.status_code == 400 and "That code is wrong" in error_next_to(first, "id_code")
    for _ in range(MAX_CODE_TRIES - 1):
        _verify(browser, practice, wrong)
    late = _verify(browser, practice, right)
    assert late.status_code == 302  # no open code any more: ask for a new one
    assert not ContactPoint.objects.filter(value="+13125550188").exists()


@pytest.mark.parametrize("code,message", [("", "Enter the code"), ("12ab56", "numbers only"),
                                          ("123", "6 numbers"), ("1" * 40, "6 numbers")])
def test_bad_codes_are_explained(browser, practice, code, message):
    _change(browser, practice, "(312) 555-0188")
    response = _verify(browser, practice, code)
    assert response.status_code == 400 and message in error_next_to(response, "id_code")


def test_the_link_in_the_message_confirms_after_a_button(practice, patient, browser):
    _change(browser, practice, "maria.new@example.test", kind="email")
    message = OutboundMessage.objects.get()
    path = re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)
    stranger = Client()
    page = stranger.get(path)
    assert page.status_code == 200 and "maria" not in page.text.lower()
    assert not ContactPoint.objects.filter(value="maria.new@example.test").exists()
    assert stranger.post(path).status_code == 200
    assert ContactPoint.objects.get(value="maria.new@example.test").is_verified
    assert stranger.post(path).status_code == 400  # used


def test_channel_needs_a_checked_contact(browser, practice, patient, mobile):
    url = reverse("portal_contact_channel", args=[practice.slug])
    refused = browser.post(url, {"channel": "email"})
    assert refused.status_code == 400
    assert "email is yours" in refused.text
    bad = browser.post(url, {"channel": "fax"})
    assert bad.status_code == 400 and "Choose one of the ways" in bad.text
    mobile.verified_at = mobile.created_at
    mobile.save()
    assert browser.post(url, {"channel": "sms"}).status_code == 302
    patient.refresh_from_db()
    assert patient.preferred_channel == "sms"


def test_status_home_lists_contacts_and_open_work(browser, practice, patient, mobile):
    ContactPointFactory(patient=patient, kind="email", value="m@example.test", is_primary=True,
                        verified_at=mobile.created_at)
    WorkItemFactory(practice=practice, patient=patient, kind="callback", title="STAFF NOTE")
    home = browser.get(reverse("portal_home", args=[practice.slug])).text
    needs, doing = home.split("What we are doing for you")
    assert "Check your mobile number: (312) 555-0123" in needs
    assert "Your email: m@example.test" in doing and "We will call you back" in doing
    assert "Front desk team" in doing and "CST" in doing or "CDT" in doing
    assert "STAFF NOTE" not in home


def test_staff_page_shows_what_is_verified_and_when(as_user, staff, browser, practice,
                                                     patient):
    _change(browser, practice, "(312) 555-0188")
    _verify(browser, practice, _code(OutboundMessage.objects.get()))
    page = as_user(staff).get(reverse("patient_detail", args=[practice.slug, patient.pk])).text
    assert "+13125550188: " in page and "confirmed by code" in page
    assert "verified " in page


def test_an_item_waiting_on_the_patient_is_under_what_we_need(browser, practice, patient, staff):
    from vpm.queue.services import work_item_wait_on_patient

    item = WorkItemFactory(practice=practice, patient=patient, kind="insurance_unverified")
    work_item_wait_on_patient(item=item, actor=staff, reason="Need the back of the card")
    home = browser.get(reverse("portal_home", args=[practice.slug])).text
    needs, _doing = home.split("What we are doing for you")
    assert "We are checking your insurance" in needs and "waiting for your answer" in needs
    assert "back of the card" not in home  # staff words stay with staff


def test_an_email_never_marked_main_still_shows(browser, practice, patient):
    ContactPointFactory(patient=patient, kind="email", value="old@example.test")
    page = browser.get(reverse("portal_contact", args=[practice.slug])).text
    assert "old@example.test" in page and "None yet" in page  # the email shows; no mobile
