"""Integration policies, their goals and aim points, action plans and the UN SDGs."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.dates import MONTHS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models import Committee, Municipality


class Policy(models.Model):
    """An "integrationspolitik" for a period, e.g. Frederiksberg 2019-2022."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="policies", verbose_name=_("kommune")
    )
    title = models.CharField(_("titel"), max_length=200)
    subtitle = models.CharField(_("undertitel"), max_length=200, blank=True)
    slug = models.SlugField(_("kortnavn"), max_length=80)
    period_start = models.PositiveSmallIntegerField(_("periode fra (år)"))
    period_end = models.PositiveSmallIntegerField(_("periode til (år)"))
    adopted_on = models.DateField(_("vedtaget den"), null=True, blank=True)
    adopted_by = models.CharField(_("vedtaget af"), max_length=150, blank=True)
    summary = models.TextField(_("indledning"), blank=True)
    target_group = models.TextField(_("målgruppe"), blank=True)
    purpose = models.TextField(_("formål"), blank=True)
    url = models.URLField(_("link til politikken"), blank=True)
    source = models.CharField(_("kilde"), max_length=200, blank=True)
    # The barometer's yearly update (Copenhagen's årshjul: "1. kvartal"), the last day of this
    # month on the staff's yearly cycle and in their calendar feed (grants.yearly).
    barometer_update_month = models.PositiveSmallIntegerField(
        _("barometeret opdateres senest i"),
        null=True,
        blank=True,
        choices=list(MONTHS.items()),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("integrationspolitik")
        verbose_name_plural = _("integrationspolitikker")
        ordering = ["municipality__name", "-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="policy_unique_slug"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="policy_period_ordered",
                violation_error_message=_("Perioden kan ikke slutte, før den begynder."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.municipality})"

    @property
    def period(self) -> str:
        return f"{self.period_start}-{self.period_end}"


class Principle(models.Model):
    """A founding principle of a policy ("grundprincip"), e.g. mangfoldighed."""

    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="principles", verbose_name=_("politik")
    )
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)

    class Meta:
        verbose_name = _("grundprincip")
        verbose_name_plural = _("grundprincipper")
        ordering = ["policy", "order"]

    def __str__(self) -> str:
        return self.title


class GoalKind(models.TextChoices):
    OBJECTIVE = "objective", _("Målsætning")
    RESOURCE = "resource", _("Ressource")


class Goal(models.Model):
    """A goal of a policy: "Mål 1" / pejlemærke (objective) or "Ressource 1" (resource)."""

    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="goals", verbose_name=_("politik")
    )
    kind = models.CharField(
        _("type"), max_length=10, choices=GoalKind.choices, default=GoalKind.OBJECTIVE
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    title = models.CharField(_("titel"), max_length=300)
    short_title = models.CharField(_("kort titel"), max_length=100, blank=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    responsible_committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("ansvarligt udvalg"),
    )

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        ordering = ["policy", "kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "kind", "number"], name="goal_unique_number_per_policy"
            ),
        ]

    def __str__(self) -> str:
        # The one name (`name`), wherever a goal is shown by itself: a filter's choices, the
        # action plan, the admin (fresh eyes round 31: "Er aktive på arbejdsmarkedet" there,
        # "Aktive på arbejdsmarkedet" on the form and the public pages).
        return self.name

    @property
    def label(self) -> str:
        return goal_label(self.kind, self.number)

    @property
    def display_title(self) -> str:
        return self.short_title or self.title

    @property
    def name(self) -> str:
        """`Mål 1: Aktive på arbejdsmarkedet`: what the goal is called on every page, tag and
        filter alike (the full wording, `title`, is shown under it where there is room)."""
        return goal_name(self.kind, self.number, self.short_title, self.title)

    @property
    def wording_differs(self) -> bool:
        return bool(self.short_title) and self.short_title != self.title


def goal_name(kind: str, number: int, short_title: str, title: str) -> str:
    """Goal.name from the goal's columns, for a list that reads them without a Goal each."""
    return f"{goal_label(kind, number)}: {short_title or title}"


def goal_label(kind: str, number: int) -> str:
    """»Mål 1« or »Ressource 2«: what a goal is called before its title (Goal.label; the
    API's lists of many goals ask it without a Goal each)."""
    if kind == GoalKind.RESOURCE:
        return gettext("Ressource %(number)s") % {"number": number}
    return gettext("Mål %(number)s") % {"number": number}


class Target(models.Model):
    """A measurable aim under a goal: Frederiksberg's "sigtepunkt", Copenhagen's "mål"."""

    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="targets", verbose_name=_("mål")
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    text = models.TextField(_("tekst"))
    responsible_committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("ansvarligt udvalg"),
    )

    class Meta:
        verbose_name = _("sigtepunkt")
        verbose_name_plural = _("sigtepunkter")
        ordering = ["goal", "number"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "number"], name="target_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"


# Titles of the UN Sustainable Development Goals, in Danish as the municipalities write them.
SDG_TITLES = {
    1: _("Afskaf fattigdom"),
    2: _("Stop sult"),
    3: _("Sundhed og trivsel"),
    4: _("Kvalitetsuddannelse"),
    5: _("Ligestilling mellem kønnene"),
    6: _("Rent vand og sanitet"),
    7: _("Bæredygtig energi"),
    8: _("Anstændige jobs og økonomisk vækst"),
    9: _("Industri, innovation og infrastruktur"),
    10: _("Mindre ulighed"),
    11: _("Bæredygtige byer og lokalsamfund"),
    12: _("Ansvarligt forbrug og produktion"),
    13: _("Klimaindsats"),
    14: _("Livet i havet"),
    15: _("Livet på land"),
    16: _("Fred, retfærdighed og stærke institutioner"),
    17: _("Partnerskaber for handling"),
}


class SDG(models.Model):
    """One of the 17 UN Sustainable Development Goals ("Verdensmål"); rows made by migration."""

    number = models.PositiveSmallIntegerField(
        _("nummer"),
        primary_key=True,
        validators=[MinValueValidator(1), MaxValueValidator(17)],
    )

    class Meta:
        verbose_name = _("verdensmål")
        verbose_name_plural = _("verdensmål")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=17),
                name="sdg_number_1_to_17",
                violation_error_message=_("Verdensmålenes numre går fra 1 til 17."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def title(self) -> str:
        return str(SDG_TITLES.get(self.number, ""))


class ActionPlan(models.Model):
    """A "handleplan" implementing a policy for one or two years; holds the pools' projects."""

    policy = models.ForeignKey(
        Policy, on_delete=models.PROTECT, related_name="action_plans", verbose_name=_("politik")
    )
    title = models.CharField(_("titel"), max_length=200)
    year_start = models.PositiveSmallIntegerField(_("fra år"))
    year_end = models.PositiveSmallIntegerField(_("til år"))
    introduction = models.TextField(_("indledning"), blank=True)
    sdgs = models.ManyToManyField(SDG, blank=True, verbose_name=_("verdensmål"))
    source = models.CharField(_("kilde"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()  # who created or changed the plan, and when

    class Meta:
        verbose_name = _("handleplan")
        verbose_name_plural = _("handleplaner")
        ordering = ["policy", "year_start"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "title"], name="actionplan_unique_title"),
            models.CheckConstraint(
                condition=Q(year_end__gte=F("year_start")),
                name="actionplan_years_ordered",
                violation_error_message=_(
                    "Handleplanens sidste år kan ikke ligge før dens første."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def years(self) -> list[int]:
        return list(range(self.year_start, self.year_end + 1))
