"""Messages arriving and being answered: threads, queue items, the safety net,
acknowledgements, duplicates, refills, results and the clocks (M1-M8)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from messaging.models import Message, OnCall, OnCallAlert, RefillRequest, Thread
from messaging.services.changes import refill_status_set
from messaging.services.threads import message_receive, message_reply, thread_close
from tests.factories import ContactPointFactory
from vpm.notify.models import OutboundMessage
from vpm.patients.models import ContactAttempt
from vpm.queue.business_hours import business_deadline
from vpm.queue.models import Kind, Status, Urgency, WorkItem

# Tuesday 1 December 2026, 09:00 in Chicago (the factory practice's zone), open 08-17.
TUESDAY_9AM = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def receive(practice, patient, body, **kwargs):
    kwargs.setdefault("channel", Message.Channel.PORTAL)
    kwargs.setdefault("now", TUESDAY_9AM)
    return message_receive(practice=practice, patient=patient, body=body, **kwargs)


def item_of(thread):
    return WorkItem.objects.get(kind=Kind.PORTAL_MESSAGE, source_id=str(thread.pk))


def test_portal_message_opens_thread_with_queue_item_due_in_business_hours(practice, patient):
    received = receive(practice, patient, "Can I move my appointment to next week?")

    thread = received.thread
    assert (thread.topic, thread.urgency, thread.team) == ("scheduling", "routine", "registration")
    # the queue's routine target for a portal message: one business day (9 open hours)
    expected_due = business_deadline(practice=practice, start=TUESDAY_9AM, minutes=9 * 60)
    assert expected_due == datetime(2026, 12, 2, 15, 0, tzinfo=UTC)  # Wednesday 9am Chicago
    item = item_of(thread)
    assert item.due_at == expected_due == thread.respond_by
    assert (item.urgency, item.team, item.patient) == (Urgency.ROUTINE, "registration", patient)
    assert "appointment" not in item.title  # no message text in the shared queue
    assert received.message.triage["topic_rule"]


def test_acknowledgement_names_the_answer_time_and_what_the_office_cannot_do(practice, patient):
    ack = receive(practice, patient, "Can I move my appointment to next week?").acknowledgement

    assert "We will answer by tomorrow 9am (Chicago time)." in ack.text
    assert "cannot give medical advice or handle emergencies" in ack.text
    auto = Message.objects.get(is_automatic=True)
    assert auto.direction == Message.Direction.OUTBOUND and auto.body == ack.text


def test_acknowledgement_in_spanish_for_a_spanish_speaking_patient(practice, patient):
    patient.preferred_language = "es"
    patient.save()

    ack = receive(practice, patient, "Necesito cambiar mi cita").acknowledgement

    assert ack.text.startswith("Recibimos su mensaje. Le responderemos antes del")
    assert "hora de Chicago" in ack.text


def test_message_logged_in_the_contact_log(practice, patient):
    receive(practice, patient, "Can I move my appointment?")

    attempt = ContactAttempt.objects.get(patient=patient)
    assert (attempt.direction, attempt.channel, attempt.outcome) == ("inbound", "portal", "received")


def test_second_message_on_same_topic_joins_open_thread_not_the_queue_twice(practice, patient):
    first = receive(practice, patient, "Can I move my appointment to Friday?")
    second = receive(practice, patient, "Or any day next week works for the appointment",
                     now=TUESDAY_9AM + timedelta(minutes=5))

    assert second.thread == first.thread and second.joined_open_thread
    assert WorkItem.objects.filter(kind=Kind.PORTAL_MESSAGE).count() == 1
    assert second.acknowledgement is None  # the answer time already promised still holds
    assert Message.objects.filter(is_automatic=True).count() == 1


def test_message_on_another_topic_opens_its_own_thread(practice, patient):
    first = receive(practice, patient, "Can I move my appointment to Friday?")
    second = receive(practice, patient, "I have a question about my bill")

    assert second.thread != first.thread
    assert WorkItem.objects.filter(kind=Kind.PORTAL_MESSAGE).count() == 2


def test_more_urgent_follow_up_raises_the_thread_and_its_item(practice, patient):
    first = receive(practice, patient, "Is it normal to feel tired on this medicine?",
                    topic_picked="clinical_question")
    receive(practice, patient, "now I am having crushing chest pain and sweating",
            topic_picked="clinical_question")

    first.thread.refresh_from_db()
    assert first.thread.urgency == "emergency"
    assert item_of(first.thread).urgency == Urgency.EMERGENCY


def test_emergency_gets_urgent_instructions_top_of_queue_and_on_call_alert(
        practice, patient, manager, staff):
    practice.urgent_contact_instructions = "Call 911 now. Our nurse line: (312) 555-0199."
    practice.save()
    OnCall.objects.create(practice=practice, person=staff, sms_number="+13125550142")
    routine = receive(practice, patient, "Please send my records to Dr. Lee")

    received = receive(practice, patient, "My husband has crushing chest pain and is sweating")

    assert received.acknowledgement.lines[0] == "Call 911 now. Our nurse line: (312) 555-0199."
    queue = list(WorkItem.objects.for_queue(practice))
    assert queue[0] == item_of(received.thread) and queue[1] == item_of(routine.thread)
    assert queue[0].urgency == Urgency.EMERGENCY
    assert queue[0].due_at == TUESDAY_9AM + timedelta(minutes=15)  # clock time, not business
    assert [a.recipient for a in OnCallAlert.objects.all()] == [staff]
    text = OutboundMessage.objects.get(to="+13125550142")
    assert "EMERGENCY" in text.body and patient.last_name not in text.body


def test_without_a_named_on_call_person_the_managers_are_alerted(practice, patient, manager):
    receive(practice, patient, "i took the whole bottle of my pills")

    assert [a.recipient for a in OnCallAlert.objects.all()] == [manager]


def test_emergency_by_email_also_says_email_is_not_watched(practice, patient):
    received = receive(practice, patient, "my chest feels crushed and my left arm is numb",
                       channel=Message.Channel.EMAIL, sender="maria@example.test",
                       external_id="<abc@mail>")

    assert received.thread.urgency == "emergency"
    assert "Email is not watched for emergencies" in received.acknowledgement.text
    reply = OutboundMessage.objects.get(to="maria@example.test")
    assert "Email is not watched for emergencies" in reply.body and reply.channel == "email"


def test_red_flag_yes_makes_any_text_an_emergency_and_is_stored(practice, patient):
    received = receive(practice, patient, "I have a question about my medicine",
                       topic_picked="clinical_question", red_flag_answer="yes")

    assert received.thread.urgency == "emergency"
    assert received.message.red_flag_answer == "yes"
    assert received.message.triage["urgency_rule"] == "patient_red_flag_answer"
    assert received.acknowledgement.is_emergency


def test_refill_request_is_tracked_with_a_status_the_patient_sees(practice, patient, staff):
    received = receive(practice, patient, "I need a refill of my lisinopril please")
    receive(practice, patient, "it's the 10 mg one, for the refill")

    refill = RefillRequest.objects.get()
    assert (refill.thread, refill.status, refill.patient) == (received.thread, "received", patient)
    refill = refill_status_set(refill=refill, status="sent_to_provider", actor=staff)
    refill = refill_status_set(refill=refill, status="approved", actor=staff)
    assert refill.get_status_display() == "Approved"


def test_refill_status_cannot_skip_steps(practice, patient, staff):
    receive(practice, patient, "I need a refill of my lisinopril please")
    refill = RefillRequest.objects.get()

    with pytest.raises(ValidationError, match="can only become"):
        refill_status_set(refill=refill, status="sent_to_pharmacy", actor=staff)
    refill.refresh_from_db()
    assert refill.status == "received"


def test_test_result_question_is_due_the_same_business_day(practice, patient):
    received = receive(practice, patient, "Are my lab results back yet?",
                       now=TUESDAY_9AM + timedelta(hours=5))  # 2pm Chicago

    assert received.thread.topic == "test_result"
    # 5pm Chicago the same day, not the routine two business days
    assert received.thread.respond_by == datetime(2026, 12, 1, 23, 0, tzinfo=UTC)


def test_staff_reply_stops_first_response_clock_and_is_a_contact_attempt(practice, patient, staff):
    received = receive(practice, patient, "Can I move my appointment?")

    message_reply(thread=received.thread, author=staff, body="Yes, Friday at 10 works.",
                  now=TUESDAY_9AM + timedelta(hours=10))  # 7pm: after hours

    thread = Thread.objects.get()
    assert thread.first_response_minutes == 8 * 60  # 09:00-17:00, not 10 clock hours
    assert thread.respond_by is None
    outbound = ContactAttempt.objects.get(direction="outbound")
    assert (outbound.made_by, outbound.outcome) == (staff, "sent")


def test_waiting_on_the_patient_pauses_resolution_time(practice, patient, staff):
    thread = receive(practice, patient, "Can I move my appointment?").thread
    message_reply(thread=thread, author=staff, body="Which day suits you?", wait_for_patient=True,
                  now=TUESDAY_9AM + timedelta(hours=1))
    assert Thread.objects.get().status == "waiting" and item_of(thread).status == Status.WAITING

    receive(practice, patient, "Friday morning for my appointment please",
            now=TUESDAY_9AM + timedelta(hours=4))
    thread_close(thread=thread, actor=staff, outcome="Moved to Friday",
                 now=TUESDAY_9AM + timedelta(hours=5))

    thread.refresh_from_db()
    assert thread.paused_minutes == 180
    assert thread.resolution_minutes == 5 * 60 - 180
    assert item_of(thread).status == Status.DONE


def test_reply_by_sms_goes_to_the_patients_phone(practice, patient, staff):
    ContactPointFactory(patient=patient, practice=practice, kind="phone", value="+13125550111")
    thread = receive(practice, patient, "Can I move my appointment?").thread

    message_reply(thread=thread, author=staff, body="Friday 10am is yours.", channel="sms")

    sms = OutboundMessage.objects.get(to="+13125550111")
    assert sms.body == "Friday 10am is yours." and sms.channel == "sms"


def test_portal_reply_tells_the_patient_without_the_text(practice, patient, staff):
    ContactPointFactory(patient=patient, practice=practice, kind="phone", value="+13125550111")
    thread = receive(practice, patient, "Can I move my appointment?").thread

    message_reply(thread=thread, author=staff, body="Your biopsy shows something.")

    notice = OutboundMessage.objects.get(to="+13125550111")
    assert "biopsy" not in notice.body and "answered your message" in notice.body


def test_replayed_message_id_stores_nothing_twice(practice, patient):
    first = receive(practice, patient, "Can I move my appointment?", channel="sms",
                    sender="+13125550111", external_id="SM123")
    again = receive(practice, patient, "Can I move my appointment?", channel="sms",
                    sender="+13125550111", external_id="SM123")

    assert again.replayed and again.message == first.message
    assert Message.objects.filter(direction="inbound").count() == 1
    assert OutboundMessage.objects.count() == 1  # one acknowledgement text
    assert ContactAttempt.objects.count() == 1


@pytest.mark.parametrize("body", ["", "   ", "x" * 10_001])
def test_empty_or_oversized_message_is_refused_and_stores_nothing(practice, patient, body):
    with pytest.raises(ValidationError):
        receive(practice, patient, body)

    assert not Thread.objects.exists() and not WorkItem.objects.exists()


def test_unknown_sender_lands_in_a_match_this_item(practice):
    received = receive(practice, None, "hi its me, can I change my appointment", channel="sms",
                       sender="+13125550999")

    assert received.thread.patient is None
    assert item_of(received.thread).title == "Match this message to a patient"
    assert not ContactAttempt.objects.exists()


def test_closing_needs_an_outcome(practice, patient, staff):
    thread = receive(practice, patient, "Can I move my appointment?").thread

    with pytest.raises(ValidationError, match="outcome"):
        thread_close(thread=thread, actor=staff, outcome=" ")
    assert Thread.objects.get().status == "open"
