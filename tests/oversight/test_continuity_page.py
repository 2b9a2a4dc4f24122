"""Continuity of officers (/oversight/continuity/): the figures beside the inspectorate's finding, the cases with the
most officers first, the scope form, CSV, access and a constant number of queries."""

import csv
import html as html_lib
import io
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cases.models import Case, OfficerAssignment
from tests import factories

URL = reverse("oversight:continuity")
TODAY = datetime(2026, 11, 16, 12, 0, tzinfo=ZoneInfo("Europe/London"))

pytestmark = pytest.mark.usefixtures("_today")


@pytest.fixture
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def case_with_officers(officers, *, last_name: str, crn: str = "", **kwargs):
    """A case held by the last of `officers`, assigned to each in turn (an officer may come back)."""
    person = {"person__last_name": last_name, "person__first_name": "Pat"}
    if crn:
        person["person__crn"] = crn
    case = factories.CaseFactory(responsible_officer=officers[-1], **person, **kwargs)
    start = date(2025, 6, 2)
    for index, officer in enumerate(officers):
        last = index == len(officers) - 1
        factories.OfficerAssignmentFactory(
            case=case,
            kind=OfficerAssignment.Kind.ALLOCATION if index == 0 else OfficerAssignment.Kind.TRANSFER_BETWEEN_OFFICERS,
            reason=OfficerAssignment.Reason.NEW_CASE if index == 0 else OfficerAssignment.Reason.WORKLOAD,
            provider=officer.team.provider,
            team=officer.team,
            responsible_officer=officer,
            start_date=start,
            end_date=None if last else start + timedelta(days=29),
        )
        start += timedelta(days=30)
    return case


@pytest.fixture
def cases(org):
    new_officer = factories.OfficerFactory(team=org.team_a, first_name="Nadia", last_name="Noor")
    made = {
        "ashworth": case_with_officers([org.officer], last_name="Ashworth", crn="A500001"),
        "brennan": case_with_officers([org.colleague], last_name="Brennan", crn="A500002"),
        "carter": case_with_officers([org.officer, org.colleague], last_name="Carter", crn="A500003"),
        # Back to the first officer, then a third: three different officers.
        "dunn": case_with_officers(
            [org.officer, org.colleague, org.officer, new_officer], last_name="Dunn", crn="A500004"
        ),
        # Ended within the last 9 months: counted.
        "evans": case_with_officers(
            [org.colleague, org.officer],
            last_name="Evans",
            crn="A500005",
            status=Case.Status.ENDED,
            end_date=date(2026, 6, 1),
            termination_outcome=Case.TerminationOutcome.COMPLETED_POSITIVELY,
        ),
    }
    # Ended before the window, and waiting for allocation (no officer yet): not counted.
    case_with_officers(
        [org.officer],
        last_name="Oldcase",
        status=Case.Status.ENDED,
        end_date=date(2026, 2, 1),
        termination_outcome=Case.TerminationOutcome.COMPLETED_POSITIVELY,
    )
    factories.CaseFactory(awaiting_allocation=True, provider=org.nps, person__last_name="Waiting")
    # Another team of the provider, and another provider in the region.
    made["south"] = case_with_officers(
        [org.officer, org.colleague, org.other_team_officer], last_name="Southey", crn="A500006"
    )
    made["elsewhere"] = case_with_officers([org.other_provider_officer], last_name="Elsewhere", crn="A500007")
    return made


def text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def figure_rows(response) -> list[str]:
    html = response.content.decode()
    return [
        text(row)
        for row in re.findall(r'<tr class="govuk-table__row" data-testid="continuity-row">(.*?)</tr>', html, re.S)
    ]


def case_rows(response) -> list[str]:
    html = response.content.decode()
    return [
        text(row)
        for row in re.findall(r'<tr class="govuk-table__row" data-testid="continuity-case">(.*?)</tr>', html, re.S)
    ]


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_team_figures_beside_the_inspectorate(org, client_for, cases):
    response = client_for(org.manager).get(URL)
    assert response.status_code == 200
    assert figure_rows(response) == [
        "Kept one officer throughout 2 40.0% About half (50%)",
        "Had two officers 2 40.0% Not reported",
        "Had three or more officers 1 20.0% 5%",
    ]
    html = response.content.decode()
    assert "5 cases active in the last 9 months" in html
    assert "active at any time in the last 9 months (since 16 February 2026)" in html
    assert "only about half of people keep one officer throughout, and 5% have three or more" in html
    heading = text(re.search(r'<h1 class="govuk-heading-l">(.*?)</h1>', html, re.S).group(1))
    assert heading == "Team: Manchester North Continuity of officers"
    assert "<title>Continuity of officers – Manchester North – Probation case management</title>" in html
    assert 'name="period"' not in html  # the window is fixed
    assert 'aria-current="page" href="/oversight/continuity/"' in html


