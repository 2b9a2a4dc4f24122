"""My caseload: the officer's own active cases, sortable, 25 to a page."""

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("cases:caseload")


@pytest.fixture
def caseload(org):
    """Three active cases for the officer, plus cases that must not appear."""
    cases = {
        "zara": factories.CaseFactory(
            responsible_officer=org.officer,
            person__first_name="Zara",
            person__last_name="Adams",
            person__crn="X300000",
            start_date=date(2025, 3, 1),
        ),
        "bob": factories.CaseFactory(
            responsible_officer=org.officer,
            person__first_name="Bob",
            person__last_name="Young",
            person__crn="B100000",
            start_date=date(2024, 1, 1),
        ),
        "amy": factories.CaseFactory(
            responsible_officer=org.officer,
            person__first_name="Amy",
            person__last_name="Young",
            person__crn="M200000",
            start_date=date(2025, 1, 1),
        ),
    }
    # Not on the caseload: an ended case of the officer's, a colleague's case, another team's case.
    factories.CaseFactory(responsible_officer=org.officer, ended=True, person__last_name="Ended")
    factories.CaseFactory(responsible_officer=org.colleague, person__last_name="Colleague")
    factories.CaseFactory(responsible_officer=org.other_team_officer, person__last_name="Elsewhere")
    return cases


def _crns(response) -> list[str]:
    return [case.person.crn for case in response.context["page_obj"]]


def test_shows_only_the_officers_active_cases_sorted_by_name(org, client_for, caseload):
    response = client_for(org.officer).get(URL)

    assert response.status_code == 200
    assert _crns(response) == ["X300000", "M200000", "B100000"]  # Adams Zara, Young Amy, Young Bob
    html = response.content.decode()
    assert "You are the responsible officer for 3 active cases." in html
    assert "Adams, Zara" in html
    for absent in ("Ended", "Colleague", "Elsewhere"):
        assert absent not in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["X300000", "M200000", "B100000"]),
        ("-name", ["B100000", "M200000", "X300000"]),
        ("crn", ["B100000", "M200000", "X300000"]),
        ("-crn", ["X300000", "M200000", "B100000"]),
        ("start", ["B100000", "M200000", "X300000"]),
        ("-start", ["X300000", "M200000", "B100000"]),
        ("nonsense", ["X300000", "M200000", "B100000"]),
        ("-nonsense", ["X300000", "M200000", "B100000"]),
    ],
)
def test_sorting(org, client_for, caseload, sort, expected):
    response = client_for(org.officer).get(URL, {"sort": sort})

    assert _crns(response) == expected


def test_unknown_sort_falls_back_to_name(org, client_for, caseload):
    response = client_for(org.officer).get(URL, {"sort": "person__date_of_birth"})

    assert response.context["sort"] == "name"
    name_column = response.context["columns"][0]
    assert name_column["aria_sort"] == "ascending"


def test_sort_by_status_then_name(org, client_for):
    factories.CaseFactory(responsible_officer=org.officer, person__last_name="Brown", person__crn="A111111")
    factories.CaseFactory(responsible_officer=org.officer, person__last_name="Abbott", person__crn="A222222")

    response = client_for(org.officer).get(URL, {"sort": "status"})

    assert _crns(response) == ["A222222", "A111111"]


def test_sort_headers_mark_the_current_column(org, client_for, caseload):
    response = client_for(org.officer).get(URL, {"sort": "-crn"})

    columns = {column["key"]: column for column in response.context["columns"]}
    assert columns["crn"]["aria_sort"] == "descending"
    assert columns["crn"]["query"] == "sort=crn"
    assert columns["name"]["aria_sort"] == "none"
    assert 'aria-sort="descending"' in response.content.decode()


def test_pagination_25_per_page(org, client_for):
    factories.CaseFactory.create_batch(30, responsible_officer=org.officer)
    client = client_for(org.officer)

    first = client.get(URL)
    second = client.get(URL, {"page": 2})

    assert len(first.context["page_obj"]) == 25
    assert first.context["page_obj"].paginator.num_pages == 2
    assert len(second.context["page_obj"]) == 5
    assert second.context["page_obj"].number == 2
    assert set(_crns(first)).isdisjoint(_crns(second))
    assert "Showing 26 to 30 of 30" in second.content.decode()


