"""Staff message pages: list, thread, actions; isolation, roles, audit, bad input."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from messaging.models import Attachment, Message, OnCallAlert, Thread, TriageCorrection
from messaging.services.threads import message_receive
from tests.factories import PatientFactory
from vpm.audit.models import AuditEvent
from vpm.queue.models import Kind, WorkItem


def receive(practice, patient, body="Can I move my appointment?", **kwargs):
    return message_receive(practice=practice, patient=patient, body=body,
                           channel=kwargs.pop("channel", "portal"), **kwargs).thread


def thread_url(thread, name="staff_thread", **extra):
    return reverse(name, kwargs={"practice_slug": thread.practice.slug, "thread_id": thread.pk,
                                 **extra})


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.text


@pytest.mark.parametrize("show", ["open", "closed"])
def test_thread_list_runs_a_fixed_number_of_queries(practice, staff, as_user, show):
    from messaging.services.threads import thread_close

    client = as_user(staff)
    url = reverse("staff_threads", args=[practice.slug]) + f"?show={show}"
    for _ in range(2):
        thread_close(thread=receive(practice, PatientFactory(practice=practice)), actor=staff,
                     outcome="done")
    receive(practice, PatientFactory(practice=practice))
    client.get(url)
    few, _page = _queries(client, url)
    for _ in range(55):
        thread = receive(practice, PatientFactory(practice=practice))
        if show == "closed":
            thread_close(thread=thread, actor=staff, outcome="done")

    many, page = _queries(client, url)

    # 7: the staff middleware reads membership, practice and second factor in one query
    assert many == few == 7  # the count beside the filters is also the paginator's
    assert page.count('class="urgency-') == 50 and "Page 1 of 2" in page
    assert f"Closed ({57 if show == 'closed' else 2})" in page


def test_thread_page_runs_a_fixed_number_of_queries(practice, patient, staff, as_user):
    from messaging.services.threads import message_reply, note_add

    client = as_user(staff)
    thread = receive(practice, patient, "Can I move my appointment?")
    url = thread_url(thread)
    client.get(url)
    few, _page = _queries(client, url)
    for n in range(10):
        message_reply(thread=thread, author=staff, body=f"Reply {n}")
        note_add(thread=thread, author=staff, body=f"Note {n}")
        receive(practice, patient, f"Follow-up {n}", into_thread=thread)

    many, page = _queries(client, url)

    assert many == few and "Follow-up 9" in page and "Note 9" in page


def test_reading_a_thread_is_audited_and_shows_the_contact_log(practice, patient, staff, as_user):
    thread = receive(practice, patient)

    response = as_user(staff).get(thread_url(thread))

    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "Received from the patient" in response.content.decode()  # contact log beside it
    assert AuditEvent.objects.filter(action="view_thread", patient=patient,
                                     object_id=str(thread.pk)).exists()


def test_thread_page_says_which_words_made_the_model_raise_the_urgency(practice, patient, staff,
                                                                       as_user):
    thread = receive(practice, patient,
                     "my son drank some of the blue stuff under the sink and is acting really sleepy")
    message = thread.messages.get(direction="inbound")
    assert message.triage["urgency_rule"] == "model"  # no rule matched; the model raised it

    body = as_user(staff).get(thread_url(thread)).content.decode()

    assert "urgency by the learned model, on the words" in body and "sleepy" in body
    assert "Triage: Emergency · Clinical question" in body  # words, not codes


def test_opening_an_emergency_marks_my_alert_seen(practice, patient, manager, as_user):
    thread = receive(practice, patient, "my dad has crushing chest pain and is sweating")
    assert OnCallAlert.objects.filter(recipient=manager, seen_at__isnull=True).exists()

    as_user(manager).get(thread_url(thread))

    assert not OnCallAlert.objects.filter(seen_at__isnull=True).exists()


def test_message_text_is_escaped(practice, patient, staff, as_user):
    thread = receive(practice, patient, "<script>alert(1)</script> my appointment")

    body = as_user(staff).get(thread_url(thread)).content.decode()

    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body


def test_reply_from_the_page_is_sent_and_logged(practice, patient, staff, as_user):
    thread = receive(practice, patient)

    client = as_user(staff)
    response = client.post(thread_url(thread, "thread_reply"),
                           {"body": "Friday 10am works.", "channel": "portal"})

    assert response.status_code == 302
    assert Message.objects.filter(direction="outbound", author=staff).count() == 1
    page = client.get(thread_url(thread)).content.decode()
    assert "Reply sent and logged in the contact log." in page


def test_empty_reply_is_refused_by_the_field_and_stores_nothing(practice, patient, staff, as_user):
    thread = receive(practice, patient)

    response = as_user(staff).post(thread_url(thread, "thread_reply"), {"body": "  ",
                                                                       "channel": "portal"})

    assert response.status_code == 400
    assert "Write the message first." in response.content.decode()
    assert not Message.objects.filter(author=staff).exists()


def test_note_is_added_and_close_needs_an_outcome(practice, patient, staff, as_user):
    thread = receive(practice, patient)
    client = as_user(staff)

    client.post(thread_url(thread, "thread_note"), {"body": "Called pharmacy"})
    refused = client.post(thread_url(thread, "thread_close"), {"outcome": ""})
    client.post(thread_url(thread, "thread_close"), {"outcome": "Rebooked"})

    assert Message.objects.filter(direction="note").count() == 1
    assert refused.status_code == 400 and "Say what was done" in refused.content.decode()
    assert Thread.objects.get().status == "closed"


def test_one_click_correction_is_stored(practice, patient, staff, as_user):
    thread = receive(practice, patient)

    as_user(staff).post(thread_url(thread, "thread_correct"), {"field": "urgency",
                                                               "value": "urgent"})

    assert TriageCorrection.objects.get().to_value == "urgent"
    assert WorkItem.objects.get(kind=Kind.PORTAL_MESSAGE).urgency == 1


def test_merge_from_the_page(practice, patient, staff, as_user):
    first = receive(practice, patient)
    second = receive(practice, patient, "question about my bill")

    response = as_user(staff).post(thread_url(second, "thread_merge"), {"target": str(first.pk)})

    assert response.status_code == 302 and response["Location"] == thread_url(first)
    assert Thread.objects.get(pk=second.pk).status == "merged"


def test_match_an_unknown_sender_by_mrn(practice, patient, staff, as_user):
    thread = receive(practice, None, channel="sms", sender="+13125550999")

    bad = as_user(staff).post(thread_url(thread, "thread_match"), {"mrn": "nope"})
    as_user(staff).post(thread_url(thread, "thread_match"), {"mrn": patient.mrn})

    assert bad.status_code == 400 and "No patient of this practice" in bad.content.decode()
    assert Thread.objects.get().patient == patient


def test_attachment_is_served_to_staff_with_an_audit_event(practice, patient, staff, as_user,
                                                           settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)}}}
    receive(practice, patient, "my card", attachments=[
        SimpleUploadedFile("card.pdf", b"%PDF-1.4 x", content_type="application/pdf")])
    attachment = Attachment.objects.get()

    response = as_user(staff).get(reverse("staff_attachment", args=[practice.slug, attachment.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 x"
    assert AuditEvent.objects.filter(action="view_file", patient=patient).exists()


@pytest.mark.parametrize("name", ["staff_thread", "thread_reply", "thread_note", "thread_close"])
def test_user_of_another_practice_gets_404(practice, patient, outsider, as_user, name):
    thread = receive(practice, patient)
    client = as_user(outsider)

    response = client.get(thread_url(thread)) if name == "staff_thread" else \
        client.post(thread_url(thread, name), {"body": "x", "outcome": "x", "channel": "portal"})

    assert response.status_code == 404
    assert not Message.objects.filter(author=outsider).exists()


def test_outsider_gets_404_for_the_list_and_an_attachment(practice, outsider, as_user):
    client = as_user(outsider)
    assert client.get(reverse("staff_threads", args=[practice.slug])).status_code == 404


def test_patient_is_refused_staff_pages(practice, patient, patient_user, as_user):
    thread = receive(practice, patient)
    client = as_user(patient_user)

    assert client.get(thread_url(thread)).status_code == 403
    assert client.get(reverse("staff_threads", args=[practice.slug])).status_code == 403


# --- Manager settings ---------------------------------------------------------

def settings_url(practice, name="messaging_settings"):
    return reverse(name, args=[practice.slug])


def test_staff_are_refused_the_settings_and_outsiders_get_404(practice, staff, outsider, as_user):
    assert as_user(staff).get(settings_url(practice)).status_code == 403
    assert as_user(outsider).get(settings_url(practice)).status_code == 404
    assert as_user(staff).post(settings_url(practice, "triage_rule_save"),
                               {"definition": "{}"}).status_code == 403


def test_manager_previews_a_sample_through_the_practice_rules(practice, manager, as_user):
    client = as_user(manager)
    client.post(settings_url(practice, "triage_rule_save"), {"definition": (
        '{"id": "flu_clinic", "phrases": ["flu clinic"], "sets_topic": "scheduling",'
        ' "priority": 50}')})

    response = client.post(settings_url(practice, "triage_rule_preview"),
                           {"text": "is the flu clinic on saturday"})

    assert "flu_clinic" in response.content.decode() and "scheduling" in response.content.decode()


def test_invalid_rule_is_refused_by_the_field(practice, manager, as_user):
    response = as_user(manager).post(settings_url(practice, "triage_rule_save"),
                                     {"definition": '{"id": "x", "patterns": ["(a+)+b"],'
                                                    ' "sets_topic": "billing"}'})

    assert response.status_code == 400 and "backtrack" in response.content.decode()


def test_emergency_rule_cannot_be_switched_off(practice, manager, as_user):
    response = as_user(manager).post(settings_url(practice, "triage_rule_save"),
                                     {"definition": '{"id": "em_chest_pain_en", "enabled": false,'
                                                    ' "phrases": ["x"], "sets_urgency": "routine"}'})

    assert response.status_code == 400 and "safety net" in response.content.decode()


def test_on_call_with_a_bad_number_is_refused(practice, manager, as_user):
    response = as_user(manager).post(settings_url(practice, "on_call_save"),
                                     {"role": "manager", "sms_number": "call me"})

    assert response.status_code == 400 and "Enter a phone number" in response.content.decode()


def test_corrections_download_as_test_cases(practice, patient, manager, as_user):
    thread = receive(practice, patient, "had a panic attack last night, chest felt tight but it passed")
    as_user(manager).post(thread_url(thread, "thread_correct"), {"field": "urgency",
                                                                 "value": "routine"})

    body = as_user(manager).get(settings_url(practice, "corrections_as_cases")).content.decode()

    assert '"urgency": "routine"' in body and "panic attack" in body


# --- Answered in place with htmx (the plain posts above keep working) --------

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_an_htmx_reply_is_answered_in_place_with_the_thread_as_it_is_now(
        practice, patient, staff, as_user):
    thread = receive(practice, patient, "Can I move my appointment?")

    response = as_user(staff).post(thread_url(thread, "thread_reply"),
                                   {"body": "Moved to Monday 9am.", "channel": "portal"}, **HTMX)

    assert response.status_code == 200 and "<html" not in response.text
    assert response.text.lstrip().startswith('<div id="thread-body">')
    assert "Reply sent and logged in the contact log." in response.text
    assert "Moved to Monday 9am." in response.text  # in the conversation now
    assert thread.messages.filter(direction="outbound", author=staff).count() == 1


def test_an_htmx_note_with_no_text_answers_400_by_the_field_and_stores_nothing(
        practice, patient, staff, as_user):
    thread = receive(practice, patient, "Can I move my appointment?")

    response = as_user(staff).post(thread_url(thread, "thread_note"), {"body": ""}, **HTMX)

    assert response.status_code == 400 and 'id="thread-body"' in response.text
    assert "Write the message first." in response.text
    assert not thread.messages.filter(direction="note").exists()


def test_an_htmx_close_shows_the_closed_thread_without_its_forms(practice, patient, staff,
                                                                 as_user):
    thread = receive(practice, patient, "Can I move my appointment?")

    response = as_user(staff).post(thread_url(thread, "thread_close"),
                                   {"outcome": "Moved the visit"}, **HTMX)

    assert response.status_code == 200 and "Thread closed; its queue item is done." in response.text
    assert "outcome: Moved the visit" in response.text and "Send reply" not in response.text


def test_an_htmx_correction_shows_the_new_urgency(practice, patient, staff, as_user):
    thread = receive(practice, patient, "Can I move my appointment?")

    response = as_user(staff).post(thread_url(thread, "thread_correct"),
                                   {"field": "urgency", "value": "urgent"}, **HTMX)

    assert response.status_code == 200 and "Corrected." in response.text
    assert 'badge urgency-1">Urgent' in response.text
