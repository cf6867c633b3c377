"""Staff review of applications and conflict-of-interest declarations."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.money import MoneyField, format_kroner

from .applications import Application

SCORE_RANGE = range(1, 6)
SCORE_CHOICES = [(score, str(score)) for score in SCORE_RANGE]
# The named criteria of DESIGN.md: fit with goals, target group, feasibility, anchoring, budget.
REVIEW_CRITERIA = (
    "score_goal_fit",
    "score_target_group",
    "score_feasibility",
    "score_anchoring",
    "score_budget",
)


def score_field(label: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(label, choices=SCORE_CHOICES, null=True, blank=True)


class Review(models.Model):
    """One staff member's assessment: a 1-5 score per named criterion, comment, amounts."""

    CRITERIA = REVIEW_CRITERIA

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("ansøgning")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("bedømmer"),
    )
    score_goal_fit = score_field(_("Sammenhæng med politikkens mål"))
    score_target_group = score_field(_("Målgruppe"))
    score_feasibility = score_field(_("Gennemførlighed"))
    score_anchoring = score_field(_("Forankring"))
    score_budget = score_field(_("Budget"))
    comment = models.TextField(_("vurdering"), blank=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ændret"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bedømmelse")
        verbose_name_plural = _("bedømmelser")
        ordering = ["application", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="review_one_per_reviewer"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{field}__isnull": True})
                    | Q(**{f"{field}__gte": 1, f"{field}__lte": 5}),
                    name=f"review_{field}_1_to_5",
                    violation_error_message=_("Karakteren skal være fra 1 til 5."),
                )
                for field in REVIEW_CRITERIA
            ],
        ]

    def __str__(self) -> str:
        return f"{self.application} – {self.reviewer}"

    @property
    def scores(self) -> list[int]:
        return [value for field in self.CRITERIA if (value := getattr(self, field)) is not None]

    @property
    def average_score(self) -> float | None:
        scores = self.scores
        return round(sum(scores) / len(scores), 1) if scores else None


class ProposedAmount(models.Model):
    """Amount a reviewer proposes for one year."""

    review = models.ForeignKey(
        Review,
        on_delete=models.CASCADE,
        related_name="proposed_amounts",
        verbose_name=_("bedømmelse"),
    )
    year = models.PositiveSmallIntegerField(_("år"))
    amount = MoneyField(_("foreslået beløb"))

    class Meta:
        verbose_name = _("foreslået beløb")
        verbose_name_plural = _("foreslåede beløb")
        ordering = ["review", "year"]
        constraints = [
            models.UniqueConstraint(fields=["review", "year"], name="proposed_one_per_year"),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="proposed_not_negative",
                violation_error_message=_("Et foreslået beløb kan ikke være negativt."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {format_kroner(self.amount)}"  # as the admin shows it


class ConflictOfInterest(models.Model):
    """Inhabilitet (forvaltningsloven § 3): the declarer takes no part in review or decision."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="conflicts",
        verbose_name=_("ansøgning"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="conflicts_of_interest",
        verbose_name=_("medarbejder"),
    )
    reason = models.TextField(_("begrundelse"))
    declared_at = models.DateTimeField(_("erklæret"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inhabilitetserklæring")
        verbose_name_plural = _("inhabilitetserklæringer")
        ordering = ["application", "declared_at"]
        constraints = [
            models.UniqueConstraint(fields=["application", "user"], name="conflict_one_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.application}"


class Recommendation(models.Model):
    """Staff's proposal to the political committee for one application ("indstilling")."""

    application = models.OneToOneField(
        Application,
        on_delete=models.CASCADE,
        related_name="recommendation",
        verbose_name=_("ansøgning"),
    )
    summary = models.TextField(
        _("sekretariatets vurdering"),
        help_text=_("Kort sammenfatning til udvalget: hvorfor indstilles indsatsen?"),
    )
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="recommendations",
        verbose_name=_("indstillet af"),
    )
    created_at = models.DateTimeField(_("indstillet"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indstilling")
        verbose_name_plural = _("indstillinger")
        ordering = ["application"]

    def __str__(self) -> str:
        return str(self.application)

    @property
    def predates_changes(self) -> bool:
        """Made before the application was returned, changed and sent again: its amounts
        are for what was asked then (fresh eyes round 28: shown and pre-filled as if not)."""
        sent = self.application.submitted_at
        return sent is not None and self.created_at < sent


class RecommendedAmount(models.Model):
    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        related_name="amounts",
        verbose_name=_("indstilling"),
    )
    year = models.PositiveSmallIntegerField(_("år"))
    amount = MoneyField(_("indstillet beløb"))

    class Meta:
        verbose_name = _("indstillet beløb")
        verbose_name_plural = _("indstillede beløb")
        ordering = ["recommendation", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "year"], name="recommended_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="recommended_not_negative",
                violation_error_message=_("Et indstillet beløb kan ikke være negativt."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {format_kroner(self.amount)}"  # as the admin shows it
