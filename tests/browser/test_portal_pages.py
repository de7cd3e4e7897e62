"""Every portal page, in English and Spanish, in real Chromium: no serious or
critical axe violation at 320 and 1366 px, no sideways scroll at 320 px,
reachable by keyboard with a visible focus, light (< 100 KB HTML+CSS+JS), no
request to another host, and plain words (textstat 0.7.4: Flesch-Kincaid
grade <= 6 in English, Fernandez-Huerta >= 70 in Spanish)."""

import re
import warnings
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

from .portal_pages import portal_cast, portal_pages

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import textstat

pytestmark = pytest.mark.django_db(transaction=True)
MAX_BYTES = 100 * 1024
HEAVIEST = {}


def _visit(browser, live_server, session, path, action, width):
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": width, "height": 800})
    if session:
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session,
                              "url": live_server.url}])
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(path)
    if action == "submit":
        responses.clear()  # weigh the page with its errors, not the one before
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
    return context, page, responses


def _serious(page, injected=False):
    """Serious and critical axe violations; axe is injected once per page load."""
    if injected:
        violations = page.evaluate("axe.run({resultTypes: ['violations']})")["violations"]
    else:
        violations = Axe().run(page).response["violations"]
    return [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in violations
            if v["impact"] in ("serious", "critical")]


def _weight(responses):
    kinds = ("document", "stylesheet", "script")
    return sum(len(r.body()) for r in responses
               if r.request.resource_type in kinds and r.status < 300)


def _sentences(page):
    """The visible text, each line a sentence (headings, buttons and links stand alone)."""
    lines = [line.strip() for line in page.inner_text("body").splitlines() if line.strip()]
    return " ".join(line if line[-1] in ".?!:" else line + "." for line in lines)


def _focus_problems(page):
    """Tab through the page: every link, button and field is reached and shows focus."""
    # A group of radio buttons is one Tab stop (arrows move inside it).
    wanted = page.eval_on_selector_all(
        "a[href], button, input:not([type=hidden]), select, textarea",
        """els => { const shown = els.filter(e => e.offsetParent !== null);
                   const radios = new Set(shown.filter(e => e.type === 'radio').map(e => e.name));
                   return shown.filter(e => e.type !== 'radio').length + radios.size; }""")
    seen, problems = set(), []
    for _ in range(wanted + 3):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => { const e = document.activeElement; const s = getComputedStyle(e);
            return {key: e.outerHTML.slice(0, 80), visible: s.outlineStyle !== 'none' || s.boxShadow !== 'none'}; }""")
        if info["key"].startswith("<body"):
            continue
        seen.add(info["key"])
        if not info["visible"]:
            problems.append(f"no visible focus on {info['key']}")
    if len(seen) < wanted:
        problems.append(f"reached {len(seen)} of {wanted} controls by Tab")
    return problems


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_portal_page_is_accessible_light_and_plain(browser, live_server, practice,
                                                         patient, language):
    portal_cast(practice, patient, language)
    own_host = urlsplit(live_server.url).netloc
    failures = []
    for name, session, path, action in portal_pages(practice, patient):
        # Each page loads once at 1366 px, then the same page is narrowed to 320 px.
        context, page, responses = _visit(browser, live_server, session, path, action, 1366)
        where = f"{name} [{language}]"
        assert page.locator("html").get_attribute("lang") == language, where
        foreign = {urlsplit(r.url).netloc for r in responses} - {own_host}
        if foreign:
            failures.append(f"{where} asked other hosts: {foreign}")
        HEAVIEST[where] = size = _weight(responses)
        if size > MAX_BYTES:
            failures.append(f"{where} weighs {size} bytes")
        failures += [f"{where} 1366px axe {v}" for v in _serious(page)]
        failures += _readability(where, _sentences(page), language)
        if language == "en":  # the same markup in both languages: walk it once
            failures += [f"{where} {p}" for p in _focus_problems(page)]
        page.set_viewport_size({"width": 320, "height": 800})
        failures += [f"{where} 320px axe {v}" for v in _serious(page, injected=True)]
        overflow = page.evaluate("document.documentElement.scrollWidth - "
                                 "document.documentElement.clientWidth")
        if overflow > 0:
            failures.append(f"{where} scrolls sideways at 320px by {overflow}px")
        context.close()
    assert failures == []


def _readability(where, text, language):
    textstat.set_lang(language)
    if language == "en":
        grade = textstat.flesch_kincaid_grade(text)
        return [] if grade <= 6 else [f"{where} Flesch-Kincaid grade {grade} > 6: {text[:200]}"]
    ease = textstat.fernandez_huerta(text)
    return [] if ease >= 70 else [f"{where} Fernandez-Huerta {ease} < 70: {text[:200]}"]


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
