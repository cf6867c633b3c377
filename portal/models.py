"""Tenancy: municipalities, their political committees and departments, and users.

Everything a municipality owns hangs off `Municipality`; a user belongs to one municipality
and, as a caseworker, to one department (DESIGN.md, "Who uses it").
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    name = models.CharField(_("navn"), max_length=100, unique=True)
    slug = models.SlugField(_("kortnavn"), max_length=60, unique=True)
    code = models.CharField(
        _("kommunekode"),
        max_length=3,
        unique=True,
        help_text=_("Danmarks Statistiks tre-cifrede kommunekode, fx 147 for Frederiksberg."),
    )
    website = models.URLField(_("hjemmeside"), blank=True)
    # The legal entity's number in the Danish business register: open data identifies the
    # municipality (and its departments, which are part of it) as DK-CVR-<cvr> from it, and
    # only from what an administrator entered, never from a guess (grants/opendata_ids.py).
    cvr = models.CharField(
        _("CVR-nummer"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{8}$", _("Et CVR-nummer er otte cifre, fx 12345678."))],
        help_text=_(
            "Kommunens CVR-nummer fra Det Centrale Virksomhedsregister. Bruges som kommunens "
            "id i de åbne data; står det tomt, bruges portalens eget id."
        ),
    )
    is_synthetic = models.BooleanField(
        _("syntetiske data"),
        default=False,
        help_text=_("Genereret til ydelsesmålinger (generate_scale_data); aldrig rigtige data."),
    )

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Committee(models.Model):
    """A political committee ("politisk udvalg"), e.g. AUU, that owns projects or goals."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="committees", verbose_name=_("kommune")
    )
    name = models.CharField(_("navn"), max_length=150)
    abbreviation = models.CharField(_("forkortelse"), max_length=12)

    class Meta:
        verbose_name = _("politisk udvalg")
        verbose_name_plural = _("politiske udvalg")
        ordering = ["municipality__name", "abbreviation"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "abbreviation"], name="committee_unique_abbreviation"
            ),
            models.UniqueConstraint(fields=["municipality", "name"], name="committee_unique_name"),
        ]

    def __str__(self) -> str:
        return committee_label(self.name, self.abbreviation)


def committee_label(name: str, abbreviation: str) -> str:
    """ "Arbejdsmarkeds- og Uddannelsesudvalget (AUU)": a committee as a choice names it
    (Committee's str), for a list that reads the columns without a Committee each."""
    return f"{name} ({abbreviation})"


