"""The manager's practice settings page."""

import pytest
from django.urls import reverse

from tests.web.helpers import error_next_to

pytestmark = pytest.mark.django_db


def _form(**changes):
    data = {"name": "Riverside Family Medicine", "timezone": "America/Chicago",
            "default_language": "en", "phone": "(312) 555-0100", "phone_region": "US",
            "email": "", "help_contact": "Call us", "urgent_contact_instructions": "Call 911"}
    for day in ("mon", "tue", "wed", "thu", "fri"):
        data.update({f"{day}_open": "on", f"{day}_opens": "08:00", f"{day}_closes": "17:00"})
    data.update(changes)
    return data


def _post(client, practice, **changes):
    return client.post(reverse("practice_settings", args=[practice.slug]), _form(**changes))


def test_settings_are_saved_and_hours_keep_the_queues_format(as_user, manager, practice):
    response = _post(as_user(manager), practice, sat_open="on", sat_opens="09:00",
                     sat_closes="12:30", fri_open="", timezone="America/Denver",
                     default_language="es")
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.business_hours == {"mon": ["08:00", "17:00"], "tue": ["08:00", "17:00"],
                                       "wed": ["08:00", "17:00"], "thu": ["08:00", "17:00"],
                                       "sat": ["09:00", "12:30"]}
    assert (practice.timezone, practice.default_language, practice.phone) == \
        ("America/Denver", "es", "+13125550100")


@pytest.mark.parametrize("changes, field, message", [
    ({"mon_closes": "07:00"}, "id_mon_closes", "must close after it opens"),
    ({"tue_opens": ""}, "id_tue_opens", "Enter the opening and closing times"),
    ({"wed_opens": "25:99"}, "id_wed_opens", "Enter a valid time"),
    ({"timezone": "Mars/Olympus"}, "id_timezone", "Select a valid choice"),
    ({"name": "x" * 10_000}, "id_name", "at most 200 characters"),
    ({"name": "River\u202eside"}, "id_name", "hidden control characters"),
    ({"phone": "12"}, "id_phone", "does not exist"),
    ({"phone_region": "ZZ"}, "id_phone_region", "two-letter country code"),
])
def test_bad_settings_are_refused_next_to_the_field(as_user, manager, practice, changes, field,
                                                    message):
    before = (practice.name, practice.business_hours, practice.timezone)
    response = _post(as_user(manager), practice, **changes)
    assert response.status_code == 400
    assert message in error_next_to(response, field)
    practice.refresh_from_db()
    assert (practice.name, practice.business_hours, practice.timezone) == before


def test_only_managers_of_the_practice_open_settings(as_user, staff, outsider, practice):
    url = reverse("practice_settings", args=[practice.slug])
    assert as_user(staff).get(url).status_code == 403
    assert as_user(outsider).get(url).status_code == 404
    assert as_user(outsider).post(url, _form(name="Hacked")).status_code == 404
    practice.refresh_from_db()
    assert practice.name == "Riverside Family Medicine"


def test_settings_link_to_the_closed_days_page(as_user, manager, practice):
    response = as_user(manager).get(reverse("practice_settings", args=[practice.slug]))
    assert reverse("queue_closed_days", args=[practice.slug]) in response.text
