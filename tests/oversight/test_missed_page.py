"""The cases that missed one service level (/oversight/service-levels/missed/): exactly the missed cases, linked;
other providers' cases counted but hidden; bad input; pagination; CSV; access."""

import csv
import html as html_lib
import io
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from cases.models import Case, Disposal
from tests import factories

URL = reverse("oversight:missed")
Q3 = "start=2026-07-01&end=2026-09-30"


def clock(officer, *, status: str, due: date, code: str = "NPS SL003R", last_name: str = "Hughes", crn: str = ""):
    person = {"person__last_name": last_name, "person__first_name": "Pat"}
    if crn:
        person["person__crn"] = crn
    case = factories.CaseFactory(responsible_officer=officer, **person)
    stopped = {"met": due - timedelta(days=1), "missed": due + timedelta(days=10), "open": None}[status]
    return factories.ClockFactory(
        case=case, service_level=code, started_on=due - timedelta(days=7), due_on=due, status=status, stopped_on=stopped
    )


def text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def rows(response) -> list[str]:
    html = response.content.decode()
    return [
        text(row) for row in re.findall(r'<tr class="govuk-table__row" data-testid="missed-row">(.*?)</tr>', html, re.S)
    ]


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def missed(org):
    """Three missed clocks (one still running past its due date) and two met, in Manchester North; one missed in
    Manchester South; one missed in the next quarter."""
    made = {
        "late": clock(org.officer, status="missed", due=date(2026, 8, 10), last_name="Ashworth", crn="A400001"),
        "running": clock(org.colleague, status="open", due=date(2026, 9, 28), last_name="Brennan", crn="A400002"),
        "later": clock(org.officer, status="missed", due=date(2026, 8, 12), last_name="Carter", crn="A400003"),
        "south": clock(org.other_team_officer, status="missed", due=date(2026, 8, 11), last_name="Dunn", crn="A400004"),
    }
    clock(org.officer, status="met", due=date(2026, 8, 10))
    clock(org.officer, status="met", due=date(2026, 8, 11))
    clock(org.officer, status="missed", due=date(2026, 10, 5))
    return made


def test_lists_exactly_the_missed_cases_oldest_first_with_links(org, client_for, missed):
    response = client_for(org.manager).get(f"{URL}?code=NPS+SL003R&scope=team:{org.team_a.pk}&{Q3}")
    assert response.status_code == 200
    assert rows(response) == [
        "Ashworth, Pat A400001 Olivia Okafor Manchester North 10 August 2026 "
        "Due 10 August 2026; stopped 20 August 2026, 8 working days late.",
        "Carter, Pat A400003 Olivia Okafor Manchester North 12 August 2026 "
        "Due 12 August 2026; stopped 22 August 2026, 7 working days late.",
        "Brennan, Pat A400002 Colin Cartwright Manchester North 28 September 2026 "
        "Due 28 September 2026; still running, " + rows(response)[2].split("still running, ")[1],
    ]
    html = response.content.decode()
    for key in ("late", "later", "running"):
        assert f'<a class="govuk-link" href="{reverse("cases:case", args=[missed[key].case.pk])}">' in html
    assert reverse("cases:case", args=[missed["south"].case.pk]) + '"' not in html
    assert '<th scope="col" class="govuk-table__header">Due</th>' in html
    assert "3 missed on cases you can open, oldest first." in html
    assert 'data-testid="missed-hidden"' not in html
    heading = text(re.search(r'<h1 class="govuk-heading-l">(.*?)</h1>', html, re.S).group(1))
    assert heading == (
        "Team: Manchester North: July to September 2026 (1 July 2026 to 30 September 2026) Cases that missed "
        "NPS SL003R: First appointment within 5 days of allocation (community sentence)"
    )
    back = re.search(r'<a href="([^"]+)" class="govuk-back-link">Back to service levels</a>', html).group(1)
    assert (
        back
        == f"{reverse('oversight:compliance')}?scope=team%3A{org.team_a.pk}&amp;start=2026-07-01&amp;end=2026-09-30"
    )
    assert '<input type="hidden" name="code" value="NPS SL003R">' in html


