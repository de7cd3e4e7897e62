"""Portal links and sessions: create, open, check, lock, revoke.

A link is `/p/<practice>/portal/l/<token>/`. The token is a random code
signed with the project's secret (`code.signature`); the database keeps only
the code's digest. Opening a link never shows anything private: it leads to a
date-of-birth check (and last name where the practice asks for it). Five
wrong answers lock that link and every link of the patient for LOCK_FOR.
"""

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .models import PortalLink, PortalLinkFailure, PortalSettings, PortalState, code_digest
from .registry import link_purpose

MAX_FAILED_CHECKS = 5
LOCK_FOR = timedelta(minutes=30)
# A link session lasts at most this long after its check, even if the link lives longer.
LINK_SESSION_FOR = timedelta(hours=1)
_signer = signing.Signer(salt="vpm.portal.link", sep=".")


class LinkUnusable(Exception):
    """Expired, tampered, revoked or another practice's: one plain answer for all."""


class LinkLocked(Exception):
    def __init__(self, until):
        super().__init__("locked")
        self.until = until


@dataclass(frozen=True)
class CheckResult:
    passed: bool
    locked_until: object = None  # datetime when this failure (or an earlier one) locked


def portal_link_create(*, patient, purpose, target="", expires_in: timedelta,
                       created_by=None) -> tuple[PortalLink, str]:
    """A new link for `patient`; returns the row and its path (put the path in a message).

    The path holds no patient data: only the practice slug and the signed code.
    """
    if link_purpose(purpose) is None:
        raise ValueError(f"unknown link purpose {purpose!r}: register it in AppConfig.ready")
    if not timedelta(minutes=5) <= expires_in <= timedelta(days=30):
        raise ValueError("a link lives between 5 minutes and 30 days")
    code = secrets.token_urlsafe(18)
    link = PortalLink.objects.create(
        practice_id=patient.practice_id, patient=patient, purpose=purpose, target=str(target),
        code_digest=code_digest(code), created_by=created_by,
        expires_at=timezone.now() + expires_in,
    )
    path = reverse("portal_link_open", args=[patient.practice.slug, _signer.sign(code)])
    return link, path


def portal_link_from_token(*, practice, token: str) -> PortalLink:
    """The usable link behind `token` for this practice, or LinkUnusable."""
    try:
        code = _signer.unsign(token)
    except signing.BadSignature:
        raise LinkUnusable from None
    link = (PortalLink.objects.for_practice(practice).select_related("patient")
            .filter(code_digest=code_digest(code)).first())
    if link is None or not link.is_usable():
        raise LinkUnusable
    return link


def portal_link_landing(link) -> str:
    return link_purpose(link.purpose).landing(link)


def portal_settings_for(practice) -> PortalSettings:
    settings, _ = PortalSettings.objects.get_or_create(practice=practice)
    return settings


def portal_state_for(patient) -> PortalState:
    state, _ = PortalState.objects.get_or_create(patient=patient,
                                                 defaults={"practice_id": patient.practice_id})
    return state


def _answer_matches(patient, *, date_of_birth: date, last_name: str | None) -> bool:
    if patient.date_of_birth != date_of_birth:
        return False
    if last_name is None:
        return True
    return _fold(last_name) == _fold(patient.last_name)


def _fold(name: str) -> str:
    """Compare names as people type them: case, spaces and accents aside."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if c.isalnum())


@transaction.atomic
def portal_link_check(*, link, date_of_birth: date, last_name: str | None = None,
                      ip_address=None) -> CheckResult:
    """Check the patient's answer; count a wrong one; lock after MAX_FAILED_CHECKS.

    The state row is locked for the whole check so concurrent guesses are
    counted one by one. A locked patient's answers are not even compared.
    """
    state = portal_state_for(link.patient)
    state = PortalState.objects.select_for_update().get(pk=state.pk)
    now = timezone.now()
    if state.is_locked(now):
        raise LinkLocked(state.locked_until)
    if _answer_matches(link.patient, date_of_birth=date_of_birth, last_name=last_name):
        state.failed_checks = 0
        state.save(update_fields=["failed_checks"])
        link.last_checked_at = now
        link.save(update_fields=["last_checked_at"])
        return CheckResult(passed=True)
    state.failed_checks += 1
    locks = state.failed_checks >= MAX_FAILED_CHECKS
    if locks:
        state.failed_checks = 0
        state.locked_until = now + LOCK_FOR
    state.save(update_fields=["failed_checks", "locked_until"])
    PortalLinkFailure.objects.create(practice_id=link.practice_id, link=link,
                                     patient_id=link.patient_id, ip_address=ip_address,
                                     caused_lock=locks)
    return CheckResult(passed=False, locked_until=state.locked_until if locks else None)


def portal_link_revoke(*, link, reason="used") -> None:
    PortalLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason)


@transaction.atomic
def portal_access_revoke(*, patient, by=None) -> int:
    """Staff: revoke every link of the patient and end their portal sessions.

    Sessions are ended by time: any portal session (account or link) that
    started before now is refused on its next request.
    """
    now = timezone.now()
    revoked = PortalLink.objects.for_practice(patient.practice).filter(
        patient=patient, revoked_at__isnull=True).update(revoked_at=now, revoked_reason="staff")
    state = portal_state_for(patient)
    state.sessions_ended_at = now
    state.save(update_fields=["sessions_ended_at"])
    return revoked


def portal_lock_clear(*, patient) -> None:
    """Staff, after checking who is calling: let the patient's links be tried again."""
    PortalState.objects.filter(patient=patient).update(failed_checks=0, locked_until=None)


def portal_onboarding_done(*, patient) -> None:
    PortalState.objects.filter(pk=portal_state_for(patient).pk).update(onboarded_at=timezone.now())
