"""The session store and the user load that every signed-in request runs,
written by hand (vpm/accounts/sessions.py, vpm/accounts/backends.py): they
must read exactly what Django's own code reads, and refuse what it refuses."""

import importlib
from datetime import timedelta

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.factories import TEST_PASSWORD, UserFactory
from vpm.accounts.backends import AuthenticationBackend, ModelBackend, load_user
from vpm.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _saved_session(data, **expiry):
    store = DjangoSessionStore()
    store.update(data)
    if expiry:
        store.set_expiry(timedelta(**expiry))
    store.save()
    return store.session_key


def test_a_live_session_loads_what_djangos_store_loads():
    key = _saved_session({"answer": 42, "name": "José <b>"})
    assert dict(SessionStore(key).load()) == dict(DjangoSessionStore(key).load()) == {
        "answer": 42, "name": "José <b>"}


@pytest.mark.parametrize("key", ["no-such-session-key-at-all", "short", None])
def test_an_unknown_or_malformed_key_loads_nothing_and_gets_a_new_key_on_save(key):
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None


def test_an_expired_session_loads_nothing():
    key = _saved_session({"answer": 42}, seconds=60)
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1))
    store = SessionStore(key)
    assert store.load() == {} and store.session_key is None


def test_tampered_session_data_loads_nothing():
    key = _saved_session({"_auth_user_id": "1"})
    Session.objects.filter(session_key=key).update(session_data="eyJfYXV0aF91c2VyX2lkIjoiMiJ9:forged")
    assert SessionStore(key).load() == {}


def test_the_hand_load_of_a_user_equals_the_orms(staff):
    by_hand, by_orm = load_user(staff.pk), get_user_model().objects.get(pk=staff.pk)
    for field in get_user_model()._meta.concrete_fields:
        assert getattr(by_hand, field.attname) == getattr(by_orm, field.attname), field.name
    assert by_hand._state.adding is False and by_hand._state.db == "default"
    assert load_user(staff.pk + 10_000) is None


@pytest.mark.parametrize("backend", [ModelBackend(), AuthenticationBackend()])
def test_a_deactivated_user_is_not_loaded(backend):
    user = UserFactory(is_active=False)
    assert backend.get_user(user.pk) is None
    assert backend.get_user(UserFactory().pk) is not None


def test_signing_in_records_a_backend_that_loads_by_hand(client, patient_user):
    client.post(reverse("account_login"), {"login": patient_user.email,
                                           "password": TEST_PASSWORD})
    assert client.session[BACKEND_SESSION_KEY].startswith("vpm.accounts.backends.")


def test_a_deactivated_users_session_stops_working(as_user, practice, staff):
    client = as_user(staff)
    assert client.get(reverse("staff_home", args=[practice.slug])).status_code == 200
    get_user_model().objects.filter(pk=staff.pk).update(is_active=False)
    response = client.get(reverse("staff_home", args=[practice.slug]))
    assert response.status_code == 302 and reverse("account_login") in response.url


def test_sessions_signed_in_under_the_old_backends_stay_signed_in(practice, staff):
    """Migration 0006 moves sessions that name Django's or allauth's backend to ours."""
    from django.apps import apps

    migration = importlib.import_module("vpm.accounts.migrations.0006_sessions_use_vpm_backends")
    client = client_for(staff)
    session = client.session
    session[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
    session.save()
    home = reverse("staff_home", args=[practice.slug])
    assert client.get(home).status_code == 302  # not a listed backend: signed out

    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session.save()

    class Editor:
        class connection:
            alias = "default"

    migration.forwards(apps, Editor)
    assert client.session[BACKEND_SESSION_KEY] == "vpm.accounts.backends.ModelBackend"
    assert client.get(home).status_code == 200
