"""The patient's side of messaging: their own threads only, never internal notes."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from vpm.audit.models import AuditEvent
from vpm.audit.services import audit_record
from vpm.practices.access import patient_required

from .selectors import refills_for_patient, threads_for_patient


@never_cache
@patient_required
def message_list(request, practice_slug):
    patient = request.practice_access.patient
    threads = threads_for_patient(practice=request.practice, patient=patient)[:50]
    refills = refills_for_patient(practice=request.practice, patient=patient)[:20]
    audit_record(request=request, practice=request.practice, patient=patient,
                 action=AuditEvent.Action.VIEW_MESSAGES)
    return render(request, "messaging/portal/list.html",
                  {"patient": patient, "threads": threads, "refills": refills})
