"""Staff pages: the thread list, one thread with the patient's contact log
beside it, and the actions on it. Each action is a plain form post that
redirects back to the thread with a line saying what it did; bad input
re-renders the thread with the error by its field (400) and changes nothing.
Reply, note, close and correct also post with htmx: the answer is the page
body (the same 200 or 400), swapped in place without a page load.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from vpm.audit.models import AuditEvent
from vpm.audit.services import audit_record
from vpm.patients.contact import phone_display
from vpm.patients.models import ContactAttempt, Patient
from vpm.practices.access import staff_required

from . import forms, selectors
from .models import Attachment, OnCallAlert, RefillRequest, Thread
from .services import alerts, changes, threads

PAGE_SIZE = 50


@never_cache
@staff_required
def thread_list(request, practice_slug):
    show = request.GET.get("show", "open")
    show = show if show in selectors.THREAD_LIST_FILTERS else "open"
    counts = selectors.thread_list_counts(practice=request.practice)
    paginator = Paginator(selectors.thread_list(practice=request.practice, show=show), PAGE_SIZE)
    paginator.count = counts[show]  # already counted beside the filters: no second COUNT
    page = paginator.get_page(request.GET.get("page"))
    audit_record(request=request, practice=request.practice, action=AuditEvent.Action.VIEW_QUEUE)
    return render(request, "messaging/staff/list.html", {
        "page": page, "show": show, "counts": counts, "alerts": _my_alerts(request)})


def _my_alerts(request):
    return (OnCallAlert.objects.for_practice(request.practice)
            .filter(recipient=request.user, seen_at__isnull=True)
            .select_related("thread").order_by("-created_at")[:10])


def _thread(request, thread_id) -> Thread:
    return selectors.thread_for_staff(practice=request.practice, thread_id=thread_id)


@never_cache
@staff_required
def thread_detail(request, practice_slug, thread_id):
    return _render_thread(request, _thread(request, thread_id))


def _render_thread(request, thread, status=200, announcement="", **bound_forms):
    audit_record(request=request, practice=request.practice, patient=thread.patient,
                 obj=thread, action=AuditEvent.Action.VIEW_THREAD)
    OnCallAlert.objects.for_practice(request.practice).filter(
        thread=thread, recipient=request.user, seen_at__isnull=True).update(seen_at=timezone.now())
    thread_messages = list(selectors.messages_for_staff(thread))
    context = {"thread": thread, "thread_messages": thread_messages,
               **_side_panel(request, thread),
               **_forms(request, thread, bound_forms, thread_messages),
               "announcement": announcement}
    # htmx posts get the page body back, swapped in place (templates/.../_thread_body.html).
    template = "_thread_body.html" if request.htmx else "thread.html"
    return render(request, f"messaging/staff/{template}", context, status=status)


def _side_panel(request, thread) -> dict:
    if thread.patient is None:
        return {"contact_log": [], "other_threads": [], "refills": []}
    return {
        "contact_log": ContactAttempt.objects.for_practice(request.practice)
        .filter(patient=thread.patient).select_related("made_by")[:20],
        "other_threads": Thread.objects.for_practice(request.practice).open()
        .filter(patient=thread.patient).exclude(pk=thread.pk).order_by("-last_message_at")[:10],
        "refills": thread.refills.order_by("-created_at"),
    }


def _forms(request, thread, bound, thread_messages) -> dict:
    values = selectors.reply_template_values(thread=thread, now=timezone.now())
    templates = [(t.name, selectors.reply_template_fill(t.body, values=values))
                 for t in selectors.reply_templates_for(practice=request.practice,
                                                        language=thread.language)]
    return {"reply_form": bound.get("reply_form") or forms.ReplyForm(),
            "note_form": bound.get("note_form") or forms.NoteForm(),
            "call_form": bound.get("call_form") or forms.CallForm(),
            "record_form": bound.get("record_form") or forms.RecordForm(),
            "close_form": bound.get("close_form") or forms.CloseForm(),
            "match_form": bound.get("match_form") or forms.MatchForm(),
            "refill_form": bound.get("refill_form") or forms.RefillStatusForm(),
            "action_error": bound.get("action_error"),
            "sms_reply": _sms_reply(request, thread, thread_messages),
            "reply_templates": templates,
            "choices": _correction_choices(thread)}


def _sms_reply(request, thread, thread_messages) -> dict | None:
    """Where a text reply would go, said on the page beside the reply form."""
    if thread.patient is None or not thread.is_open:
        return None
    number, why = alerts.sms_reply_number(thread, messages=thread_messages)
    if not number:
        return None
    return {"number": phone_display(number, region=request.practice.phone_region),
            "texted_from": why == alerts.TEXTED_FROM}


def _correction_choices(thread) -> dict:
    from .models import TEAM_CHOICES, TOPIC_CHOICES, URGENCY_CHOICES

    return {"urgency": [c for c in URGENCY_CHOICES if c[0] != thread.urgency],
            "topic": [c for c in TOPIC_CHOICES if c[0] != thread.topic],
            "team": [c for c in TEAM_CHOICES if c[0] != thread.team]}


def _act(request, thread, form_name, form_class, action, done):
    """Validate the form, run the service; on any refusal re-render with the reason."""
    form = form_class(request.POST)
    if not form.is_valid():
        return _render_thread(request, thread, status=400, **{form_name: form})
    try:
        action(**form.cleaned_data)
    except ValidationError as error:
        for field, errors in _errors_by_field(error).items():
            form.add_error(field if field in form.fields else None, errors)
        return _render_thread(request, thread, status=400, **{form_name: form})
    if request.htmx:
        # Answered in place: the thread as it is now, with the line saying what was done.
        return _render_thread(request, _thread(request, thread.pk), announcement=done)
    messages.success(request, done)
    return redirect("staff_thread", practice_slug=request.practice.slug, thread_id=thread.pk)


def _errors_by_field(error) -> dict:
    if hasattr(error, "error_dict"):
        return {field: [m for e in errs for m in e.messages]
                for field, errs in error.error_dict.items()}
    return {None: error.messages}


@staff_required
@require_POST
def thread_reply(request, practice_slug, thread_id):
    thread = _thread(request, thread_id)
    return _act(request, thread, "reply_form", forms.ReplyForm,
                lambda **data: threads.message_reply(thread=thread, author=request.user, **data),
                "Reply sent and logged in the contact log.")


@staff_required
@require_POST
def thread_note(request, practice_slug, thread_id):
    thread = _thread(request, thread_id)
    return _act(request, thread, "note_form", forms.NoteForm,
                lambda **data: threads.note_add(thread=thread, author=request.user, **data),
                "Internal note added. The patient does not see it.")


@staff_required
@require_POST
def thread_call(request, practice_slug, thread_id):
    thread = _thread(request, thread_id)
    return _act(request, thread, "call_form", forms.CallForm,
                lambda **data: threads.call_record(thread=thread, author=request.user, **data),
                "Call recorded in the thread and the contact log.")


@staff_required
@require_POST
def thread_record(request, practice_slug, thread_id):
    thread = _thread(request, thread_id)

    def record(*, channel, body):
        if thread.patient is None:
            raise ValidationError("Match this message to a patient first.")
        threads.message_receive(practice=request.practice, patient=thread.patient, body=body,
                                channel=channel, recorded_by=request.user)

    return _act(request, thread, "record_form", forms.RecordForm, record,
                "Message recorded in the patient's history.")


@staff_required
@require_POST
def thread_close(request, practice_slug, thread_id):
    thread = _thread(request, thread_id)
    return _act(request, thread, "close_form", forms.CloseForm,
                lambda **data: threads.thread_close(thread=thread, actor=request.user, **data),
                "Thread closed; its queue item is done.")


@staff_required
@require_POST
def thread_correct(request, practice_slug, thread_id):
    thread = _thread(request, thread_id)
    return _act(request, thread, "action_error", forms.CorrectForm,
                lambda **data: changes.thread_correct(thread=thread, actor=request.user, **data),
                "Corrected. The correction is kept with the rule that decided it.")


@staff_required
@require_POST
def thread_match(request, practice_slug, thread_id):
    thread = _thread(request, thread_id)

    def match(*, mrn):
        patient = Patient.objects.for_practice(request.practice).filter(mrn=mrn.strip()).first()
        if patient is None:
            raise ValidationError({"mrn": "No patient of this practice has that MRN."})
        changes.thread_match_patient(thread=thread, patient=patient, actor=request.user)

    return _act(request, thread, "match_form", forms.MatchForm, match,
                "Matched to the patient.")


@staff_required
@require_POST
def thread_merge(request, practice_slug, thread_id):
    thread = _thread(request, thread_id)

    def merge(*, target):
        into = Thread.objects.for_practice(request.practice).filter(pk=target).first()
        if into is None:
            raise ValidationError({"target": "Choose a thread of this practice."})
        changes.thread_merge(source=thread, target=into, actor=request.user)

    response = _act(request, thread, "action_error", forms.MergeForm, merge,
                    "Merged. This thread's messages are now in the other thread.")
    thread.refresh_from_db()
    if thread.merged_into_id:
        return redirect("staff_thread", practice_slug=practice_slug, thread_id=thread.merged_into_id)
    return response


@staff_required
@require_POST
def message_split(request, practice_slug, thread_id, message_id):
    thread = _thread(request, thread_id)
    message = get_object_or_404(thread.messages.all(), pk=message_id)
    try:
        new = changes.message_split(message=message, actor=request.user)
    except ValidationError as error:
        return _render_thread(request, thread, status=400, action_error=" ".join(error.messages))
    messages.success(request, "Split out into its own thread and queue item.")
    return redirect("staff_thread", practice_slug=practice_slug, thread_id=new.pk)


@staff_required
@require_POST
def refill_status(request, practice_slug, thread_id, refill_id):
    thread = _thread(request, thread_id)
    refill = get_object_or_404(RefillRequest.objects.for_practice(request.practice)
                               .filter(thread=thread), pk=refill_id)

    def change(*, status, medication, note_to_patient):
        if medication:
            changes.refill_medication_set(refill=refill, medication=medication)
        changes.refill_status_set(refill=refill, status=status, actor=request.user,
                                  note_to_patient=note_to_patient)

    return _act(request, thread, "refill_form", forms.RefillStatusForm, change,
                "Refill status changed; the patient sees it now.")


@never_cache
@staff_required
def attachment_download(request, practice_slug, attachment_id):
    attachment = get_object_or_404(
        Attachment.objects.for_practice(request.practice).select_related("message__thread"),
        pk=attachment_id)
    return serve_attachment(request, attachment)


def serve_attachment(request, attachment):
    """Stream a private file with its checked type, never rendered inline as HTML."""
    audit_record(request=request, practice=request.practice,
                 patient=attachment.message.thread.patient, obj=attachment,
                 action=AuditEvent.Action.VIEW_FILE)
    try:
        handle = attachment.file.open("rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, content_type=attachment.content_type,
                            as_attachment=attachment.content_type == "application/pdf",
                            filename=f"attachment-{str(attachment.pk)[:8]}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

