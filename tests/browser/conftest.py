"""Real Chromium through Playwright, against pytest-django's live server.

Debian's Chromium is used as is (`make test` installs it); Playwright's own
browser download is neither needed nor possible offline. A missing browser
fails the run: these tests must never pass by being skipped.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from tests.conftest import client_for

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module.

    While Playwright's sync API is running, its event loop is the running loop
    of this thread, so Django refuses ORM calls (in fixtures and test bodies)
    although they are plain synchronous calls: DJANGO_ALLOW_ASYNC_UNSAFE lifts
    that, for exactly as long as Playwright runs. Module scope keeps the
    variable from leaking into later tests (`check --deploy` rightly fails
    when it is set).
    """
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`make browser`).")
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280,
                                                                      "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def sign_in(page, live_server):
    """Give the browser a session for `user`, as if they had passed sign-in and MFA."""

    def sign_in(user):
        client = client_for(user)
        page.context.add_cookies([{
            "name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        }])
        return page

    return sign_in
