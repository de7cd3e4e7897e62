"""Actions on one work item. Each answers htmx with the item's refreshed row,
and a plain form post with a redirect back to where it came from.

Bad input (a missing outcome, a snooze time in the past, someone who is not on
the staff) is a 400 with the reason; a change the item's state refuses (already
claimed, already closed) is a 409. Either way the item is unchanged.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from vpm.practices.access import staff_required

from . import services
from .forms import AssignForm, CloseForm, SnoozeForm, assignee_choices
from .models import WorkItem


def _get_item(request, item_id):
    return get_object_or_404(
        WorkItem.objects.for_practice(request.practice).select_related("patient", "owner"),
        pk=item_id,
    )


def _respond(request, item, error=None, status=200):
    if request.htmx:
        return render(request, "queue/_item_row.html",
                      {"item": item, "error": error,
                       "assignees": assignee_choices(practice=request.practice)},
                      status=status)
    if error:
        messages.error(request, error)
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                                    require_https=request.is_secure()):
        return redirect(next_url)
    return redirect("staff_home", practice_slug=request.practice.slug)


def _act(request, item_id, action, form_class=None, **kwargs):
    item = _get_item(request, item_id)
    if form_class is not None:
        form = form_class(request.POST, **kwargs.pop("form_kwargs", {}))
        if not form.is_valid():
            error = " ".join(e for errors in form.errors.values() for e in errors)
            return _respond(request, item, error=error, status=400)
        kwargs.update(form.cleaned_data)
    try:
        item = action(item=item, **kwargs)
    except services.WorkItemError as error:
        return _respond(request, item, error=str(error), status=409)
    return _respond(request, item)


@never_cache
@staff_required
@require_POST
def claim(request, practice_slug, item_id):
    return _act(request, item_id, services.work_item_claim, user=request.user)


@never_cache
@staff_required
@require_POST
def release(request, practice_slug, item_id):
    return _act(request, item_id, services.work_item_release, actor=request.user,
                is_manager=request.practice_access.is_manager)


@never_cache
@staff_required
@require_POST
def assign(request, practice_slug, item_id):
    return _act(request, item_id, services.work_item_assign, AssignForm, actor=request.user,
                form_kwargs={"practice": request.practice})


@never_cache
@staff_required
@require_POST
def snooze(request, practice_slug, item_id):
    return _act(request, item_id, services.work_item_snooze, SnoozeForm, actor=request.user)


@never_cache
@staff_required
@require_POST
def close(request, practice_slug, item_id):
    return _act(request, item_id, services.work_item_close, CloseForm, actor=request.user)
