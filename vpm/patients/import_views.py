"""The manager's CSV import: upload, preview every row, import all or nothing, report."""

import csv

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from vpm.audit.models import AuditEvent
from vpm.audit.services import audit_record
from vpm.practices.access import manager_required

from .forms import ImportCommitForm, ImportUploadForm
from .imports import ImportFileError, ImportRefused, import_commit, import_preview, import_upload
from .models import PatientImport

SHOWN_ROWS = 200  # per kind of row on the preview; the counts cover all of them


@never_cache
@manager_required
@require_http_methods(["GET", "POST"])
def import_start(request, practice_slug):
    form = ImportUploadForm(request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = import_upload(practice=request.practice, actor=request.user,
                                   uploaded_file=form.cleaned_data["file"])
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("patient_import_detail", practice_slug=practice_slug,
                            import_id=upload.pk)
    past = PatientImport.objects.for_practice(request.practice).defer("content", "report")[:20]
    return render(request, "patients/import_start.html", {"form": form, "past": past},
                  status=400 if form.errors else 200)


@never_cache
@manager_required
@require_http_methods(["GET", "POST"])
def import_detail(request, practice_slug, import_id):
    upload = get_object_or_404(PatientImport.objects.for_practice(request.practice), pk=import_id)
    # The preview and the report name patients (and likely duplicates among ours).
    audit_record(request=request, practice=request.practice, obj=upload,
                 action=AuditEvent.Action.LIST_PATIENTS)
    if upload.status == PatientImport.Status.IMPORTED:
        return render(request, "patients/import_report.html", {"upload": upload,
                                                               "rows": upload.report[:500]})
    form = ImportCommitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = import_commit(patient_import=upload, actor=request.user,
                                   include_likely_duplicates=form.cleaned_data[
                                       "include_likely_duplicates"])
        except ImportRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Imported {upload.rows_created:,} patients; "
                             f"{upload.rows_skipped:,} rows skipped.")
        return redirect("patient_import_detail", practice_slug=practice_slug, import_id=upload.pk)
    return _render_preview(request, upload, form)


def _render_preview(request, upload, form):
    preview = import_preview(patient_import=upload)
    by_outcome = {}
    for row in preview.rows:
        by_outcome.setdefault(row.outcome, []).append(row)
    return render(request, "patients/import_preview.html", {
        "upload": upload, "preview": preview, "form": form,
        "errors": by_outcome.get("error", [])[:SHOWN_ROWS],
        "duplicates": by_outcome.get("likely duplicate", [])[:SHOWN_ROWS],
        "counts": {k: len(v) for k, v in by_outcome.items()},
    })


@never_cache
@manager_required
def import_report_csv(request, practice_slug, import_id):
    upload = get_object_or_404(PatientImport.objects.for_practice(request.practice)
                               .filter(status=PatientImport.Status.IMPORTED), pk=import_id)
    audit_record(request=request, practice=request.practice, obj=upload,
                 action=AuditEvent.Action.LIST_PATIENTS)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{upload.pk}-report.csv"'
    writer = csv.writer(response)
    writer.writerow(["line", "name", "outcome", "mrn"])
    for row in upload.report:
        writer.writerow([row["line"], _csv_safe(row["name"]), row["outcome"], row["mrn"]])
    return response


def _csv_safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (=, +, -, @ first)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
