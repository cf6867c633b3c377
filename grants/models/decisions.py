"""The committee's decision and the money it moves: allocations and carry-over."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models import Committee
from portal.money import MoneyField

from .applications import Application
from .pools import Pool


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("Bevilget")
    REJECTED = "rejected", _("Afslået")


class GrantCondition(models.TextChoices):
    """The pool's rule (seed 001): under the threshold an evaluation, at or over an agreement."""

    EVALUATION = "evaluation", _("Evaluering året efter")
    COOPERATION_AGREEMENT = "cooperation_agreement", _("Samarbejdsaftale")
    NONE = "none", _("Ingen")


def decided_on(
    *,
    meeting_date: datetime.date | None,
    recorded_at: datetime.datetime,
    source: str,
    pool_year: int,
) -> datetime.date:
    """The day a grant was decided, the one rule for every page, letter and file: the
    committee's meeting date the decision records. A decision made in the portal without
    one (under delegation) was made the day it was recorded. A decision brought in from an
    earlier source (`source` set) that names no meeting date gets 1 January of its pool's
    year, the year the money was committed for: never the day it was loaded, which says
    nothing about the grant (docs/decisions.md, "Open data")."""
    if meeting_date is not None:
        return meeting_date
    if not source:
        return timezone.localdate(recorded_at)
    return datetime.date(pool_year, 1, 1)


class Decision(models.Model):
    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="decision", verbose_name=_("ansøgning")
    )
    outcome = models.CharField(_("afgørelse"), max_length=10, choices=DecisionOutcome.choices)
    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("udvalg"),
    )
    meeting_date = models.DateField(_("mødedato"), null=True, blank=True)
    under_delegation = models.BooleanField(
        _("truffet under delegation"),
        default=False,
        help_text=_("Bevilget af sekretariatet inden for puljens delegerede grænse."),
    )
    message = models.TextField(_("meddelelse til ansøger"), blank=True)
    reasons = models.TextField(
        _("begrundelse"),
        blank=True,
        help_text=_("Skal udfyldes, når der ikke gives fuldt medhold (forvaltningsloven § 22)."),
    )
    appeal_guidance = models.TextField(_("klagevejledning"), blank=True)
    condition = models.CharField(
        _("vilkår"), max_length=25, choices=GrantCondition.choices, default=GrantCondition.NONE
    )
    conditions_text = models.TextField(_("øvrige vilkår"), blank=True)
    evaluation_due = models.DateField(_("evaluering senest"), null=True, blank=True)
    agreement_signed_on = models.DateField(
        _("samarbejdsaftale underskrevet"), null=True, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions_recorded",
        verbose_name=_("registreret af"),
    )
    recorded_at = models.DateTimeField(_("registreret"), auto_now_add=True)
    source = models.CharField(_("kilde"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("afgørelse")
        verbose_name_plural = _("afgørelser")
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        # "Delvis bevilget" for less than asked, as the portal says (fresh eyes round 30).
        return f"{self.application}: {self.extent_label}"

    @property
    def other_conditions(self) -> str:
        """The typed conditions, which belong to a grant: a refusal shows none (fresh eyes
        round 21), also one recorded before the decision rules refused them."""
        return self.conditions_text if self.outcome == DecisionOutcome.APPROVED else ""

    @property
    def extent_label(self) -> str:
        """ "Bevilget som ansøgt", "Delvis bevilget" or "Afslag" (grants.decision_extent)."""
        from grants.decision_extent import decision_extent_label

        return decision_extent_label(self)

    @property
    def year_rows(self):
        """Asked for and given, per year, a year given nothing included."""
        from grants.decision_extent import year_rows

        return year_rows(self)

    @property
    def decided_on(self) -> datetime.date:
        """The day the grant was decided (`decided_on` above)."""
        return decided_on(
            meeting_date=self.meeting_date,
            recorded_at=self.recorded_at,
            source=self.source,
            pool_year=self.application.pool.year,
        )


class Allocation(models.Model):
    """Money from one pool (one year) to one application ("bevilling")."""

    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name=_("ansøgning"),
    )
    pool = models.ForeignKey(
        Pool, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("pulje")
    )
    decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name=_("afgørelse"),
    )
    amount = MoneyField(_("beløb"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("oprettet af"),
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bevilling")
        verbose_name_plural = _("bevillinger")
        ordering = ["pool__year", "application"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "pool"], name="allocation_one_per_application_and_pool"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="allocation_amount_positive",
                violation_error_message=_("En bevilling skal være over 0 kr."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} – {self.pool.year}"


class CarryOver(models.Model):
    """Unspent money of a grant moved into the next year for the same project ("restmidler").

    It does not consume the receiving pool's budget; it is shown as carry-over. The amount
    may be unknown for projects imported from documents that only say "restmidler fra 2020".
    """

    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="carry_overs",
        verbose_name=_("ansøgning"),
    )
    from_pool = models.ForeignKey(
        Pool, on_delete=models.PROTECT, related_name="carry_overs_out", verbose_name=_("fra pulje")
    )
    to_pool = models.ForeignKey(
        Pool, on_delete=models.PROTECT, related_name="carry_overs_in", verbose_name=_("til pulje")
    )
    amount = MoneyField(_("beløb"), null=True, blank=True)
    note = models.TextField(_("bemærkning"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("godkendt af"),
    )
    approved_at = models.DateTimeField(_("godkendt"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("overførsel af restmidler")
        verbose_name_plural = _("overførsler af restmidler")
        ordering = ["to_pool__year", "application"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "from_pool", "to_pool"], name="carryover_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="carryover_amount_positive",
                violation_error_message=_("Et overført beløb skal være over 0 kr."),
            ),
            models.CheckConstraint(
                condition=~Q(from_pool=F("to_pool")),
                name="carryover_between_two_pools",
                violation_error_message=_("Restmidler overføres mellem to forskellige puljer."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.from_pool.year} → {self.to_pool.year}"
