"""Make a user of the local stack (tests/stack/run.sh) like one of the demo users, so helpers
that run side by side each have their own account (sessions, lockouts, drafts, mail).

    source /tmp/stack/env.sh
    python tests/stack/user.py NAME --like frb-sekretariat [--password PW] [--totp]

The new user gets the role, municipality, department, organisation and admin groups of the
demo user given with --like; the address NAME@example.org (mail to it lands in the stack's
mail directory) unless --email is given; the name NAME unless --full-name is given; the demo
password unless --password is given; and with --totp an authenticator app already set up: its
key is printed, for `shot.py … totp=KEY`. Run again to reset the password and, with --totp,
to give a new key. Prints one line: NAME PASSWORD [TOTP-KEY].
"""

import argparse
import base64
import os
import secrets
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("name", help="user name of the new user")
    parser.add_argument(
        "--like", required=True, help="the demo user to copy, e.g. frb-sagsbehandler"
    )
    parser.add_argument("--password", help="default: the demo users' password")
    parser.add_argument("--totp", action="store_true", help="set up an authenticator app")
    parser.add_argument("--email", help="default: NAME@example.org")
    parser.add_argument(
        "--full-name", help="first and last name shown in the portal (default: NAME)"
    )
    options = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.models import User
    from portal.twofactor import APP_DEVICE_NAME

    password = options.password
    if password is None:
        from demo.loader import DEMO_PASSWORD

        password = DEMO_PASSWORD
    model = User.objects.filter(username=options.like).first()
    if model is None:
        sys.exit(f"no user {options.like!r} to copy (the demo users: see run.sh's READY block)")
    with transaction.atomic():
        user = User.objects.filter(username=options.name).first() or User(username=options.name)
        for field in ("role", "municipality", "department", "organisation", "is_staff"):
            setattr(user, field, getattr(model, field))
        user.is_superuser = model.is_superuser
        user.is_active = True
        user.email = options.email or f"{options.name}@example.org"
        first, _space, last = (options.full_name or options.name).strip().partition(" ")
        user.first_name, user.last_name = first, last
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        user.groups.set(model.groups.all())
        key = ""
        if options.totp:
            TOTPDevice.objects.filter(user=user).delete()
            raw = secrets.token_bytes(20)
            TOTPDevice.objects.create(
                user=user, name=APP_DEVICE_NAME, key=raw.hex(), confirmed=True
            )
            key = base64.b32encode(raw).decode().rstrip("=")
    print(" ".join(part for part in (user.username, password, key) if part))


if __name__ == "__main__":
    main()
