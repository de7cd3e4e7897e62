"""Behind one TLS proxy, rate limits and audit events see the client (issue 13, item 5).

Every request reaches gunicorn from the proxy's address; the proxy appends
the client's address to X-Forwarded-For. With TRUSTED_PROXY_COUNT=1 (the
environment setting, docs/operations.md) the last entry is the client.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for
from tests.factories import TEST_PASSWORD
from vpm.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


@pytest.fixture
def one_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


def _login(client, email, password, forwarded_for):
    return client.post(reverse("account_login"), {"login": email, "password": password},
                       REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def test_two_clients_behind_the_proxy_do_not_share_a_login_limit(one_proxy, staff, colleague):
    # Given someone at 203.0.113.5 who failed ten sign-ins a minute (the per-IP limit),
    # each for another address so that no per-account limit is reached
    attacker = Client()
    for n in range(10):
        _login(attacker, f"guess{n}@example.test", "wrong-password", "203.0.113.5")
    refused = _login(attacker, staff.email, TEST_PASSWORD, "203.0.113.5")
    assert "Too many failed login attempts" in refused.content.decode()
    # A spoofed first entry does not get them a fresh address either
    spoofed = _login(Client(), staff.email, TEST_PASSWORD, "198.51.100.99, 203.0.113.5")
    assert "Too many failed login attempts" in spoofed.content.decode()
    # When a colleague at another address signs in through the same proxy
    response = _login(Client(), colleague.email, TEST_PASSWORD, "198.51.100.7")
    # Then they reach the code step: the limit was the other client's
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")


def test_audit_events_record_the_clients_address(one_proxy, practice, patient, staff):
    client_for(staff).get(reverse("patient_detail", args=[practice.slug, patient.pk]),
                          REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert AuditEvent.objects.get().ip_address == "203.0.113.5"


def test_without_a_trusted_proxy_the_header_is_ignored(practice, patient, staff):
    client_for(staff).get(reverse("patient_detail", args=[practice.slug, patient.pk]),
                          REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert AuditEvent.objects.get().ip_address == "192.0.2.10"


def test_the_setting_comes_from_the_environment():
    import subprocess
    import sys

    code = ("import os; os.environ['TRUSTED_PROXY_COUNT']='1'; "
            "os.environ.setdefault('DJANGO_SETTINGS_MODULE','vpm.settings'); "
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.ALLAUTH_TRUSTED_PROXY_COUNT, s.REST_FRAMEWORK['NUM_PROXIES'])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.split() == ["1", "1"]
