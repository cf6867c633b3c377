"""PDF documents with ReportLab: pure Python, so no system library is needed on any machine.

Print quality: embedded DejaVu Sans (kept in grants/documents/fonts/, docs/decisions.md
"PDF fonts"), A4, a table of contents, "Side x af y" on every page, and all user text escaped.
Every character a user can type comes out: DejaVu Sans covers Latin, Greek, Cyrillic, Arabic,
Hebrew, arrows, dashes, quotes, currency signs and many symbols; what it lacks (most emoji,
CJK) is printed as the visible replacement character � (`printable`), never as an empty
glyph.
"""

import io
import unicodedata
from pathlib import Path

# bandit B406 is about parsing XML; this only escapes our output.
from xml.sax.saxutils import escape  # nosec B406

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from grants.selectors import committees_label
from grants.wording import (
    HEADINGS,
    asked_years_and_total,
    copy_heading,
    decision_words,
    heading_numbers,
)
from portal.money import format_kroner

from .content import (
    SECTION_HEADINGS,
    ActionPlanDocument,
    RecommendationDocument,
    criterion_line,
    decision_lines,
)

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT, FONT_BOLD, FONT_ITALIC = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"
# Parsed once per process, at import: a font file is read on every request otherwise.
COVERAGE: dict[str, frozenset[int]] = {}
for _name in (FONT, FONT_BOLD, FONT_ITALIC):
    _font = TTFont(_name, FONT_DIR / f"{_name}.ttf")
    pdfmetrics.registerFont(_font)
    # ReportLab's text extraction map (ToUnicode) of a subset holds only the Basic
    # Multilingual Plane: an emoji beyond it would print but not copy or search.
    COVERAGE[_name] = frozenset(code for code in _font.face.charToGlyph if code < 0x10000)
pdfmetrics.registerFontFamily(
    FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD
)
# What a font has no glyph for: the replacement character (which DejaVu Sans has), so the
# reader sees that something is missing. Invisible characters the font lacks (zero-width
# joiners, variation selectors after an emoji, control characters) are left out.
REPLACEMENT = "\ufffd"
INVISIBLE = {"Cc", "Cf", "Zl", "Zp"}


def _shown(character: str) -> str:
    if unicodedata.category(character) in INVISIBLE or 0xFE00 <= ord(character) <= 0xFE0F:
        return ""
    return REPLACEMENT


def printable(value: str, font: str = FONT) -> str:
    """`value` with every character `font` has no glyph for replaced (see REPLACEMENT).
    Line breaks stay: they are laid out (text() makes them <br/>), not printed."""
    covered = COVERAGE[font]
    if all(c == "\n" or ord(c) in covered for c in value):
        return value
    return "".join(c if c == "\n" or ord(c) in covered else _shown(c) for c in value)


PRIMARY = colors.HexColor("#0b4f6c")
STYLES = {
    "title": ParagraphStyle("title", fontName=FONT_BOLD, fontSize=20, leading=25, spaceAfter=8),
    "subtitle": ParagraphStyle("subtitle", fontName=FONT, fontSize=11, leading=15, spaceAfter=16),
    "h1": ParagraphStyle(
        "h1",
        fontName=FONT_BOLD,
        fontSize=15,
        leading=19,
        spaceBefore=10,
        spaceAfter=8,
        textColor=PRIMARY,
    ),
    "h2": ParagraphStyle(
        "h2",
        fontName=FONT_BOLD,
        fontSize=12,
        leading=15,
        spaceBefore=10,
        spaceAfter=6,
        textColor=PRIMARY,
    ),
    "contents": ParagraphStyle(
        "contents", fontName=FONT_BOLD, fontSize=15, leading=19, spaceAfter=8, textColor=PRIMARY
    ),
    "label": ParagraphStyle(
        "label", fontName=FONT_BOLD, fontSize=9, leading=12, spaceBefore=6, keepWithNext=1
    ),
    "body": ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12.5, spaceAfter=4),
    "cell": ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10),
    "cell_bold": ParagraphStyle("cell_bold", fontName=FONT_BOLD, fontSize=8, leading=10),
    "cell_right": ParagraphStyle(
        "cell_right", fontName=FONT, fontSize=8, leading=10, alignment=TA_RIGHT
    ),
    "cell_right_bold": ParagraphStyle(
        "cell_right_bold", fontName=FONT_BOLD, fontSize=8, leading=10, alignment=TA_RIGHT
    ),
    "toc1": ParagraphStyle("toc1", fontName=FONT_BOLD, fontSize=10, leading=14),
    "toc2": ParagraphStyle("toc2", fontName=FONT, fontSize=9, leading=12, leftIndent=12),
}
TABLE_STYLE = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), FONT, 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e7eef2")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa7b0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
)


