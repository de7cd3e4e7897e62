"""Bad input on every portal form is answered in the patient's language (here Spanish)
and changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from vpm.patients.verification import contact_verification_start
from vpm.portal.models import PortalLinkFailure

from .conftest import check_path, make_link, open_and_check

pytestmark = pytest.mark.django_db


@pytest.fixture
def spanish(practice, patient):
    practice.default_language = "es"
    practice.save()
    patient.preferred_language = "es"
    patient.save()
    return patient


def _post(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 400, url
    assert '<html lang="es">' in response.text and "Hay un problema" in response.text
    return response.text


def test_public_forms_answer_in_spanish(spanish, practice):
    client = Client()
    assert "Escriba su correo o su celular" in _post(
        client, reverse("portal_sign_in", args=[practice.slug]), {"login": "", "password": ""})
    assert "Es muy largo" in _post(
        client, reverse("portal_reset_request", args=[practice.slug]), {"login": "x" * 300})
    _link, path = make_link(spanish)
    client.get(path)
    assert "Esa fecha no existe" in _post(client, check_path(practice),
                                          {"day": "30", "month": "2", "year": "1990"})
    assert not PortalLinkFailure.objects.exists()


def test_patient_forms_answer_in_spanish(spanish, practice, as_user, patient_user):
    client = as_user(patient_user)
    slug = practice.slug
    assert "Escriba su correo nuevo" in _post(
        client, reverse("portal_contact_change", args=[slug, "email"]), {"value": ""})
    assert "Elija una forma de la lista" in _post(
        client, reverse("portal_contact_channel", args=[slug]), {"channel": "fax"})
    assert "Esa no es su clave de hoy" in _post(
        client, reverse("portal_change_password", args=[slug]),
        {"current": "wrong", "password1": "a-long-new-pass-1", "password2": "a-long-new-pass-1"})
    contact_verification_start(patient=spanish, kind="phone", value="(312) 555-0100",
                               base_url="http://testserver")
    assert "Use solo números" in _post(
        client, reverse("portal_contact_verify", args=[slug, "mobile"]), {"code": "abcdef"})


def test_set_password_answers_in_spanish(spanish, practice):
    client = Client()
    _link, path = make_link(spanish, purpose="password_reset")
    from tests.factories import UserFactory
    from vpm.portal.models import PortalAccount

    spanish.user = UserFactory()
    spanish.save()
    PortalAccount.objects.create(practice=practice, patient=spanish, user=spanish.user,
                                 login_kind="phone", login="+13125550100")
    open_and_check(client, path, practice)
    url = reverse("portal_set_password", args=[practice.slug])
    assert "Elija una clave más fuerte" in _post(client, url, {"password1": "abc",
                                                                "password2": "abc"})
    assert "no son iguales" in _post(client, url, {"password1": "a-long-new-pass-1",
                                                   "password2": "a-long-new-pass-2"})
