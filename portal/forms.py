"""Form fields shared by every part of the portal."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.money import MAX_DIGITS, format_kroner, to_money

# "150.000", "150.000,50", "150000", "150 000 kr.", "1.234.567"
_GROUPED = re.compile(r"^[0-9]{1,3}(\.[0-9]{3})+$")
_PLAIN = re.compile(r"^[0-9]+$")


def parse_kroner(text: str) -> Decimal:
    """Parse an amount the way Danes write it; raise ValueError on anything else."""
    value = text.strip().lower().replace("\u00a0", " ").replace("\u2013", "-")
    # "kr." before or after, and the ",-" Danes write after whole kroner ("12.000,- kr.";
    # fresh eyes round 15: refused, and the draft with it not saved).
    value = value.removeprefix("kr.").removeprefix("kr").strip()
    value = value.removesuffix("kr.").removesuffix("kr").strip()
    value = value.replace(" ", "")
    for whole_kroner in (",-", ".-"):
        if value.endswith(whole_kroner) and len(value) > len(whole_kroner):
            value = value.removesuffix(whole_kroner)
            break
    if value.startswith("-"):
        raise ValueError("negative")
    whole, comma, cents = value.partition(",")
    if comma and not re.fullmatch(r"[0-9]{1,2}", cents):
        raise ValueError("bad øre")
    if not (_PLAIN.match(whole) or _GROUPED.match(whole)):
        raise ValueError("bad grouping")
    try:
        return to_money(whole.replace(".", "") + ("." + cents if comma else ""))
    except InvalidOperation as error:
        raise ValueError("not a number") from error


def format_danish_number(value: Decimal, places: int | None = None) -> str:
    """`Decimal('1234.50')` → `1.234,5`: the way a Dane writes it, and the way the number
    fields of every form show a stored value (so it comes back unchanged when submitted).

    With `places`, exactly that many decimals (money: 2, dropped when they are all zero)."""
    sign = "-" if value < 0 else ""
    text = f"{abs(value):f}"
    whole, _dot, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    grouped = f"{int(whole):,}".replace(",", ".")
    if places is not None and fraction:
        fraction = fraction.ljust(places, "0")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def parse_danish_number(text: str) -> Decimal:
    """`80,5`, `1.234,5`, `-3`, `1 234` → Decimal; raise ValueError on anything else.

    The comma is the decimal sign; points may only group thousands, so `80.5` is refused
    rather than silently read as 805."""
    value = text.strip().replace(" ", "").replace("\u00a0", "").replace("\u2212", "-")
    sign = ""
    if value[:1] in "+-" and value:
        sign, value = ("-" if value[0] == "-" else ""), value[1:]
    whole, comma, fraction = value.partition(",")
    if comma and not re.fullmatch(r"[0-9]+", fraction):
        raise ValueError("bad fraction")
    if not (_PLAIN.match(whole) or _GROUPED.match(whole)):
        raise ValueError("bad grouping")
    try:
        return Decimal(sign + whole.replace(".", "") + ("." + fraction if comma else ""))
    except InvalidOperation as error:
        raise ValueError("not a number") from error


class NumberTextInput(forms.TextInput):
    """The one widget for numbers: a text input the phone opens with a number keyboard.

    Never `type=number`: a browser cannot read `80,5` in it and would submit it empty."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class DanishDecimalField(forms.DecimalField):
    """A decimal number typed the Danish way (`80,5`, `1.234,5`) and shown the same way."""

    widget = NumberTextInput
    default_error_messages = {
        "invalid": _("Skriv et tal med komma før decimalerne, fx 80 eller 80,5."),
        "percent_sign": _("Skriv kun tallet, uden %-tegn, fx 40."),
    }

    def __init__(self, *args, **kwargs):
        kwargs.pop("localize", None)
        super().__init__(*args, **kwargs)

    def widget_attrs(self, widget):
        # No `step`/`min`/`max`: they belong to `type=number`.
        return forms.Field.widget_attrs(self, widget)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format_danish_number(value)
        return value

    def to_python(self, value):
        if value in self.empty_values or not str(value).strip():
            return None
        if isinstance(value, Decimal):
            return value
        if len(str(value)) > 40:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if str(value).strip().endswith("%"):
            # Fresh eyes typed "40 %" and got the general message about commas.
            raise ValidationError(self.error_messages["percent_sign"], code="percent_sign")
        try:
            number = parse_danish_number(str(value))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class LocalDateTimeField(forms.DateTimeField):
    """A date and time in Danish local time whose hour the clock change skips or repeats
    gets a plain explanation instead of Django's time-zone wording (fresh eyes round 13)."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code != "ambiguous_timezone":
                raise
            raise ValidationError(
                _(
                    "Klokkeslættet findes ikke eller findes to gange den dag, fordi uret "
                    "stilles om mellem sommertid og vintertid. Vælg et andet klokkeslæt."
                ),
                code="ambiguous_timezone",
            ) from None


class KronerField(forms.Field):
    """An amount in kroner, typed as `150.000` or `150.000,50`; cleaned to Decimal."""

    widget = NumberTextInput

    default_error_messages = {
        "invalid": _(
            "Skriv beløbet i kroner med punktum mellem tusinder og evt. komma før øre, "
            "fx 150.000 eller 150.000,50."
        ),
        "negative": _("Beløbet kan ikke være negativt."),
        # Said as what it is (fresh eyes round 22: "1,2345" got the general message).
        "too_many_decimals": _("Øre skrives med højst to cifre efter kommaet, fx 150.000,50."),
        # With the limit (fresh eyes round 20: "for stort" said not how large may be).
        "too_large": _("Beløbet er for stort: højst %(max)s"),
    }

    def __init__(self, *args, **kwargs):
        # Also a model formfield (MoneyField, the admin): its digits are MoneyField's own.
        for name in ("max_digits", "decimal_places", "localize"):
            kwargs.pop(name, None)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("maxlength", "30")

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format_danish_number(to_money(value), places=2)
        return value

    def to_python(self, value):
        if value in self.empty_values or not str(value).strip():
            return None
        value = str(value)
        if len(value) > 30:
            raise self.too_large()
        if value.strip().startswith("-"):
            raise ValidationError(self.error_messages["negative"], code="negative")
        try:
            amount = parse_kroner(value)
        except ValueError:
            if re.fullmatch(r"\s*[0-9.]*[0-9],[0-9]{3,}\s*(kr\.?)?\s*", value):
                raise ValidationError(
                    self.error_messages["too_many_decimals"], code="too_many_decimals"
                ) from None
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if len(str(int(amount))) > MAX_DIGITS - 2:
            raise self.too_large()
        return amount

    def too_large(self) -> ValidationError:
        largest = Decimal(10 ** (MAX_DIGITS - 2) - 1)
        return ValidationError(
            self.error_messages["too_large"],
            code="too_large",
            params={"max": format_kroner(largest)},
        )


class KronerFilterField(KronerField):
    """For filters in a URL: also accepts a plain number written by a program (150000.50),
    and says so when refusing (fresh eyes round 22: the API writes "150000.00", and its
    error asked only for "150.000,50")."""

    default_error_messages = {
        "invalid": _(
            "Skriv beløbet i kroner, fx 150.000 eller 150.000,50 – eller som tal med punktum "
            "før øre, fx 150000.50."
        ),
    }

    def to_python(self, value):
        if isinstance(value, str) and re.fullmatch(r"[0-9]+\.[0-9]{1,2}", value.strip()):
            return to_money(value.strip())
        return super().to_python(value)


# Free text: long enough for any honest answer (about ten pages), short enough that one
# answer cannot tie up a worker rendering the PDF copy (an attack posted three million
# characters and the PDF ran into the 30-second timeout).
TEXT_MAX_LENGTH = 20_000


# Line breaks and other control characters (C0, DEL, C1, the Unicode line separators).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def single_line(value: str) -> None:
    """A single-line field holds one line: a title with "\r\nBcc: …" was saved and put into
    an e-mail's subject. Refused, not silently changed, so the user sees what was wrong."""
    if isinstance(value, str) and _CONTROL.search(value):
        raise ValidationError(
            _("Feltet skal stå på én linje: fjern linjeskift og andre kontroltegn."),
            code="single_line",
        )