def test_chart_comes_before_the_table_it_summarises(org, client_for, cases):
    html = client_for(org.manager).get(URL).content.decode()
    chart = html[html.index('<figure class="app-bar-chart" aria-describedby="continuity-figures">') :]
    chart = chart[: chart.index("</figure>")]
    assert chart.count('class="app-bar-chart__row"') == 3
    assert 'style="width: 40%"' in chart and 'style="width: 20%"' in chart
    # One officer: 40% is below the inspectorate's half; three or more: 20% is above its 5%.
    assert chart.count("app-bar-chart__bar--bad") == 2
    assert 'style="left: 50%"' in chart and 'style="left: 5%"' in chart
    assert html.index("app-bar-chart") < html.index('id="continuity-figures"')


def test_cases_most_officers_first(org, client_for, cases):
    response = client_for(org.manager).get(URL)
    assert case_rows(response) == [
        "Dunn, Pat A500004 3 Nadia Noor Manchester North Active",
        "Carter, Pat A500003 2 Colin Cartwright Manchester North Active",
        "Evans, Pat A500005 2 Olivia Okafor Manchester North Ended",
        "Ashworth, Pat A500001 1 Olivia Okafor Manchester North Active",
        "Brennan, Pat A500002 1 Colin Cartwright Manchester North Active",
    ]
    html = response.content.decode()
    assert f'<a class="govuk-link" href="{reverse("cases:case", args=[cases["dunn"].pk])}">Dunn, Pat</a>' in html


def test_provider_and_region(org, client_for, cases):
    client = client_for(org.manager)
    provider = client.get(f"{URL}?scope=provider")
    assert figure_rows(provider) == [
        "Kept one officer throughout 2 33.3% About half (50%)",
        "Had two officers 2 33.3% Not reported",
        "Had three or more officers 2 33.3% 5%",
    ]
    assert [row.split(" ")[0] for row in case_rows(provider)] == [
        "Dunn,",
        "Southey,",
        "Carter,",
        "Evans,",
        "Ashworth,",
        "Brennan,",
    ]
    region = client.get(f"{URL}?scope=region")
    assert "Region: North West" in text(region.content.decode())
    # The other provider's case is counted...
    assert figure_rows(region)[0] == "Kept one officer throughout 3 42.9% About half (50%)"
    # ...but not listed.
    assert "Elsewhere" not in region.content.decode()
    assert len(case_rows(region)) == 6


def test_senior_manager_can_choose_another_team(org, client_for, cases):
    senior = factories.ManagerFactory(team=org.team_a, senior_manager=True)
    response = client_for(senior).get(f"{URL}?scope=team:{org.team_a2.pk}")
    assert response.status_code == 200
    assert figure_rows(response)[2] == "Had three or more officers 1 100.0% 5%"
    assert case_rows(response) == ["Southey, Pat A500006 3 Tariq Thompson Manchester South Active"]


def test_no_cases(org, client_for):
    response = client_for(org.manager).get(URL)
    assert figure_rows(response) == [
        "Kept one officer throughout 0 None About half (50%)",
        "Had two officers 0 None Not reported",
        "Had three or more officers 0 None 5%",
    ]
    html = response.content.decode()
    assert "0 cases active in the last 9 months" in html
    assert "app-bar-chart" not in html
    assert "There are no cases you can open to show." in html


def test_paginated(org, client_for, cases, settings):
    settings.PAGE_SIZE = 2
    client = client_for(org.manager)
    first = client.get(URL)
    assert [row.split(" ")[0] for row in case_rows(first)] == ["Dunn,", "Carter,"]
    assert 'href="?page=2" rel="next"' in first.content.decode()
    third = client.get(f"{URL}?scope=team:{org.team_a.pk}&page=3")
    assert [row.split(" ")[0] for row in case_rows(third)] == ["Brennan,"]
    assert f'href="?scope=team%3A{org.team_a.pk}&amp;page=2" rel="prev"' in third.content.decode()


