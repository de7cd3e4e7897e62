"""Actions on one work item from the queue page, and its side panel.

Each action calls one service. With htmx the answer updates, out of band,
every part of the page the action touches: the live queue fragment (list,
counts, "mine"), the side panel when it shows this item, and the announcement
read to screen readers. Without htmx: a redirect back with a message, or, when
refused, the item's own page with the reason by the field (400 bad input,
409 the item's state refuses it). Either way a refused action changes nothing.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from vpm.audit.models import AuditEvent
from vpm.audit.services import audit_record
from vpm.patients.models import ContactAttempt
from vpm.practices.access import staff_required
from vpm.queue import services
from vpm.queue.forms import AssignForm, CloseForm, SnoozeForm, assignee_choices
from vpm.queue.models import Kind, WorkItem
from vpm.queue.rules import allowed_actions

from .views import _query_of_current_page, queue_context

CONTACT_LOG_SIZE = 10


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Reason",
                             error_messages={"required": "Say why, in a few words."})


def _get_item(request, item_id):
    return get_object_or_404(WorkItem.objects.for_practice(request.practice).with_people(),
                             pk=item_id)


def panel_context(request, item, *, error=None, error_field=None, message=None):
    """The side panel: the item, what this person may do with it, its history,
    its source and the patient's recent contact log (an audited read)."""
    access = request.practice_access
    context = {
        "item": item, "error": error, "error_field": error_field, "message": message,
        "allowed": allowed_actions(item, user_id=request.user.pk,
                                   is_manager=access.is_manager),
        "events": list(item.events.select_related("actor").only(
            "action", "note", "at", "actor__name", "actor__email")),
        "assignees": assignee_choices(practice=request.practice),
        "only_records": item.kind == Kind.UNVERIFIED_CHANNEL,
        "source_label": item.source_type.name if item.source_type_id else "",
        "contact_log": [],
    }
    if item.patient_id:
        context["contact_log"] = list(
            ContactAttempt.objects.for_practice(request.practice).filter(patient=item.patient)
            .select_related("made_by").order_by("-occurred_at")[:CONTACT_LOG_SIZE])
        audit_record(request=request, practice=request.practice, patient=item.patient,
                     obj=item, action=AuditEvent.Action.VIEW_CONTACT_LOG)
    return context


@never_cache
@staff_required
def item_panel(request, practice_slug, item_id):
    item = _get_item(request, item_id)
    context = panel_context(request, item)
    if request.htmx:
        return render(request, "dashboard/_item_panel.html", context)
    return render(request, "dashboard/item.html", context)


def _respond(request, item, *, message, error=None, error_field=None, status=200):
    if not request.htmx:
        return _respond_plain(request, item, message=message, error=error,
                              error_field=error_field, status=status)
    panel = None
    if request.POST.get("panel_item") == str(item.pk):
        panel = panel_context(request, item, error=error, error_field=error_field,
                              message=None if error else message)
    context = queue_context(request, query=_query_of_current_page(request), oob=True)
    audit_record(request=request, practice=request.practice, action=AuditEvent.Action.VIEW_QUEUE)
    return render(request, "dashboard/_action_response.html",
                  {**context, "panel": panel, "announcement": error or message,
                   "is_error": bool(error), "acted_item": item}, status=status)


def _respond_plain(request, item, *, message, error, error_field, status):
    if error:
        # The documented answer: the reason next to the field, and a 400 or 409.
        context = panel_context(request, item, error=error, error_field=error_field)
        return render(request, "dashboard/item.html", context, status=status)
    messages.success(request, message)
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                                    require_https=request.is_secure()):
        return redirect(next_url)
    return redirect("staff_home", practice_slug=request.practice.slug)


def _act(request, item_id, action, form_class=None, *, done, field=None, **kwargs):
    item = _get_item(request, item_id)
    if form_class is not None:
        form = form_class(request.POST, **kwargs.pop("form_kwargs", {}))
        if not form.is_valid():
            error = " ".join(e for errors in form.errors.values() for e in errors)
            return _respond(request, item, message="", error=error,
                            error_field=next(iter(form.errors)), status=400)
        kwargs.update(form.cleaned_data)
    try:
        item = action(item=item, **kwargs)
    except services.WorkItemError as error:
        item.refresh_from_db()
        return _respond(request, item, message="", error=str(error), error_field=field,
                        status=409)
    return _respond(request, item, message=done(item))


def _local(moment) -> str:
    return f"{timezone.localtime(moment):%b %d, %H:%M}"


def _is_manager(request):
    return request.practice_access.is_manager


def _post_action(view):
    return never_cache(staff_required(require_POST(view)))


@_post_action
def claim(request, practice_slug, item_id):
    return _act(request, item_id, services.work_item_claim, user=request.user,
                done=lambda item: f"You claimed “{item.title}”.")


@_post_action
def release(request, practice_slug, item_id):
    return _act(request, item_id, services.work_item_release, actor=request.user,
                is_manager=_is_manager(request),
                done=lambda item: f"“{item.title}” is back in the queue for anyone to claim.")


@_post_action
def take_over(request, practice_slug, item_id):
    return _act(request, item_id, services.work_item_take_over, ReasonForm, field="reason",
                actor=request.user,
                done=lambda item: f"You took over “{item.title}”; the reason is in its history.")


@_post_action
def assign(request, practice_slug, item_id):
    return _act(request, item_id, services.work_item_assign, AssignForm, field="assignee",
                actor=request.user, is_manager=_is_manager(request),
                form_kwargs={"practice": request.practice},
                done=lambda item: f"“{item.title}” is now with {item.owner.display_name}.")


@_post_action
def snooze(request, practice_slug, item_id):
    return _act(request, item_id, services.work_item_snooze, SnoozeForm, field="until",
                actor=request.user, is_manager=_is_manager(request),
                done=lambda item: f"“{item.title}” is snoozed until "
                                  f"{_local(item.snoozed_until)}.")


@_post_action
def wait(request, practice_slug, item_id):
    return _act(request, item_id, services.work_item_wait_on_patient, ReasonForm,
                field="reason", actor=request.user, is_manager=_is_manager(request),
                done=lambda item: f"“{item.title}” is waiting on the patient; its clock "
                                  "is paused.")


@_post_action
def resume(request, practice_slug, item_id):
    return _act(request, item_id, services.work_item_resume, actor=request.user,
                is_manager=_is_manager(request),
                done=lambda item: f"“{item.title}” is running again, due "
                                  f"{_local(item.due_at)}.")


@_post_action
def close(request, practice_slug, item_id):
    return _act(request, item_id, services.work_item_close, CloseForm, field="outcome",
                actor=request.user, is_manager=_is_manager(request),
                done=lambda item: f"Closed “{item.title}”: {item.outcome}")
