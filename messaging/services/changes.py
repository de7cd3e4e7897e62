"""Staff changes to threads: one-click corrections of the triage (stored with
the rule that misfired), matching an unknown sender to a patient, merging two
threads and splitting a message out again, and refill status changes."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from messaging.models import (
    TEAM_CHOICES,
    TOPIC_CHOICES,
    URGENCY_RANK,
    Message,
    RefillRequest,
    Thread,
    TriageCorrection,
)
from messaging.selectors import triage_routing_for_practice
from messaging.triage import DEFAULT_TEAM_MAP

from .threads import _close_work_item, _due_for, _require_open, _sync_work_item, note_add

FIELD_CHOICES = {
    "urgency": dict(URGENCY_RANK),
    "topic": dict(TOPIC_CHOICES),
    "team": dict(TEAM_CHOICES),
}


def _latest_triage(thread) -> tuple[Message | None, dict]:
    message = (thread.messages.filter(direction=Message.Direction.INBOUND)
               .exclude(triage=None).order_by("-created_at", "-id").first())
    return message, (message.triage if message else {}) or {}


@transaction.atomic
def thread_correct(*, thread, actor, field, value) -> TriageCorrection:
    """Change the thread's urgency, topic or team, and remember which rule
    decided the old value, so the correction can become a test case (M2)."""
    if field not in FIELD_CHOICES:
        raise ValidationError({"field": "Correct the urgency, the topic or the team."})
    if value not in FIELD_CHOICES[field]:
        raise ValidationError({"value": f"Choose a {field} from the list."})
    thread = Thread.objects.select_for_update().select_related("practice").get(pk=thread.pk)
    _require_open(thread, "corrected")
    old = getattr(thread, field)
    if old == value:
        raise ValidationError({"value": f"The {field} is already {value.replace('_', ' ')}."})
    message, triage = _latest_triage(thread)
    rule = triage.get("urgency_rule" if field == "urgency" else "topic_rule") or ""
    correction = TriageCorrection.objects.create(
        practice=thread.practice, thread=thread, message=message, field=field, from_value=old,
        to_value=value, rule_id=rule, rules_version=triage.get("rules_version", "")[:32],
        corrected_by=actor)
    _apply(thread, field, value)
    return correction


def _apply(thread, field, value):
    fields = [field]
    setattr(thread, field, value)
    if field == "urgency":
        thread.urgency_rank = URGENCY_RANK[value]
        fields.append("urgency_rank")
        if thread.respond_by is not None:
            # Still unanswered: the answer is due by the new urgency's target, if sooner.
            thread.respond_by = min(thread.respond_by, _due_for(thread, timezone.now()))
            fields.append("respond_by")
    if field == "topic":
        # The topic decides the team, unless staff corrected the team separately.
        team_map, _targets = triage_routing_for_practice(thread.practice)
        thread.team = {**DEFAULT_TEAM_MAP, **team_map}[value]
        fields.append("team")
    thread.save(update_fields=fields)
    _sync_work_item(thread)


@transaction.atomic
def thread_match_patient(*, thread, patient, actor) -> Thread:
    """An unknown sender turned out to be `patient`: the thread becomes theirs."""
    if patient.practice_id != thread.practice_id:
        raise ValidationError({"patient": "Choose a patient of this practice."})
    thread = Thread.objects.select_for_update().select_related("practice").get(pk=thread.pk)
    if thread.patient_id is not None:
        raise ValidationError("This thread already belongs to a patient.")
    thread.patient, thread.language = patient, patient.preferred_language
    thread.save(update_fields=["patient", "language"])
    note_add(thread=thread, author=actor,
             body=f"Matched to {patient.full_name} (the message came from {thread.unknown_sender}).")
    _sync_work_item(thread)
    return thread


@transaction.atomic
def thread_merge(*, source, target, actor) -> Thread:
    """Move every message of `source` into `target` (the same patient's
    conversation about one thing), close source's queue item. Reversible
    message by message with `message_split`."""
    if source.pk == target.pk:
        raise ValidationError({"target": "Choose another thread to merge into."})
    locked = {t.pk: t for t in Thread.objects.select_for_update()
              .select_related("practice").filter(pk__in=[source.pk, target.pk]).order_by("pk")}
    source, target = locked[source.pk], locked[target.pk]
    if source.practice_id != target.practice_id or source.patient_id != target.patient_id:
        raise ValidationError({"target": "Only two threads of the same patient can be merged."})
    _require_open(source, "merged")
    _require_open(target, "merged into")
    source.messages.update(thread=target)
    source.refills.update(thread=target)
    _take_over(target, source)
    source.status, source.merged_into = Thread.Status.MERGED, target
    source.save(update_fields=["status", "merged_into"])
    _close_work_item(source, actor=actor, outcome="Merged into another thread")
    note_add(thread=target, author=actor, body="Another thread of this patient was merged in.")
    return target


def _take_over(target, source):
    """The merged thread keeps the more urgent urgency and the earlier answer time."""
    if source.urgency_rank < target.urgency_rank:
        target.urgency, target.urgency_rank, target.team = \
            source.urgency, source.urgency_rank, source.team
    if source.respond_by and (target.respond_by is None or source.respond_by < target.respond_by):
        target.respond_by = source.respond_by
    target.created_at = min(target.created_at, source.created_at)
    target.last_message_at = max(target.last_message_at, source.last_message_at)
    target.save(update_fields=["urgency", "urgency_rank", "team", "respond_by", "created_at",
                               "last_message_at"])
    _sync_work_item(target)


@transaction.atomic
def message_split(*, message, actor) -> Thread:
    """Take one message out of its thread into a thread (and queue item) of its own."""
    thread = Thread.objects.select_for_update().select_related("practice") \
        .get(pk=message.thread_id)
    _require_open(thread, "split")
    if message.direction != Message.Direction.INBOUND:
        raise ValidationError("Only a message from the patient can be split out.")
    if thread.messages.filter(direction=Message.Direction.INBOUND).count() < 2:
        raise ValidationError("This is the thread's only message from the patient.")
    triage = message.triage or {}
    urgency = triage.get("urgency", thread.urgency)
    new = Thread.objects.create(
        practice=thread.practice, patient=thread.patient, unknown_sender=thread.unknown_sender,
        subject=" ".join(message.body.split())[:80], topic=triage.get("topic", thread.topic),
        urgency=urgency, urgency_rank=URGENCY_RANK[urgency],
        team=triage.get("team", thread.team), language=thread.language,
        created_at=message.created_at, last_message_at=message.created_at,
        respond_by=thread.respond_by or timezone.now())
    Message.objects.filter(pk=message.pk).update(thread=new)
    note_add(thread=thread, author=actor, body="A message was split out into its own thread.")
    _sync_work_item(new)
    return new


REFILL_NEXT = {
    RefillRequest.Status.RECEIVED: {RefillRequest.Status.SENT_TO_PROVIDER,
                                    RefillRequest.Status.DENIED},
    RefillRequest.Status.SENT_TO_PROVIDER: {RefillRequest.Status.APPROVED,
                                            RefillRequest.Status.DENIED},
    RefillRequest.Status.APPROVED: {RefillRequest.Status.SENT_TO_PHARMACY},
}


@transaction.atomic
def refill_status_set(*, refill, status, actor, note_to_patient="") -> RefillRequest:
    """Move a refill request one step on; the patient sees the new status at once."""
    refill = RefillRequest.objects.select_for_update().select_related("thread") \
        .get(pk=refill.pk)
    if status not in REFILL_NEXT.get(refill.status, set()):
        allowed = ", ".join(RefillRequest.Status(s).label.lower()
                            for s in sorted(REFILL_NEXT.get(refill.status, set())))
        raise ValidationError({"status": f"A request that is "
                                         f"{refill.get_status_display().lower()} can only become: "
                                         f"{allowed or 'nothing (it is finished)'}."})
    refill.status, refill.status_changed_by = status, actor
    refill.status_changed_at = timezone.now()
    refill.note_to_patient = (note_to_patient or "").strip()[:300]
    refill.save(update_fields=["status", "status_changed_by", "status_changed_at",
                               "note_to_patient"])
    return refill


@transaction.atomic
def refill_medication_set(*, refill, medication) -> RefillRequest:
    refill.medication = (medication or "").strip()[:200]
    refill.save(update_fields=["medication"])
    return refill
