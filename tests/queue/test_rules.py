"""The page offers exactly what the server allows: every status, owner and
role through `allowed_actions` and through the services themselves."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from tests.factories import WorkItemFactory
from vpm.queue import services
from vpm.queue.models import Status, WorkItem
from vpm.queue.rules import ACTIONS, allowed_actions

pytestmark = pytest.mark.django_db


def _attempt(action, item, actor, is_manager, colleague):
    item = WorkItem.objects.select_related("owner").get(pk=item.pk)  # each try from the stored row
    later = timezone.now() + timedelta(days=1)
    calls = {
        "claim": lambda: services.work_item_claim(item=item, user=actor),
        "release": lambda: services.work_item_release(item=item, actor=actor,
                                                      is_manager=is_manager),
        "take_over": lambda: services.work_item_take_over(item=item, actor=actor, reason="why"),
        "assign": lambda: services.work_item_assign(item=item, assignee=colleague, actor=actor,
                                                    is_manager=is_manager),
        "snooze": lambda: services.work_item_snooze(item=item, actor=actor, until=later,
                                                    is_manager=is_manager),
        "wait": lambda: services.work_item_wait_on_patient(item=item, actor=actor, reason="r",
                                                           is_manager=is_manager),
        "resume": lambda: services.work_item_resume(item=item, actor=actor,
                                                    is_manager=is_manager),
        "close": lambda: services.work_item_close(item=item, actor=actor, outcome="done",
                                                  is_manager=is_manager),
    }
    try:
        with transaction.atomic():
            calls[action]()
            transaction.set_rollback(True)
        return True
    except services.WorkItemError:
        return False


# Every state an item can be in: an open item has no owner, a claimed one
# always has one (a check constraint); the others may or may not.
STATES = [(Status.OPEN, "nobody"), *((Status.CLAIMED, o) for o in ("me", "colleague")),
          *((status, owner) for status in (Status.SNOOZED, Status.WAITING, Status.DONE)
            for owner in ("nobody", "me", "colleague"))]


@pytest.mark.parametrize("status,owner", STATES)
@pytest.mark.parametrize("role", ["staff", "manager"])
def test_offered_actions_are_exactly_the_allowed_ones(practice, staff, manager, colleague,
                                                      status, owner, role):
    actor = staff if role == "staff" else manager
    holder = {"nobody": None, "me": actor, "colleague": colleague}[owner]
    fields = {"status": status, "owner": holder}
    if status == Status.SNOOZED:
        fields["snoozed_until"] = timezone.now() + timedelta(hours=1)
    if status == Status.WAITING:
        fields.update(waiting_since=timezone.now(), waiting_reason="x", clock_left_seconds=60)
    item = WorkItemFactory(practice=practice, **fields)
    offered = allowed_actions(item, user_id=actor.pk, is_manager=role == "manager")
    accepted = {action for action in ACTIONS
                if _attempt(action, item, actor, role == "manager", colleague)}
    assert offered == accepted
