"""Every change to a work item goes through here, with its event row.

Ownership is decided by the database: a claim is a conditional UPDATE that
only succeeds on an open row, so of two people claiming at once exactly one
wins, whatever the number of web processes.
"""

import time

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from vpm.practices.models import Membership

from .models import ACTIVE_STATUSES, Status, Urgency, WorkItem, WorkItemEvent

Action = WorkItemEvent.Action


class WorkItemError(Exception):
    """A change to a work item that cannot be made; the message is for the user."""


def _event(item, action, actor=None, note="", at=None):
    WorkItemEvent.objects.create(practice_id=item.practice_id, work_item=item, action=action,
                                 actor=actor, note=note[:300], at=at or timezone.now())


@transaction.atomic
def work_item_open_or_update(*, practice, kind, source, team, title, due_at=None,
                             urgency=None, patient=None, detail="") -> WorkItem:
    """Open the item for (kind, source), or refresh the one already active.

    Without `due_at` the item is due by the practice's response target for
    its kind and urgency (vpm.queue.sla), counted from now.

    Safe to call on every sweep: the partial unique constraint keeps one active
    item per source even when two sweeps race.
    """
    source_type = ContentType.objects.get_for_model(source)
    key = dict(practice=practice, kind=kind, source_type=source_type, source_id=str(source.pk))
    fields = dict(team=team, title=title, patient=patient, detail=detail)
    if urgency is not None:
        fields["urgency"] = urgency
    if due_at is not None:
        fields["due_at"] = due_at
    item = WorkItem.objects.select_for_update().filter(**key, status__in=ACTIVE_STATUSES).first()
    if item is None:
        fields.setdefault("due_at", _target_due_at(practice, kind, fields.get("urgency")))
        try:
            with transaction.atomic():
                item = WorkItem.objects.create(**key, **fields)
                _event(item, Action.OPENED)
            _auto_assign(item)
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


def work_item_open(*, practice, kind, team, title, due_at=None, urgency=None, patient=None,
                   detail="", actor=None) -> WorkItem:
    """Open a one-off item that has no source object (e.g. a callback)."""
    fields = dict(practice=practice, kind=kind, team=team, title=title,
                  due_at=due_at or _target_due_at(practice, kind, urgency),
                  patient=patient, detail=detail)
    if urgency is not None:
        fields["urgency"] = urgency
    with transaction.atomic():
        item = WorkItem.objects.create(**fields)
        _event(item, Action.OPENED, actor=actor)
        _auto_assign(item)
    return item


def _auto_assign(item):
    """A new item of a team with auto-assignment goes to someone at once."""
    from .assignment import team_auto_assigns, work_items_fill_team

    if team_auto_assigns(practice_id=item.practice_id, team=item.team) and \
            work_items_fill_team(practice_id=item.practice_id, team=item.team):
        item.refresh_from_db()


def _refill_later(item):
    """Capacity freed (an item closed or released): fill the team after commit."""
    from .assignment import team_auto_assigns, work_items_fill_team

    if team_auto_assigns(practice_id=item.practice_id, team=item.team):
        transaction.on_commit(lambda: work_items_fill_team(practice_id=item.practice_id,
                                                           team=item.team))


def _target_due_at(practice, kind, urgency):
    from . import sla

    urgency = Urgency.ROUTINE if urgency is None else urgency
    return sla.due_at_for(practice=practice, kind=kind, urgency=urgency, start=timezone.now())


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


def work_item_assign(*, item, assignee, actor, is_manager=False, note="") -> WorkItem:
    """Give an item to a member. Staff may hand out an unowned item or their
    own; a colleague's item is taken over (`work_item_take_over`) or moved by
    a manager."""
    is_member = Membership.objects.filter(practice_id=item.practice_id, user=assignee,
                                          is_active=True).exists()
    if not is_member:
        raise WorkItemError("That person is not on this practice's staff.")
    held_by_other = item.owner_id and item.owner_id != getattr(actor, "pk", None)
    if held_by_other and not is_manager:
        raise WorkItemError(f"{item.owner.display_name} has this item: take it over (with a "
                            "reason) or ask a manager to reassign it.")
    return _change(item, allowed_from=[Status.OPEN, Status.CLAIMED, Status.SNOOZED],
                   actor=actor, action=Action.ASSIGNED, note=note or assignee.display_name,
                   only_if={"owner_id": item.owner_id},
                   status=Status.CLAIMED, owner=assignee, claimed_at=timezone.now(),
                   snoozed_until=None)


