"""English and Spanish: the practice's default first, then the patient's choice, saved."""

import pytest
from django.urls import reverse

from vpm.notify.models import OutboundMessage
from vpm.patients.verification import contact_verification_start

from .conftest import make_link, open_and_check

pytestmark = pytest.mark.django_db


def _sign_in_page(client, practice, **headers):
    return client.get(reverse("portal_sign_in", args=[practice.slug]), **headers)


def test_practice_default_applies_before_a_choice(client, practice):
    practice.default_language = "es"
    practice.save()
    page = _sign_in_page(client, practice)
    assert '<html lang="es">' in page.text and "Entrar" in page.text


def test_a_spanish_browser_does_not_mix_languages_on_an_english_practice(client, practice):
    page = _sign_in_page(client, practice, HTTP_ACCEPT_LANGUAGE="es")
    assert '<html lang="en">' in page.text and "Entrar" not in page.text


def test_choice_before_the_check_is_saved_on_the_patient(client, practice, patient):
    _link, path = make_link(patient)
    client.get(path)
    client.post(reverse("portal_language", args=[practice.slug]),
                {"language": "es", "next": reverse("portal_link_check", args=[practice.slug])})
    check = client.get(reverse("portal_link_check", args=[practice.slug]))
    assert "Fecha de nacimiento" in check.text
    open_and_check(client, path, practice)
    home = client.get(reverse("portal_home", args=[practice.slug]))
    assert "Lo que necesitamos de usted" in home.text
    patient.refresh_from_db()
    assert patient.preferred_language == "es"


def test_signed_in_patient_switches_and_it_is_saved(as_user, practice, patient, patient_user):
    client = as_user(patient_user)
    home = reverse("portal_home", args=[practice.slug])
    response = client.post(reverse("portal_language", args=[practice.slug]),
                           {"language": "es", "next": home})
    assert response.url == home
    assert "Hola, Maria" in client.get(home).text
    patient.refresh_from_db()
    assert patient.preferred_language == "es"


def test_language_switch_refuses_other_sites_and_bad_choices(as_user, practice, patient,
                                                              patient_user):
    client = as_user(patient_user)
    url = reverse("portal_language", args=[practice.slug])
    assert client.post(url, {"language": "en", "next": "https://evil.example/"}).url == \
        reverse("portal_home", args=[practice.slug])
    client.post(url, {"language": "xx"})
    patient.refresh_from_db()
    assert patient.preferred_language == "en"


def test_messages_go_out_in_the_patients_language(patient):
    patient.preferred_language = "es"
    patient.save()
    contact_verification_start(patient=patient, kind="phone", value="(312) 555-0100",
                               base_url="http://testserver")
    message = OutboundMessage.objects.get()
    assert "su código es" in message.body and message.to == "+13125550100"
