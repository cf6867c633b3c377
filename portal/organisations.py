"""Organisations that apply to pools open to them (issue "Associations apply"): associations,
self-governing institutions and other legal entities with a CVR number."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# The business register's check: the digits times these weights sum to a multiple of 11.
CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def cvr_is_valid(number: str) -> bool:
    if not re.fullmatch(r"[1-9][0-9]{7}", number):
        return False
    return sum(int(d) * w for d, w in zip(number, CVR_WEIGHTS, strict=True)) % 11 == 0


def validate_cvr(number: str) -> None:
    if not cvr_is_valid(number):
        raise ValidationError(
            _("%(cvr)s er ikke et gyldigt CVR-nummer. Det er otte cifre, fx 12345674."),
            params={"cvr": number},
            code="invalid_cvr",
        )


class OrganisationKind(models.TextChoices):
    ASSOCIATION = "association", _("Forening")
    SELF_GOVERNING = "self_governing", _("Selvejende institution")
    OTHER = "other", _("Anden juridisk person")


class Organisation(models.Model):
    """An applicant organisation. Its CVR number is never guessed: blank until known."""

    municipality = models.ForeignKey(
        "portal.Municipality",
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("kommune"),
        help_text=_("Kommunen, hvis puljer organisationen søger i portalen."),
    )
    name = models.CharField(_("navn"), max_length=200)
    cvr = models.CharField(_("CVR-nummer"), max_length=8, blank=True, validators=[validate_cvr])
    kind = models.CharField(
        _("type"),
        max_length=20,
        choices=OrganisationKind.choices,
        default=OrganisationKind.ASSOCIATION,
    )
    address = models.TextField(_("adresse"), blank=True)
    statutes = models.FileField(_("vedtægter"), upload_to="organisations/%Y/", blank=True)
    accounts = models.FileField(_("seneste regnskab"), upload_to="organisations/%Y/", blank=True)
    # Who changed the address, the type or a document, and when (the organisation's own people
    # through grants.services.organisations, or the municipality in the admin).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cvr"], condition=~Q(cvr=""), name="organisation_unique_cvr"
            ),
            models.UniqueConstraint(
                fields=["municipality", "name"], name="organisation_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def _sent(self, field: str):
        """When the document now held was sent: its first version in the history (each
        upload is stored under a new name). For "Din forening" and the case page (fresh
        eyes round 28: nobody could see which file was sent, or when)."""
        name = getattr(self, field).name
        if not name:
            return None
        versions = self.history.filter(**{field: name}).order_by("history_date")
        return versions.values_list("history_date", flat=True).first()

    @property
    def statutes_sent_at(self):
        return self._sent("statutes")

    @property
    def accounts_sent_at(self):
        return self._sent("accounts")
