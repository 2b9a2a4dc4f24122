"""The team dashboard (/oversight/): each officer's active cases by RoSH level and case type, workload points and open
alerts, for the manager's team (or, for a senior manager, any active team of their provider), as a page and a CSV.

Today is Wednesday 2 December 2026. The hand-built team (Manchester North):
- Olivia Okafor: one very high RoSH custody case (0.5 x 2.0 = 1.0) and two medium community cases (1.0 each): 3.0;
  two open alerts, one of them overdue.
- Colin Cartwright: one high RoSH licence case (1.2 x 1.5 = 1.8) and one community case not assessed (1.0): 2.8.
"""

import csv
import io
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cases.models import Disposal
from risk.models import RiskLevel
from tests import factories
from timeliness.models import Alert

URL = reverse("oversight:dashboard")
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


def _officer_rows(response) -> list[list[str]]:
    """Each officer row of the table as the text of its cells."""
    rows = re.findall(r'<tr class="govuk-table__row" data-testid="officer-row">(.*?)</tr>', _html(response), re.S)
    return [[_text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)] for row in rows]


def _totals_row(response) -> list[str]:
    row = re.search(r'data-testid="totals-row">(.*?)</tr>', _html(response), re.S).group(1)
    return [_text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]


def _summary(response, name: str) -> str:
    return _text(re.search(rf'data-testid="summary-{name}">(.*?)</dd>', _html(response), re.S).group(1))


def _csv(response) -> list[list[str]]:
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:])))


def community(officer, level: int | None = RiskLevel.MEDIUM, **person):
    case = factories.CaseFactory(responsible_officer=officer, **{f"person__{k}": v for k, v in person.items()})
    factories.SentenceFactory(case=case, sentence_date=date(2026, 3, 2))
    if level is not None:
        factories.RoshAssessmentFactory(person=case.person, risk_to_public=level, assessment_date=date(2026, 10, 1))
    return case


def custody(officer, level: int, *, released_on=None):
    case = factories.CaseFactory(responsible_officer=officer)
    factories.SentenceFactory(
        case=case,
        disposal=Disposal.CUSTODY,
        sentence_date=date(2026, 3, 2),
        length_months=24,
        released_on=released_on,
        licence_end_date=date(2028, 3, 1),
        end_date=date(2028, 3, 1),
    )
    factories.RoshAssessmentFactory(person=case.person, risk_to_public=level, assessment_date=date(2026, 10, 1))
    return case


def alert(case, recipient, kind):
    clock = factories.ClockFactory(case=case, started_on=TODAY - timedelta(days=10), due_on=TODAY - timedelta(days=3))
    return Alert.objects.create(clock=clock, recipient=recipient, kind=kind, created_at=NOW)


@pytest.fixture
def team(org):
    olivia_custody = custody(org.officer, RiskLevel.VERY_HIGH)
    olivia_first = community(org.officer)
    community(org.officer)
    custody(org.colleague, RiskLevel.HIGH, released_on=date(2026, 9, 1))
    community(org.colleague, level=None)
    alert(olivia_custody, org.officer, Alert.Kind.OVERDUE)
    alert(olivia_first, org.officer, Alert.Kind.DUE_SOON)
    # Not counted: an ended case, a case in the other team, a closed alert.
    factories.CaseFactory(responsible_officer=org.officer, ended=True)
    community(org.other_team_officer)
    closed = alert(olivia_first, org.officer, Alert.Kind.OVERDUE)
    closed.closed_at = NOW
    closed.save()
    return org


# The figures --------------------------------------------------------------------------------------------------------


def test_each_officers_figures_match_the_cases(team, client_for):
    response = client_for(team.manager).get(URL)

    assert response.status_code == 200
    assert _officer_rows(response) == [
        # Officer, active, very high, high, medium, low, not assessed, community, licence, custody, youth, points,
        # alerts
        ["Olivia Okafor : overdue work", "3", "1", "0", "2", "0", "0", "2", "0", "1", "0", "3.0", "2 (1 overdue)"],
        ["Colin Cartwright : overdue work", "2", "0", "1", "0", "0", "1", "1", "1", "0", "0", "2.8", "0"],
    ]
    assert _totals_row(response) == ["Total", "5", "1", "1", "2", "0", "1", "3", "1", "1", "0", "5.8", "2 (1 overdue)"]


