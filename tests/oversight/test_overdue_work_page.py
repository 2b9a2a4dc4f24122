"""The overdue work list (/oversight/overdue-work/): the team's overdue and due-soon work, filtered by officer and
kind, with counts per kind, paginated, and as a CSV with the same filters.

Today is Wednesday 2 December 2026. The hand-built team (Manchester North):
- Adams, Amy (Olivia Okafor): first appointment clock due Friday 27 November: overdue by 3 working days.
- Brown, Ben (Colin Cartwright): first appointment clock due Friday 4 December: due in 2 working days.
- Cole, Cara (Olivia Okafor): no risk of serious harm assessment: a risk gap.
- Dean, Dan (Colin Cartwright): missed an appointment on Thursday 26 November: decision due Monday 30 November.
- Evans, Eve (Olivia Okafor): sentence plan completed 1 April 2026 and never reviewed: review due 1 October.
"""

import csv
import io
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cases.models import SentencePlan
from cases.services.contacts import appointment_record_outcome
from risk.models import RiskLevel
from tests import factories
from timeliness.models import Clock

URL = reverse("oversight:overdue_work")
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _html(response) -> str:
    return response.content.decode()


def _text(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def _rows(response) -> list[list[str]]:
    rows = re.findall(r'<tr class="govuk-table__row" data-testid="work-row">(.*?)</tr>', _html(response), re.S)
    return [[_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]


def _people(response) -> list[str]:
    return [row[0] for row in _rows(response)]


def _counts(response) -> dict[str, str]:
    return dict(re.findall(r'data-testid="kind-count-(\w+)">(\d+)</dd>', _html(response)))


def _summary(response) -> str:
    return _text(re.search(r'data-testid="overdue-summary">(.*?)</p>', _html(response)).group(1))


def _csv(response) -> list[list[str]]:
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:])))


def case_for(officer, last_name: str, first_name: str, *, assessed: bool = True):
    case = factories.CaseFactory(
        responsible_officer=officer, person__last_name=last_name, person__first_name=first_name
    )
    factories.SentenceFactory(case=case, sentence_date=date(2026, 3, 2))
    if assessed:
        factories.RoshAssessmentFactory(
            person=case.person, risk_to_public=RiskLevel.MEDIUM, assessment_date=date(2026, 10, 1)
        )
    return case


def clock(case, due_on: date, **kwargs):
    return factories.ClockFactory(case=case, started_on=due_on - timedelta(days=7), due_on=due_on, **kwargs)


def failure(case, on: date):
    contact = factories.ContactFactory(case=case, starts_at=datetime(on.year, on.month, on.day, 10, tzinfo=NOW.tzinfo))
    appointment_record_outcome(
        by=case.responsible_officer, contact=contact, outcome=factories.contact_outcome("unacceptable_absence")
    )


def stale_plan(case, completed_on: date):
    return factories.SentencePlanFactory(
        sentence=case.sentences.get(),
        status=SentencePlan.Status.COMPLETED,
        completed_on=completed_on,
        completed_by=case.responsible_officer,
        involvement="yes",
    )


@pytest.fixture
def work(org):
    amy = case_for(org.officer, "Adams", "Amy")
    clock(amy, date(2026, 11, 27))
    clock(amy, date(2026, 12, 20))  # not due soon
    clock(amy, date(2026, 11, 20), status=Clock.Status.MET, stopped_on=date(2026, 11, 19))  # stopped
    ben = case_for(org.colleague, "Brown", "Ben")
    clock(ben, date(2026, 12, 4))
    cara = case_for(org.officer, "Cole", "Cara", assessed=False)
    dan = case_for(org.colleague, "Dean", "Dan")
    failure(dan, date(2026, 11, 26))
    eve = case_for(org.officer, "Evans", "Eve")
    stale_plan(eve, date(2026, 4, 1))
    # Another team's work is not listed.
    other = case_for(org.other_team_officer, "Other", "Olly", assessed=False)
    clock(other, date(2026, 11, 27))
    return {"amy": amy, "ben": ben, "cara": cara, "dan": dan, "eve": eve, "other": other}


# The list -----------------------------------------------------------------------------------------------------------

