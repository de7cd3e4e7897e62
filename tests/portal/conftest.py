"""Portal fixtures: links, a checked link session, accounts."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import ContactPointFactory, PatientFactory
from vpm.portal.services import portal_link_create

DOB = {"day": "17", "month": "5", "year": "1980"}  # PatientFactory's date of birth
WRONG_DOB = {"day": "18", "month": "5", "year": "1980"}


def make_link(patient, purpose="status", expires_in=timedelta(days=1), target=""):
    link, path = portal_link_create(patient=patient, purpose=purpose, target=target,
                                    expires_in=expires_in)
    return link, path


def check_path(practice):
    return reverse("portal_link_check", args=[practice.slug])


def open_and_check(client, path, practice, answer=DOB):
    """Open a link and answer its check; returns the check's response."""
    client.get(path)
    return client.post(check_path(practice), answer)


@pytest.fixture
def second_patient(practice):
    return PatientFactory(practice=practice, first_name="Second", last_name="Person")


@pytest.fixture
def link_client(patient):
    """A browser that passed the check of a status link of `patient`."""
    client = Client()
    _link, path = make_link(patient)
    response = open_and_check(client, path, patient.practice)
    assert response.status_code == 302
    return client


@pytest.fixture
def mobile(patient):
    return ContactPointFactory(patient=patient, kind="phone", value="+13125550123",
                               is_primary=True)
