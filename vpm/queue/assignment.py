"""Fair auto-assignment within a team.

A manager switches it on per team (`TeamSettings.auto_assign`). Items nobody
holds are handed out round-robin among the team's active members who are
marked available, never above each person's capacity (`Membership.capacity`,
counting everything they hold: claimed, snoozed, waiting). When capacity
frees up, the oldest waiting items go first, so the backlog drains evenly.
Emergencies are never assigned to one person who may be on another call: they
stay with the whole team, at the top of everyone's queue, flagged.

Capacity limits what auto-assignment gives; a person may still claim more by
hand. Concurrency: each fill locks its team's `TeamSettings` row, so two
fills for one team run one after the other (their counts stay true), and
items are taken with SKIP LOCKED, so a colleague claiming at the same moment
is never waited on and never doubled.
"""

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from vpm.practices.models import Membership, TeamSettings

from .models import Status, Urgency, WorkItem, WorkItemEvent

HELD_STATUSES = (Status.CLAIMED, Status.SNOOZED, Status.WAITING)


def team_auto_assigns(*, practice_id, team) -> bool:
    return TeamSettings.objects.filter(practice_id=practice_id, team=team,
                                       auto_assign=True).exists()


def _round_robin(members, last_user_id):
    """Members in user-id order, starting after the one assigned last."""
    ordered = sorted(members, key=lambda m: m.user_id)
    after = [m for m in ordered if last_user_id is not None and m.user_id > last_user_id]
    return after + [m for m in ordered if m not in after]


def work_items_fill_team(*, practice_id, team) -> int:
    """Assign the team's oldest unheld items to members with free capacity.
    Returns how many were assigned. Safe to call any time, from anywhere."""
    with transaction.atomic():
        settings = (TeamSettings.objects.select_for_update()
                    .filter(practice_id=practice_id, team=team, auto_assign=True).first())
        if settings is None:
            return 0
        members = list(Membership.objects.filter(practice_id=practice_id, team=team,
                                                 is_active=True, is_available=True))
        held = dict(WorkItem.objects.filter(practice_id=practice_id, status__in=HELD_STATUSES,
                                            owner_id__in=[m.user_id for m in members])
                    .values_list("owner_id").annotate(n=Count("id")).order_by())
        free = {m.user_id: m.capacity - held.get(m.user_id, 0) for m in members}
        room = sum(max(0, n) for n in free.values())
        if room == 0:
            return 0
        items = list(WorkItem.objects.filter(practice_id=practice_id, team=team,
                                             status=Status.OPEN, owner__isnull=True)
                     .exclude(urgency=Urgency.EMERGENCY)
                     .order_by("created_at", "id")
                     .select_for_update(skip_locked=True).only("id", "practice_id")[:room])
        order = _round_robin(members, settings.last_assigned_id)
        assigned, turn = 0, 0
        now = timezone.now()
        for item in items:
            while free[order[turn % len(order)].user_id] <= 0:
                turn += 1
            member = order[turn % len(order)]
            turn += 1
            updated = WorkItem.objects.filter(pk=item.pk, status=Status.OPEN,
                                              owner__isnull=True).update(
                status=Status.CLAIMED, owner_id=member.user_id, claimed_at=now, updated_at=now)
            if not updated:
                continue
            WorkItemEvent.objects.create(practice_id=practice_id, work_item_id=item.pk,
                                         action=WorkItemEvent.Action.ASSIGNED,
                                         note="Auto-assigned (round-robin)", at=now)
            free[member.user_id] -= 1
            settings.last_assigned_id = member.user_id
            assigned += 1
        if assigned:
            settings.save(update_fields=["last_assigned"])
        return assigned


def work_items_auto_assign_waiting() -> int:
    """The beat sweep: fill every team that has auto-assignment on."""
    total = 0
    for practice_id, team in TeamSettings.objects.filter(auto_assign=True) \
            .values_list("practice_id", "team"):
        total += work_items_fill_team(practice_id=practice_id, team=team)
    return total


def team_auto_assign_set(*, practice, team, enabled: bool) -> TeamSettings:
    settings, _ = TeamSettings.objects.update_or_create(
        practice=practice, team=team, defaults={"auto_assign": enabled})
    if enabled:
        transaction.on_commit(lambda: work_items_fill_team(practice_id=practice.pk, team=team))
    return settings


def membership_capacity_set(*, membership, capacity: int, is_available: bool) -> Membership:
    """A person's capacity and availability; freed capacity is filled at once."""
    membership.capacity = capacity
    membership.is_available = is_available
    membership.save(update_fields=["capacity", "is_available"])
    if membership.team:
        transaction.on_commit(lambda: work_items_fill_team(practice_id=membership.practice_id,
                                                           team=membership.team))
    return membership