ALL_ROWS = [
    [
        "Evans, Eve",
        "{eve}",
        "Olivia Okafor",
        "Plan not reviewed",
        "Review the sentence plan: last reviewed 1 April 2026",
        "1 Oct 2026",
        "Overdue by 62 days",
        "Open plan not reviewed for Eve Evans",
    ],
    [
        "Adams, Amy",
        "{amy}",
        "Olivia Okafor",
        "Service level",
        "NPS SL003R: First appointment within 5 days of allocation (community sentence)",
        "27 Nov 2026",
        "Overdue by 3 working days",
        "Open service level for Amy Adams",
    ],
    # The failure to comply is listed once, as the decision: not also as its LOCAL EN1 clock
    # (oversight.selectors.overdue). Due Monday 30 November: Tuesday and Wednesday are the 2 working days since.
    [
        "Dean, Dan",
        "{dan}",
        "Colin Cartwright",
        "Enforcement decision",
        "Decide on the failure to comply on 26 November 2026 (unacceptable absence)",
        "30 Nov 2026",
        "Overdue by 2 working days",
        "Open enforcement decision for Dan Dean",
    ],
    [
        "Cole, Cara",
        "{cara}",
        "Olivia Okafor",
        "Risk gap",
        "No completed risk of serious harm assessment",
        "No due date",
        "Now",
        "Open risk gap for Cara Cole",
    ],
    [
        "Brown, Ben",
        "{ben}",
        "Colin Cartwright",
        "Service level",
        "NPS SL003R: First appointment within 5 days of allocation (community sentence)",
        "4 Dec 2026",
        "Due in 2 working days",
        "Open service level for Ben Brown",
    ],
]


def _expected(work, rows=ALL_ROWS):
    crns = {key: case.person.crn for key, case in work.items()}
    return [[cell.format(**crns) for cell in row] for row in rows]


def test_the_teams_work_overdue_first(org, work, client_for):
    # Dan's failure to comply runs its LOCAL EN1 decision clock, which is not listed beside the decision.
    assert work["dan"].clocks.get(status=Clock.Status.OPEN).service_level == "LOCAL EN1"

    response = client_for(org.manager).get(URL)

    assert response.status_code == 200
    assert _rows(response) == _expected(work)
    assert _counts(response) == {"clock": "2", "risk": "1", "enforcement": "1", "plan_review": "1", "programme": "0"}
    assert _summary(response) == "5 items of work, 4 overdue."


def test_rows_link_to_the_case_and_the_item(org, work, client_for):
    html = _html(client_for(org.manager).get(URL))

    amy = work["amy"]
    assert f'<a class="govuk-link" href="{reverse("cases:case", args=[amy.pk])}">Adams, Amy</a>' in html
    assert f'href="{reverse("timeliness:case_clocks", args=[amy.pk])}">Open' in html
    assert f'href="{reverse("risk:person_risk", args=[work["cara"].person.crn])}">Open' in html
    plan = work["eve"].sentence_plans.get()
    assert f'href="{reverse("cases:plan_review_new", args=[plan.pk])}">Open' in html


def test_overdue_timing_is_a_red_tag_and_due_soon_is_not(org, work, client_for):
    html = _html(client_for(org.manager).get(URL))

    timings = re.findall(r'data-testid="timing">(.*?)</td>', html)
    assert timings[1] == '<strong class="govuk-tag govuk-tag--red">Overdue by 3 working days</strong>'
    assert timings[-1] == "Due in 2 working days"
    assert '<strong class="govuk-tag govuk-tag--blue">Service level</strong>' in html


def test_the_page_is_a_proper_gov_uk_page(org, work, client_for):
    html = _html(client_for(org.manager).get(URL))

    assert "<title>Overdue work – Manchester North – Probation case management</title>" in html
    assert '<h1 class="govuk-heading-l">Overdue work</h1>' in html
    assert "Overdue and due-soon work in Manchester North, overdue first</caption>" in html
    assert html.count('scope="col"') == 8
    assert "Download this table (CSV)" in html
    assert re.findall(r'aria-current="page" href="([^"]+)">([^<]+)<', html) == [(URL, "Overdue work")]


# Filters ------------------------------------------------------------------------------------------------------------


def test_filtered_to_one_officer(org, work, client_for):
    response = client_for(org.manager).get(URL, {"officer": org.colleague.pk})

    assert response.status_code == 200
    assert _people(response) == ["Dean, Dan", "Brown, Ben"]
    assert _counts(response) == {"clock": "1", "risk": "0", "enforcement": "1", "plan_review": "0", "programme": "0"}
    assert _summary(response) == "2 items of work, 1 overdue."
    assert "Work in cases held by Colin Cartwright" in _html(response)
    options = re.findall(r'<option value="(\d*)"( selected)?>([^<]+)</option>', _html(response))
    assert options[:4] == [
        ("", "", "All officers"),
        (str(org.colleague.pk), " selected", "Colin Cartwright"),
        (str(org.officer.pk), "", "Olivia Okafor"),
        ("", " selected", "All kinds of work"),
    ]


