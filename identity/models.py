"""Sign-in through a municipality's own identity provider (OpenID Connect).

One provider per municipality for its staff, configured by an administrator; the secret is
never stored here, only the name it is found under (environment or secret store). Who gets
which role comes from the provider's group claim through `RoleMapping`. A person is known by
`ExternalIdentity` (the provider and its `sub`, never the e-mail). docs/identity.md.
"""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from portal.models import Department, Municipality, Role

# Only names of the portal's own secrets: any environment variable (DATABASE_URL,
# SECRET_KEY) would be sent to the provider as the client secret (fresh eyes).
SECRET_NAME = RegexValidator(
    r"^OIDC_[A-Z0-9_]{1,95}$",
    _(
        "Skriv navnet med store bogstaver, tal og _, og begynd med OIDC_, "
        "fx OIDC_FREDERIKSBERG_SECRET."
    ),
)


class ProviderKind(models.TextChoices):
    STAFF = "staff", _("Medarbejdere (kommunens login)")
    APPLICANT = "applicant", _("Foreninger og virksomheder (MitID Erhverv)")


class IdentityProvider(models.Model):
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="identity_providers",
        verbose_name=_("kommune"),
    )
    kind = models.CharField(
        _("hvem logger ind"),
        max_length=20,
        choices=ProviderKind.choices,
        default=ProviderKind.STAFF,
    )
    slug = models.SlugField(
        _("kortnavn i adressen"),
        max_length=60,
        unique=True,
        help_text=_("Indgår i adressen, som kommunen registrerer: /login/sso/[kortnavn]/retur/."),
    )
    label = models.CharField(
        _("tekst på knappen"),
        max_length=100,
        blank=True,
        help_text=_("Tom: kommunens navn, fx »Log ind med Frederiksberg Kommune«."),
    )
    issuer = models.URLField(
        _("udsteder (issuer)"),
        max_length=300,
        help_text=_(
            "Præcis som i udbyderens /.well-known/openid-configuration, "
            "fx https://login.microsoftonline.com/[tenant-id]/v2.0"
        ),
    )
    client_id = models.CharField(_("klient-id"), max_length=300)
    client_secret_name = models.CharField(
        _("navn på klienthemmeligheden"),
        max_length=100,
        validators=[SECRET_NAME],
        help_text=_(
            "Hemmeligheden gemmes ikke i databasen: portalen læser den fra miljøvariablen med "
            "dette navn eller fra filen med dette navn i OIDC_SECRETS_DIR."
        ),
    )
    scopes = models.CharField(_("scopes"), max_length=300, default="openid profile email")
    groups_claim = models.CharField(
        _("claim med grupper eller roller"), max_length=200, default="groups", blank=True
    )
    name_claim = models.CharField(_("claim med fulde navn"), max_length=200, default="name")
    email_claim = models.CharField(_("claim med e-mail"), max_length=200, default="email")
    cvr_claim = models.CharField(
        _("claim med CVR-nummer"),
        max_length=200,
        blank=True,
        help_text=_(
            "Kun for MitID Erhverv / NemLog-in, fx https://data.gov.dk/model/core/eid/professional/cvr"
        ),
    )
    tenant_claim = models.CharField(
        _("claim der skal angive kommunen"),
        max_length=200,
        blank=True,
        help_text=_(
            "Når flere kommuner deler én udsteder (den fælleskommunale løsning): kun personer, "
            "hvor dette claim har værdien nedenfor, kan logge ind."
        ),
    )
    tenant_value = models.CharField(_("kommunens værdi i det claim"), max_length=200, blank=True)
    mfa_amr_values = models.CharField(
        _("amr-værdier der betyder totrinslogin"),
        max_length=300,
        default="mfa",
        blank=True,
        help_text=_(
            "Adskilt med mellemrum. Når udbyderen selv har krævet to trin, spørger portalen "
            "ikke om sin egen kode."
        ),
    )
    mfa_acr_values = models.CharField(
        _("acr-værdier der betyder totrinslogin"),
        max_length=300,
        blank=True,
        help_text=_(
            "Adskilt med mellemrum, fx https://data.gov.dk/concept/core/nsis/loa/Substantial"
        ),
    )
    support_contact = models.CharField(
        _("hvem man spørger om adgang"),
        max_length=300,
        blank=True,
        help_text=_(
            "Vises til en, der ikke kan logge ind, fx »IT-support, tlf. 38 21 00 00«; for "
            "foreningernes login fx puljesekretariatet."
        ),
    )
    is_enabled = models.BooleanField(_("slået til"), default=True)

    class Meta:
        verbose_name = _("login-udbyder")
        verbose_name_plural = _("login-udbydere")
        ordering = ["municipality__name", "kind"]
        constraints = [
            # One sign-in for a municipality's staff, one for its applicants.
            models.UniqueConstraint(
                fields=["municipality", "kind"], name="identityprovider_one_per_municipality"
            ),
            models.UniqueConstraint(
                fields=["issuer", "client_id"], name="identityprovider_unique_client"
            ),
        ]

    def __str__(self) -> str:
        return self.button_text

    @property
    def button_text(self) -> str:
        return self.label or self.municipality.name

    @property
    def is_applicant(self) -> bool:
        return self.kind == ProviderKind.APPLICANT

    def clean(self):
        super().clean()
        if bool(self.tenant_claim) != bool(self.tenant_value):
            raise ValidationError(
                {"tenant_value": _("Udfyld både claimet og kommunens værdi, eller ingen af dem.")}
            )
        if self.kind == ProviderKind.APPLICANT and not self.cvr_claim:
            raise ValidationError(
                {"cvr_claim": _("En udbyder for foreninger skal angive claimet med CVR-nummeret.")}
            )
        if "openid" not in self.scopes.split():
            raise ValidationError({"scopes": _("Scopes skal indeholde openid.")})


