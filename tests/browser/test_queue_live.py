"""The queue in a real browser: a colleague's claim shows within 5 seconds
without a reload, keyboard-only claim and close, and axe at desktop and
phone widths."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import expect

from tests.conftest import client_for
from tests.factories import WorkItemFactory
from vpm.queue.models import Status, Urgency, WorkItem

pytestmark = pytest.mark.django_db(transaction=True)


def _context_for(browser, live_server, user, width=1366, height=900):
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": width, "height": height})
    client = client_for(user)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def test_a_colleagues_claim_shows_within_5_seconds_without_a_reload(browser, live_server,
                                                                     practice, staff,
                                                                     colleague, patient):
    item = WorkItemFactory(practice=practice, patient=patient, title="Call back about labs")
    alex_context, alex = _context_for(browser, live_server, staff)
    casey_context, casey = _context_for(browser, live_server, colleague)
    try:
        for page in (alex, casey):
            page.goto(f"/p/{practice.slug}/")
            expect(page.locator(f"#item-{item.pk}")).to_contain_text("Nobody yet")
        alex.evaluate("window.notReloaded = true")
        # When Casey claims it in her browser
        casey.locator(f"#item-{item.pk}").get_by_role("button", name="Claim").click()
        expect(casey.locator(f"#item-{item.pk}")).to_contain_text("You")
        # Then Alex's page shows it claimed by Casey within 5 seconds, and Alex may not claim
        expect(alex.locator(f"#item-{item.pk}")).to_contain_text("Casey Colleague",
                                                                 timeout=5_000)
        expect(alex.locator(f"#item-{item.pk}").get_by_role("button", name="Claim")) \
            .to_have_count(0)
        assert alex.evaluate("window.notReloaded") is True
        # A new emergency shows up too, at the top
        WorkItemFactory(practice=practice, title="Cannot connect", urgency=Urgency.EMERGENCY)
        expect(alex.locator("tr.work-item").first).to_contain_text("Cannot connect",
                                                                   timeout=5_000)
        assert alex.evaluate("window.notReloaded") is True
    finally:
        alex_context.close()
        casey_context.close()


def test_keyboard_only_claim_and_close(browser, live_server, practice, staff):
    first = WorkItemFactory(practice=practice, title="First in line", urgency=Urgency.URGENT)
    second = WorkItemFactory(practice=practice, title="Second in line")
    context, page = _context_for(browser, live_server, staff)
    try:
        page.goto(f"/p/{practice.slug}/")
        page.locator("body").focus()
        page.keyboard.press("j")  # first item
        expect(page.locator(f"#item-{first.pk} .item-open")).to_be_focused()
        page.keyboard.press("c")  # claim it
        expect(page.locator("#queue-announce")).to_contain_text("You claimed “First in line”")
        expect(page.locator(f"#item-{first.pk}")).to_contain_text("You")
        expect(page.locator(f"#item-{first.pk} .item-open")).to_be_focused()
        page.keyboard.press("x")  # close: the panel opens at the outcome field
        outcome = page.locator(f"#outcome-{first.pk}")
        expect(outcome).to_be_focused()
        page.keyboard.type("Called back, rebooked")
        page.keyboard.press("Enter")
        expect(page.locator("#queue-announce")).to_contain_text("Closed “First in line”")
        expect(page.locator(f"#item-{first.pk}")).to_have_count(0)
        # focus lands on the item that is now first
        expect(page.locator(f"#item-{second.pk} .item-open")).to_be_focused()
        page.keyboard.press("?")
        expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
        page.keyboard.press("Escape")
        expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_hidden()
    finally:
        context.close()
    item = WorkItem.objects.get(pk=first.pk)
    assert (item.status, item.owner, item.outcome) == (Status.DONE, staff,
                                                        "Called back, rebooked")


def test_refused_close_shows_the_reason_by_the_field_not_a_bare_page(browser, live_server,
                                                                      practice, staff):
    item = WorkItemFactory(practice=practice, title="Needs an outcome")
    context, page = _context_for(browser, live_server, staff)
    try:
        page.goto(f"/p/{practice.slug}/")
        page.locator(f"#item-{item.pk} .item-open").click()
        outcome = page.locator(f"#outcome-{item.pk}")
        outcome.evaluate("el => el.removeAttribute('required')")  # as an old browser would send
        outcome.fill("   ")
        page.get_by_role("button", name="Close item").click()
        expect(page.locator("#panel-error")).to_contain_text("Say what was done")
        expect(page.get_by_role("heading", name="Queue", exact=True)).to_be_visible()
        expect(page.locator(f"#outcome-{item.pk}")).to_be_focused()
    finally:
        context.close()
    assert WorkItem.objects.get(pk=item.pk).status == Status.OPEN


def _serious(page):
    violations = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in violations if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("width", [1366, 375, 320])
def test_queue_has_no_serious_accessibility_violations_and_no_sideways_scroll(
        browser, live_server, practice, manager, staff, patient, width):
    WorkItemFactory(practice=practice, patient=patient, status=Status.CLAIMED, owner=staff,
                    is_overdue=True, title="A rather long title for a work item about a "
                                           "referral letter that never arrived")
    WorkItemFactory(practice=practice, patient=patient, urgency=Urgency.EMERGENCY,
                    team="records")
    context, page = _context_for(browser, live_server, manager, width=width)
    try:
        for path in (f"/p/{practice.slug}/", f"/p/{practice.slug}/queue/teams/",
                     f"/p/{practice.slug}/team/", f"/p/{practice.slug}/patients/{patient.pk}/"):
            page.goto(path)
            if width != 320:
                assert _serious(page) == [], path
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{path} scrolls sideways at {width}px ({scroll}px)"
        page.goto(f"/p/{practice.slug}/")
        page.locator("tr.work-item .item-open").first.click()
        expect(page.locator("#side-panel .panel")).to_be_visible()
        if width != 320:
            assert _serious(page) == [], "queue with the side panel open"
    finally:
        context.close()
