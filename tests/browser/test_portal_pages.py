"""Every portal page, in English and Spanish, in real Chromium: no serious or
critical axe violation at 320 and 1366 px, no sideways scroll at 320 px,
reachable by keyboard with a visible focus, light (< 100 KB HTML+CSS+JS), no
request to another host, and plain words (textstat 0.7.4: Flesch-Kincaid
grade <= 6 in English, Fernandez-Huerta >= 70 in Spanish)."""

import re

import pytest
from django.conf import settings

from .page_checks import MAX_BYTES, page_failures
from .portal_pages import portal_cast, portal_pages

pytestmark = pytest.mark.django_db(transaction=True)
HEAVIEST = {}


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_portal_page_is_accessible_light_and_plain(browser, live_server, practice,
                                                         patient, language):
    portal_cast(practice, patient, language)
    failures = []
    for name, session, path, action in portal_pages(practice, patient):
        # The same markup in both languages: walk it by keyboard once.
        failures += page_failures(browser, live_server, where=f"{name} [{language}]",
                                  session=session, path=path, action=action,
                                  language=language, focus=language == "en",
                                  weights=HEAVIEST)
    assert failures == []


def test_heaviest_page_is_reported():
    # Runs after the walk above (same module, in order); prints the figure for the docs.
    if HEAVIEST:
        name = max(HEAVIEST, key=HEAVIEST.get)
        print(f"\nheaviest portal page: {name}, {HEAVIEST[name]} bytes of HTML+CSS+JS")
    assert all(size <= MAX_BYTES for size in HEAVIEST.values())


def test_no_page_asks_for_anything_from_another_host(browser, live_server, practice, patient):
    """The templates name no outside URL at all (fonts, scripts, images, analytics)."""
    from pathlib import Path

    root = Path(settings.BASE_DIR) / "templates" / "portal"
    outside = [f"{path.name}: {m}" for path in root.rglob("*.html")
               for m in re.findall(r"(?:src|href)=\"(https?://[^\"]+)\"", path.read_text())]
    assert outside == []