class RoleMapping(models.Model):
    """A value of the provider's group claim and the role (and department) it gives."""

    provider = models.ForeignKey(
        IdentityProvider,
        on_delete=models.CASCADE,
        related_name="role_mappings",
        verbose_name=_("login-udbyder"),
    )
    group = models.CharField(
        _("gruppe"),
        max_length=300,
        help_text=_("Værdien i gruppe-claimet, fx gruppens objekt-id i Entra ID."),
    )
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_mappings",
        verbose_name=_("afdeling"),
        help_text=_("Skal udfyldes for sagsbehandlere."),
    )

    class Meta:
        verbose_name = _("rolle fra gruppe")
        verbose_name_plural = _("roller fra grupper")
        ordering = ["provider", "group"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "group"], name="rolemapping_unique_group"),
            models.CheckConstraint(
                condition=~Q(role="caseworker") | Q(department__isnull=False),
                name="rolemapping_caseworker_has_department",
                violation_error_message=_(
                    "En gruppe, der giver rollen sagsbehandler, skal pege på en afdeling."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} → {self.get_role_display()}"

    def clean(self):
        super().clean()
        if self.role == Role.CASEWORKER and not self.department_id:
            raise ValidationError({"department": _("Vælg sagsbehandlernes afdeling.")})
        if self.role == Role.ORGANISATION:
            # Organisations' people come with MitID Erhverv's CVR claim, never from a group.
            raise ValidationError({"role": _("Foreningers folk kan ikke få rollen fra en gruppe.")})
        # The provider may be unsaved (chosen in the same admin form as its mappings).
        provider = self.provider if RoleMapping.provider.is_cached(self) else None
        if provider is None and self.provider_id:
            provider = IdentityProvider.objects.filter(pk=self.provider_id).first()
        if (
            self.department_id
            and provider is not None
            and self.department.municipality_id != provider.municipality_id
        ):
            raise ValidationError(
                {"department": _("Afdelingen hører ikke til udbyderens kommune.")}
            )


class ExternalIdentity(models.Model):
    """A person as the provider knows them: its `sub` at that provider, stable for life."""

    provider = models.ForeignKey(
        IdentityProvider,
        on_delete=models.PROTECT,
        related_name="identities",
        verbose_name=_("login-udbyder"),
    )
    issuer = models.CharField(_("udsteder"), max_length=300, editable=False)
    subject = models.CharField(_("sub"), max_length=255, editable=False)
    user = models.OneToOneField(
        "portal.User",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="external_identity",
        verbose_name=_("bruger"),
    )
    name = models.CharField(_("navn"), max_length=300, blank=True, editable=False)
    cvr = models.CharField(_("CVR-nummer"), max_length=8, blank=True, editable=False)
    claims = models.JSONField(_("claims ved seneste login"), default=dict, editable=False)
    # Set when a sign-in without a mapped role deactivated the user: a later sign-in with a
    # role may activate them again, unlike a deactivation by an administrator.
    suspended_for_no_role = models.BooleanField(default=False, editable=False)
    first_seen = models.DateTimeField(_("første login"), auto_now_add=True)
    last_seen = models.DateTimeField(_("seneste login"), auto_now=True)

    class Meta:
        verbose_name = _("ekstern identitet")
        verbose_name_plural = _("eksterne identiteter")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "subject"], name="externalidentity_unique_subject"
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.subject