# Characters that reverse, re-embed or isolate the direction of the text that follows:
# "\u202egnp.exe" was shown as "exe.png" to staff (attack round 8), and an unclosed isolate
# (U+2066-U+2069) turned an address around (attack round 11). Arabic and Hebrew need none of
# them: their letters carry their own direction (the marks U+200E/U+200F/U+061C stay allowed).
_DIRECTION_OVERRIDES = re.compile("[\u202a-\u202e\u2066-\u2069]")


def no_direction_override(value: str) -> None:
    if isinstance(value, str) and _DIRECTION_OVERRIDES.search(value):
        raise ValidationError(
            _(
                "Teksten indeholder et usynligt tegn, der vender skriftretningen, så teksten "
                "kan se ud som noget andet. Fjern det (fx ved at skrive teksten igen) og gem."
            ),
            code="direction_override",
        )


# A web or e-mail address: "http://", "www.", "navn@…", or a domain such as "evil.example"
# (also written with a look-alike dot, "evil。example"). An "@" between words is no address
# (fresh eyes round 33: "Sprogcafé @ Nørrebro" was refused).
_WEB_ADDRESS = re.compile(
    r"https?:|www[.。．]|\S@\S|\b[\w-]+[.。．](dk|com|net|org|eu|info|io|nu|se|no|de|example)\b",
    re.IGNORECASE,
)


