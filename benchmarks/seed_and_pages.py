"""Seed the demo data into a throwaway database, then time the main pages and API as `officer` and `manager`.

    .venv/bin/python benchmarks/seed_and_pages.py --people 1500

Without DATABASE_URL it uses a new SQLite file in a temporary folder, deleted afterwards; with DATABASE_URL
it migrates and seeds that database (seeding is skipped if the demo is already there). It prints figures
and never asserts timings: see benchmarks/README.md.
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
PAGES = (
    ("caseload", "/caseload/"),
    ("team", "/team/"),
    ("search smith", "/search/?q=smith"),
    ("person", "/people/{crn}/"),
    ("risk tab", "/people/{crn}/risk/"),
    ("risk gaps", "/risk-gaps/"),
    ("caseload high", "/caseload/?rosh=high&sort=-rosh"),
    ("api cases", "/api/v1/cases/"),
    ("api people", "/api/v1/people/"),
    ("api risk", "/api/v1/risk/assessments/"),
    ("api flags", "/api/v1/risk/registrations/"),
    ("reports due", "/court/reports/"),
    ("contacts", "/people/{crn}/contacts/"),
    ("case contacts", "/cases/{case}/contacts/"),
    ("case plan", "/cases/{case}/plan/"),
    ("case sentence", "/cases/{case}/sentence/"),
    ("case clocks", "/cases/{case}/service-levels/"),
    ("alerts", "/alerts/"),
    ("api contacts", "/api/v1/contacts/"),
    ("api clocks", "/api/v1/clocks/"),
    ("api alerts", "/api/v1/alerts/"),
)
# Pages only managers may open.
MANAGER_PAGES = (("allocations", "/allocations/"), ("api queue", "/api/v1/allocation-queue/"))


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1500, help="people to seed (default %(default)s)")
    parser.add_argument("--seed", type=int, default=2017, help="demo data seed (default %(default)s)")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page (default %(default)s)")
    return parser.parse_args()


def set_up_django(temporary_dir: str) -> None:
    """Point Django at a throwaway SQLite database unless DATABASE_URL is set, then set it up."""
    sys.path.insert(0, str(PROJECT_DIR))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{temporary_dir}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def percentile_95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1] if len(samples) > 1 else samples[0]


def measure(client, url: str, requests: int) -> dict:
    """One untimed request (counting its SQL queries), then `requests` timed ones."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    query_count = len(queries)  # now: the next request's request_started signal empties the query log
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}, not 200")
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "median": statistics.median(timings),
        "p95": percentile_95(timings),
        "queries": query_count,
        "kilobytes": len(response.content) / 1024,
    }


def run(arguments: argparse.Namespace) -> None:
    import django
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from cases import selectors
    from cases.models import Case, Person

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    output = StringIO()
    call_command("seed_demo", people=arguments.people, seed=arguments.seed, stdout=output)
    seed_seconds = time.perf_counter() - started
    print(f"Database: {connection.vendor}; Python {platform.python_version()}; Django {django.get_version()}")
    print(f"seed_demo --people {arguments.people} --seed {arguments.seed}: {seed_seconds:.1f} s")
    print("\n".join(line for line in output.getvalue().splitlines()[:8] if line.strip()))
    print(f"People: {Person.objects.count()}, cases: {Case.objects.count()}")

    officer = User.objects.get(username="officer")
    own = selectors.people_visible_to(officer).filter(cases__responsible_officer=officer, access_limits__isnull=True)
    person = own.order_by("crn").first()
    person = person or selectors.people_visible_to(officer).order_by("crn").first()
    if person is None:
        raise SystemExit("`officer` can see nobody: seed more people (--people 60 or more).")
    crn = person.crn
    case = selectors.cases_visible_to(officer).filter(person=person).order_by("-start_date").first()
    print(f"\nEach row: median and 95th percentile of {arguments.requests} requests after one untimed request")
    print(f"(which gives the SQL query count and the response size). The person page is {crn}'s.")
    print(f"{'user':<9} {'page':<14} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'KiB':>7}")
    for username in ("officer", "manager"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        pages = PAGES + (MANAGER_PAGES if username == "manager" else ())
        for label, url in pages:
            figures = measure(client, url.format(crn=crn, case=case.pk), arguments.requests)
            print(
                f"{username:<9} {label:<14} {figures['median']:>10.1f} {figures['p95']:>8.1f} "
                f"{figures['queries']:>8} {figures['kilobytes']:>7.1f}"
            )


def main() -> None:
    arguments = parse_arguments()
    with tempfile.TemporaryDirectory(prefix="probation-bench-") as temporary_dir:
        set_up_django(temporary_dir)
        from django.test.utils import override_settings

        # A private in-memory cache, so API throttling counts only this run's requests.
        with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
            run(arguments)


if __name__ == "__main__":
    main()
