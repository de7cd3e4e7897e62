"""The account pages a patient sees in the portal layout, in Spanish (issue 9).

Each page is drawn twice for the same patient, in English and in Spanish, and
every piece of text in the page's main part and title must differ: a string
left out of the catalogue, or never marked translatable, shows up as the same
English text in both.
"""

import re
from html.parser import HTMLParser

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


class _Texts(HTMLParser):
    """Text nodes of <title> and <main>, outside <textarea> (the codes themselves)."""

    def __init__(self):
        super().__init__()
        self.texts, self._where = [], []

    def handle_starttag(self, tag, attrs):
        if tag in ("title", "main", "textarea"):
            self._where.append(tag)

    def handle_endtag(self, tag):
        if self._where and self._where[-1] == tag:
            self._where.pop()

    def handle_data(self, data):
        text = " ".join(data.split())
        if self._where and "textarea" not in self._where and re.search(r"[A-Za-z]{2}", text):
            self.texts.append(text)


def _texts(html) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    return parser.texts


def _in(language, patient, client, url):
    patient.preferred_language = language
    patient.save(update_fields=["preferred_language"])
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert f'<html lang="{language}">' in response.text
    return response


@pytest.fixture
def with_totp(patient_user):
    TOTP.activate(patient_user, generate_totp_secret())
    RecoveryCodes.activate(patient_user)
    return patient_user


def _same_in_both(patient, client, url, allowed):
    english = _texts(_in("en", patient, client, url).text)
    spanish = _in("es", patient, client, url).text
    return [text for text in english if text in _texts(spanish) and text not in allowed]


@pytest.mark.parametrize("url_name", ["account_email", "mfa_index", "account_reauthenticate",
                                      "account_logout"])
def test_a_spanish_speaking_patient_reads_the_account_pages_in_spanish(
        practice, patient, patient_user, url_name):
    client = client_for(patient_user)
    allowed = {patient_user.email, practice.name}
    assert _same_in_both(patient, client, reverse(url_name), allowed) == []


def test_the_two_step_pages_are_in_spanish_once_it_is_set_up(practice, patient, with_totp):
    client = client_for(with_totp)
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    allowed = {with_totp.email, practice.name}
    for url_name in ["mfa_index", "mfa_reauthenticate", "mfa_deactivate_totp",
                     "mfa_generate_recovery_codes", "mfa_view_recovery_codes"]:
        assert _same_in_both(patient, client, reverse(url_name), allowed) == [], url_name


def test_what_a_spanish_speaking_patient_reads_says_the_right_thing(practice, patient,
                                                                   patient_user):
    patient.preferred_language = "es"
    patient.save(update_fields=["preferred_language"])
    client = client_for(patient_user)
    email = client.get(reverse("account_email")).text
    assert "<h1>Correo electrónico</h1>" in email
    assert f"Usted entra con <strong>{patient_user.email}</strong>" in email
    assert "Para cambiarlo, pregunte a su consultorio" in email
    assert "<h1>Entrar en dos pasos</h1>" in client.get(reverse("mfa_index")).text
    confirm = client.get(reverse("account_reauthenticate")).text
    assert "<h1>Confirme que es usted</h1>" in confirm and "Su clave" in confirm
    signed_out = client.post(reverse("account_logout"))
    assert [str(m) for m in get_messages(signed_out.wsgi_request)] == ["Ya salió."]


def test_setting_up_the_authenticator_app_is_in_spanish_too(practice, patient, patient_user):
    """allauth's own enrolment page, in allauth's Spanish."""
    client = client_for(patient_user)
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    allowed = {patient_user.email, practice.name}
    assert _same_in_both(patient, client, reverse("mfa_activate_totp"), allowed) == []
