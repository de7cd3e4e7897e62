from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from vpm.audit.models import AuditEvent
from vpm.audit.services import audit_record
from vpm.practices.access import staff_required
from vpm.queue.models import WorkItem

from .forms import ContactAttemptForm, IdentityCheckForm, PatientSearchForm
from .selectors import contact_log_page, patient_get_for_staff, patient_search
from .services import contact_attempt_log, identity_check_record

PAGE_SIZE = 50


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def patient_list(request, practice_slug):
    # A search is POSTed: a patient's name must not end up in a URL (browser
    # history, server and proxy logs, Referer headers).
    params = request.POST if request.method == "POST" else request.GET
    form = PatientSearchForm(request.POST if request.method == "POST" else None, auto_id="%s")
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(patient_search(practice=request.practice, query=query), PAGE_SIZE) \
        .get_page(params.get("page"))
    audit_record(request=request, practice=request.practice, action=AuditEvent.Action.LIST_PATIENTS)
    return render(request, "patients/list.html", {"page": page, "query": query, "form": form},
                  status=400 if form.errors else 200)


@never_cache
@staff_required
def patient_detail(request, practice_slug, patient_id):
    patient = patient_get_for_staff(practice=request.practice, patient_id=patient_id)
    audit_record(request=request, practice=request.practice, patient=patient, obj=patient,
                 action=AuditEvent.Action.VIEW_PATIENT)
    return _render_detail(request, patient)


def _render_detail(request, patient, *, contact_form=None, identity_form=None, status=200):
    open_items = WorkItem.objects.for_practice(request.practice).active() \
        .filter(patient=patient).select_related("owner").order_by("urgency", "due_at")
    return render(request, "patients/detail.html", {
        "patient": patient,
        "open_items": open_items,
        "contact_log": contact_log_page(practice=request.practice, patient=patient,
                                        page_number=request.GET.get("log_page")),
        "contact_form": contact_form or ContactAttemptForm(),
        "identity_form": identity_form or IdentityCheckForm(),
    }, status=status)


@never_cache
@staff_required
@require_POST
def contact_attempt_create(request, practice_slug, patient_id):
    patient = patient_get_for_staff(practice=request.practice, patient_id=patient_id)
    form = ContactAttemptForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, patient, contact_form=form, status=400)
    contact_attempt_log(patient=patient, made_by=request.user, **form.cleaned_data)
    messages.success(request, "Contact attempt logged.")
    return redirect("patient_detail", practice_slug=practice_slug, patient_id=patient.pk)


@never_cache
@staff_required
@require_POST
def identity_check_create(request, practice_slug, patient_id):
    patient = patient_get_for_staff(practice=request.practice, patient_id=patient_id)
    form = IdentityCheckForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, patient, identity_form=form, status=400)
    identity_check_record(patient=patient, checked_by=request.user, **form.cleaned_data)
    messages.success(request, "Identity check recorded.")
    return redirect("patient_detail", practice_slug=practice_slug, patient_id=patient.pk)