def work_item_take_over(*, item, actor, reason) -> WorkItem:
    """Take a colleague's item, visibly: a reason is required and recorded
    (the colleague may be off sick, or the patient is on the phone now)."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkItemError("Say why you are taking this item over.")
    if not item.owner_id:
        raise WorkItemError("Nobody holds this item: claim it instead.")
    if item.owner_id == actor.pk:
        raise WorkItemError("You already hold this item.")
    previous, previous_id = item.owner.display_name, item.owner_id
    status = Status.CLAIMED if item.status == Status.SNOOZED else item.status
    with transaction.atomic():  # the change and the notice to its owner, or neither
        item = _change(item, allowed_from=[Status.CLAIMED, Status.SNOOZED, Status.WAITING],
                       actor=actor, action=Action.TAKEN_OVER, note=f"From {previous}: {reason}",
                       only_if={"owner_id": item.owner_id}, status=status, owner=actor,
                       claimed_at=timezone.now(), snoozed_until=None)
        _tell_previous_owner(item, previous_id=previous_id, actor=actor, reason=reason)
    return item


def _tell_previous_owner(item, *, previous_id, actor, reason):
    """The person whose item was taken sees it on their queue page (in-app notice)."""
    from .models import StaffNotice

    StaffNotice.objects.bulk_create(
        [StaffNotice(practice_id=item.practice_id, user_id=previous_id, work_item=item,
                     kind=StaffNotice.Kind.TAKEN_OVER, read_at=None, created_at=timezone.now(),
                     text=f"{actor.display_name} took over {item.title}: {reason}"[:300])],
        update_conflicts=True, unique_fields=["work_item", "user", "kind"],
        update_fields=["text", "created_at", "read_at"])


def work_item_release(*, item, actor, is_manager=False) -> WorkItem:
    if item.status != Status.CLAIMED:
        raise WorkItemError("Nobody holds this item now: it is already back in the queue."
                            if item.status == Status.OPEN else _refusal(item, actor))
    if item.owner_id != actor.pk and not is_manager:
        raise WorkItemError(f"Only {item.owner.display_name} or a manager can release this "
                            "item.")
    # Checked again in the UPDATE: the item may have been reassigned since it was read.
    only_if = None if is_manager else {"owner_id": actor.pk}
    item = _change(item, allowed_from=[Status.CLAIMED], actor=actor, action=Action.RELEASED,
                   only_if=only_if, status=Status.OPEN, owner=None, claimed_at=None)
    _refill_later(item)
    return item


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


def work_item_snooze(*, item, actor, until, reason="", is_manager=False) -> WorkItem:
    if until <= timezone.now():
        raise WorkItemError("Choose a time in the future to snooze until.")
    _check_may_act_on_held(item, actor, is_manager, verb="snooze")
    return _change(item, allowed_from=[Status.OPEN, Status.CLAIMED], actor=actor,
                   only_if={"owner_id": item.owner_id},
                   action=Action.SNOOZED, note=reason, status=Status.SNOOZED,
                   snoozed_until=until)


def work_item_close(*, item, actor, outcome, cancelled=False, is_manager=False) -> WorkItem:
    """Close with what was done. Closing records the outcome only: it does
    not change the patient's record (a verified address, a refill) itself."""
    outcome = (outcome or "").strip()
    if not outcome:
        raise WorkItemError("Say what was done (the outcome) before closing.")
    if actor is not None:  # a workflow closing an item whose cause is gone acts for everyone
        _check_may_act_on_held(item, actor, is_manager, verb="close")
    item = _change(item, allowed_from=ACTIVE_STATUSES, actor=actor, action=Action.CLOSED,
                   only_if={"owner_id": item.owner_id} if actor is not None else None,
                   note=outcome, status=Status.CANCELLED if cancelled else Status.DONE,
                   outcome=outcome[:300], closed_at=timezone.now(), snoozed_until=None)
    _refill_later(item)
    return item


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


# --- Sweeps: set-based, in batches, and safe to run any number of times ---

# Each batch is its own short transaction, so no row stays locked for long
# (2,000 rows take a few tens of milliseconds) and web requests that claim or
# close an item never wait behind a sweep catching up after an outage.
# ORDER BY due_at makes Postgres walk the partial index in order: a plain
# index scan marks the dead entries that earlier batches left behind, so a
# sweep that finds nothing stays a few index pages (no bitmap over them).
SWEEP_BATCH = 500  # rows locked per transaction: ~0.1-0.3 s a batch at 1.5 M items, under load

