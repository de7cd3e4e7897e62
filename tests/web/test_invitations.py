"""Accepting an invitation: a new person, an existing account, and bad links."""

import re
from datetime import timedelta

import pyotp
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import TEST_PASSWORD, UserFactory
from vpm.practices.models import Invitation, Membership, Role, Team

from .helpers import error_next_to

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "river-otter-lantern-42"


@pytest.fixture
def invitation(practice, manager):
    return Invitation.objects.create(practice=practice, email="jo.new@example.test",
                                     role=Role.STAFF, team=Team.TRIAGE, invited_by=manager)


def _url(invitation):
    return reverse("invitation_accept", args=[invitation.token])


def _signed_in_user(client):
    return client.get(reverse("home")).wsgi_request.user


def test_invited_person_joins_from_the_emailed_link(
        as_user, practice, manager, client, mailoutbox, django_capture_on_commit_callbacks):
    # Given a manager invites Jo
    with django_capture_on_commit_callbacks(execute=True):
        as_user(manager).post(reverse("team", args=[practice.slug]),
                              {"email": "jo@example.test", "role": Role.PROVIDER,
                               "team": Team.TELEHEALTH})
    link = re.search(r"http://testserver(/invitations/\S+/)", mailoutbox[0].body).group(1)
    # When Jo opens the link and sets a name and password
    assert "Join Riverside Family Medicine" in client.get(link).text
    response = client.post(link, {"name": "Jo Newman", "password": NEW_PASSWORD})
    # Then Jo is a member with the invited role and team, signed in, sent to enrol TOTP
    assert response.url == reverse("mfa_activate_totp")
    membership = Membership.objects.get(user__email="jo@example.test")
    assert (membership.practice, membership.role, membership.team) == \
        (practice, Role.PROVIDER, Team.TELEHEALTH)
    assert membership.user.check_password(NEW_PASSWORD) and membership.user.name == "Jo Newman"
    assert Invitation.objects.get().accepted_at is not None


def test_new_member_enrols_totp_then_reaches_their_home(client, practice, invitation):
    # Given Jo accepted the invitation
    client.post(_url(invitation), {"name": "Jo Newman", "password": NEW_PASSWORD})
    # Until Jo enrols, staff pages send them to enrol
    home = reverse("staff_home", args=[practice.slug])
    assert client.get(home).url == reverse("mfa_activate_totp")
    # When Jo opens enrolment, it is not asked to re-type the password just chosen
    enrolment = client.get(reverse("mfa_activate_totp"))
    assert enrolment.status_code == 200
    secret = enrolment.context["form"].secret
    client.post(reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()})
    # Then Jo reaches their home page
    assert client.get(home).status_code == 200


def test_weak_password_is_refused_and_nothing_is_created(client, invitation):
    for password in ["short", "password1234", "jo.new@example.test", "1234567890123"]:
        response = client.post(_url(invitation), {"name": "Jo", "password": password})
        assert response.status_code == 400, password
        assert error_next_to(response, "id_password"), password
    assert not get_user_model().objects.filter(email=invitation.email).exists()
    assert Invitation.objects.get().accepted_at is None
    assert not _signed_in_user(client).is_authenticated


def test_missing_name_is_refused(client, invitation):
    response = client.post(_url(invitation), {"name": "", "password": NEW_PASSWORD})
    assert response.status_code == 400
    assert "This field is required." in error_next_to(response, "id_name")
    assert not Membership.objects.filter(user__email=invitation.email).exists()


@pytest.mark.parametrize("make_unusable", [
    lambda inv: inv.__setattr__("expires_at", timezone.now() - timedelta(minutes=1)),
    lambda inv: inv.__setattr__("accepted_at", timezone.now()),
])
def test_expired_or_used_invitation_is_refused_clearly(client, invitation, make_unusable):
    make_unusable(invitation)
    invitation.save()
    for response in [client.get(_url(invitation)),
                     client.post(_url(invitation), {"name": "Jo", "password": NEW_PASSWORD})]:
        assert response.status_code == 400
        assert "expired or was already used" in response.text
    assert not get_user_model().objects.filter(email=invitation.email).exists()


def test_unknown_invitation_token_is_404(client):
    url = reverse("invitation_accept", args=["00000000-0000-4000-8000-000000000000"])
    assert client.get(url).status_code == 404


def test_the_link_alone_never_signs_in_an_existing_account(client, invitation):
    # Given Jo already has an account (say, as a patient)
    jo = UserFactory(email=invitation.email)
    # When someone with only the link opens it and tries to set a password
    page = client.get(_url(invitation))
    response = client.post(_url(invitation), {"name": "Mallory", "password": NEW_PASSWORD})
    # Then they are asked to sign in, and nothing changes
    assert "Sign in</a>, then you can accept" in page.text
    assert "Sign in</a>, then you can accept" in response.text
    assert not _signed_in_user(client).is_authenticated
    assert not Membership.objects.filter(user=jo).exists()
    jo.refresh_from_db()
    assert jo.check_password(TEST_PASSWORD)
    assert Invitation.objects.get().accepted_at is None


def test_existing_account_accepts_after_signing_in(as_user, practice, invitation):
    jo = UserFactory(email=invitation.email)
    client = as_user(jo)
    assert "Accept and join" in client.get(_url(invitation)).text
    response = client.post(_url(invitation))
    assert response.url == reverse("staff_home", args=[practice.slug])
    assert Membership.objects.get(user=jo).team == Team.TRIAGE


def test_signed_in_as_someone_else_cannot_accept(as_user, invitation, staff):
    client = as_user(staff)
    response = client.post(_url(invitation))
    assert response.status_code == 403
    assert "This invitation is for jo.new@example.test" in response.text
    assert Invitation.objects.get().accepted_at is None


def test_accepting_twice_in_two_tabs_is_refused_not_a_500(invitation):
    # Given Jo opened the form in two tabs and submitted the first
    first, second = Client(), Client()
    second.get(_url(invitation))
    first.post(_url(invitation), {"name": "Jo", "password": NEW_PASSWORD})
    # When the second tab is submitted
    response = second.post(_url(invitation), {"name": "Jo", "password": NEW_PASSWORD})
    # Then it is refused clearly
    assert response.status_code == 400
    assert Membership.objects.filter(user__email=invitation.email).count() == 1
