"""Staff changes to threads: corrections with the misfired rule, merge and
split, matching an unknown sender, internal notes, attachments."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from messaging.models import Attachment, Message, Thread, TriageCorrection
from messaging.selectors import messages_for_patient
from messaging.services.changes import (
    message_split,
    thread_correct,
    thread_match_patient,
    thread_merge,
)
from messaging.services.threads import message_receive, note_add
from tests.factories import PatientFactory
from vpm.queue.models import Kind, Status, Urgency, WorkItem

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def receive(practice, patient, body, **kwargs):
    return message_receive(practice=practice, patient=patient, body=body,
                           channel=kwargs.pop("channel", "portal"), **kwargs)


def active_item(thread):
    return WorkItem.objects.filter(kind=Kind.PORTAL_MESSAGE, source_id=str(thread.pk)).active() \
        .first()


def test_correction_is_stored_with_the_rule_that_misfired(practice, patient, staff):
    thread = receive(practice, patient, "had a panic attack last night, chest felt tight but it passed").thread
    decided_by = Message.objects.get(direction="inbound").triage["urgency_rule"]

    thread_correct(thread=thread, actor=staff, field="urgency", value="routine")

    correction = TriageCorrection.objects.get()
    assert (correction.from_value, correction.to_value) == (thread.urgency, "routine")
    assert correction.rule_id == decided_by and correction.rule_id
    assert active_item(thread).urgency == Urgency.ROUTINE


def test_topic_correction_moves_the_thread_to_that_topics_team(practice, patient, staff):
    thread = receive(practice, patient, "question about my appointment bill").thread

    thread_correct(thread=thread, actor=staff, field="topic", value="records")

    thread.refresh_from_db()
    assert thread.team == "records" and active_item(thread).team == "records"


def test_correction_to_an_unknown_value_is_refused(practice, patient, staff):
    thread = receive(practice, patient, "Can I move my appointment?").thread

    with pytest.raises(ValidationError):
        thread_correct(thread=thread, actor=staff, field="urgency", value="critical")
    assert not TriageCorrection.objects.exists()


def test_merge_moves_messages_and_leaves_one_queue_item(practice, patient, staff):
    first = receive(practice, patient, "Can I move my appointment?").thread
    second = receive(practice, patient, "I have a question about my bill").thread

    merged = thread_merge(source=second, target=first, actor=staff)

    second.refresh_from_db()
    assert second.status == "merged" and second.merged_into == merged
    assert merged.messages.filter(direction="inbound").count() == 2
    assert active_item(second) is None and active_item(first) is not None


def test_threads_of_two_patients_cannot_be_merged(practice, patient, staff):
    other = PatientFactory(practice=practice)
    first = receive(practice, patient, "Can I move my appointment?").thread
    second = receive(practice, other, "Can I move my appointment?").thread

    with pytest.raises(ValidationError, match="same patient"):
        thread_merge(source=second, target=first, actor=staff)


def test_split_takes_a_message_into_its_own_thread_and_item(practice, patient, staff):
    thread = receive(practice, patient, "Can I move my appointment?").thread
    later = receive(practice, patient, "and can my husband get an appointment too").message
    assert later.thread == thread

    new = message_split(message=later, actor=staff)

    assert new.messages.get() == later and new != thread
    assert active_item(new).status == Status.OPEN and active_item(thread) is not None


def test_unknown_sender_matched_to_a_patient(practice, patient, staff):
    thread = receive(practice, None, "can I change my appointment", channel="sms",
                     sender="+13125550999").thread

    thread_match_patient(thread=thread, patient=patient, actor=staff)

    assert active_item(thread).patient == patient
    assert active_item(thread).title == "Message: scheduling"


def test_patient_never_sees_internal_notes(practice, patient, staff):
    thread = receive(practice, patient, "Can I move my appointment?").thread
    note_add(thread=thread, author=staff, body="Patient sounded upset on the phone")

    bodies = [m.body for m in messages_for_patient(thread)]
    assert "Patient sounded upset on the phone" not in bodies
    assert "Can I move my appointment?" in bodies


def test_photo_and_pdf_attachments_are_stored_privately(practice, patient, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)}}}
    uploads = [SimpleUploadedFile("card.pdf", PDF, content_type="application/pdf"),
               SimpleUploadedFile("rash.png", PNG, content_type="image/png")]

    receive(practice, patient, "here are the papers", attachments=uploads)

    types = sorted(Attachment.objects.values_list("content_type", flat=True))
    assert types == ["application/pdf", "image/png"]
    assert all("card" not in a.file.name for a in Attachment.objects.all())


def test_attachment_that_is_not_a_photo_or_pdf_stores_nothing(practice, patient):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 this is a program", content_type="image/jpeg")

    with pytest.raises(ValidationError, match="not a photo"):
        receive(practice, patient, "here is my photo", attachments=[fake])

    assert not Thread.objects.exists() and not Attachment.objects.exists()
