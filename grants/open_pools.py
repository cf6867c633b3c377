"""The pools open for applications now, as the front page and the pools page list them."""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from grants.models import Applicants, PoolStatus
from grants.models.schemes import pool_paths
from grants.public import public_pools
from portal import site


def open_pool_rows() -> list:
    """The open pools, the nearest deadline first, each with `link` (its pool page),
    `call_link`, `call_text` and `who` made once in Python: in the season when every
    municipality's pool is open, a hundred rows of tags cost 15 ms (issue #17). The texts
    are the template's own message ids."""
    path = pool_paths()
    call = site.id_address_pattern("public:call")
    # Only the municipality's own departments apply to a departments' pool: nobody reading
    # this page can, so its link reads the call instead (fresh eyes round 28).
    # Each link's name says its pool and municipality: two municipalities' pools may share a
    # title (fresh eyes, session 32: a screen reader's list of links had two alike).
    read_call = gettext(
        'Læs opslaget<span class="visually-hidden"> for %(pool)s – %(municipality)s</span>'
    )
    apply_now = gettext(
        'Søg puljen<span class="visually-hidden"> – %(pool)s – %(municipality)s</span>'
    )
    rows = list(
        public_pools()
        .filter(status=PoolStatus.OPEN)
        .select_related("municipality", "scheme")
        .order_by("application_deadline")
    )
    for pool in rows:
        pool.link = path(pool.municipality.slug, pool.year, pool.pk, pool.scheme.name)
        pool.call_link = call.format(pool.pk)
        pool.who = gettext("for %(who)s") % {"who": pool.get_applicants_display().lower()}
        text = read_call if pool.applicants == Applicants.DEPARTMENTS else apply_now
        # The message's markup is ours (the translation's too); the title is escaped.
        names = {"pool": escape(pool.title), "municipality": escape(pool.municipality.name)}
        pool.call_text = mark_safe(text % names)  # noqa: S308  # nosec B308 B703
    return rows
