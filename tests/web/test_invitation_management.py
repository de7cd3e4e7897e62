"""Managing invitations (issue 9, Invitations): cancel, send again, a warning
before inviting a patient's address, internationalised addresses, and emails
that name the practice."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import ContactPointFactory
from vpm.practices.models import Invitation
from vpm.practices.services import invitation_create

pytestmark = pytest.mark.django_db

IDN = "josé.müller@exämple.com"


@pytest.fixture
def invitation(practice, manager):
    return invitation_create(practice=practice, email="jo.new@example.test", role="staff",
                             team="", invited_by=manager, base_url="http://testserver")


def _action(practice, invitation, action):
    return reverse(f"invitation_{action}", args=[practice.slug, invitation.pk])


def test_manager_cancels_a_pending_invitation_and_its_link_stops_working(
        as_user, practice, manager, invitation):
    response = as_user(manager).post(_action(practice, invitation, "cancel"), follow=True)
    assert "Cancelled the invitation to jo.new@example.test" in response.text
    assert not Invitation.objects.exists()
    assert Client().get(reverse("invitation_accept", args=[invitation.token])).status_code == 404


def test_manager_sends_an_expired_invitation_again(as_user, practice, manager, invitation,
                                                   django_capture_on_commit_callbacks):
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now()
                                                        - timedelta(days=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(manager).post(_action(practice, invitation, "resend"), follow=True)
    assert "Sent the invitation to jo.new@example.test again" in response.text
    invitation.refresh_from_db()
    assert invitation.is_usable and invitation.expires_at > timezone.now() + timedelta(days=6)
    assert [m.to for m in mail.outbox] == [["jo.new@example.test"]]
    assert practice.name in mail.outbox[0].subject and "127.0.0.1" not in mail.outbox[0].subject


@pytest.mark.parametrize("action", ["cancel", "resend"])
def test_only_the_practices_managers_manage_invitations(as_user, practice, staff, outsider,
                                                        invitation, action):
    assert as_user(staff).post(_action(practice, invitation, action)).status_code == 403
    assert as_user(outsider).post(_action(practice, invitation, action)).status_code == 404
    # And another practice's manager cannot reach it under their own practice either
    other = reverse(f"invitation_{action}", args=[outsider.memberships.get().practice.slug,
                                                  invitation.pk])
    assert as_user(outsider).post(other).status_code == 404
    assert Invitation.objects.get().expires_at == invitation.expires_at


def test_inviting_a_patients_address_warns_first(as_user, practice, manager, patient):
    ContactPointFactory(patient=patient, kind="email", value="maria.g@example.test")
    client = as_user(manager)
    body = {"email": "Maria.G@example.test", "role": "staff", "team": ""}
    response = client.post(reverse("team", args=[practice.slug]), body)
    assert response.status_code == 409
    assert "belongs to a patient of Riverside Family Medicine" in response.text
    assert not Invitation.objects.exists()
    response = client.post(reverse("team", args=[practice.slug]),
                           {**body, "confirm_patient": "1"})
    assert response.status_code == 302
    assert Invitation.objects.get().email == "maria.g@example.test"


def test_an_internationalised_address_can_be_invited_and_sign_in(as_user, practice, manager):
    response = as_user(manager).post(reverse("team", args=[practice.slug]),
                                     {"email": IDN, "role": "staff", "team": ""})
    assert response.status_code == 302, response.content[:500]
    invitation = Invitation.objects.get()
    assert invitation.email == IDN
    client = Client()
    client.post(reverse("invitation_accept", args=[invitation.token]),
                {"name": "José Müller", "password": "a-long-new-password-7"})
    client.post(reverse("account_logout"))
    response = client.post(reverse("account_login"),
                           {"login": IDN, "password": "a-long-new-password-7"})
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp") or \
        response.url == reverse("home")


@pytest.mark.parametrize("email", ["not-an-address", "a@b", "josé@", "x" * 250 + "@example.com"])
def test_a_bad_address_is_refused_next_to_the_field(as_user, practice, manager, email):
    from tests.web.helpers import error_next_to

    response = as_user(manager).post(reverse("team", args=[practice.slug]),
                                     {"email": email, "role": "staff", "team": ""})
    assert response.status_code == 400
    assert error_next_to(response, "id_email")
    assert not Invitation.objects.exists()


def test_allauth_emails_name_vpm_not_the_host(staff):
    Client().post(reverse("account_reset_password"), {"email": staff.email})
    assert mail.outbox[0].subject.startswith("VPM: ")