class SignInOutcome(models.TextChoices):
    SIGNED_IN = "signed_in", _("Logget ind")
    NO_ROLE = "no_role", _("Afvist: ingen rolle")
    WRONG_MUNICIPALITY = "wrong_municipality", _("Afvist: anden kommune")
    BLOCKED = "blocked", _("Afvist: spærret i portalen")
    NOT_LINKED = "not_linked", _("Afvist: ikke knyttet til en forening")
    CANCELLED = "cancelled", _("Afbrudt hos udbyderen")
    INVALID_ANSWER = "invalid_answer", _("Afvist: svaret kunne ikke godkendes")
    UNAVAILABLE = "unavailable", _("Fejl: udbyderen kan ikke bruges")
    DISABLED = "disabled", _("Afvist: udbyderen er slået fra")
    WRONG_PASSWORD = "wrong_password", _("Afvist: forkert brugernavn eller adgangskode")
    WRONG_CODE = "wrong_code", _("Afvist: forkert kode til totrinslogin")
    USED_CODE = "used_code", _("Afvist: koden til totrinslogin var allerede brugt")
    LOCKED_OUT = "locked_out", _("Afvist: spærret efter for mange forkerte forsøg")
    # The first step passed, the portal's code not (yet) given: becomes SIGNED_IN when it
    # is; stays so when the person gave up (fresh eyes round 28: "Logget ind" either way).
    CODE_PENDING = "code_pending", _("Ikke logget ind: koden til totrinslogin mangler")
    CODE_CANCELLED = "code_cancelled", _("Ikke logget ind: afbrudt ved koden til totrinslogin")
    # Typed during the wait after a wrong code: not tried, so neither wrong nor right.
    CODE_WAIT = "code_wait", _("Afvist: koden blev ikke prøvet (ventetid efter forkert kode)")
    USED_LINK = "used_link", _("Afvist: linket i e-mailen var brugt")
    LINK_DECLINED = "link_declined", _("Ikke logget ind: »Det er ikke mig« på linket i e-mailen")


class SignInMethod(models.TextChoices):
    PROVIDER = "provider", _("Login-udbyder")
    EMAIL_LINK = "email_link", _("Link i e-mail")
    PASSWORD = "password", _("Brugernavn og adgangskode")


# What the sign-in log's `detail` says of the second factor, written in the portal's language
# (Danish, the msgids themselves) by identity.signals and identity.services and read back by
# the admin's "totrin" column: one place for the words both sides compare.
DETAIL_WITH_PORTAL_CODE = gettext_noop("med totrinslogin")
DETAIL_SETUP_PENDING = gettext_noop("skal først slå totrinslogin til")
DETAIL_WITH_BACKUP_CODE = gettext_noop("med en reservekode")


