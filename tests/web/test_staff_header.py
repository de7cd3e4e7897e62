"""The staff navigation is kept per practice, name, role and language (the
"fragments" cache in templates/staff/base.html): each person must still see
their own practice's links for their own role, and a rename at once."""

import pytest
from django.urls import reverse

from vpm.practices.models import Practice

pytestmark = pytest.mark.django_db


def _page(client, practice):
    return client.get(reverse("staff_home", args=[practice.slug])).text


def test_staff_and_managers_of_one_practice_each_see_their_own_links(as_user, practice,
                                                                    staff, manager):
    team_link = f'href="{reverse("team", args=[practice.slug])}"'
    assert team_link in _page(as_user(manager), practice)
    assert team_link not in _page(as_user(staff), practice)
    assert team_link in _page(as_user(manager), practice)


def test_another_practice_gets_its_own_links_and_name(as_user, practice, other_practice,
                                                      staff, outsider):
    _page(as_user(staff), practice)
    text = _page(as_user(outsider), other_practice)
    assert other_practice.name in text and f"/p/{other_practice.slug}/patients/" in text
    assert practice.name not in text and f"/p/{practice.slug}/" not in text


def test_a_renamed_practice_shows_its_new_name_at_once(as_user, practice, staff):
    client = as_user(staff)
    assert practice.name in _page(client, practice)
    Practice.objects.filter(pk=practice.pk).update(name="Hillside Clinic")
    text = _page(client, practice)
    assert "VPM · Hillside Clinic" in text and "Riverside Family Medicine" not in text
