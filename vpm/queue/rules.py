"""Who may do what to one work item: the one statement of the rule.

The services enforce it (and re-check it in their conditional UPDATEs); the
queue page asks `allowed_actions` what to offer, so the page offers exactly
what the server allows. A test walks every status, owner and role through both.

The rule: an item nobody holds is anyone's to claim, assign, snooze, hold or
close. An item a person holds is theirs: only they or a manager release,
reassign, snooze, hold, resume or close it; anyone else takes it over first,
visibly, with a reason that the item's history keeps.
"""

from .models import Status

ACTIONS = ("claim", "release", "take_over", "assign", "snooze", "wait", "resume", "close")


def allowed_actions(item, *, user_id, is_manager) -> frozenset[str]:
    status, owner_id = item.status, item.owner_id
    if status not in (Status.OPEN, Status.CLAIMED, Status.SNOOZED, Status.WAITING):
        return frozenset()
    may_handle = not owner_id or owner_id == user_id or is_manager
    allowed = set()
    if status == Status.OPEN:
        allowed.add("claim")
    if status == Status.CLAIMED and (owner_id == user_id or is_manager):
        allowed.add("release")
    if owner_id and owner_id != user_id:
        allowed.add("take_over")
    if may_handle:
        allowed.add("close")
        if status in (Status.OPEN, Status.CLAIMED, Status.SNOOZED):
            allowed.add("assign")
        if status in (Status.OPEN, Status.CLAIMED):
            allowed.update({"snooze", "wait"})
        if status == Status.WAITING:
            allowed.add("resume")
    return frozenset(allowed)
