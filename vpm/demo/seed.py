"""Demo data: two practices, so isolation is visible, each with staff and patients.

Idempotent: running it again finds what is there and adds nothing twice.
Demo staff are enrolled in TOTP with a fixed secret so the sign-in can be
shown; never run this against a real deployment (rundemo refuses to).
"""

import base64
import hashlib
import random
from dataclasses import dataclass
from datetime import date, timedelta

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from vpm.patients.models import ContactAttempt, ContactPoint, Patient
from vpm.practices.models import Membership, Practice, Role, Team, TeamSettings
from vpm.queue.models import Kind, Urgency, WorkItem
from vpm.queue.services import (
    work_item_close,
    work_item_open,
    work_item_open_or_update,
    work_item_wait_on_patient,
    work_items_flag_overdue,
)

DEMO_PASSWORD = "demo-pass-2026"

PRACTICES = [
    ("riverside", "Riverside Family Medicine", "America/Chicago", "(312) 555-0140"),
    ("lakeview", "Lakeview Pediatrics", "America/New_York", "(617) 555-0199"),
]
STAFF = [
    ("manager", Role.MANAGER, ""),
    ("frontdesk1", Role.STAFF, Team.REGISTRATION),
    ("frontdesk2", Role.STAFF, Team.TRIAGE),
    ("provider", Role.PROVIDER, ""),
]
# Different people in each practice, so two tabs on two practices never look alike.
STAFF_NAMES = {
    "riverside": {"manager": "Morgan Reyes", "frontdesk1": "Alex Kim",
                  "frontdesk2": "Sam Ortiz", "provider": "Dr. Priya Shah"},
    "lakeview": {"manager": "Jordan Blake", "frontdesk1": "Riley Chen",
                 "frontdesk2": "Taylor Brooks", "provider": "Dr. Omar Haddad"},
}
FIRST = ["Maria", "James", "Linda", "Robert", "Ana", "David", "Sofia", "Michael", "Grace",
         "Luis", "Emily", "Daniel", "Rosa", "Thomas", "Aisha", "Kevin", "Carmen", "Brian",
         "Olivia", "Jorge", "Hannah", "Wei", "Fatima", "Noah", "Lucia", "Ethan", "Mei", "Omar",
         "Julia", "Samuel", "Elena", "Marcus"]
LAST = ["Garcia", "Johnson", "Nguyen", "Smith", "Martinez", "Brown", "Lopez", "Williams",
        "Chen", "Hernandez", "Davis", "Patel", "Rodriguez", "Miller", "Khan", "Wilson",
        "Gonzalez", "Moore", "Taylor", "Ramirez", "Anderson", "Li", "Ali", "Thomas",
        "Flores", "Jackson", "Wang", "Hassan", "Perez", "White", "Torres", "Lee"]
SPANISH_FIRST = {"Maria", "Ana", "Luis", "Rosa", "Carmen", "Jorge", "Lucia", "Elena", "Sofia"}
PATIENTS_PER_PRACTICE = 32


@dataclass
class DemoLogin:
    practice: str
    email: str
    role: str
    totp_secret: str | None


def demo_totp_secret(email: str) -> str:
    """A fixed, per-account secret so `make run` can print it and tests can compute codes."""
    return base64.b32encode(hashlib.sha256(f"vpm-demo:{email}".encode()).digest()[:20]).decode()


@transaction.atomic
def seed_demo() -> list[DemoLogin]:
    logins = []
    for slug, name, tz, phone in PRACTICES:
        practice, _ = Practice.objects.get_or_create(slug=slug, defaults=dict(
            name=name, timezone=tz, phone=phone, email=f"frontdesk@{slug}.example",
            help_contact=f"Call us at {phone}, Monday to Friday 8am–5pm.",
            urgent_contact_instructions="If this is an emergency, call 911 now. For urgent "
            f"questions after hours, call our on-call line at {phone}, option 2.",
        ))
        logins += _seed_staff(practice)
        patient_user = _seed_patients(practice)
        logins.append(DemoLogin(slug, patient_user.email, "patient", None))
        logins += _seed_portal_accounts(practice)
        logins += _seed_queue_teams(practice)
        _seed_work_items(practice)
        _seed_workflow_apps(practice)
    return logins