def test_the_summary_names_the_threshold(team, client_for):
    response = client_for(team.manager).get(URL)

    assert _summary(response, "active-cases") == "5"
    assert _summary(response, "officers") == "2"
    assert _summary(response, "over-threshold") == "No officer holds more than 60 active cases"
    assert 'data-testid="above-threshold"' not in _html(response)
    assert _text(re.search(r'data-testid="team-name">(.*?)</span>', _html(response)).group(1)) == (
        "Manchester North, NPS North West"
    )


def test_an_officer_above_a_lowered_threshold_is_tagged(team, client_for, settings):
    settings.CASELOAD_THRESHOLD = 2

    response = client_for(team.manager).get(URL)

    assert _summary(response, "over-threshold") == "1 officer holds more than 2 active cases"
    rows = _officer_rows(response)
    assert rows[0][:2] == ["Olivia Okafor : overdue work", "3 Above 2"]
    assert rows[1][:2] == ["Colin Cartwright : overdue work", "2"]
    assert _html(response).count('data-testid="above-threshold"') == 1
    assert '<strong class="govuk-tag govuk-tag--red" data-testid="above-threshold">Above 2</strong>' in _html(response)


def test_more_than_60_cases_is_above_the_real_threshold(org, client_for):
    factories.CaseFactory.create_batch(61, responsible_officer=org.officer)
    factories.CaseFactory.create_batch(60, responsible_officer=org.colleague)

    response = client_for(org.manager).get(URL)

    assert _summary(response, "over-threshold") == "1 officer holds more than 60 active cases"
    rows = _officer_rows(response)
    assert [row[:2] for row in rows] == [
        ["Olivia Okafor : overdue work", "61 Above 60"],
        ["Colin Cartwright : overdue work", "60"],
    ]
    # Not assessed community cases: 1 point each.
    assert [row[11] for row in rows] == ["61.0", "60.0"]


def test_two_officers_above_the_threshold_in_the_plural(team, client_for, settings):
    settings.CASELOAD_THRESHOLD = 1

    response = client_for(team.manager).get(URL)

    assert _summary(response, "over-threshold") == "2 officers hold more than 1 active cases"


def test_the_chart_comes_before_the_table_with_the_threshold_marked(team, client_for, settings):
    settings.CASELOAD_THRESHOLD = 4
    html = _html(client_for(team.manager).get(URL))

    charts = [
        match.start() for match in re.finditer('<figure class="app-bar-chart" aria-describedby="officer-table"', html)
    ]
    assert len(charts) == 2
    assert charts[-1] < html.index('id="officer-table"')
    assert "Active cases per officer (the line marks 4 cases)" in html
    # Largest caseload 3, threshold 4: the bars are scaled to 4 and the line is at the end.
    first_chart = html[charts[0] : charts[1]]
    assert re.findall(r'app-bar-chart__bar" style="width: (\d+)%', first_chart) == ["75", "50"]
    assert re.findall(r'app-bar-chart__marker" style="left: (\d+)%', first_chart) == ["100", "100"]


def test_each_officer_links_to_their_overdue_work(team, client_for):
    html = _html(client_for(team.manager).get(URL))

    overdue = reverse("oversight:overdue_work")
    assert f'href="{overdue}?team={team.team_a.pk}&amp;officer={team.officer.pk}"' in html
    assert f'href="{overdue}?team={team.team_a.pk}&amp;officer={team.colleague.pk}"' in html


def test_the_workload_weights_are_explained(team, client_for):
    html = _html(client_for(team.manager).get(URL))

    weights = re.search(r'data-testid="workload-weights">(.*?)</div>', html, re.S).group(1)
    assert re.findall(r"<li>([^<]+)</li>", weights) == [
        "Community: 1.0",
        "Licence: 1.2",
        "Custody: 0.5",
        "Youth: 1.3",
        "Very high: 2.0",
        "High: 1.5",
        "Medium: 1.0",
        "Low: 0.8",
        "Not assessed: 1.0",
    ]
    assert "How workload is worked out" in html


def test_the_page_is_a_proper_gov_uk_page(team, client_for):
    html = _html(client_for(team.manager).get(URL))

    assert "<title>Team dashboard – Manchester North – Probation case management</title>" in html
    assert '<h1 class="govuk-heading-l">Team dashboard</h1>' in html
    assert "<caption" in html
    assert 'scope="col"' in html
    assert 'data-testid="csv-link"' in html and "Download this table (CSV)" in html
    nav = re.search(r'data-testid="oversight-nav">(.*?)</nav>', html, re.S).group(1)
    assert re.findall(r'class="moj-sub-navigation__link" (aria-current="page" )?href="[^"]+">([^<]+)<', nav) == [
        ('aria-current="page" ', "Team dashboard"),
        ("", "Overdue work"),
        ("", "Service levels"),
        ("", "Continuity"),
        ("", "Case quality audits"),
    ]


