"""A front-desk assistant registers a patient in real Chromium: warned of a likely
duplicate, opens it instead, corrects the phone number, sees the change in the history.
Plus axe and the 320 px layout of the registration and patient pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.factories import ContactPointFactory, PatientFactory
from vpm.patients.models import Patient, PatientChange

pytestmark = pytest.mark.django_db(transaction=True)


def _serious(page):
    violations = Axe().run(page).response["violations"]
    return [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in violations
            if v["impact"] in ("serious", "critical")]


def _sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")


def test_duplicate_warning_leads_to_the_existing_record_and_a_corrected_phone(
        page, sign_in, practice, staff):
    # Given María García is already a patient, with an old mobile number
    maria = PatientFactory(practice=practice, first_name="María", last_name="García",
                           date_of_birth="1980-05-17")
    ContactPointFactory(patient=maria, value="+13125550100")
    # When Alex registers "Maria Garcia", born 5/17/1980, without accents
    sign_in(staff).goto(f"/p/{practice.slug}/patients/")
    page.get_by_role("link", name="Register a patient").click()
    page.get_by_label("First name").fill("Maria")
    page.get_by_label("Last name").fill("Garcia")
    page.get_by_label("Date of birth").fill("5/17/1980")
    page.get_by_label("Mobile phone").fill("312 555 0177")
    page.get_by_role("button", name="Register patient").click()
    # Then the page warns of a likely duplicate and saves nothing
    warning = page.get_by_role("alert").filter(has_text="This may be a patient you already have")
    expect(warning).to_contain_text("same date of birth and a similar name")
    assert Patient.objects.count() == 1
    page.screenshot(path="/tmp/vpm-register-duplicate.png", full_page=True)
    # When Alex opens the existing record instead
    warning.get_by_role("link", name="García, María").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("María García")
    # And corrects the mobile number there
    page.get_by_role("link", name="Edit details").click()
    page.get_by_label("Mobile phone").fill("(312) 555-0177")
    page.get_by_role("button", name="Save changes").click()
    # Then the page says so, the number is the new one and the history shows the change
    expect(page.get_by_text("Saved 1 change.")).to_be_visible()
    expect(page.locator("#contact-points").locator("..")).to_contain_text("(312) 555-0177")
    history = page.locator("table.history")
    expect(history).to_contain_text("mobile phone")
    expect(history).to_contain_text("(312) 555-0100")
    expect(history).to_contain_text("(312) 555-0177")
    expect(history).to_contain_text("Alex Staff")
    assert PatientChange.objects.get(patient=maria, field="contact:phone").changed_by == staff
    assert Patient.objects.count() == 1
    page.screenshot(path="/tmp/vpm-patient-history.png", full_page=True)


@pytest.mark.parametrize("width", [320, 1366])
def test_patient_pages_pass_axe_and_fit_a_small_screen(page, sign_in, practice, staff, width):
    for n in range(5):
        patient = PatientFactory(practice=practice, first_name="Maximiliana",
                                 last_name=f"Wolfeschlegelsteinhausen{n}")
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(staff)
    for url in [f"/p/{practice.slug}/patients/", f"/p/{practice.slug}/patients/new/",
                f"/p/{practice.slug}/patients/{patient.pk}/",
                f"/p/{practice.slug}/patients/{patient.pk}/edit/"]:
        page.goto(url)
        assert _serious(page) == [], url
        if width == 320:
            assert not _sideways_scroll(page), url
    page.goto(f"/p/{practice.slug}/patients/")
    page.screenshot(path=f"/tmp/vpm-patient-list-{width}.png", full_page=True)