def _seed_portal_accounts(practice):
    """Portal accounts for the first two patients (vpm.demo.portal_seed); list the second."""
    from .portal_seed import seed_portal

    first_two = list(Patient.objects.for_practice(practice).order_by("mrn")[:2])
    return [DemoLogin(practice.slug, patient.user.email, "patient", None)
            for patient in seed_portal(practice, first_two, _user)[1:]]


def _seed_workflow_apps(practice):
    """Workflow apps add their own demo data through `<app>/demo.py: demo_seed(practice)`,
    so the core names none of them."""
    from importlib import import_module

    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    for config in apps.get_app_configs():
        if config.name.startswith("vpm.") or not module_has_submodule(config.module, "demo"):
            continue
        seed = getattr(import_module(f"{config.name}.demo"), "demo_seed", None)
        if seed is not None:
            seed(practice)


def _user(email, name):
    User = get_user_model()
    user, created = User.objects.get_or_create(email=email, defaults={"name": name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _seed_staff(practice):
    logins = []
    for handle, role, team in STAFF:
        email = f"{handle}@{practice.slug}.example"
        user = _user(email, STAFF_NAMES[practice.slug][handle])
        Membership.objects.get_or_create(practice=practice, user=user,
                                         defaults={"role": role, "team": team})
        secret = demo_totp_secret(email)
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, secret)
        logins.append(DemoLogin(practice.slug, email, role, secret))
    return logins


def _seed_patients(practice):
    rng = random.Random(practice.slug)
    existing = Patient.objects.for_practice(practice).count()
    for i in range(existing, PATIENTS_PER_PRACTICE):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
        patient = Patient.objects.create(
            practice=practice, first_name=first, last_name=last, mrn=f"{practice.slug[:2].upper()}{10000 + i}",
            date_of_birth=date(1940, 1, 1) + timedelta(days=rng.randrange(0, 30000)),
            preferred_language="es" if first in SPANISH_FIRST else "en",
            preferred_channel=rng.choice(["sms", "sms", "email", "phone"]),
            address=f"{rng.randrange(10, 9999)} {rng.choice(['Oak', 'Maple', 'Lake', 'Main'])} St",
        )
        verified = timezone.now() - timedelta(days=rng.randrange(1, 300)) if i % 3 else None
        ContactPoint.objects.create(practice=practice, patient=patient, kind="phone",
                                    value=f"+1312555{1000 + i:04d}", is_primary=True,
                                    verified_at=verified)
        ContactPoint.objects.create(practice=practice, patient=patient, kind="email",
                                    value=f"{first}.{last}{i}@mail.example".lower(),
                                    verified_at=verified)
        ContactAttempt.objects.create(
            practice=practice, patient=patient, channel="phone", direction="outbound",
            outcome=rng.choice(["reached", "left_message", "no_answer"]),
            note="Called about upcoming visit.", occurred_at=timezone.now() - timedelta(days=i),
        )
    first_patient = Patient.objects.for_practice(practice).order_by("mrn").first()
    if first_patient.user_id is None:
        first_patient.user = _user(f"patient@{practice.slug}.example", first_patient.full_name)
        first_patient.save(update_fields=["user"])
    return first_patient.user


# --- The queue (queue engineer): every team has a member, one team auto-assigns.
QUEUE_STAFF = [("telehealth1", Team.TELEHEALTH), ("documents1", Team.DOCUMENTS),
               ("records1", Team.RECORDS), ("postvisit1", Team.POST_VISIT)]
QUEUE_STAFF_NAMES = {
    "riverside": {"telehealth1": "Dana Whitfield", "documents1": "Chris Okafor",
                  "records1": "Pat Lindqvist", "postvisit1": "Jamie Fox"},
    "lakeview": {"telehealth1": "Robin Alvarez", "documents1": "Kim Sato",
                 "records1": "Drew Mensah", "postvisit1": "Lee Novak"},
}
AUTO_ASSIGN_TEAM = Team.TRIAGE


def _seed_queue_teams(practice):
    logins = []
    for handle, team in QUEUE_STAFF:
        email = f"{handle}@{practice.slug}.example"
        user = _user(email, QUEUE_STAFF_NAMES[practice.slug][handle])
        Membership.objects.get_or_create(practice=practice, user=user,
                                         defaults={"role": Role.STAFF, "team": team})
        secret = demo_totp_secret(email)
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, secret)
        logins.append(DemoLogin(practice.slug, email, Role.STAFF, secret))
    TeamSettings.objects.get_or_create(practice=practice, team=AUTO_ASSIGN_TEAM,
                                       defaults={"auto_assign": True})
    return logins


