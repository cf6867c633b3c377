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
