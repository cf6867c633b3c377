"""A screenshot of one page of the portal as a signed-in user, in Debian's Chromium (Playwright;
no browser is ever downloaded). For the local stack (tests/stack/run.sh) and fresh-eyes rounds.

    python tests/stack/shot.py BASE USER|- WIDTH OUT.png PATH [js=0] [full=1] [totp=KEY]
                               [password=PW] [height=900] [lang=en]

BASE     the portal, e.g. http://127.0.0.1:8100
USER     signs in on the portal's login form (user name and password) first; - for none
WIDTH    the window's width in CSS pixels, e.g. 390 (a phone) or 1280
OUT.png  where the screenshot goes
PATH     the page to show, e.g. /sekretariat/
js=0     JavaScript off (the portal works without it)
full=1   the whole page, not just the window
totp=KEY the authenticator app's key (base32, as `user.py --totp` prints it or the set-up page
         shows it): the code for the second step of the login is made from it
password the password (default: the demo users' password)
height   the window's height (default 900)
lang=en  the portal in English (its language cookie; default Danish)

Prints the address the page ended on and its HTTP status, and any Content-Security-Policy
violation or script error the page had, to stderr. Exits 1 when the login did not succeed.
"""

import base64
import hashlib
import hmac
import struct
import sys
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# The browser tests' Chromium and flags: one list for both.
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402

DEMO_PASSWORD = "demo"  # noqa: S105 - demo/loader.py's DEMO_PASSWORD, the demo users' password
VERIFY_PATH = "/login/bekraeft/"  # the second step (portal/urls.py, "login-verify")
SETUP_PATH = "/konto/totrinslogin/"  # where staff without an app are sent when it is required
STEP = 30


def totp(key: str, at: float | None = None) -> str:
    """RFC 6238 with SHA-1, 6 digits and 30-second steps, as django-otp's TOTPDevice."""
    key = "".join(key.split()).upper()
    raw = base64.b32decode(key + "=" * (-len(key) % 8))
    counter = int((time.time() if at is None else at) // STEP)
    digest = hmac.new(raw, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{code % 1_000_000:06d}"


def parse(argv: list[str]):
    positional = [a for a in argv if "=" not in a or a.startswith("/")]
    options = dict(a.split("=", 1) for a in argv if a not in positional)
    if len(positional) != 5:
        sys.exit(__doc__)
    unknown = set(options) - {"js", "full", "totp", "password", "height", "lang"}
    if unknown:
        sys.exit(f"unknown option(s): {', '.join(sorted(unknown))}\n\n{__doc__}")
    return positional, options


def path_of(page) -> str:
    return urlsplit(page.url).path


def log_in(page, base: str, user: str, password: str, key: str) -> None:
    page.goto(urljoin(base, "/login/"))
    page.locator("#id_username").fill(user)
    page.locator("#id_password").fill(password)
    page.locator("#id_password").press("Enter")
    page.wait_for_load_state()
    if path_of(page) == "/login/":
        alert = page.locator(".alert-danger, .invalid-feedback, [role=alert]")
        said = " / ".join(dict.fromkeys(" ".join(t.split()) for t in alert.all_inner_texts()))
        sys.exit(f"login as {user} failed: {said or 'still on the login page'}")
    if path_of(page) == SETUP_PATH:
        print(f"note: {user} must set up two-factor login first ({SETUP_PATH})", file=sys.stderr)
    if path_of(page) != VERIFY_PATH:
        return
    if not key:
        sys.exit(f"{user} has two-factor login: give totp=KEY (or use an account without it)")
    for attempt in range(2):
        page.locator("#id_token").fill(totp(key))
        page.locator("#id_token").press("Enter")
        page.wait_for_load_state()
        if path_of(page) != VERIFY_PATH:
            return
        if attempt == 0:
            # A code is taken once (django-otp): a login in the same 30 seconds waits for the
            # next one.
            time.sleep(STEP - time.time() % STEP + 1)
    sys.exit(f"the code for {user} was refused twice: is totp= the key of their app?")


def main() -> None:
    (base, user, width, out, path), options = parse(sys.argv[1:])
    from playwright.sync_api import sync_playwright

    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            context = browser.new_context(
                viewport={"width": int(width), "height": int(options.get("height", 900))},
                java_script_enabled=options.get("js", "1") != "0",
            )
            if options.get("lang"):
                host = urlsplit(base).hostname
                context.add_cookies(
                    [
                        {
                            "name": "django_language",
                            "value": options["lang"],
                            "domain": host,
                            "path": "/",
                        }
                    ]
                )
            page = context.new_page()
            page.on(
                "console",
                lambda message: (
                    problems.append(message.text)
                    if message.type == "error" and "Content Security Policy" in message.text
                    else None
                ),
            )
            page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
            if user != "-":
                log_in(
                    page,
                    base,
                    user,
                    options.get("password", DEMO_PASSWORD),
                    options.get("totp", ""),
                )
            response = page.goto(urljoin(base, path))
            page.wait_for_load_state()
            page.screenshot(path=out, full_page=options.get("full", "0") == "1")
            print(f"{page.url} {response.status if response else '-'} -> {out}")
        finally:
            browser.close()
    for problem in problems:
        print(problem, file=sys.stderr)


if __name__ == "__main__":
    main()