class Department(models.Model):
    """Where caseworkers work and the unit that applies ("forvaltning / afdeling / center")."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="departments",
        verbose_name=_("kommune"),
    )
    name = models.CharField(_("navn"), max_length=150)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("overordnet enhed"),
    )

    class Meta:
        verbose_name = _("afdeling")
        verbose_name_plural = _("afdelinger")
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="department_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.parent.name}" if self.parent_id else self.name


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Sagsbehandler")
    COMMITTEE_STAFF = "committee_staff", _("Sekretariat")
    ADMINISTRATOR = "administrator", _("Administrator")
    ORGANISATION = "organisation", _("Forening")


class User(AbstractUser):
    role = models.CharField(
        _("rolle"), max_length=20, choices=Role.choices, default=Role.CASEWORKER
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("kommune"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("afdeling"),
    )
    organisation = models.ForeignKey(
        "portal.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("organisation"),
    )
    # Who of the organisation invited this person (the audit of an invitation).
    invited_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("inviteret af"),
    )
    # Who of the organisation took this person's access away, and when (its audit).
    removed_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("fjernet af"),
    )
    removed_at = models.DateTimeField(_("fjernet"), null=True, blank=True, editable=False)
    job_title = models.CharField(_("stillingsbetegnelse"), max_length=150, blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    # Raised by "log ud overalt": every session made before it stops being valid.
    session_generation = models.PositiveIntegerField(default=0, editable=False)
    # When someone pressed "Det er ikke mig" on a sign-in link mailed to this person: every
    # link sent before it stops working (grants.services.people._link_state).
    links_declined_at = models.DateTimeField(
        _("link i e-mail afvist"), null=True, blank=True, editable=False
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("bruger")
        verbose_name_plural = _("brugere")
        constraints = [
            # A caseworker applies on behalf of a department, so must have one; committee
            # staff work for one municipality. Administrators may span all.
            models.CheckConstraint(
                condition=~Q(role="caseworker") | Q(department__isnull=False),
                name="user_caseworker_has_department",
                violation_error_message=_("En sagsbehandler skal høre til en afdeling."),
            ),
            models.CheckConstraint(
                condition=Q(role="administrator") | Q(municipality__isnull=False),
                name="user_non_admin_has_municipality",
                violation_error_message=_("Kun en administrator kan være uden kommune."),
            ),
            # An organisation's person acts for that organisation and nothing else.
            models.CheckConstraint(
                condition=(Q(role="organisation") & Q(organisation__isnull=False))
                | (~Q(role="organisation") & Q(organisation__isnull=True)),
                name="user_organisation_role_has_organisation",
                violation_error_message=_(
                    "En forenings bruger skal høre til en forening, og kun en forenings bruger "
                    "kan det."
                ),
            ),
        ]

    def _get_session_auth_hash(self, secret=None):
        key_salt = "portal.models.User.get_session_auth_hash"
        return salted_hmac(
            key_salt,
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def shown_name(self) -> str:
        """The name the case's other side reads: the full name, or for a municipal account
        without one "Sekretariatet", never a login name (fresh eyes round 31: an
        association read "a31-staff har skrevet …"); an applicant without a name by
        their address."""
        name = self.get_full_name()
        if name:
            return name
        if self.role in (Role.COMMITTEE_STAFF, Role.ADMINISTRATOR):
            return str(_("Sekretariatet"))
        return self.email or self.get_username()

    @property
    def is_caseworker(self) -> bool:
        return self.role == Role.CASEWORKER

    @property
    def is_committee_staff(self) -> bool:
        return self.role == Role.COMMITTEE_STAFF

    @property
    def is_organisation_person(self) -> bool:
        return self.role == Role.ORGANISATION and self.organisation_id is not None

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR or self.is_superuser

    def clean(self):
        """Who the user works for must hang together, whichever door saves the user (the
        admin's add and change forms, a service): the admin made a person of one municipality
        a member of another's organisation, who then read its applications (attack round 7)."""
        from django.core.exceptions import ValidationError

        super().clean()
        errors = {}
        if self.department_id and self.department.municipality_id != self.municipality_id:
            errors["department"] = _("Afdelingen hører ikke til brugerens kommune.")
        elif self.role == Role.CASEWORKER and not self.department_id:
            errors["department"] = _("En sagsbehandler skal have en afdeling.")
        if self.role == Role.ORGANISATION:
            if not self.organisation_id:
                errors["organisation"] = _("Vælg den organisation, personen handler for.")
            elif self.organisation.municipality_id != self.municipality_id:
                errors["organisation"] = _("Organisationen hører ikke til brugerens kommune.")
        elif self.organisation_id:
            errors["organisation"] = _(
                "Kun en bruger med rollen »Forening« hører til en organisation."
            )
        if self.role != Role.ADMINISTRATOR and not self.municipality_id:
            errors["municipality"] = _("Vælg brugerens kommune.")
        if errors:
            raise ValidationError(errors)


class UsedBackupCode(models.Model):
    """A backup code that has been used (django-otp deletes it then), kept only as a keyed
    digest, so that typing it again is answered "already used" rather than "wrong" (fresh
    eyes round 19). Forgotten when new codes are made."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "digest"], name="used_backup_code_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.used_at:%Y-%m-%d %H:%M}"


# Applicant organisations live in their own module; imported here so Django finds the model.
from .organisations import Organisation, OrganisationKind  # noqa: E402, F401