def has_web_address(value: str) -> bool:
    return isinstance(value, str) and _WEB_ADDRESS.search(value) is not None


def no_web_address(value: str) -> None:
    """A title the portal puts into mail subjects and letters to others holds no web or
    e-mail address: "Vigtigt – log ind på evil.example" in the subject of the municipality's
    own mail reads as the municipality's instruction (attack round 21)."""
    if has_web_address(value):
        raise ValidationError(
            _("Skriv navnet uden web- eller e-mailadresser. Links kan stå i beskrivelsen."),
            code="web_address",
        )


# What identifies a person in a text that is published: a CPR number (ddmmyy-xxxx), an
# e-mail address, a phone number written as one (+45 …, or dd dd dd dd).
_PERSONAL_DATA = re.compile(
    r"\b\d{6}-?\d{4}\b"
    r"|[\w.+-]+@[\w-]+\.[\w.-]+"
    r"|\+45[\s.-]?\d{2}"
    r"|\b\d{2}[ .]\d{2}[ .]\d{2}[ .]\d{2}\b"
)


def no_personal_data(value: str) -> None:
    """An application's texts are published with its grant (the project page, the API,
    the open data): no CPR number, e-mail address or phone number in them (attack round
    21: a target group with a CPR number and a phone number was published)."""
    if isinstance(value, str) and _PERSONAL_DATA.search(value):
        raise ValidationError(
            _(
                "Skriv ikke CPR-numre, e-mailadresser eller telefonnumre her: teksten bliver "
                "offentlig, hvis indsatsen får støtte. Kontaktpersoner skrives under "
                "»Kontakt/tovholder«."
            ),
            code="personal_data",
        )


def is_single_line(field: forms.Field) -> bool:
    """A text field rendered as a one-line input (text, e-mail, search, hidden …)."""
    return isinstance(field, forms.CharField) and isinstance(field.widget, forms.widgets.Input)


class EmailAddressField(forms.EmailField):
    """An e-mail address, its error said as the portal's other fields say theirs (fresh eyes
    round 34: Django's "Indtast en gyldig e-mail-adresse." beside "Skriv kun
    telefonnummeret, fx …"). Every e-mail field of a portal form is one
    (tests/test_form_messages.py)."""

    default_error_messages = {
        "invalid": _("Skriv en hel e-mailadresse, fx navn@eksempel.dk."),
    }


class ReadableMaxLength(validators.MaxLengthValidator):
    """Django's "Denne værdi må højst have 20000 tegn (den har 29999)." said plainly, with
    the numbers grouped and how much to cut (fresh eyes round 18)."""

    def __call__(self, value):
        from django.utils.formats import number_format

        length = self.clean(value)
        if length > self.limit_value:
            shown = {"limit": self.limit_value, "length": length, "over": length - self.limit_value}
            raise ValidationError(
                _(
                    "Teksten er for lang: der må højst være %(limit)s tegn, og der er "
                    "%(length)s. Forkort den med %(over)s tegn."
                ),
                code="max_length",
                params={k: number_format(v, force_grouping=True) for k, v in shown.items()},
            )


