"""List pages and APIs run the same number of queries with 10 cases as with 200 (no N+1).

Each test builds 10 rows, counts the queries of one request, grows the data to 200 rows and counts
again. The counts must be equal, and equal to the pinned number, so any new query shows up here.
"""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

SMALL, LARGE = 10, 200


def _queries(client, url, params=None) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured), [query["sql"] for query in captured.captured_queries]


def _grow(make, small=SMALL, large=LARGE):
    """Make `small` rows, yield; then make the rest up to `large`, yield again."""
    make(small)
    yield small
    make(large - small)
    yield large


def _assert_constant(client, url, make, expected, params=None):
    counts = {}
    sql = {}
    for size in _grow(make):
        counts[size], sql[size] = _queries(client, url, params)
    assert counts[SMALL] == counts[LARGE], "\n".join(sql[LARGE])
    assert counts[LARGE] == expected, "\n".join(sql[LARGE])


def _people_with_addresses(officer, last_name="Quimby"):
    def make(count):
        for case in factories.CaseFactory.create_batch(count, responsible_officer=officer, person__last_name=last_name):
            factories.AddressFactory(person=case.person)

    return make


def test_caseload(org, client_for):
    _assert_constant(
        client_for(org.officer),
        reverse("cases:caseload"),
        lambda n: factories.CaseFactory.create_batch(n, responsible_officer=org.officer),
        expected=PINNED["caseload"],
    )


def _cases_with_quiet_rar(officers):
    """Active cases each with a RAR requirement that has had no activity for months (flagged on the lists)."""

    def make(count):
        for index in range(count):
            case = factories.CaseFactory(responsible_officer=officers[index % len(officers)])
            factories.RequirementFactory(sentence=factories.SentenceFactory(case=case, sentence_date=date(2025, 1, 6)))

    return make


def test_caseload_rar_inactivity_flag_costs_no_query(org, client_for):
    _assert_constant(
        client_for(org.officer),
        reverse("cases:caseload"),
        _cases_with_quiet_rar([org.officer]),
        expected=PINNED["caseload"],
    )


def test_team_page_rar_inactivity_flag_costs_no_query(org, client_for):
    _assert_constant(
        client_for(org.manager),
        reverse("cases:team"),
        _cases_with_quiet_rar([org.officer, org.colleague, org.manager]),
        expected=PINNED["team"],
    )


def test_team_page(org, client_for):
    officers = [org.officer, org.colleague, org.manager]

    def make(count):
        for index in range(count):
            factories.CaseFactory(responsible_officer=officers[index % 3])

    _assert_constant(client_for(org.manager), reverse("cases:team"), make, expected=PINNED["team"])


def test_team_page_is_constant_in_the_number_of_officers(org, client_for):
    """role_label reads each officer's provider: it must come with the officers, not one query each."""
    client = client_for(org.manager)

    def make(count):
        for officer in factories.OfficerFactory.create_batch(count, team=org.team_a):
            factories.CaseFactory(responsible_officer=officer)

    counts = {}
    for size in _grow(make, small=2, large=20):
        counts[size], _sql = _queries(client, reverse("cases:team"))
    assert counts[2] == counts[20] == PINNED["team"]


def test_person_page_is_constant_in_cases_and_addresses(org, client_for):
    current = factories.CaseFactory(responsible_officer=org.officer)
    person = current.person
    client = client_for(org.officer)

    def make(count):
        for _index in range(count):
            factories.CaseFactory(person=person, responsible_officer=org.colleague, ended=True)
            factories.AddressFactory(person=person, status="previous", end_date="2021-01-01")

    counts = {}
    for size in _grow(make, small=2, large=20):
        counts[size], _sql = _queries(client, reverse("cases:person", args=[person.crn]))
    assert counts[2] == counts[20] == PINNED["person"]


def test_search(org, client_for):
    _assert_constant(
        client_for(org.officer),
        reverse("cases:search"),
        _people_with_addresses(org.officer),
        expected=PINNED["search"],
        params={"q": "Quimby"},
    )


def test_api_cases(org, client_for):
    _assert_constant(
        client_for(org.manager),
        "/api/v1/cases/",
        lambda n: factories.CaseFactory.create_batch(n, responsible_officer=org.officer),
        expected=PINNED["api_cases"],
    )


def test_api_people(org, client_for):
    _assert_constant(
        client_for(org.officer),
        "/api/v1/people/",
        _people_with_addresses(org.officer),
        expected=PINNED["api_people"],
    )


def test_api_people_search(org, client_for):
    _assert_constant(
        client_for(org.officer),
        "/api/v1/people/",
        _people_with_addresses(org.officer),
        expected=PINNED["api_people_search"],
        params={"q": "Quimby"},
    )


def test_person_history_page_is_constant_in_the_number_of_changes(org, client_for):
    from cases import services

    case = factories.CaseFactory(responsible_officer=org.officer)
    client = client_for(org.officer)
    url = reverse("cases:person_history", args=[case.person.crn])

    def make(count):
        for index in range(count):
            services.person_update_contact_details(
                by=[org.officer, org.colleague][index % 2],
                person=case.person,
                telephone=f"0161 496 {index:04d}",
                mobile="",
                email="",
            )

    counts = {}
    for size in _grow(make, small=2, large=40):
        counts[size], _sql = _queries(client, url)
    assert counts[2] == counts[40] == PINNED["person_history"]


# Every signed-in request pays 5: load the session, load the user, and save the session
# (SESSION_SAVE_EVERY_REQUEST: an UPDATE in a savepoint, 3 statements inside a test transaction).
# HTML pages add 2 for the header's team and provider, and 1 for the alerts panel's unread counts
# (timeliness.context_processors.alerts). The rest is the page's own work.
PINNED = {
    # count + page (next appointment and last contact are subqueries in the page's own SELECT: +0)
    # + 1 for the alerts panel's unread counts (timeliness.context_processors.alerts, every HTML page)
    "caseload": 10,
    "team": 11,  # officers with their counts + count + page + alerts panel
    # person + cases + addresses + flags (open registrations; current RoSH and MAPPA) + alerts panel
    # + each case's failures to comply of the last 12 months (enforcement: one query for every case)
    "person": 14,
    "search": 11,  # count + page + open cases + alerts panel
    "api_cases": 8,  # team (scope) + count + page
    "api_people": 8,  # count + page + current addresses
    "api_people_search": 9,  # count + page + open cases + current addresses
    # person + 3 history tables (access lists are for managers only) + names of staff, teams, providers + 2 flags
    # + alerts panel
    "person_history": 17,
}
