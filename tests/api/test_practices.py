import pytest

from tests.factories import PracticeFactory
from vpm.practices.models import Membership, Role, Team

pytestmark = pytest.mark.django_db


def test_lists_my_practices_with_role_and_team(api_as, practice, staff):
    response = api_as(staff).get("/api/v1/practices/")
    assert response.status_code == 200
    assert response.json()["results"] == [{
        "slug": "riverside", "name": "Riverside Family Medicine", "timezone": "America/Chicago",
        "role": "staff", "team": "registration",
    }]


def test_never_lists_a_practice_i_do_not_belong_to(api_as, practice, staff, outsider):
    slugs = [row["slug"] for row in api_as(outsider).get("/api/v1/practices/").json()["results"]]
    assert slugs == ["lakeview"]


def test_lists_every_practice_of_a_member_of_two(api_as, practice, other_practice, staff):
    Membership.objects.create(practice=other_practice, user=staff, role=Role.MANAGER)
    rows = api_as(staff).get("/api/v1/practices/").json()["results"]
    assert [(row["slug"], row["role"]) for row in rows] == [
        ("lakeview", "manager"), ("riverside", "staff")]


def test_deactivated_membership_is_not_listed(api_as, practice, staff):
    Membership.objects.filter(user=staff).update(is_active=False)
    assert api_as(staff).get("/api/v1/practices/").json()["results"] == []


def test_patient_portal_account_lists_no_practice(api_as, patient_user):
    response = api_as(patient_user).get("/api/v1/practices/")
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_unknown_query_parameter_is_400(api_as, staff):
    response = api_as(staff).get("/api/v1/practices/?role=manager")
    assert response.status_code == 400
    assert "role" in response.json()


def test_my_practices_run_a_fixed_number_of_queries(api_as, staff,
                                                    count_queries):
    # given a user in 5 practices, then in 60 (more than a page)
    client = api_as(staff)
    _join(staff, 4)
    few = count_queries(client, "/api/v1/practices/", 10)
    _join(staff, 55)
    many = count_queries(client, "/api/v1/practices/", 10)
    assert few == many


def _join(user, count):
    for practice in PracticeFactory.create_batch(count):
        Membership.objects.create(practice=practice, user=user, team=Team.TRIAGE)

