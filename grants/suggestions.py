"""The catalogue search's "Mente du …?": for a search that found nothing, the words of the
funded projects' texts nearest to what was typed (PostgreSQL; grants.search prepares the
search and keeps the words table)."""

from django.db import connection

from grants.search import MIN_PART, MIN_PREFIX, Search, fold

SUGGESTION_CANDIDATES = 12


def suggest(prepared: Search) -> str | None:
    """PostgreSQL: the query with each word no funded project's word begins with replaced by
    the nearest word one (by trigrams, then edits), or None when there is nothing to offer."""
    if prepared.tsquery is None or not prepared.terms:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT u.term,
                EXISTS (SELECT 1 FROM grants_searchword WHERE plain LIKE u.term || '%%'),
                ARRAY(SELECT word FROM grants_searchword ORDER BY plain <-> u.term LIMIT %s)
            FROM unnest(%s::text[]) WITH ORDINALITY AS u(term, i)
            ORDER BY u.i
            """,
            [SUGGESTION_CANDIDATES, list(prepared.terms)],
        )
        rows = cursor.fetchall()
    words, changed = [], False
    for term, known, candidates in rows:
        best = None if known else nearest(term, candidates) or leading_word(term)
        changed |= best is not None
        words.append(best or term)
    return " ".join(words) if changed else None


def leading_word(term: str) -> str | None:
    """A compound word no project has, and no typo of one: the longest word of the projects'
    texts it begins with, when the rest begins a word of them too, perhaps after a linking
    "s" or "e" ("sprogcafe" → "sprog", whose search finds "sproglig" and
    "sprogundervisning", where the projects have "sprog" and "café" but no "sprogcafé";
    fresh eyes, session 31). Not "lang" for "language", nor "købe" for "københavns": no
    word begins with "uage" or "nhavns"."""
    splits = [
        (term[:end], rest, rest[1:] if rest[0] in "se" and len(rest) > MIN_PREFIX else "")
        for end in range(len(term) - MIN_PREFIX, MIN_PART - 1, -1)
        for rest in [term[end:]]
    ]
    if not splits:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT (SELECT word FROM grants_searchword WHERE plain = u.head LIMIT 1)
            FROM unnest(%s::text[], %s::text[], %s::text[]) WITH ORDINALITY
                AS u(head, rest, linked, i)
            WHERE EXISTS (SELECT 1 FROM grants_searchword WHERE plain = u.head)
              AND (EXISTS (SELECT 1 FROM grants_searchword WHERE plain LIKE u.rest || '%%')
                   OR u.linked <> ''
                   AND EXISTS (SELECT 1 FROM grants_searchword WHERE plain LIKE u.linked || '%%'))
            ORDER BY u.i
            LIMIT 1
            """,
            [list(column) for column in zip(*splits, strict=True)],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def nearest(term: str, candidates: list[str]) -> str | None:
    """The candidate fewest edits away, if it is close enough to be a typo."""
    allowed = 1 if len(term) <= 4 else 2
    scored = [(edits(term, fold(word)), i, word) for i, word in enumerate(candidates)]
    scored = [row for row in scored if row[0] <= allowed]
    return min(scored)[2] if scored else None


def edits(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps of
    neighbours ("sporg" → "sprog" is one)."""
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]
