"""Messages arriving and being answered: one thread per conversation, one
queue item per open thread, the safety net, acknowledgements and the clocks.

Every function here runs in one transaction: a message is stored with its
thread, queue item, contact-log entry and automatic reply, or not at all.
Outbound SMS and email are written as OutboundMessage rows in the same
transaction and sent after commit (vpm.notify), so nothing is sent for a
message that was not stored.
"""

import contextlib
import hashlib
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from messaging import clock
from messaging.acknowledgement import Acknowledgement, acknowledge
from messaging.models import (
    MAX_BODY_CHARS,
    URGENCY_RANK,
    Message,
    RefillRequest,
    Thread,
)
from messaging.selectors import triage_for_practice, triage_routing_for_practice
from messaging.triage import DEFAULT_TEAM_MAP, TOPICS
from vpm.patients.models import Channel as ContactChannel
from vpm.patients.models import ContactAttempt
from vpm.patients.services import contact_attempt_log
from vpm.queue import sla
from vpm.queue.models import Kind, WorkItem
from vpm.queue.models import Status as ItemStatus
from vpm.queue.services import (
    WorkItemError,
    work_item_close,
    work_item_open_or_update,
    work_item_resume,
    work_item_wait_on_patient,
)

from .alerts import on_call_alert, send_to_patient
from .attachments import attachment_store, attachments_check, files_removed_on_rollback

logger = logging.getLogger(__name__)

# What the red-flag "yes" decides, shown to staff like a rule that matched.
RED_FLAG_RULE = "patient_red_flag_answer"
NOT_SURE = ""


@dataclass(frozen=True)
class Received:
    message: Message
    thread: Thread
    acknowledgement: Acknowledgement | None
    joined_open_thread: bool
    replayed: bool = False


def message_body_clean(body) -> str:
    """The text of a message, or a ValidationError the patient can act on."""
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise ValidationError({"body": "Write your message before sending it."})
    if len(body) > MAX_BODY_CHARS:
        raise ValidationError({"body": f"Your message is {len(body):,} characters long; "
                                       f"keep it under {MAX_BODY_CHARS:,} characters."})
    return body


# --- Arriving -------------------------------------------------------------

def message_receive(*, practice, patient, body, channel, sender="", external_id="",
                    topic_picked=NOT_SURE, red_flag_answer="", subject="", recorded_by=None,
                    attachments=(), into_thread=None, now=None) -> Received:
    """Store a message from a patient (or an unknown sender) and do everything it sets off.

    `recorded_by` is the staff member who typed in a phone note or a message
    that came another way: the patient is not sent an automatic reply then.
    A message whose `external_id` (a provider's message id) was stored before
    is a replayed webhook: the stored one is returned and nothing changes.
    `into_thread`: the patient answered in an open thread of theirs; the
    message joins it whatever its topic.
    """
    body = message_body_clean(body)
    checked_attachments = attachments_check(attachments)
    if topic_picked and topic_picked not in TOPICS:
        raise ValidationError({"topic": "Choose one of the topics, or “not sure”."})
    if external_id:
        stored = _already_received(practice, channel, external_id)
        if stored is not None:
            return stored
    now = now or timezone.now()
    decision = _decide(practice, body, topic_picked, red_flag_answer)
    try:
        with files_removed_on_rollback() as saved_files, transaction.atomic():
            return _store_inbound(practice=practice, patient=patient, body=body, channel=channel,
                                  sender=sender, external_id=external_id,
                                  topic_picked=topic_picked, red_flag_answer=red_flag_answer,
                                  subject=subject, recorded_by=recorded_by,
                                  attachments=checked_attachments, saved_files=saved_files,
                                  decision=decision, into_thread=into_thread, now=now)
    except IntegrityError:
        # The same webhook delivered twice at once: the other request stored it.
        stored = _already_received(practice, channel, external_id) if external_id else None
        if stored is None:
            raise
        return stored


def _already_received(practice, channel, external_id) -> Received | None:
    message = (Message.objects.for_practice(practice).select_related("thread")
               .filter(channel=channel, external_id=external_id).first())
    if message is None:
        return None
    return Received(message=message, thread=message.thread, acknowledgement=None,
                    joined_open_thread=True, replayed=True)


@dataclass(frozen=True)
class _Decision:
    urgency: str
    topic: str
    team: str
    triage: dict
    target: sla.Target  # the queue's response target for this urgency


def _decide(practice, body, topic_picked, red_flag_answer) -> _Decision:
    """Urgency from the engine (or the red-flag answer); the patient's topic when they chose one."""
    routing = triage_routing_for_practice(practice)
    result = triage_for_practice(body, practice, routing=routing)
    team_map, _targets = routing
    triage = result.as_dict()
    urgency = result.urgency
    if red_flag_answer == Message.RedFlag.YES:
        # The net that holds when the words do not: "yes" is an emergency whatever the text.
        urgency = "emergency"
        triage["urgency_rule"] = RED_FLAG_RULE
    topic = result.topic if (urgency == "emergency" or not topic_picked) else topic_picked
    if topic != result.topic:
        triage["topic_rule"] = "patient_topic_choice"
    team = {**DEFAULT_TEAM_MAP, **team_map}[topic]
    target = sla.target_for(practice=practice, kind=Kind.PORTAL_MESSAGE,
                            urgency=URGENCY_RANK[urgency])
    triage.update(urgency=urgency, topic=topic, team=team, response_target=target.minutes)
    return _Decision(urgency=urgency, topic=topic, team=team, triage=triage, target=target)


def _store_inbound(*, practice, patient, body, channel, sender, external_id, topic_picked,
                   red_flag_answer, subject, recorded_by, attachments, saved_files, decision,
                   into_thread, now) -> Received:
    if into_thread is not None:
        thread, joined = _open_thread_of(into_thread, patient), True
    else:
        thread, joined = _thread_for(practice=practice, patient=patient, sender=sender,
                                     decision=decision, subject=subject or body, now=now)
    message = Message.objects.create(
        practice=practice, thread=thread, direction=Message.Direction.INBOUND, channel=channel,
        author=recorded_by, body=body, sender=sender[:254], external_id=external_id[:200],
        topic_picked=topic_picked, red_flag_answer=red_flag_answer, triage=decision.triage,
        created_at=now)
    for upload in attachments:
        attachment_store(message=message, upload=upload, saved_files=saved_files)
    newly_due = _thread_on_inbound(thread, decision=decision, now=now)
    _sync_work_item(thread)
    if patient is not None:
        _log_contact(patient=patient, made_by=recorded_by, channel=channel,
                     direction=ContactAttempt.Direction.INBOUND,
                     outcome=ContactAttempt.Outcome.RECEIVED,
                     note=f"Message about {thread.get_topic_display().lower()}", at=now)
        _track_refill(thread, decision, now, new_thread=not joined)
    ack = None
    is_emergency = decision.urgency == "emergency"
    if is_emergency:
        on_call_alert(thread=thread, message=message)
    if newly_due or is_emergency:
        ack = acknowledge(practice=practice, language=thread.language,
                          respond_by=thread.respond_by, is_emergency=is_emergency,
                          channel=channel, now=now)
        if recorded_by is None:
            _auto_reply(thread=thread, message=message, ack=ack, now=now)
    return Received(message=message, thread=thread, acknowledgement=ack,
                    joined_open_thread=joined)


