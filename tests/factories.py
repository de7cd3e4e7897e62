from datetime import date, timedelta

import factory
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from vpm.accounts.models import User
from vpm.patients.models import ContactAttempt, ContactPoint, Patient
from vpm.practices.models import Membership, Practice, Role, Team
from vpm.queue.models import Kind, WorkItem

TEST_PASSWORD = "a-long-test-password-1"
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice

    name = factory.Sequence(lambda n: f"Practice {n}")
    slug = factory.Sequence(lambda n: f"practice-{n}")
    timezone = "America/Chicago"
    help_contact = "Call (312) 555-0100"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


def staff_user(practice, *, role=Role.STAFF, team=Team.REGISTRATION, mfa=True, **kwargs):
    """A member of `practice`, enrolled in TOTP unless told otherwise."""
    user = UserFactory(**kwargs)
    Membership.objects.create(practice=practice, user=user, role=role, team=team)
    if mfa:
        TOTP.activate(user, TEST_TOTP_SECRET)
    return user


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    practice = factory.SubFactory(PracticeFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = factory.LazyFunction(lambda: date(1980, 5, 17))
    mrn = factory.Sequence(lambda n: f"MRN{n:06d}")


class ContactPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPoint

    patient = factory.SubFactory(PatientFactory)
    practice = factory.SelfAttribute("patient.practice")
    kind = "phone"
    value = factory.Sequence(lambda n: f"+1312555{n:04d}")


class ContactAttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactAttempt

    patient = factory.SubFactory(PatientFactory)
    practice = factory.SelfAttribute("patient.practice")
    channel = "phone"
    direction = "outbound"
    outcome = "reached"
    occurred_at = factory.LazyFunction(timezone.now)


class WorkItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkItem

    practice = factory.SubFactory(PracticeFactory)
    kind = Kind.CALLBACK
    team = Team.REGISTRATION
    title = factory.Sequence(lambda n: f"Call back patient {n}")
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=4))