def test_the_service_navigation_marks_oversight(team, client_for):
    items = client_for(team.manager).get(URL).context["navigation_items"]

    assert [item["text"] for item in items if item["active"]] == ["Oversight"]
    texts = [item["text"] for item in items]
    assert texts[texts.index("Team") + 1] == "Oversight"


def test_a_team_with_no_officers_says_so(org, client_for):
    empty = factories.TeamFactory(provider=org.crc, name="Empty team")
    manager = factories.ManagerFactory(team=empty)

    response = client_for(manager).get(URL)

    assert response.status_code == 200
    assert "There are no officers or active cases in Empty team." in _html(response)
    assert _summary(response, "active-cases") == "0"


# CSV ----------------------------------------------------------------------------------------------------------------


def test_the_csv_holds_the_officer_table(team, client_for, settings):
    settings.CASELOAD_THRESHOLD = 2

    response = client_for(team.manager).get(URL, {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="team-dashboard-N01MN-2026-12-02.csv"'
    assert _csv(response) == [
        [
            "Officer",
            "Active cases",
            "Above 2",
            "RoSH very high",
            "RoSH high",
            "RoSH medium",
            "RoSH low",
            "RoSH not assessed",
            "Community",
            "Licence",
            "Custody",
            "Youth",
            "Workload points",
            "Open alerts",
            "Overdue alerts",
        ],
        ["Olivia Okafor", "3", "Yes", "1", "0", "2", "0", "0", "2", "0", "1", "0", "3.0", "2", "1"],
        ["Colin Cartwright", "2", "No", "0", "1", "0", "0", "1", "1", "1", "0", "0", "2.8", "0", "0"],
        ["Total", "5", "", "1", "1", "2", "0", "1", "3", "1", "1", "0", "5.8", "2", "1"],
    ]


def test_the_csv_follows_the_chosen_team(team, client_for):
    senior = factories.ManagerFactory(team=team.team_a, senior_manager=True)

    response = client_for(senior).get(URL, {"team": team.team_a2.pk, "format": "csv"})

    rows = _csv(response)
    assert response["Content-Disposition"] == 'attachment; filename="team-dashboard-N01MS-2026-12-02.csv"'
    assert [row[:2] for row in rows[1:]] == [["Tariq Thompson", "1"], ["Total", "1"]]


def test_the_csv_link_keeps_the_team(team, client_for):
    senior = factories.ManagerFactory(team=team.team_a, senior_manager=True)

    html = _html(client_for(senior).get(URL, {"team": team.team_a2.pk}))

    assert f'href="?team={team.team_a2.pk}&amp;format=csv"' in html


# Choosing a team and access -----------------------------------------------------------------------------------------


def test_a_manager_of_one_team_has_no_team_list(team, client_for):
    html = _html(client_for(team.manager).get(URL))

    assert 'name="team"' not in html


def test_a_senior_manager_chooses_any_team_of_their_provider(team, client_for):
    senior = factories.ManagerFactory(team=team.team_a, senior_manager=True)
    client = client_for(senior)

    own = client.get(URL)
    other = client.get(URL, {"team": team.team_a2.pk})

    options = re.findall(r'<option value="(\d+)"( selected)?>([^<]+)</option>', _html(own))
    assert options == [
        (str(team.team_a.pk), " selected", "Manchester North"),
        (str(team.team_a2.pk), "", "Manchester South"),
    ]
    assert [row[0] for row in _officer_rows(own)] == ["Olivia Okafor : overdue work", "Colin Cartwright : overdue work"]
    assert other.status_code == 200
    assert [row[:2] for row in _officer_rows(other)] == [["Tariq Thompson : overdue work", "1"]]
    assert "<title>Team dashboard – Manchester South – Probation case management</title>" in _html(other)


def test_an_administrator_with_a_team_may_choose_teams(team, client_for):
    admin = factories.AdministratorFactory(team=team.team_a)

    response = client_for(admin).get(URL, {"team": team.team_a2.pk})

    assert response.status_code == 200
    assert [row[0] for row in _officer_rows(response)] == ["Tariq Thompson : overdue work"]


@pytest.mark.parametrize("which", ["team_a2", "team_b"])
def test_a_manager_asking_for_a_team_they_do_not_manage_gets_an_error(team, client_for, which):
    response = client_for(team.manager).get(URL, {"team": getattr(team, which).pk})

    html = _html(response)
    assert response.status_code == 400
    assert 'data-testid="error-summary"' in html
    assert html.count("You can only see the teams you manage.") == 2  # the summary and the field
    assert "<title>Error: Team dashboard – Probation case management</title>" in html
    assert 'data-testid="officer-table"' not in html
    assert 'data-testid="dashboard-summary"' not in html
    assert "Olivia Okafor" not in html


def test_a_senior_manager_cannot_choose_another_providers_team(team, client_for):
    senior = factories.ManagerFactory(team=team.team_a, senior_manager=True)

    response = client_for(senior).get(URL, {"team": team.team_b.pk})

    assert response.status_code == 400
    assert "You can only see the teams you manage." in _html(response)
    assert 'data-testid="officer-table"' not in _html(response)


def test_a_team_that_is_not_a_number_is_an_error(team, client_for):
    response = client_for(team.manager).get(URL, {"team": "north"})

    assert response.status_code == 400
    assert "Choose a team from the list." in _html(response)


def test_a_refused_team_gets_no_csv(team, client_for):
    response = client_for(team.manager).get(URL, {"team": team.team_a2.pk, "format": "csv"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("who", ["officer", "colleague", "upw", "court_user", "administrator"])
def test_staff_who_do_not_manage_a_team_are_refused(team, client_for, who):
    for params in ({}, {"format": "csv"}):
        response = client_for(getattr(team, who)).get(URL, params)

        assert response.status_code == 403
        assert "You do not have access to this page" in _html(response)
        assert 'data-testid="officer-table"' not in _html(response)


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert "login" in response.url


# Queries ------------------------------------------------------------------------------------------------------------


def _spread(org, count: int):
    """`count` cases over three officers: every kind of case, alerts, and a manager holding cases."""
    officers = [org.officer, org.colleague, factories.OfficerFactory(team=org.team_a)]
    for index in range(count):
        officer = officers[index % 3]
        if index % 3 == 0:
            case = custody(officer, RiskLevel.VERY_HIGH, released_on=date(2026, 9, 1) if index % 2 else None)
        else:
            case = community(officer, level=[None, RiskLevel.LOW, RiskLevel.HIGH][index % 3])
        alert(case, officer, Alert.Kind.OVERDUE if index % 2 else Alert.Kind.DUE_SOON)
    community(org.manager)


@pytest.mark.parametrize("csv_download", [False, True])
def test_the_page_costs_the_same_queries_for_few_or_many_cases(
    org, client_for, django_assert_num_queries, csv_download
):
    client = client_for(org.manager)
    params = {"format": "csv"} if csv_download else {}
    queries = CSV_QUERIES if csv_download else PAGE_QUERIES
    client.get(URL, params)  # warm the session and content types

    _spread(org, 3)
    with django_assert_num_queries(queries):
        small = client.get(URL, params)
    _spread(org, 30)
    with django_assert_num_queries(queries):
        large = client.get(URL, params)

    assert small.status_code == large.status_code == 200
    if not csv_download:
        assert _summary(small, "active-cases") == "4"
        assert _summary(large, "active-cases") == "35"


def test_a_senior_manager_choosing_a_team_costs_one_more_query(org, client_for, django_assert_num_queries):
    senior = factories.ManagerFactory(team=org.team_a, senior_manager=True)
    client = client_for(senior)
    client.get(URL)

    _spread(org, 3)
    # The provider's teams, read twice: for the list, and by resolve_scope to check the choice.
    with django_assert_num_queries(PAGE_QUERIES + 2):
        client.get(URL, {"team": org.team_a2.pk})
    _spread(org, 30)
    with django_assert_num_queries(PAGE_QUERIES + 2):
        client.get(URL, {"team": org.team_a2.pk})


# The signed-in request's own: the session read and saved (1 + 3 with its savepoint), the user, their team and its
# provider (3); the header's alert counts (1, not in the CSV). Then the dashboard's three: the active cases grouped by
# officer, case type and RoSH level, the officers, their open alerts.
PAGE_QUERIES = 4 + 3 + 1 + 3
CSV_QUERIES = 4 + 3 + 3
