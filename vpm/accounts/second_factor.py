"""Whether a session has proven the second factor, and what follows when an
authenticator changes.

Enrolment is not proof. Staff access needs a TOTP (or recovery code) check
passed in *this* session: allauth records every authentication step in the
session (`get_authentication_records`), and we count only an "mfa" step made
with an authenticator the user still has. So a session that signed in with a
password before its user enrolled elsewhere, or that passed with an
authenticator since removed, is asked for a code again.
"""

import functools

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.db import connection
from django.db.models import F

from vpm.sql import model_loader


def needs_second_factor(user) -> bool:
    """Staff of any practice and platform operators; patients sign in with a password."""
    return user.is_superuser or user.memberships.filter(is_active=True).exists()


@functools.cache
def _facts_statement():
    from vpm.practices.models import Membership, Practice

    m_columns, m_count, load_membership = model_loader(Membership, "m")
    p_columns, _, load_practice = model_loader(Practice, "p")
    mfa = Authenticator._meta.db_table
    # Identifiers come from the models' _meta; the values are parameters.
    sql = (f"SELECT ARRAY(SELECT a.id FROM {mfa} a WHERE a.user_id = %s ORDER BY a.id), "  # noqa: S608
           f"ARRAY(SELECT a.type FROM {mfa} a WHERE a.user_id = %s ORDER BY a.id), "
           f"{m_columns}, {p_columns} FROM (SELECT 1) AS one "
           f"LEFT JOIN {Membership._meta.db_table} m ON m.user_id = %s AND m.is_active "
           f"LEFT JOIN {Practice._meta.db_table} p ON p.id = m.practice_id ORDER BY m.id")
    return sql, m_count, load_membership, load_practice


def second_factor_facts(user) -> tuple[list, dict]:
    """What a staff request needs first, in one query: the user's active
    memberships (each with its practice) and their authenticators (pk -> type).

    Read fresh on every request, never cached across requests: an
    authenticator removed or replaced by any means (allauth, the admin, an
    operator's shell) or a membership ended counts at once. The practice
    middleware takes its membership from this list (`memberships_seen`)
    instead of asking again. Plain SQL: the ORM took longer to build this
    statement than Postgres takes to run it, on every staff request.
    """
    sql, m_count, load_membership, load_practice = _facts_statement()
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk, user.pk])
        rows = cursor.fetchall()
    authenticators = dict(zip(rows[0][0], rows[0][1], strict=True))
    memberships = []
    for row in rows:
        if row[2] is None:  # no membership (the LEFT JOIN's one empty row)
            continue
        membership = load_membership(row[2:2 + m_count])
        membership.practice = load_practice(row[2 + m_count:])
        membership.user = user  # the same person: no second load
        memberships.append(membership)
    return memberships, authenticators


def memberships_seen(request, user):
    """The active memberships the middleware read for `user` in this request,
    or None (another user, e.g. an API token's, or a path it did not check)."""
    seen = getattr(request, "_staff_memberships", None)
    return seen[1] if seen is not None and seen[0] == user.pk else None


def second_factor_state(request, user, authenticators=None) -> str:
    """"passed", "unproven" (enrolled, but not in this session) or "not_enrolled".

    `authenticators` (pk -> type) when the caller has read them already."""
    if authenticators is None:
        authenticators = dict(Authenticator.objects.filter(user=user).values_list("pk", "type"))
    if Authenticator.Type.TOTP not in authenticators.values():
        return "not_enrolled"
    for record in get_authentication_records(request, user):
        if record.get("method") == "mfa" and record.get("id") in authenticators:
            return "passed"
    return "unproven"


def sessions_end_others(*, request, user) -> None:
    """Sign the user out everywhere except this request's session.

    Bumping `session_generation` changes the user's session hash, so Django
    drops every other session at its next request, whether or not
    allauth.usersessions tracked it (sessions made before tracking began, or by
    `login()` outside allauth). This session is re-signed with the new hash.
    """
    from allauth.usersessions.models import UserSession

    get_user_model().objects.filter(pk=user.pk).update(
        session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    old_key = request.session.session_key
    update_session_auth_hash(request, user)  # also gives this session a new key
    UserSession.objects.filter(user=user).exclude(session_key=old_key).delete()
    UserSession.objects.filter(session_key=old_key).update(
        session_key=request.session.session_key)


def on_authenticator_changed(sender, request, user, **kwargs) -> None:
    """Enrolling, resetting or removing an authenticator ends the user's other sessions."""
    if request is not None and getattr(request, "user", None) is not None \
            and request.user.is_authenticated and request.user.pk == user.pk:
        sessions_end_others(request=request, user=user)


def on_authenticator_removed(sender, user, **kwargs) -> None:
    """Without TOTP a user's API tokens are revoked, so re-enrolling does not revive them."""
    from .services import api_tokens_revoke_all

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        api_tokens_revoke_all(user=user)


def dangerously_record_second_factor(client, user) -> None:
    """For test clients and the benchmark only: write into `client`'s session
    (after `force_login`) what allauth writes when `user` passes the TOTP step."""
    import time

    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY

    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is None:
        return
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "email": user.email},
        {"method": "mfa", "at": time.time(), "id": totp.pk, "type": "totp"}]
    session["account_authentication_methods_user"] = str(user.pk)  # allauth's owner key
    session.save()


def second_factor_is_fresh(request, user, *, max_age_seconds: int | None = None) -> bool:
    """Did this session pass a TOTP or recovery-code check in the last few minutes?

    For actions that must not ride on a session left open (making an API
    token): allauth's re-authentication window (ACCOUNT_REAUTHENTICATION_TIMEOUT).
    """
    import time

    from allauth.account import app_settings as account_settings

    window = max_age_seconds or account_settings.REAUTHENTICATION_TIMEOUT
    current = set(Authenticator.objects.filter(user=user).values_list("pk", flat=True))
    return any(record.get("method") == "mfa" and record.get("id") in current
               and time.time() - record.get("at", 0) < window
               for record in get_authentication_records(request, user))
