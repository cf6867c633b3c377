"""Full-text search of funded projects: a search that forgives.

PostgreSQL: the text search configuration `danish_unaccent` (migration 0011): accents folded
("sprogcafe" finds "Sprogcafé") and Danish stemming ("kvinder" finds "kvinde"). The search
document is stored per application (`search_document`, kept current by a trigger, migrations
0006 and 0011) with a GIN index; the title weighs most in the ranking. Every word of the query
matches as a word beginning ("sprog" finds "sprogcafé" and "sprogundervisning"), and as the
last part of the compound words funded projects use (grants_searchword, a trigram index:
"undervisning" finds "sprogundervisning"). All words must match. When nothing matches,
`grants.suggestions.suggest` offers the nearest words funded projects use ("Mente du
»sprog«?"), checked by the view to find something.

SQLite (development): every word must occur in one of the fields, case- and accent-folded in
Python (`fold`); no suggestions.

`Marks` highlights the matched words in what a result card shows, escaped; `with_excerpts`
gives a card whose title and target group have none of them the words around the first one
in the project's other public texts.
"""

import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.backends.signals import connection_created
from django.db.models import F, Func, Q, QuerySet, TextField, Value
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from grants.models import Application, SearchWord

# The fields the search document is built from (migrations 0006, 0011, 0031 and 0033 build it in
# SQL): the project's public texts.
SEARCH_FIELDS = (
    "title",
    "target_group",
    "purpose",
    "challenge",
    "description",
    "anchoring",
    "continuation_learnings",
    "partners",
    "other_policy_goals",
    "previous_funding_text",
    "amount_note",
)
SEARCH_CONFIG = "danish_unaccent"  # also named in TERM_QUERIES
MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MIN_PREFIX = 3  # shorter words match whole words only: "ny:*" would match half the country
MIN_PART = 4  # the shortest word searched for inside compound words
MAX_PARTS = 30  # compound words per query word

WORD = re.compile(r"[^\W_]+")
# A query's word, hyphenated ones whole: "to-sprogede" is one word to search for, in either
# spelling, not "to" and "sprogede" anywhere in a project; "15-25" an age range.
TERM = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
LEXEME = re.compile(r"'((?:[^']|'')+)'(:\*)?")
KNOWN_WORDS = 20_000  # words a search remembers its answer for (Marks.known)
INFLECTION = 5  # letters a highlighted word may have after a whole word of the query ("erne")
# What PostgreSQL's unaccent makes of the letters Unicode does not decompose.
FOLDED = str.maketrans({"æ": "ae", "ø": "o", "ß": "ss", "đ": "d", "ł": "l", "œ": "oe"})