def text(value, style="body") -> Paragraph:
    """User text, escaped for ReportLab's mini-markup; line breaks kept. An empty answer
    under a heading shows a dash; an empty table cell stays empty."""
    font = STYLES[style].fontName
    safe = escape(printable(str(value or ""), font)).replace("\n", "<br/>")
    placeholder = "" if style.startswith("cell") else "–"
    return Paragraph(safe or placeholder, STYLES[style])


# Longer user text is laid out as many small paragraphs: ReportLab re-wraps the rest of a
# paragraph at every page it splits, so one paragraph of hundreds of pages took minutes
# (an attack's 30 criteria of 20.000 characters ran into the 30-second timeout).
CHUNK = 1500


def paragraphs(value, style="body") -> list[Paragraph]:
    """User text as one paragraph per line, long lines cut into pieces of about CHUNK
    characters (at a space where there is one)."""
    pieces = []
    for line in str(value or "").split("\n"):
        while len(line) > CHUNK:
            cut = line.rfind(" ", CHUNK // 2, CHUNK)
            cut = cut if cut > 0 else CHUNK
            pieces.append(line[:cut])
            line = line[cut:].lstrip(" ")
        pieces.append(line)
    if not any(piece.strip() for piece in pieces):
        return [text("", style)]
    font = STYLES[style].fontName
    return [
        Paragraph(escape(printable(piece, font)) or "&nbsp;", STYLES[style]) for piece in pieces
    ]


# The amount columns: wide enough for "1.250.000 kr." in bold at the tables' size (fresh
# eyes round 21: seven-digit amounts were set much smaller in 22 mm).
MONEY_WIDTH = 26 * mm
CELL_PADDING = 12  # left and right, points
MONEY_ROOM = MONEY_WIDTH - CELL_PADDING


def money(value, bold=False, width=MONEY_WIDTH) -> Paragraph:
    """An amount on one line: its spaces do not break ("1.250.000,50 kr." wrapped before
    "kr." in the committee's paper, fresh eyes round 21), and one too wide for its column
    (`width`) is set a little smaller rather than broken."""
    shown = (format_kroner(value) if value is not None else "").replace(" ", "\u00a0")
    style = STYLES["cell_right_bold" if bold else "cell_right"]
    room = width - CELL_PADDING
    needed = stringWidth(shown, style.fontName, style.fontSize)
    if needed > room:
        size = max(5, style.fontSize * room / needed * 0.97)
        style = ParagraphStyle(
            f"{style.name}_{size:.1f}", parent=style, fontSize=size, leading=size + 2
        )
    return Paragraph(escape(shown), style)


def fitted(text: str, room: float, font: str, size: float) -> str:
    """The text, shortened with "…" to fit `room` points (fresh eyes round 20: a long title
    in the footer ran into "Side 1 af 2")."""
    if stringWidth(text, font, size) <= room:
        return text
    # The title gives way; what follows its last " · " (the date) stays.
    head, dot, tail = text.rpartition(" · ")
    if not dot:
        head, tail = text, ""
    tail = dot + tail
    while head and stringWidth(head + "…" + tail, font, size) > room:
        head = head[:-1]
    return head.rstrip() + "…" + tail


class NumberedCanvas(canvas.Canvas):
    """Writes "Side x af y" once the number of pages is known."""

    footer = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):  # noqa: N802 - ReportLab's API
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            width, _height = self._pagesize
            self.setFont(FONT, 8)
            self.setFillColor(colors.HexColor("#444444"))
            number = _("Side %(page)s af %(total)s") % {"page": self._pageNumber, "total": total}
            room = width - 36 * mm - self.stringWidth(number, FONT, 8) - 6 * mm
            self.drawString(18 * mm, 10 * mm, fitted(printable(self.footer), room, FONT, 8))
            self.drawRightString(width - 18 * mm, 10 * mm, number)
            super().showPage()
        super().save()


