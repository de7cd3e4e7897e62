"""Patient account pages: sign in, set a password from a link, reset, change."""

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .access import link_session_end, patient_page, public_portal_page
from .accounts import (
    AccountError,
    portal_account_authenticate,
    portal_password_reset_request,
    portal_password_set,
)
from .forms import ChangePasswordForm, NewPasswordForm, ResetRequestForm, SignInForm
from .models import PortalAccount, PortalState

BACKEND = "vpm.accounts.backends.ModelBackend"


def _base_url(request):
    return request.build_absolute_uri("/")[:-1]


def _after_sign_in(request, patient):
    onboarded = PortalState.objects.filter(patient=patient, onboarded_at__isnull=False).exists()
    if not onboarded:
        return redirect("portal_onboarding", practice_slug=request.practice.slug)
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) \
            and target.startswith(f"/p/{request.practice.slug}/portal/"):
        return redirect(target)
    return redirect("portal_home", practice_slug=request.practice.slug)


@never_cache
@public_portal_page
@require_http_methods(["GET", "POST"])
def sign_in(request, practice_slug):
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = portal_account_authenticate(practice=request.practice, **form.cleaned_data)
        except AccountError as refusal:
            form.add_error("login", str(refusal))
        else:
            if user is None:
                form.add_error("login", _("We could not sign you in. Check your email or mobile "
                                          "number and your password."))
            else:
                login(request, user, backend=BACKEND)
                return _after_sign_in(request, user.portal_account.patient)
    return render(request, "portal/sign_in.html", {"form": form,
                                                   "next": request.GET.get("next", "")},
                  status=400 if form.errors else 200)


@never_cache
@public_portal_page
@require_http_methods(["GET", "POST"])
def reset_request(request, practice_slug):
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        portal_password_reset_request(practice=request.practice, login=form.cleaned_data["login"],
                                      base_url=_base_url(request))
        return render(request, "portal/reset_sent.html")
    return render(request, "portal/reset_request.html", {"form": form},
                  status=400 if form.errors else 200)


@never_cache
@patient_page(link_purposes=("account_invitation", "password_reset"), accounts=False)
@require_http_methods(["GET", "POST"])
def set_password(request, practice_slug):
    """After an invitation or reset link's check: choose a password, then you are signed in."""
    link = request.portal.link
    account = PortalAccount.objects.select_related("user", "patient").filter(
        patient=request.portal.patient, deactivated_at__isnull=True).first()
    if account is None:
        return render(request, "portal/link_unusable.html", status=404)
    form = NewPasswordForm(request.POST or None, user=account.user)
    if request.method == "POST" and form.is_valid():
        portal_password_set(user=account.user, password=form.cleaned_data["password1"],
                            link=link)
        link_session_end(request, request.practice)
        login(request, account.user, backend=BACKEND)
        messages.success(request, _("Your password is set. You are signed in."))
        return _after_sign_in(request, account.patient)
    return render(request, "portal/set_password.html",
                  {"form": form, "first_time": account.activated_at is None},
                  status=400 if form.errors else 200)


@never_cache
@patient_page
@require_http_methods(["GET", "POST"])
def change_password(request, practice_slug):
    form = ChangePasswordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        portal_password_set(user=request.user, password=form.cleaned_data["password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password is changed."))
        return redirect("portal_home", practice_slug=practice_slug)
    return render(request, "portal/change_password.html", {"form": form},
                  status=400 if form.errors else 200)