def harden_text_fields(fields, limits=None) -> None:
    """The rules every text field of a form keeps (LimitedTextMixin): free text of no limit
    of its own gets `TEXT_MAX_LENGTH`; a single-line field refuses line breaks."""
    for name, field in fields.items():
        if isinstance(field, forms.CharField) and field.max_length is None:
            limit = (limits or {}).get(name, TEXT_MAX_LENGTH)
            field.max_length = limit
            field.validators.append(ReadableMaxLength(limit))
            field.widget.attrs.setdefault("maxlength", str(limit))
        if isinstance(field, forms.CharField) and isinstance(field.widget, forms.Textarea):
            # Not announced to the browser for free text: a browser cuts a pasted text at
            # "maxlength" without a word (fresh eyes round 21: 24.500 characters became
            # 20.000, mid-word, and were saved). The server refuses it with how much to cut,
            # and the text stays in the form.
            field.widget.attrs.pop("maxlength", None)
        if isinstance(field, forms.CharField):
            # Every limit said the same plain way, the model's own included.
            field.validators = [
                ReadableMaxLength(v.limit_value) if type(v) is validators.MaxLengthValidator else v
                for v in field.validators
            ]
        if is_single_line(field) and single_line not in field.validators:
            field.validators.append(single_line)
        if isinstance(field, forms.CharField) and no_direction_override not in field.validators:
            field.validators.append(no_direction_override)


