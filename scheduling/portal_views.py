"""The patient's own visit pages (portal). A patient sees only their own visits:
another patient's visit, or another practice's, is a 404."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from vpm.audit.models import AuditEvent
from vpm.audit.services import audit_record
from vpm.practices.access import patient_required

from .hooks import steps_for
from .ics import appointment_ics
from .models import Appointment
from .notices import visit_context, visit_url


def _own_appointment(request, appointment_id):
    patient = request.practice_access.patient
    appointment = get_object_or_404(
        Appointment.objects.for_practice(request.practice)
        .select_related("practice", "visit_type", "provider__user", "patient"),
        pk=appointment_id, patient=patient)
    audit_record(request=request, practice=request.practice, patient=patient, obj=appointment,
                 action=AuditEvent.Action.VIEW_PATIENT)
    return appointment


@never_cache
@patient_required
def portal_visit(request, practice_slug, appointment_id):
    appointment = _own_appointment(request, appointment_id)
    language = request.LANGUAGE_CODE
    return render(request, "scheduling/portal/visit.html", {
        **visit_context(appointment, language=language),
        "steps": steps_for(appointment, language=language),
    })


@never_cache
@patient_required
def portal_visit_ics(request, practice_slug, appointment_id):
    appointment = _own_appointment(request, appointment_id)
    response = HttpResponse(appointment_ics(appointment, visit_url=visit_url(appointment),
                                            language=request.LANGUAGE_CODE),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="visit.ics"'
    return response
