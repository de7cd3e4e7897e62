"""Error pages keep the layout and offer a way back; catalogues are complete."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.urls import reverse

from vpm import errors
from vpm.devtools import compile_messages

pytestmark = pytest.mark.django_db


def test_every_spanish_entry_is_translated_and_compiles():
    assert compile_messages.main(["--check"]) == 0


def test_portal_404_keeps_the_portal_layout_in_the_practice_language(client, practice):
    practice.default_language = "es"
    practice.save()
    response = client.get(f"/p/{practice.slug}/portal/no-such-page/")
    assert response.status_code == 404
    assert "No hay esta página" in response.text and practice.name in response.text
    assert "llame al 911" in response.text
    assert reverse("portal_home", args=[practice.slug]) in response.text  # a way back


def test_staff_404_and_403_keep_the_staff_layout(as_user, practice, staff):
    client = as_user(staff)
    missing = client.get(f"/p/{practice.slug}/patients/00000000-0000-0000-0000-000000000000/")
    assert missing.status_code == 404 and "Page not found" in missing.text
    assert "Back to your work" in missing.text and "My work" in missing.text  # the staff menu
    refused = client.get(reverse("team", args=[practice.slug]))
    assert refused.status_code == 403 and "You cannot open this page" in refused.text


def _request(path):
    request = RequestFactory().get(path)
    request.session = SessionStore()
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    return request


def test_500_pages_say_sorry_with_a_way_back(practice):
    portal = errors.server_error(_request(f"/p/{practice.slug}/portal/"))
    staff = errors.server_error(_request(f"/p/{practice.slug}/patients/"))
    assert portal.status_code == staff.status_code == 500
    assert "Something went wrong" in portal.content.decode()
    assert "call 911" in portal.content.decode()
    assert "Back to your work" in staff.content.decode()


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert b"".join(response)[:4] == b"\x00\x00\x01\x00"
