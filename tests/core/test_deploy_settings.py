"""Production settings: `check --deploy` is clean, and missing secrets fail loudly."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "VPM_ENV": "production",
    "DJANGO_SECRET_KEY": "a" * 20 + "-not-a-real-secret-but-long-enough-for-the-check-" + "z" * 10,
    "DJANGO_ALLOWED_HOSTS": "vpm.example.org",
    "DATABASE_URL": "postgres://vpm@db.invalid:5432/vpm",
    "REDIS_URL": "redis://redis.invalid:6379/0",
    "EMAIL_HOST": "smtp.invalid",
    "VPM_SITE_URL": "https://vpm.example.org",
    "SMS_BACKEND": "vpm.notify.twilio.TwilioSMSBackend",
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "not-a-real-token",
    "TWILIO_FROM_NUMBER": "+13125550100",
}


def _manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR,
                          env={**clean, **env}, capture_output=True, text=True, timeout=120)


def test_check_deploy_reports_nothing_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_refuses_to_start():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_the_recording_sms_backend_unless_allowed():
    """A practice must not believe reminders went out when none did."""
    recording = {**PRODUCTION_ENV, "SMS_BACKEND": "vpm.notify.backends.RecordingSMSBackend"}
    refused = _manage("check", env=recording)
    assert refused.returncode != 0
    assert "recording backend, which sends no texts" in refused.stderr
    allowed = _manage("check", env={**recording, "VPM_ALLOW_RECORDING_SMS": "true"})
    assert allowed.returncode == 0, allowed.stderr


def test_production_twilio_backend_needs_its_credentials():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "TWILIO_AUTH_TOKEN"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "TWILIO_AUTH_TOKEN" in result.stderr


def test_a_bad_api_rate_refuses_to_start_and_says_which_setting():
    for bad in ("600", "lots/min", "0/min", "600/fortnight"):
        result = _manage("check", env={**PRODUCTION_ENV, "VPM_API_RATE_PER_USER": bad})
        assert result.returncode != 0, bad
        assert "VPM_API_RATE_PER_USER must be a number of calls" in result.stderr, bad
    good = _manage("check", env={**PRODUCTION_ENV, "VPM_API_RATE_PER_USER": "1200/hour"})
    assert good.returncode == 0, good.stderr
