"""VPM's own account pages, and thin wrappers around allauth's where VPM must
act in the same request."""

from functools import wraps
from urllib.parse import urlencode

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.views import activate_totp as allauth_activate_totp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from .forms import ApiTokenForm
from .models import ApiToken
from .second_factor import (
    needs_second_factor,
    second_factor_is_fresh,
    second_factor_state,
    sessions_end_others,
)
from .services import api_token_create, api_token_revoke

# --- Patients belong in the portal -----------------------------------------

def _portal_practice_of_patient(user):
    """The practice whose portal a signed-in patient uses; None for staff and nobody.

    Anyone with an active staff membership is staff here, even if also a patient.
    """
    from vpm.patients.models import Patient

    if not user.is_authenticated or user.memberships.filter(is_active=True).exists():
        return None
    record = Patient.objects.filter(user=user, merged_into__isnull=True) \
        .select_related("practice").order_by("created_at").first()
    return record.practice if record else None


def patients_to_portal(portal_page="portal_home"):
    """Send a signed-in patient from a staff-only account page to their portal's own page."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            practice = _portal_practice_of_patient(request.user)
            if practice is not None:
                return redirect(portal_page, practice_slug=practice.slug)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


PORTAL_ACCOUNT_LAYOUT = "accounts/portal_layout.html"


def patients_in_portal_layout(view):
    """An account page a patient may use too (sign-in address, two-step sign-in, sign-out):
    for a patient it is drawn in their portal's layout and language
    (accounts/settings_base.html extends `request.account_layout`)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        practice = _portal_practice_of_patient(request.user)
        if practice is not None:
            from vpm.patients.models import Patient

            record = Patient.objects.for_practice(practice).filter(user=request.user).first()
            request.account_layout = PORTAL_ACCOUNT_LAYOUT
            request.practice = practice  # the portal layout's name, help line and language switch
            translation.activate(record.preferred_language)
            request.LANGUAGE_CODE = translation.get_language()
        return view(request, *args, **kwargs)

    return wrapped


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


def _confirm_code_url(request) -> str:
    return reverse("mfa_reauthenticate") + "?" + urlencode({"next": reverse("api_tokens")})


@login_required
@require_safe
def email_address(request):
    """The sign-in address, read-only: replaces allauth's email management.

    allauth's page let any account add any address and make it primary
    unverified (taking over invitations and resets, and a 500 that told
    whether an address had an account). VPM keeps one address per account:
    staff get theirs by invitation (the link proves it), patients from their
    practice, whose own verified contact flow changes it.
    """
    return render(request, "accounts/email.html",
                  {"is_staff": needs_second_factor(request.user)})


@never_cache
@login_required
def api_tokens(request):
    """The user's API tokens: make one (after a fresh code), see when each was used, revoke."""
    user = request.user
    if not needs_second_factor(user):
        return render(request, "accounts/api_tokens.html", {"not_staff": True}, status=403)
    state = second_factor_state(request, user)
    if state == "not_enrolled":
        return redirect("mfa_activate_totp")
    if state != "passed":
        return redirect(_confirm_code_url(request))
    fresh = second_factor_is_fresh(request, user)
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST":
        if not fresh:
            messages.error(request, "Confirm with a code from your authenticator app first.")
            return redirect(_confirm_code_url(request))
        if form.is_valid():
            token, new_key = api_token_create(user=user, name=form.cleaned_data["name"])
            form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")
    return render(request, "accounts/api_tokens.html",
                  {"form": form, "tokens": tokens, "fresh": fresh, "new_key": new_key,
                   "confirm_url": _confirm_code_url(request)},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def api_token_revoke_view(request, token_id):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    if api_token_revoke(token=token):
        messages.success(request, f"Revoked the token \u201c{token.name}\u201d. "
                                  "Programs using it can no longer sign in.")
    else:
        messages.success(request, f"The token \u201c{token.name}\u201d was already revoked.")
    return redirect("api_tokens")