def _thread_for(*, practice, patient, sender, decision, subject, now) -> tuple[Thread, bool]:
    """The open thread this message joins (same patient, same topic: M6), or a new one.

    Two messages arriving together would both find no thread and open two:
    a transaction-scoped advisory lock on (patient or sender, topic) makes
    the second wait for the first and then join its thread.
    """
    _lock_conversation(practice, patient, sender, decision.topic)
    open_threads = Thread.objects.for_practice(practice).open().select_for_update()
    if patient is not None:
        existing = open_threads.filter(patient=patient, topic=decision.topic).first()
    else:
        existing = open_threads.filter(patient__isnull=True, unknown_sender=sender[:254]).first()
    if existing is not None:
        return existing, True
    language = patient.preferred_language if patient else practice.default_language
    thread = Thread.objects.create(
        practice=practice, patient=patient, unknown_sender="" if patient else sender[:254],
        subject=" ".join(subject.split())[:80], topic=decision.topic, urgency=decision.urgency,
        urgency_rank=URGENCY_RANK[decision.urgency], team=decision.team, language=language,
        created_at=now, last_message_at=now)
    return thread, False


def _open_thread_of(thread, patient) -> Thread:
    locked = Thread.objects.select_for_update().get(pk=thread.pk)
    if locked.patient_id != getattr(patient, "pk", None) or not locked.is_open:
        raise ValidationError("This conversation is closed; start a new message instead.")
    return locked


def _lock_conversation(practice, patient, sender, topic):
    who, topic = (patient.pk, topic) if patient else (sender, "")
    key = f"messaging:{practice.pk}:{who}:{topic}"
    digest = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big",
                            signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [digest])


def _thread_on_inbound(thread, *, decision, now) -> bool:
    """Raise the thread's urgency if this message is more urgent (never lower it
    automatically), resume a paused clock, and set when the answer is due.
    Returns whether a new answer time was promised."""
    fields = ["last_message_at"]
    thread.last_message_at = now
    if URGENCY_RANK[decision.urgency] < thread.urgency_rank:
        thread.urgency, thread.urgency_rank = decision.urgency, URGENCY_RANK[decision.urgency]
        thread.team = decision.team
        fields += ["urgency", "urgency_rank", "team"]
    if thread.status == Thread.Status.WAITING:
        _resume_clock(thread, now)
        fields += ["status", "waiting_since", "paused_minutes"]
        _resume_work_item(thread)
    due = _due_for(thread, now, target=decision.target if thread.urgency == decision.urgency
                   else None)
    promised = thread.respond_by is None or due < thread.respond_by
    if promised:
        thread.respond_by = due
        fields.append("respond_by")
    thread.save(update_fields=fields)
    return promised


def _due_for(thread, now, target=None):
    """The queue's response target for a portal message of this urgency (the
    one a manager sets on the queue settings page), on the practice's clock.
    `target`: that target when the caller has already read it."""
    if target is None:
        target = sla.target_for(practice=thread.practice, kind=Kind.PORTAL_MESSAGE,
                                urgency=thread.urgency_rank)
    due = sla.deadline_for(practice=thread.practice, target=target, start=now)
    if thread.topic == "test_result":
        # Result questions are answered the same business day (M4).
        due = min(due, clock.end_of_business_day(practice=thread.practice, start=now))
    return due


def _resume_clock(thread, now):
    if thread.waiting_since is not None:
        thread.paused_minutes += clock.business_minutes_between(
            practice=thread.practice, start=thread.waiting_since, end=now)
    thread.status, thread.waiting_since = Thread.Status.OPEN, None


def _resume_work_item(thread):
    item = thread_work_item(thread)
    if item is not None and item.status == ItemStatus.WAITING:
        with contextlib.suppress(WorkItemError):  # resumed by a colleague a moment ago
            work_item_resume(item=item, note="The patient answered")


def _track_refill(thread, decision, now, *, new_thread):
    if decision.topic != "refill":
        return
    if not new_thread and thread.refills.exclude(status__in=RefillRequest.FINAL).exists():
        return  # the open request already tracks it (a follow-up message)
    RefillRequest.objects.create(practice=thread.practice, thread=thread,
                                 patient=thread.patient, created_at=now, status_changed_at=now)