def test_filtered_to_one_kind_keeps_the_counts_of_every_kind(org, work, client_for):
    response = client_for(org.manager).get(URL, {"kind": "clock"})

    # The failure's LOCAL EN1 clock is not a service level row: the failure is listed as an enforcement decision.
    assert _people(response) == ["Adams, Amy", "Brown, Ben"]
    assert _counts(response) == {"clock": "2", "risk": "1", "enforcement": "1", "plan_review": "1", "programme": "0"}
    assert "Service level in Manchester North, overdue first</caption>" in _html(response)


def test_filtered_to_an_officer_and_a_kind(org, work, client_for):
    response = client_for(org.manager).get(URL, {"officer": org.officer.pk, "kind": "plan_review"})

    assert _rows(response) == _expected(work, ALL_ROWS[:1])


def test_the_kind_links_keep_the_officer(org, work, client_for):
    html = _html(client_for(org.manager).get(URL, {"officer": org.officer.pk}))

    assert f'href="?officer={org.officer.pk}&amp;kind=risk">Show only these' in html


def test_no_work_of_a_kind_says_so(org, work, client_for):
    response = client_for(org.manager).get(URL, {"kind": "programme"})

    assert response.status_code == 200
    assert _rows(response) == []
    assert "There is no overdue or due-soon work of this kind." in _html(response)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"kind": "everything"}, "Choose a kind of work from the list."),
        ({"officer": "other_team_officer"}, "Choose an officer in Manchester North from the list."),
        ({"officer": "other_provider_officer"}, "Choose an officer in Manchester North from the list."),
        ({"officer": "not-a-number"}, "Choose an officer in Manchester North from the list."),
    ],
)
def test_an_invalid_filter_is_an_error_with_no_rows(org, work, client_for, params, message):
    params = {key: getattr(org, value).pk if hasattr(org, value) else value for key, value in params.items()}

    response = client_for(org.manager).get(URL, params)

    html = _html(response)
    assert response.status_code == 400
    assert html.count(message) == 2  # the error summary and the field
    assert "<title>Error: Overdue work – Probation case management</title>" in html
    assert _rows(response) == []
    assert 'data-testid="kind-counts"' not in html


