"""The queue's rows, built in Python rather than by a template per row.

A page has 50 rows of some 25 values each; through the template engine that
was about 1,300 variable look-ups and more than half the page's server time
(profiled in docs/operations.md, "The queue at scale"). Here each row is one
format string with every value escaped, the URL prefixes and labels resolved
once per page. What a row shows and offers is the same as before: the actions
come from `vpm.queue.rules.allowed_actions`, as the server enforces them.
"""

import functools
import re
from dataclasses import dataclass
from datetime import timedelta
from html import escape as _escape

from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import mark_safe
from django.utils.timesince import TIME_STRINGS, timesince
from django.utils.translation import get_language, gettext

from vpm.practices.models import Team
from vpm.queue.models import Kind, Status, Urgency

KIND_LABELS = dict(Kind.choices)
TEAM_LABELS = dict(Team.choices)
URGENCY_LABELS = dict(Urgency.choices)
ONE_MINUTE, TWENTY_SEVEN_DAYS = timedelta(minutes=1), timedelta(days=27)


_NEEDS_ESCAPE = re.compile("[&<>\"']").search


def escape(value) -> str:
    """django.utils.html.escape without its lazy-string wrapper (the same text);
    most names and titles have nothing to escape, and are returned as they are."""
    text = str(value)
    return _escape(text) if _NEEDS_ESCAPE(text) else text


def count_links(parameter, counted) -> str:
    """The queue's "By urgency" / "By team" links: (value, label, count) each,
    a link to the queue filtered by `parameter`=value. Written here rather than
    by a template loop, which cost as much as the rest of the live fragment."""
    # Safe: the parameter is ours, every value and label is escaped, counts are ints.
    return mark_safe("".join(  # noqa: S308
        f'<a href="?{parameter}={escape(value)}">{escape(label)} '
        f'<span class="count">{int(count)}</span></a> ' for value, label, count in counted))


def notice_links(notices, item_base) -> str:
    """The "For you" list: each notice links to its item (opened in the side panel)."""
    base = escape(item_base)
    # Safe: the prefix and text are escaped, the item ids are ints.
    return mark_safe("".join(  # noqa: S308
        f'<li><a href="{base}{int(n.work_item_id)}/" hx-get="{base}{int(n.work_item_id)}/" '
        f'hx-target="#side-panel" data-panel-link>{escape(n.text)}</a></li>' for n in notices))


class _Remembered:
    """A unit of `timesince` ("%(num)d hour"): its lazy plural, translated once per number."""

    def __init__(self, lazy):
        self.lazy = lazy
        self.done = {}

    def __mod__(self, values):
        num = values["num"]
        if num not in self.done:
            self.done[num] = self.lazy % values
        return self.done[num]


@dataclass(frozen=True)
class _Words:
    months: dict
    time_strings: dict
    comma: str
    kinds: dict
    teams: dict
    urgencies: dict


@functools.lru_cache(maxsize=16)
def _words(language) -> _Words:
    """What rows say in one language, translated and escaped once per process
    (the active language is `language`: it is the cache key)."""
    return _Words(
        # As the `date:"M"` filter: the language's short month names.
        months={n: str(name).title() for n, name in MONTHS_3.items()},
        # Django's own timesince unit strings, each plural translated once per number.
        time_strings={unit: _Remembered(text) for unit, text in TIME_STRINGS.items()},
        comma=gettext(", "),
        kinds={kind: escape(label) for kind, label in KIND_LABELS.items()},
        teams={team: escape(label) for team, label in TEAM_LABELS.items()},
        urgencies={value: f'<span class="urgency-{value}">{escape(label)}</span>'
                   for value, label in URGENCY_LABELS.items()})