# CSV -----------------------------------------------------------------------------------------------------------------


def test_csv_of_the_figures(org, client_for, cases):
    client = client_for(org.manager)
    html = client.get(URL).content.decode()
    link = re.search(r'href="([^"]+)" data-testid="figures-csv"', html).group(1).replace("&amp;", "&")
    assert link == "?format=csv&table=figures"
    response = client.get(f"{URL}{link}")
    assert response["Content-Disposition"] == 'attachment; filename="continuity-team-manchester-north-2026-11-16.csv"'
    assert read_csv(response) == [
        ["Officers", "Cases", "% of cases", "Inspectorate's finding (2017)"],
        ["Kept one officer throughout", "2", "40.0%", "About half (50%)"],
        ["Had two officers", "2", "40.0%", "Not reported"],
        ["Had three or more officers", "1", "20.0%", "5%"],
    ]


def test_csv_of_the_cases_holds_every_page(org, client_for, cases, settings):
    settings.PAGE_SIZE = 2
    client = client_for(org.manager)
    html = client.get(f"{URL}?scope=provider&page=2").content.decode()
    link = re.search(r'href="([^"]+)" data-testid="cases-csv"', html).group(1).replace("&amp;", "&")
    assert link == "?scope=provider&format=csv&table=cases"
    response = client.get(f"{URL}{link}")
    assert response["Content-Disposition"] == (
        'attachment; filename="continuity-cases-provider-nps-north-west-2026-11-16.csv"'
    )
    assert read_csv(response) == [
        ["Name", "CRN", "Responsible officers so far", "Current officer", "Team", "Status"],
        ["Dunn, Pat", "A500004", "3", "Nadia Noor", "Manchester North", "Active"],
        ["Southey, Pat", "A500006", "3", "Tariq Thompson", "Manchester South", "Active"],
        ["Carter, Pat", "A500003", "2", "Colin Cartwright", "Manchester North", "Active"],
        ["Evans, Pat", "A500005", "2", "Olivia Okafor", "Manchester North", "Ended"],
        ["Ashworth, Pat", "A500001", "1", "Olivia Okafor", "Manchester North", "Active"],
        ["Brennan, Pat", "A500002", "1", "Colin Cartwright", "Manchester North", "Active"],
    ]


# Bad input and access ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "message"),
    [
        ("team:{team_a2}", "You can only see the teams you manage"),
        ("team:{team_b}", "You can only see the teams you manage"),
        ("team:x", "Choose a team from the list"),
        ("somewhere", "Choose a team, your provider or your region"),
    ],
)
def test_bad_scope_is_a_form_error(org, client_for, cases, scope, message):
    scope = scope.format(team_a2=org.team_a2.pk, team_b=org.team_b.pk)
    for extra in ("", "&format=csv&table=cases"):
        response = client_for(org.manager).get(f"{URL}?scope={scope}{extra}")
        assert response.status_code == 400
        html = response.content.decode()
        assert message in html and 'data-testid="error-summary"' in html
        assert "<title>Error: Continuity of officers – Probation case management</title>" in html
        assert "Correct the choice above to see the figures." in html
        assert case_rows(response) == []


@pytest.mark.parametrize(
    "who", ["officer", "colleague", "upw", "court_user", "administrator", "other_provider_officer"]
)
def test_only_managers_can_see_continuity(org, client_for, who):
    for query in ("", "?format=csv", "?scope=region"):
        assert client_for(getattr(org, who)).get(f"{URL}{query}").status_code == 403


# Queries -------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 15])
def test_query_count_does_not_grow_with_the_cases(org, client_for, django_assert_num_queries, size):
    for index in range(size):
        case_with_officers([org.officer], last_name=f"One{index}")
        case_with_officers([org.officer, org.colleague, org.officer], last_name=f"Two{index}")
    client = client_for(org.manager)
    # Session, user, team, provider, region (5); the figures (1); the page's count and its cases (2); alerts in the
    # header (1); the session's timestamp (3).
    with django_assert_num_queries(12):
        response = client.get(URL)
    assert figure_rows(response)[0] == "Kept one officer throughout " + f"{size} 50.0% About half (50%)"
    assert len(case_rows(response)) == min(2 * size, 25)
