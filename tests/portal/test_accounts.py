"""Accounts: invited by staff only, a password set from a checked link, sign-in,
reset and change of password, and staff ending a patient's sessions."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import ContactPointFactory, PatientFactory
from vpm.notify.models import OutboundMessage
from vpm.portal.models import PortalAccount, PortalLink

from .conftest import DOB, check_path

pytestmark = pytest.mark.django_db
PASSWORD = "river-stone-lamp-42"


def _invite(as_user, staff, patient, kind="phone"):
    return as_user(staff).post(reverse("portal_staff_invite",
                                       args=[patient.practice.slug, patient.pk]), {"kind": kind})


def _link_in(message):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def _accept(client, practice, message, password=PASSWORD):
    client.get(_link_in(message))
    client.post(check_path(practice), DOB)
    return client.post(reverse("portal_set_password", args=[practice.slug]),
                       {"password1": password, "password2": password})


def _sign_in(client, practice, login, password=PASSWORD):
    return client.post(reverse("portal_sign_in", args=[practice.slug]),
                       {"login": login, "password": password})


def test_invited_patient_sets_a_password_then_signs_in_with_their_mobile(
        as_user, staff, practice, patient, mobile):
    # Given staff invite Maria by text
    response = _invite(as_user, staff, patient)
    assert response.status_code == 302
    message = OutboundMessage.objects.get(template="portal_invitation")
    assert message.to == mobile.value and message.channel == "sms"
    # When she opens it, passes the check and chooses a password
    client = Client()
    done = _accept(client, practice, message)
    # Then she is signed in and starts the onboarding
    assert done.url == reverse("portal_onboarding", args=[practice.slug])
    assert PortalAccount.objects.get(patient=patient).is_active
    # And the invitation cannot be used again
    assert Client().get(_link_in(message), follow=True).status_code == 404
    # And later she signs in with her number typed as people type it
    assert _sign_in(Client(), practice, "(312) 555-0123").status_code == 302


def test_email_invitation_and_sign_in_by_email(as_user, staff, practice, patient):
    ContactPointFactory(patient=patient, kind="email", value="Maria@Example.test")
    _invite(as_user, staff, patient, kind="email")
    message = OutboundMessage.objects.get(template="portal_invitation")
    assert message.channel == "email" and message.to == "maria@example.test"
    _accept(Client(), practice, message)
    assert _sign_in(Client(), practice, "MARIA@example.test").status_code == 302


def test_invitation_needs_a_contact_on_file_and_is_refused_twice(as_user, staff, practice,
                                                                 patient, mobile):
    staff_browser = as_user(staff)
    none = _invite(lambda _user: staff_browser, staff, patient, kind="email")
    assert "Add an email or mobile" in staff_browser.get(none.url).text
    assert not OutboundMessage.objects.exists()
    _invite(as_user, staff, patient)
    _accept(Client(), practice, OutboundMessage.objects.get())
    again = _invite(lambda _user: staff_browser, staff, patient)
    assert "already has an account" in staff_browser.get(again.url).text


def test_there_is_no_open_sign_up(client, practice, patient):
    assert "closed" in client.get("/accounts/signup/").text.lower()
    assert client.get(reverse("portal_set_password", args=[practice.slug])).status_code == 302


def test_wrong_password_and_unknown_login_get_the_same_answer(as_user, staff, practice,
                                                              patient, mobile):
    _invite(as_user, staff, patient)
    _accept(Client(), practice, OutboundMessage.objects.get())
    wrong = _sign_in(Client(), practice, mobile.value, "not-the-password")
    unknown = _sign_in(Client(), practice, "+13125559999")
    assert wrong.status_code == unknown.status_code == 400
    assert "We could not sign you in" in wrong.text and "We could not sign you in" in unknown.text


def test_sign_in_is_limited_per_login(as_user, staff, practice, patient, mobile):
    _invite(as_user, staff, patient)
    _accept(Client(), practice, OutboundMessage.objects.get())
    for _ in range(5):
        _sign_in(Client(), practice, mobile.value, "wrong-password-here")
    limited = _sign_in(Client(), practice, mobile.value)
    assert limited.status_code == 400 and "Too many tries" in limited.text


def test_an_account_is_tied_to_one_practice(as_user, staff, practice, other_practice, patient,
                                            mobile):
    _invite(as_user, staff, patient)
    _accept(Client(), practice, OutboundMessage.objects.get())
    assert _sign_in(Client(), other_practice, mobile.value).status_code == 400


@pytest.mark.parametrize("password1,password2,message", [
    ("", "", "Enter a new password"),
    ("short", "short", "Choose a stronger password"),
    ("password123", "password123", "Choose a stronger password"),
    (PASSWORD, PASSWORD + "x", "not the same"),
    ("x" * 200, "x" * 200, "Ensure this value"),
])
def test_bad_new_passwords_are_explained(as_user, staff, practice, patient, mobile, password1,
                                         password2, message):
    _invite(as_user, staff, patient)
    client = Client()
    client.get(_link_in(OutboundMessage.objects.get()))
    client.post(check_path(practice), DOB)
    response = client.post(reverse("portal_set_password", args=[practice.slug]),
                           {"password1": password1, "password2": password2})
    assert response.status_code == 400 and message in response.text
    assert not PortalAccount.objects.get(patient=patient).is_active


def test_password_reset_by_link_with_the_same_answer_for_strangers(as_user, staff, practice,
                                                                  patient, mobile):
    _invite(as_user, staff, patient)
    _accept(Client(), practice, OutboundMessage.objects.get())
    url = reverse("portal_reset_request", args=[practice.slug])
    known = Client().post(url, {"login": mobile.value})
    stranger = Client().post(url, {"login": "+13125559999"})
    assert known.text.count("If we know") == stranger.text.count("If we know") == 1
    reset = OutboundMessage.objects.get(template="portal_password_reset")
    _accept(Client(), practice, reset, password="another-long-pass-7")
    assert _sign_in(Client(), practice, mobile.value, "another-long-pass-7").status_code == 302
    assert _sign_in(Client(), practice, mobile.value).status_code == 400


def test_change_password_checks_the_current_one(as_user, staff, practice, patient, mobile):
    _invite(as_user, staff, patient)
    client = Client()
    _accept(client, practice, OutboundMessage.objects.get())
    url = reverse("portal_change_password", args=[practice.slug])
    wrong = client.post(url, {"current": "nope", "password1": "new-long-pass-99",
                              "password2": "new-long-pass-99"})
    assert wrong.status_code == 400 and "not your password now" in wrong.text
    ok = client.post(url, {"current": PASSWORD, "password1": "new-long-pass-99",
                           "password2": "new-long-pass-99"})
    assert ok.status_code == 302
    assert client.get(reverse("portal_home", args=[practice.slug])).status_code == 200
    assert _sign_in(Client(), practice, mobile.value, "new-long-pass-99").status_code == 302


def test_sign_out_ends_the_session(as_user, patient_user, practice):
    client = as_user(patient_user)
    client.post(reverse("portal_sign_out", args=[practice.slug]))
    assert client.get(reverse("portal_home", args=[practice.slug])).status_code == 302


def test_staff_end_a_patients_sessions_and_links(as_user, staff, practice, patient,
                                                 patient_user, link_client):
    patient_browser = as_user(patient_user)
    home = reverse("portal_home", args=[practice.slug])
    assert patient_browser.get(home).status_code == link_client.get(home).status_code == 200
    response = as_user(staff).post(reverse("portal_staff_revoke", args=[practice.slug,
                                                                        patient.pk]))
    assert response.status_code == 302
    assert patient_browser.get(home).status_code == link_client.get(home).status_code == 302
    assert not PortalLink.objects.usable().filter(patient=patient).exists()
    # A new sign-in works again
    assert as_user(patient_user).get(home).status_code == 200


def test_staff_actions_on_another_practices_patient_are_404(as_user, staff, practice,
                                                            other_practice):
    foreign = PatientFactory(practice=other_practice)
    for action in ("invite", "revoke", "unlock", "status_link"):
        url = reverse(f"portal_staff_{action}", args=[practice.slug, foreign.pk])
        assert as_user(staff).post(url, {"kind": "phone"}).status_code == 404


def test_after_changing_their_mobile_the_patient_signs_in_with_the_new_one(
        as_user, staff, practice, patient, mobile):
    _invite(as_user, staff, patient)
    client = Client()
    _accept(client, practice, OutboundMessage.objects.get())
    client.post(reverse("portal_contact_change", args=[practice.slug, "mobile"]),
                {"value": "(312) 555-0188"})
    code = re.search(r"\b(\d{6})\b", OutboundMessage.objects.get(
        template="contact_verification").body).group(1)
    client.post(reverse("portal_contact_verify", args=[practice.slug, "mobile"]), {"code": code})
    assert _sign_in(Client(), practice, "(312) 555-0188").status_code == 302
    assert _sign_in(Client(), practice, mobile.value).status_code == 400
