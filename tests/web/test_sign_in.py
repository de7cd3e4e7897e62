"""Signing in through allauth: password, then TOTP for staff; rate limits."""

import pyotp
import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _password_step(client, user, password=TEST_PASSWORD):
    return client.post(LOGIN, {"login": user.email, "password": password})


def _is_signed_in(client):
    return client.get(reverse("home")).wsgi_request.user.is_authenticated


def test_staff_sign_in_asks_for_the_totp_code_then_opens_their_home(client, practice, staff):
    # When Alex gives email and password
    response = _password_step(client, staff)
    # Then a code is asked for, and Alex is not signed in yet
    assert response.url == reverse("mfa_authenticate")
    assert not _is_signed_in(client)
    # When Alex gives the current code from the authenticator app
    response = client.post(response.url, {"code": pyotp.TOTP(TEST_TOTP_SECRET).now()},
                           follow=True)
    # Then Alex lands on their home page
    assert response.redirect_chain[-1][0] == reverse("staff_home", args=[practice.slug])
    assert "<h1>Queue</h1>" in response.text


def test_wrong_totp_code_does_not_sign_in(client, staff):
    _password_step(client, staff)
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "Incorrect code" in response.text
    assert not _is_signed_in(client)


def test_a_totp_code_cannot_be_used_twice(client, staff):
    code = pyotp.TOTP(TEST_TOTP_SECRET).now()
    _password_step(client, staff)
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert _is_signed_in(client)
    client.post(reverse("account_logout"))
    _password_step(client, staff)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert not _is_signed_in(client)
    # And the person is told why, not that the code was wrong
    assert "That code was just used; wait for the next one." in response.text
    assert "Incorrect code" not in response.text


def test_patient_signs_in_with_a_password_only(client, practice, patient_user):
    response = _password_step(client, patient_user)
    assert response.url == reverse("home")
    assert client.get(response.url).url == reverse("portal_home", args=[practice.slug])


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, staff):
    response = _password_step(client, staff, password="not-the-password")
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.text
    assert not _is_signed_in(client)


def test_sixth_attempt_after_five_wrong_passwords_is_refused_even_if_right(client, staff):
    # Given five wrong passwords for one account (allauth: login_failed 5/5m per key)
    for _ in range(5):
        _password_step(client, staff, password="guess-again")
    # When the right password is given
    response = _password_step(client, staff)
    # Then it is refused with a message to try later, and no code is asked for
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.text
    assert not _is_signed_in(client)


def test_rate_limit_is_per_account(client, staff, colleague):
    for _ in range(5):
        _password_step(client, staff, password="guess-again")
    assert _password_step(client, colleague).url == reverse("mfa_authenticate")
