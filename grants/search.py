"""Full-text search of funded projects.

PostgreSQL: the Danish text-search configuration, so "kvinder" finds "kvinde". The search
document is stored per application (`search_document`, kept current by a trigger, migration
0006) with a GIN index, so a search reads documents instead of computing them; the title
weighs most in the ranking. SQLite (development): every word must occur in one of the fields,
case-insensitively.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q, QuerySet

# The fields the search document is built from (migration 0006 builds it in SQL).
SEARCH_FIELDS = ("title", "target_group", "purpose", "challenge", "description", "anchoring")
SEARCH_CONFIG = "danish"
MAX_QUERY_LENGTH = 200


def search(queryset: QuerySet, text: str) -> QuerySet:
    """Only the matching rows; on PostgreSQL with a `rank` alias to order by (not selected,
    so the query neither returns nor groups by it)."""
    text = " ".join(text.split())[:MAX_QUERY_LENGTH]
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        return queryset.filter(search_document=query).alias(
            rank=SearchRank(F("search_document"), query)
        )
    for word in text.split():
        condition = Q()
        for field in SEARCH_FIELDS:
            condition |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset
