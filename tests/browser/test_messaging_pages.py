"""The messaging pages in real Chromium, with the portal walk's checks (page_checks.py).

Patient pages, in English and Spanish (compose with the topic picker, the
red-flag question and its emergency answer, writing with an attachment, the
acknowledgement, a conversation, one opened by a reply notice's link, a
closed one, the refill statuses): no serious or critical axe violation at
1366 and 320 px, no sideways scroll at 320 px, under 100 KB, plain words.
Staff thread list and thread page: no serious or critical axe violation at
1366 and 375 px."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from messaging.models import Message
from messaging.services.changes import refill_status_set
from messaging.services.threads import message_receive, message_reply, note_add, thread_close
from tests.conftest import client_for
from tests.messaging.conftest import private_storage  # noqa: F401 - the photo's storage
from tests.portal.conftest import make_link, open_and_check

from .page_checks import page_failures
from .portal_pages import account_session, portal_cast

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("private_storage")]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
REFILL_STEPS = ["sent_to_provider", "approved", "sent_to_pharmacy"]


def messaging_cast(practice, patient, staff, language):
    """A conversation with a reply, a note and a photo; a closed one; refills in each status."""
    portal_cast(practice, patient, language)

    def receive(body, topic, **extra):
        return message_receive(practice=practice, patient=patient, body=body, channel="portal",
                               topic_picked=topic, **extra).thread

    talk = receive("My knee is swollen since Monday. Here is a photo.", "clinical_question",
                   attachments=[SimpleUploadedFile("knee.png", PNG)])
    message_reply(thread=talk, author=staff, body="Thank you. Dr. Lee will look at it today.")
    note_add(thread=talk, author=staff, body="Staff only: check the x-ray")
    closed = receive("Can I pay my bill online?", "billing")
    thread_close(thread=closed, actor=staff, outcome="Answered")
    for steps in range(len(REFILL_STEPS) + 1):
        thread = receive(f"I need a refill of my medicine number {steps}", "refill")
        refill = thread.refills.get()
        for status in REFILL_STEPS[:steps]:
            refill = refill_status_set(refill=refill, status=status, actor=staff)
        thread_close(thread=thread, actor=staff, outcome="Refill handled")
    denied = receive("Please refill my cream", "refill").refills.get()
    refill_status_set(refill=refill_status_set(refill=denied, status="sent_to_provider",
                                               actor=staff),
                      status="denied", actor=staff, note_to_patient="Please book a visit first.")
    return talk, closed


def _thread_link_session(patient, thread):
    client = Client()
    _link, path = make_link(patient, purpose="messaging_thread", target=thread.pk)
    open_and_check(client, path, patient.practice)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _answer_yes(page):
    page.locator("input[name=answer][value=yes]").check()
    page.locator("main form button[type=submit]").click()


def _send(page):
    page.locator("textarea[name=body]").fill("Can I move my visit on Friday to next week?")
    page.locator("main form button[type=submit]").click()


def patient_pages(practice, patient, talk, closed):
    account = account_session(patient)
    url = lambda name, *args: reverse(name, args=[practice.slug, *args])  # noqa: E731
    check = url("portal_message_check") + "?topic=symptom"
    write = url("portal_message_write") + "?topic=scheduling"
    return [
        ("messages and refill statuses", account, url("portal_messages"), None),
        ("topic picker", account, url("portal_message_new"), None),
        ("topic picker, empty", account, url("portal_message_new"), "submit"),
        ("red-flag question", account, check, None),
        ("red-flag question, empty", account, check, "submit"),
        ("emergency instructions", account, check, _answer_yes),
        ("write with an attachment", account, write, None),
        ("write, empty", account, write, "submit"),
        ("acknowledgement", account, write, _send),
        ("conversation", account, url("portal_thread", talk.pk), None),
        ("conversation by a reply link", _thread_link_session(patient, talk),
         url("portal_thread", talk.pk), None),
        ("closed conversation", account, url("portal_thread", closed.pk), None),
    ]


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_patient_messaging_pages_are_accessible_light_and_plain(
        browser, live_server, practice, patient, staff, language):
    talk, closed = messaging_cast(practice, patient, staff, language)
    failures = []
    for name, session, path, action in patient_pages(practice, patient, talk, closed):
        failures += page_failures(browser, live_server, where=f"{name} [{language}]",
                                  session=session, path=path, action=action,
                                  language=language, focus=language == "en")
    assert failures == []
    # The walk did what it says: the emergency answer and the message were stored.
    assert Message.objects.filter(red_flag_answer="yes").exists()
    assert Message.objects.filter(body__startswith="Can I move my visit").exists()


def test_the_staff_thread_list_and_thread_page_are_accessible(browser, live_server, practice,
                                                              patient, staff):
    talk, _closed = messaging_cast(practice, patient, staff, "en")
    unknown = message_receive(practice=practice, patient=None, body="who is this? reply STOP",
                              channel="sms", sender="+13125550999").thread
    session = client_for(staff).cookies[settings.SESSION_COOKIE_NAME].value
    url = lambda name, *args: reverse(name, args=[practice.slug, *args])  # noqa: E731
    pages = [("thread list", url("staff_threads")),
             ("closed threads", url("staff_threads") + "?show=closed"),
             ("thread", url("staff_thread", talk.pk)),
             ("thread to match", url("staff_thread", unknown.pk))]
    failures = []
    for name, path in pages:
        failures += page_failures(browser, live_server, where=f"staff {name}", session=session,
                                  path=path, narrow=375, patient=False)
    assert failures == []


@pytest.mark.parametrize("javascript", [True, False])
def test_staff_reply_is_answered_in_place_and_works_without_javascript(
        browser, live_server, practice, patient, staff, javascript):
    from playwright.sync_api import expect

    thread = message_receive(practice=practice, patient=patient, body="Can I move my visit?",
                             channel="portal").thread
    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript,
                                  viewport={"width": 1366, "height": 900})
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                          "value": client_for(staff).cookies[settings.SESSION_COOKIE_NAME].value}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    loads = []
    page.on("load", lambda _page: loads.append(1))
    page.goto(reverse("staff_thread", args=[practice.slug, thread.pk]))

    page.get_by_label("Reply").fill("Moved to Monday 9am.")
    page.get_by_role("button", name="Send reply").click()

    expect(page.locator(".messages")).to_contain_text("Moved to Monday 9am.")
    expect(page.get_by_text("Reply sent and logged in the contact log.")).to_be_visible()
    # With htmx the answer is swapped in (one page load); without, the post redirects (two).
    assert len(loads) == (1 if javascript else 2)
    assert page.get_by_label("Reply").input_value() == ""
    context.close()
