"""The staff front door and queue in a real browser, plus axe on the main pages."""

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, WorkItemFactory
from vpm.queue.models import Status, WorkItem
from vpm.queue.services import work_item_claim

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOT = "/tmp/vpm-staff-home.png"


def _row(page, item):
    return page.locator(f"#item-{item.pk}")


def test_staff_signs_in_with_totp_and_claims_a_team_item_in_place(page, practice, staff,
                                                                   patient):
    # Given Alex has one item and the team has one waiting
    mine = WorkItemFactory(practice=practice, patient=patient, title="Call back about labs",
                           status=Status.CLAIMED, owner=staff)
    waiting = WorkItemFactory(practice=practice, title="Verify phone before the visit")
    # When Alex signs in with password, then the authenticator code
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Authenticator code").fill(pyotp.TOTP(TEST_TOTP_SECRET).now())
    page.get_by_role("button", name="Sign in").click()
    # Then Alex is on their home page with both items
    expect(page.get_by_role("heading", name="Queue", exact=True)).to_be_visible()
    assert page.url.endswith(f"/p/{practice.slug}/")
    expect(_row(page, mine)).to_contain_text("Maria Garcia")
    expect(_row(page, waiting)).to_contain_text("Nobody yet")
    # When Alex claims the waiting item
    page.evaluate("window.stillThisPage = true")
    _row(page, waiting).get_by_role("button", name="Claim").click()
    # Then its row shows Alex as owner, without a page load
    expect(_row(page, waiting)).to_contain_text("You")
    expect(_row(page, waiting).get_by_role("button", name="Release")).to_be_visible()
    assert page.evaluate("window.stillThisPage") is True
    assert WorkItem.objects.get(pk=waiting.pk).owner == staff
    page.screenshot(path=SCREENSHOT, full_page=True)


def test_claim_lost_to_a_colleague_shows_who_has_it(page, sign_in, practice, staff, colleague):
    # Given Alex's page shows an open item
    item = WorkItemFactory(practice=practice, title="Records request")
    sign_in(staff).goto(f"/p/{practice.slug}/")
    # And meanwhile Casey claims it
    work_item_claim(item=item, user=colleague)
    # When Alex clicks Claim
    _row(page, item).get_by_role("button", name="Claim").click()
    # Then the row says who has it
    expect(page.locator("#queue-announce")).to_have_text("Already claimed by Casey Colleague.")
    expect(_row(page, item)).to_contain_text("Casey Colleague")
    assert WorkItem.objects.get(pk=item.pk).owner == colleague


def _serious_violations(page):
    violations = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
            for v in violations if v["impact"] in ("serious", "critical")]


def test_staff_pages_have_no_serious_accessibility_violations(page, sign_in, practice, staff,
                                                              patient):
    WorkItemFactory(practice=practice, patient=patient, status=Status.CLAIMED, owner=staff,
                    is_overdue=True)
    WorkItemFactory(practice=practice, patient=patient, urgency=0)
    sign_in(staff)
    for path in [f"/p/{practice.slug}/", f"/p/{practice.slug}/patients/{patient.pk}/"]:
        page.goto(path)
        assert _serious_violations(page) == [], path


def test_portal_home_has_no_serious_accessibility_violations(page, sign_in, practice,
                                                             patient_user):
    sign_in(patient_user).goto(f"/p/{practice.slug}/portal/")
    expect(page.get_by_role("heading", name="Hello, Maria")).to_be_visible()
    assert _serious_violations(page) == []


def test_sign_in_page_has_no_serious_accessibility_violations(page):
    page.goto("/accounts/login/")
    assert _serious_violations(page) == []
