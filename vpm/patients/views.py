from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from vpm.audit.models import AuditEvent
from vpm.audit.services import audit_record
from vpm.practices.access import staff_required
from vpm.queue.models import WorkItem

from .contact import phone_display
from .forms import (
    ContactAttemptForm,
    IdentityCheckForm,
    InsuranceForm,
    MergeForm,
    PatientForm,
    PatientSearchForm,
)
from .merge_registry import merge_forecast
from .selectors import (
    changed_fields,
    contact_log_page,
    duplicate_candidates,
    patient_get_for_staff,
    patient_history,
    patient_search_page,
)
from .services import (
    MergeRefused,
    contact_attempt_log,
    identity_check_record,
    insurance_save,
    patient_merge,
    patient_register,
    patient_update,
)

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
    page = patient_search_page(practice=request.practice, query=query,
                               page_number=params.get("page"), per_page=PAGE_SIZE)
    audit_record(request=request, practice=request.practice, action=AuditEvent.Action.LIST_PATIENTS)
    return render(request, "patients/list.html", {"page": page, "query": query, "form": form},
                  status=400 if form.errors else 200)


@never_cache
@staff_required
def patient_detail(request, practice_slug, patient_id):
    patient = patient_get_for_staff(practice=request.practice, patient_id=patient_id)
    return _render_detail(request, patient)


def _render_record_page(request, template, context, *, status=200):
    """Render a page that shows `context["patient"]`'s record: an audited read,
    whether the page answers a GET or re-shows refused input."""
    patient = context["patient"]
    audit_record(request=request, practice=request.practice, patient=patient, obj=patient,
                 action=AuditEvent.Action.VIEW_PATIENT)
    return render(request, template, context, status=status)


