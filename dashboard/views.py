from django.shortcuts import render
from django.views.decorators.cache import never_cache

from vpm.audit.models import AuditEvent
from vpm.audit.services import audit_record
from vpm.practices.access import staff_required
from vpm.queue.forms import assignee_choices

from .selectors import home_items


@never_cache
@staff_required
def staff_home(request, practice_slug):
    membership = request.practice_access.membership
    mine, team_open = home_items(practice=request.practice, user=request.user,
                                 team=membership.team)
    audit_record(request=request, practice=request.practice, action=AuditEvent.Action.VIEW_QUEUE)
    return render(request, "dashboard/home.html", {
        "mine": mine, "team_open": team_open, "team_label": membership.get_team_display(),
        "assignees": assignee_choices(practice=request.practice),
    })
