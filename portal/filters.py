"""django-filter filters shared by the portal's lists."""

import django_filters

from portal.forms import KronerFilterField


class KronerFilter(django_filters.NumberFilter):
    """An amount typed the Danish way, "150.000", in a filter form."""

    field_class = KronerFilterField


def filter_fold(request, filterset, search_fields=("q",)) -> dict:
    """How a list's filters fold on a phone (a <details>, templates/_filter_fold_summary.html):
    closed also when filters are in use, so the results come first, with the count in the
    summary; open only when one is wrong, so the error is seen."""
    narrowing = [name for name in filterset.form.fields if name not in search_fields]
    return {
        "filters_in_use": sum(1 for name in narrowing if request.GET.get(name, "").strip()),
        "filters_open": bool(filterset.is_bound and filterset.errors),
    }
