"""Letters in the case: the decision letter (afgørelse) and the cooperation agreement
(samarbejdsaftale), produced as PDF files when staff record the decision.

A letter is a record of what was sent: made once, never changed. A new decision makes new
letters; the earlier ones stay (the newest of each kind is the one in force)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .applications import Application
from .decisions import Decision


class LetterKind(models.TextChoices):
    DECISION = "decision", _("Afgørelse")
    AGREEMENT = "agreement", _("Samarbejdsaftale")


def letter_path(instance: "Letter", filename: str) -> str:
    return f"letters/{instance.application.municipality_id}/{instance.application_id}/{filename}"


class ImmutableLetterError(Exception):
    pass


class Letter(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="letters", verbose_name=_("ansøgning")
    )
    # Kept when the decision it was made from is replaced: the letter is what was sent.
    decision = models.ForeignKey(
        Decision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("afgørelse"),
    )
    kind = models.CharField(_("brev"), max_length=10, choices=LetterKind.choices)
    file = models.FileField(_("fil"), upload_to=letter_path, max_length=300, editable=False)
    sha256 = models.CharField(_("kontrolsum (SHA-256)"), max_length=64, editable=False)
    size = models.PositiveIntegerField(_("størrelse (bytes)"), editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("udstedt af"),
    )
    created_at = models.DateTimeField(_("udstedt"), auto_now_add=True)

    class Meta:
        verbose_name = _("brev")
        verbose_name_plural = _("breve")
        ordering = ["application", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title}: {self.application}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ImmutableLetterError("A letter is a record: it is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableLetterError("A letter is a record: it is never deleted.")

    @property
    def title(self) -> str:
        """What the letter is called where it is listed: a department's decision is a
        "Beslutning", as the letter itself says (fresh eyes round 28: "Afgørelse (PDF)")."""
        if self.kind == LetterKind.DECISION:
            from grants.wording import decision_words

            return decision_words(self.application, "noun")
        return self.get_kind_display()

    @property
    def filename(self) -> str:
        stem = file_stem(self.kind, self.application)
        # The day as the letter says it (Danish time), not UTC's (fresh eyes round 33:
        # "…-20261204.pdf" for a letter dated 5 December).
        issued = timezone.localtime(self.created_at)
        return f"{stem}-{self.application_id}-{issued:%Y%m%d}.pdf"


def file_stem(kind: str, application: Application) -> str:
    """The start of a letter's file name, as its title says (`Letter.title`)."""
    if kind == LetterKind.AGREEMENT:
        return "samarbejdsaftale"
    return "beslutning" if application.from_own_department else "afgoerelse"