def _seed_queue_states(practice, patients):
    """Some items overdue, one waiting on the patient, a few closed this month."""
    now = timezone.now()
    extra = [
        (Kind.DELIVERY_FAILED, Team.REGISTRATION, Urgency.URGENT, "Reminder text bounced", -5),
        (Kind.INTAKE_REVIEW, Team.DOCUMENTS, Urgency.ROUTINE, "Review completed intake", 30),
        (Kind.TELEHEALTH_NOT_READY, Team.TELEHEALTH, Urgency.URGENT,
         "Not ready for tomorrow's video visit", -1),
    ]
    for patient, (kind, team, urgency, title, hours) in zip(patients[::-1], extra, strict=False):
        work_item_open(practice=practice, kind=kind, team=team, urgency=urgency, title=title,
                       patient=patient, due_at=now + timedelta(hours=hours))
    waiting = work_item_open(practice=practice, kind=Kind.INSURANCE_UNVERIFIED,
                             team=Team.REGISTRATION, urgency=Urgency.ROUTINE,
                             title="Insurance card photo needed", patient=patients[0],
                             due_at=now + timedelta(hours=8))
    work_item_wait_on_patient(item=waiting, actor=None,
                              reason="Asked the patient for a photo of the new card")
    for patient, title in zip(patients[1:3], ("Call back about parking", "Send visit summary"),
                              strict=False):
        done = work_item_open(practice=practice, kind=Kind.CALLBACK, team=Team.REGISTRATION,
                              title=title, patient=patient, due_at=now - timedelta(days=2))
        work_item_close(item=done, actor=None, outcome="Done by phone")
    work_items_flag_overdue()


def _seed_work_items(practice):
    if WorkItem.objects.for_practice(practice).exists():
        return
    now = timezone.now()
    unverified = ContactPoint.objects.for_practice(practice).filter(verified_at__isnull=True) \
        .select_related("patient")
    for point in unverified[:6]:
        work_item_open_or_update(
            practice=practice, kind=Kind.UNVERIFIED_CHANNEL, source=point,
            team=Team.REGISTRATION, patient=point.patient, urgency=Urgency.URGENT,
            title=f"Verify {point.get_kind_display().lower()} before the visit",
            due_at=now + timedelta(hours=3),
        )
    patients = list(Patient.objects.for_practice(practice).order_by("mrn")[10:20])
    samples = [
        (Kind.PORTAL_MESSAGE, Team.TRIAGE, Urgency.URGENT, "Out of blood pressure medicine", 2),
        (Kind.PORTAL_MESSAGE, Team.TRIAGE, Urgency.ROUTINE, "Question about lab results", 20),
        (Kind.CALLBACK, Team.REGISTRATION, Urgency.ROUTINE, "Call back to reschedule", -2),
        (Kind.INTAKE_INCOMPLETE, Team.REGISTRATION, Urgency.ROUTINE, "Intake stopped at insurance step", 18),
        (Kind.CANNOT_CONNECT, Team.TELEHEALTH, Urgency.EMERGENCY, "Cannot connect to video visit", 0),
        (Kind.RECORDS_REQUEST, Team.RECORDS, Urgency.ROUTINE, "Records request for new specialist", 72),
        (Kind.POST_VISIT_TASK, Team.POST_VISIT, Urgency.ROUTINE, "Book follow-up in 2 weeks", 48),
        (Kind.INSURANCE_UNVERIFIED, Team.REGISTRATION, Urgency.URGENT, "Insurance not verified for visit tomorrow", 6),
    ]
    for patient, (kind, team, urgency, title, hours) in zip(patients, samples, strict=False):
        work_item_open(practice=practice, kind=kind, team=team, urgency=urgency, title=title,
                       patient=patient, due_at=now + timedelta(hours=hours))
    _seed_queue_states(practice, patients)
