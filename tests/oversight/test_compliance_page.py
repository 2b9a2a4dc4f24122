"""The service-level compliance page (/oversight/service-levels/): hand-built figures, the scope and period form,
the CSV download, access and a constant number of queries."""

import csv
import html as html_lib
import io
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cases.models import Case, Disposal
from tests import factories

URL = reverse("oversight:compliance")
Q3 = "start=2026-07-01&end=2026-09-30"
Q3_LABEL = "July to September 2026 (1 July 2026 to 30 September 2026)"
LONDON = ZoneInfo("Europe/London")


def clocks(officer, *, met: int, missed: int, code: str = "NPS SL003R", due=date(2026, 8, 10)):
    """`met` clocks stopped on time and `missed` stopped late, each on its own case held by `officer`."""
    made = []
    for index in range(met + missed):
        on_time = index < met
        made.append(
            factories.ClockFactory(
                case=factories.CaseFactory(responsible_officer=officer),
                service_level=code,
                started_on=due - timedelta(days=7),
                due_on=due,
                status="met" if on_time else "missed",
                stopped_on=due - timedelta(days=5) if on_time else due + timedelta(days=10),
            )
        )
    return made


def ended_case(officer, outcome: str, *, ended=date(2026, 8, 15), disposal=Disposal.COMMUNITY_ORDER, **person):
    case = factories.CaseFactory(
        responsible_officer=officer,
        status=Case.Status.ENDED,
        end_date=ended,
        termination_outcome=outcome,
        **{f"person__{key}": value for key, value in person.items()},
    )
    factories.SentenceFactory(case=case, disposal=disposal, sentence_date=date(2025, 8, 1))
    return case


def row_html(response, code: str) -> str:
    html = response.content.decode()
    match = re.search(rf'<tr class="govuk-table__row" data-testid="row-{re.escape(code)}">(.*?)</tr>', html, re.S)
    assert match, f"no row for {code}"
    return re.sub(r"\s+", " ", match.group(1))


def text(html: str) -> str:
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


# Figures ------------------------------------------------------------------------------------------------------------


def test_seven_of_ten_clocks_met_shows_seventy_percent_below_target(org, client_for):
    clocks(org.officer, met=7, missed=3)
    response = client_for(org.manager).get(f"{URL}?{Q3}")
    assert response.status_code == 200
    row = text(row_html(response, "nps-sl003r"))
    assert row == (
        "NPS SL003R First appointment within 5 days of allocation (community sentence) 7 10 70.0% Below target "
        "97% 93.4% Missed: 3 for NPS SL003R"
    )


def test_rows_with_nothing_in_the_period_say_so(org, client_for):
    response = client_for(org.manager).get(f"{URL}?{Q3}")
    row = text(row_html(response, "nps-sl001"))
    assert (
        row == "NPS SL001 Pre-sentence report delivered by the court's due date No cases in this period 95% 99.6% None"
    )
    local = text(row_html(response, "local-en1"))
    assert local.endswith("No cases in this period 100% Local measure None")


def test_clocks_outside_the_period_or_still_running_and_not_due_are_not_counted(org, client_for):
    clocks(org.officer, met=2, missed=0)
    clocks(org.officer, met=1, missed=1, due=date(2026, 10, 1))  # the next quarter
    case = factories.CaseFactory(responsible_officer=org.officer)
    factories.ClockFactory(case=case, started_on=date(2026, 9, 1), due_on=date(2026, 9, 8))  # running, overdue
    response = client_for(org.manager).get(f"{URL}?{Q3}")
    assert "2 3 66.7% Below target" in text(row_html(response, "nps-sl003r"))


def test_all_met_meets_target(org, client_for):
    clocks(org.officer, met=4, missed=0)
    row = text(row_html(client_for(org.manager).get(f"{URL}?{Q3}"), "nps-sl003r"))
    assert "4 4 100.0% Meets target 97% 93.4% None" in row


def test_completion_three_of_four_community_cases_completed_positively(org, client_for):
    for _ in range(3):
        ended_case(org.officer, Case.TerminationOutcome.COMPLETED_POSITIVELY)
    ended_case(org.officer, Case.TerminationOutcome.REVOKED)
    ended_case(org.officer, Case.TerminationOutcome.DIED)  # left out: says nothing about supervision
    ended_case(org.officer, Case.TerminationOutcome.REVOKED, ended=date(2026, 10, 2))  # next quarter
    response = client_for(org.manager).get(f"{URL}?{Q3}")
    row = text(row_html(response, "nps-sl018"))
    assert (
        row
        == "NPS SL018 Community sentence completed positively 3 4 75.0% Meets target 75% 73.1% Missed: 1 for NPS SL018"
    )
    html = response.content.decode()
    timeliness, completion = html.index('id="timeliness"'), html.index('id="completion"')
    assert (
        timeliness < html.index('data-testid="row-nps-sl003r"') < completion < html.index('data-testid="row-nps-sl018"')
    )


