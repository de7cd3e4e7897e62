"""Staff actions on a patient's portal access, from the staff patient page."""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from vpm.patients.selectors import patient_get_for_staff
from vpm.practices.access import staff_required

from .accounts import AccountError, portal_account_invite
from .forms import InviteForm
from .services import portal_access_revoke, portal_link_create, portal_lock_clear


def _back(patient):
    return redirect("patient_detail", practice_slug=patient.practice.slug, patient_id=patient.pk)


@staff_required
@require_POST
def invite(request, practice_slug, patient_id):
    patient = patient_get_for_staff(practice=request.practice, patient_id=patient_id)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose email or mobile for the invitation.")
        return _back(patient)
    try:
        account = portal_account_invite(patient=patient, kind=form.cleaned_data["kind"],
                                        invited_by=request.user,
                                        base_url=request.build_absolute_uri("/")[:-1])
    except AccountError as refusal:
        messages.error(request, f"No invitation sent: {refusal}")
        return _back(patient)
    messages.success(request, f"Portal invitation sent to {account.login}. It works for 7 days.")
    return _back(patient)


@staff_required
@require_POST
def revoke(request, practice_slug, patient_id):
    patient = patient_get_for_staff(practice=request.practice, patient_id=patient_id)
    revoked = portal_access_revoke(patient=patient, by=request.user)
    messages.success(request, f"Ended {patient.full_name}'s portal sessions and revoked "
                              f"{revoked} link{'s' if revoked != 1 else ''}.")
    return _back(patient)


@staff_required
@require_POST
def unlock(request, practice_slug, patient_id):
    patient = patient_get_for_staff(practice=request.practice, patient_id=patient_id)
    portal_lock_clear(patient=patient)
    messages.success(request, f"{patient.full_name}'s links can be tried again.")
    return _back(patient)


@staff_required
@require_POST
def send_status_link(request, practice_slug, patient_id):
    """Text or email the patient a link to their status page (valid 3 days)."""
    from vpm.notify.services import message_queue
    from vpm.patients.models import ContactPoint

    patient = patient_get_for_staff(practice=request.practice, patient_id=patient_id)
    point = ContactPoint.objects.for_practice(request.practice).filter(
        patient=patient, is_primary=True, verified_at__isnull=False).order_by("kind").first()
    if point is None:
        messages.error(request, "No link sent: the patient has no confirmed email or mobile.")
        return _back(patient)
    link, path = portal_link_create(patient=patient, purpose="status",
                                    expires_in=timedelta(days=3), created_by=request.user)
    message_queue(practice=request.practice, patient=patient,
                  channel="sms" if point.kind == "phone" else "email", to=point.value,
                  template="portal_status_link",
                  context={"url": request.build_absolute_uri(path), "expires_at": link.expires_at},
                  idempotency_key=f"portal:status:{link.pk}")
    messages.success(request, f"Status link sent to {point.value}. It works for 3 days.")
    return _back(patient)
