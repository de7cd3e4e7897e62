"""The access report: who saw or changed which patient's data, for managers."""

import csv

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from vpm.patients.selectors import page_in_one_query
from vpm.practices.access import manager_required

from .forms import AccessReportForm
from .models import AuditEvent
from .selectors import access_events
from .services import audit_record

PAGE_SIZE = 100


@never_cache
@manager_required
@require_http_methods(["GET", "POST"])
def access_report(request, practice_slug):
    """GET: the last seven days. POST: the chosen filters (page, or CSV with export=csv)."""
    posted = request.method == "POST"
    form = AccessReportForm(request.POST if posted else None, practice=request.practice)
    if posted and not form.is_valid():
        return render(request, "audit/access_report.html", {"form": form, "page": None},
                      status=400)
    filters = form.filters() if posted else {"start": timezone.localdate()
                                              - timezone.timedelta(days=6)}
    events = access_events(practice=request.practice, **filters)
    # Reading the report is itself an access to patient data.
    audit_record(request=request, practice=request.practice, patient=filters.get("patient"),
                 action=AuditEvent.Action.VIEW_ACCESS_REPORT)
    if posted and request.POST.get("export") == "csv":
        return _csv(events)
    page = page_in_one_query(events, page_number=request.POST.get("page"), per_page=PAGE_SIZE)
    return render(request, "audit/access_report.html", {"form": form, "page": page})


def _csv(events):
    rows = ((timezone.localtime(e.at).isoformat(), e.actor.display_name if e.actor else "",
             e.patient.mrn if e.patient else "", e.get_action_display(), e.via,
             e.ip_address or "") for e in events.iterator(chunk_size=2000))

    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())
    header = ["when", "who", "patient MRN", "what", "where", "IP address"]
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _with_header(header, rows)),
        content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="access-report.csv"'
    return response


def _with_header(header, rows):
    yield header
    yield from rows