def test_missed_link_carries_the_code_scope_and_period(org, client_for):
    clocks(org.officer, met=1, missed=2)
    html = client_for(org.manager).get(f"{URL}?{Q3}").content.decode()
    link = re.search(r'<a class="govuk-link" href="([^"]+)" data-testid="missed-link">', html).group(1)
    assert link == (
        f"{reverse('oversight:missed')}?scope=team%3A{org.team_a.pk}&amp;start=2026-07-01&amp;end=2026-09-30"
        "&amp;code=NPS+SL003R"
    )


def test_heading_chart_not_measured_and_explanation(org, client_for):
    clocks(org.officer, met=7, missed=3)
    response = client_for(org.manager).get(f"{URL}?{Q3}")
    html = response.content.decode()
    heading = text(re.search(r'<h1 class="govuk-heading-l">(.*?)</h1>', html, re.S).group(1))
    assert heading == f"Team: Manchester North Service levels: {Q3_LABEL}"
    assert f"<title>Service levels – Manchester North – {Q3_LABEL} – Probation case management</title>" in html
    # The chart has one bar per measured row, its value and the target as the marker, then the table it summarises.
    chart = html[html.index('<figure class="app-bar-chart" aria-describedby="timeliness-table">') :]
    chart = chart[: chart.index("</figure>")]
    assert chart.count('class="app-bar-chart__row"') == 1
    assert 'style="width: 70%"' in chart and 'style="left: 97%"' in chart and "app-bar-chart__bar--bad" in chart
    assert html.index('aria-describedby="timeliness-table"') < html.index('id="timeliness-table"')
    assert "No completion" not in html and 'aria-describedby="completion-table"' not in html  # nothing measured
    assert "<strong>CRC AB / NPS SL017</strong>" in html
    assert "Serious further offences are not recorded in this service yet." in html
    assert "How these figures are counted" in html
    assert "within 7 days of the sentence's end date" in html
    assert 'data-testid="oversight-nav"' in html
    assert html.count("Download this table (CSV)") == 2


@time_machine.travel(datetime(2026, 11, 16, 12, 0, tzinfo=LONDON), tick=False)
def test_default_is_own_team_and_last_full_quarter(org, client_for):
    clocks(org.officer, met=1, missed=0)
    clocks(org.other_team_officer, met=0, missed=1)  # another team of the same provider
    clocks(org.officer, met=0, missed=1, due=date(2026, 6, 30))  # the quarter before
    response = client_for(org.manager).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Service levels: {Q3_LABEL}" in text(html)
    assert "1 1 100.0% Meets target" in text(row_html(response, "nps-sl003r"))
    assert f'<option value="team:{org.team_a.pk}" selected>Team: Manchester North</option>' in html
    assert '<option value="2026-07-01_2026-09-30" selected>' in html
    assert '<option value="dates">Choose dates</option>' in html
    # The eight full quarters before today, newest first.
    quarters = re.findall(r'<option value="(\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d)"', html)
    assert quarters[0] == "2026-07-01_2026-09-30" and quarters[-1] == "2024-10-01_2024-12-31" and len(quarters) == 8


@time_machine.travel(datetime(2026, 11, 16, 12, 0, tzinfo=LONDON), tick=False)
def test_choosing_a_quarter_from_the_list(org, client_for):
    clocks(org.officer, met=0, missed=1, due=date(2026, 6, 30))
    response = client_for(org.manager).get(f"{URL}?period=2026-04-01_2026-06-30")
    assert "Service levels: April to June 2026 (1 April 2026 to 30 June 2026)" in text(response.content.decode())
    assert "0 1 0.0% Below target" in text(row_html(response, "nps-sl003r"))


def test_choosing_dates(org, client_for):
    clocks(org.officer, met=1, missed=1)
    query = "period=dates&start-day=9&start-month=8&start-year=2026&end-day=10&end-month=8&end-year=2026"
    response = client_for(org.manager).get(f"{URL}?{query}")
    assert response.status_code == 200
    assert "Service levels: 9 August 2026 to 10 August 2026" in text(response.content.decode())
    assert "1 2 50.0% Below target" in text(row_html(response, "nps-sl003r"))