def _auto_reply(*, thread, message, ack, now):
    reply = Message.objects.create(
        practice=thread.practice, thread=thread, direction=Message.Direction.OUTBOUND,
        channel=message.channel, is_automatic=True, body=ack.text, created_at=now)
    if message.channel in (Message.Channel.SMS, Message.Channel.EMAIL) and message.sender:
        send_to_patient(thread=thread, message=reply, channel=message.channel, to=message.sender)


# --- The queue item -------------------------------------------------------

def work_item_title(thread) -> str:
    """No message text in the title: the queue is seen by the whole team."""
    if thread.patient_id is None:
        return "Match this message to a patient"
    if thread.urgency == "emergency":
        return "EMERGENCY message: answer now"
    return f"Message: {thread.get_topic_display().lower()}"


def _sync_work_item(thread) -> WorkItem | None:
    """Open or refresh the one queue item of an open thread."""
    if not thread.is_open:
        return None
    return work_item_open_or_update(
        practice=thread.practice, kind=Kind.PORTAL_MESSAGE, source=thread, team=thread.team,
        title=work_item_title(thread), urgency=thread.urgency_rank, patient=thread.patient,
        due_at=thread.respond_by or thread.last_message_at,
        detail=f"{thread.get_urgency_display()} · {thread.get_topic_display()}")


def thread_work_item(thread) -> WorkItem | None:
    return (WorkItem.objects.for_practice(thread.practice).active()
            .filter(kind=Kind.PORTAL_MESSAGE, source_id=str(thread.pk)).first())


def _close_work_item(thread, *, actor, outcome):
    item = thread_work_item(thread)
    if item is None:
        return
    try:
        work_item_close(item=item, actor=actor, outcome=outcome)
    except WorkItemError:
        logger.info("work item %s was closed meanwhile", item.pk)


# --- Answering ------------------------------------------------------------

CHANNEL_TO_CONTACT = {
    Message.Channel.PORTAL: ContactChannel.PORTAL,
    Message.Channel.PHONE: ContactChannel.PHONE,
    Message.Channel.SMS: ContactChannel.SMS,
    Message.Channel.EMAIL: ContactChannel.EMAIL,
}


def _log_contact(*, patient, made_by, channel, direction, outcome, note, at):
    contact_attempt_log(patient=patient, made_by=made_by, channel=CHANNEL_TO_CONTACT[channel],
                        direction=direction, outcome=outcome, note=note, occurred_at=at)


def _require_open(thread, action):
    if not thread.is_open:
        raise ValidationError(f"This thread is {thread.get_status_display().lower()}; "
                              f"it cannot be {action}.")


@transaction.atomic
def message_reply(*, thread, author, body, channel=Message.Channel.PORTAL,
                  wait_for_patient=False, now=None) -> Message:
    """A staff reply to the patient, by portal, SMS or email: logged as a contact
    attempt, and the thread's first-response clock stops at the first one."""
    body = message_body_clean(body)
    _require_open(thread, "answered")
    if thread.patient_id is None:
        raise ValidationError("Match this message to a patient before replying.")
    if channel not in (Message.Channel.PORTAL, Message.Channel.SMS, Message.Channel.EMAIL):
        raise ValidationError({"channel": "Reply by portal, text message or email."})
    now = now or timezone.now()
    thread = Thread.objects.select_for_update(of=("self",)).select_related("practice", "patient") \
        .get(pk=thread.pk)
    reply = Message.objects.create(practice=thread.practice, thread=thread,
                                   direction=Message.Direction.OUTBOUND, channel=channel,
                                   author=author, body=body, created_at=now)
    send_to_patient(thread=thread, message=reply, channel=channel)
    _log_contact(patient=thread.patient, made_by=author, channel=channel,
                 direction=ContactAttempt.Direction.OUTBOUND,
                 outcome=ContactAttempt.Outcome.SENT, note="Reply to a message", at=now)
    _responded(thread, now, wait_for_patient=wait_for_patient, actor=author)
    return reply