@functools.lru_cache(maxsize=65536)
def _duration_text(language, total_minutes) -> str:
    """`timesince`'s text for a whole number of minutes under 27 days, in `language`:
    weeks, days, hours and minutes, at most two, as Django writes them. The same
    durations come back on every page and poll, so each is written once per process
    (there are 38,880 possible under 27 days)."""
    words = _words(language)
    # Integer arithmetic: the same units as dividing the seconds, every unit being whole minutes.
    weeks, minutes = divmod(total_minutes, 7 * 24 * 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    for unit, count in (("week", weeks), ("day", days), ("hour", hours), ("minute", minutes)):
        if count:
            parts.append(words.time_strings[unit] % {"num": count})
        elif parts:
            break  # Django stops at the first zero after the first non-zero unit
        if len(parts) == 2:
            break
    return words.comma.join([part.replace(" ", "\xa0") for part in parts])


class RowRenderer:
    """Renders rows for one page: the viewer, the view and the prefixes are fixed."""

    def __init__(self, *, user_id, item_base, patient_base, closed_view, staffed_teams):
        self.user_id = user_id
        self.item_base = escape(item_base)
        self.patient_base = escape(patient_base)
        self.closed_view = closed_view
        self.staffed_teams = staffed_teams
        self.now = timezone.now()
        self.zone = timezone.get_current_timezone()
        self.language = get_language()
        words = _words(self.language)
        self.months, self.time_strings = words.months, words.time_strings
        self.kind_html, self.team_html, self.urgency_html = words.kinds, words.teams, words.urgencies

    def since(self, moment, *, until=False) -> str:
        """The `timesince` (or with `until`, `timeuntil`) filter's text.

        Under 27 days no month can be whole (28 days or more could be one, DST aside), so Django's algorithm reduces to
        weeks, days, hours and minutes of the difference: done here with the
        same arithmetic (a test compares the two minute by minute); anything
        longer goes to Django's own function."""
        delta = moment - self.now if until else self.now - moment
        if not ONE_MINUTE <= delta < TWENTY_SEVEN_DAYS:
            return timesince(moment, self.now, reversed=until, time_strings=self.time_strings)
        return _duration_text(self.language, int(delta.total_seconds()) // 60)

    def when(self, moment) -> str:
        """`date:"M j, H:i"` in the practice's time zone."""
        local = moment.astimezone(self.zone)
        return f"{self.months[local.month]} {local.day}, {local.hour:02d}:{local.minute:02d}"

    def render(self, items) -> str:
        # Safe: every value from the database is passed through escape() in row().
        return mark_safe("".join(self.row(item) for item in items))  # noqa: S308

    def row(self, item) -> str:
        pk = item.pk
        title = escape(item.title)
        link = f"{self.item_base}{pk}/"
        urgency = self.urgency_html[item.urgency]
        if item.is_overdue and not self.closed_view:
            urgency += ' <span class="badge overdue">Overdue</span>'
        if self.staffed_teams is not None and item.team not in self.staffed_teams:
            urgency += ' <span class="badge unstaffed">No one on this team</span>'
        patient = ""
        if item.patient_id:
            patient = (f' · <a href="{self.patient_base}{item.patient_id}/">'
                       f"{escape(item.patient.first_name)} {escape(item.patient.last_name)}</a>")
        head = (
            f'<tr id="item-{pk}" class="work-item{" is-overdue" if item.is_overdue else ""}" '
            f'data-item="{pk}">\n'
            f'  <td data-label="Urgency">{urgency}</td>\n'
            f'  <td data-label="Item"><a class="item-open" href="{link}" hx-get="{link}" '
            f'hx-target="#side-panel" data-panel-link>{title}</a><br><small class="muted">'
            f"{self.kind_html.get(item.kind) or escape(item.kind)}{patient}</small></td>\n"
            f'  <td data-label="Team">{self.team_html.get(item.team) or escape(item.team)}</td>\n')
        return head + (self._closed(item) if self.closed_view else self._active(item, link, title))

    def _closed(self, item) -> str:
        closed = self.when(item.closed_at) if item.closed_at else ""
        outcome = escape(item.outcome)
        if item.status == Status.CANCELLED:
            outcome += ' <span class="muted">(cancelled)</span>'
        if item.owner_id:
            outcome += f'<br><small class="muted">by {escape(item.owner.display_name)}</small>'
        return (f'  <td data-label="Closed">{closed}</td>\n'
                f'  <td data-label="Outcome">{outcome}</td>\n'
                "  <td></td>\n</tr>")

    def _active(self, item, link, title) -> str:
        if item.status == Status.WAITING:
            due = '<span class="muted">Clock paused</span>'
        else:
            if item.is_overdue:
                left = f"overdue by {self.since(item.due_at)}"
            else:
                left = f"in {self.since(item.due_at, until=True)}"
            due = f"{self.when(item.due_at)}<br><small>{escape(left)}</small>"
        if not item.owner_id:
            owner = '<span class="muted">Nobody yet</span>'
        elif item.owner_id == self.user_id:
            owner = "<strong>You</strong>"
        else:
            owner = escape(item.owner.display_name)
        if item.status == Status.SNOOZED:
            until = self.when(item.snoozed_until) if item.snoozed_until else ""
            owner += f"<br><small>snoozed until {until}</small>"
        elif item.status == Status.WAITING:
            owner += f"<br><small>waiting on the patient: {escape(item.waiting_reason)}</small>"
        allowed = item.allowed
        actions = ""
        hidden = f'<span class="visually-hidden"> {title}</span>'
        for action, label, css in (("claim", "Claim", ""),
                                   ("release", "Release", ' class="secondary"')):
            if action in allowed:
                url = f"{link}{action}/"
                actions += (f'<button type="submit"{css} form="queue-act" formaction="{url}" '
                            f'hx-post="{url}" hx-swap="none" data-action="{action}">'
                            f"{label}{hidden}</button>")
        if "take_over" in allowed:
            actions += (f'<a class="button secondary" href="{link}" hx-get="{link}" '
                        'hx-target="#side-panel" data-panel-link '
                        f'data-focus-field="reason-take-over">Take over{hidden}</a>')
        due_class = ' class="overdue"' if item.is_overdue else ""
        return (f'  <td data-label="Due"{due_class}>{due}</td>\n'
                f'  <td data-label="Owner">{owner}</td>\n'
                f'  <td class="row-actions">{actions}</td>\n</tr>')