def test_provider_and_region_scopes(org, client_for):
    clocks(org.officer, met=1, missed=0)
    clocks(org.other_team_officer, met=0, missed=1)
    clocks(org.other_provider_officer, met=0, missed=1, code="CRC SL001")
    client = client_for(org.manager)
    team = client.get(f"{URL}?{Q3}")
    assert 'data-testid="row-crc-sl001"' not in team.content.decode()  # an NPS team has no CRC service levels
    provider = client.get(f"{URL}?scope=provider&{Q3}")
    assert "Provider: NPS North West" in text(provider.content.decode())
    assert "1 2 50.0%" in text(row_html(provider, "nps-sl003r"))
    assert 'data-testid="row-crc-sl001"' not in provider.content.decode()
    region = client.get(f"{URL}?scope=region&{Q3}")
    assert "Region: North West" in text(region.content.decode())
    assert "1 2 50.0%" in text(row_html(region, "nps-sl003r"))
    assert "0 1 0.0% Below target" in text(row_html(region, "crc-sl001"))


def test_senior_manager_can_choose_any_team_of_the_provider(org, client_for):
    senior = factories.ManagerFactory(team=org.team_a, senior_manager=True)
    clocks(org.other_team_officer, met=0, missed=1)
    response = client_for(senior).get(f"{URL}?scope=team:{org.team_a2.pk}&{Q3}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Team: Manchester South" in text(html)
    assert "0 1 0.0%" in text(row_html(response, "nps-sl003r"))
    assert f'<option value="team:{org.team_a2.pk}" selected>Team: Manchester South</option>' in html
    refused = client_for(senior).get(f"{URL}?scope=team:{org.team_b.pk}&{Q3}")
    assert refused.status_code == 400
    assert "You can only see the teams you manage" in refused.content.decode()


# CSV ---------------------------------------------------------------------------------------------------------------


def test_csv_of_the_completion_table_is_exact(org, client_for):
    for _ in range(3):
        ended_case(org.officer, Case.TerminationOutcome.COMPLETED_POSITIVELY)
    ended_case(org.officer, Case.TerminationOutcome.REVOKED)
    response = client_for(org.manager).get(f"{URL}?{Q3}&format=csv&table=completion")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="service-levels-team-manchester-north-2026-07-01_2026-09-30.csv"'
    )
    assert read_csv(response) == [
        [
            "Code",
            "What is measured",
            "Kind",
            "Met",
            "Total",
            "Missed",
            "% met",
            "Meets target",
            "National target",
            "2017 national figure",
        ],
        [
            "NPS SL018",
            "Community sentence completed positively",
            "Completion",
            "3",
            "4",
            "1",
            "75.0%",
            "Yes",
            "75%",
            "73.1%",
        ],
        [
            "NPS SL019",
            "Licence or post-sentence supervision completed positively",
            "Completion",
            "0",
            "0",
            "0",
            "",
            "",
            "65%",
            "59.7%",
        ],
        [
            "CRC SL010",
            "Unpaid work requirement completed positively",
            "Completion",
            "0",
            "0",
            "0",
            "",
            "",
            "90%",
            "89.5%",
        ],
    ]


def test_csv_of_the_timeliness_table(org, client_for):
    clocks(org.officer, met=7, missed=3)
    html = client_for(org.manager).get(f"{URL}?{Q3}").content.decode()
    link = re.search(r'href="([^"]+)" data-testid="timeliness-csv"', html).group(1).replace("&amp;", "&")
    assert link == "?start=2026-07-01&end=2026-09-30&format=csv&table=timeliness"
    rows = read_csv(client_for(org.manager).get(f"{URL}{link}"))
    codes = [row[0] for row in rows[1:]]
    assert codes == [
        "NPS SL001",
        "NPS SL002",
        "NPS SL003R",
        "NPS SL004R",
        "NPS SL005R",
        "NPS SL006R",
        "NPS SL007",
        "CRC SL005",
        "CRC SL006",
        "LOCAL EN1",
        "LOCAL EN2",
        "NPS SL014",
        "NPS SL012",
        "NPS SL024",
    ]
    assert rows[3] == [
        "NPS SL003R",
        "First appointment within 5 days of allocation (community sentence)",
        "Timeliness",
        "7",
        "10",
        "3",
        "70.0%",
        "No",
        "97%",
        "93.4%",
    ]
    assert rows[10] == [
        "LOCAL EN1",
        "Enforcement decision on a failure to comply",
        "Timeliness",
        "0",
        "0",
        "0",
        "",
        "",
        "100%",
        "Local measure",
    ]


