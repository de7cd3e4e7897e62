"""The queue's part of `manage.py benchmark`: its pages, the poll, the API
list, the team view, and the sweeps (no-op and catching up after an outage,
with the longest time any batch held its row locks)."""

import statistics
import time
from datetime import timedelta

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from dashboard.selectors import queue_version
from vpm.practices.models import Practice
from vpm.queue import services
from vpm.queue.models import WorkItem

HTMX = {"HTTP_HX_REQUEST": "true"}


def queue_pages(*, slug, staff, manager):
    """(name, client, url, form, headers, status) rows for the benchmark table."""
    home = reverse("staff_home", args=[slug])
    poll = reverse("queue_poll", args=[slug])

    def settled_poll():
        # Nothing changed in the last seconds: the version the page holds is current.
        WorkItem.objects.filter(practice__slug=slug,
                                updated_at__gt=timezone.now() - timedelta(seconds=15)) \
            .update(updated_at=timezone.now() - timedelta(seconds=30))
        version, _ = queue_version(practice=Practice.objects.get(slug=slug))
        return f"{poll}?v={version}", HTMX

    settled_poll()
    return [
        ("queue (staff)", staff, home, None, {}, 200),
        ("queue (manager)", manager, home, None, {}, 200),
        ("queue filtered", staff, home + "?team=triage&owner=unassigned&urgency=urgent", None,
         {}, 200),
        ("queue closed 30 d", staff, home + "?view=closed", None, {}, 200),
        ("poll, nothing new", staff, settled_poll, None, {}, 304),
        ("poll, changed", staff, poll + "?v=old", None, HTMX, 200),
        ("API work items", staff, f"/api/v1/p/{slug}/work-items/", None, {}, 200),
        ("team view", manager, reverse("queue_teams", args=[slug]), None, {}, 200),
    ]


def _median_ms(fn, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def sweep_benchmark(*, stdout, runs):
    stdout.write("\nsweeps (whole table, every practice)")
    now = timezone.now()
    services.work_items_flag_overdue(now=now)  # start from a caught-up queue
    services.work_items_escalate(now=now)
    stdout.write(f"  overdue sweep, nothing to flag: median "
                 f"{_median_ms(lambda: services.work_items_flag_overdue(now=now), runs):.2f} ms")
    stdout.write(f"  escalation sweep, nothing to do: median "
                 f"{_median_ms(lambda: services.work_items_escalate(now=now), runs):.2f} ms")
    stdout.write(f"  wake sweep, nothing to wake: median "
                 f"{_median_ms(lambda: services.work_items_wake_snoozed(now=now), runs):.2f} ms")
    # An outage: an hour and a half of items fall due while the beat was down.
    later = now + timedelta(minutes=90)
    due = WorkItem.objects.filter(status__in=("open", "claimed"), is_overdue=False,
                                  due_at__lt=later).count()
    batches = []
    started = time.perf_counter()
    total = services.work_items_flag_overdue(now=later, batch_times=batches)
    elapsed = time.perf_counter() - started
    stdout.write(f"  overdue catch-up: {total:,} items of {due:,} due in {elapsed:.2f} s, "
                 f"{len(batches)} batches, longest batch (locks held) "
                 f"{max(batches or [0]) * 1000:.0f} ms")
    stdout.write(f"  overdue sweep right after catching up: median "
                 f"{_median_ms(lambda: services.work_items_flag_overdue(now=later), runs):.2f} ms")
    with connection.cursor() as cursor:  # put the bench data back as it was
        cursor.execute("UPDATE queue_workitem SET is_overdue = FALSE WHERE is_overdue AND "
                       "due_at >= %s", [now])