_FLAG_OVERDUE_SQL = """
WITH batch AS (
    SELECT id FROM queue_workitem
    WHERE status IN ('open', 'claimed') AND is_overdue = FALSE AND due_at < %(now)s
    ORDER BY due_at LIMIT %(limit)s FOR UPDATE SKIP LOCKED
), flagged AS (
    UPDATE queue_workitem AS item SET is_overdue = TRUE, updated_at = %(now)s
    FROM batch WHERE item.id = batch.id
    RETURNING item.id, item.practice_id
)
INSERT INTO queue_workitemevent (practice_id, work_item_id, action, note, at)
SELECT practice_id, id, 'overdue', '', %(now)s FROM flagged
"""

_WAKE_SNOOZED_SQL = """
WITH batch AS (
    SELECT id FROM queue_workitem
    WHERE status = 'snoozed' AND snoozed_until <= %(now)s
    ORDER BY snoozed_until LIMIT %(limit)s FOR UPDATE SKIP LOCKED
), woken AS (
    UPDATE queue_workitem AS item
    SET status = CASE WHEN item.owner_id IS NULL THEN 'open' ELSE 'claimed' END,
        snoozed_until = NULL, updated_at = %(now)s
    FROM batch WHERE item.id = batch.id
    RETURNING item.id, item.practice_id
)
INSERT INTO queue_workitemevent (practice_id, work_item_id, action, note, at)
SELECT practice_id, id, 'woken', '', %(now)s FROM woken
"""


def _run_sweep(sql, now=None, limit=SWEEP_BATCH, batch_times=None) -> int:
    """Run one batched statement until a batch comes back short.
    `batch_times` (a list) collects each batch's transaction time: how long
    its row locks were held (the benchmark reports the longest)."""
    now = now or timezone.now()
    total = 0
    while True:
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, {"now": now, "limit": limit})
            done = cursor.rowcount
        if batch_times is not None:
            batch_times.append(time.perf_counter() - started)
        total += done
        if done < limit:
            return total


def work_items_flag_overdue(*, now=None, batch=SWEEP_BATCH, batch_times=None) -> int:
    """Flag every active item past its due time, once. Returns how many were flagged."""
    return _run_sweep(_FLAG_OVERDUE_SQL, now, batch, batch_times)


def work_items_wake_snoozed(*, now=None, batch=SWEEP_BATCH) -> int:
    """Bring back snoozed items whose time has come, to their owner if they had one."""
    return _run_sweep(_WAKE_SNOOZED_SQL, now, batch)


_ESCALATE_SQL = """
WITH batch AS (
    SELECT item.id FROM queue_workitem AS item
    LEFT JOIN queue_queuesettings AS settings ON settings.practice_id = item.practice_id
    WHERE item.status IN ('open', 'claimed') AND item.is_overdue AND item.escalated_at IS NULL
      AND item.due_at < %(now)s - make_interval(
          mins => COALESCE(settings.escalate_after_minutes, %(default_minutes)s))
    ORDER BY item.due_at LIMIT %(limit)s FOR UPDATE OF item SKIP LOCKED
), escalated AS (
    UPDATE queue_workitem AS item SET escalated_at = %(now)s, updated_at = %(now)s
    FROM batch WHERE item.id = batch.id
    RETURNING item.id, item.practice_id
), events AS (
    INSERT INTO queue_workitemevent (practice_id, work_item_id, action, note, at)
    SELECT practice_id, id, 'escalated', '', %(now)s FROM escalated
)
SELECT id, practice_id FROM escalated
"""
ESCALATE_DEFAULT_MINUTES = 60


def work_items_escalate(*, now=None, batch=500) -> int:
    """Tell the managers about items overdue by more than their practice's
    limit: an in-app notice per item and one email per manager and batch.

    `escalated_at` is set in the same transaction as the notices and emails
    are written, so however often this runs (or races), each item escalates once.
    """
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(_ESCALATE_SQL, {"now": now, "limit": batch,
                                               "default_minutes": ESCALATE_DEFAULT_MINUTES})
                rows = cursor.fetchall()
            _notify_managers_of_escalation(rows, now)
        total += len(rows)
        if len(rows) < batch:
            return total


