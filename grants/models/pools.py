"""The yearly integration pool ("integrationspulje") and its reserved lines."""

from decimal import Decimal

from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from policies.models import ActionPlan, Policy
from portal.models import Municipality
from portal.money import ZERO, MoneyField

from .schemes import Scheme, pool_path


class PoolStatus(models.TextChoices):
    PLANNED = "planned", _("Planlagt")
    OPEN = "open", _("Åben for ansøgninger")
    CLOSED = "closed", _("Lukket")


class Applicants(models.TextChoices):
    """Who may apply to a pool."""

    DEPARTMENTS = "departments", _("Kommunens afdelinger")
    ORGANISATIONS = "organisations", _("Foreninger og organisationer")
    BOTH = "both", _("Både afdelinger og foreninger")


class PoolQuerySet(models.QuerySet):
    def rounds_of(self, pool: "Pool") -> "PoolQuerySet":
        """The rounds a grant from `pool` may draw on in other years: its scheme's, and
        example data only with example data (attack round 12: an application to the example
        pool was granted a real 2028 pool's money)."""
        return self.filter(scheme_id=pool.scheme_id, is_example=pool.is_example)


class Pool(models.Model):
    """One yearly round of a scheme: the scheme's money for one year.

    Allocations from the pool plus its reserved lines can never exceed `budget`; the
    services in `grants.services.allocation` enforce it under a row lock on this row.
    A historical pool imported from an earlier document may have no recorded budget:
    then nothing can be allocated from it through the portal.
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="pools", verbose_name=_("kommune")
    )
    scheme = models.ForeignKey(
        Scheme,
        on_delete=models.PROTECT,
        related_name="rounds",
        verbose_name=_("puljeordning"),
        help_text=_("Ordningen har én pulje om året; flerårige bevillinger tager fra dens puljer."),
    )
    policy = models.ForeignKey(
        Policy, on_delete=models.PROTECT, related_name="pools", verbose_name=_("politik")
    )
    action_plan = models.ForeignKey(
        ActionPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pools",
        verbose_name=_("handleplan"),
    )
    year = models.PositiveSmallIntegerField(_("år"))
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    budget = MoneyField(
        _("budget"),
        null=True,
        blank=True,
        help_text=_("Puljens samlede ramme for året i kroner."),
    )
    opens_at = models.DateTimeField(
        _("åbner for ansøgninger"),
        null=True,
        blank=True,
        help_text=_("Puljen åbner af sig selv på dette tidspunkt. Tom: åbnes med knappen."),
    )
    application_deadline = models.DateTimeField(_("ansøgningsfrist"), null=True, blank=True)
    # When the pool last closed for applications, set by the service: a pool closed before
    # its deadline keeps the deadline staff chose, so reopening it needs no retyping (fresh
    # eyes round 21), and the pages say when it closed.
    closed_at = models.DateTimeField(
        _("lukket for ansøgninger"), null=True, blank=True, editable=False
    )
    committee_meeting_on = models.DateField(
        _("udvalgsmøde"),
        null=True,
        blank=True,
        help_text=_("Mødet, hvor udvalget forventes at behandle ansøgningerne."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PoolStatus.choices, default=PoolStatus.PLANNED
    )
    evaluation_threshold = MoneyField(
        _("grænse for samarbejdsaftale"),
        default=Decimal("100000.00"),
        help_text=_(
            "Bevillinger under beløbet skal evalueres året efter; bevillinger på eller over "
            "beløbet kræver en samarbejdsaftale."
        ),
    )
    delegation_limit = MoneyField(
        _("delegeret bevillingsgrænse"),
        default=ZERO,
        help_text=_(
            "Ansøgninger op til dette beløb i alt kan bevilges af sekretariatet uden "
            "udvalgsbehandling. 0 betyder ingen delegation."
        ),
    )
    legal_basis = models.TextField(
        _("retsgrundlag"),
        blank=True,
        help_text=_(
            "De regler, bevillingerne gives efter, som de nævnes i afgørelsesbrevet "
            "(forvaltningsloven § 24), fx »Lov om social service § 18«. Tom: "
            "kommunalfuldmagtsreglerne og puljens kriterier."
        ),
    )

    applicants = models.CharField(
        _("hvem kan søge"),
        max_length=15,
        choices=Applicants.choices,
        default=Applicants.DEPARTMENTS,
    )
    max_grant_years = models.PositiveSmallIntegerField(
        _("længste bevillingsperiode (år)"),
        default=2,
        help_text=_("Hvor mange år en ansøgning højst kan søge penge for, fra puljens år."),
    )
    max_amount = MoneyField(
        _("højeste beløb"),
        null=True,
        blank=True,
        help_text=_("Det højeste samlede beløb, en ansøgning kan søge og få. Tom: intet loft."),
    )
    short_form_below = MoneyField(
        _("kort ansøgning under"),
        null=True,
        blank=True,
        help_text=_(
            "Ansøgninger om mindre end beløbet i alt udfylder et kortere skema. "
            "Tom: alle udfylder hele skemaet."
        ),
    )
    criteria = models.TextField(
        _("kriterier"),
        blank=True,
        help_text=_("Hvad ansøgningerne vurderes på; vises på puljens opslag."),
    )
    contact = models.TextField(
        _("kontakt"),
        blank=True,
        help_text=_("Hvem ansøgere kan spørge, fx navn, e-mail og telefon; vises på opslaget."),
    )
    is_example = models.BooleanField(
        _("eksempeldata"),
        default=False,
        help_text=_("Opdigtet pulje til at afprøve portalen; vises tydeligt mærket."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = PoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("pulje")
        verbose_name_plural = _("puljer")
        ordering = ["municipality__name", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "year"], name="pool_one_round_per_year"),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="pool_budget_not_negative",
                violation_error_message=_("Budgettet kan ikke være negativt."),
            ),
            models.CheckConstraint(
                condition=Q(evaluation_threshold__gte=0),
                name="pool_threshold_not_negative",
                violation_error_message=_("Grænsen for samarbejdsaftale kan ikke være negativ."),
            ),
            models.CheckConstraint(
                condition=Q(delegation_limit__gte=0),
                name="pool_delegation_not_negative",
                violation_error_message=_("Den delegerede bevillingsgrænse kan ikke være negativ."),
            ),
            models.CheckConstraint(
                condition=Q(max_grant_years__gte=1) & Q(max_grant_years__lte=10),
                name="pool_grant_years_1_to_10",
                violation_error_message=_("Angiv mellem 1 og 10 år."),
            ),
            models.CheckConstraint(
                condition=Q(max_amount__isnull=True) | Q(max_amount__gt=0),
                name="pool_max_amount_positive",
                violation_error_message=_("Angiv et beløb over 0 kr., eller lad feltet stå tomt."),
            ),
        ]
        # The open data's first and last grant year: pools in year order, each asked whether
        # it funded anything, stopping at the first that did (web/catalogue.py).
        indexes = [models.Index(fields=["year"], name="pool_year")]

    def __str__(self) -> str:
        return f"{self.title} ({self.municipality})"

    def save(self, *args, **kwargs):
        if self.scheme_id is None and self.municipality_id is not None:
            self.scheme = Scheme.default_for(self.municipality_id)
        super().save(*args, **kwargs)

    @property
    def closed_early(self) -> bool:
        """Closed by a person before the deadline it had."""
        return (
            self.status == PoolStatus.CLOSED
            and self.closed_at is not None
            and self.application_deadline is not None
            and self.closed_at < self.application_deadline
        )

    @property
    def years(self) -> list[int]:
        """The years an application to this pool may ask money for."""
        return list(range(self.year, self.year + self.max_grant_years))

    @property
    def open_to_departments(self) -> bool:
        return self.applicants in (Applicants.DEPARTMENTS, Applicants.BOTH)

    @property
    def open_to_organisations(self) -> bool:
        return self.applicants in (Applicants.ORGANISATIONS, Applicants.BOTH)

    def uses_short_form(self, total) -> bool:
        return self.short_form_below is not None and total < self.short_form_below

    @property
    def public_url(self) -> str:
        return pool_path(self.municipality.slug, self.year, self.pk, self.scheme.name)

    # Balance figures are always computed from rows, never stored (DESIGN.md, money rules).
    @property
    def reserved_total(self) -> Decimal:
        return self.reserved_lines.aggregate(total=Sum("amount"))["total"] or ZERO

    @property
    def allocated_total(self) -> Decimal:
        return self.allocations.aggregate(total=Sum("amount"))["total"] or ZERO

    @property
    def carried_over_in_total(self) -> Decimal:
        return self.carry_overs_in.aggregate(total=Sum("amount"))["total"] or ZERO

    @property
    def committed_total(self) -> Decimal:
        """What the plan's table sums: allocations plus reserved lines."""
        return self.allocated_total + self.reserved_total

    @property
    def available(self) -> Decimal | None:
        if self.budget is None:
            return None
        return self.budget - self.committed_total


class ReservedLine(models.Model):
    """Money set aside in a pool for a purpose that is not an application, e.g. prizes."""

    pool = models.ForeignKey(
        Pool, on_delete=models.CASCADE, related_name="reserved_lines", verbose_name=_("pulje")
    )
    title = models.CharField(_("formål"), max_length=200)
    amount = MoneyField(_("beløb"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reserveret beløb")
        verbose_name_plural = _("reserverede beløb")
        ordering = ["pool", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="reservedline_amount_positive",
                violation_error_message=_("Beløbet skal være over 0 kr."),
            ),
        ]

    def __str__(self) -> str:
        return self.title
