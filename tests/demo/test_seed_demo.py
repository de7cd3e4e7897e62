import pyotp
import pytest
from allauth.mfa.totp.internal.auth import validate_totp_code

from vpm.demo.seed import seed_demo
from vpm.patients.models import Patient
from vpm.practices.models import Membership, Practice
from vpm.queue.models import WorkItem

pytestmark = pytest.mark.django_db


def test_demo_has_two_practices_with_every_role_and_enough_patients():
    seed_demo()
    for practice in Practice.objects.all():
        roles = sorted(Membership.objects.filter(practice=practice).values_list("role", flat=True))
        assert roles == ["manager", "provider"] + ["staff"] * 6
        assert Patient.objects.for_practice(practice).count() >= 30
        kinds = set(WorkItem.objects.for_practice(practice).values_list("kind", flat=True))
        assert len(kinds) >= 5
    assert Practice.objects.count() == 2


def test_running_the_seed_twice_adds_nothing():
    seed_demo()
    counts = (Patient.objects.count(), WorkItem.objects.count(), Membership.objects.count())
    seed_demo()
    assert (Patient.objects.count(), WorkItem.objects.count(), Membership.objects.count()) == counts


def test_printed_totp_secret_produces_codes_allauth_accepts():
    login = next(entry for entry in seed_demo() if entry.role == "staff")
    assert validate_totp_code(login.totp_secret, pyotp.TOTP(login.totp_secret).now())


def test_each_demo_practice_has_its_own_staff_names():
    seed_demo()
    names = {practice.slug: set(Membership.objects.filter(practice=practice)
                                .values_list("user__name", flat=True))
             for practice in Practice.objects.all()}
    assert len(names["riverside"]) == 8 and not names["riverside"] & names["lakeview"]


def test_demo_queue_has_a_member_on_every_team_every_kind_overdue_and_waiting():
    from vpm.practices.models import Team, TeamSettings
    from vpm.queue.models import Kind, Status

    seed_demo()
    for practice in Practice.objects.all():
        teams = set(Membership.objects.filter(practice=practice, is_active=True)
                    .exclude(team="").values_list("team", flat=True))
        assert teams == set(Team.values)
        items = WorkItem.objects.for_practice(practice)
        assert set(items.values_list("kind", flat=True)) == set(Kind.values)
        assert items.filter(is_overdue=True).exists()
        assert items.filter(status=Status.WAITING).exists()
        assert items.filter(status=Status.DONE).exists()
        assert TeamSettings.objects.filter(practice=practice, auto_assign=True).count() == 1
        triage = items.filter(team=Team.TRIAGE, status=Status.CLAIMED)
        assert triage.exists()  # auto-assigned to the triage member