class DocumentTemplate(BaseDocTemplate):
    """A4 with a table of contents fed by h1/h2 paragraphs and PDF bookmarks."""

    def __init__(self, buffer, *, title: str, pagesize=A4):
        super().__init__(
            buffer,
            pagesize=pagesize,
            title=title,
            author=_("Integrationsportalen"),
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=18 * mm,
            bottomMargin=18 * mm,
        )
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        self._heading_count = 0

    def beforeDocument(self):  # noqa: N802 - ReportLab's API; called on every build pass
        self._heading_count = 0

    def afterFlowable(self, flowable):  # noqa: N802 - ReportLab's API
        if isinstance(flowable, Paragraph) and flowable.style.name in ("h1", "h2"):
            level = 0 if flowable.style.name == "h1" else 1
            self._heading_count += 1
            key = f"h{self._heading_count}"
            plain = flowable.getPlainText()
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(plain, key, level=level, closed=True)
            # The table of contents parses its entries as markup again: escape them.
            self.notify("TOCEntry", (level, escape(plain), self.page, key))


def build(story, *, title: str, pagesize=A4) -> bytes:
    buffer = io.BytesIO()
    document = DocumentTemplate(buffer, title=title, pagesize=pagesize)
    footer = f"{title} · {date_format(timezone.localdate(), 'DATE_FORMAT')}"
    canvasmaker = type("FooterCanvas", (NumberedCanvas,), {"footer": footer})
    document.multiBuild(story, canvasmaker=canvasmaker)
    return buffer.getvalue()


def table_of_contents() -> TableOfContents:
    toc = TableOfContents()
    toc.levelStyles = [STYLES["toc1"], STYLES["toc2"]]
    return toc


def plan_table(doc: ActionPlanDocument) -> Table:
    years = doc.table.years
    header = [text(_("Indsats"), "cell_bold"), text(_("Udvalg"), "cell_bold")]
    header += [text(goal.label, "cell_bold") for goal in doc.goals]
    header += [
        Paragraph(escape(_("Tilskud %(year)s") % {"year": y}), STYLES["cell_right_bold"])
        for y in years
    ]
    rows = [header]
    for number, row in enumerate(doc.table.rows, start=1):
        marks = [text("X" if mark else "", "cell") for mark in doc.marks(row.application)]
        rows.append(
            [text(f"{number}. {row.title}", "cell"), text(row.committees, "cell"), *marks]
            + [money(row.amount(year)) for year in years]
        )
    for row in doc.table.reserved:
        rows.append(
            [text(row.title, "cell"), text("", "cell"), *[text("", "cell") for _g in doc.goals]]
            + [money(row.amount(year)) for year in years]
        )
    sums = doc.table.sums
    rows.append(
        [text(_("I alt"), "cell_bold"), text("", "cell"), *[text("", "cell") for _g in doc.goals]]
        + [money(sums[year], bold=True) for year in years]
    )
    goal_width = 11 * mm
    money_width = MONEY_WIDTH
    first = 297 * mm - 36 * mm - 18 * mm - goal_width * len(doc.goals) - money_width * len(years)
    widths = [first, 18 * mm, *[goal_width] * len(doc.goals), *[money_width] * len(years)]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TABLE_STYLE)
    table.setStyle(TableStyle([("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#e7eef2"))]))
    return table


NO_POOLS_IN_PLAN = gettext_lazy(
    "Ingen puljer er knyttet til handleplanen endnu, så der er ingen projekter at vise."
)


