"""EXPLAIN (ANALYZE, BUFFERS) of the catalogue's Danish full-text search.

Builds the queries exactly as the catalogue view does (grants.public.ProjectFilter, whose
`q` filter is grants.search.search()), for two searches:

1. the benchmark's ?q=sprog, a word in almost every synthetic project, and
2. a selective search (the title of one project), which a GIN index is made for,

and prints, for each, the paginator's COUNT query and the first page's query with their
plans, after the definition of the index application_search_funded (migration grants/0034)
and how many funded projects each search matches.

    python -m bench.explain [--out bench/results/explain-50k.txt]
"""

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django

INDEX = "application_search_funded"


def catalogue_queryset(text: str):
    """The ordered queryset of the catalogue's first page for ?q=<text>, as CatalogueView
    builds it (grants.catalogue.listing)."""
    from grants.cards import for_cards
    from grants.catalogue import listing
    from grants.public import ProjectFilter, funded_projects

    queryset = for_cards(funded_projects())
    filterset = ProjectFilter({"q": text}, queryset=queryset)
    assert filterset.is_valid(), filterset.errors  # noqa: S101
    return listing(filterset, queryset).paginator.object_list


def explain_sql(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def count_sql(queryset) -> str:
    """The SQL of the paginator's count, as executed (parameters in place)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        queryset.count()
    return queries.captured_queries[-1]["sql"]


def report(text: str, label: str) -> list[str]:
    from grants.catalogue import MAX_COUNTED_MATCHES
    from grants.public import funded_projects
    from grants.search import search

    funded = funded_projects().count()
    matches = search(funded_projects(), text).count()
    queryset = catalogue_queryset(text)
    lines = [
        f"## {label}: ?q={text}",
        "",
        f"Matches {matches} of {funded} funded projects ({100 * matches / funded:.1f} %).",
        "",
        "### Counted matches (SELECT COUNT(*) of at most MAX_COUNTED_MATCHES + 1)",
        "",
        explain_sql(count_sql(queryset.order_by()[: MAX_COUNTED_MATCHES + 1])),
        "",
        "### First page (20 rows; by rank up to MAX_COUNTED_MATCHES matches, else by year)",
        "",
        queryset[:20].explain(analyze=True, buffers=True),
        "",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--query", default="sprog")
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from grants.models import Application
    from grants.public import funded_projects

    if connection.vendor != "postgresql":
        raise SystemExit("explain.py needs PostgreSQL (the GIN index exists only there)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [INDEX])
        row = cursor.fetchone()
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0]
    selective = funded_projects().order_by("pk").values_list("title", flat=True)[0]
    lines = [
        f"# EXPLAIN of the catalogue search on {Application.objects.count()} applications",
        "",
        version,
        "",
        f"Index: {row[0] if row else 'MISSING: ' + INDEX}",
        "",
    ]
    lines += report(args.query, "Common word")
    lines += report(selective, "Selective search (one project's title)")
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
