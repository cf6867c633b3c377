"""The Django group an administrator mapped from a provider's group is put in: exactly what
a municipality's IT administrators need in the administration (docs/identity.md)."""

from django.contrib.auth.models import Group, Permission

IT_ADMIN_GROUP = "Kommunens IT-administratorer"
# (app label, codename): the provider (button text, contact; the connection is the
# superusers'), its role mappings, and the logs of sign-ins and identities to read.
IT_ADMIN_PERMISSIONS = [
    ("identity", "view_identityprovider"),
    ("identity", "change_identityprovider"),
    ("identity", "view_rolemapping"),
    ("identity", "add_rolemapping"),
    ("identity", "change_rolemapping"),
    ("identity", "delete_rolemapping"),
    ("identity", "view_signinevent"),
    ("identity", "view_externalidentity"),
]


def it_admin_group() -> Group:
    """The group, made or put right: exactly IT_ADMIN_PERMISSIONS."""
    group, _created = Group.objects.get_or_create(name=IT_ADMIN_GROUP)
    wanted = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in IT_ADMIN_PERMISSIONS
    ]
    if set(group.permissions.all()) != set(wanted):
        group.permissions.set(wanted)
    return group