def action_plan_pdf(doc: ActionPlanDocument) -> bytes:
    plan = doc.plan
    story = [
        text(plan.title, "title"),
        text(f"{plan.policy.municipality.name} · {plan.policy.title}", "subtitle"),
        text(_("Indhold"), "contents"),
        table_of_contents(),
        PageBreak(),
        text(_("Indledning"), "h1"),
        text(plan.introduction or _("(Ingen indledning endnu.)")),
        PageBreak(),
    ]
    if doc.schemes:
        story += [
            text(
                _("Oversigt over projekter/indsatser – %(schemes)s") % {"schemes": doc.schemes},
                "h1",
            ),
            text(
                _("Målsætningerne i kolonnerne: %(goals)s.")
                % {"goals": "; ".join(f"{g.label}: {g.title}" for g in doc.goals)}
            ),
            Spacer(1, 4),
            plan_table(doc),
        ]
    else:  # no placeholder name, no empty table (fresh eyes round 25)
        story += [
            text(_("Oversigt over projekter/indsatser"), "h1"),
            text(NO_POOLS_IN_PLAN),
        ]
    story.append(PageBreak())
    for number, project in enumerate(doc.projects, start=1):
        story += project_section(number, project, granted=project.plan_granted)
    if doc.continuing:
        story.append(text(_("Indsatser, der fortsætter for tidligere fordelte midler"), "h1"))
        for carry in doc.continuing:
            application = carry.application
            story += [
                text(application.title, "h2"),
                text(_("Politisk udvalg"), "label"),
                text(application.committee.name if application.committee else "–"),
                text(doc.schemes or _("Restmidler"), "label"),
                text(
                    _("%(year)s: restmidler fra %(from)s")
                    % {"year": carry.to_pool.year, "from": carry.from_pool.year}
                    + (f" ({format_kroner(carry.amount)})" if carry.amount else "")
                ),
                text(_("Målsætninger fra integrationspolitikken"), "label"),
                text("\n".join(f"• {g.name}" for g in application.goals.all())),
                text(_("Beskrivelse af indsatsen"), "label"),
                text(application.description),
            ]
    return build(story, title=plan.title, pagesize=landscape(A4))


# The copy's fields under the form's heading names (grants.wording.HEADINGS).
HEADING_OF_FIELD = {"previous_funding_text": "previous", "other_policy_goals": "other_goals"}


