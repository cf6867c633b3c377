"""Prepare one benchmark pass on the current database and measure queries per request.

- gives the synthetic committee staff user of the first synthetic municipality a password
  and creates a caseworker in one of its departments (both only in the benchmark database),
- logs both in through the portal's real login page (Django's test client) and keeps the
  session cookies for wrk,
- picks the pages to load (a funded project and a pool of that municipality),
- requests every page once with the test client and counts its database queries, uncached
  (PUBLIC_CACHE_SECONDS=0) and cached (the second request of a warm cache),
- writes all of it as JSON (the input of bench/load.py).

    python -m bench.prepare --out bench/results/pages-1k.json
"""

import argparse
import json
import secrets
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django

MUNICIPALITY = "syntetisk-001"
YEAR = 2020
CASEWORKER = "bench-caseworker"


def staff_and_caseworker():
    from portal.models import Department, Role, User

    staff = User.objects.get(username=f"syntetisk-{MUNICIPALITY}")
    staff_password = secrets.token_urlsafe(16)
    staff.set_password(staff_password)
    staff.save()
    department = Department.objects.get(
        municipality__slug=MUNICIPALITY, name="Center for Integration"
    )
    caseworker, _created = User.objects.update_or_create(
        username=CASEWORKER,
        defaults={
            "role": Role.CASEWORKER,
            "municipality": department.municipality,
            "department": department,
            "first_name": "Bench",
            "last_name": "Caseworker",
        },
    )
    caseworker_password = secrets.token_urlsafe(16)
    caseworker.set_password(caseworker_password)
    caseworker.save()
    return (staff.username, staff_password), (caseworker.username, caseworker_password)


def login_cookie(username: str, password: str) -> str:
    """Log in through the real login page; return the session cookie value."""
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    response = client.post("/login/", {"username": username, "password": password})
    if response.status_code != 302 or "sessionid" not in client.cookies:
        raise SystemExit(f"Login as {username} failed: HTTP {response.status_code}")
    return client.cookies["sessionid"].value


