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
