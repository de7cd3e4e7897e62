"""Portal demo data: accounts and patients without one, Spanish and English, and a
printed link of each kind that really opens after its check."""

from io import StringIO

import pytest
from django.test import Client
from django.urls import reverse

from vpm.demo.management.commands.rundemo import Command
from vpm.demo.portal_seed import portal_demo_links
from vpm.demo.seed import DEMO_PASSWORD, seed_demo
from vpm.patients.models import Patient
from vpm.portal.models import PortalAccount
from vpm.practices.models import Practice

pytestmark = pytest.mark.django_db


def test_demo_has_accounts_in_both_languages_and_patients_without_one():
    seed_demo()
    for practice in Practice.objects.all():
        accounts = PortalAccount.objects.for_practice(practice).filter(activated_at__isnull=False)
        assert {a.patient.preferred_language for a in accounts} == {"en", "es"}
        assert Patient.objects.for_practice(practice).filter(portal_account__isnull=True).exists()


def test_demo_patients_sign_in_with_the_printed_password():
    seed_demo()
    practice = Practice.objects.get(slug="riverside")
    response = Client().post(reverse("portal_sign_in", args=[practice.slug]),
                             {"login": "patient@riverside.example", "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_every_printed_link_opens_after_its_check():
    seed_demo()
    for practice in Practice.objects.all():
        links = portal_demo_links(practice)
        assert {link.kind for link in links} == {"status page", "contact details",
                                                 "account invitation"}
        assert {link.language for link in links} >= {"English", "Español"}
        for link in links:
            patient = Patient.objects.for_practice(practice).get(
                first_name=link.patient.split()[0], last_name=link.patient.split()[1])
            client = Client()
            client.get(link.path)
            day, month, year = link.date_of_birth.split()
            answer = {"day": day, "month": month, "year": year, "last_name": patient.last_name}
            checked = client.post(reverse("portal_link_check", args=[practice.slug]), answer)
            assert checked.status_code == 302, link
            assert client.get(checked.url).status_code == 200, link


def test_rundemo_prints_the_portal_links():
    seed_demo()
    command = Command(stdout=StringIO())
    command._print_portal("127.0.0.1:8000")
    text = command.stdout.getvalue()
    assert "http://127.0.0.1:8000/p/riverside/portal/sign-in/" in text
    assert text.count("/portal/l/") == 8 and "+ last name" in text