def late_cursor() -> str:
    """The API's cursor (`efter`) for the page after the funded project nine tenths of the
    way through: a late page, which keyset pagination must serve as fast as the first."""
    import base64

    from grants.public import funded_projects

    ids = funded_projects().order_by("pk").values_list("pk", flat=True)
    position = ids[max(ids.count() * 9 // 10 - 1, 0)]
    return base64.urlsafe_b64encode(f"p={position}".encode()).decode()


# Always measured, whatever --only says: the bare view is as large as the catalogue page
# (bench/load.py sizes it from there), and every page is compared with it.
REFERENCE = ("/bench/bare/", "/projekter/")

# The downloads measured by bench/memory.py at 50,000 (each takes a minute or more there).
STREAMED = ("/data/projekter.csv", "/data/360giving.json", "/data/projekter.xlsx")


def pages() -> list[dict]:
    from django.db.models import Count
    from django.urls import reverse

    from grants.models import FUNDED_STATUSES, Application, Pool
    from policies.models import Goal, Policy

    pool = Pool.objects.get(municipality__slug=MUNICIPALITY, year=YEAR)
    project = (
        Application.objects.filter(pool=pool, status__in=FUNDED_STATUSES)
        .exclude(continues=None)
        .order_by("pk")
        .first()
    ) or Application.objects.filter(pool=pool, status__in=FUNDED_STATUSES).order_by("pk").first()
    policy = Policy.objects.filter(municipality__slug=MUNICIPALITY).order_by("pk").first()
    # The goal most projects serve: its page is the longest of its kind.
    goal = (
        Goal.objects.filter(policy=policy)
        .annotate(served=Count("applications"))
        .order_by("-served", "pk")
        .first()
    )
    barometer_of_policy = reverse(
        "barometer:policy", kwargs={"kommune": MUNICIPALITY, "slug": policy.slug}
    )
    public = [
        ("bare view (reference)", "/bench/bare/", None),
        ("catalogue", "/projekter/", None),
        ("catalogue search ?q=sprog", "/projekter/?q=sprog", None),
        # A search that forgives (grants.search): a rare word, a word beginning, a part of a
        # compound word and a typo (nothing found: the suggestion's results are shown).
        ("catalogue search rare ?q=cricketklubben", "/projekter/?q=cricketklubben", None),
        ("catalogue search prefix ?q=brobyg", "/projekter/?q=brobyg", None),
        ("catalogue search compound part ?q=klubben", "/projekter/?q=klubben", None),
        ("catalogue search typo ?q=integrasion", "/projekter/?q=integrasion", None),
        ("catalogue filter ?kommune&aar", f"/projekter/?kommune={MUNICIPALITY}&aar={YEAR}", None),
        ("project page", f"/projekter/{project.pk}/", None),
        ("pool page", f"/puljer/{MUNICIPALITY}/{YEAR}/", None),
        # Pages that list what every municipality has (issue #17, session 25).
        ("front page", "/", None),
        ("pools page (the newest year)", "/puljer/", None),
        ("pools page of a municipality", f"/puljer/?kommune={MUNICIPALITY}", None),
        ("policies page", "/politikker/", None),
        ("policy page", f"/politikker/{MUNICIPALITY}/{policy.slug}/", None),
        ("goal page", f"/politikker/maal/{goal.pk}/", None),
        ("sitemap index", "/sitemap.xml", None),
        ("sitemap, a page of projects", "/sitemap-projects.xml?p=2", None),
        ("barometer index", "/barometer/", None),
        ("barometer of a policy", barometer_of_policy, None),
        ("open data CSV (streamed)", "/data/projekter.csv", None),
        ("open data 360Giving JSON (streamed)", "/data/360giving.json", None),
        ("open data Excel (written to disk, sent in blocks)", "/data/projekter.xlsx", None),
        # One municipality's own files (one funder each, as 360Giving harvests them): small
        # enough for wrk, streamed chunk by chunk like the national ones.
        ("open data CSV of one municipality", f"/data/{MUNICIPALITY}/projekter.csv", None),
        (
            "open data 360Giving JSON of one municipality",
            f"/data/{MUNICIPALITY}/360giving.json",
            None,
        ),
        ("open data DCAT-AP catalogue record", "/data/katalog.jsonld", None),
        ("API projects, first page", "/api/v1/projekter/", None),
        ("API projects, a late keyset page", f"/api/v1/projekter/?efter={late_cursor()}", None),
        (
            "API projects ?kommune&aar",
            f"/api/v1/projekter/?kommune={MUNICIPALITY}&aar={YEAR}",
            None,
        ),
        ("API projects ?q=sprog", "/api/v1/projekter/?q=sprog", None),
        # A rare word: PostgreSQL tested it against every project for a page in id order
        # (session 28).
        ("API projects rare ?q=cricketklubben", "/api/v1/projekter/?q=cricketklubben", None),
        ("API project", f"/api/v1/projekter/{project.pk}/", None),
        ("API pools", "/api/v1/puljer/", None),
        ("API policies", "/api/v1/politikker/", None),
        ("API indicators", "/api/v1/indikatorer/", None),
        ("API OpenAPI document", "/api/v1/openapi.json", None),
        ("staff review queue", f"/sekretariat/puljer/{pool.pk}/ansoegninger/", "staff"),
        ("caseworker dashboard /mine/", "/mine/", "caseworker"),
    ]
    return [{"name": name, "path": path, "session": session} for name, path, session in public]


def measure(page: dict, cookies: dict[str, str], skip_streamed: bool) -> dict:
    """Queries, status, size and time of one request on an empty cache (a miss renders the
    page exactly as PUBLIC_CACHE_SECONDS=0 would), then of a second request (a cache hit
    for the public pages; staff, caseworker and streamed pages are never cached)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    def fetch(client):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page["path"], headers=headers)
            if response.streaming:
                size = sum(len(chunk) for chunk in response.streaming_content)
            else:
                size = len(response.content)
        return {
            "status": response.status_code,
            "bytes": size,
            "queries": len(queries),
            "seconds": round(time.perf_counter() - started, 4),
            "cacheable": not response.streaming and page["session"] is None,
        }

    client = Client()
    headers = {"host": "127.0.0.1"}
    if page["session"]:
        client.cookies["sessionid"] = cookies[page["session"]]
    if skip_streamed and page["path"] in STREAMED:
        # Measured by bench/memory.py, which streams them anyway (a minute each at 50,000).
        return {"uncached": {"skipped": True, "cacheable": False}, "cached": {"skipped": True}}
    cache.clear()
    uncached = fetch(client)
    cached = fetch(client) if uncached["cacheable"] else uncached
    return {"uncached": uncached, "cached": cached}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument(
        "--skip-streamed", action="store_true", help="leave the open-data downloads to memory.py"
    )
    parser.add_argument(
        "--only", default="", help="comma-separated parts of page names: measure just those"
    )
    args = parser.parse_args()
    setup_django()
    from grants.models import Application

    (staff, staff_password), (caseworker, caseworker_password) = staff_and_caseworker()
    cookies = {
        "staff": login_cookie(staff, staff_password),
        "caseworker": login_cookie(caseworker, caseworker_password),
    }
    result = {
        "applications": Application.objects.count(),
        "cookies": cookies,
        "pages": [],
    }
    wanted = [part.strip().lower() for part in args.only.split(",") if part.strip()]
    for page in pages():
        if (
            wanted
            and page["path"] not in REFERENCE
            and not any(part in page["name"].lower() for part in wanted)
        ):
            continue
        page["measured"] = measure(page, cookies, args.skip_streamed)
        m = page["measured"]
        if m["uncached"].get("skipped"):
            print(f"  {page['name']:38} (queries measured by bench/memory.py)", flush=True)
        else:
            print(
                f"  {page['name']:38} HTTP {m['uncached']['status']}  "
                f"{m['uncached']['bytes']:>10} B  {m['uncached']['queries']:>4} queries "
                f"uncached, {m['cached']['queries']:>4} cached  ({m['uncached']['seconds']:.3f} s)",
                flush=True,
            )
        result["pages"].append(page)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
