"""A municipality's grant scheme ("puljeordning"), e.g. "Integrationspuljen" or "Puljen til
frivilligt socialt arbejde". Its yearly rounds are `Pool` rows and hold the budgets; a
multi-year grant takes each year's money from the same scheme's round for that year."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Municipality

# The scheme every pool had before schemes existed; a pool created without a scheme joins it.
DEFAULT_SCHEME_NAME = "Integrationspuljen"


def pool_url_args(slug: str, year: int, pk: int, scheme_name: str) -> list:
    """Arguments of the public pool page: the stable /puljer/<kommune>/<år>/ ("public:pool")
    is the integration pool's round; another scheme's round adds its id ("public:pool-round")."""
    if scheme_name == DEFAULT_SCHEME_NAME:
        return [slug, year]
    return [slug, year, pk]


def pool_path(slug: str, year: int, pk: int, scheme_name: str) -> str:
    from django.urls import reverse

    args = pool_url_args(slug, year, pk, scheme_name)
    return reverse("public:pool" if len(args) == 2 else "public:pool-round", args=args)


def pool_paths():
    """`pool_path` for a list of many pools: one reverse() per kind of address, then a
    format per row (issue #17)."""
    from portal.site import address_pattern

    integration = address_pattern("public:pool", slugs=1, ids=1)
    rounds = address_pattern("public:pool-round", slugs=1, ids=2)

    def path(slug: str, year: int, pk: int, scheme_name: str) -> str:
        if scheme_name == DEFAULT_SCHEME_NAME:
            return integration.format(slug, year)
        return rounds.format(slug, year, pk)

    return path


class Scheme(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="schemes", verbose_name=_("kommune")
    )
    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("formål"), blank=True)

    class Meta:
        verbose_name = _("puljeordning")
        verbose_name_plural = _("puljeordninger")
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="scheme_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def default_for(cls, municipality_id: int) -> "Scheme":
        """The municipality's "Integrationspuljen", made when it has none: the scheme of a
        pool created without naming one, as every pool was before schemes existed."""
        scheme, _created = cls.objects.get_or_create(
            municipality_id=municipality_id, name=DEFAULT_SCHEME_NAME
        )
        return scheme