def project_section(
    number: int,
    project,
    *,
    reach: bool = False,
    numbered: bool = False,
    as_sent: bool = False,
    granted=None,
) -> list:
    """One project under the form's headings; `reach` adds the contacts' e-mail and phone
    (the applicant's own copy, like the receipt; the action plan lists names only). An
    association's project reads in the words of its form (fresh eyes round 10: its copy
    said "forankringsperspektiv" and "integrationspuljen" in a § 18 pool). The headings the
    short form left out are left out here too, and `numbered` numbers the rest as the form
    did (fresh eyes round 13: the PDF had no numbers and empty short-form headings).
    `granted` ([(year, amount)], the action plan's): what was granted, above what was asked
    (fresh eyes round 21: the asked amounts read as the grant)."""
    from grants.services.submission import uses_short_form

    numbers = heading_numbers(uses_short_form(project))

    def shown(field: str) -> bool:
        name = HEADING_OF_FIELD.get(field, field)
        return name in numbers or name not in HEADINGS

    def heading(field: str, default) -> Paragraph:
        words = copy_heading(project, field, default)
        number = numbers.get(HEADING_OF_FIELD.get(field, field)) if numbered else None
        return text(f"{number}. {words}" if number else words, "label")

    # The applicant's copy shows the committee as sent; the action plan the project's.
    committee = project.applied_committee if as_sent else project.committee
    committees = [committee.name] if committee else []
    committees += [c.name for c in project.co_committees.all()]
    asked, total = asked_years_and_total(project.requested_amounts.all())
    amounts = "\n".join(f"{row.year}: {format_kroner(row.amount)}" for row in asked)
    if total is not None:
        amounts += "\n" + _("I alt: %(amount)s") % {"amount": format_kroner(total)}
    contacts = "\n".join(
        ", ".join(
            filter(None, [c.name, c.title, c.department, *((c.email, c.phone) if reach else ())])
        )
        for c in project.contacts.all()
    )
    earlier = "\n".join(f"{e.title} ({e.pool.year})" for e in project.continues.all())
    criteria = "\n".join(f"• {criterion_line(c)}" for c in project.success_criteria.all())
    goals = "\n".join(f"• {g.name}" for g in project.goals.all())
    items = [text(f"{number}. {project.title}", "h1")]
    if granted is not None:
        listed = " · ".join(f"{year}: {format_kroner(amount)}" for year, amount in granted)
        items.append(
            text(_("Bevilget fra puljen: %(amounts)s") % {"amounts": listed or "–"}, "label")
        )
    years = {"years": project.pool.max_grant_years}
    items += [
        KeepTogether([heading("committee", _("Politisk udvalg")), text(", ".join(committees))]),
        KeepTogether(
            [
                (
                    text(_("Søgt fra puljen (op til %(years)s år)") % years, "label")
                    if granted is not None
                    else heading("amounts", _("Beløb fra puljen (op til %(years)s år)") % years)
                ),
                text(amounts + (f"\n{project.amount_note}" if project.amount_note else "")),
            ]
        ),
        KeepTogether([heading("contacts", _("Kontakt/tovholder")), text(contacts)]),
        KeepTogether(
            [
                heading("previous_funding_text", _("Tidligere modtaget fra puljen")),
                text("\n".join(filter(None, [earlier, project.previous_funding_text]))),
            ]
        ),
    ]
    if shown("goals"):
        items.append(
            KeepTogether(
                [
                    heading(
                        "goals",
                        _(
                            "Hvilke primære målsætninger fra integrationspolitikken knytter "
                            "indsatsen sig til?"
                        ),
                    ),
                    text(goals),
                ]
            )
        )
    for label, attribute in SECTION_HEADINGS:
        value = getattr(project, attribute)
        if shown(attribute) and (value or attribute != "continuation_learnings"):
            items += [heading(attribute, label), *paragraphs(value)]
        # The criteria follow the description and what has worked, as on the page (fresh
        # eyes round 21: "Hvad har virket" came after the criteria in the PDF).
        if attribute == "continuation_learnings" and shown("success_criteria"):
            items += [
                heading("success_criteria", _("Succeskriterier og forventede resultater")),
                *paragraphs(criteria),
            ]
    items.append(PageBreak())
    return items


def recommendation_pdf(doc: RecommendationDocument) -> bytes:
    years = doc.years
    header = [text(_("Indsats"), "cell_bold"), text(_("Udvalg"), "cell_bold")]
    for year in years:
        header += [
            Paragraph(escape(_("Ansøgt %(year)s") % {"year": year}), STYLES["cell_right_bold"]),
            Paragraph(escape(_("Indstillet %(year)s") % {"year": year}), STYLES["cell_right_bold"]),
        ]
    header.append(text(_("Sekretariatets vurdering"), "cell_bold"))
    rows = [header]
    for row in doc.rows:
        # The status under the title, as on the page (fresh eyes round 13: an application not
        # yet recommended stood in the committee's paper with empty cells and no word why).
        cells = [
            text(f"{row.application.title}\n{row.application.status_label}", "cell"),
            text(committees_label(row.application), "cell"),
        ]
        for requested, recommended in zip(row.requested, row.recommended, strict=True):
            cells += [money(requested), money(recommended)]
        cells.append(text(row.summary, "cell"))
        rows.append(cells)
    if len(doc.rows) > 1:
        sums = [text(_("I alt"), "cell_bold"), text("", "cell")]
        for requested, recommended in doc.column_sums:
            sums += [money(requested, bold=True), money(recommended, bold=True)]
        rows.append([*sums, text("", "cell")])
    widths = [55 * mm, 15 * mm] + [MONEY_WIDTH] * (2 * len(years)) + [None]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TABLE_STYLE)
    totals = [
        [
            text(_("År"), "cell_bold"),
            text(_("Indstillet"), "cell_bold"),
            text(_("Til rådighed"), "cell_bold"),
            text(_("Rest efter indstilling"), "cell_bold"),
        ]
    ]
    for total in doc.totals:
        totals.append(
            [
                text(str(total["year"]), "cell"),
                money(total["recommended"], width=35 * mm),
                text(total["no_pool"], "cell_right")
                if total["no_pool"]
                else money(total["available"], width=35 * mm),
                text(total["no_pool"], "cell_right")
                if total["no_pool"]
                else money(total["remaining"], bold=True, width=40 * mm),
            ]
        )
    # Left, as every other block of the page (fresh eyes round 19: centred).
    totals_table = Table(totals, colWidths=[20 * mm, 35 * mm, 35 * mm, 40 * mm], hAlign="LEFT")
    totals_table.setStyle(TABLE_STYLE)
    story = [
        text(doc.title, "title"),
        text(f"{doc.pool.municipality.name} · {doc.pool.policy.title}", "subtitle"),
        text(_("Ansøgninger og indstillede beløb"), "h1"),
        # An empty recommendation says why, instead of a table with only headings.
        table
        if doc.rows
        else text(
            _(
                "Ingen ansøgninger at indstille endnu: kun indsendte ansøgninger, der ikke er "
                "afgjort, kommer med her."
            ),
            "body",
        ),
        Spacer(1, 10),
        text(_("Indstillet i alt mod puljernes rådighedsbeløb"), "h1"),
        totals_table,
    ]
    return build(story, title=doc.title, pagesize=landscape(A4))


