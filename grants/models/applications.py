"""An application to a pool; once approved it is the funded project ("indsats").

The fields follow the application form of DESIGN.md, heading by heading and in order.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from policies.models import SDG, Goal
from portal.models import Committee, Department, Municipality
from portal.money import MoneyField, format_kroner

from .pools import Pool


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Kladde")
    SUBMITTED = "submitted", _("Indsendt")
    IN_REVIEW = "in_review", _("Under behandling")
    RETURNED = "returned", _("Sendt retur til ændringer")
    RECOMMENDED = "recommended", _("Indstillet")
    APPROVED = "approved", _("Bevilget")
    REJECTED = "rejected", _("Afslået")
    ACTIVE = "active", _("Igangværende")
    CLOSED = "closed", _("Afsluttet")
    WITHDRAWN = "withdrawn", _("Trukket tilbage")


# What the applicant's side reads for a status, where the staff's word would mislead: to a
# volunteer "Indstillet" reads as "called off" ("toget er indstillet"), and the
# recommendation is not theirs to know before the decision (fresh eyes round 22).
APPLICANT_STATUS_WORDS = {ApplicationStatus.RECOMMENDED: _("Afventer afgørelse")}
# A department's decision is a "beslutning" (grants.documents.letters; fresh eyes round 28).
DEPARTMENT_STATUS_WORDS = {ApplicationStatus.RECOMMENDED: _("Afventer beslutning")}

# Statuses the public may see: the project was funded (DESIGN.md, public pages).
FUNDED_STATUSES = (ApplicationStatus.APPROVED, ApplicationStatus.ACTIVE, ApplicationStatus.CLOSED)
# Nothing more happens in these: closed after its reports, refused, or withdrawn.
ENDED_STATUSES = (
    ApplicationStatus.CLOSED,
    ApplicationStatus.REJECTED,
    ApplicationStatus.WITHDRAWN,
)
# Statuses in which the caseworker may edit the content.


class ApplicationManager(models.Manager):
    """Reads leave out the search document: only PostgreSQL's search reads it (in SQL, never
    as a value), it is twice an application's description, and a list of 100 projects
    fetched and parsed 70 KB of it (issue #17). A save writes only the loaded columns, so
    the trigger that keeps the document stays its only writer."""

    def get_queryset(self):
        return super().get_queryset().defer("search_document")


class Application(models.Model):
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("kommune"),
    )
    pool = models.ForeignKey(
        Pool, on_delete=models.PROTECT, related_name="applications", verbose_name=_("pulje")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("ansøgende afdeling"),
    )
    organisation = models.ForeignKey(
        "portal.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("ansøgende organisation"),
    )
    number = models.PositiveSmallIntegerField(
        _("nummer i handleplanen"),
        null=True,
        blank=True,
        help_text=_("Løbenummer i puljens oversigt, fx 1 for 'Kvinder i job'."),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications_created",
        verbose_name=_("oprettet af"),
    )
    # The "new application" page's own token: a second first-save from that page (autosave
    # and the button at once, a double click) saves the same draft instead of making another.
    creation_token = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("senest gemt"), auto_now=True)
    submitted_at = models.DateTimeField(_("indsendt"), null=True, blank=True)
    # Optimistic locking: bumped on every save through the services.
    version = models.PositiveIntegerField(default=1, editable=False)

    # 1. Indsats and Politisk udvalg
    title = models.CharField(_("Indsats"), max_length=200)
    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("Politisk udvalg"),
    )
    # The applicant left the committee to the municipality and the deciding one was set
    # (grants.services.decisions): the copy of what was sent still shows none chosen (fresh
    # eyes round 19: the association's own copy claimed a committee it never chose).
    committee_from_decision = models.BooleanField(default=False, editable=False)
    co_committees = models.ManyToManyField(
        Committee,
        blank=True,
        related_name="co_applications",
        verbose_name=_("Øvrige udvalg"),
        help_text=_("Fx KFU i 'SU/KFU', når indsatsen hører under flere udvalg."),
    )
    # 2. Beløb fra integrationspuljen: rows in RequestedAmount.
    amount_note = models.CharField(
        _("Bemærkning til beløb"),
        max_length=300,
        blank=True,
        help_text=_("Fx »Restmidler fra 2020«."),
    )
    # 3. Kontakt/tovholder: rows in ContactPerson.
    # 4. Tidligere modtaget fra puljen
    continues = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="continued_by",
        verbose_name=_("Viderefører ansøgning"),
    )
    previous_funding_text = models.TextField(_("Tidligere modtaget fra puljen"), blank=True)
    # 5. Primary goals (and resources) of the integration policy
    goals = models.ManyToManyField(
        Goal,
        blank=True,
        related_name="applications",
        verbose_name=_("Primære målsætninger i integrationspolitikken"),
    )
    # 6.-14.
    other_policy_goals = models.TextField(_("Målsætninger fra andre politikker"), blank=True)
    target_group = models.TextField(_("Målgruppe"), blank=True)
    challenge = models.TextField(_("Udfordring"), blank=True)
    purpose = models.TextField(_("Formål/forandringsteori"), blank=True)
    description = models.TextField(_("Beskrivelse af indsatsen"), blank=True)
    continuation_learnings = models.TextField(
        _("Hvad har virket, og hvad justeres?"),
        blank=True,
        help_text=_("Kun for en indsats, der videreføres."),
    )
    # 11. Succeskriterier: rows in SuccessCriterion.
    anchoring = models.TextField(_("Forankringsperspektiv"), blank=True)
    partners = models.TextField(_("Øvrige samarbejdspartnere"), blank=True)
    other_funding = models.TextField(_("Anden finansiering"), blank=True)
    # 15. Verdensmål
    sdgs = models.ManyToManyField(SDG, blank=True, verbose_name=_("Verdensmål"))

    source = models.CharField(
        _("kilde"),
        max_length=200,
        blank=True,
        help_text=_("Hvor oplysningerne stammer fra, når ansøgningen er indlæst fra et dokument."),
    )
    # The full-text search document, kept current by a PostgreSQL trigger (migration 0006) and
    # indexed with GIN; unused (empty) on SQLite, where search falls back to icontains.
    search_document = SearchVectorField(null=True, editable=False)
    # The catalogue's sort (newest year first, then municipality) on this table, so one
    # index gives the first page without sorting every funded project in the country: the
    # pool's year and the municipality's name, kept current by PostgreSQL triggers
    # (migration 0022); empty on SQLite, where the catalogue sorts through the joins.
    listed_year = models.PositiveSmallIntegerField(null=True, editable=False)
    listed_municipality = models.CharField(max_length=100, blank=True, default="", editable=False)
    objects = ApplicationManager()
    history = HistoricalRecords(
        m2m_fields=[goals, co_committees, sdgs],
        excluded_fields=["search_document", "listed_year", "listed_municipality"],
    )

    # Content fields in form order; used for conflict reports and the printable copy.
    CONTENT_FIELDS = (
        "title",
        "committee",
        "amount_note",
        "previous_funding_text",
        "other_policy_goals",
        "target_group",
        "challenge",
        "purpose",
        "description",
        "continuation_learnings",
        "anchoring",
        "partners",
        "other_funding",
    )

    class Meta:
        verbose_name = _("ansøgning")
        verbose_name_plural = _("ansøgninger")
        ordering = ["pool", "number", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["pool", "number"],
                condition=Q(number__isnull=False),
                name="application_unique_number_per_pool",
            ),
            models.UniqueConstraint(
                fields=["created_by", "creation_token"],
                condition=Q(creation_token__isnull=False),
                name="application_unique_creation_token",
            ),
            # Either a municipal department applies or an organisation does: never both.
            models.CheckConstraint(
                condition=(Q(department__isnull=False) & Q(organisation__isnull=True))
                | (Q(department__isnull=True) & Q(organisation__isnull=False)),
                name="application_one_applicant",
                violation_error_message=_(
                    "En ansøgning har én ansøger: en afdeling eller en forening."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "status"]),
            # The public catalogue's order (grants.catalogue.CATALOGUE_ORDER), funded only.
            models.Index(
                fields=["-listed_year", "listed_municipality", "number", "title", "id"],
                condition=Q(status__in=FUNDED_STATUSES),
                name="application_catalogue_order",
            ),
            # When the funded projects last changed (the open-data catalogue record's
            # dct:modified): the newest row, not a scan of every funded project.
            models.Index(
                fields=["-updated_at"],
                condition=Q(status__in=FUNDED_STATUSES),
                name="application_funded_updated",
            ),
            # The funded projects' ids alone: a page of the sitemap finds its first id by
            # skipping the ids before it here, not every earlier row (web.sitemaps).
            models.Index(
                fields=["id"],
                condition=Q(status__in=FUNDED_STATUSES),
                name="application_funded_id",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def applicant_name(self) -> str:
        """The department or the organisation that applied."""
        applicant = self.department or self.organisation
        return applicant.name if applicant else ""

    @property
    def from_own_department(self) -> bool:
        """Applied for by one of the municipality's own departments: its grant shares the
        pool out inside the municipality, not a decision towards a citizen or an association
        (no appeal guidance, no agreement "with the administration" it is part of)."""
        return self.department_id is not None and self.organisation_id is None

    @property
    def status_label(self) -> str:
        """The status as every page, list, letter and file shows it: a grant of less than
        asked says "Delvis bevilget", as its letter does (fresh eyes rounds 16 and 18:
        "Bevilget" in lists, the history, the PDF and the public page). Uses the prefetched
        requested amounts and allocations."""
        return self.label_of(self.status)

    @property
    def applicant_status_label(self) -> str:
        """The status as the applicant's own pages say it (APPLICANT_STATUS_WORDS)."""
        return self.label_of(self.status, applicant=True)

    def label_of(self, status: str, *, applicant: bool = False, amounts=None) -> str:
        """A status of this application (its own, or one of its history) as the reader
        names it: "Delvis bevilget" for less than asked, and on the applicant's pages the
        applicant's words (APPLICANT_STATUS_WORDS). `amounts`: ({year: amount asked},
        [(year, amount granted)]) when a list has read them already, else its relations."""
        if status == ApplicationStatus.APPROVED:
            if amounts is not None:
                from grants.decision_extent import approval_label

                return approval_label(*amounts)
            return self.approved_label
        if applicant and status in APPLICANT_STATUS_WORDS:
            words = DEPARTMENT_STATUS_WORDS if self.from_own_department else APPLICANT_STATUS_WORDS
            return str(words[status])
        return str(ApplicationStatus(status).label)

    @property
    def applied_committee(self):
        """The committee as the applicant sent it (None when left to the municipality)."""
        return None if self.committee_from_decision else self.committee

    @property
    def approved_label(self) -> str:
        """What its approval is called: "Delvis bevilget" for less than asked."""
        from grants.decision_extent import approval_label

        return approval_label(
            {row.year: row.amount for row in self.requested_amounts.all()},
            ((allocation.pool.year, allocation.amount) for allocation in self.allocations.all()),
        )

    @property
    def is_funded(self) -> bool:
        return self.status in FUNDED_STATUSES

    @property
    def grant_years(self) -> list[int]:
        """The years it was granted money for (its allocations' pools), in order: the years
        its reports account for and carry-overs start from."""
        return sorted(set(self.allocations.values_list("pool__year", flat=True)))

    @property
    def years(self) -> list[int]:
        """The years an application may ask money for: its pool's year and the following
        years of the pool's longest grant period (Frederiksberg: 2)."""
        return self.pool.years


class RequestedAmount(models.Model):
    """Amount asked for one year (up to two years per application)."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="requested_amounts",
        verbose_name=_("ansøgning"),
    )
    year = models.PositiveSmallIntegerField(_("år"))
    amount = MoneyField(_("beløb"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ansøgt beløb")
        verbose_name_plural = _("ansøgte beløb")
        ordering = ["application", "year"]
        constraints = [
            models.UniqueConstraint(fields=["application", "year"], name="requested_one_per_year"),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="requested_not_negative",
                violation_error_message=_("Et ansøgt beløb kan ikke være negativt."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {format_kroner(self.amount)}"  # as the admin shows it


class ContactPerson(models.Model):
    """Kontakt/tovholder. Personal data: never shown publicly, anonymised after retention."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("ansøgning")
    )
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)
    name = models.CharField(_("navn"), max_length=150)
    title = models.CharField(_("stilling"), max_length=150, blank=True)
    department = models.CharField(_("afdeling"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kontaktperson")
        verbose_name_plural = _("kontaktpersoner")
        ordering = ["application", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class SuccessCriterion(models.Model):
    """A measurable promise ("succeskriterium"), later reported on."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="success_criteria",
        verbose_name=_("ansøgning"),
    )
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)
    text = models.TextField(_("succeskriterium"))
    target_value = models.DecimalField(
        _("måltal"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("enhed"), max_length=40, blank=True, help_text=_("Fx %, deltagere."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("succeskriterium")
        verbose_name_plural = _("succeskriterier")
        ordering = ["application", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]

    @staticmethod
    def value_error(value, unit: str) -> str | None:
        """Why `value` cannot be a target or a result in `unit`, or None. A share in per cent
        lies between 0 and 100 (fresh eyes: a result of 1.000 % against a 40 % target was
        accepted and shown to the committee unquestioned)."""
        if value is None:
            return None
        if value < 0:
            return _("Tallet kan ikke være negativt.")
        if unit.strip().lower().rstrip(".") in PERCENT_UNITS and value > 100:
            return _("En procentdel kan højst være 100 %.")
        return None


PERCENT_UNITS = frozenset({"%", "pct", "procent", "per cent", "percent"})


class StatusNote(models.TextChoices):
    """What the system says about a change, stored as a code and shown in the reader's
    language (a stored sentence would stay in the language of whoever made the change)."""

    DRAFT_CREATED = "draft_created", _("Kladde oprettet")
    REVIEW_REOPENED = (
        "review_reopened",
        _("Indstillingen er trukket tilbage, og ansøgningen er igen under behandling."),
    )
    IMPORTED = "imported", _("Indlæst som bevilget")


class StatusChange(models.Model):
    """One workflow transition: who moved the application from what to what, and why."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("ansøgning"),
    )
    from_status = models.CharField(
        _("fra"), max_length=12, choices=ApplicationStatus.choices, blank=True
    )
    to_status = models.CharField(_("til"), max_length=12, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("udført af"),
    )
    at = models.DateTimeField(_("tidspunkt"), auto_now_add=True)
    note = models.CharField(
        _("systemets bemærkning"), max_length=20, choices=StatusNote.choices, blank=True
    )
    comment = models.TextField(_("kommentar"), blank=True)

    class Meta:
        verbose_name = _("statusændring")
        verbose_name_plural = _("statusændringer")
        ordering = ["application", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_label} → {self.to_label}"

    # As the application names its statuses ("Delvis bevilget" for less than asked; the
    # admin's record said "Bevilget", session 19).
    @property
    def from_label(self) -> str:
        return self.application.label_of(self.from_status) if self.from_status else ""

    @property
    def to_label(self) -> str:
        return self.application.label_of(self.to_status)


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Random-free but collision-safe: the storage appends a suffix when a name exists.
    return (
        f"attachments/{instance.application.municipality_id}/{instance.application_id}/{filename}"
    )


class StoredFile(models.Model):
    """What the portal keeps of an uploaded file beside the file itself (checked and stored by
    grants.services.attachments): the name it is shown and downloaded under, its kind, its
    size. Each kind of file has its own `file` field and place in the storage."""

    original_name = models.CharField(_("filnavn"), max_length=200)
    content_type = models.CharField(_("filtype"), max_length=100)
    size = models.PositiveIntegerField(_("størrelse (bytes)"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


class Attachment(StoredFile):
    """A file attached to an application (PDF, DOCX, XLSX); private storage."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("ansøgning"),
    )
    file = models.FileField(_("fil"), upload_to=attachment_path, max_length=300)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("uploadet af"),
    )
    uploaded_at = models.DateTimeField(_("uploadet"), auto_now_add=True)

    class Meta:
        verbose_name = _("bilag")
        verbose_name_plural = _("bilag")
        ordering = ["application", "uploaded_at"]
