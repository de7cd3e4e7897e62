"""Patient pages: the status home, links and their check, language, onboarding.

Views stay thin: parse, access (the decorators in access.py), call a
service, answer. Every page with patient data is never cached.
"""

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from vpm.audit.models import AuditEvent
from vpm.audit.services import audit_record

from .access import (
    LANGUAGE_CHOICE_KEY,
    link_session_end,
    link_session_start,
    patient_page,
    portal_page,
    portal_visitor,
    public_portal_page,
)
from .forms import DateOfBirthForm, LanguageForm
from .models import PortalLink
from .registry import DOING, NEEDS_YOU, status_entries
from .services import (
    LinkLocked,
    LinkUnusable,
    portal_link_check,
    portal_link_from_token,
    portal_link_landing,
    portal_onboarding_done,
    portal_settings_for,
    portal_state_for,
)

PENDING_LINK_KEY = "portal_pending_link"
ONBOARDING_STEPS = 4


@never_cache
@patient_page(link_purposes=("status",))
def home(request, practice_slug):
    patient = request.portal.patient
    audit_record(request=request, practice=request.practice, patient=patient, obj=patient,
                 action=AuditEvent.Action.VIEW_PATIENT, via="portal")
    sections = status_entries(practice=request.practice, patient=patient)
    return render(request, "portal/home.html", {
        "patient": patient, "needs_you": sections[NEEDS_YOU], "doing": sections[DOING]})


# --- Links ---------------------------------------------------------------

@never_cache
@public_portal_page
def link_open(request, practice_slug, token):
    """Open a link: remember it in the session, then ask who you are at a clean URL.

    The token leaves the address bar at once, so it is not kept in history or
    sent on from the next page.
    """
    try:
        link = portal_link_from_token(practice=request.practice, token=token)
    except LinkUnusable:
        return _link_unusable(request)
    request.session[PENDING_LINK_KEY] = link.pk
    link_session_end(request, request.practice)
    return redirect("portal_link_check", practice_slug=practice_slug)


def _pending_link(request):
    link_id = request.session.get(PENDING_LINK_KEY)
    if link_id is None:
        return None
    link = (PortalLink.objects.for_practice(request.practice).select_related("patient")
            .filter(pk=link_id).first())
    return link if link is not None and link.is_usable() else None


@never_cache
@public_portal_page
@require_http_methods(["GET", "POST"])
def link_check(request, practice_slug):
    link = _pending_link(request)
    if link is None:
        return _link_unusable(request)
    ask_last_name = portal_settings_for(request.practice).link_check_asks_last_name
    state = portal_state_for(link.patient)
    if state.is_locked():
        return _link_locked(request, state.locked_until)
    form = DateOfBirthForm(request.POST or None, ask_last_name=ask_last_name)
    if request.method == "POST" and form.is_valid():
        try:
            result = portal_link_check(link=link, date_of_birth=form.cleaned_data["date_of_birth"],
                                       last_name=form.cleaned_data.get("last_name"),
                                       ip_address=request.META.get("REMOTE_ADDR"))
        except LinkLocked as locked:
            return _link_locked(request, locked.until)
        if result.passed:
            del request.session[PENDING_LINK_KEY]
            link_session_start(request, link)
            return redirect(portal_link_landing(link))
        if result.locked_until:
            return _link_locked(request, result.locked_until)
        form.add_error("day", _("That does not match what we have. Check it and try again.")
                       if not ask_last_name else
                       _("That does not match what we have. Check your date of birth and "
                         "last name and try again."))
    return render(request, "portal/link_check.html", {"form": form},
                  status=400 if form.errors else 200)


def _link_unusable(request):
    return render(request, "portal/link_unusable.html", status=404)


def _link_locked(request, until):
    return render(request, "portal/link_locked.html", {"until": until}, status=429)


# --- Language, sign-out, onboarding --------------------------------------

@portal_page
@require_POST
def language(request, practice_slug):
    """Switch language on any page. A known patient's choice is saved on their record."""
    form = LanguageForm(request.POST)
    portal_root = reverse("portal_home", args=[practice_slug])
    if not form.is_valid():
        return redirect(portal_root)
    chosen = form.cleaned_data["language"]
    patient = _known_patient(request)
    if patient is not None:
        patient.preferred_language = chosen
        patient.save(update_fields=["preferred_language", "updated_at"])
    else:
        request.session[LANGUAGE_CHOICE_KEY] = chosen
    target = form.cleaned_data["next"]
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) \
        and target.startswith(f"/p/{practice_slug}/")
    return redirect(target if safe else portal_root)


def _known_patient(request):
    """The patient behind this browser, if any (account or checked link), else None."""
    try:
        visitor = portal_visitor(request)
    except (PermissionDenied, Http404):
        return None
    return visitor.patient if visitor else None


@portal_page
@require_POST
def sign_out(request, practice_slug):
    link_session_end(request, request.practice)
    if request.user.is_authenticated and not request.user.memberships.exists():
        logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("portal_sign_in", practice_slug=practice_slug)


@never_cache
@patient_page
@require_http_methods(["GET", "POST"])
def onboarding(request, practice_slug, step=1):
    """A short tour on first sign-in: skippable, and open again from the menu."""
    if not 1 <= step <= ONBOARDING_STEPS:
        return redirect("portal_onboarding", practice_slug=practice_slug)
    if request.method == "POST":
        if "skip" in request.POST or step == ONBOARDING_STEPS:
            portal_onboarding_done(patient=request.portal.patient)
            return redirect("portal_home", practice_slug=practice_slug)
        return redirect("portal_onboarding_step", practice_slug=practice_slug, step=step + 1)
    return render(request, f"portal/onboarding_{step}.html",
                  {"step": step, "steps": ONBOARDING_STEPS})