def test_the_link_from_the_compliance_page_opens_the_same_cases(org, client_for, missed):
    client = client_for(org.manager)
    page = client.get(f"{reverse('oversight:compliance')}?{Q3}").content.decode()
    link = re.search(r'href="([^"]+)" data-testid="missed-link">Missed: 3', page).group(1).replace("&amp;", "&")
    assert [row.split(" ")[0] for row in rows(client.get(link))] == ["Ashworth,", "Carter,", "Brennan,"]


def test_provider_scope_lists_every_team_of_the_provider(org, client_for, missed):
    response = client_for(org.manager).get(f"{URL}?code=NPS+SL003R&scope=provider&{Q3}")
    assert [row.split(" ")[0] for row in rows(response)] == ["Ashworth,", "Dunn,", "Carter,", "Brennan,"]
    assert "Tariq Thompson Manchester South 11 August 2026" in rows(response)[1]


def test_other_providers_cases_count_in_the_region_but_are_hidden(org, client_for):
    clock(org.other_provider_officer, status="missed", due=date(2026, 8, 10), code="CRC SL001", last_name="Elsewhere")
    clock(org.other_provider_officer, status="met", due=date(2026, 8, 10), code="CRC SL001")
    client = client_for(org.manager)
    figures = client.get(f"{reverse('oversight:compliance')}?scope=region&{Q3}").content.decode()
    assert re.search(r'data-testid="missed-link">Missed: 1<span class="govuk-visually-hidden"> for CRC SL001', figures)
    response = client.get(f"{URL}?code=CRC+SL001&scope=region&{Q3}")
    assert response.status_code == 200
    html = response.content.decode()
    assert rows(response) == []
    assert "Elsewhere" not in html
    assert "None of the cases that missed this are cases you can open." in html
    assert "1 more missed on a case held by another provider, which you cannot open." in html
    clock(org.other_provider_officer, status="missed", due=date(2026, 8, 11), code="CRC SL001")
    html = client.get(f"{URL}?code=CRC+SL001&scope=region&{Q3}").content.decode()
    assert "2 more missed on cases held by other providers, which you cannot open." in html
    # Their own manager sees the cases.
    own = client_for(org.other_provider_manager).get(f"{URL}?code=CRC+SL001&scope=region&{Q3}")
    assert len(rows(own)) == 2 and 'data-testid="missed-hidden"' not in own.content.decode()


def test_a_case_the_manager_is_excluded_from_is_counted_not_listed(org, client_for, missed):
    factories.PersonAccessLimitFactory(person=missed["later"].case.person, user=org.manager)
    response = client_for(org.manager).get(f"{URL}?code=NPS+SL003R&{Q3}")
    assert [row.split(" ")[0] for row in rows(response)] == ["Ashworth,", "Brennan,"]
    assert "1 more missed on a case with restricted access, which you cannot open." in response.content.decode()


def test_a_completion_measure_lists_the_cases_that_did_not_complete(org, client_for):
    def ended(outcome, last_name):
        case = factories.CaseFactory(
            responsible_officer=org.officer,
            status=Case.Status.ENDED,
            end_date=date(2026, 8, 15),
            termination_outcome=outcome,
            person__last_name=last_name,
            person__first_name="Sam",
        )
        factories.SentenceFactory(case=case, disposal=Disposal.COMMUNITY_ORDER, sentence_date=date(2025, 8, 1))
        return case

    ended(Case.TerminationOutcome.COMPLETED_POSITIVELY, "Fielding")
    revoked = ended(Case.TerminationOutcome.REVOKED, "Garside")
    response = client_for(org.manager).get(f"{URL}?code=NPS+SL018&{Q3}")
    assert rows(response) == [
        f"Garside, Sam {revoked.person.crn} Olivia Okafor Manchester North 15 August 2026 "
        "Ended on 15 August 2026: revoked by the court."
    ]
    assert '<th scope="col" class="govuk-table__header">Case ended</th>' in response.content.decode()


def test_nothing_missed(org, client_for):
    clock(org.officer, status="met", due=date(2026, 8, 10))
    html = client_for(org.manager).get(f"{URL}?code=NPS+SL003R&{Q3}").content.decode()
    assert "No cases missed this in the period." in html
    assert 'data-testid="missed-table"' not in html


# Pagination and CSV --------------------------------------------------------------------------------------------------


