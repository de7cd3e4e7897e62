"""Every portal page, reached in a real browser, in each of its states.

`portal_pages(...)` yields (name, context-maker, path) for each page; the
checks in test_portal_pages.py run over all of them. Add a page here when
you add one to the portal.
"""

from datetime import timedelta

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import ContactPointFactory, PatientFactory, UserFactory, WorkItemFactory
from tests.portal.conftest import DOB, make_link, open_and_check
from vpm.patients.verification import contact_verification_start
from vpm.portal.models import PortalAccount, PortalState


def portal_cast(practice, patient, language):
    """A patient with an account, details, open work and a code waiting."""
    practice.default_language = language
    practice.save()
    patient.preferred_language = language
    patient.user = UserFactory(email="maria@example.test")
    patient.save()
    PortalAccount.objects.create(practice=practice, patient=patient, user=patient.user,
                                 login_kind="phone", login="+13125550123",
                                 activated_at=timezone.now())
    PortalState.objects.create(practice=practice, patient=patient, onboarded_at=timezone.now())
    ContactPointFactory(patient=patient, kind="phone", value="+13125550123", is_primary=True,
                        verified_at=timezone.now())
    ContactPointFactory(patient=patient, kind="email", value="maria@example.test",
                        is_primary=True)
    WorkItemFactory(practice=practice, patient=patient, kind="callback")
    WorkItemFactory(practice=practice, patient=patient, kind="records_request", team="records")
    contact_verification_start(patient=patient, kind="phone", value="(312) 555-0177",
                               base_url="http://testserver")
    return patient


def _session_of(client):
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def account_session(patient):
    client = Client()
    client.force_login(patient.user)
    return _session_of(client)


def link_session(patient, purpose):
    client = Client()
    _link, path = make_link(patient, purpose=purpose)
    open_and_check(client, path, patient.practice, DOB)
    return _session_of(client)


def pending_link_session(patient):
    client = Client()
    _link, path = make_link(patient)
    client.get(path)
    return _session_of(client)


def locked_patient_session(practice):
    other = PatientFactory(practice=practice)
    PortalState.objects.create(practice=practice, patient=other,
                               locked_until=timezone.now() + timedelta(minutes=30))
    return pending_link_session(other)


def portal_pages(practice, patient):
    """(name, session cookie or None, path, action) for every page state to check.

    `action` is None, or "submit" to send the page's form empty first, so the
    error summary and the errors by the fields are checked too.
    """
    slug = practice.slug
    account = account_session(patient)
    url = lambda name, *args: reverse(name, args=[slug, *args])  # noqa: E731
    pages = [
        ("home", account, url("portal_home"), None),
        ("contact", account, url("portal_contact"), None),
        ("change mobile", account, url("portal_contact_change", "mobile"), None),
        ("change mobile, empty", account, url("portal_contact_change", "mobile"), "submit"),
        ("change email", account, url("portal_contact_change", "email"), None),
        ("type the code", account, url("portal_contact_verify", "mobile"), None),
        ("type the code, empty", account, url("portal_contact_verify", "mobile"), "submit"),
        ("how we reach you", account, url("portal_contact_channel"), None),
        *[(f"onboarding {n}", account, url("portal_onboarding_step", n), None)
          for n in (1, 2, 3, 4)],
        ("change password", account, url("portal_change_password"), None),
        ("change password, empty", account, url("portal_change_password"), "submit"),
        ("not found", account, f"/p/{slug}/portal/nothing-here/", None),
        ("sign in", None, url("portal_sign_in"), None),
        ("sign in, empty", None, url("portal_sign_in"), "submit"),
        ("forgot password", None, url("portal_reset_request"), None),
        ("link check", pending_link_session(patient), url("portal_link_check"), None),
        ("link check, empty", pending_link_session(patient), url("portal_link_check"), "submit"),
        ("link does not work", None, url("portal_link_open", "bad.token"), None),
        ("link locked", locked_patient_session(practice), url("portal_link_check"), None),
        ("set password", link_session(patient, "password_reset"), url("portal_set_password"),
         None),
        ("confirm by link", None, url("contact_verify_link", "some-code"), None),
    ]
    return pages
