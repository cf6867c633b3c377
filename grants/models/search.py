from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchWord(models.Model):
    """A word of a funded project's public text, for the catalogue search's compound-word
    parts and its "Mente du …?" suggestion (grants.search). PostgreSQL keeps the table
    current by a trigger (migration 0011) and rebuilds it nightly; empty on SQLite."""

    word = models.CharField(_("ord"), max_length=100, primary_key=True)
    # Lowercase, accents folded (PostgreSQL's unaccent): what searches compare with.
    plain = models.CharField(_("ord uden accenter"), max_length=100)

    class Meta:
        verbose_name = _("søgeord")
        verbose_name_plural = _("søgeord")

    def __str__(self):
        return self.word


class CatalogueCount(models.Model):
    """How many funded projects a municipality has in all (`year` 0) and with money in each
    year (allocations and carry-over), for the public catalogue's total and facets without
    counting every funded project in the country on each visit. PostgreSQL keeps the table
    current by triggers (migration 0022) in the same transaction as the change; SQLite
    leaves it empty and the catalogue counts live (grants.catalogue)."""

    ALL_YEARS = 0

    municipality = models.ForeignKey(
        "portal.Municipality", on_delete=models.CASCADE, related_name="+", editable=False
    )
    year = models.PositiveSmallIntegerField(editable=False)
    projects = models.PositiveIntegerField(editable=False)

    class Meta:
        verbose_name = _("optælling til projektkataloget")
        verbose_name_plural = _("optællinger til projektkataloget")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="cataloguecount_one_per_year"
            )
        ]

    def __str__(self):
        return f"{self.municipality_id} {self.year}: {self.projects}"
