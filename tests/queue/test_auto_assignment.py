"""Fair auto-assignment: round-robin among available members under capacity,
oldest first when capacity frees, nothing for the away, emergencies to the
whole team; and 8 assigners and claimers at once on separate connections."""

import contextlib
import random
import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import WorkItemFactory, staff_user
from vpm.practices.models import Membership, Team, TeamSettings
from vpm.queue.assignment import (
    membership_capacity_set,
    team_auto_assign_set,
    work_items_auto_assign_waiting,
    work_items_fill_team,
)
from vpm.queue.models import Kind, Status, Urgency, WorkItem, WorkItemEvent
from vpm.queue.services import WorkItemError, work_item_claim, work_item_close, work_item_open

TEAM = Team.TRIAGE


def _team(practice, n, capacity=3):
    people = [staff_user(practice, team=TEAM, name=f"Member {i}") for i in range(n)]
    Membership.objects.filter(user__in=people).update(capacity=capacity)
    TeamSettings.objects.create(practice=practice, team=TEAM, auto_assign=True)
    return people


def _open(practice, title="Message", urgency=Urgency.ROUTINE):
    return work_item_open(practice=practice, kind=Kind.PORTAL_MESSAGE, team=TEAM, title=title,
                          urgency=urgency, due_at=timezone.now() + timedelta(hours=4))


def _held(practice):
    return Counter(WorkItem.objects.filter(practice=practice, status=Status.CLAIMED)
                   .values_list("owner_id", flat=True))


@pytest.mark.django_db
def test_new_items_go_round_robin(practice):
    a, b, c = _team(practice, 3)
    owners = [_open(practice, f"M{i}").owner_id for i in range(6)]
    assert owners == [a.pk, b.pk, c.pk, a.pk, b.pk, c.pk]
    event = WorkItemEvent.objects.filter(action="assigned").last()
    assert event.note == "Auto-assigned (round-robin)"


@pytest.mark.django_db
def test_nobody_goes_over_capacity_and_the_rest_wait(practice):
    _team(practice, 2, capacity=2)
    for i in range(7):
        _open(practice, f"M{i}")
    assert sorted(_held(practice).values()) == [2, 2]
    assert WorkItem.objects.filter(status=Status.OPEN, owner__isnull=True).count() == 3


@pytest.mark.django_db
def test_freed_capacity_takes_the_oldest_waiting_item(practice, django_capture_on_commit_callbacks):
    a, = _team(practice, 1, capacity=1)
    first = _open(practice, "First")
    oldest = _open(practice, "Oldest waiting")
    _open(practice, "Newer waiting")
    assert first.owner_id == a.pk
    with django_capture_on_commit_callbacks(execute=True):
        work_item_close(item=first, actor=a, outcome="Answered")
    assert WorkItem.objects.get(pk=oldest.pk).owner_id == a.pk
    assert WorkItem.objects.get(title="Newer waiting").owner_id is None


@pytest.mark.django_db
def test_away_members_get_nothing_new(practice, django_capture_on_commit_callbacks):
    a, b = _team(practice, 2)
    with django_capture_on_commit_callbacks(execute=True):
        membership_capacity_set(membership=Membership.objects.get(user=b), capacity=3,
                                is_available=False)
    owners = {_open(practice, f"M{i}").owner_id for i in range(3)}
    assert owners == {a.pk}
    # back from lunch: the waiting items flow to them
    _open(practice, "Waiting")
    with django_capture_on_commit_callbacks(execute=True):
        membership_capacity_set(membership=Membership.objects.get(user=b), capacity=3,
                                is_available=True)
    assert WorkItem.objects.get(title="Waiting").owner_id == b.pk


@pytest.mark.django_db
def test_emergencies_go_to_the_whole_team_at_once(practice):
    _team(practice, 2, capacity=0)  # everybody is full
    item = _open(practice, "Chest pain", urgency=Urgency.EMERGENCY)
    assert item.owner_id is None and item.status == Status.OPEN
    assert WorkItem.objects.for_queue(practice).first() == item  # top of everyone's queue


@pytest.mark.django_db
def test_teams_without_auto_assignment_are_left_alone(practice, staff):
    item = work_item_open(practice=practice, kind=Kind.CALLBACK, team=Team.REGISTRATION,
                          title="Call back", due_at=timezone.now() + timedelta(hours=1))
    assert item.owner_id is None
    assert work_items_auto_assign_waiting() == 0


@pytest.mark.django_db
def test_switching_it_on_fills_the_team(practice, django_capture_on_commit_callbacks):
    member = staff_user(practice, team=TEAM)
    WorkItemFactory.create_batch(3, practice=practice, team=TEAM)
    with django_capture_on_commit_callbacks(execute=True):
        team_auto_assign_set(practice=practice, team=TEAM, enabled=True)
    assert _held(practice)[member.pk] == 3


@pytest.mark.django_db
def test_another_practices_team_is_never_used(practice, other_practice):
    _team(practice, 1)
    foreign = staff_user(other_practice, team=TEAM)
    WorkItemFactory.create_batch(2, practice=other_practice, team=TEAM)
    TeamSettings.objects.create(practice=other_practice, team=TEAM, auto_assign=True)
    work_items_auto_assign_waiting()
    assert set(WorkItem.objects.filter(practice=other_practice)
               .values_list("owner_id", flat=True)) == {foreign.pk}
    assert not WorkItem.objects.filter(practice=practice).exists()


@pytest.mark.django_db(transaction=True)
def test_eight_assigners_and_claimers_at_once_over_200_items(practice):
    """5 auto-assigners (the beat sweep and new-item fills racing) and 3
    people claiming by hand, each on its own connection."""
    members = _team(practice, 6, capacity=25)  # room for 150 of the 200
    claimers = [staff_user(practice, team=TEAM, name=f"Claimer {i}") for i in range(3)]
    Membership.objects.filter(user__in=claimers).update(is_available=False)
    items = WorkItemFactory.create_batch(200, practice=practice, team=TEAM)
    start = threading.Barrier(8)
    errors = []

    def assigner():
        try:
            start.wait()
            for _ in range(20):
                work_items_fill_team(practice_id=practice.pk, team=TEAM)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    def claimer(user):
        try:
            start.wait()
            for item in random.Random(user.pk).sample(items, 60):
                # someone else may have it: refused, exactly what must happen
                with contextlib.suppress(WorkItemError):
                    work_item_claim(item=WorkItem.objects.get(pk=item.pk), user=user)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=assigner) for _ in range(5)] + \
              [threading.Thread(target=claimer, args=(u,)) for u in claimers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []

    held = _held(practice)
    assert all(held[m.pk] <= 25 for m in members), held
    assert WorkItem.objects.filter(practice=practice, status=Status.CLAIMED).count() == \
        sum(held.values())
    # each item has at most one owner and exactly one claim or assignment event
    taken = WorkItemEvent.objects.filter(practice=practice, action__in=["claimed", "assigned"])
    per_item = Counter(taken.values_list("work_item_id", flat=True))
    assert set(per_item.values()) <= {1}
    assert len(per_item) == sum(held.values())
    # everything is taken: the members' 150 places fill, the claimers took what they could
    open_left = WorkItem.objects.filter(practice=practice, status=Status.OPEN).count()
    members_full = sum(held[m.pk] for m in members) == 150
    assert members_full or open_left == 0
