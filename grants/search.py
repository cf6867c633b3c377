"""Full-text search of funded projects.

PostgreSQL: the Danish text-search configuration, so "kvinder" finds "kvinde"; a GIN index on
the same expression (migration 0005) keeps it fast at national scale. SQLite (development):
every word must occur in one of the fields, case-insensitively.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

SEARCH_FIELDS = ("title", "target_group", "challenge", "purpose", "description", "anchoring")
SEARCH_CONFIG = "danish"


def search_vector() -> SearchVector:
    return SearchVector(*SEARCH_FIELDS, config=SEARCH_CONFIG)


def search(queryset: QuerySet, text: str) -> QuerySet:
    text = " ".join(text.split())[:200]
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        return queryset.annotate(
            search=search_vector(), rank=SearchRank(search_vector(), query)
        ).filter(search=query)
    for word in text.split():
        condition = Q()
        for field in SEARCH_FIELDS:
            condition |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset
