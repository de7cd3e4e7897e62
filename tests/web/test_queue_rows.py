"""The queue's rows are written in Python (dashboard/rows.py) for speed; what
they say must be what Django's template filters would have said."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil

from dashboard.rows import RowRenderer


def _renderer():
    return RowRenderer(user_id=1, item_base="/p/x/items/", patient_base="/p/x/patients/",
                       closed_view=False, staffed_teams=None)


def _deltas():
    yield from (timedelta(seconds=s) for s in (0, 1, 59, 60, 61, 119, 3599, 3600, 3661))
    yield from (timedelta(minutes=m, seconds=7, microseconds=250_000)
                for m in range(0, 3 * 24 * 60, 7))
    yield from (timedelta(hours=h, minutes=13) for h in range(0, 70 * 24, 5))


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_time_left_and_overdue_by_read_as_djangos_filters(zone):
    rows = _renderer()
    with timezone.override(ZoneInfo(zone)):
        for delta in _deltas():
            for moment in (rows.now - delta, (rows.now - delta).astimezone(ZoneInfo(zone))):
                assert rows.since(moment) == timesince(moment, rows.now), delta
            later = rows.now + delta
            assert rows.since(later, until=True) == timeuntil(later, rows.now), delta


def test_a_row_escapes_everything_it_shows():
    from types import SimpleNamespace

    rows = _renderer()
    item = SimpleNamespace(
        pk=7, title='<script>alert("x")</script>', urgency=0, is_overdue=False, team="triage",
        kind="callback", patient_id="p1",
        patient=SimpleNamespace(first_name="<b>Ana", last_name="O'Neil & co"),
        status="waiting", waiting_reason="<i>ID</i>", owner_id=2,
        owner=SimpleNamespace(display_name="<Sam>"), due_at=rows.now, allowed=frozenset())
    html = rows.row(item)
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)" in html
    assert "&lt;b&gt;Ana O&#x27;Neil &amp; co" in html
    assert "&lt;i&gt;ID&lt;/i&gt;" in html and "&lt;Sam&gt;" in html
