"""VPM's own account pages, and thin wrappers around allauth's where VPM must
act in the same request."""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.views import activate_totp as allauth_activate_totp

from .second_factor import sessions_end_others


def activate_totp(request):
    """allauth's enrolment, plus what VPM needs once a new authenticator exists.

    The code just typed to enrol proves the factor in this session, so it is
    recorded as a passed TOTP step (staff pages open without a second code),
    and every other session of the user ends. allauth's own "added" signal
    fires only after commit, too late to re-sign this session's cookie.
    """
    user = request.user
    before = set(_totp_ids(user)) if user.is_authenticated else set()
    response = allauth_activate_totp(request)
    if request.method == "POST" and user.is_authenticated:
        new = [pk for pk in _totp_ids(user) if pk not in before]
        if new:
            sessions_end_others(request=request, user=user)
            record_authentication(request, user, "mfa", id=new[0], type=Authenticator.Type.TOTP)
    return response


def _totp_ids(user):
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP) \
        .values_list("pk", flat=True)