def test_paginated(org, client_for, missed, settings):
    settings.PAGE_SIZE = 2
    client = client_for(org.manager)
    first = client.get(f"{URL}?code=NPS+SL003R&{Q3}")
    assert [row.split(" ")[0] for row in rows(first)] == ["Ashworth,", "Carter,"]
    html = first.content.decode()
    assert "Showing 1 to 2 of 3" in html
    assert 'href="?code=NPS+SL003R&amp;start=2026-07-01&amp;end=2026-09-30&amp;page=2" rel="next"' in html
    second = client.get(f"{URL}?code=NPS+SL003R&{Q3}&page=2")
    assert [row.split(" ")[0] for row in rows(second)] == ["Brennan,"]


def test_csv_is_exact(org, client_for, missed, settings):
    settings.PAGE_SIZE = 2  # the download holds every row, not one page
    client = client_for(org.manager)
    html = client.get(f"{URL}?code=NPS+SL003R&{Q3}&page=2").content.decode()
    link = re.search(r'href="([^"]+)" data-testid="missed-csv"', html).group(1).replace("&amp;", "&")
    assert link == "?code=NPS+SL003R&start=2026-07-01&end=2026-09-30&format=csv"
    response = client.get(f"{URL}{link}")
    assert response["Content-Disposition"] == (
        'attachment; filename="missed-nps-sl003r-team-manchester-north-2026-07-01_2026-09-30.csv"'
    )
    content = read_csv(response)
    running = content[3][5]
    assert running.startswith("Due 28 September 2026; still running, ")
    assert content == [
        ["Name", "CRN", "Responsible officer", "Team", "Due", "Detail"],
        [
            "Ashworth, Pat",
            "A400001",
            "Olivia Okafor",
            "Manchester North",
            "2026-08-10",
            "Due 10 August 2026; stopped 20 August 2026, 8 working days late.",
        ],
        [
            "Carter, Pat",
            "A400003",
            "Olivia Okafor",
            "Manchester North",
            "2026-08-12",
            "Due 12 August 2026; stopped 22 August 2026, 7 working days late.",
        ],
        ["Brennan, Pat", "A400002", "Colin Cartwright", "Manchester North", "2026-09-28", running],
    ]


# Bad input and access ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "code=", "code=NPS+SL999", "code=nps+sl003r", f"code=ABC&{Q3}"])
def test_an_unknown_service_level_is_not_found(org, client_for, query):
    response = client_for(org.manager).get(f"{URL}?{query}")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("scope=team:{team_b}&" + Q3, "You can only see the teams you manage"),
        ("scope=team:{team_a2}&" + Q3, "You can only see the teams you manage"),
        ("scope=everywhere&" + Q3, "Choose a team, your provider or your region"),
        ("start=2026-09-30&end=2026-07-01", "The end of the period must be on or after its start"),
        ("start=2026-07-01&end=30-09-2026", "Last day of the period must be a real date"),
    ],
)
def test_bad_choices_are_form_errors(org, client_for, missed, query, message):
    query = query.format(team_b=org.team_b.pk, team_a2=org.team_a2.pk)
    for extra in ("", "&format=csv"):
        response = client_for(org.manager).get(f"{URL}?code=NPS+SL003R&{query}{extra}")
        assert response.status_code == 400
        html = response.content.decode()
        assert message in html and 'data-testid="error-summary"' in html
        assert "<title>Error: Missed: NPS SL003R – Probation case management</title>" in html
        assert rows(response) == []
        assert '<input type="hidden" name="code" value="NPS SL003R">' in html


@pytest.mark.parametrize("who", ["officer", "colleague", "upw", "court_user", "administrator"])
def test_only_managers_can_see_missed_cases(org, client_for, missed, who):
    for query in (f"code=NPS+SL003R&{Q3}", f"code=NPS+SL003R&{Q3}&format=csv", "code=unknown"):
        assert client_for(getattr(org, who)).get(f"{URL}?{query}").status_code == 403


@pytest.mark.parametrize("size", [1, 10])
def test_query_count_does_not_grow_with_the_rows(org, client_for, django_assert_num_queries, size):
    for index in range(size):
        clock(org.officer, status="missed", due=date(2026, 8, 3) + timedelta(days=index))
    client = client_for(org.manager)
    # Session, user, team, provider, region (5); the missed rows and the hidden count (2); alerts in the header (1);
    # the session's timestamp (3).
    with django_assert_num_queries(11):
        response = client.get(f"{URL}?code=NPS+SL003R&{Q3}")
    assert len(rows(response)) == size
