"""The manager's team page: members, invitations, role and team changes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import WorkItemFactory, staff_user
from vpm.practices.models import Invitation, Membership, Role, Team
from vpm.queue.models import Status, WorkItemEvent

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


# --- Removing and restoring access -------------------------------------------

def _remove(client, membership):
    return client.post(reverse("membership_remove", args=[membership.practice.slug,
                                                          membership.pk]))


def test_removing_someone_ends_their_access_and_returns_their_items(
        manager_client, as_user, practice, staff, manager):
    claimed = WorkItemFactory(practice=practice, status=Status.CLAIMED, owner=staff)
    snoozed = WorkItemFactory(practice=practice, status=Status.SNOOZED, owner=staff,
                              snoozed_until=timezone.now() + timedelta(hours=1))
    staff_client = as_user(staff)
    home = reverse("staff_home", args=[practice.slug])
    assert staff_client.get(home).status_code == 200

    response = _remove(manager_client, staff.memberships.get())

    assert response.status_code == 302
    assert "2 of their items went back to the queue" in manager_client.get(response.url).text
    assert staff_client.get(home).status_code == 404  # the same session, refused at once
    claimed.refresh_from_db()
    snoozed.refresh_from_db()
    assert (claimed.status, claimed.owner) == (Status.OPEN, None)
    assert (snoozed.status, snoozed.owner) == (Status.SNOOZED, None)
    assert WorkItemEvent.objects.filter(work_item=claimed, action="released",
                                        actor=manager).exists()


def test_a_removed_person_is_listed_apart_and_can_be_restored(manager_client, as_user,
                                                                 practice, staff):
    membership = staff.memberships.get()
    _remove(manager_client, membership)
    page = manager_client.get(reverse("team", args=[practice.slug])).text
    assert "No longer with the practice" in page and "Restore access" in page

    url = reverse("membership_restore", args=[practice.slug, membership.pk])
    assert manager_client.post(url).status_code == 302
    assert as_user(staff).get(reverse("staff_home", args=[practice.slug])).status_code == 200


def test_the_last_manager_cannot_remove_themselves(manager_client, manager):
    membership = manager.memberships.get()
    response = _remove(manager_client, membership)
    assert response.status_code == 400
    assert "at least one manager" in response.text
    assert Membership.objects.get(pk=membership.pk).is_active


def test_removing_twice_or_restoring_an_active_member_is_404(manager_client, practice, staff):
    membership = staff.memberships.get()
    restore = reverse("membership_restore", args=[practice.slug, membership.pk])
    assert manager_client.post(restore).status_code == 404
    _remove(manager_client, membership)
    assert _remove(manager_client, membership).status_code == 404


def test_removing_a_member_of_another_practice_is_404(manager_client, practice, outsider):
    foreign = outsider.memberships.get()
    url = reverse("membership_remove", args=[practice.slug, foreign.pk])
    assert manager_client.post(url).status_code == 404
    assert Membership.objects.get(pk=foreign.pk).is_active


def test_remove_needs_a_post(manager_client, staff):
    membership = staff.memberships.get()
    url = reverse("membership_remove", args=[membership.practice.slug, membership.pk])
    assert manager_client.get(url).status_code == 405
    assert Membership.objects.get(pk=membership.pk).is_active
