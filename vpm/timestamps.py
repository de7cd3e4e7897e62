"""Timestamps read by psycopg's C code instead of Django's Python loader.

Django 5.2 registers its own loader for `timestamptz` on every PostgreSQL
connection: a subclass of psycopg's pure-Python loader that sets each value's
tzinfo to the connection's time zone. It costs about 3.4 µs a value; psycopg's
C loader (psycopg-binary) costs 0.2 to 0.35 µs. A page of 50 work items reads
up to 350 of them (the API list: 1.2 ms of its time, more than either of its
queries).

On a connection in UTC (VPM's: TIME_ZONE "UTC" with USE_TZ, and Django sets
the session's time zone to match) psycopg's C loader already returns aware
datetimes with tzinfo `datetime.timezone.utc`, the values Django's loader
returns. So for such connections we register it, wrapped only to carry the
`timezone` attribute Django checks on every new cursor. Any other set-up
keeps Django's loader. tests/core/test_timestamps.py compares the two.
"""

import datetime

from psycopg import adapt, postgres
from psycopg.pq import Format

TIMESTAMPTZ_OID = postgres.types["timestamptz"].oid
_OPTIMISED = postgres.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)  # C when available


class UtcTimestamptzLoader(adapt.Loader):
    """psycopg's C loader, with the `timezone` Django's cursors look for."""

    timezone = datetime.UTC

    def __init__(self, oid, context=None):
        super().__init__(oid, context)
        self.load = _OPTIMISED(oid, context).load  # the C loader's, called directly

    def load(self, data):  # replaced per instance in __init__
        raise NotImplementedError


def c_loader_available() -> bool:
    return _OPTIMISED.__module__.startswith(("psycopg_binary", "psycopg_c"))


def use_c_timestamp_loader(sender, connection, **kwargs):
    """connection_created: on a PostgreSQL connection in UTC, read timestamps in C."""
    if connection.vendor != "postgresql" or connection.timezone is not datetime.UTC \
            or not c_loader_available():
        return
    raw = connection.connection
    if raw.info.parameter_status("TimeZone") != "UTC":
        return
    raw.adapters.register_loader(TIMESTAMPTZ_OID, UtcTimestamptzLoader)
