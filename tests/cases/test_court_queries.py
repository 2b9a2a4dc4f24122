"""The reports due list (selector, page and API) and the court tab run the same pinned number of queries with
few and many reports: no query per row."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.selectors import court as court_selectors
from cases.services import court as court_services
from tests import factories
from tests.cases.test_court_helpers import (
    HEARING,
    TODAY,
    frozen,
    make_court,
    nps_report,
    screening,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_today():
    with frozen():
        yield


@pytest.fixture
def court(db):
    return make_court()


SMALL, LARGE = 2, 12
# Every request: session read, user, and the session's save (savepoint, update, release: the inactivity timeout).
# Pages also read the user's team and provider (header) and the alerts panel counts.
# reports due: + count and one page of reports (person, court and author joined).
# court tab: + case, scope check, hearings, reports, their information requests and screenings, and the
# person's flags (registrations; RoSH and MAPPA).
# API: + count, one page, and one prefetch per nested list (information requests, screenings).
PINNED = {"reports_due": 10, "case_court": 16, "api_reports": 9, "api_information_requests": 7}


def _queries(client, url, params=None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured), "\n".join(query["sql"] for query in captured.captured_queries)


def _make_reports(org, court, count, start=0):
    authors = [org.officer, org.colleague, None]
    reports = []
    for index in range(start, start + count):
        report = nps_report(
            org, court, author=authors[index % 3] or org.officer, due_on=HEARING + timedelta(days=index % 25)
        )
        court_services.information_request_add(
            by=org.officer, report=report, source="health", details="", requested_on=HEARING
        )
        screening(report, by=org.officer, status="draft")
        reports.append(report)
    return reports


def test_reports_due_selector_orders_soonest_first_and_flags_overdue_and_today(org, court):
    due_dates = [date(2026, 11, 30), TODAY, date(2026, 11, 12), date(2026, 11, 12), date(2026, 11, 21)]
    reports = [nps_report(org, court, due_on=due) for due in due_dates]

    listed = list(court_selectors.reports_due(org.officer))

    assert [report.due_on for report in listed] == sorted(due_dates)
    assert [report.pk for report in listed[:2]] == [reports[2].pk, reports[3].pk]  # ties: requested first, then id
    assert [(report.is_overdue, report.is_due_today) for report in listed] == [
        (True, False),
        (True, False),
        (False, True),
        (False, False),
        (False, False),
    ]


@pytest.mark.parametrize(
    ("name", "url_for"),
    [
        ("reports_due", lambda org, reports: reverse("cases:reports_due")),
        ("api_reports", lambda org, reports: "/api/v1/pre-sentence-reports/"),
        ("api_information_requests", lambda org, reports: "/api/v1/information-requests/"),
    ],
)
def test_lists_run_a_constant_number_of_queries(org, court, client_for, name, url_for):
    client = client_for(org.officer)
    reports = _make_reports(org, court, SMALL)
    small, small_sql = _queries(client, url_for(org, reports))

    _make_reports(org, court, LARGE - SMALL, start=SMALL)
    large, large_sql = _queries(client, url_for(org, reports))

    assert small == large, large_sql
    assert large == PINNED[name], large_sql


def test_court_tab_runs_a_constant_number_of_queries(org, court, client_for):
    client = client_for(org.officer)
    report = nps_report(org, court)
    case = report.case
    url = reverse("cases:case_court", args=[case.pk])
    court_services.information_request_add(
        by=org.officer, report=report, source="health", details="", requested_on=HEARING
    )
    small, _sql = _queries(client, url)

    for day in range(1, 8):
        appearance = court_services.court_appearance_record(
            by=org.officer,
            case=case,
            court=factories.CourtFactory(),
            appearance_date=HEARING + timedelta(days=day),
            purpose="review",
            offences="Assault",
        )
        extra = court_services.report_request(
            by=org.officer,
            case=case,
            court_appearance=appearance,
            report_type="oral",
            due_on=None,
            author=org.colleague,
        )
        for source in ("health", "education"):
            court_services.information_request_add(
                by=org.officer, report=extra, source=source, details="", requested_on=appearance.appearance_date
            )
    large, large_sql = _queries(client, url)

    assert small == large, large_sql
    assert large == PINNED["case_court"], large_sql
