"""What a patient merge does to the portal's rows (registered in PortalConfig.ready).

One person, one portal account. When a duplicate is merged into the kept
record (vpm/patients/merge_registry.py):

- only the duplicate has an account: it moves to the kept record, with its
  password and its signed-in sessions (they now open the kept record);
- both have one: the kept record's is kept. The duplicate's is switched off:
  `deactivated_at` is set, its user can no longer sign in (`is_active` off,
  session hash changed, every session it has ended), its open links are
  revoked, and it stays on the duplicate so the merge can be explained. The
  merge page says so before the merge (`portal_account_merge_forecast`) and
  `PatientMerge.outcomes` records which account was kept and which switched off;
- a user who is also staff somewhere is only unlinked from the duplicate,
  never switched off (their staff access is not the merge's to end).

The per-patient `PortalState` is folded into the kept record's, keeping the
stricter of each (the later lock, the later "sessions ended"), so a merge
never frees a locked link or revives a session staff ended.
"""

from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.utils import timezone

from .models import PortalAccount, PortalLink, PortalState

SWITCHED_OFF = Q(deactivated_at__isnull=False)


def _account(patient):
    """(PortalAccount or None, User or None): the account row and the user who signs in."""
    account = PortalAccount.objects.select_related("user").filter(patient=patient) \
        .exclude(SWITCHED_OFF).first()
    return account, (account.user if account else patient.user)


def _described(account, user) -> dict:
    return {"user": user.pk, "login": account.login if account else user.email,
            "activated": bool(account and account.activated_at)}


def _signs_in_with(account, user) -> str:
    return account.login if account else user.email


def _is_staff_user(user) -> bool:
    return user.is_staff or user.is_superuser or user.memberships.exists()


def portal_account_merge_forecast(kept, merged) -> list[str]:
    kept_account, kept_user = _account(kept)
    merged_account, merged_user = _account(merged)
    if merged_user is None:
        return []
    duplicate = _signs_in_with(merged_account, merged_user)
    if kept_user is None:
        return [f"The duplicate's portal account (signs in with {duplicate}) moves to this "
                "record; the patient keeps their password."]
    notes = [f"The duplicate's portal account (signs in with {duplicate}) will be switched "
             f"off: it can no longer sign in, its sessions end and its open links stop working. "
             f"This record's account (signs in with {_signs_in_with(kept_account, kept_user)}) "
             "is kept."]
    if merged_account and merged_account.activated_at and not (kept_account
                                                                and kept_account.activated_at):
        notes.append("The duplicate's account is in use but this record's has never been "
                     "activated: to keep the one in use, merge this record into the other "
                     "one instead.")
    return notes


def portal_account_resolve_merge(kept, merged) -> dict | None:
    """before_move for PortalAccount: see the module docstring. Answers the outcome."""
    kept_account, kept_user = _account(kept)
    merged_account, merged_user = _account(merged)
    if merged_user is None:
        return None
    if kept_user is None:
        return {"note": f"The duplicate's portal account (signs in with "
                        f"{_signs_in_with(merged_account, merged_user)}) moved to this record.",
                "moved_account": _described(merged_account, merged_user)}
    now = timezone.now()
    if merged_account is not None:
        merged_account.deactivated_at = now
        merged_account.save(update_fields=["deactivated_at"])
    switched_off = not _is_staff_user(merged_user)
    sessions_ended = _user_switch_off(merged_user) if switched_off else 0
    links_revoked = PortalLink.objects.filter(patient=merged, revoked_at__isnull=True) \
        .update(revoked_at=now, revoked_reason="merged")
    merged.user = None  # saved by patient_merge; the record no longer answers for this user
    return {
        "note": f"Portal account kept: {_signs_in_with(kept_account, kept_user)} (this record's). "
                f"Switched off: {_signs_in_with(merged_account, merged_user)} (the duplicate's: "
                f"{'signed out everywhere' if switched_off else 'unlinked, as it is also staff'}"
                f", {links_revoked} link{'s' if links_revoked != 1 else ''} revoked).",
        "kept_account": _described(kept_account, kept_user),
        "deactivated_account": _described(merged_account, merged_user),
        "user_switched_off": switched_off,
        "tracked_sessions_ended": sessions_ended,
        "links_revoked": links_revoked,
    }


def _user_switch_off(user) -> int:
    """No more sign-in for `user`; every session it has ends now. Answers how many were tracked.

    `is_active` off makes Django drop the user from any session at its next
    request; the new session generation changes the session hash too, so a
    session allauth never tracked cannot come back if someone turns it on.
    """
    from allauth.usersessions.models import UserSession

    get_user_model().objects.filter(pk=user.pk).update(
        is_active=False, session_generation=F("session_generation") + 1)
    sessions = list(UserSession.objects.filter(user=user))
    for session in sessions:
        session.end()
    return len(sessions)


def portal_state_resolve_merge(kept, merged) -> None:
    """before_move for PortalState: fold the duplicate's into the kept record's (stricter wins)."""
    theirs = PortalState.objects.select_for_update().filter(patient=merged).first()
    if theirs is None:
        return
    ours = PortalState.objects.select_for_update().filter(patient=kept).first()
    if ours is None:
        return  # the plain UPDATE moves it
    ours.failed_checks = max(ours.failed_checks, theirs.failed_checks)
    ours.locked_until = _later(ours.locked_until, theirs.locked_until)
    ours.sessions_ended_at = _later(ours.sessions_ended_at, theirs.sessions_ended_at)
    ours.onboarded_at = ours.onboarded_at or theirs.onboarded_at
    ours.save(update_fields=["failed_checks", "locked_until", "sessions_ended_at", "onboarded_at"])
    theirs.delete()


def _later(a, b):
    return max(a, b) if a and b else a or b
