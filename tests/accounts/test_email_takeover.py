"""Email addresses cannot be taken over (issue 13, item 3).

The sign-in address is the account's one address (User.email, unique). It
arrives by invitation (proven by the link) or from the practice; allauth's
email management, which let any account add and make primary any address
unverified, is switched off for everyone.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import client_for
from tests.factories import TEST_PASSWORD
from vpm.practices.services import invitation_create

pytestmark = pytest.mark.django_db

EMAIL = "/accounts/email/"
RESET = "/accounts/password/reset/"


def test_a_patient_cannot_add_someone_elses_address(patient_user, staff):
    client = client_for(patient_user)
    response = client.post(EMAIL, {"action_add": "", "email": staff.email})
    assert response.status_code == 405
    assert not EmailAddress.objects.filter(user=patient_user, email__iexact=staff.email).exists()


def test_making_primary_an_address_another_account_uses_is_refused_without_a_500(
        patient_user, staff):
    # Given an address row the old email page let a patient add (unverified)
    EmailAddress.objects.create(user=patient_user, email=staff.email, verified=False)
    client = client_for(patient_user)
    response = client.post(EMAIL, {"action_primary": "", "email": staff.email})
    assert response.status_code == 405
    patient_user.refresh_from_db()
    assert patient_user.email == "maria@example.test"


def test_the_email_page_shows_the_sign_in_address_and_how_to_change_it(patient_user):
    response = client_for(patient_user).get(EMAIL)
    assert response.status_code == 200
    assert "maria@example.test" in response.text
    assert "<form" not in response.text.split("<main", 1)[1].split("</main>")[0] \
        .replace('id="logout-form"', "")  # no form to add or change an address here


def test_reset_sends_each_link_only_to_its_own_accounts_address(patient_user, staff):
    # Given a patient's stray, unverified row naming Alex's address
    EmailAddress.objects.create(user=patient_user, email=staff.email, verified=False)
    # When a reset is asked for Alex's address
    Client().post(RESET, {"email": staff.email})
    # Then one message goes to Alex, with a link for Alex's account only
    assert [m.to for m in mail.outbox] == [[staff.email]]
    links = re.findall(r"/accounts/password/reset/key/(\w+)-", mail.outbox[0].body)
    assert len(links) == 1
    from allauth.account.utils import user_pk_to_url_str
    assert links[0] == user_pk_to_url_str(staff)
    # And a reset asked for the patient's own address goes only there
    mail.outbox.clear()
    Client().post(RESET, {"email": "maria@example.test"})
    assert [m.to for m in mail.outbox] == [["maria@example.test"]]
    links = re.findall(r"/accounts/password/reset/key/(\w+)-", mail.outbox[0].body)
    assert links == [user_pk_to_url_str(patient_user)]


def test_reset_answers_the_same_for_an_unknown_address(staff):
    known = Client().post(RESET, {"email": staff.email})
    unknown = Client().post(RESET, {"email": "nobody-here@example.test"})
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)


def test_a_stray_row_does_not_block_inviting_that_address(practice, manager, patient_user):
    EmailAddress.objects.create(user=patient_user, email="new.hire@example.test", verified=False)
    invitation = invitation_create(practice=practice, email="new.hire@example.test",
                                   role="staff", team="", invited_by=manager,
                                   base_url="http://testserver")
    page = Client().get(reverse("invitation_accept", args=[invitation.token]))
    assert page.status_code == 200
    assert "already have" not in page.text


def _account_urls():
    """Every URL pattern under /accounts/, from the resolver, with sample arguments."""
    samples = {"token_id": "1", "key": "MQ:1abcde:xyz", "uidb36": "1"}

    def walk(resolver, prefix):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern)

    urls = set()
    for pattern in walk(get_resolver(), ""):
        if not pattern.startswith("accounts/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: samples[m.group(1)], pattern)
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: samples[m.group(1)], path)
        urls.add("/" + path.replace("^", "").replace("$", ""))
    return sorted(urls)


def test_the_probe_finds_the_account_pages():
    urls = _account_urls()
    assert EMAIL in urls and RESET in urls and "/accounts/2fa/" in urls
    assert len(urls) >= 25


@pytest.mark.parametrize("who", ["anonymous", "patient", "staff"])
def test_no_account_url_answers_500_to_another_accounts_address(
        who, patient_user, staff, colleague):
    clients = {"anonymous": Client(), "patient": client_for(patient_user),
               "staff": client_for(staff)}
    client = clients[who]
    client.raise_request_exception = False
    other = colleague.email
    bodies = [{"action_add": "", "email": other}, {"action_primary": "", "email": other},
              {"action_remove": "", "email": other}, {"action_send": "", "email": other},
              {"email": other}, {"login": other, "password": TEST_PASSWORD},
              {"password": "x", "password1": "another-long-pass-9", "password2": "x"},
              {"code": "123456"}]
    answers = {}
    for url in _account_urls():
        if url == "/accounts/logout/":
            continue  # would end the session the next requests use
        answers[("get", url)] = client.get(url).status_code
        for body in bodies:
            answers[("post", url, tuple(body))] = client.post(url, body).status_code
    assert not {k: v for k, v in answers.items() if v >= 500}
    # And the other account's address was never attached to anyone else
    assert not EmailAddress.objects.filter(email__iexact=other).exclude(user=colleague).exists()
    colleague.refresh_from_db()
    assert colleague.email == other


def test_migration_forgets_addresses_added_through_the_old_email_page(patient_user, staff):
    import importlib

    from django.apps import apps
    from django.db import connection

    EmailAddress.objects.create(user=patient_user, email=staff.email, verified=False)
    EmailAddress.objects.create(user=patient_user, email="Maria@Example.test", verified=True,
                                primary=True)
    migration = importlib.import_module("vpm.accounts.migrations.0005_sign_in_addresses_only")
    with connection.schema_editor() as editor:
        migration.keep_sign_in_addresses_only(apps, editor)
    assert list(EmailAddress.objects.values_list("user", "email")) == \
        [(patient_user.pk, "Maria@Example.test")]


def test_accepting_an_invitation_proves_the_address(client, practice, manager):
    invitation = invitation_create(practice=practice, email="jo.new@example.test", role="staff",
                                   team="", invited_by=manager, base_url="http://testserver")
    client.post(reverse("invitation_accept", args=[invitation.token]),
                {"name": "Jo New", "password": "a-long-new-password-7"})
    assert EmailAddress.objects.filter(email="jo.new@example.test", verified=True,
                                       primary=True).exists()
