"""Seed the demo data into a throwaway database, then time the main pages and API as `officer`, `manager` (with the
oversight pages) and the unpaid work `supervisor`.

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
# Delivering the order, for `officer` and `manager`: the requirement pages are those of the busiest RAR and unpaid
# work requirements on `officer`'s caseload (most activities, most bookings).
DELIVERY_PAGES = (
    ("delivery tab", "/cases/{delivery_case}/delivery/"),
    ("rar page", "/requirements/{rar}/rar/"),
    ("upw page", "/requirements/{upw}/unpaid-work/"),
    ("waiting list", "/programmes/waiting-list/"),
    ("need areas", "/services/needs/"),
    ("api rar", "/api/v1/rar-requirements/"),
    ("api upw", "/api/v1/unpaid-work-requirements/{upw}/"),
    ("api referrals", "/api/v1/service-referrals/"),
)
# Enforcement, for `officer` and `manager`: the compliance tab of the person's case, the decisions due, the API.
ENFORCEMENT_PAGES = (
    ("compliance tab", "/cases/{case}/compliance/"),
    ("decisions due", "/compliance/decisions-due/"),
    ("api failures", "/api/v1/compliance-failures/"),
    ("breaches", "/breaches/"),
    ("breach", "/breaches/{breach}/"),
    ("breach pack", "/breach-packs/{pack}/"),
    ("pack pdf", "/breach-packs/{pack}/pdf/"),
    ("recalls", "/recalls/"),
    ("api breaches", "/api/v1/breaches/"),
    ("api recalls", "/api/v1/recalls/"),
)
# The court user of Manchester's courts: the court portal, the latest pack sent there and its PDF.
COURT_PAGES = (
    ("court portal", "/court-portal/"),
    ("court pack", "/court-portal/packs/{court_pack}/"),
    ("court pdf", "/court-portal/packs/{court_pack}/pdf/"),
    ("api court", "/api/v1/court-breach-packs/"),
)
# Oversight, for `manager` only: the team dashboard, overdue work, service levels for the team and the region (last
# full quarter), the cases that missed the team's most missed service level, continuity, the audits and one audit
# (the latest completed audit of the team).
OVERSIGHT_PAGES = (
    ("oversight", "/oversight/"),
    ("overdue work", "/oversight/overdue-work/"),
    ("levels team", "/oversight/service-levels/"),
    ("levels region", "/oversight/service-levels/?scope=region"),
    ("missed", "/oversight/service-levels/missed/?code={missed_code}"),
    ("continuity", "/oversight/continuity/"),
    ("audits", "/oversight/audits/"),
    ("audit", "/oversight/audits/{audit}/"),
)
# The unpaid work supervisor of Cheshire and Greater Manchester CRC: today's register and its busiest session.
SUPERVISOR_PAGES = (
    ("register", "/unpaid-work/register/"),
    ("session reg.", "/unpaid-work/sessions/{session}/register/"),
    ("sessions", "/unpaid-work/sessions/"),
    ("api sessions", "/api/v1/unpaid-work-sessions/"),
)


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
    from cases.models import Case, Person, Requirement

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    output = StringIO()
    call_command("seed_demo", people=arguments.people, seed=arguments.seed, stdout=output)
    seed_seconds = time.perf_counter() - started
    print(f"Database: {connection.vendor}; Python {platform.python_version()}; Django {django.get_version()}")
    print(f"seed_demo --people {arguments.people} --seed {arguments.seed}: {seed_seconds:.1f} s")
    print("\n".join(line for line in output.getvalue().splitlines()[:8] if line.strip()))
    oversight_lines = output.getvalue().splitlines()
    print("\n".join(line for line in oversight_lines if line.startswith("Oversight data loaded in")))
    print(f"People: {Person.objects.count()}, cases: {Case.objects.count()}")

    officer = User.objects.get(username="officer")
    own = selectors.people_visible_to(officer).filter(cases__responsible_officer=officer, access_limits__isnull=True)
    person = own.order_by("crn").first()
    person = person or selectors.people_visible_to(officer).order_by("crn").first()
    if person is None:
        raise SystemExit("`officer` can see nobody: seed more people (--people 60 or more).")
    crn = person.crn
    case = selectors.cases_visible_to(officer).filter(person=person).order_by("-start_date").first()
    from django.db.models import Count
    from django.utils import timezone

    from interventions.models import UnpaidWorkSession

    own_requirements = Requirement.objects.filter(sentence__case__responsible_officer=officer)
    rar = (
        own_requirements.filter(requirement_type__counts_as_rar=True)
        .annotate(activities=Count("rehabilitation_activities"))
        .order_by("-activities", "pk")
        .first()
    )
    upw = (
        own_requirements.filter(requirement_type__is_unpaid_work=True)
        .annotate(bookings=Count("unpaid_work_attendances"))
        .order_by("-bookings", "pk")
        .first()
    )
    session = (
        UnpaidWorkSession.objects.filter(session_date=timezone.localdate(), supervisor__username="supervisor")
        .annotate(bookings=Count("attendances"))
        .order_by("-bookings", "pk")
        .first()
    )
    if rar is None or upw is None or session is None:
        raise SystemExit("The demo has no RAR or unpaid work for `officer`, or no session today: seed more people.")
    from enforcement.models import BreachPack

    # The latest pack sent to court on one of the team's cases (both officer and manager may open it), and the
    # latest sent to a court of the demo's `court` user.
    pack = (
        BreachPack.objects.filter(breach__case__team=officer.team, sent_to_court_at__isnull=False)
        .order_by("-sent_to_court_at")
        .first()
    )
    court_pack = (
        BreachPack.objects.filter(court__court_users__username="court", sent_to_court_at__isnull=False)
        .order_by("-sent_to_court_at")
        .first()
    )
    if pack is None or court_pack is None:
        raise SystemExit("The demo has no breach pack sent to court for `officer`'s team or `court`: seed more people.")
    from oversight.models import CaseAudit
    from oversight.scopes import last_full_quarter
    from timeliness.models import Clock
    from timeliness.registry import SERVICE_LEVELS

    manager = User.objects.get(username="manager")
    quarter = last_full_quarter(timezone.localdate())
    most_missed = (
        Clock.objects.filter(
            case__team_id=manager.team_id,
            service_level__in=[level.code for level in SERVICE_LEVELS if level.national],
            status=Clock.Status.MISSED,
            due_on__gte=quarter.start,
            due_on__lte=quarter.end,
        )
        .values("service_level")
        .annotate(missed=Count("pk"))
        .order_by("-missed", "service_level")
        .first()
    )
    audit = (
        CaseAudit.objects.filter(team_id=manager.team_id, status=CaseAudit.Status.COMPLETED)
        .order_by("-drawn_on", "-pk")
        .first()
    )
    if most_missed is None or audit is None:
        raise SystemExit("The demo has no missed clock or completed audit for `manager`'s team: seed more people.")
    values = {
        "missed_code": most_missed["service_level"].replace(" ", "+"),
        "audit": audit.pk,
        "breach": pack.breach_id,
        "pack": pack.pk,
        "court_pack": court_pack.pk,
        "crn": crn,
        "case": case.pk,
        "rar": rar.pk,
        "upw": upw.pk,
        "delivery_case": rar.sentence.case_id,
        "session": session.pk,
    }
    print(
        f"RAR requirement {rar.pk}: {rar.activities} activities; unpaid work requirement {upw.pk}: "
        f"{upw.bookings} bookings; today's session {session.pk}: {session.bookings} people."
    )
    print(
        f"Oversight: the missed list of {most_missed['service_level']}, {most_missed['missed']} missed in "
        f"{quarter.label}; audit {audit.pk}, {audit.sample_size} cases."
    )
    print(f"\nEach row: median and 95th percentile of {arguments.requests} requests after one untimed request")
    print(f"(which gives the SQL query count and the response size). The person page is {crn}'s.")
    print(f"{'user':<10} {'page':<15} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'KiB':>7}")
    for username in ("officer", "manager", "supervisor", "court"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        if username == "supervisor":
            pages = SUPERVISOR_PAGES
        elif username == "court":
            pages = COURT_PAGES
        else:
            pages = PAGES + DELIVERY_PAGES + ENFORCEMENT_PAGES
            if username == "manager":
                pages += MANAGER_PAGES + OVERSIGHT_PAGES
        for label, url in pages:
            figures = measure(client, url.format(**values), arguments.requests)
            print(
                f"{username:<10} {label:<15} {figures['median']:>10.1f} {figures['p95']:>8.1f} "
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
