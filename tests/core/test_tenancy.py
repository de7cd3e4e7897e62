import pytest

from tests.factories import PatientFactory
from vpm.patients.models import Patient
from vpm.practices.access import practice_access_for_user
from vpm.practices.tenancy import TenantScopeError

pytestmark = pytest.mark.django_db


def test_scoping_without_a_practice_fails_closed():
    with pytest.raises(TenantScopeError):
        Patient.objects.for_practice(None)


def test_scoping_returns_only_that_practices_rows(practice, other_practice):
    ours = PatientFactory(practice=practice)
    PatientFactory(practice=other_practice)
    assert list(Patient.objects.for_practice(practice)) == [ours]


def test_member_of_two_practices_gets_access_to_each(practice, other_practice, staff):
    from vpm.practices.models import Membership

    Membership.objects.create(practice=other_practice, user=staff, role="staff")
    for place in (practice, other_practice):
        access = practice_access_for_user(user=staff, practice_slug=place.slug)
        assert access.practice == place and access.is_staff


def test_inactive_membership_gives_no_access(practice, staff):
    from django.http import Http404

    staff.memberships.update(is_active=False)
    with pytest.raises(Http404):
        practice_access_for_user(user=staff, practice_slug=practice.slug)
