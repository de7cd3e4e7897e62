"""Scheduling's benchmark section (`make bench` runs it after the core's): see scheduling/bench.py."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from scheduling import bench


class Command(BaseCommand):
    help = "Benchmark slot search, the reminder sweep and booking throughput at scale."

    def add_arguments(self, parser):
        parser.add_argument("--practices", type=int, default=300)
        parser.add_argument("--providers", type=int, default=1000)
        parser.add_argument("--appointments", type=int, default=2_000_000)
        parser.add_argument("--clients", type=int, default=16)
        parser.add_argument("--bookings-per-client", type=int, default=20)
        parser.add_argument("--skip-http", action="store_true",
                            help="Leave out the booking throughput run (it starts gunicorn).")

    def handle(self, *args, practices, providers, appointments, clients, bookings_per_client,
               skip_http, **options):
        if settings.PRODUCTION:
            raise CommandError("The benchmark seeds fake practices; never in production.")
        self.stdout.write("scheduling benchmark")
        started = time.perf_counter()
        bench.seed(practices=practices, providers=providers, appointments=appointments,
                   stdout=self.stdout)
        self.stdout.write(f"  seeded/checked in {time.perf_counter() - started:.1f} s")
        practice = bench.measure_slot_search(self.stdout)
        bench.measure_reminder_sweep(self.stdout)
        if not skip_http:
            bench.measure_booking_throughput(practice, clients=clients,
                                             bookings_per_client=bookings_per_client,
                                             stdout=self.stdout)
