"""Timestamps are read by psycopg's C loader on VPM's UTC connections
(vpm/timestamps.py): every value must be the one Django's own loader gives."""

import datetime

import pytest
from django.db import DataError, connection
from django.db.backends.postgresql.psycopg_any import register_tzloader

from vpm.queue.models import WorkItem
from vpm.timestamps import TIMESTAMPTZ_OID, UtcTimestamptzLoader, c_loader_available

pytestmark = pytest.mark.django_db

VALUES = ["now()", "'2026-03-29 00:59:59.999999+00'", "'2026-03-29 01:00:00+01'",
          "'2026-11-01 01:30:00-04'", "'2026-11-01 01:30:00-05'", "'0001-01-01 00:00:00+00'",
          "'9999-12-31 23:59:59.999999+00'", "'1999-12-31 23:59:59.5+05:30'", "NULL"]
SQL = "SELECT " + ", ".join(f"{value}::timestamptz" for value in VALUES)


def _read(*, djangos):
    with connection.cursor() as cursor:
        if djangos:
            register_tzloader(connection.timezone, cursor.cursor)  # what Django registers
        cursor.execute(SQL)
        return cursor.fetchone()


def test_the_connection_reads_timestamps_with_the_c_loader():
    assert c_loader_available(), "psycopg-binary is in requirements.lock: its C loader is used"
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, 0)
    assert loader is UtcTimestamptzLoader


def test_every_value_equals_djangos_loader_including_its_time_zone():
    with connection.cursor() as cursor:  # same transaction: now() is one instant
        cursor.execute("SELECT 1")
    ours, djangos = _read(djangos=False), _read(djangos=True)
    assert ours[:-1] == djangos[:-1] and ours[-1] is None is djangos[-1]
    assert all(value.tzinfo is datetime.UTC for value in ours[:-1])
    assert [value.isoformat() for value in ours[:-1]] == \
        [value.isoformat() for value in djangos[:-1]]


def test_a_value_python_cannot_hold_is_refused_as_before():
    for djangos in (True, False):
        with pytest.raises(DataError), connection.cursor() as cursor:
            if djangos:
                register_tzloader(connection.timezone, cursor.cursor)
            cursor.execute("SELECT 'infinity'::timestamptz")
            cursor.fetchone()


def test_the_orm_reads_aware_utc_datetimes(work_item):
    stored = WorkItem.objects.get(pk=work_item.pk)
    assert stored.created_at.tzinfo is datetime.UTC
    assert stored.due_at == work_item.due_at
