"""The contact log pages, the caseload with its contact columns, and the contacts API run the same number of
queries with few contacts as with many (no query per row), and that number is pinned."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

FEW, MANY = 3, 40


def _queries(client, url, params=None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured), "\n".join(query["sql"] for query in captured.captured_queries)


def _contacts(case, staff_pool, count: int, start: int = 0):
    """A varied mix: upcoming, awaiting an outcome, attended, acceptable absence, and recorded contacts."""
    outcomes = [factories.contact_outcome(code) for code in ("attended_complied", "acceptable_absence")]
    now = timezone.now()
    for index in range(start, start + count):
        staff = staff_pool[index % len(staff_pool)]
        kind = index % 4
        if kind == 0:
            factories.ContactFactory(case=case, staff=staff, starts_at=now + timedelta(days=index + 1))
        elif kind == 1:
            factories.ContactFactory(case=case, staff=staff, starts_at=now - timedelta(days=index + 1))
        elif kind == 2:
            outcome = outcomes[index % 2]
            factories.ContactFactory(
                case=case,
                staff=staff,
                starts_at=now - timedelta(days=index + 1),
                outcome=outcome,
                outcome_recorded_at=now,
                absence_reason="medical" if outcome.acceptable_absence else "",
            )
        else:
            factories.ContactFactory(
                case=case,
                staff=staff,
                is_appointment=False,
                contact_type="telephone_call",
                method="telephone",
                starts_at=now - timedelta(days=index + 1),
            )


def _assert_constant(client, url, case, staff_pool, expected, params=None):
    _contacts(case, staff_pool, FEW)
    few, _sql = _queries(client, url, params)
    _contacts(case, [*staff_pool, *factories.OfficerFactory.create_batch(3)], MANY - FEW, start=FEW)
    many, sql = _queries(client, url, params)
    assert few == many, sql
    assert many == expected, sql


def test_person_contact_log(org, client_for):
    case = factories.CaseFactory(responsible_officer=org.officer)

    _assert_constant(
        client_for(org.officer),
        reverse("cases:person_contacts", args=[case.person.crn]),
        case,
        [org.officer, org.colleague],
        expected=PINNED["person_contacts"],
    )


def test_person_contact_log_filtered(org, client_for):
    case = factories.CaseFactory(responsible_officer=org.officer)

    _assert_constant(
        client_for(org.officer),
        reverse("cases:person_contacts", args=[case.person.crn]),
        case,
        [org.officer, org.colleague],
        expected=PINNED["person_contacts"],
        params={"outcome": "attended", "contact_type": "office_appointment"},
    )


def test_case_contacts_tab(org, client_for):
    case = factories.CaseFactory(responsible_officer=org.officer)

    _assert_constant(
        client_for(org.officer),
        reverse("cases:case_contacts", args=[case.pk]),
        case,
        [org.officer, org.colleague],
        expected=PINNED["case_contacts"],
    )


def test_caseload_with_contacts_on_every_case(org, client_for):
    client = client_for(org.officer)

    def make(count):
        for case in factories.CaseFactory.create_batch(count, responsible_officer=org.officer):
            _contacts(case, [org.officer], 4)

    make(2)
    few, _sql = _queries(client, reverse("cases:caseload"))
    make(28)
    many, sql = _queries(client, reverse("cases:caseload"))
    assert few == many == PINNED["caseload"], sql


@pytest.mark.parametrize("endpoint", ["/api/v1/contacts/", "/api/v1/appointments/"])
def test_api_lists(org, client_for, endpoint):
    case = factories.CaseFactory(responsible_officer=org.officer)

    _assert_constant(
        client_for(org.manager), endpoint, case, [org.officer, org.colleague], expected=PINNED["api_contacts"]
    )


# Every signed-in request pays 5 (session, user, session save in a savepoint); HTML pages add 2 for the
# header's team and provider and 1 for the alerts panel (timeliness). The rest is each page's own work.
PINNED = {
    # person (with its access-limit flag) + open case + count + page + the header's flags 2
    "person_contacts": 14,
    # case (with its access-limit flag) + appointments without an outcome + count + page + the header's flags 2
    "case_contacts": 14,
    # count + page (next appointment and last contact are subqueries of the page query)
    "caseload": 10,
    # team (scope) + count + page
    "api_contacts": 8,
}
