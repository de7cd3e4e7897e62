"""The manager's team page: members, invitations, role and team changes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import staff_user
from vpm.practices.models import Invitation, Membership, Role, Team

from .helpers import error_next_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(as_user, manager):
    return as_user(manager)


def _invite(client, practice, capture, **overrides):
    data = {"email": "new.person@example.test", "role": Role.STAFF, "team": Team.TRIAGE}
    with capture(execute=True):
        return client.post(reverse("team", args=[practice.slug]), {**data, **overrides})


def _change(client, membership, **data):
    url = reverse("membership_change", args=[membership.practice.slug, membership.pk])
    return client.post(url, data)


def test_team_page_lists_only_this_practices_members(manager_client, practice, staff, outsider):
    response = manager_client.get(reverse("team", args=[practice.slug]))
    assert "Alex Staff" in response.text and "Morgan Manager" in response.text
    assert "Olly Outsider" not in response.text


def test_inviting_someone_records_and_emails_the_invitation(
        manager_client, practice, mailoutbox, django_capture_on_commit_callbacks):
    response = _invite(manager_client, practice, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.team) == \
        ("new.person@example.test", Role.STAFF, Team.TRIAGE)
    assert mailoutbox[0].to == ["new.person@example.test"]
    assert f"http://testserver/invitations/{invitation.token}/" in mailoutbox[0].body


@pytest.mark.parametrize(("email", "message"), [
    ("not-an-email", "Enter a valid email address."),
    ("", "This field is required."),
    ("alex\x00@example.test", "Null characters are not allowed."),
])
def test_invite_with_a_malformed_email_is_refused(
        manager_client, practice, mailoutbox, django_capture_on_commit_callbacks, email,
        message):
    response = _invite(manager_client, practice, django_capture_on_commit_callbacks, email=email)
    assert response.status_code == 400
    assert message in error_next_to(response, "id_email")
    assert not Invitation.objects.exists() and not mailoutbox


def test_invite_with_an_unknown_role_is_refused(
        manager_client, practice, django_capture_on_commit_callbacks):
    response = _invite(manager_client, practice, django_capture_on_commit_callbacks,
                       role="superuser")
    assert response.status_code == 400
    assert "Select a valid choice" in error_next_to(response, "id_role")
    assert not Invitation.objects.exists()


def test_inviting_an_existing_member_is_refused(
        manager_client, practice, staff, mailoutbox, django_capture_on_commit_callbacks):
    response = _invite(manager_client, practice, django_capture_on_commit_callbacks,
                       email=staff.email.upper())
    assert response.status_code == 400
    assert "is already on this practice's staff" in error_next_to(response, "id_email")
    assert not Invitation.objects.exists() and not mailoutbox


def test_a_second_pending_invitation_for_one_email_is_refused(
        manager_client, practice, mailoutbox, django_capture_on_commit_callbacks):
    _invite(manager_client, practice, django_capture_on_commit_callbacks)
    response = _invite(manager_client, practice, django_capture_on_commit_callbacks,
                       email="New.Person@example.test")
    assert response.status_code == 400
    assert "already has a pending invitation" in error_next_to(response, "id_email")
    assert Invitation.objects.count() == 1 and len(mailoutbox) == 1


def test_someone_whose_invitation_expired_can_be_invited_again(
        manager_client, practice, manager, django_capture_on_commit_callbacks):
    Invitation.objects.create(practice=practice, email="new.person@example.test",
                              invited_by=manager, expires_at=timezone.now() - timedelta(days=1))
    response = _invite(manager_client, practice, django_capture_on_commit_callbacks)
    assert response.status_code == 302


def test_staff_of_another_practice_can_be_invited(
        manager_client, practice, outsider, django_capture_on_commit_callbacks):
    response = _invite(manager_client, practice, django_capture_on_commit_callbacks,
                       email=outsider.email)
    assert response.status_code == 302
    assert Invitation.objects.get().practice == practice


def test_manager_changes_a_members_role_and_team(manager_client, staff):
    membership = staff.memberships.get()
    response = _change(manager_client, membership, role=Role.PROVIDER, team=Team.TELEHEALTH)
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.role, membership.team) == (Role.PROVIDER, Team.TELEHEALTH)


def test_the_last_manager_cannot_stop_being_manager(manager_client, manager):
    membership = manager.memberships.get()
    response = _change(manager_client, membership, role=Role.STAFF, team=Team.TRIAGE)
    assert response.status_code == 400
    assert "A practice needs at least one manager" in response.text
    assert f'aria-describedby="member-{membership.pk}-error"' in response.text
    membership.refresh_from_db()
    assert (membership.role, membership.team) == (Role.MANAGER, "")


def test_a_manager_can_step_down_when_another_manager_remains(manager_client, practice,
                                                              manager):
    staff_user(practice, role=Role.MANAGER, team="")
    response = _change(manager_client, manager.memberships.get(), role=Role.STAFF, team="")
    assert response.url == reverse("staff_home", args=[practice.slug])
    assert manager.memberships.get().role == Role.STAFF


@pytest.mark.parametrize("data", [{"role": "owner", "team": ""},
                                  {"role": Role.STAFF, "team": "kitchen"}, {}])
def test_membership_change_with_unknown_values_is_refused(manager_client, staff, data):
    membership = staff.memberships.get()
    response = _change(manager_client, membership, **data)
    assert response.status_code == 400
    assert "Choose a role and a team from the lists." in response.text
    assert Membership.objects.get(pk=membership.pk).role == Role.STAFF
