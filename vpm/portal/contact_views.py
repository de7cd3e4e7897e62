"""The patient's contact details: see them, change them, prove a new one is theirs."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from vpm.audit.models import AuditEvent
from vpm.audit.services import audit_record
from vpm.patients.models import ContactPoint
from vpm.patients.verification import (
    VerificationError,
    contact_verification_confirm_code,
    contact_verification_confirm_link,
    contact_verification_open,
    contact_verification_start,
)

from .access import patient_page, public_portal_page
from .accounts import portal_account_login_follow
from .forms import ChannelForm, CodeForm, ContactChangeForm
from .selectors import main_contact_points

CONTACT_LINKS = ("contact", "status")
# In URLs the kinds are words, never values: /contact/mobile/, /contact/email/.
KINDS = {"email": ContactPoint.Kind.EMAIL, "mobile": ContactPoint.Kind.PHONE}


def _audit_read(request):
    """The patient (or a checked link) saw their own contact details."""
    patient = request.portal.patient
    audit_record(request=request, practice=request.practice, patient=patient, obj=patient,
                 action=AuditEvent.Action.VIEW_PATIENT, via="portal")


def _kind(kind_word):
    if kind_word not in KINDS:
        raise Http404
    return KINDS[kind_word]


def _primary_points(request):
    return main_contact_points(practice=request.practice, patient=request.portal.patient)


@never_cache
@patient_page(link_purposes=CONTACT_LINKS)
def contact(request, practice_slug):
    patient = request.portal.patient
    _audit_read(request)
    points = _primary_points(request)
    return render(request, "portal/contact.html", {
        "patient": patient, "email": points.get("email"), "mobile": points.get("phone"),
        "pending_email": contact_verification_open(patient=patient, kind="email"),
        "pending_mobile": contact_verification_open(patient=patient, kind="phone")})


@never_cache
@patient_page(link_purposes=CONTACT_LINKS)
@require_http_methods(["GET", "POST"])
def contact_change(request, practice_slug, kind_word):
    kind = _kind(kind_word)
    form = ContactChangeForm(request.POST or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        contact_verification_start(patient=request.portal.patient, kind=kind,
                                   value=form.cleaned_data["value"],
                                   base_url=request.build_absolute_uri("/")[:-1])
        return redirect("portal_contact_verify", practice_slug=practice_slug, kind_word=kind_word)
    return render(request, "portal/contact_change.html",
                  {"form": form, "kind_word": kind_word},
                  status=400 if form.errors else 200)


@never_cache
@patient_page(link_purposes=CONTACT_LINKS)
@require_http_methods(["GET", "POST"])
def contact_verify(request, practice_slug, kind_word):
    kind = _kind(kind_word)
    verification = contact_verification_open(patient=request.portal.patient, kind=kind)
    if verification is None:
        messages.info(request, _("There is no code waiting. Ask for a new one here."))
        return redirect("portal_contact_change", practice_slug=practice_slug, kind_word=kind_word)
    _audit_read(request)  # the page shows the number or email the code went to
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            point = contact_verification_confirm_code(verification=verification,
                                                      code=form.cleaned_data["code"])
        except VerificationError as refusal:
            form.add_error("code", str(refusal))
        else:
            portal_account_login_follow(point=point)
            messages.success(request, _("Thank you. Your mobile number is saved.")
                             if kind == "phone" else _("Thank you. Your email is saved."))
            return redirect("portal_contact", practice_slug=practice_slug)
    return render(request, "portal/contact_verify.html",
                  {"form": form, "kind_word": kind_word, "verification": verification},
                  status=400 if form.errors else 200)


@never_cache
@patient_page(link_purposes=CONTACT_LINKS)
@require_POST
def contact_resend(request, practice_slug, kind_word):
    kind = _kind(kind_word)
    verification = contact_verification_open(patient=request.portal.patient, kind=kind)
    if verification is None:
        return redirect("portal_contact_change", practice_slug=practice_slug, kind_word=kind_word)
    contact_verification_start(patient=request.portal.patient, kind=kind,
                               value=verification.value,
                               base_url=request.build_absolute_uri("/")[:-1])
    messages.success(request, _("We sent you a new code."))
    return redirect("portal_contact_verify", practice_slug=practice_slug, kind_word=kind_word)


@never_cache
@patient_page(link_purposes=CONTACT_LINKS)
@require_http_methods(["GET", "POST"])
def contact_channel(request, practice_slug):
    patient = request.portal.patient
    verified = {kind for kind, point in _primary_points(request).items() if point.is_verified}
    form = ChannelForm(request.POST or None, verified_kinds=verified,
                       initial={"channel": patient.preferred_channel})
    if request.method == "POST" and form.is_valid():
        from vpm.patients.verification import preferred_channel_set

        preferred_channel_set(patient=patient, channel=form.cleaned_data["channel"])
        messages.success(request, _("Saved. We will use this way to reach you."))
        return redirect("portal_contact", practice_slug=practice_slug)
    return render(request, "portal/contact_channel.html", {"form": form},
                  status=400 if form.errors else 200)


@never_cache
@public_portal_page
@require_http_methods(["GET", "POST"])
def contact_verify_link(request, practice_slug, link_code):
    """The link in the code message: it proves the email or number without signing in.

    It shows nothing private: only whether it worked. Opening it only shows a
    button (mail scanners that fetch links must not confirm for the patient).
    """
    if request.method == "GET":
        return render(request, "portal/contact_verified.html", {"ask": True})
    try:
        point = contact_verification_confirm_link(practice=request.practice, link_code=link_code)
    except VerificationError as refusal:
        return render(request, "portal/contact_verified.html", {"error": str(refusal)},
                      status=400)
    portal_account_login_follow(point=point)
    return render(request, "portal/contact_verified.html", {})
