"""Every change to a work item goes through here, with its event row.

Ownership is decided by the database: a claim is a conditional UPDATE that
only succeeds on an open row, so of two people claiming at once exactly one
wins, whatever the number of web processes.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from vpm.practices.models import Membership

from .models import ACTIVE_STATUSES, Status, WorkItem, WorkItemEvent

Action = WorkItemEvent.Action


class WorkItemError(Exception):
    """A change to a work item that cannot be made; the message is for the user."""


def _event(item, action, actor=None, note="", at=None):
    WorkItemEvent.objects.create(practice_id=item.practice_id, work_item=item, action=action,
                                 actor=actor, note=note[:300], at=at or timezone.now())


@transaction.atomic
def work_item_open_or_update(*, practice, kind, source, team, title, due_at,
                             urgency=None, patient=None, detail="") -> WorkItem:
    """Open the item for (kind, source), or refresh the one already active.

    Safe to call on every sweep: the partial unique constraint keeps one active
    item per source even when two sweeps race.
    """
    source_type = ContentType.objects.get_for_model(source)
    key = dict(practice=practice, kind=kind, source_type=source_type, source_id=str(source.pk))
    fields = dict(team=team, title=title, due_at=due_at, patient=patient, detail=detail)
    if urgency is not None:
        fields["urgency"] = urgency
    item = WorkItem.objects.select_for_update().filter(**key, status__in=ACTIVE_STATUSES).first()
    if item is None:
        try:
            with transaction.atomic():
                item = WorkItem.objects.create(**key, **fields)
                _event(item, Action.OPENED)
                return item
        except IntegrityError:
            # Another process opened it a moment ago: update that one.
            item = WorkItem.objects.select_for_update().get(**key, status__in=ACTIVE_STATUSES)
    changed = [name for name, value in fields.items() if getattr(item, name) != value]
    if changed:
        for name in changed:
            setattr(item, name, fields[name])
        item.is_overdue = item.is_overdue and item.due_at <= timezone.now()
        item.save(update_fields=[*changed, "is_overdue", "updated_at"])
        _event(item, Action.UPDATED, note=", ".join(changed))
    return item


def work_item_open(*, practice, kind, team, title, due_at, urgency=None, patient=None,
                   detail="", actor=None) -> WorkItem:
    """Open a one-off item that has no source object (e.g. a callback)."""
    fields = dict(practice=practice, kind=kind, team=team, title=title, due_at=due_at,
                  patient=patient, detail=detail)
    if urgency is not None:
        fields["urgency"] = urgency
    with transaction.atomic():
        item = WorkItem.objects.create(**fields)
        _event(item, Action.OPENED, actor=actor)
    return item


def _change(item, *, allowed_from, actor, action, note="", only_if=None, **changes) -> WorkItem:
    """Apply `changes` only if the row is still in one of `allowed_from`
    (and still matches `only_if`, e.g. still owned by the actor).

    The WHERE clause is the lock: Postgres re-checks it against the committed
    row, so a concurrent change makes this one match nothing.
    """
    now = timezone.now()
    with transaction.atomic():
        updated = WorkItem.objects.filter(
            pk=item.pk, practice_id=item.practice_id, status__in=allowed_from, **(only_if or {})
        ).update(**changes, updated_at=now)
        if not updated:
            item.refresh_from_db()
            raise WorkItemError(_refusal(item, actor))
        _event(item, action, actor=actor, note=note, at=now)
    item.refresh_from_db()
    return item


def _refusal(item, actor) -> str:
    if item.status == Status.CLAIMED:
        who = "you" if actor and item.owner_id == actor.pk else item.owner.display_name
        return f"Already claimed by {who}."
    return f"This item is {item.get_status_display().lower()}; refresh the queue."


def work_item_claim(*, item, user) -> WorkItem:
    return _change(item, allowed_from=[Status.OPEN], actor=user, action=Action.CLAIMED,
                   status=Status.CLAIMED, owner=user, claimed_at=timezone.now(),
                   snoozed_until=None)


def work_item_assign(*, item, assignee, actor) -> WorkItem:
    is_member = Membership.objects.filter(practice_id=item.practice_id, user=assignee,
                                          is_active=True).exists()
    if not is_member:
        raise WorkItemError("That person is not on this practice's staff.")
    return _change(item, allowed_from=[Status.OPEN, Status.CLAIMED, Status.SNOOZED],
                   actor=actor, action=Action.ASSIGNED, note=assignee.display_name,
                   status=Status.CLAIMED, owner=assignee, claimed_at=timezone.now(),
                   snoozed_until=None)


def work_item_release(*, item, actor, is_manager=False) -> WorkItem:
    if item.owner_id != actor.pk and not is_manager:
        raise WorkItemError("Only the owner or a manager can release this item.")
    # Checked again in the UPDATE: the item may have been reassigned since it was read.
    only_if = None if is_manager else {"owner_id": actor.pk}
    return _change(item, allowed_from=[Status.CLAIMED], actor=actor, action=Action.RELEASED,
                   only_if=only_if, status=Status.OPEN, owner=None, claimed_at=None)


def work_items_release_all_held_by(*, practice, user, actor) -> int:
    """Give back every active item `user` holds in `practice` (they left the
    practice): claimed ones return to their team's queue, snoozed ones lose
    their owner and come back to the team when they wake. Returns the count."""
    held = WorkItem.objects.for_practice(practice).filter(
        owner=user, status__in=[Status.CLAIMED, Status.SNOOZED])
    released = 0
    for item in held:
        reopen = {"status": Status.OPEN} if item.status == Status.CLAIMED else {}
        try:
            _change(item, allowed_from=[item.status], only_if={"owner_id": user.pk},
                    actor=actor, action=Action.RELEASED, note=f"{user.display_name} left",
                    owner=None, claimed_at=None, **reopen)
        except WorkItemError:
            continue  # changed by someone else a moment ago: no longer theirs to give back
        released += 1
    return released


def work_item_snooze(*, item, actor, until, reason="") -> WorkItem:
    if until <= timezone.now():
        raise WorkItemError("Choose a time in the future to snooze until.")
    return _change(item, allowed_from=[Status.OPEN, Status.CLAIMED], actor=actor,
                   action=Action.SNOOZED, note=reason, status=Status.SNOOZED,
                   snoozed_until=until)


def work_item_close(*, item, actor, outcome, cancelled=False) -> WorkItem:
    outcome = (outcome or "").strip()
    if not outcome:
        raise WorkItemError("Say what was done (the outcome) before closing.")
    return _change(item, allowed_from=ACTIVE_STATUSES, actor=actor, action=Action.CLOSED,
                   note=outcome, status=Status.CANCELLED if cancelled else Status.DONE,
                   outcome=outcome[:300], closed_at=timezone.now(), snoozed_until=None)


def work_item_close_for_source(*, practice, kind, source, outcome) -> int:
    """Close the active item for a source when its cause is gone (e.g. channel verified)."""
    source_type = ContentType.objects.get_for_model(source)
    items = WorkItem.objects.for_practice(practice).active().filter(
        kind=kind, source_type=source_type, source_id=str(source.pk))
    closed = 0
    for item in items:
        try:
            work_item_close(item=item, actor=None, outcome=outcome)
            closed += 1
        except WorkItemError:
            pass
    return closed


# --- Sweeps: set-based, and safe to run any number of times ---------------

_FLAG_OVERDUE_SQL = """
WITH flagged AS (
    UPDATE queue_workitem SET is_overdue = TRUE, updated_at = %(now)s
    WHERE status IN ('open', 'claimed') AND is_overdue = FALSE AND due_at < %(now)s
    RETURNING id, practice_id
)
INSERT INTO queue_workitemevent (practice_id, work_item_id, action, note, at)
SELECT practice_id, id, 'overdue', '', %(now)s FROM flagged
"""

_WAKE_SNOOZED_SQL = """
WITH woken AS (
    UPDATE queue_workitem
    SET status = CASE WHEN owner_id IS NULL THEN 'open' ELSE 'claimed' END,
        snoozed_until = NULL, updated_at = %(now)s
    WHERE status = 'snoozed' AND snoozed_until <= %(now)s
    RETURNING id, practice_id
)
INSERT INTO queue_workitemevent (practice_id, work_item_id, action, note, at)
SELECT practice_id, id, 'woken', '', %(now)s FROM woken
"""


def _run_sweep(sql, now=None) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, {"now": now or timezone.now()})
        return cursor.rowcount


def work_items_flag_overdue(*, now=None) -> int:
    """Flag every active item past its due time, once. Returns how many were flagged."""
    return _run_sweep(_FLAG_OVERDUE_SQL, now)


def work_items_wake_snoozed(*, now=None) -> int:
    """Bring back snoozed items whose time has come, to their owner if they had one."""
    return _run_sweep(_WAKE_SNOOZED_SQL, now)


# --- Waiting on the patient: the response clock pauses ----------------------

def work_item_wait_on_patient(*, item, actor, reason, is_manager=False) -> WorkItem:
    """Put the item on hold until the patient answers; its clock stops.

    What was left of the response time is kept (in the target's own clock:
    business or plain time) and given back on resume. An item already
    overdue stays overdue: nothing is left to keep.
    """
    from . import sla

    reason = (reason or "").strip()
    if not reason:
        raise WorkItemError("Say what you are waiting for from the patient.")
    _check_may_act_on_held(item, actor, is_manager, verb="put on hold")
    now = timezone.now()
    target = sla.target_for(practice=item.practice, kind=item.kind, urgency=item.urgency)
    left = sla.time_left(practice=item.practice, target=target, now=now, due_at=item.due_at)
    return _change(item, allowed_from=[Status.OPEN, Status.CLAIMED], actor=actor,
                   action=Action.WAITING, note=reason, only_if={"owner_id": item.owner_id},
                   status=Status.WAITING, waiting_reason=reason[:200], waiting_since=now,
                   clock_left_seconds=int(left))


def work_item_resume(*, item, actor=None, note="Resumed") -> WorkItem:
    """Start the clock again: the item is due what was left of its time after now."""
    from . import sla

    if item.status != Status.WAITING:
        raise WorkItemError("This item is not waiting on the patient.")
    now = timezone.now()
    changes = {"status": Status.CLAIMED if item.owner_id else Status.OPEN,
               "waiting_reason": "", "waiting_since": None, "clock_left_seconds": None}
    left = item.clock_left_seconds or 0
    if left > 0:
        target = sla.target_for(practice=item.practice, kind=item.kind, urgency=item.urgency)
        changes["due_at"] = sla.deadline_for(practice=item.practice, target=target, start=now,
                                             seconds=left)
        changes["is_overdue"] = False
    return _change(item, allowed_from=[Status.WAITING], actor=actor, action=Action.RESUMED,
                   note=note, only_if={"waiting_since": item.waiting_since}, **changes)


def work_items_resume_for_patient(*, practice, patient, note="The patient answered") -> int:
    """The patient answered (a message, a form, a call): every item of theirs
    that waited on them runs again. Returns how many resumed."""
    waiting = WorkItem.objects.for_practice(practice).filter(patient=patient,
                                                             status=Status.WAITING)
    resumed = 0
    for item in waiting.select_related("practice"):
        try:
            work_item_resume(item=item, note=note)
        except WorkItemError:
            continue  # resumed by someone else a moment ago
        resumed += 1
    return resumed


def _check_may_act_on_held(item, actor, is_manager, *, verb):
    """A colleague's claimed item is theirs: only they or a manager may
    close, snooze or hold it (anyone else takes it over first)."""
    if item.status == Status.CLAIMED and item.owner_id != getattr(actor, "pk", None) \
            and not is_manager:
        raise WorkItemError(f"{item.owner.display_name} has this item: only they or a "
                            f"manager can {verb} it. Take it over first if you need to.")