def test_pagination_links_keep_the_sort(org, client_for):
    factories.CaseFactory.create_batch(30, responsible_officer=org.officer)

    response = client_for(org.officer).get(URL, {"sort": "-crn"})

    assert 'href="?sort=-crn&amp;page=2"' in response.content.decode()


def test_page_two_with_sort_continues_the_sorted_list(org, client_for):
    factories.CaseFactory.create_batch(30, responsible_officer=org.officer)
    client = client_for(org.officer)

    all_crns = _crns(client.get(URL, {"sort": "-crn"})) + _crns(client.get(URL, {"sort": "-crn", "page": 2}))

    assert all_crns == sorted(all_crns, reverse=True)
    assert len(set(all_crns)) == 30


def test_page_out_of_range_shows_the_last_page(org, client_for):
    factories.CaseFactory.create_batch(3, responsible_officer=org.officer)

    response = client_for(org.officer).get(URL, {"page": 99})

    assert response.status_code == 200
    assert response.context["page_obj"].number == 1


@pytest.mark.parametrize("role", ["court_user", "upw"])
def test_roles_without_cases_get_an_explanation(org, client_for, role):
    response = client_for(getattr(org, role)).get(URL)

    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 0
    assert "Your role does not hold cases, so you have no caseload." in response.content.decode()


def test_officer_with_no_cases(org, client_for):
    response = client_for(org.officer).get(URL)

    assert "You have no active cases." in response.content.decode()


def test_home_redirects_to_the_caseload(org, client_for):
    response = client_for(org.officer).get("/")

    assert response.status_code == 302
    assert response["Location"] == URL


def _rar(case, *, started: date, last_activity: date | None = None):
    """A 20-day RAR on the case's order, its last day of activity as the RAR services would keep it."""
    sentence = factories.SentenceFactory(case=case, sentence_date=started)
    return factories.RequirementFactory(
        sentence=sentence, last_rar_activity_on=last_activity, rar_days_delivered=1 if last_activity else 0
    )


@pytest.fixture
def rar_caseload(org):
    """Today is 25 November 2026: 28 days ago was 28 October."""
    with time_machine.travel(timezone.make_aware(datetime(2026, 11, 25, 12, 0)), tick=False):
        quiet = factories.CaseFactory(responsible_officer=org.officer, person__crn="Q100000")
        _rar(quiet, started=date(2026, 9, 1), last_activity=date(2026, 10, 28))  # 28 days without activity
        recent = factories.CaseFactory(responsible_officer=org.officer, person__crn="R100000")
        _rar(recent, started=date(2026, 9, 1), last_activity=date(2026, 10, 29))  # 27 days
        new = factories.CaseFactory(responsible_officer=org.officer, person__crn="N100000")
        _rar(new, started=date(2026, 10, 29))  # started 27 days ago, nothing yet: not flagged yet
        never = factories.CaseFactory(responsible_officer=org.officer, person__crn="V100000")
        _rar(never, started=date(2026, 10, 28))  # started 28 days ago, nothing at all
        factories.CaseFactory(responsible_officer=org.officer, person__crn="W100000")  # no RAR
        yield


def _flags(response) -> dict[str, bool]:
    return {case.person.crn: case.rar_inactive for case in response.context["page_obj"]}


def test_rar_inactivity_tag(org, client_for, rar_caseload):
    response = client_for(org.officer).get(URL)

    assert _flags(response) == {
        "Q100000": True,
        "R100000": False,
        "N100000": False,
        "V100000": True,
        "W100000": False,
    }
    html = response.content.decode()
    assert html.count('data-testid="rar-inactive-tag">No RAR activity for 4 weeks<') == 2


def test_rar_inactivity_period_is_a_setting(org, client_for, rar_caseload, settings):
    settings.RAR_INACTIVITY_DAYS = 30
    response = client_for(org.officer).get(URL)

    assert {crn for crn, flagged in _flags(response).items() if flagged} == set()

    settings.RAR_INACTIVITY_DAYS = 20
    response = client_for(org.officer).get(URL)

    assert {crn for crn, flagged in _flags(response).items() if flagged} == {"Q100000", "R100000", "N100000", "V100000"}
    assert "No RAR activity for 20 days" in response.content.decode()
