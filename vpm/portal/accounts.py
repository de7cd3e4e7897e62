"""Patient accounts: invited by staff, activated from a checked link, one practice each.

There is no open sign-up. Staff invite a patient by the email or mobile number
on their record; the invitation is a PortalLink of purpose
"account_invitation", so it asks for the date of birth before the patient can
set a password. A forgotten password works the same way ("password_reset").
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vpm.notify.services import message_queue
from vpm.patients.models import ContactPoint
from vpm.patients.verification import ContactValueError, contact_value_normalise

from .models import PortalAccount, PortalLink
from .services import portal_link_create, portal_link_revoke

INVITATION_LIVES = timedelta(days=7)
RESET_LIVES = timedelta(hours=1)
SIGN_IN_FAILURES_ALLOWED = 5
SIGN_IN_WINDOW_SECONDS = 300


class AccountError(Exception):
    """A refused account action, with a message for the person who asked."""


def _placeholder_email(patient):
    # Users need a unique email; a patient's sign-in name lives on PortalAccount.
    return f"patient-{patient.pk}@portal.invalid"


def _contact_point(patient, kind):
    return (ContactPoint.objects.for_practice(patient.practice)
            .filter(patient=patient, kind=kind).order_by("-is_primary", "-verified_at", "pk")
            .first())


@transaction.atomic
def portal_account_invite(*, patient, kind, invited_by, base_url) -> PortalAccount:
    """Invite `patient` by their email or mobile on file; send the link there."""
    if patient.merged_into_id:
        raise AccountError("This record was merged into another one: invite from that record.")
    account = PortalAccount.objects.filter(patient=patient, deactivated_at__isnull=True) \
        .select_related("user").first()
    if account is not None and account.is_active:
        raise AccountError("This patient already has an account.")
    point = _contact_point(patient, kind)
    if point is None:
        raise AccountError("Add an email or mobile number to the record first.")
    login = contact_value_normalise(kind=kind, value=point.value)
    taken = PortalAccount.objects.for_practice(patient.practice).filter(
        login=login, deactivated_at__isnull=True).exclude(patient=patient).exists()
    if taken:
        raise AccountError("Another patient's account uses this. Invite by the other channel.")
    account = _account_for(patient, account, kind=kind, login=login, invited_by=invited_by)
    _send_link(patient=patient, account=account, purpose="account_invitation",
               lives=INVITATION_LIVES, base_url=base_url, template="portal_invitation",
               created_by=invited_by)
    return account


def _account_for(patient, account, *, kind, login, invited_by):
    if account is None:
        User = get_user_model()
        email = login if kind == "email" and not User.objects.filter(email=login).exists() \
            else _placeholder_email(patient)
        user = User.objects.create_user(email=email, password=None, name=patient.full_name)
        account = PortalAccount(practice_id=patient.practice_id, patient=patient, user=user)
        patient.user = user
        patient.save(update_fields=["user", "updated_at"])
    account.login_kind, account.login = kind, login
    account.invited_by, account.invited_at = invited_by, timezone.now()
    account.save()
    return account


def _send_link(*, patient, account, purpose, lives, base_url, template, created_by=None):
    for old in PortalLink.objects.for_practice(patient.practice).filter(
            patient=patient, purpose=purpose, revoked_at__isnull=True):
        portal_link_revoke(link=old, reason="replaced")
    link, path = portal_link_create(patient=patient, purpose=purpose, expires_in=lives,
                                    created_by=created_by)
    channel = "email" if account.login_kind == "email" else "sms"
    message_queue(practice=patient.practice, patient=patient, channel=channel, to=account.login,
                  template=template, context={"url": base_url + path, "expires_at": link.expires_at},
                  idempotency_key=f"portal:{purpose}:{link.pk}")
    return link


def portal_password_set(*, user, password, link=None) -> None:
    """The patient chose a password (from an invitation, a reset link, or when changing it).

    The first password activates their account; the link that led here is used up.
    """
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        PortalAccount.objects.filter(user=user, activated_at__isnull=True,
                                     deactivated_at__isnull=True).update(activated_at=timezone.now())
        if link is not None:
            portal_link_revoke(link=link, reason="used")


def login_normalise(value: str) -> str | None:
    """An email (lower-cased) or a phone number (E.164), or None if it is neither."""
    value = value.strip()
    kind = ContactPoint.Kind.EMAIL if "@" in value else ContactPoint.Kind.PHONE
    try:
        return contact_value_normalise(kind=kind, value=value)
    except ContactValueError:
        return None


def portal_account_authenticate(*, practice, login, password):
    """The user of an active account of this practice, or None. Limited per login."""
    normalised = login_normalise(login)
    key = f"portal-sign-in:{practice.pk}:{normalised or login.strip().lower()}"
    if cache.get(key, 0) >= SIGN_IN_FAILURES_ALLOWED:
        raise AccountError(_("Too many tries. Wait 5 minutes, then try again."))
    account = None
    if normalised:
        account = (PortalAccount.objects.for_practice(practice).select_related("user")
                   .filter(login=normalised, activated_at__isnull=False,
                           deactivated_at__isnull=True).first())
    if account is not None and account.user.is_active and account.user.check_password(password):
        cache.delete(key)
        return account.user
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, SIGN_IN_WINDOW_SECONDS)
    return None


def portal_password_reset_request(*, practice, login, base_url) -> None:
    """Send a reset link if `login` is an account of this practice; say nothing either way."""
    normalised = login_normalise(login)
    account = (PortalAccount.objects.for_practice(practice).select_related("patient")
               .filter(login=normalised, activated_at__isnull=False, deactivated_at__isnull=True)
               .first()) if normalised else None
    if account is None:
        return
    try:
        with transaction.atomic():
            _send_link(patient=account.patient, account=account, purpose="password_reset",
                       lives=RESET_LIVES, base_url=base_url, template="portal_password_reset")
    except IntegrityError:  # two requests at once: one link is enough
        return




def portal_account_login_follow(*, point) -> None:
    """A patient proved a new email or mobile: if they sign in with that kind, use the new one.

    Left as it was if another patient of the practice already signs in with it.
    """
    account = PortalAccount.objects.filter(patient_id=point.patient_id, login_kind=point.kind,
                                           deactivated_at__isnull=True).first()
    if account is None or account.login == point.value:
        return
    taken = PortalAccount.objects.for_practice(point.practice).filter(
        login=point.value, deactivated_at__isnull=True).exists()
    if not taken:
        account.login = point.value
        account.save(update_fields=["login"])