def test_an_invalid_filter_gets_no_csv(org, work, client_for):
    response = client_for(org.manager).get(URL, {"kind": "everything", "format": "csv"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


# Pagination ---------------------------------------------------------------------------------------------------------


def test_paginated_keeping_the_filters(org, client_for, settings):
    settings.PAGE_SIZE = 4
    for index in range(6):
        clock(case_for(org.officer, f"Paged{index}", "Pat"), date(2026, 11, 20) + timedelta(days=index))
    clock(case_for(org.colleague, "Someone", "Else"), date(2026, 11, 20))
    client = client_for(org.manager)

    first = client.get(URL, {"officer": org.officer.pk, "kind": "clock"})
    second = client.get(URL, {"officer": org.officer.pk, "kind": "clock", "page": 2})

    assert _people(first) == ["Paged0, Pat", "Paged1, Pat", "Paged2, Pat", "Paged3, Pat"]
    assert _people(second) == ["Paged4, Pat", "Paged5, Pat"]
    assert f'href="?officer={org.officer.pk}&amp;kind=clock&amp;page=2" rel="next"' in _html(first)
    assert "Showing 5 to 6 of 6" in _html(second)
    # The CSV link keeps the filters but not the page, and downloads every row.
    assert f'href="?officer={org.officer.pk}&amp;kind=clock&amp;format=csv"' in _html(second)
    download = client.get(URL, {"officer": org.officer.pk, "kind": "clock", "format": "csv", "page": 2})
    assert [row[0] for row in _csv(download)[1:]] == [f"Paged{index}, Pat" for index in range(6)]


# CSV ----------------------------------------------------------------------------------------------------------------


def test_the_csv_holds_every_row_with_the_same_filters(org, work, client_for):
    response = client_for(org.manager).get(URL, {"officer": org.colleague.pk, "format": "csv"})

    dan, ben = work["dan"], work["ben"]
    failure_id = dan.compliance_failures.get().pk
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="overdue-work-N01MN-2026-12-02.csv"'
    assert _csv(response) == [
        ["Person", "CRN", "Officer", "Kind", "What needs doing", "Due", "Timing", "Overdue", "Link"],
        [
            "Dean, Dan",
            dan.person.crn,
            "Colin Cartwright",
            "Enforcement decision",
            "Decide on the failure to comply on 26 November 2026 (unacceptable absence)",
            "2026-11-30",
            "Overdue by 2 working days",
            "Yes",
            "http://testserver" + reverse("enforcement:failure_decide", args=[failure_id]),
        ],
        [
            "Brown, Ben",
            ben.person.crn,
            "Colin Cartwright",
            "Service level",
            "NPS SL003R: First appointment within 5 days of allocation (community sentence)",
            "2026-12-04",
            "Due in 2 working days",
            "No",
            "http://testserver" + reverse("timeliness:case_clocks", args=[ben.pk]),
        ],
    ]


# Choosing a team and access -----------------------------------------------------------------------------------------


def test_a_manager_asking_for_another_team_gets_an_error(org, work, client_for):
    response = client_for(org.manager).get(URL, {"team": org.team_a2.pk})

    assert response.status_code == 400
    assert _html(response).count("You can only see the teams you manage.") == 2
    assert _rows(response) == []


def test_a_senior_manager_sees_another_team_of_the_provider(org, work, client_for):
    senior = factories.ManagerFactory(team=org.team_a, senior_manager=True)

    response = client_for(senior).get(URL, {"team": org.team_a2.pk})

    assert response.status_code == 200
    assert _people(response) == ["Other, Olly", "Other, Olly"]  # the clock and the risk gap
    options = re.findall(r'<option value="(\d*)"( selected)?>([^<]+)</option>', _html(response))
    assert options[:2] == [
        (str(org.team_a.pk), "", "Manchester North"),
        (str(org.team_a2.pk), " selected", "Manchester South"),
    ]
    assert (str(org.other_team_officer.pk), "", "Tariq Thompson") in options


def test_a_senior_manager_filters_an_officer_of_the_chosen_team_only(org, work, client_for):
    senior = factories.ManagerFactory(team=org.team_a, senior_manager=True)

    response = client_for(senior).get(URL, {"team": org.team_a2.pk, "officer": org.officer.pk})

    assert response.status_code == 400
    assert "Choose an officer in Manchester South from the list." in _html(response)


@pytest.mark.parametrize("who", ["officer", "colleague", "upw", "court_user", "administrator"])
def test_staff_who_do_not_manage_a_team_are_refused(org, work, client_for, who):
    for params in ({}, {"format": "csv"}):
        response = client_for(getattr(org, who)).get(URL, params)

        assert response.status_code == 403
        assert "You do not have access to this page" in _html(response)
        assert 'data-testid="overdue-table"' not in _html(response)


# Queries ------------------------------------------------------------------------------------------------------------


def _spread(org, count: int):
    """`count` cases over two officers, each with a running clock; every third has a risk gap, every fourth a
    failure to comply (with its clock), every fifth a stale sentence plan."""
    officers = [org.officer, org.colleague]
    for index in range(count):
        case = case_for(officers[index % 2], f"Spread{count}x{index}", "Sam", assessed=index % 3 != 0)
        clock(case, TODAY - timedelta(days=index % 5))
        if index % 4 == 0:
            failure(case, date(2026, 11, 26))
        if index % 5 == 0:
            stale_plan(case, date(2026, 4, 1))


@pytest.mark.parametrize(
    ("params", "queries"),
    [
        ({}, "page"),
        ({"kind": "clock"}, "page"),
        ({"officer": "colleague"}, "page"),
        ({"format": "csv"}, "csv"),
    ],
)
def test_the_page_costs_the_same_queries_for_few_or_many_cases(
    org, client_for, django_assert_num_queries, params, queries
):
    params = {key: getattr(org, value).pk if key == "officer" else value for key, value in params.items()}
    expected = PAGE_QUERIES if queries == "page" else CSV_QUERIES
    client = client_for(org.manager)
    client.get(URL, params)  # warm the session and content types

    _spread(org, 3)
    with django_assert_num_queries(expected):
        small = client.get(URL, params)
    _spread(org, 30)
    with django_assert_num_queries(expected):
        large = client.get(URL, params)

    assert small.status_code == large.status_code == 200
    if not params:
        # 3 cases: 3 clocks (one due today), a risk gap, a failure (the decision only, not its clock), a stale plan.
        assert _summary(small) == "6 items of work, 5 overdue."
        # 33 cases: 33 clocks (7 due today), 11 risk gaps, 9 failures (9 decisions), 7 stale plans.
        assert _summary(large) == "60 items of work, 53 overdue."


# The signed-in request's own: the session read and saved (1 + 3 with its savepoint), the user, their team and its
# provider (3); the header's alert counts (1, not in the CSV). Then the list: the team's officers (1) and one query
# per kind of work: clocks, risk gaps, failures to comply, breaches, recalls, sentence plans, programmes (7).
PAGE_QUERIES = 4 + 3 + 1 + 1 + 7
CSV_QUERIES = 4 + 3 + 1 + 7
