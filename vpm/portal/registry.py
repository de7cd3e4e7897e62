"""What workflow apps plug into the portal, without the portal importing them.

Two registries, each filled in an app's `AppConfig.ready()`:

- link purposes: what a PortalLink of a purpose opens once its date-of-birth
  check has passed (`register_link_purpose`);
- status providers: the entries of the portal's status home, "what we need
  from you" and "what we are doing for you" (`register_status_provider`).

See "Patient portal" in docs/architecture.md for an example.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

NEEDS_YOU = "needs_you"
DOING = "doing"


@dataclass(frozen=True)
class LinkPurpose:
    name: str
    # link -> the portal path the patient lands on after the check.
    landing: Callable[..., str]


@dataclass(frozen=True)
class StatusEntry:
    """One line of the status home, already in the patient's language.

    `section` is NEEDS_YOU or DOING; `next_step` says what happens next;
    `team` names who does it; `due_by` says by when (None: no date to give);
    `action_url`/`action_label` offer the one thing the patient can do.
    """

    section: str
    title: str
    next_step: str
    team: str = ""
    due_by: datetime | None = None
    action_url: str = ""
    action_label: str = ""
    sort_key: tuple = field(default=(), compare=False)


_NEVER = datetime.max.replace(tzinfo=UTC)
_link_purposes: dict[str, LinkPurpose] = {}
_status_providers: list[Callable[..., Iterable[StatusEntry]]] = []


def register_link_purpose(name: str, *, landing: Callable[..., str]) -> None:
    if name in _link_purposes and _link_purposes[name].landing is not landing:
        raise ValueError(f"link purpose {name!r} is registered twice")
    _link_purposes[name] = LinkPurpose(name=name, landing=landing)


def link_purpose(name: str) -> LinkPurpose | None:
    return _link_purposes.get(name)


def register_status_provider(provider: Callable[..., Iterable[StatusEntry]]) -> None:
    """`provider(*, practice, patient)` returns StatusEntry items for that patient.

    It runs on every status-home view: keep it to a fixed, small number of
    queries, and show only what the patient may see (never staff notes).
    """
    if provider not in _status_providers:
        _status_providers.append(provider)


def status_entries(*, practice, patient) -> dict[str, list[StatusEntry]]:
    """Every provider's entries, split by section, soonest due first."""
    sections: dict[str, list[StatusEntry]] = {NEEDS_YOU: [], DOING: []}
    for provider in _status_providers:
        for entry in provider(practice=practice, patient=patient):
            sections[entry.section].append(entry)
    for entries in sections.values():
        entries.sort(key=lambda e: (e.due_by is None, e.due_by or _NEVER, e.sort_key))
    return sections
