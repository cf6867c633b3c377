import time

from django.core.management.base import BaseCommand, CommandError

from demo.scale import generate


class Command(BaseCommand):
    help = (
        "Generate synthetic municipalities for performance work (marked is_synthetic; never "
        "real data, never loaded by the demo), e.g. --municipalities 98 --years 10."
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipalities", type=int, default=2)
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--per-year", type=int, default=50, help="applications per pool")
        parser.add_argument("--first-year", type=int, default=2016)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, municipalities, years, per_year, first_year, seed, **options):
        if not 1 <= municipalities <= 999 or not 1 <= years <= 30 or not 1 <= per_year <= 1000:
            raise CommandError("Out of range: 1-999 municipalities, 1-30 years, 1-1000 per year")
        started = time.monotonic()
        result = generate(
            municipalities=municipalities,
            years=years,
            per_year=per_year,
            first_year=first_year,
            seed=seed,
        )
        self.stdout.write(
            f"Generated {result.municipalities} municipalities, {result.applications} "
            f"applications, {result.allocations} allocations, {result.measurements} "
            f"measurements in {time.monotonic() - started:.1f} s"
        )
