"""django-filter filters shared by the portal's lists."""

from typing import NamedTuple

import django_filters
import django_filters.fields
from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import KronerFilterField, ListedChoiceIterator
from portal.money import format_kroner


class YearFilter(django_filters.NumberFilter):
    """A year (`aar=`): a whole number from 2000 to 2100. Not django-filter's decimal with
    its own 1e50 limit: `aar=2027.5` was accepted and `aar=1e999` got two messages."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 2000)
        kwargs.setdefault("max_value", 2100)
        # Said as the portal says it, not Django's "Indtast et heltal." (fresh eyes round 36:
        # `?aar=abc` in an address showed that under an empty year box).
        # And the range in plain words, not "større end eller lig 2000" (fresh eyes, session 31).
        between = _("Skriv et år fra 2000 til 2100.")
        kwargs.setdefault(
            "error_messages",
            {"invalid": _("Skriv et årstal, fx 2024."), "min_value": between, "max_value": between},
        )
        super().__init__(*args, **kwargs)

    def get_max_validator(self):
        return None  # max_value says it, once


class FilterChoiceIterator(django_filters.fields.ModelChoiceIterator, ListedChoiceIterator):
    """django-filter's options (its "null" choice) read as `ListedChoiceIterator` reads."""


# An unknown value for a choice among options, e.g. an id no longer among them.
UNKNOWN_CHOICE = _("Det valgte findes ikke på listen. Vælg en af mulighederne.")


class ListedModelChoiceField(django_filters.fields.ModelChoiceField):
    iterator = FilterChoiceIterator
    # An address with an id that is not (or no longer) among the options, said plainly
    # (fresh eyes round 37: Django's "Marker en gyldig valgmulighed. Det valg, du har
    # foretaget, er ikke blandt de tilgængelige valgmuligheder.").
    default_error_messages = {"invalid_choice": UNKNOWN_CHOICE}


class ListedChoiceField(django_filters.fields.ChoiceField):
    """django-filter's choice field, with an unknown value said as the id filters say it."""

    default_error_messages = {"invalid_choice": UNKNOWN_CHOICE}


class ListedChoiceFilter(django_filters.ChoiceFilter):
    """A choice among options the list makes (e.g. grouped ones); give `choices` a callable
    that reads them once (`functools.cache`): the form asks for them to check the value
    and again to show them."""

    field_class = ListedChoiceField


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    """django-filter's ModelChoiceFilter with its options read in one query."""

    field_class = ListedModelChoiceField


MOST_KEYS_NAMED = 12  # a refused key is answered with the keys there are, up to this many


class KnownChoiceField(forms.ModelChoiceField):
    """A choice by a readable key (a municipality's short name, a committee's abbreviation),
    in any letter case; an unknown one is refused with the keys that exist (fresh eyes round
    22: `kommune=Frederiksberg` gave nothing and `udvalg=AUU` a bare "not one of the
    choices")."""

    iterator = ListedChoiceIterator

    def to_python(self, value):
        if value in self.empty_values:
            return None
        key = self.to_field_name
        match = self.queryset.filter(**{f"{key}__iexact": str(value).strip()}).first()
        if match is None:
            known = sorted({str(k) for k in self.queryset.values_list(key, flat=True)})
            if len(known) > MOST_KEYS_NAMED:
                # A hundred municipalities' keys under a select hid the form (session 25).
                raise forms.ValidationError(
                    _("»%(value)s« findes ikke. Vælg en af mulighederne på listen."),
                    code="invalid_choice",
                    params={"value": value},
                )
            raise forms.ValidationError(
                _("»%(value)s« findes ikke. Brug en af: %(known)s."),
                code="invalid_choice",
                params={"value": value, "known": ", ".join(known) or _("(ingen)")},
            )
        return match


class KnownChoiceFilter(ModelChoiceFilter):
    field_class = KnownChoiceField


class KronerFilter(django_filters.NumberFilter):
    """An amount typed the Danish way, "150.000", in a filter form."""

    field_class = KronerFilterField


def filter_fold(request, filterset, search_fields=("q",)) -> dict:
    """How a list's filters fold on a phone (a <details>, templates/_filter_fold_summary.html):
    closed also when filters are in use, so the results come first, with the count in the
    summary; open only when one is wrong, so the error is seen."""
    return {
        "filters_in_use": len(filters_in_use(filterset, search_fields)),
        "filters_open": bool(filterset.is_bound and filterset.errors),
    }


def filters_in_use(filterset, search_fields=("q",)) -> list[str]:
    """The names of the filters that narrow the list, in their order. A sort order narrows
    nothing (fresh eyes round 40: "Filtre (2 valgt)" for one filter and an order), and a
    value the filter left out (a goal of another municipality than the chosen one) is not
    chosen."""
    return [
        name
        for name, declared in filterset.filters.items()
        if name not in search_fields
        and not isinstance(declared, django_filters.OrderingFilter)
        and filterset.data.get(name, "").strip()
    ]


class ChosenFilter(NamedTuple):
    said: str  # "Kommune: Frederiksberg Kommune"
    without: str  # the address's query without this filter (from the first page)


def chosen_filters(filterset, names: list[str], data) -> list[ChosenFilter]:
    """The chosen filters by their labels, a choice by its name and anything typed as typed
    ("Kommune: Frederiksberg Kommune", "År: 2022"), each with the address of the list
    without it: said and removable one at a time above the results (fresh eyes, session 29:
    "Der er valgt 2 filtre" did not say which; session 31: a filter could only be removed
    with all the others, and a chosen goal was said nowhere). [] when the form is not
    valid."""
    form = filterset.form
    if not (filterset.is_bound and form.is_valid()):
        return []
    shown = []
    for name in names:
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        field = form.fields[name]
        label = str(field.label)
        if isinstance(field, KronerFilterField):
            # An amount as every page writes it (fresh eyes, session 31: "…(kr.): 50000").
            label, text = label.removesuffix(" (kr.)"), format_kroner(value)
        elif isinstance(field, forms.ChoiceField):
            text = str(value)
        else:
            text = filterset.data[name]
        rest = data.copy()
        for key in (name, "side"):
            rest.pop(key, None)
        text = " ".join(text.split())
        # A goal names itself: "Mål 2: Gennemføre en uddannelse", not "Mål: Mål 2: …".
        said = text if text.startswith(f"{label} ") else f"{label}: {text}"
        shown.append(ChosenFilter(said, rest.urlencode()))
    return shown


class OrderedRangesForm(forms.Form):
    """A filter form whose "fra" and "til" fields (`…_min`, `…_max`) must not be reversed:
    200.000 to 100.000 found nothing and said nothing (fresh eyes round 33). Every choice
    among its options refuses a value that is not one of them in the id filters' words
    (fresh eyes round 40: a status or a sort order got Django's "Marker en gyldig
    valgmulighed. bogus er ikke …", repeating what was typed in the address)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if "invalid_choice" in field.error_messages:
                field.error_messages["invalid_choice"] = UNKNOWN_CHOICE

    def clean(self):
        data = super().clean()
        for name in self.fields:
            if not name.endswith("_min"):
                continue
            upper = name[: -len("_min")] + "_max"
            low, high = data.get(name), data.get(upper)
            if low is not None and high is not None and low > high:
                self.add_error(
                    upper, _("»Til« er mindre end »fra«. Byt om på de to tal, og prøv igen.")
                )
        return data
