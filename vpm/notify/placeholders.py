"""Words one app fills into text another app writes, without either importing the other.

Messaging's reply templates say "your next visit is {next_visit}"; the visit
belongs to scheduling. The core never imports a workflow app and workflow
apps do not import each other, so the app that knows registers a filler in
its AppConfig.ready():

    register_placeholder("next_visit", next_visit_words)

`next_visit_words(*, patient, now, language) -> str | None` answers in
`language` (None: nothing to say, the caller's default stands). It runs once
per page, not once per template: keep it to one query.
"""

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

_fillers: dict[str, Callable[..., str | None]] = {}


def register_placeholder(name: str, fill: Callable[..., str | None]) -> None:
    if name in _fillers and _fillers[name] is not fill:
        raise ValueError(f"placeholder {name!r} is registered twice")
    _fillers[name] = fill


def placeholder_value(name: str, *, patient, now, language: str) -> str | None:
    """The registered filler's words for `patient`, or None (none registered, or it failed)."""
    fill = _fillers.get(name)
    if fill is None:
        return None
    try:
        return fill(patient=patient, now=now, language=language)
    except Exception as error:  # noqa: BLE001 - a placeholder must not stop the page
        logger.warning("placeholder %s failed: %s", name, error.__class__.__name__)
        return None