def _render_detail(request, patient, *, contact_form=None, identity_form=None, status=200):
    # Every answer that shows the record is a read, also a refused form re-shown with it.
    audit_record(request=request, practice=request.practice, patient=patient, obj=patient,
                 action=AuditEvent.Action.VIEW_PATIENT)
    open_items = WorkItem.objects.for_practice(request.practice).active() \
        .filter(patient=patient).select_related("owner").order_by("urgency", "due_at")
    history = patient_history(practice=request.practice, patient=patient)
    region = request.practice.phone_region
    return render(request, "patients/detail.html", {
        "patient": patient,
        "contact_points": [(point, phone_display(point.value, region=region)
                            if point.kind != "email" else point.value)
                           for point in patient.contact_points.all()],
        "history": history,
        "changed": changed_fields(history),
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
    contact_attempt_log(patient=patient, made_by=request.user, request=request,
                        **form.cleaned_data)
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
    identity_check_record(patient=patient, checked_by=request.user, request=request,
                          **form.cleaned_data)
    messages.success(request, "Identity check recorded.")
    return redirect("patient_detail", practice_slug=practice_slug, patient_id=patient.pk)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def patient_register_view(request, practice_slug):
    """Register a patient; likely duplicates are shown before anything is saved."""
    practice = request.practice
    form = PatientForm(request.POST if request.method == "POST" else None, practice=practice)
    insurance_form = InsuranceForm(request.POST if request.method == "POST" else None)
    if request.method == "GET" or not (form.is_valid() & insurance_form.is_valid()):
        return _render_register(request, form, insurance_form)
    duplicates = _duplicates_for(practice, form)
    if duplicates and not request.POST.get("save_anyway"):
        return _render_register(request, form, insurance_form, duplicates=duplicates)
    patient = patient_register(
        practice=practice, data=form.patient_data(), contacts=form.contact_data(),
        insurance=insurance_form.insurance_data() if insurance_form.has_coverage else None,
        insurance_verified=insurance_form.cleaned_data["verified"],
        overridden_duplicates=[d.patient for d in duplicates], actor=request.user,
        request=request)
    messages.success(request, f"{patient.full_name} registered with MRN {patient.mrn}.")
    return redirect("patient_detail", practice_slug=practice_slug, patient_id=patient.pk)


def _duplicates_for(practice, form, exclude_id=None):
    data = form.cleaned_data
    return duplicate_candidates(
        practice=practice, first_name=data["first_name"], last_name=data["last_name"],
        date_of_birth=data["date_of_birth"], contact_values=form.contact_data().values(),
        exclude_id=exclude_id)


def _render_register(request, form, insurance_form, *, duplicates=()):
    status = 400 if (form.errors or insurance_form.errors) else 200
    if duplicates:
        status = 409
        audit_record(request=request, practice=request.practice,
                     action=AuditEvent.Action.LIST_PATIENTS)
    return render(request, "patients/register.html", {
        "form": form, "insurance_form": insurance_form, "duplicates": duplicates,
    }, status=status)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def patient_edit(request, practice_slug, patient_id):
    """Change a patient's details; every changed value goes into the history."""
    patient = patient_get_for_staff(practice=request.practice, patient_id=patient_id)
    form = PatientForm(request.POST if request.method == "POST" else None, instance=patient, practice=request.practice)
    if request.method == "GET" or not form.is_valid():
        return _render_record_page(request, "patients/edit.html",
                                   {"form": form, "patient": patient},
                                   status=400 if form.errors else 200)
    changes = patient_update(patient=patient, data=form.patient_data(),
                             contacts=form.contact_data(), actor=request.user, request=request)
    messages.success(request, f"Saved {len(changes)} change{'s' if len(changes) != 1 else ''}."
                     if changes else "Nothing changed.")
    return redirect("patient_detail", practice_slug=practice_slug, patient_id=patient.pk)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def insurance_edit(request, practice_slug, patient_id):
    """Add the patient's main coverage, or correct and verify it."""
    patient = patient_get_for_staff(practice=request.practice, patient_id=patient_id)
    insurance = next(iter(patient.insurances.all()), None)
    form = InsuranceForm(request.POST if request.method == "POST" else None, instance=insurance)
    if request.method == "GET" or not form.is_valid() or not form.has_coverage:
        if request.method == "POST" and not form.errors:
            form.add_error("payer", "Enter the insurance company.")
        return _render_record_page(request, "patients/insurance.html",
                                   {"form": form, "patient": patient, "insurance": insurance},
                                   status=400 if form.errors else 200)
    insurance_save(patient=patient, insurance=insurance, data=form.insurance_data(),
                   verified=form.cleaned_data["verified"], actor=request.user, request=request)
    messages.success(request, "Insurance saved" +
                     (" and marked verified today." if form.cleaned_data["verified"] else "."))
    return redirect("patient_detail", practice_slug=practice_slug, patient_id=patient.pk)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def patient_merge_view(request, practice_slug, patient_id):
    """Merge another record (found by MRN) into this one, after a side-by-side check."""
    kept = patient_get_for_staff(practice=request.practice, patient_id=patient_id)
    form = MergeForm(request.POST if request.method == "POST" else None, practice=request.practice, kept=kept)
    if request.method == "GET" or not form.is_valid():
        return _render_record_page(request, "patients/merge.html",
                                   {"form": form, "patient": kept},
                                   status=400 if form.errors else 200)
    other = form.cleaned_data["other"]
    if not form.cleaned_data["confirm"]:
        audit_record(request=request, practice=request.practice, patient=other, obj=other,
                     action=AuditEvent.Action.VIEW_PATIENT)
        return _render_record_page(request, "patients/merge.html",
                                   {"form": form, "patient": kept, "other": other,
                                    "confirming": True,
                                    "warnings": merge_forecast(kept, other)})
    try:
        record = patient_merge(kept=kept, merged=other, actor=request.user,
                               reason=form.cleaned_data["reason"], request=request)
    except MergeRefused as error:
        form.add_error("mrn", str(error))
        return _render_record_page(request, "patients/merge.html",
                                   {"form": form, "patient": kept}, status=409)
    moved = sum(record.moved.values())
    messages.success(request, f"Merged MRN {other.mrn} into this record; {moved} linked "
                     f"item{'s' if moved != 1 else ''} moved." +
                     "".join(f" {note}" for note in record.notes))
    return redirect("patient_detail", practice_slug=practice_slug, patient_id=kept.pk)
