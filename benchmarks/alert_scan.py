"""Time the service-level alert scan (timeliness.services.alerts_raise) as open clocks grow.

    .venv/bin/python benchmarks/alert_scan.py --clocks 1000 10000 50000

For each size it builds a throwaway database (SQLite in a temporary folder unless DATABASE_URL is set), with
one provider, ten teams of eight officers and a manager each, and that many open clocks spread over cases of
every officer — a third overdue, a third due within the alert window, a third later — then runs the scan
twice (the second run must create nothing) and prints the time and SQL query count of each run. It never
asserts timings: see benchmarks/README.md.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clocks", type=int, nargs="+", default=[1000, 10000], help="open clocks per run")
    parser.add_argument("--one", type=int, default=0, help=argparse.SUPPRESS)
    return parser.parse_args()


def set_up_django(database_path: str) -> None:
    sys.path.insert(0, str(PROJECT_DIR))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{database_path}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def build(clocks: int) -> None:
    """Organisation, people, cases and open clocks, written in bulk with history rows (benchmark set-up only)."""
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history

    from accounts.models import Provider, Region, Team, User
    from cases.models import Case, Person
    from timeliness.models import Clock

    today = timezone.localdate()
    region = Region.objects.create(name="Benchmark region")
    provider = Provider.objects.create(name="Benchmark NPS", code="B01", provider_type="nps_division", region=region)
    officers = []
    for team_number in range(10):
        team = Team.objects.create(name=f"Team {team_number}", code=f"BT{team_number}", provider=provider)
        User.objects.create(username=f"manager{team_number}", role=User.Role.MANAGER, team=team)
        for officer_number in range(8):
            officers.append(
                User.objects.create(
                    username=f"officer{team_number}-{officer_number}", role=User.Role.RESPONSIBLE_OFFICER, team=team
                )
            )
    people = bulk_create_with_history(
        [
            Person(
                crn=f"B{number:06d}",
                first_name="Test",
                last_name=f"Person {number}",
                date_of_birth="1990-01-01",
                gender="male",
            )
            for number in range(clocks)
        ],
        Person,
        batch_size=2000,
    )
    people = list(Person.objects.order_by("pk"))
    cases = bulk_create_with_history(
        [
            Case(
                person=person,
                provider=provider,
                team=officers[number % len(officers)].team,
                responsible_officer=officers[number % len(officers)],
                status=Case.Status.ACTIVE,
                start_date=today - timedelta(days=30),
            )
            for number, person in enumerate(people)
        ],
        Case,
        batch_size=2000,
    )
    cases = list(Case.objects.order_by("pk"))
    offsets = (-3, 1, 20)  # overdue, due soon, not yet
    bulk_create_with_history(
        [
            Clock(
                service_level="NPS SL003R",
                case=case,
                subject=f"sentence:{case.pk}",
                provider_type="nps_division",
                started_on=today - timedelta(days=10),
                due_on=today + timedelta(days=offsets[number % 3]),
            )
            for number, case in enumerate(cases)
        ],
        Clock,
        batch_size=2000,
    )


def scan() -> tuple[float, int, dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from timeliness.services import alerts_raise

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        created = alerts_raise()
        seconds = time.perf_counter() - started
    return seconds, len(queries), created


def run_one(size: int) -> None:
    """One size in this process: a fresh database, the data, two scans."""
    with tempfile.TemporaryDirectory() as folder:
        set_up_django(f"{folder}/alerts.sqlite3")
        from django.core.management import call_command
        from django.db import connection

        if connection.vendor != "sqlite":
            call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        build(size)
        print(f"{size:>6}  set-up {time.perf_counter() - started:.1f} s", flush=True)
        for run in (1, 2):
            seconds, queries, created = scan()
            print(f"{size:>6}  {run:>3}  {seconds:>7.3f}  {queries:>7}  {created}", flush=True)


def main() -> None:
    arguments = parse_arguments()
    if arguments.one:
        run_one(arguments.one)
        return
    print("clocks  run  seconds  queries  alerts created", flush=True)
    for size in arguments.clocks:
        subprocess.run([sys.executable, __file__, "--one", str(size)], check=True)


if __name__ == "__main__":
    main()
