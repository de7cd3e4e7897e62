import pytest
from django.urls import reverse

from tests.factories import ContactPointFactory, PatientFactory


@pytest.fixture
def register_url(practice):
    return reverse("patient_register", args=[practice.slug])


@pytest.fixture
def valid_registration():
    """What a front-desk assistant types for a new patient."""
    return {
        "first_name": "Lucía", "last_name": "Hernández", "preferred_name": "Lu",
        "date_of_birth": "3/9/1991", "sex": "female", "gender_identity": "",
        "address": "12 Oak St\nSpringfield", "preferred_language": "es",
        "preferred_channel": "sms", "mrn": "", "email": "Lucia@Example.com",
        "mobile_phone": "(312) 555-0142", "home_phone": "",
        "emergency_contact_name": "Ana Hernández", "emergency_contact_relationship": "sister",
        "emergency_contact_phone": "312.555.0199",
        "insurance-payer": "Blue Cross", "insurance-member_id": "XJ123456",
        "insurance-group_number": "G-77", "insurance-subscriber_name": "",
        "insurance-subscriber_relationship": "self",
    }


@pytest.fixture
def existing_maria(practice):
    """Maria Garcia, born 1980-05-17, mobile (312) 555-0100."""
    maria = PatientFactory(practice=practice, first_name="María", last_name="García")
    ContactPointFactory(patient=maria, value="+13125550100")
    return maria


@pytest.fixture
def foreign_patient(other_practice):
    return PatientFactory(practice=other_practice, first_name="Felix", last_name="Foreign")


@pytest.fixture
def api_client_for():
    from rest_framework.test import APIClient

    from vpm.accounts.second_factor import dangerously_record_second_factor

    def make(user):
        client = APIClient()
        client.force_login(user)
        dangerously_record_second_factor(client, user)
        return client

    return make