@transaction.atomic
def call_record(*, thread, author, outcome, note, now=None) -> Message:
    """A phone call about the thread: in the thread and in the contact log."""
    outcomes = {ContactAttempt.Outcome.REACHED, ContactAttempt.Outcome.LEFT_MESSAGE,
                ContactAttempt.Outcome.NO_ANSWER, ContactAttempt.Outcome.WRONG_NUMBER}
    if outcome not in outcomes:
        raise ValidationError({"outcome": "Say how the call went."})
    _require_open(thread, "called about")
    if thread.patient_id is None:
        raise ValidationError("Match this message to a patient before calling.")
    now = now or timezone.now()
    label = ContactAttempt.Outcome(outcome).label
    text = (note or "").strip()[:2000]
    call = Message.objects.create(practice=thread.practice, thread=thread,
                                  direction=Message.Direction.OUTBOUND,
                                  channel=Message.Channel.PHONE, author=author,
                                  body=f"Phone call: {label}." + (f" {text}" if text else ""),
                                  created_at=now)
    _log_contact(patient=thread.patient, made_by=author, channel=Message.Channel.PHONE,
                 direction=ContactAttempt.Direction.OUTBOUND, outcome=outcome,
                 note=text or "Call about a message", at=now)
    if outcome in (ContactAttempt.Outcome.REACHED, ContactAttempt.Outcome.LEFT_MESSAGE):
        _responded(thread, now, wait_for_patient=False)
    return call


def _responded(thread, now, *, wait_for_patient, actor=None):
    fields = ["respond_by"]
    thread.respond_by = None
    if thread.first_response_at is None:
        thread.first_response_at = now
        thread.first_response_minutes = clock.business_minutes_between(
            practice=thread.practice, start=thread.created_at, end=now)
        fields += ["first_response_at", "first_response_minutes"]
    if wait_for_patient and thread.status == Thread.Status.OPEN:
        # The clock pauses until the patient writes back (D2, M8).
        thread.status, thread.waiting_since = Thread.Status.WAITING, now
        fields += ["status", "waiting_since"]
    thread.save(update_fields=fields)
    item = _sync_work_item(thread)
    if wait_for_patient and item is not None:
        try:
            work_item_wait_on_patient(item=item, actor=actor, reason="Waiting for the patient's answer",
                                      is_manager=True)
        except WorkItemError as error:
            raise ValidationError(str(error)) from None


def note_add(*, thread, author, body, now=None) -> Message:
    """An internal note: staff only, never shown or sent to the patient."""
    body = message_body_clean(body)
    return Message.objects.create(practice=thread.practice, thread=thread,
                                  direction=Message.Direction.NOTE, channel=Message.Channel.PORTAL,
                                  author=author, body=body, created_at=now or timezone.now())


@transaction.atomic
def thread_close(*, thread, actor, outcome, now=None) -> Thread:
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": "Say what was done (the outcome) before closing."})
    thread = Thread.objects.select_for_update().select_related("practice").get(pk=thread.pk)
    _require_open(thread, "closed")
    now = now or timezone.now()
    if thread.status == Thread.Status.WAITING:
        _resume_clock(thread, now)
    elapsed = clock.business_minutes_between(practice=thread.practice, start=thread.created_at,
                                             end=now)
    thread.status, thread.outcome = Thread.Status.CLOSED, outcome[:300]
    thread.resolved_at = now
    thread.resolution_minutes = max(0, elapsed - thread.paused_minutes)
    thread.respond_by = None
    thread.save(update_fields=["status", "outcome", "resolved_at", "resolution_minutes",
                               "respond_by", "waiting_since", "paused_minutes"])
    _close_work_item(thread, actor=actor, outcome=outcome)
    return thread
