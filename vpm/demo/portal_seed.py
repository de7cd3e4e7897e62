"""Portal demo data: accounts (some preferring Spanish), patients without one,
and fresh links of every kind for rundemo to print.

Links are stored only as digests, so they cannot be printed again later:
each run revokes the previous demo links and makes new ones.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from vpm.patients.models import Patient
from vpm.portal.models import PortalAccount, PortalLink, PortalSettings, PortalState
from vpm.portal.services import portal_link_create, portal_link_revoke

ASKS_LAST_NAME = {"lakeview"}  # one practice asks for the last name too, to show both checks


@dataclass
class DemoLink:
    practice: str
    kind: str
    patient: str
    language: str
    date_of_birth: str
    path: str


def seed_portal(practice, patients, demo_user):
    """Give the first two patients (one prefers Spanish) accounts; the rest have none."""
    PortalSettings.objects.update_or_create(
        practice=practice, defaults={"link_check_asks_last_name": practice.slug in ASKS_LAST_NAME})
    accounts = []
    for index, patient in enumerate(patients[:2]):
        user = demo_user(f"patient{index + 1 if index else ''}@{practice.slug}.example",
                         patient.full_name)
        if patient.user_id is None:
            patient.user = user
            patient.save(update_fields=["user"])
        PortalAccount.objects.get_or_create(patient=patient, defaults=dict(
            practice=practice, user=patient.user, login_kind="email", login=patient.user.email,
            activated_at=timezone.now()))
        PortalState.objects.get_or_create(patient=patient, defaults={"practice": practice})
        accounts.append(patient)
    return accounts


def portal_demo_links(practice) -> list[DemoLink]:
    """One fresh link of each kind, for patients with and without accounts."""
    patients = list(Patient.objects.for_practice(practice).select_related("practice")
                    .order_by("mrn")[2:6])
    for link in PortalLink.objects.for_practice(practice).filter(patient__in=patients,
                                                                 revoked_at__isnull=True):
        portal_link_revoke(link=link, reason="replaced")
    kinds = [("contact", "contact details"), ("account_invitation", "account invitation"),
             ("status", "status page"), ("status", "status page")]
    links = []
    for patient, (purpose, label) in zip(patients, kinds, strict=False):
        if purpose == "account_invitation":
            _invited_account(patient)
        _link, path = portal_link_create(patient=patient, purpose=purpose,
                                         expires_in=timedelta(days=7))
        links.append(DemoLink(practice.slug, label, patient.full_name,
                              patient.get_preferred_language_display(),
                              patient.date_of_birth.strftime("%d %m %Y"), path))
    return links


def _invited_account(patient):
    """An invited patient who has not chosen a password yet."""
    from django.contrib.auth import get_user_model

    if PortalAccount.objects.filter(patient=patient).exists():
        return
    user = get_user_model().objects.create_user(
        email=f"patient-{patient.pk}@portal.invalid", password=None, name=patient.full_name)
    patient.user = user
    patient.save(update_fields=["user"])
    PortalAccount.objects.create(practice=patient.practice, patient=patient, user=user,
                                 login_kind="phone",
                                 login=patient.contact_points.filter(kind="phone").first().value)
