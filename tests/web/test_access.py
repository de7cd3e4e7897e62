"""Who may open which page: isolation between practices, roles, MFA, sign-in."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import staff_user
from vpm.practices.models import Membership, Role, Team
from vpm.queue.models import Status, WorkItem

from .helpers import statuses

pytestmark = pytest.mark.django_db


def test_other_practice_gets_404_on_every_url(as_user, outsider, every_practice_url):
    client = as_user(outsider)
    assert statuses(client, every_practice_url) == dict.fromkeys(every_practice_url, 404)
    assert statuses(client, every_practice_url, "post") == dict.fromkeys(every_practice_url, 404)


def test_unknown_practice_is_404_like_a_foreign_one(as_user, staff):
    assert as_user(staff).get("/p/no-such-practice/").status_code == 404


def test_foreign_work_item_under_own_practice_url_is_404(as_user, practice, staff, foreign_item):
    client = as_user(staff)
    for action in ["claim", "release", "assign", "snooze", "close"]:
        url = reverse(f"work_item_{action}", args=[practice.slug, foreign_item.pk])
        assert client.post(url, {"outcome": "x"}).status_code == 404
    foreign_item.refresh_from_db()
    assert (foreign_item.status, foreign_item.owner) == (Status.OPEN, None)


def test_foreign_patient_under_own_practice_url_is_404(as_user, practice, staff, foreign_patient):
    client = as_user(staff)
    page = reverse("patient_detail", args=[practice.slug, foreign_patient.pk])
    posts = [reverse(name, args=[practice.slug, foreign_patient.pk])
             for name in ["contact_attempt_create", "identity_check_create"]]
    assert client.get(page).status_code == 404
    assert statuses(client, posts, "post") == dict.fromkeys(posts, 404)
    assert not foreign_patient.contact_attempts.exists()
    assert not foreign_patient.identity_checks.exists()


def test_foreign_membership_under_own_team_url_is_404(as_user, practice, manager, outsider):
    foreign = outsider.memberships.get()
    url = reverse("membership_change", args=[practice.slug, foreign.pk])
    response = as_user(manager).post(url, {"role": Role.STAFF, "team": ""})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.role == Role.MANAGER


def test_non_numeric_and_non_uuid_ids_are_404(as_user, practice, staff):
    client = as_user(staff)
    slug = practice.slug
    urls = [f"/p/{slug}/patients/not-a-uuid/", f"/p/{slug}/patients/123/",
            f"/p/{slug}/items/abc/claim/", f"/p/{slug}/team/abc/", "/invitations/nope/",
            f"/p/{slug}/items/99999999999999999999/claim/"]
    assert statuses(client, urls, "post") | statuses(client, urls[:2]) == dict.fromkeys(urls, 404)


def test_patient_cannot_open_staff_or_team_pages(as_user, patient_user, staff_pages,
                                                  staff_actions, manager_urls):
    client = as_user(patient_user)
    gets = [*staff_pages, manager_urls[0]]
    posts = [*staff_actions, *manager_urls]
    assert statuses(client, gets) == dict.fromkeys(gets, 403)
    assert statuses(client, posts, "post") == dict.fromkeys(posts, 403)


def test_staff_and_provider_cannot_open_the_team_page(as_user, staff, provider, manager_urls):
    for user in (staff, provider):
        client = as_user(user)
        assert statuses(client, manager_urls[:1]) == dict.fromkeys(manager_urls[:1], 403)
        assert statuses(client, manager_urls, "post") == dict.fromkeys(manager_urls, 403)


def test_staff_cannot_open_the_patient_portal(as_user, practice, staff):
    assert as_user(staff).get(reverse("portal_home", args=[practice.slug])).status_code == 403


def test_every_role_of_the_practice_opens_the_staff_pages(as_user, staff, provider, manager,
                                                          staff_pages):
    for user in (staff, provider, manager):
        assert statuses(as_user(user), staff_pages) == dict.fromkeys(staff_pages, 200)


def test_anonymous_is_sent_to_sign_in(client, practice, every_practice_url):
    portal_sign_in = reverse("portal_sign_in", args=[practice.slug])
    for method in ("get", "post"):
        for url in every_practice_url:
            response = getattr(client, method)(url)
            assert response.status_code == 302, url
            # Patient pages send patients to their practice's portal sign-in.
            sign_in = portal_sign_in if url.startswith(f"/p/{practice.slug}/portal/") \
                else reverse("account_login")
            assert response.url.startswith(sign_in + "?next="), url


def test_staff_without_totp_is_sent_to_enrolment_from_every_staff_page(
        practice, staff_pages, staff_actions):
    # Given a member who never enrolled an authenticator
    user = staff_user(practice, role=Role.MANAGER, mfa=False)
    client = Client()
    client.force_login(user)
    enrol = reverse("mfa_activate_totp")
    urls = [reverse("home"), *staff_pages, reverse("team", args=[practice.slug])]
    # Then every staff page sends them to enrol, and no action goes through
    assert {url: client.get(url).get("Location") for url in urls} == dict.fromkeys(urls, enrol)
    assert {url: client.post(url).get("Location") for url in staff_actions} == \
        dict.fromkeys(staff_actions, enrol)
    assert not WorkItem.objects.exclude(status=Status.OPEN).exists()


def test_patient_without_totp_uses_the_portal(as_user, practice, patient_user):
    response = as_user(patient_user).get(reverse("portal_home", args=[practice.slug]))
    assert response.status_code == 200
    assert "Hello, Maria" in response.text


def test_member_of_two_practices_uses_both_in_one_session(as_user, practice, other_practice):
    # Given one person on the staff of two practices
    user = staff_user(practice, name="Robin Both")
    Membership.objects.create(practice=other_practice, user=user, role=Role.STAFF,
                              team=Team.REGISTRATION)
    client = as_user(user)
    # When they open both practices' pages in the same session (two tabs)
    first = client.get(reverse("patient_list", args=[practice.slug]))
    second = client.get(reverse("patient_list", args=[other_practice.slug]))
    again = client.get(reverse("staff_home", args=[practice.slug]))
    # Then each page is that practice's
    assert (first.status_code, second.status_code, again.status_code) == (200, 200, 200)
    assert practice.name in first.text and other_practice.name not in first.text
    assert other_practice.name in second.text and practice.name not in second.text


def test_home_lists_every_place_of_a_two_practice_member(as_user, practice, other_practice):
    user = staff_user(practice)
    Membership.objects.create(practice=other_practice, user=user)
    response = as_user(user).get(reverse("home"))
    assert response.status_code == 200
    assert practice.name in response.text and other_practice.name in response.text


def test_home_sends_a_single_place_member_straight_there(as_user, practice, staff, patient_user):
    assert as_user(staff).get("/").url == reverse("staff_home", args=[practice.slug])
    assert as_user(patient_user).get("/").url == reverse("portal_home", args=[practice.slug])


def test_home_asks_anonymous_to_sign_in(client):
    assert client.get("/").url.startswith(reverse("account_login"))


def test_healthz_answers_without_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_django_admin_refuses_a_practice_manager(as_user, manager):
    response = as_user(manager).get("/admin/", follow=True)
    assert response.status_code == 403
    assert "Site administration" not in response.text


def test_django_admin_opens_for_a_superuser_with_totp(practice):
    # Given a platform operator (superuser) enrolled in TOTP
    operator = staff_user(practice, role=Role.STAFF)
    operator.is_staff = operator.is_superuser = True
    operator.save(update_fields=["is_staff", "is_superuser"])
    client = client_for(operator)
    assert client.get("/admin/").status_code == 200
