"""django-filter filters shared by the portal's lists."""

import django_filters

from portal.forms import KronerFilterField


class KronerFilter(django_filters.NumberFilter):
    """An amount typed the Danish way, "150.000", in a filter form."""

    field_class = KronerFilterField
