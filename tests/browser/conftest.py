"""Real headless Chromium (Debian's package) driven by Playwright, with axe-core checks."""

import contextlib
import os
import re
import shutil
import threading
import time
from pathlib import Path

import pytest

# The application's title field by its label, which the star of what sending needs follows
# (read by screen readers as "Indsats (skal udfyldes før indsendelse)").
TITLE = re.compile(r"^Indsats\b")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it (loading data) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing; install Debian's chromium package")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium); CI installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def watched_page(context):
    """A page that records Content-Security-Policy violations and script errors."""
    page = context.new_page()
    page.problems = []
    page.on(
        "console",
        lambda message: (
            page.problems.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
    return page


def settle(page) -> None:
    """Leave the page, close its browser context and wait for the live server to finish
    what it was sent (the form's last text goes with keepalive as the page is left) before
    the test's tables are emptied: a save still running met the TRUNCATE and PostgreSQL
    broke the deadlock by failing the teardown."""
    from playwright.sync_api import Error

    # A page already closed or crashed has nothing to send.
    with contextlib.suppress(Error):
        page.goto("about:blank")
        page.wait_for_timeout(200)
    page.context.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(
        "process_request_thread" in thread.name for thread in threading.enumerate()
    ):
        time.sleep(0.05)


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    page = watched_page(context)
    yield page
    settle(page)
    assert page.problems == [], "the browser reported CSP violations or script errors"


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(
        locale="da-DK", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = watched_page(context)
    yield page
    settle(page)
    assert page.problems == [], "the browser reported CSP violations or script errors"


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under test-artifacts/ and return its path."""

    def take(page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def axe_violations():
    """Serious and critical axe-core violations on the page, as readable strings."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def run(page) -> list[str]:
        results = axe.run(page)
        return [
            f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']]}"
            for v in results.response["violations"]
            if v["impact"] in {"serious", "critical"}
        ]

    return run


def log_in(page, server, username, lands_on="/mine/"):
    """Log in through the real login form as a demo user (password `demo`)."""
    page.goto(server.url + "/login/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill("demo")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(server.url + lands_on)


def follow(page, link) -> None:
    """Click a link and wait until the new page has loaded. A bare click returns once the
    navigation has started: a check right after it (count(), inner_text()) could read the old
    page, and did in CI under load; and a field filled before the page's deferred scripts ran
    sends no event to them (CI, round 33: no autosave, no "ikke vedhæftet endnu")."""
    with page.expect_navigation():
        link.click()


def open_phone_menu(page, javascript: bool = True) -> None:
    """Open the phone menu and wait until it has opened: with JavaScript, Bootstrap's
    animation must end first, or a click meant for the menu can land while it still moves
    (a flaky failure in CI under load)."""
    page.get_by_role("button", name="Vis menu").click()
    page.locator("#main-nav.collapse.show" if javascript else "#main-nav:target").wait_for()


def wait_until(page, expression: str, timeout: float = 10.0) -> None:
    """Wait until a JavaScript expression is true. Not `page.wait_for_function`: when its
    first check fails it polls with `new Function`, which the portal's Content-Security-Policy
    refuses (no 'unsafe-eval'), so it failed only on a slow machine."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(50)