# Bad input -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("scope=nonsense", "Choose a team, your provider or your region"),
        ("scope=team:abc", "Choose a team from the list"),
        ("period=1999", "Choose a period from the list"),
        ("period=dates", "Enter the first day of the period"),
        ("period=dates", "Enter the last day of the period"),
        (
            "period=dates&start-day=31&start-month=2&start-year=2026&end-day=1&end-month=3&end-year=2026",
            "First day of the period must be a real date",
        ),
        ("period=dates&start-day=1&start-year=2026", "First day of the period must include a month"),
        ("start=2026-09-30&end=2026-07-01", "The end of the period must be on or after its start"),
        ("start=2099-01-01&end=2099-03-31", "The period cannot start in the future"),
        ("start=2020-01-01&end=2026-09-30", "Choose a period of 3 years or less"),
        ("start=yesterday&end=2026-09-30", "First day of the period must be a real date"),
    ],
)
def test_bad_choices_are_form_errors(org, client_for, query, message):
    response = client_for(org.manager).get(f"{URL}?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-summary"' in html
    assert message in html
    assert "<title>Error: Service levels – Probation case management</title>" in html
    assert "Correct the choices above to see the figures." in html


def test_a_team_the_manager_does_not_manage_is_a_form_error(org, client_for):
    for team in (org.team_a2, org.team_b):
        response = client_for(org.manager).get(f"{URL}?scope=team:{team.pk}&{Q3}")
        assert response.status_code == 400
        assert "You can only see the teams you manage" in response.content.decode()
        assert 'data-testid="row-' not in response.content.decode()


def test_a_bad_choice_downloads_no_csv(org, client_for):
    response = client_for(org.manager).get(f"{URL}?scope=team:{org.team_b.pk}&{Q3}&format=csv")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


# Access --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "upw", "court_user", "administrator", "other_provider_officer"])
def test_only_managers_can_see_the_page(org, client_for, who):
    for query in ("", f"?{Q3}&format=csv"):
        response = client_for(getattr(org, who)).get(f"{URL}{query}")
        assert response.status_code == 403
        assert "You do not have access to this page" in response.content.decode()


def test_other_providers_manager_sees_their_own_team(org, client_for):
    clocks(org.other_provider_officer, met=1, missed=1, code="CRC SL001")
    response = client_for(org.other_provider_manager).get(f"{URL}?{Q3}")
    assert "Team: Stockport" in text(response.content.decode())
    assert "1 2 50.0%" in text(row_html(response, "crc-sl001"))


# Queries -------------------------------------------------------------------------------------------------------------


def _build(org, size: int) -> None:
    clocks(org.officer, met=size, missed=size)
    for _ in range(size):
        ended_case(org.officer, Case.TerminationOutcome.COMPLETED_POSITIVELY)
        ended_case(org.colleague, Case.TerminationOutcome.REVOKED, disposal=Disposal.CUSTODY)


@pytest.mark.parametrize("size", [1, 12])
def test_query_count_does_not_grow_with_the_cases(org, client_for, django_assert_num_queries, size):
    _build(org, size)
    client = client_for(org.manager)
    with django_assert_num_queries(QUERIES):
        response = client.get(f"{URL}?{Q3}")
    assert response.status_code == 200
    assert f"{size} {2 * size} 50.0%" in text(row_html(response, "nps-sl003r"))


@pytest.mark.parametrize("size", [1, 12])
def test_query_count_of_the_region_does_not_grow_with_the_cases(org, client_for, django_assert_num_queries, size):
    _build(org, size)
    clocks(org.other_provider_officer, met=size, missed=0, code="CRC SL001")
    client = client_for(org.manager)
    with django_assert_num_queries(REGION_QUERIES):
        response = client.get(f"{URL}?scope=region&{Q3}")
    assert f"{size} {size} 100.0%" in text(row_html(response, "crc-sl001"))


# The session and the user (2), the user's team, provider and region (3), the clocks (1), each completion measure
# that applies (3 for an NPS team: NPS SL018, NPS SL019, CRC SL010), the alert counts of the header (1), and the
# session's inactivity timestamp (3: savepoint, update, release).
QUERIES = 13
# The region also reads its providers' types (1) and counts every CRC measure too (9 measures in all).
REGION_QUERIES = 20
