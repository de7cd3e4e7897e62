"""The portal panel on the staff patient page: account, links, lock, verifications."""

from django import template
from django.utils import timezone

from vpm.patients.verification_models import ContactVerification
from vpm.portal.models import PortalAccount, PortalLink, PortalLinkFailure, PortalState

register = template.Library()


@register.inclusion_tag("portal/staff/_patient_portal.html", takes_context=True)
def portal_panel(context, patient):
    practice = context["practice"]  # the request's, already loaded
    now = timezone.now()
    state = PortalState.objects.filter(patient=patient).first()
    return {
        "csrf_token": context.get("csrf_token"),
        "practice": practice,
        "patient": patient,
        "now": now,
        "account": PortalAccount.objects.filter(patient=patient).first(),
        "open_links": PortalLink.objects.for_practice(practice).usable(now)
        .filter(patient=patient).count(),
        "failures": PortalLinkFailure.objects.for_practice(practice).filter(patient=patient)
        .order_by("-at")[:5],
        "locked_until": state.locked_until if state and state.is_locked(now) else None,
        "verifications": ContactVerification.objects.for_practice(practice)
        .filter(patient=patient).order_by("-created_at")[:5],
    }
