"""The compliance tab, the decision page and the decisions due list run the same number of queries with 2 failures
as with 12 (no query per failure, warning or row), and that number is pinned."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enforcement.services import compliance as services
from tests.enforcement import setup
from tests.enforcement.setup import TODAY, community_case, failure, licence_case

frozen = setup.frozen
compliance = setup.compliance

pytestmark = pytest.mark.django_db

FEW, MANY = 2, 12
# Each count includes the signed-in request's own (the session read and saved, the user, their team and provider, the
# alerts panel) and, on the tab, the case header's risk flags.
PINNED = {
    "tab": 16,  # with the case's breaches, recalls and current sentence (for "Consider recall")
    "decide": 13,
    "decisions_due": 11,
}


def _count(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), "\n".join(query["sql"] for query in captured.captured_queries)


def _weekdays_back(count: int, *, before: date = TODAY) -> list[date]:
    """`count` weekdays before `before`, newest first."""
    days, day = [], before
    while len(days) < count:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


def _decide(failure_, decision, reason=""):
    return services.failure_decide(
        by=failure_.case.responsible_officer, failure=failure_, decision=decision, on=TODAY, reason=reason
    )


def _mixed_failures(case, days: list[date], *, start: int = 0) -> None:
    """A failure on each day, oldest first: the very first a first warning (its letter), the next decided in turn
    as acceptable, no further action and final warnings (letters), every fourth left awaiting a decision."""
    for index, day in enumerate(sorted(days), start=start):
        made = failure(case, day)
        if index == 0:
            _decide(made, "first_warning")
        elif index % 4 == 3:
            continue
        elif index % 4 == 1:
            _decide(made, "acceptable", reason="Evidence of illness seen.")
        elif index % 4 == 2:
            _decide(made, "no_further_action", reason="Came in the same afternoon.")
        else:
            _decide(made, "final_warning")


def test_the_compliance_tab(compliance, client_for, settings):
    settings.ENFORCEMENT_WARNINGS_ALLOWED = 50  # room for a letter on many failures
    case = compliance.community
    client = client_for(compliance.org.officer)
    url = reverse("enforcement:case_compliance", args=[case.pk])
    days = sorted(_weekdays_back(MANY, before=date(2026, 11, 20)))

    _mixed_failures(case, days[:FEW])
    few, _ = _count(client, url)
    _mixed_failures(case, days[FEW:], start=FEW)
    many, sql = _count(client, url)

    assert few == many, sql
    assert many == PINNED["tab"], sql


def test_the_decision_page(compliance, client_for, settings):
    """The failure to decide with 2 and then 12 earlier warnings (with their letters) on the order."""
    settings.ENFORCEMENT_WARNINGS_ALLOWED = 50
    case = compliance.community
    client = client_for(compliance.org.manager)
    awaiting = failure(case, date(2026, 11, 24))
    url = reverse("enforcement:failure_decide", args=[awaiting.pk])
    days = sorted(_weekdays_back(MANY, before=date(2026, 11, 20)))

    for index, day in enumerate(days[:FEW]):
        _decide(failure(case, day), "first_warning" if index == 0 else "final_warning")
    few, _ = _count(client, url)
    for day in days[FEW:]:
        _decide(failure(case, day), "final_warning")
    many, sql = _count(client, url)

    assert few == many, sql
    assert many == PINNED["decide"], sql


@pytest.mark.parametrize("who", ["officer", "manager"])
def test_the_decisions_due_list(compliance, client_for, who):
    """Awaiting failures on several cases and orders (some past the warnings threshold) at 2 and 12 rows."""
    org = compliance.org
    client = client_for(getattr(org, who))
    url = reverse("enforcement:decisions_due")

    def add(count: int) -> None:
        for index in range(count):
            make = licence_case if index % 2 else community_case
            case = make(org.officer if index % 3 else org.colleague if who == "manager" else org.officer)
            if index % 2 == 0:
                _decide(failure(case, date(2026, 10, 5)), "first_warning")  # the next failure needs action
            failure(case, date(2026, 11, 16) + timedelta(days=index % 5))

    add(FEW)
    few, _ = _count(client, url)
    add(MANY - FEW)
    many, sql = _count(client, url)

    assert few == many, sql
    assert many == PINNED["decisions_due"], sql
    html = client.get(url).content.decode()
    assert len(re.findall(r'data-testid="due-\d+"', html)) >= MANY
    assert "Breach action needed" in html