def _notify_managers_of_escalation(rows, now):
    from vpm.practices.models import Practice

    by_practice = {}
    for item_id, practice_id in rows:
        by_practice.setdefault(practice_id, []).append(item_id)
    for practice_id, item_ids in by_practice.items():
        practice = Practice.objects.get(pk=practice_id)
        with timezone.override(practice.timezone):  # times in the practice's own clock
            _notify_practice_managers(practice, item_ids)


def _notify_practice_managers(practice, item_ids):
    from vpm.notify.models import OutboundMessage
    from vpm.notify.services import message_queue
    from vpm.practices.models import Role

    from .models import StaffNotice

    items = list(WorkItem.objects.for_practice(practice).filter(pk__in=item_ids)
                 .order_by("due_at").only("id", "title", "kind", "team", "due_at"))
    managers = [m.user for m in Membership.objects.filter(
        practice=practice, role=Role.MANAGER, is_active=True).select_related("user")]
    StaffNotice.objects.bulk_create([
        StaffNotice(practice=practice, user=manager, work_item=item,
                    kind=StaffNotice.Kind.ESCALATED,
                    text=f"Overdue since {timezone.localtime(item.due_at):%b %d %H:%M}: "
                         f"{item.title}"[:300])
        for manager in managers for item in items
    ], ignore_conflicts=True)
    # One email per manager and batch; the key names the batch's first item,
    # which can escalate only once, so a retried batch cannot email twice.
    for manager in managers:
        message_queue(practice=practice, patient=None, channel=OutboundMessage.Channel.EMAIL,
                      to=manager.email, template="queue_escalated",
                      context={"items": items[:50], "count": len(items), "manager": manager},
                      idempotency_key=f"escalated:{manager.pk}:{min(item_ids)}")


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


def work_item_resume(*, item, actor=None, note="Resumed", is_manager=False) -> WorkItem:
    """Start the clock again: the item is due what was left of its time after now.
    Without an actor, the patient answered (anyone's item resumes)."""
    from . import sla

    if item.status != Status.WAITING:
        raise WorkItemError("This item is not waiting on the patient.")
    if actor is not None:
        _check_may_act_on_held(item, actor, is_manager, verb="resume")
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
    """A colleague's item is theirs: only they or a manager may close,
    snooze or hold it (anyone else takes it over first, with a reason)."""
    if item.owner_id and item.owner_id != getattr(actor, "pk", None) and not is_manager:
        raise WorkItemError(f"{item.owner.display_name} has this item: only they or a "
                            f"manager can {verb} it. Take it over first if you need to.")


# --- Queue settings a manager keeps ------------------------------------------

@transaction.atomic
def sla_targets_save(*, practice, targets: dict, escalate_after_minutes: int) -> int:
    """Store the practice's targets: a row only where it differs from the
    shipped default (so improving a default reaches every practice that kept
    it). Items already open keep their due times. Returns how many differ."""
    from . import sla
    from .models import QueueSettings, SlaTarget

    SlaTarget.objects.for_practice(practice).delete()
    own = [SlaTarget(practice=practice, kind=kind, urgency=urgency, minutes=target.minutes,
                     business_hours=target.business_hours)
           for (kind, urgency), target in targets.items()
           if target != sla.default_target(kind, urgency)]
    SlaTarget.objects.bulk_create(own)
    QueueSettings.objects.update_or_create(
        practice=practice, defaults={"escalate_after_minutes": escalate_after_minutes})
    return len(own)


def closed_day_add(*, practice, day, reason=""):
    from vpm.practices.models import ClosedDay

    if ClosedDay.objects.for_practice(practice).filter(date=day).exists():
        raise WorkItemError(f"{day:%b %d, %Y} is already a closed day.")
    try:
        with transaction.atomic():
            return ClosedDay.objects.create(practice=practice, date=day, reason=reason.strip())
    except IntegrityError:
        raise WorkItemError(f"{day:%b %d, %Y} is already a closed day.") from None


def work_items_reassign(*, practice, item_ids, assignee, actor) -> tuple[int, int]:
    """A manager's bulk reassignment. Returns (moved, skipped): an item closed
    or changed a moment ago is skipped, never forced."""
    moved = skipped = 0
    items = WorkItem.objects.for_practice(practice).filter(pk__in=item_ids) \
        .select_related("owner")
    for item in items:
        try:
            work_item_assign(item=item, assignee=assignee, actor=actor, is_manager=True)
            moved += 1
        except WorkItemError:
            skipped += 1
    return moved, skipped + len(set(item_ids)) - moved - skipped
