"""Indicators of a policy's goals and their yearly measurements ("Integrationsbarometer")."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from policies.models import Goal, Target
from portal.models import Committee, Municipality

VALUE_DIGITS = {"max_digits": 16, "decimal_places": 3}


class Unit(models.TextChoices):
    PERCENT = "percent", _("Procent")
    COUNT = "count", _("Antal")
    KRONER = "kroner", _("Kroner")
    SCORE = "score", _("Score")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Højere er bedre")
    LOWER = "lower", _("Lavere er bedre")


class TargetKind(models.TextChoices):
    ABSOLUTE = "absolute", _("Måltal")
    RELATIVE_PERCENT = "relative_percent", _("Procentvis ændring fra baseline")
    DIRECTION_ONLY = "direction_only", _("Kun retning (intet måltal)")


class Indicator(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("kommune")
    )
    goal = models.ForeignKey(
        Goal,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("mål"),
    )
    target = models.ForeignKey(
        Target,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("sigtepunkt"),
    )
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)
    title = models.TextField(_("indikator"))
    unit = models.CharField(_("enhed"), max_length=10, choices=Unit.choices)
    direction = models.CharField(_("retning"), max_length=10, choices=Direction.choices)
    baseline_value = models.DecimalField(_("baseline"), null=True, blank=True, **VALUE_DIGITS)
    baseline_year = models.PositiveSmallIntegerField(_("baseline-år"), null=True, blank=True)
    baseline_period = models.CharField(
        _("baseline-periode"), max_length=60, blank=True, help_text=_("Fx '3. kvartal 2018'.")
    )
    baseline_text = models.TextField(_("baseline som beskrevet"), blank=True)
    target_kind = models.CharField(
        _("måltype"), max_length=20, choices=TargetKind.choices, default=TargetKind.ABSOLUTE
    )
    target_value = models.DecimalField(
        _("måltal"),
        null=True,
        blank=True,
        help_text=_("Ved procentvis ændring: ændringen i procent, fx 20 for '20 pct. færre'."),
        **VALUE_DIGITS,
    )
    target_year = models.PositiveSmallIntegerField(_("målår"), null=True, blank=True)
    target_text = models.TextField(_("mål som beskrevet"), blank=True)
    comparison_label = models.CharField(
        _("sammenligningsgruppe"),
        max_length=100,
        blank=True,
        help_text=_("Fx 'Frederiksberg generelt'."),
    )
    responsible_committees = models.ManyToManyField(
        Committee, blank=True, related_name="indicators", verbose_name=_("ansvarlige udvalg")
    )
    source = models.CharField(_("kilde"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    # What indicators.status.assess says of it, kept by indicators.stored_status whenever
    # the indicator or one of its measurements is saved or deleted, so the barometer's index
    # counts statuses in one query instead of assessing every indicator in the country.
    stored_status = models.CharField(max_length=20, blank=True, default="", editable=False)
    shows_example_data = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")
        ordering = ["municipality", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(goal__isnull=False) | Q(target__isnull=False),
                name="indicator_has_goal_or_target",
                # Said in words, not the constraint's name (fresh eyes round 37: the form
                # showed "Begrænsning »indicator_has_goal_or_target« er overtrådt.").
                violation_error_message=_("Knyt indikatoren til et mål eller et sigtepunkt."),
            ),
        ]

    def __str__(self) -> str:
        return self.title[:100]

    @property
    def resolved_goal(self) -> Goal | None:
        return self.goal or (self.target.goal if self.target_id else None)

    @property
    def own_target_text(self) -> str:
        """What the policy's words for the target add to the indicator's title: many
        policies word an indicator as its own target (»Samme beskæftigelsesniveau som for
        Frederiksberg generelt«), or begin the target with it, and the pages showed the
        sentence twice (fresh eyes rounds 41 and 42)."""
        text, title = self.target_text.strip(), self.title.strip().rstrip(".")
        if title and text.startswith(title):
            text = text[len(title) :].lstrip(" .,:;–-\n")
        return text

    @property
    def absolute_target(self) -> Decimal | None:
        """The target as a value in the indicator's unit, whatever form it was given in."""
        if self.target_value is None or self.target_kind == TargetKind.DIRECTION_ONLY:
            return None
        if self.target_kind == TargetKind.RELATIVE_PERCENT and self.baseline_value is None:
            return None  # relative to a baseline that is yet to be measured
        if self.target_kind == TargetKind.ABSOLUTE:
            return self.target_value
        change = self.baseline_value * self.target_value / Decimal(100)
        if self.direction == Direction.LOWER:
            return self.baseline_value - change
        return self.baseline_value + change


class Measurement(models.Model):
    """One yearly (or period) value, optionally with the whole municipality's value."""

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="measurements",
        verbose_name=_("indikator"),
    )
    year = models.PositiveSmallIntegerField(_("år"))
    period = models.CharField(_("periode"), max_length=60, blank=True)
    value = models.DecimalField(_("værdi"), **VALUE_DIGITS)
    comparison_value = models.DecimalField(
        _("værdi for sammenligningsgruppen"), null=True, blank=True, **VALUE_DIGITS
    )
    source = models.CharField(_("kilde"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_example = models.BooleanField(
        _("eksempeldata"),
        default=False,
        help_text=_("Opdigtet værdi til demonstration; vises tydeligt mærket."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("måling")
        verbose_name_plural = _("målinger")
        ordering = ["indicator", "year", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "period"], name="measurement_unique_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.year} {self.value}"