class ListedChoiceIterator(ModelChoiceIterator):
    """A list's options read with one query. Django reads a model choice field's options
    through `QuerySet.iterator()`, which on PostgreSQL declares a server-side cursor, fetches
    from it and closes it: three round trips for a few dozen municipalities, committees or
    goals (issue #17). A select shows every option anyway, so holding them in memory at once
    costs nothing the page does not already pay."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        # A copy, as iterator() keeps no results on the field's queryset either.
        for obj in self.queryset.all():
            yield self.choice(obj)


def list_model_choices(fields) -> None:
    """Every model select of a form reads its options with one query (`ListedChoiceIterator`),
    not through a server-side cursor: an application's edit page declared six (issue #17).
    A queryset the form sets later keeps it (the field's setter asks `field.iterator`)."""
    for field in fields.values():
        if isinstance(field, forms.ModelChoiceField) and field.iterator is ModelChoiceIterator:
            field.iterator = ListedChoiceIterator
            field.widget.choices = field.choices


class LimitedTextMixin:
    """Gives every text field of the form without a limit of its own `TEXT_MAX_LENGTH`,
    checked on the server and announced to the browser (`maxlength`), and makes every
    single-line text field refuse line breaks and control characters. (The portal's forms'
    one shared base: it also lists every model select's options in one query.)"""

    # Shorter limits for named fields, e.g. {"text": 1000} for a success criterion.
    text_limits: dict[str, int] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_text_fields()
        list_model_choices(self.fields)

    def limit_text_fields(self):
        harden_text_fields(self.fields, self.text_limits)

    def full_clean(self):
        # Fields a subclass adds after __init__ (e.g. one comment per success criterion)
        # get their limit too (a 2 MB report comment was saved).
        self.limit_text_fields()
        super().full_clean()


class CompleteRows(forms.BaseInlineFormSet):
    """An inline formset whose post holds every saved row once: the services save the rows
    posted and delete the rest, so a post that leaves rows out (a negative or short
    TOTAL_FORMS) or names one twice would delete or overwrite rows nobody chose to (attack
    round 21). Removing a row is the row's own "Slet" box."""

    incomplete_message = _(
        "Formularen blev ikke sendt hel: nogle rækker mangler eller står to gange. Hent "
        "siden igen. Intet er gemt."
    )
    # A count that is no number (TOTAL_FORMS=abc) is the same broken post, said the same
    # way, not Django's "ManagementForm data … tampered with" (attack rounds 21-22).
    default_error_messages = {
        **forms.BaseInlineFormSet.default_error_messages,
        "missing_management_form": incomplete_message,
    }

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        pk = self.model._meta.pk.name
        # A saved row whose id the page's background save took away (it was deleted or
        # emptied) is a new row if it comes back: "Dette felt er påkrævet" on the hidden id
        # blocked every save after "Slet" was ticked and unticked (fresh eyes round 21).
        if (
            self.is_bound
            and i < self.initial_form_count()
            and not self.data.get(f"{self.add_prefix(i)}-{pk}")
        ):
            form.fields[pk].required = False
        return form

    def clean(self):
        super().clean()
        management = self.management_form.cleaned_data
        total, initial = management.get("TOTAL_FORMS", 0), management.get("INITIAL_FORMS", 0)
        # A background save gives new rows their ids, so any row may carry one.
        posted = [
            form.cleaned_data["id"].pk
            for form in self.forms
            if getattr(form, "cleaned_data", None) and form.cleaned_data.get("id")
        ]
        if initial < 0 or total < initial or len(posted) != len(set(posted)):
            raise ValidationError(self.incomplete_message, code="incomplete")
        # Every saved row is in a post made from the current version. A page from before a
        # colleague's save lacks their new rows; the service answers that with the conflict
        # page, which shows both versions.
        from portal.conflicts import posted_before

        if self.instance.pk and not posted_before(self.data, self.instance):
            saved = set(self.get_queryset().values_list("pk", flat=True))
            if not saved <= set(posted):
                raise ValidationError(self.incomplete_message, code="incomplete")


class FilesAskedAgainMixin:
    """A browser cannot keep chosen files across a refused form: each file that was fine is
    named at its field so the person chooses it again, instead of finding it gone without a
    word (fresh eyes rounds 12 and 13). A file refused for itself is named by its own error."""

    # Why an upload can never be taken (upload -> str | None), set by the app that checks
    # files (grants.forms.CheckedFilesMixin): such a file is said at once, not asked for
    # again and refused afterwards (attack round 34). None: every file is asked for again.
    refusal_of = None

    def ask_for_files_again(self) -> None:
        for name, field in list(self.fields.items()):
            if not isinstance(field, forms.FileField):
                continue
            getlist = getattr(self.files, "getlist", None)
            uploads = [u for u in (getlist(name) if getlist else [self.files.get(name)]) if u]
            said = " ".join(str(error) for error in self.errors.get(name, []))
            if said and not any(upload.name in said for upload in uploads):
                continue  # the field's own error covers every file (e.g. too many)
            again = []
            for upload in uploads:
                if upload.name in said:
                    continue
                why = self.refusal_of(upload) if self.refusal_of else None
                if why:
                    self.add_error(name, file_not_kept_message(upload.name, why))
                else:
                    again.append(upload.name)
            if again:
                self.add_error(name, choose_again_message(again))


def file_not_kept_message(file_name: str, why: str) -> str:
    """ "Filen »x.pdf« er ikke vedhæftet: <why>" for a file that can never be taken."""
    return _("Filen »%(name)s« er ikke vedhæftet: %(why)s") % {"name": file_name, "why": why}


def choose_again_message(file_names: list[str]) -> str:
    """ "Vælg filen »x.pdf« igen: …" for files a refused form could not keep."""
    return ngettext(
        "Vælg filen %(names)s igen: den er ikke gemt, fordi noget andet i formularen skulle "
        "rettes.",
        "Vælg filerne %(names)s igen: de er ikke gemt, fordi noget andet i formularen skulle "
        "rettes.",
        len(file_names),
    ) % {"names": ", ".join(f"»{name}«" for name in file_names)}


def read_only(form: forms.Form) -> forms.Form:
    """Show a form that can no longer be sent with what the user typed, to copy from: text
    read-only (selectable), choices disabled. Used when the action was refused after typing
    (fresh eyes round 13: a decision made meanwhile by a colleague showed the form again,
    ready to be sent once more)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.Select, forms.CheckboxInput, forms.RadioSelect)):
            widget.attrs["disabled"] = True
        else:
            widget.attrs["readonly"] = True
    return form
