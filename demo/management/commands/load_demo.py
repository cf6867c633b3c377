from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.loader import DEMO_PASSWORD, DEMO_USERS, demo_loaded, load_demo
from portal.models import Role

RUNSERVER_DEFAULT = "http://127.0.0.1:8000"  # what `manage.py runserver` serves without arguments


class Command(BaseCommand):
    help = (
        "Load the demo data built from the seed documents (Frederiksberg and København) and "
        "create the demo users with password 'demo'. For development and trying the portal "
        "only: refused unless DEBUG is on or --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even though DEBUG is off (never on a production database).",
        )
        parser.add_argument(
            "--address",
            help=(
                "The address the portal is served at, for the printed login link "
                "(`make run` passes http://HOST:PORT). Default: PORTAL_BASE_URL, else "
                "runserver's default http://127.0.0.1:8000."
            ),
        )

    def handle(self, *args, force: bool = False, address: str | None = None, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "The demo data and its users (password 'demo') are for development only. "
                "Run with DEBUG=1, or --force on a database that is not production."
            )
        if demo_loaded():
            self.stdout.write("Demo data is already loaded.")
        else:
            result = load_demo()
            self.stdout.write(
                self.style.SUCCESS("Loaded demo data: " + ", ".join(result.municipalities))
            )
        self.stdout.write("")
        address = (address or settings.PORTAL_BASE_URL or RUNSERVER_DEFAULT).rstrip("/")
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}) at {address}/login/")
        for username, slug, role, _department, _name in DEMO_USERS:
            self.stdout.write(f"  {username:<20} {role.label:<14} {slug or 'alle kommuner'}")
            if role == Role.ORGANISATION:
                # E-mail sign-in: the worker prints the link (console mail in development).
                self.stdout.write(
                    f"  {'':<20} or {address}/login/e-mail/ as {username}@example.org"
                )
        self.stdout.write("")
