"""Managers' pages for the queue: the team view (load per team and person,
bulk reassignment, auto-assignment, capacity), response targets and closed
days. Staff mark themselves available or away."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from vpm.audit.models import AuditEvent
from vpm.audit.services import audit_record
from vpm.practices.access import manager_required, staff_required
from vpm.practices.models import ClosedDay, Membership, Team, TeamSettings
from vpm.queue import services
from vpm.queue.assignment import membership_capacity_set, team_auto_assign_set
from vpm.queue.forms import AssignForm
from vpm.queue.models import QueueSettings, StaffNotice
from vpm.queue.sla import targets_for_practice

from . import selectors
from .forms import BulkReassignForm, CapacityForm, ClosedDayForm, SlaSettingsForm


def _team_context(request, *, reassign_error=None, capacity_errors=None):
    practice = request.practice
    team = request.GET.get("team", "")
    team = team if team in Team.values else ""
    by_team, people = selectors.team_overview(practice=practice)
    auto = set(TeamSettings.objects.for_practice(practice).filter(auto_assign=True)
               .values_list("team", flat=True))
    for key, row in by_team.items():
        row["auto_assign"] = key in auto
        row["unstaffed"] = not row["members"]
    return {"by_team": by_team, "people": people, "team": team,
            "items": selectors.oldest_active(practice=practice, team=team or None),
            # The same active staff, in the same order, as assignee_choices gives.
            "assignees": [(p["membership"].user_id, p["membership"].user.display_name)
                          for p in people],
            "reassign_error": reassign_error, "capacity_errors": capacity_errors or {}}


@never_cache
@manager_required
def team_view(request, practice_slug):
    context = _team_context(request)
    audit_record(request=request, practice=request.practice, action=AuditEvent.Action.VIEW_QUEUE)
    return render(request, "dashboard/teams.html", context)


@never_cache
@manager_required
@require_POST
def bulk_reassign(request, practice_slug):
    practice = request.practice
    item_ids = [i.pk for i in selectors.oldest_active(practice=practice,
                                                      team=request.POST.get("team") or None)]
    form = BulkReassignForm(request.POST, item_ids=item_ids)
    assign = AssignForm(request.POST, practice=practice)
    if not (form.is_valid() and assign.is_valid()):
        errors = [e for f in (form, assign) for errs in f.errors.values() for e in errs]
        context = _team_context(request, reassign_error=" ".join(errors))
        return render(request, "dashboard/teams.html", context, status=400)
    assignee = assign.cleaned_data["assignee"]
    moved, skipped = services.work_items_reassign(practice=practice,
                                                  item_ids=form.cleaned_data["items"],
                                                  assignee=assignee, actor=request.user)
    note = f" {skipped} had changed a moment ago and were left as they are." if skipped else ""
    messages.success(request, f"Moved {moved} item{'s' if moved != 1 else ''} to "
                              f"{assignee.display_name}.{note}")
    return redirect(request.get_full_path().replace("reassign/", ""))


@never_cache
@manager_required
@require_POST
def team_auto_assign(request, practice_slug, team):
    if team not in Team.values:
        raise Http404
    enabled = request.POST.get("auto_assign") == "on"
    team_auto_assign_set(practice=request.practice, team=team, enabled=enabled)
    label = Team(team).label
    messages.success(request, f"Auto-assignment is {'on' if enabled else 'off'} for {label}.")
    return redirect("queue_teams", practice_slug=practice_slug)


@never_cache
@manager_required
@require_POST
def person_capacity(request, practice_slug, membership_id):
    membership = get_object_or_404(Membership.objects.filter(practice=request.practice,
                                                             is_active=True)
                                   .select_related("user"), pk=membership_id)
    form = CapacityForm(request.POST)
    if not form.is_valid():
        errors = {membership.pk: " ".join(e for errs in form.errors.values() for e in errs)}
        return render(request, "dashboard/teams.html",
                      _team_context(request, capacity_errors=errors), status=400)
    membership_capacity_set(membership=membership, **form.cleaned_data)
    state = "available" if membership.is_available else "away"
    messages.success(request, f"{membership.user.display_name}: capacity "
                              f"{membership.capacity}, {state}.")
    return redirect("queue_teams", practice_slug=practice_slug)


@never_cache
@staff_required
@require_POST
def my_availability(request, practice_slug):
    membership = request.practice_access.membership
    available = request.POST.get("is_available") == "on"
    membership_capacity_set(membership=membership, capacity=membership.capacity,
                            is_available=available)
    messages.success(request, "You are available for new work." if available else
                     "You are marked away: auto-assignment gives you nothing new.")
    return redirect("staff_home", practice_slug=practice_slug)


@never_cache
@manager_required
def queue_settings(request, practice_slug):
    practice = request.practice
    targets = targets_for_practice(practice)
    current = QueueSettings.objects.for_practice(practice).first()
    limit = current.escalate_after_minutes if current else services.ESCALATE_DEFAULT_MINUTES
    if request.method == "POST":
        form = SlaSettingsForm(request.POST, targets=targets)
        if form.is_valid():
            own = services.sla_targets_save(
                practice=practice, targets=form.targets(),
                escalate_after_minutes=form.cleaned_data["escalate_after_minutes"])
            messages.success(request, f"Saved. {own} target{'s' if own != 1 else ''} differ "
                                      "from the defaults; items already open keep their due "
                                      "times.")
            return redirect("queue_settings", practice_slug=practice_slug)
        status = 400
    else:
        form = SlaSettingsForm(targets=targets, initial={"escalate_after_minutes": limit})
        status = 200
    return render(request, "dashboard/settings.html", {"form": form}, status=status)


@never_cache
@manager_required
def closed_days(request, practice_slug):
    practice = request.practice
    form = ClosedDayForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                day = services.closed_day_add(practice=practice, day=form.cleaned_data["date"],
                                              reason=form.cleaned_data["reason"])
            except services.WorkItemError as error:
                form.add_error("date", str(error))
            else:
                messages.success(request, f"Closed on {day.date:%A, %b %d, %Y}: the queue's "
                                          "clocks skip that day.")
                return redirect("queue_closed_days", practice_slug=practice_slug)
        status = 400
    days = ClosedDay.objects.for_practice(practice).order_by("date")
    return render(request, "dashboard/closed_days.html", {"form": form, "days": days},
                  status=status)


@never_cache
@manager_required
@require_POST
def closed_day_delete(request, practice_slug, closed_day_id):
    day = get_object_or_404(ClosedDay.objects.for_practice(request.practice), pk=closed_day_id)
    day.delete()
    messages.success(request, f"{day.date:%b %d, %Y} is a normal day again.")
    return redirect("queue_closed_days", practice_slug=practice_slug)


@never_cache
@staff_required
@require_POST
def notices_read(request, practice_slug):
    from django.utils import timezone

    StaffNotice.objects.for_practice(request.practice).filter(
        user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, "Notices marked as read.")
    return redirect("staff_home", practice_slug=practice_slug)
