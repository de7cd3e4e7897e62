"""`make run`: migrate, load demo data, then run the web server and a Celery
worker with beat until Ctrl-C, which stops all of them (and the embedded
PostgreSQL, if that is what we are using)."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from vpm.demo.seed import DEMO_PASSWORD, PRACTICES, seed_demo


class Command(BaseCommand):
    help = "Run VPM locally with demo data: web server, worker and beat."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, addr, **options):
        if settings.PRODUCTION:
            raise CommandError("rundemo loads demo accounts; it never runs in production.")
        call_command("migrate", interactive=False, verbosity=0)
        logins = seed_demo()
        self._print_welcome(addr, logins)
        processes = [
            self._start([sys.executable, "manage.py", "runserver", addr, "--noreload"]),
            self._start([sys.executable, "-m", "celery", "-A", "vpm", "worker", "--beat",
                         "--concurrency", "1", "--loglevel", "WARNING",
                         "--without-mingle", "--without-gossip"]),
        ]
        # Ctrl-C (SIGINT) or a plain kill (SIGTERM) both end the loop and
        # stop everything; set explicitly, since a background job inherits
        # SIGINT ignored.
        stopping = []
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stopping.append(True))
        try:
            while not stopping and all(p.poll() is None for p in processes):
                time.sleep(0.5)
        finally:
            self._stop(processes)

    def _start(self, command):
        return subprocess.Popen(command, cwd=settings.BASE_DIR, start_new_session=True)  # noqa: S603 - our own fixed commands

    def _stop(self, processes):
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        if not os.environ.get("DATABASE_URL"):
            from vpm.embedded_db import stop

            stop()
        self.stdout.write("Stopped the web server, the worker and the database.")

    def _print_portal(self, addr):
        """Patient portal: where patients sign in, and a fresh link of each kind."""
        from vpm.demo.portal_seed import ASKS_LAST_NAME, portal_demo_links
        from vpm.practices.models import Practice

        out = self.stdout.write
        out("Patient portal (patients sign in with the password above, or open a link):")
        for practice in Practice.objects.filter(slug__in=[p[0] for p in PRACTICES]):
            out(f"  {practice.slug:10} sign-in: http://{addr}/p/{practice.slug}/portal/sign-in/")
            for link in portal_demo_links(practice):
                extra = " + last name" if practice.slug in ASKS_LAST_NAME else ""
                out(f"  {practice.slug:10} {link.kind:18} {link.patient} ({link.language}), "
                    f"date of birth {link.date_of_birth}{extra}: http://{addr}{link.path}")

    def _print_welcome(self, addr, logins):
        out = self.stdout.write
        out("")
        out(self.style.SUCCESS(f"VPM is running at http://{addr}/"))
        out(f"Every demo account's password: {DEMO_PASSWORD}")
        out("Staff sign in with a code from an authenticator app; add the secret below to one,")
        out("or print the current code with: .venv/bin/python manage.py demo_totp EMAIL")
        for login in logins:
            secret = f"  TOTP secret {login.totp_secret}" if login.totp_secret else ""
            out(f"  {login.practice:10} {login.role:9} {login.email:28}{secret}")
        self._print_portal(addr)
        out("Emails land in var/sent-email/. Press Ctrl-C to stop everything.")
        out("")