class SignInEvent(models.Model):
    """The audit trail of sign-ins through a provider, an e-mailed link or a password (with
    its second factor), refusals included: one list answers "who signed in, how, and what
    was refused" (fresh eyes round 10 found password sign-ins only in django-axes' log)."""

    at = models.DateTimeField(_("tidspunkt"), auto_now_add=True, db_index=True)
    method = models.CharField(
        _("måde"), max_length=20, choices=SignInMethod.choices, default=SignInMethod.PROVIDER
    )
    # None for a sign-in with a link from an e-mail (development and the demo).
    provider = models.ForeignKey(
        IdentityProvider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sign_ins",
        verbose_name=_("login-udbyder"),
    )
    # None for an answer refused before anyone was known (bad state, provider error).
    identity = models.ForeignKey(
        ExternalIdentity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sign_ins",
        verbose_name=_("ekstern identitet"),
    )
    user = models.ForeignKey(
        "portal.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sign_ins",
        verbose_name=_("bruger"),
    )
    outcome = models.CharField(_("udfald"), max_length=30, choices=SignInOutcome.choices)
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("afdeling"),
    )
    mfa_by_provider = models.BooleanField(_("totrin hos udbyderen"), default=False)
    # Why a sign-in failed, for the administrator: never a secret, a code or a token.
    detail = models.CharField(_("årsag"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("login")
        verbose_name_plural = _("logins")
        ordering = ["-at"]

    def __str__(self) -> str:
        who = self.identity or self.user or self.provider or self.get_method_display()
        return f"{who} {self.get_outcome_display()}"

    @property
    def shown_detail(self) -> str:
        """The reason as a sentence starts (fresh eyes round 34: "et brugt link blev åbnet"
        beside "Spærret til …")."""
        return capfirst(self.detail) if self.detail else ""

    def second_factor(self) -> str:
        """Where the second factor was checked: at the provider, or by the portal's own code
        step for a password sign-in (fresh eyes round 13: "totrin hos udbyderen" said no for a
        password sign-in with the portal's code). For the admin's log and the person's own."""
        if self.mfa_by_provider:
            # By name: "hos Frederiksberg Kommune" (fresh eyes round 33: "hos udbyderen").
            if self.provider is not None:
                return _("hos %(provider)s") % {"provider": self.provider.button_text}
            return _("hos udbyderen")
        if self.outcome == SignInOutcome.SIGNED_IN and self.detail == DETAIL_SETUP_PENDING:
            return _("mangler opsætning")  # kept at the set-up page (fresh eyes round 14)
        if self.outcome == SignInOutcome.SIGNED_IN and self.detail == DETAIL_WITH_PORTAL_CODE:
            return _("i portalen")  # after a password or a provider without its own
        if self.outcome == SignInOutcome.SIGNED_IN and self.detail == DETAIL_WITH_BACKUP_CODE:
            # One not used by the owner shows (fresh eyes round 31: as an app code).
            return _("i portalen: med en reservekode")
        if self.outcome == SignInOutcome.CODE_PENDING:
            return _("i portalen: ikke givet")
        if self.outcome == SignInOutcome.CODE_CANCELLED:
            return _("i portalen: afbrudt")
        if self.outcome in (
            SignInOutcome.WRONG_CODE,
            SignInOutcome.USED_CODE,
            SignInOutcome.CODE_WAIT,
        ):
            # Refused at this step (fresh eyes round 20: "–" beside a refused code).
            return _("i portalen: afvist")
        return "–"

    def how(self) -> str:
        """How the person came in, in their words: the provider's button, or the method."""
        if self.method == SignInMethod.PROVIDER and self.provider is not None:
            return self.provider.button_text
        return self.get_method_display()