def application_pdf(application) -> bytes:
    """A copy of an application under the form's headings, e.g. as the submission receipt."""
    from grants.services.submission import uses_short_form

    numbers = heading_numbers(uses_short_form(application))
    sdgs_heading = _("FN's verdensmål")
    title_heading = copy_heading(application, "title", _("Indsats"))
    pool = application.pool
    # The applicant's copy, in the applicant's words ("Afventer afgørelse", fresh eyes 22).
    status = application.applicant_status_label
    submitted = (
        date_format(timezone.localtime(application.submitted_at), "DATETIME_FORMAT")
        if application.submitted_at
        else "–"
    )
    story = [
        text(application.title or _("(uden titel)"), "title"),
        text(
            _("%(pool)s · %(department)s · status: %(status)s · indsendt: %(submitted)s")
            % {
                "pool": pool.title,
                "department": application.applicant_name,
                "status": status,
                "submitted": submitted,
            },
            "subtitle",
        ),
        # The title under its number, as in the form; then the sections without the action
        # plan's project heading and page break.
        text(f"{numbers['title']}. {title_heading}", "label"),
        text(application.title),
        *project_section(1, application, reach=True, numbered=True, as_sent=True)[1:-1],
        text(f"{numbers['sdgs']}. {sdgs_heading}", "label"),
        text(", ".join(map(str, application.sdgs.all()))),
    ]
    attachments = [a.original_name for a in application.attachments.all()]
    story += [text(_("Bilag"), "label"), text("\n".join(attachments) or "–")]
    decision = getattr(application, "decision", None)
    if decision is not None:
        from grants.decision_extent import year_rows
        from grants.documents.letters import amount_block, appeal_heading, appeal_paragraphs

        # The outcome under the heading, then the amounts (fresh eyes round 18: no amount;
        # round 24: "Afgørelse" twice and the amounts last, after the complaint guidance).
        heading = decision_words(application, "noun")
        opening = [text(heading, "h1"), text(decision.extent_label, "label")]
        rows = year_rows(decision)
        if rows:
            opening += [text(_("Beløb pr. år"), "label"), *amount_block(rows)]
        # The heading never alone at a page's foot (fresh eyes round 25).
        story.append(KeepTogether(opening))
        for label, value in decision_lines(decision):
            story += [text(label, "label"), text(value)]
        # The whole way to complain, as the letter says it (round 24: only its first part).
        story += [
            text(appeal_heading(application), "label"),
            *paragraphs(appeal_paragraphs(decision)),
        ]
    return build(story, title=application.title or _("Ansøgning"))
