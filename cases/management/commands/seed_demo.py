"""`manage.py seed_demo`: load deterministic demo data (see cases/demo.py); `demo_logins` lists the sign-ins."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases import demo
from config.history import constraints_left_to_database
from oversight.demo import build_oversight


class Command(BaseCommand):
    help = (
        "Load demo data: the North West region's NPS division, two CRCs and a YOT, their teams and courts, "
        "staff in every role and people with cases. Safe to run twice: the second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--people", type=int, default=demo.DEFAULT_PEOPLE, help="People to create (default %(default)s)."
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=demo.DEFAULT_SEED,
            help="Random seed: same seed, same data (default %(default)s).",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing unless the database has no staff and no people."
        )

    def handle(self, *args, people: int, seed: int, if_empty: bool, **options):
        if people < 0:
            raise CommandError("--people must be 0 or more.")
        if if_empty and not demo.database_is_empty():
            self.stdout.write("The database already has staff or people: demo data not loaded.")
            return
        try:
            # The oversight step (oversight/demo.py) reads what the rest of the demo wrote, after enforcement: one
            # transaction for both, so a refusal anywhere leaves the database as it was.
            with transaction.atomic(), constraints_left_to_database():
                summary = demo.demo_build(people=people, seed=seed)
                oversight = None if summary is None else build_oversight(seed=seed)
        except ValidationError as error:
            raise CommandError(f"Demo data not loaded, nothing changed: {error}") from error
        if summary is None:
            self.stdout.write(
                f"Demo data is already loaded (region {demo.DEMO_REGION_NAME!r} exists): nothing changed."
            )
            return
        self._print_summary(summary)
        if oversight is not None:
            for line in oversight.lines():
                self.stdout.write(line)
        self.stdout.write("List the demo sign-ins with `python manage.py demo_logins`.")

    def _print_summary(self, summary: demo.DemoSummary) -> None:
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {summary.seconds:.1f} s."))
        self.stdout.write(
            f"  {'provider':<40} {'awaiting sentence':>17} {'awaiting allocation':>19} {'active':>7} {'ended':>6}"
        )
        for provider, statuses in summary.cases_by_provider.items():
            self.stdout.write(
                f"  {provider:<40} {statuses['awaiting_sentence']:>17} {statuses['awaiting_allocation']:>19} "
                f"{statuses['active']:>7} {statuses['ended']:>6}"
            )
        self.stdout.write(
            f"  People: {summary.people}; with an exclusion list: {summary.excluded_people}; "
            f"with a restriction list: {summary.restricted_people}."
        )
        if summary.caseloads:
            self.stdout.write(
                f"  Active cases per responsible officer: {min(summary.caseloads.values())} "
                f"to {max(summary.caseloads.values())}; `officer` holds {summary.caseloads.get('officer', 0)}."
            )
        if summary.risk is not None:
            for line in summary.risk.lines():
                self.stdout.write(line)
        if summary.journey is not None:
            for line in summary.journey.lines():
                self.stdout.write(line)
        if summary.delivery is not None:
            for line in summary.delivery.lines():
                self.stdout.write(line)
        if summary.enforcement is not None:
            for line in summary.enforcement.lines():
                self.stdout.write(line)