def fold(text: str) -> str:
    """Lowercase, without accents, as unaccent does: "Sprogcafé" → "sprogcafe", "Ærø" →
    "aero"."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(FOLDED))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=8192)
def fold_word(word: str) -> str:
    """fold() of one word, remembered: highlighting folds every word of every card's title
    and target group, most of them the same few hundred words."""
    return fold(word)


def terms_of(text: str) -> list[str]:
    """The query's words, folded, each once, in order (at most MAX_TERMS); a hyphenated word
    is one ("to-sprogede")."""
    # Folded before it is split: folding may make new separators ("⑴" is "(1)", "ͺ" a
    # space), which reached to_tsquery inside a word and failed (attack round 7).
    folded = fold(text[:MAX_QUERY_LENGTH])
    return list(dict.fromkeys(TERM.findall(folded)))[:MAX_TERMS]


def joined(term: str) -> str:
    """A hyphenated word written as one ("to-sprogede" → "tosprogede"): Danish texts spell
    many words both ways."""
    return term.replace("-", "")


@dataclass(frozen=True)
class Marks:
    """Highlights the matched words of a text: a word is marked when its folded form begins
    with one of `stems` (PostgreSQL: a query word's beginning), is one of `whole` give or take
    an inflection (PostgreSQL: a compound word the query matched, "tosprogede" for
    "tosprog"), is one of `hyphened` so within a hyphenated word (PostgreSQL: the parts of a
    hyphenated word the query matched, "to" and "sprogede" of "to-sprogede", not "to" or
    "sproglig" alone), or contains one of `stems` (`inside`, SQLite)."""

    stems: tuple[str, ...] = ()
    inside: bool = False
    whole: tuple[str, ...] = ()
    hyphened: tuple[str, ...] = ()
    # Each word's answer, once per search: a page's cards ask about the same words again and
    # again (a title is checked for the excerpt, then marked; issue #17: the marking was a
    # tenth of a search page).
    known: dict = dataclasses.field(default_factory=dict, compare=False, repr=False)

    def matches(self, word: str) -> bool:
        """Is `word` marked wherever it stands (not only within a hyphenated word)?"""
        answer = self.known.get(word)
        if answer is None:
            answer = self.folded_matches(fold_word(word))
            if len(self.known) < KNOWN_WORDS:
                self.known[word] = answer
        return answer

    def folded_matches(self, folded: str) -> bool:
        if self.inside:
            return any(stem in folded for stem in self.stems)
        if self.stems and folded.startswith(self.stems):
            return True
        return is_inflected(folded, self.whole)

    def matched(self, text: str) -> list[re.Match]:
        """The words of `text` to mark, in order. A hyphenated word's parts are marked where
        at least two neighbours match the query's phrase, a stop word among them counting
        ("to-sprogede", "ikke-vestlige" for a phrase of "vestlige"; not "sprogede" of
        "to-sprogede" for "sprog-forløb"; fresh eyes, session 30)."""
        found = []
        for group in TERM.finditer(text):
            if "-" not in group.group():
                # One word, no parts: marked or not by itself (most words).
                if self.matches(group.group()):
                    found.append(group)
                continue
            parts = [
                (match, self.matches(match.group()))
                for match in WORD.finditer(text, group.start(), group.end())
            ]
            marked = [match for match, alone in parts if alone]
            if self.hyphened and len(parts) >= 2:
                run: list[re.Match] = []
                for match, alone in [*parts, (None, False)]:
                    folded = fold_word(match.group()) if match else ""
                    if (
                        match
                        and not alone
                        and (folded in STOP_WORDS or is_inflected(folded, self.hyphened))
                    ):
                        run.append(match)
                    else:
                        # The run ends: marked when it is a phrase with a real match.
                        if len(run) >= 2 and any(
                            fold_word(m.group()) not in STOP_WORDS for m in run
                        ):
                            marked += run
                        run = []
            # A stop word joined to a marked part is marked with it: "ikke-vestlige" is
            # not "vestlige" (fresh eyes, session 30).
            for i, (match, _alone) in enumerate(parts):
                neighbours = parts[max(0, i - 1) : i + 2]
                if (
                    match not in marked
                    and fold_word(match.group()) in STOP_WORDS
                    and any(other in marked for other, _ in neighbours if other is not match)
                ):
                    marked.append(match)
            found += marked
        return sorted(found, key=lambda match: match.start())

    def mark(self, text: str) -> SafeString:
        """`text` escaped, its matched words marked; neighbours apart only by spaces or a
        hyphen are one mark ("Røde Kors" had a gap in its highlight; fresh eyes, session 29;
        "to-sprogede")."""
        spans = []
        for match in self.matched(text):
            if spans and text[spans[-1][1] : match.start()].strip() in ("", "-"):
                spans[-1] = (spans[-1][0], match.end())
            else:
                spans.append((match.start(), match.end()))
        parts, last = [], 0
        for start, end in spans:
            parts.append(escape(text[last:start]))
            parts.append(f"<mark>{escape(text[start:end])}</mark>")
            last = end
        parts.append(escape(text[last:]))
        # Every piece of text is escaped above.
        return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703


def is_inflected(folded: str, stems: tuple[str, ...]) -> bool:
    """Is the folded word one of `stems` give or take an inflection? A whole word marks only
    itself inflected, as the search matched it: "tosprog" does not mark "tosprogsprogram"; a
    short one only itself ("to" of "to-sprogede" is no "tolk")."""
    return any(
        folded == stem
        or (
            len(stem) >= MIN_PREFIX
            and folded.startswith(stem)
            and len(folded) - len(stem) <= INFLECTION
        )
        for stem in stems
    )


# The searched texts a card does not show (its title and target group), in the form's order:
# where a search's words are found when the card has none of them.
EXCERPT_FIELDS = tuple(
    field
    for field in Application.CONTENT_FIELDS
    if field in SEARCH_FIELDS and field not in ("title", "target_group")
)
EXCERPT_BEFORE, EXCERPT_AFTER = 8, 16  # words around the first matched word


def excerpt(text: str, marks: Marks) -> SafeString | None:
    """The words around the first matched word of `text`, within its paragraph (line), marked,
    with "…" where it is cut; None when no word matches."""
    for paragraph in text.splitlines():
        words = list(WORD.finditer(paragraph))
        marked = {match.start() for match in marks.matched(paragraph)}
        for i, word in enumerate(words):
            if word.start() not in marked:
                continue
            first, last = max(0, i - EXCERPT_BEFORE), min(len(words) - 1, i + EXCERPT_AFTER)
            start = words[first].start() if first else 0
            end = words[last].end() if last < len(words) - 1 else len(paragraph)
            shown = marks.mark(" ".join(paragraph[start:end].split()))
            # Escaped and marked by Marks.mark; the dots are plain text, kept on the line of
            # the word beside them by a no-break space (one wrapped alone; fresh eyes).
            return mark_safe(  # noqa: S308  # nosec B308 B703
                ("…\u00a0" if start else "") + shown + ("\u00a0…" if end < len(paragraph) else "")
            )
    return None


def with_excerpts(projects: list, marks: Marks) -> None:
    """Gives each project (of grants.cards.with_card_parts) whose card shows none of the
    search's words (in its title or `card_target_group`) `search_excerpt`: where they are in
    its other public texts (fresh eyes, session 29: four of five cards for "sprog" showed no
    word of it). One query for the page."""
    hidden = [
        project
        for project in projects
        if not any(marks.matched(text) for text in (project.title, project.card_target_group))
    ]
    if not hidden:
        return
    texts = {
        row[0]: row[1:]
        for row in Application.objects.filter(pk__in=[p.pk for p in hidden]).values_list(
            "pk", *EXCERPT_FIELDS
        )
    }
    for project in hidden:
        project.search_excerpt = next(
            (
                found
                for text in texts.get(project.pk, ())
                if text and (found := excerpt(text, marks))
            ),
            None,
        )


@dataclass(frozen=True)
class Search:
    text: str
    terms: tuple[str, ...]
    tsquery: str | None = None  # PostgreSQL: normalised, the text of a tsquery
    marks: Marks = Marks()

    @property
    def no_words(self) -> bool:
        """Something was typed, but no word at all ("&", "-"): nothing to search for."""
        return bool(self.text) and not self.terms

    @property
    def only_common_words(self) -> bool:
        """Words were typed, but all too common to search for ("og"): PostgreSQL only."""
        return bool(self.terms) and self.tsquery == ""


# One query per search: each word's stem as a word beginning, or'ed with the compound words
# that end in it (Danish compounds end in their head: "sprogundervisning" is a kind of
# "undervisning"), inflected or not ("sprogcafeen", "indvandrerkvinderne" for "kvinder"),
# all normalised by danish_unaccent. A compound counts when its stem ends in the word or the
# word's stem: not any word that merely has it inside, nor one where it is followed by more
# than an inflection ("integrationsprogram" is no "sprog", though "ram" is three letters;
# fresh eyes, session 28). And the shortest words that begin with it: their stems may be
# shorter than the beginning typed ("sprogl" is the beginning of "sproglig", whose stem is
# "sprog"). A stop word ("for", "og") is left out, beginnings and all. A word is found
# hyphenated or not: "to-sprogede" as typed (a phrase of its parts, as PostgreSQL reads a
# hyphenated word) or as "tosprogede", and "tosprogede" also as the projects' hyphenated
# words that begin with it without their hyphens: the phrase of the parts that make it, give
# or take an inflection ("ikkevestlige" finds "ikke-vestlige-indvandrere" as "ikke vestlige",
# and marks no "indvandrere"; fresh eyes, session 30). A phrase of parts, not the hyphenated
# word whole: to_tsquery makes that a lexeme only a text with all of its parts has.
TERM_QUERIES = """
SELECT CASE WHEN numnode(to_tsquery('danish_unaccent', u.term)) = 0
    AND numnode(to_tsquery('danish_unaccent', u.typed)) = 0 THEN '' ELSE (
    to_tsquery('danish_unaccent',
        u.term || CASE WHEN length(u.term) >= %(min_prefix)s THEN ':*' ELSE '' END)
    || CASE WHEN u.typed = u.term THEN ''::tsquery ELSE to_tsquery('danish_unaccent',
        u.typed || CASE WHEN length(u.term) >= %(min_prefix)s THEN ':*' ELSE '' END) END
    || coalesce((
        SELECT to_tsquery('danish_unaccent', string_agg(DISTINCT heads.phrase, ' | '))
        FROM (
            SELECT '(' || array_to_string(hyphenated.parts[1:k], ' <-> ') || ')' AS phrase
            FROM (
                SELECT string_to_array(plain, '-') AS parts FROM grants_searchword
                WHERE plain LIKE '%%-%%' AND (replace(plain, '-', '') = u.term
                    OR length(u.term) >= %(min_prefix)s
                        AND replace(plain, '-', '') LIKE u.term || '%%')
                ORDER BY length(plain), plain
                LIMIT %(max_parts)s
            ) hyphenated, generate_series(2, cardinality(hyphenated.parts)) k
            WHERE array_to_string(hyphenated.parts[1:k], '') LIKE u.term || '%%'
                AND length(array_to_string(hyphenated.parts[1:k], ''))
                    <= length(u.term) + %(inflection)s
        ) heads
    ), ''::tsquery)
    || coalesce((
        SELECT to_tsquery('danish_unaccent', string_agg(parts.plain, ' | '))
        FROM (
            SELECT plain FROM grants_searchword,
                LATERAL (SELECT (ts_lexize('danish_stem', plain))[1] AS stem) compound
            WHERE length(u.term) >= %(min_part)s
                AND plain ~ ('.' || u.stem || '[[:alpha:]]{0,4}$')
                AND (right(compound.stem, length(u.stem)) = u.stem
                    OR right(compound.stem, length(u.term)) = u.term)
            LIMIT %(max_parts)s
        ) parts
    ), ''::tsquery)
    || coalesce((
        SELECT to_tsquery('danish_unaccent', string_agg(longer.plain, ' | '))
        FROM (
            SELECT plain FROM grants_searchword
            WHERE length(u.term) >= %(min_prefix)s AND plain LIKE u.term || '%%'
            ORDER BY length(plain), plain
            LIMIT %(max_parts)s
        ) longer
    ), ''::tsquery)
)::text END
FROM (
    SELECT replace(typed, '-', '') AS term, typed, i,
        coalesce((ts_lexize('danish_stem', replace(typed, '-', '')))[1],
            replace(typed, '-', '')) AS stem
    FROM unnest(%(terms)s::text[]) WITH ORDINALITY AS given(typed, i)
) u
ORDER BY u.i
"""


# SQLite: the Snowball Danish stop words PostgreSQL's danish configuration leaves out, folded.
STOP_WORDS = frozenset(
    fold(word)
    for word in (  # noqa: SIM905 - one line of words reads better than 94 lines
        "og i jeg det at en den til er som på de med han af for ikke der var mig sig men et har "
        "om vi min havde ham hun nu over da fra du ud sin dem os op man hans hvor eller hvad "
        "skal selv her alle vil blev kunne ind når være dog noget ville jo deres efter ned "
        "skulle denne end dette mit også under have dig anden hende mine alt meget sit sine vor "
        "mod disse hvis din nogle hos blive mange ad bliver hendes været thi jer sådan"
    ).split(" ")
)


def prepare(text: str) -> Search:
    text = " ".join(text.split())[:MAX_QUERY_LENGTH]
    terms = tuple(terms_of(text))
    if connection.vendor != "postgresql":
        terms = tuple(term for term in terms if term not in STOP_WORDS) or terms
        return Search(text, terms, marks=Marks(sqlite_marks(terms), inside=True))
    if not terms:
        return Search(text, terms, tsquery="")
    with connection.cursor() as cursor:
        cursor.execute(
            TERM_QUERIES,
            {
                "min_prefix": MIN_PREFIX,
                "min_part": MIN_PART,
                "max_parts": MAX_PARTS,
                "inflection": INFLECTION,
                "terms": list(terms),
            },
        )
        queries = [row[0] for row in cursor.fetchall() if row[0]]
    # What the text shows of each lexeme: a hyphenated word's lexeme ("to-sproged") is its
    # parts, which the query has too; a number's hyphen ("-25" of "15-25") is a dash.
    lexemes = [
        (
            match.group(1).replace("''", "'").lstrip("-"),
            bool(match.group(2)),
            in_phrase(query, match),
        )
        for query in queries
        for match in LEXEME.finditer(query)
        if "-" not in match.group(1).lstrip("-")
    ]
    # A short beginning marks only itself: "to" of "to-sprogede" is no "tolk".
    alone = [(stem, prefix) for stem, prefix, phrase in lexemes if not phrase]
    beginnings = {stem for stem, prefix in alone if prefix and len(stem) >= MIN_PREFIX}
    whole = {stem for stem, _prefix in alone} - beginnings
    # A hyphenated word's parts mark only a hyphenated word's parts: "sprog" of
    # "sprog-forløb" is no "sproglig" in another title (fresh eyes, session 30).
    hyphened = {stem for stem, _prefix, phrase in lexemes if phrase} - beginnings - whole
    return Search(
        text,
        terms,
        tsquery=" & ".join(f"({query})" for query in queries),
        marks=Marks(
            tuple(sorted(beginnings)),
            whole=tuple(sorted(whole)),
            hyphened=tuple(sorted(hyphened)),
        ),
    )


def in_phrase(query: str, lexeme: re.Match) -> bool:
    """Is the lexeme part of a phrase in the tsquery text (`'to' <-> 'sproged'`)?"""
    return query[lexeme.end() :].lstrip().startswith("<") or query[
        : lexeme.start()
    ].rstrip().endswith(">")


def sqlite_marks(terms: tuple[str, ...]) -> tuple[str, ...]:
    """What SQLite's search marks inside words: each word, a hyphenated one also joined and
    by its longer parts, as its text is written either way."""
    marks = []
    for term in terms:
        parts = [part for part in term.split("-") if len(part) >= MIN_PREFIX]
        marks += [term, joined(term), *parts] if "-" in term else [term]
    return tuple(dict.fromkeys(marks))


class InlinedText(Value):
    """A text written into the query as a quoted literal (psycopg's own quoting, as Django
    writes a query for the log), not sent as a parameter.

    For the search's words: with prepared statements (DATABASE_PREPARE_THRESHOLD) PostgreSQL
    plans a statement it has run five times once for any parameters, and the plan made for
    one word read every match of another ("familie" after other searches on a connection
    8.2 ms against 4.4 ms planned for its own words; session 28). With the words in its
    text each search is a statement of its own, prepared only when it is asked often and
    then planned for its own words."""

    def as_sql(self, compiler, connection):
        return connection.ops.compose_sql("%s", [self.value]), []


class NormalisedQuery(SearchQuery):
    """A query PostgreSQL has already normalised (`prepare`), read back as it wrote it: cast,
    not parsed again by to_tsquery, which took a quoted hyphenated lexeme ("'to-sproged'") as
    a phrase of its parts once more, and a phrase that no text has."""

    template = "%(expressions)s::tsquery"


def search(queryset: QuerySet, text: str | Search) -> QuerySet:
    """Only the matching rows; on PostgreSQL with a `rank` alias to order by (not selected,
    so the query neither returns nor groups by it)."""
    prepared = text if isinstance(text, Search) else prepare(text)
    if not prepared.text:
        return queryset
    if prepared.tsquery is not None:
        if not prepared.tsquery:  # only stop words or signs
            return queryset.none()
        query = NormalisedQuery(InlinedText(prepared.tsquery, output_field=TextField()))
        return queryset.filter(search_document=query).alias(
            rank=SearchRank(F("search_document"), query)
        )
    if not prepared.terms:
        return queryset.none()
    folded = {f"folded_{field}": Fold(F(field)) for field in SEARCH_FIELDS}
    queryset = queryset.alias(**folded)
    for term in prepared.terms:
        condition = Q()
        for name in folded:
            for spelling in {term, joined(term)}:
                condition |= Q(**{f"{name}__contains": spelling})
        queryset = queryset.filter(condition)
    return queryset


def is_ranked(queryset: QuerySet) -> bool:
    """Did `search` filter this queryset on PostgreSQL's search index (and give it `rank`)?"""
    return "rank" in queryset.query.annotations


def match_ids(queryset: QuerySet, limit: int) -> list[int]:
    """The ids of up to `limit` matching rows in no order: PostgreSQL finds a search's
    matches through its index and stops at `limit`, where ordering them would test every
    row (the catalogue's count, the API's few matches)."""
    return list(queryset.order_by().values_list("pk", flat=True)[:limit])


def rebuild_words() -> int:
    """PostgreSQL: the words table anew from the funded projects (the trigger only adds)."""
    if connection.vendor != "postgresql":
        return 0
    from django.db import transaction

    from grants.models import FUNDED_STATUSES

    text = "concat_ws(' ', " + ", ".join(f"a.{field}" for field in SEARCH_FIELDS) + ")"
    with transaction.atomic(), connection.cursor() as cursor:
        table = SearchWord._meta.db_table
        # Names from the code, values as parameters.
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608  # nosec B608
        insert = (
            f"INSERT INTO {table} (word, plain) "  # noqa: S608  # nosec B608
            "SELECT DISTINCT w, unaccent(w) FROM grants_application a, "
            f"grants_search_words({text}) w "
            "WHERE a.status = ANY(%s) ORDER BY 1 ON CONFLICT (word) DO NOTHING"
        )
        cursor.execute(insert, [list(FUNDED_STATUSES)])
        return cursor.rowcount


class Fold(Func):
    """SQLite: `fold` of a text column (the function is registered on every connection)."""

    function = "PORTAL_FOLD"
    output_field = TextField()


def _register_fold(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "PORTAL_FOLD", 1, lambda text: fold(text) if text else "", deterministic=True
        )


connection_created.connect(_register_fold, dispatch_uid="grants-search-fold")
