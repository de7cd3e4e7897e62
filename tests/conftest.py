"""The cast every test can use: one practice with each role, and an outsider
who works at a second practice (every endpoint must give them a 404)."""

import pytest
from django.test import Client

from vpm.accounts.second_factor import dangerously_record_second_factor
from vpm.practices.models import Role, Team

from .factories import PatientFactory, PracticeFactory, UserFactory, WorkItemFactory, staff_user
from .reporting import SUMMARY_SECTIONS


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    for title, text in config.stash.get(SUMMARY_SECTIONS, {}).items():
        terminalreporter.write_sep("-", title)
        terminalreporter.write_line(text)


@pytest.fixture(autouse=True)
def fresh_cache_and_fast_hashing(settings):
    """Each test starts with no cached rate-limit counters, and hashes
    passwords with a fast hasher (the real one costs ~0.3 s per sign-in).

    The cache is an in-process one so that clearing it never flushes the
    Redis database the broker tests use.
    """
    from django.core.cache import cache, caches

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
                       "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                     "LOCATION": "test-fragments"}}
    cache.clear()
    caches["fragments"].clear()


@pytest.fixture
def practice(db):
    return PracticeFactory(slug="riverside", name="Riverside Family Medicine")


@pytest.fixture
def other_practice(db):
    return PracticeFactory(slug="lakeview", name="Lakeview Pediatrics")


@pytest.fixture
def manager(practice):
    return staff_user(practice, role=Role.MANAGER, team="", name="Morgan Manager")


@pytest.fixture
def staff(practice):
    return staff_user(practice, team=Team.REGISTRATION, name="Alex Staff")


@pytest.fixture
def colleague(practice):
    return staff_user(practice, team=Team.REGISTRATION, name="Casey Colleague")


@pytest.fixture
def provider(practice):
    return staff_user(practice, role=Role.PROVIDER, team="", name="Dr. Pat Provider")


@pytest.fixture
def outsider(other_practice):
    return staff_user(other_practice, role=Role.MANAGER, team=Team.REGISTRATION,
                      name="Olly Outsider")


@pytest.fixture
def patient(practice):
    return PatientFactory(practice=practice, first_name="Maria", last_name="Garcia")


@pytest.fixture
def patient_user(patient):
    user = UserFactory(email="maria@example.test", name="Maria Garcia")
    patient.user = user
    patient.save(update_fields=["user"])
    return user


@pytest.fixture
def work_item(practice, patient):
    return WorkItemFactory(practice=practice, patient=patient)


def client_for(user, client_class=Client) -> Client:
    """A browser session signed in as `user`, with the second factor passed in it
    (when the user has an authenticator), as allauth records a real sign-in."""
    client = client_class()
    client.force_login(user)
    dangerously_record_second_factor(client, user)
    return client


@pytest.fixture
def as_user():
    return client_for
