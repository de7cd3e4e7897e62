"""Account pages in VPM's words and layout (issue 9): staff and managers get the
account layout; a patient is sent to the portal's own pages."""

import pytest
from allauth.usersessions.models import UserSession
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

# allauth's own Title-Case wording, which no account page may show.
ALLAUTH_WORDING = ["Change Password", "Sign Out Other Sessions", "Started At", "Confirm Access",
                   "Deactivate Authenticator App", "Recovery Codes</h1>", "Sign Out<",
                   "Current Password", "New Password", "Are you sure", "Please reauthenticate"]

STAFF_PAGES = [
    ("account_change_password", "Change your password"),
    ("usersessions_list", "Where you are signed in"),
    ("mfa_index", "Two-step sign-in"),
    ("account_email", "Email address"),
    ("api_tokens", "API tokens"),
    ("account_reauthenticate", "Confirm it is you"),
    ("mfa_reauthenticate", "Confirm it is you"),
    ("account_logout", "Sign out"),
]


def _signed_in_again(user):
    """A second browser of the same person, recorded by allauth like a real sign-in."""
    client = client_for(user)
    session = client.session
    UserSession.objects.create(user=user, session_key=session.session_key, ip="198.51.100.7",
                               user_agent="Firefox on another computer")
    return client


@pytest.mark.parametrize("who", ["staff", "manager"])
@pytest.mark.parametrize(("url_name", "heading"), STAFF_PAGES)
def test_each_account_page_speaks_vpm_in_the_account_layout(request, who, url_name, heading):
    client = client_for(request.getfixturevalue(who))
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.text
    assert 'class="account-nav"' in response.text or url_name.endswith("reauthenticate")
    for wording in ALLAUTH_WORDING:
        assert wording not in response.text, wording


def test_the_pages_behind_a_fresh_check_speak_vpm_too(staff):
    client = client_for(staff)
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    for url_name, heading in [("mfa_deactivate_totp", "Turn off the authenticator app"),
                              ("mfa_generate_recovery_codes", "Make new recovery codes")]:
        response = client.get(reverse(url_name))
        assert f"<h1>{heading}</h1>" in response.text, url_name
        for wording in ALLAUTH_WORDING:
            assert wording not in response.text, wording


def test_changing_the_password_says_so_and_signs_out_the_other_browser(staff):
    client, other = client_for(staff), _signed_in_again(staff)
    response = client.post(reverse("account_change_password"), {
        "oldpassword": TEST_PASSWORD, "password1": "a new long passphrase 7",
        "password2": "a new long passphrase 7"}, follow=True)
    assert "Your password is changed. Other browsers and devices signed in to your account " \
           "are signed out." in response.text
    assert client.get(reverse("mfa_index")).status_code == 200  # this one stays signed in
    assert other.get(reverse("mfa_index")).status_code == 302  # the other one is out
    staff.refresh_from_db()
    assert staff.check_password("a new long passphrase 7")


def test_a_wrong_current_password_is_said_by_its_field_and_changes_nothing(staff):
    client = client_for(staff)
    response = client.post(reverse("account_change_password"), {
        "oldpassword": "not it", "password1": "a new long passphrase 7",
        "password2": "a new long passphrase 7"})
    assert response.status_code == 200
    field = response.text.split('for="id_oldpassword"')[1].split('id="id_oldpassword"')[0]
    assert "That is not your current password. Nothing was changed." in field
    staff.refresh_from_db()
    assert staff.check_password(TEST_PASSWORD)


def test_the_sessions_page_lists_the_other_browser_and_signs_it_out(manager):
    client, other = client_for(manager), _signed_in_again(manager)
    UserSession.objects.create(user=manager, session_key=client.session.session_key,
                               ip="203.0.113.9", user_agent="This browser's agent")
    page = client.get(reverse("usersessions_list"))
    assert "signed in on 2 browsers or devices" in page.text
    assert "Firefox on another computer" in page.text and "<strong>This browser</strong>" in page.text
    response = client.post(reverse("usersessions_list"), follow=True)
    assert "You are signed out everywhere else; only this browser is still signed in." \
        in response.text
    assert other.get(reverse("mfa_index")).status_code == 302
    assert client.get(reverse("mfa_index")).status_code == 200


@pytest.mark.parametrize(("url_name", "portal_page"), [
    ("account_change_password", "portal_change_password"),
    ("account_set_password", "portal_change_password"),
    ("usersessions_list", "portal_home"), ("api_tokens", "portal_home"),
])
def test_a_patient_is_sent_to_the_portals_own_page(practice, patient_user, url_name,
                                                   portal_page):
    response = client_for(patient_user).get(reverse(url_name))
    assert response.status_code == 302
    assert response.url == reverse(portal_page, args=[practice.slug])


@pytest.mark.parametrize(("url_name", "heading"), [
    ("account_email", "Correo electrónico"), ("mfa_index", "Entrar en dos pasos"),
    ("account_reauthenticate", "Confirme que es usted"), ("account_logout", "Salir"),
])
def test_the_pages_a_patient_may_use_are_in_the_portals_layout_and_language(
        practice, patient, patient_user, url_name, heading):
    patient.preferred_language = "es"
    patient.save(update_fields=["preferred_language"])
    response = client_for(patient_user).get(reverse(url_name))
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.text
    assert "portal.css" in response.text and "vpm.css" not in response.text
    assert '<html lang="es">' in response.text and practice.name in response.text
    assert "account-nav" not in response.text and "Atrás" in response.text  # the way back
    for wording in ALLAUTH_WORDING:
        assert wording not in response.text, wording


def test_a_patient_changes_the_password_in_the_portal_in_their_language(practice, patient,
                                                                        patient_user):
    patient.preferred_language = "es"
    patient.save(update_fields=["preferred_language"])
    response = client_for(patient_user).get(reverse("account_change_password"), follow=True)
    assert response.status_code == 200
    assert "portal.css" in response.text and "vpm.css" not in response.text
    assert '<html lang="es">' in response.text
    assert "account-nav" not in response.text


def test_a_patient_can_still_sign_out_through_allauths_address(patient_user):
    client = client_for(patient_user)
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_a_staff_member_who_is_also_a_patient_keeps_the_staff_pages(staff, patient):
    patient.user = staff
    patient.save(update_fields=["user"])
    response = client_for(staff).get(reverse("account_change_password"))
    assert response.status_code == 200 and "<h1>Change your password</h1>" in response.text
