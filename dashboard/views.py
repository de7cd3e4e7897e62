"""The shared queue page, its poll, the item side panel and the team view.

The queue page is the staff home. Everything on it that can change lives in
one fragment (`dashboard/_queue_live.html`: counts, list, paging, version):
the page includes it, the poll answers it (or 304), and every action answers
it out-of-band together with the side panel and a screen-reader
announcement, so after any action every part of the page is right.
"""

import functools
from urllib.parse import urlencode, urlsplit

from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.views.decorators.cache import never_cache

from vpm.audit.models import AuditEvent
from vpm.audit.services import audit_record
from vpm.practices.access import staff_required
from vpm.practices.models import Team
from vpm.queue.rules import allowed_actions

from . import selectors
from .forms import QueueFilterForm
from .rows import RowRenderer, count_links, notice_links

CLOSED_VIEW = "closed"


def _page_urls(practice):
    """URL prefixes the rows need, resolved once per page rather than per row."""
    return _urls_for(practice.slug, get_script_prefix())


@functools.lru_cache(maxsize=4096)
def _urls_for(slug, script_prefix):
    """(The URL patterns never change in a running process: kept per practice.)"""
    item_base = reverse("work_item_panel", args=[slug, 0]).removesuffix("0/")
    patient_base = reverse("patient_list", args=[slug])
    return {"item_base": item_base, "patient_base": patient_base,
            "poll_url": reverse("queue_poll", args=[slug]),
            "queue_url": reverse("staff_home", args=[slug]),
            "teams_url": reverse("queue_teams", args=[slug]),
            "settings_url": reverse("queue_settings", args=[slug]),
            "closed_days_url": reverse("queue_closed_days", args=[slug]),
            "availability_url": reverse("queue_my_availability", args=[slug]),
            "notices_read_url": reverse("queue_notices_read", args=[slug])}


def _filters_from(request, query, colleagues):
    data = query if query is not None else request.GET
    # No filters at all (the usual queue): an unbound form, nothing to check.
    form = QueueFilterForm(data or None, practice=request.practice, colleagues=colleagues)
    return form, form.valid_filters()


def _query_of_current_page(request) -> QueryDict:
    """The filters of the page an htmx request came from (HX-Current-URL)."""
    current = request.headers.get("HX-Current-URL", "")
    return QueryDict(urlsplit(current).query if current else "")


def queue_context(request, *, query=None, oob=False, notices=False):
    """Everything the live fragment shows, for the page, the poll and actions
    (and the user's unread notices when `notices`: the page shows them)."""
    practice, user, access = request.practice, request.user, request.practice_access
    # Counts, version, colleagues, staffed teams and notices: one query.
    facts = selectors.page_facts(practice=practice, user=user, notices=notices)
    colleagues, counts = facts.colleagues, facts.counts
    form, filters = _filters_from(request, query, colleagues)
    view = (query if query is not None else request.GET).get("view", "")
    view = view if view == CLOSED_VIEW else ""
    if view == CLOSED_VIEW:
        items, total = selectors.closed_page(practice=practice, user=user, filters=filters)
    else:
        items, total = selectors.queue_page(practice=practice, user=user, filters=filters,
                                            counts=counts)
    is_manager, user_id = access.is_manager, user.pk  # user is lazy: read its pk once
    for item in items:
        item.allowed = allowed_actions(item, user_id=user_id, is_manager=is_manager)
    urls = _page_urls(practice)
    staffed = facts.staffed_teams if is_manager else None
    version = facts.version
    page = filters.get("page", 1)
    page_query = urlencode({**{k: v for k, v in filters.items() if k != "page"},
                            **({"view": view} if view else {})})
    return {
        "form": form, "filter_menus":  # written only by the page, not the poll's fragment
            functools.partial(form.menus_html, with_due=view != CLOSED_VIEW),
        "filters": filters, "view": view, "items": items, "total": total,
        "page_number": page, "has_next": page * selectors.PAGE_SIZE < total,
        "counts": counts, "page_query": page_query + "&" if page_query else "",
        "urgency_links": count_links("urgency", ((name, name[:1].upper() + name[1:], n)
                                                  for name, n in counts.by_urgency.items())),
        "team_links": count_links("team", ((team, label, counts.by_team[team])
                                            for team, label in Team.choices)),
        "staffed_teams": staffed,
        "rows": RowRenderer(user_id=user_id, item_base=urls["item_base"],
                            patient_base=urls["patient_base"], closed_view=view == CLOSED_VIEW,
                            staffed_teams=staffed).render(items),
        "colleagues": colleagues, "version": version, "oob": oob, "notices": facts.notices,
        "notice_links": notice_links(facts.notices, urls["item_base"]),
        "filter_patient": form.patient, "is_manager": is_manager,
        **urls,
    }


@never_cache
@staff_required
def staff_home(request, practice_slug):
    """The queue: every active item of the practice, most urgent first."""
    # With the escalations (managers) and items a colleague took over from this person.
    context = queue_context(request, notices=True)
    audit_record(request=request, practice=request.practice, action=AuditEvent.Action.VIEW_QUEUE)
    status = 400 if context["form"].errors else 200
    return render(request, "dashboard/queue.html", context, status=status)


@never_cache
@staff_required
def queue_poll(request, practice_slug):
    """htmx polls this every few seconds. Nothing changed: 304 and no body,
    after one indexed lookup. Something changed: the live fragment, out of band."""
    version, recent = selectors.queue_version(practice=request.practice)
    if request.GET.get("v") == version and not recent:
        return HttpResponse(status=304)
    context = queue_context(request)
    audit_record(request=request, practice=request.practice, action=AuditEvent.Action.VIEW_QUEUE)
    return render(request, "dashboard/_queue_live.html", {**context, "oob": True})
