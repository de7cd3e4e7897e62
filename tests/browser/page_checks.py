"""The checks of a page walk in real Chromium, shared by the portal walk
(test_portal_pages.py) and the messaging pages (test_messaging_pages.py).

`page_failures(...)` loads one page state at 1366 px, checks it, narrows the
same page and checks again, and returns what failed as readable lines:

- every page: no serious or critical axe violation at both widths;
- patient pages (`patient=True`): the page's language, no request to another
  host, under MAX_BYTES of HTML+CSS+JS, plain words (textstat 0.7.4:
  Flesch-Kincaid grade <= 6 in English, Fernandez-Huerta >= 70 in Spanish)
  and no sideways scroll at the narrow width;
- `focus=True`: every link, button and field is reached by Tab and shows focus.
"""

import warnings
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import textstat

MAX_BYTES = 100 * 1024


def visit(browser, live_server, session, path, action, width):
    """Open `path` with the session cookie; `action` is None, "submit" (send the page's
    form empty first, so the error summary and the errors by the fields are checked
    too) or a function of the page that brings it to the state to check."""
    context = browser.new_context(base_url=live_server.url,
                                  viewport={"width": width, "height": 800})
    if session:
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session,
                              "url": live_server.url}])
    page = context.new_page()
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(path)
    if action is not None:
        responses.clear()  # weigh the page in the state checked, not the one before
        if action == "submit":
            page.locator("main form button[type=submit]").first.click()
        else:
            action(page)
        page.wait_for_load_state()
    return context, page, responses


def serious_violations(page, injected=False):
    """Serious and critical axe violations; axe is injected once per page load."""
    if injected:
        violations = page.evaluate("axe.run({resultTypes: ['violations']})")["violations"]
    else:
        violations = Axe().run(page).response["violations"]
    return [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in violations
            if v["impact"] in ("serious", "critical")]


def weight(responses):
    kinds = ("document", "stylesheet", "script")
    return sum(len(r.body()) for r in responses
               if r.request.resource_type in kinds and r.status < 300)


def sentences(page):
    """The visible text, each line a sentence (headings, buttons and links stand alone)."""
    lines = [line.strip() for line in page.inner_text("body").splitlines() if line.strip()]
    return " ".join(line if line[-1] in ".?!:" else line + "." for line in lines)


def readability_problems(where, text, language):
    textstat.set_lang(language)
    if language == "en":
        grade = textstat.flesch_kincaid_grade(text)
        return [] if grade <= 6 else [f"{where} Flesch-Kincaid grade {grade} > 6: {text[:200]}"]
    ease = textstat.fernandez_huerta(text)
    return [] if ease >= 70 else [f"{where} Fernandez-Huerta {ease} < 70: {text[:200]}"]


def focus_problems(page):
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


def page_failures(browser, live_server, *, where, session, path, action=None, language="en",
                  narrow=320, patient=True, focus=False, weights=None) -> list[str]:
    """Every check above for one page state (see the module docstring). `weights`: a dict
    that records each page's weight under `where`, for the report of the heaviest."""
    own_host = urlsplit(live_server.url).netloc
    context, page, responses = visit(browser, live_server, session, path, action, 1366)
    failures = []
    try:
        if patient:
            if page.locator("html").get_attribute("lang") != language:
                failures.append(f"{where} is not marked as {language}")
            foreign = {urlsplit(r.url).netloc for r in responses} - {own_host}
            if foreign:
                failures.append(f"{where} asked other hosts: {foreign}")
            size = weight(responses)
            if weights is not None:
                weights[where] = size
            if size > MAX_BYTES:
                failures.append(f"{where} weighs {size} bytes")
            failures += readability_problems(where, sentences(page), language)
        failures += [f"{where} 1366px axe {v}" for v in serious_violations(page)]
        if focus:
            failures += [f"{where} {p}" for p in focus_problems(page)]
        page.set_viewport_size({"width": narrow, "height": 800})
        failures += [f"{where} {narrow}px axe {v}"
                     for v in serious_violations(page, injected=True)]
        if patient:
            overflow = page.evaluate("document.documentElement.scrollWidth - "
                                     "document.documentElement.clientWidth")
            if overflow > 0:
                failures.append(f"{where} scrolls sideways at {narrow}px by {overflow}px")
    finally:
        context.close()
    return failures
