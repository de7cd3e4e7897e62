"""Real Chromium: a patient on a phone, in Spanish, answers "yes" to the
red-flag question and sees the urgent instructions at once; in another browser
context the staff queue shows the emergency at the top within 5 seconds."""

import pytest
from playwright.sync_api import expect

from tests.conftest import client_for
from tests.factories import PatientFactory, WorkItemFactory
from vpm.queue.models import Urgency

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 375, "height": 740}


def _context_for(browser, live_server, user, **options):
    from django.conf import settings

    context = browser.new_context(base_url=live_server.url, **options)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                          "value": client_for(user).cookies[settings.SESSION_COOKIE_NAME].value}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def test_spanish_patient_red_flag_yes_reaches_the_top_of_the_staff_queue(
        browser, live_server, practice, patient, patient_user, staff):
    practice.urgent_contact_instructions = "Llame al 911 ahora. Our nurse: (312) 555-0199."
    practice.save()
    patient.preferred_language = "es"
    patient.save()
    WorkItemFactory(practice=practice, patient=PatientFactory(practice=practice),
                    urgency=Urgency.URGENT, team=staff.memberships.get().team)
    staff_context, queue = _context_for(browser, live_server, staff,
                                        viewport={"width": 1366, "height": 900})
    patient_context, phone = _context_for(browser, live_server, patient_user, viewport=PHONE,
                                          is_mobile=True, has_touch=True)
    queue.goto(f"/p/{practice.slug}/")
    expect(queue.locator("tbody tr").first).not_to_contain_text("EMERGENCY")

    phone.goto(f"/p/{practice.slug}/portal/messages/")
    phone.get_by_role("link", name="Escribir un mensaje nuevo").click()
    phone.get_by_label("Un síntoma o me siento mal").check()
    phone.get_by_role("button", name="Seguir").click()
    expect(phone.get_by_role("heading", name="¿Le está pasando algo de esto ahora mismo?")) \
        .to_be_visible()
    phone.get_by_label("Sí").check()
    phone.get_by_role("button", name="Seguir").click()

    expect(phone.get_by_role("alert")).to_contain_text("Llame al 911 ahora.")
    expect(phone.get_by_role("heading", name="Pida ayuda ahora")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(queue.locator("tbody tr").first).to_contain_text("EMERGENCY", timeout=5_000)
    patient_context.close()
    staff_context.close()
