from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from vpm.queue.services import work_items_release_all_held_by

from .models import Invitation, Membership, Role, invitation_expiry


class InvitationError(Exception):
    """The invitation cannot be used; the message is for the user."""


def invitation_create(*, practice, email, role, team, invited_by, base_url) -> Invitation:
    """Invite someone to the practice's staff and email them the link."""
    email = email.strip().lower()
    if Membership.objects.filter(practice=practice, user__email=email).exists():
        raise InvitationError(f"{email} is already on this practice's staff.")
    try:
        with transaction.atomic():
            # An expired, unused invitation must not block inviting the person again.
            Invitation.objects.filter(practice=practice, email=email, accepted_at__isnull=True,
                                      expires_at__lte=timezone.now()).delete()
            invitation = Invitation.objects.create(practice=practice, email=email, role=role,
                                                   team=team, invited_by=invited_by)
    except IntegrityError:
        raise InvitationError(f"{email} already has a pending invitation.") from None
    _invitation_email_on_commit(invitation=invitation, invited_by=invited_by, base_url=base_url)
    return invitation


def _invitation_email_on_commit(*, invitation, invited_by, base_url) -> None:
    from django.core.mail import send_mail

    practice = invitation.practice
    link = base_url + reverse("invitation_accept", args=[invitation.token])
    transaction.on_commit(lambda: send_mail(
        f"Join {practice.name} on VPM",
        f"{invited_by.display_name} invited you to join {practice.name} on VPM.\n\n"
        f"Accept by {invitation.expires_at:%B %-d}: {link}\n",
        None, [invitation.email], fail_silently=True,
    ))


def invitation_cancel(*, invitation) -> bool:
    """Withdraw a pending invitation: its link stops working. False if it was used already."""
    deleted, _ = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).delete()
    return bool(deleted)


@transaction.atomic
def invitation_resend(*, invitation, resent_by, base_url) -> Invitation:
    """Send a pending invitation again, good for another 7 days (same link)."""
    updated = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True) \
        .update(expires_at=invitation_expiry())
    if not updated:
        raise InvitationError(f"{invitation.email} has already accepted.")
    invitation.refresh_from_db()
    _invitation_email_on_commit(invitation=invitation, invited_by=resent_by, base_url=base_url)
    return invitation


def address_belongs_to_a_patient(*, practice, email) -> bool:
    """Is `email` a patient's (portal account or contact point) at this practice?"""
    from django.db.models import Q

    from vpm.patients.models import Patient

    return Patient.objects.for_practice(practice).filter(
        Q(user__email__iexact=email)
        | Q(contact_points__kind="email", contact_points__value__iexact=email)).exists()


@transaction.atomic
def invitation_accept(*, invitation, user=None, name="", password="") -> Membership:
    """Turn a pending invitation into a membership, creating the account if needed."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise InvitationError("This invitation has expired or was already used. "
                              "Ask your practice manager for a new one.")
    User = get_user_model()
    if user is None:
        if User.objects.filter(email=invitation.email).exists():
            raise InvitationError("You already have an account: sign in, then open the link.")
        user = User.objects.create_user(email=invitation.email, password=password, name=name)
    elif user.email.lower() != invitation.email:
        raise InvitationError(f"This invitation is for {invitation.email}. "
                              "Sign out and open the link again.")
    membership, _ = Membership.objects.update_or_create(
        practice=invitation.practice, user=user,
        defaults={"role": invitation.role, "team": invitation.team, "is_active": True},
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    # The link reached this address, so it is proven: allauth may send resets there.
    EmailAddress.objects.update_or_create(user=user, email=user.email,
                                          defaults={"verified": True, "primary": True})
    return membership


def _refuse_if_last_manager(membership, message) -> None:
    """Lock the practice's managers (in one order, so two changes cannot
    deadlock) and refuse when `membership` is the only one left."""
    managers = list(Membership.objects.select_for_update()
                    .filter(practice_id=membership.practice_id, role=Role.MANAGER, is_active=True)
                    .order_by("pk").values_list("pk", flat=True))
    if set(managers) <= {membership.pk}:  # nobody else would be left managing
        raise InvitationError(message)


@transaction.atomic
def membership_update(*, membership, role, team, changed_by) -> Membership:
    """Change a person's role or team. A practice always keeps one manager."""
    leaving_manager = membership.role == Role.MANAGER and role != Role.MANAGER
    if leaving_manager:
        _refuse_if_last_manager(membership, "A practice needs at least one manager. "
                                            "Make someone else a manager first.")
    membership.role = role
    membership.team = team
    membership.save(update_fields=["role", "team"])
    return membership


@transaction.atomic
def membership_deactivate(*, membership, removed_by) -> int:
    """Take someone off the practice's staff: they lose access at once (every
    request re-checks membership) and the items they held go back to the
    queue. Returns how many items went back."""
    if membership.role == Role.MANAGER:
        _refuse_if_last_manager(membership, "A practice needs at least one manager. "
                                            "Make someone else a manager first.")
    Membership.objects.filter(pk=membership.pk).update(is_active=False)
    return work_items_release_all_held_by(practice=membership.practice, user=membership.user,
                                          actor=removed_by)


def membership_reactivate(*, membership) -> None:
    """Give back access to someone who was taken off the staff."""
    Membership.objects.filter(pk=membership.pk).update(is_active=True)


# --- Practice settings (registration) ------------------------------------

SETTINGS_FIELDS = {"name": "name", "timezone": "time zone", "business_hours": "business hours",
                   "phone": "phone", "phone_region": "phone country", "email": "email",
                   "help_contact": "help contact",
                   "urgent_contact_instructions": "urgent-contact instructions",
                   "default_language": "default language"}


@transaction.atomic
def practice_settings_update(*, practice, actor, data: dict) -> list[str]:
    """Save the changed settings; answer what changed, in words, for the message.

    Reads the row afresh and locks it: a bound ModelForm has already set the
    new values on the instance the request carries.
    """
    from .models import Practice

    current = Practice.objects.select_for_update().get(pk=practice.pk)
    changed = [name for name in SETTINGS_FIELDS if getattr(current, name) != data[name]]
    for name in changed:
        setattr(current, name, data[name])
    if changed:
        current.save(update_fields=changed)
    return [SETTINGS_FIELDS[name] for name in changed]
