"""Shared set-up for the enforcement tests: a fixed today, a case on a community order and one on licence, and
failures to comply made the way the product makes them (an appointment outcome recorded through the service).

Today is Wednesday 25 November 2026 (10:00, Europe/London). Import the fixtures into a test module with
`frozen = setup.frozen` and `compliance = setup.compliance`.
"""

from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases.models import Disposal
from cases.services.contacts import appointment_record_outcome
from enforcement.models import ComplianceFailure
from tests import factories

TODAY = date(2026, 11, 25)  # a Wednesday
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/London"))
ORDER_DATE = date(2026, 3, 2)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def community_case(officer, **person):
    """An active case held by `officer` with a current 12-month community order made on 2 March 2026."""
    case = factories.CaseFactory(
        responsible_officer=officer, **{f"person__{key}": value for key, value in person.items()}
    )
    factories.SentenceFactory(case=case, sentence_date=ORDER_DATE)
    return case


def licence_case(officer, **person):
    """An active case held by `officer`: custody of 24 months from 2 March 2026, released on licence on 1 June."""
    case = factories.CaseFactory(
        responsible_officer=officer, **{f"person__{key}": value for key, value in person.items()}
    )
    factories.SentenceFactory(
        case=case,
        disposal=Disposal.CUSTODY,
        sentence_date=ORDER_DATE,
        length_months=24,
        released_on=date(2026, 6, 1),
        licence_end_date=date(2027, 3, 1),
        end_date=date(2027, 3, 1),
    )
    return case


def failure(case, on: date, code: str = "unacceptable_absence", *, hour: int = 10, by=None) -> ComplianceFailure:
    """An appointment on `on` with outcome `code` recorded through the service; returns the failure it made."""
    contact = factories.ContactFactory(
        case=case, starts_at=datetime.combine(on, datetime.min.time(), NOW.tzinfo) + timedelta(hours=hour)
    )
    appointment_record_outcome(
        by=by or case.responsible_officer, contact=contact, outcome=factories.contact_outcome(code)
    )
    return ComplianceFailure.objects.get(contact=contact)


@pytest.fixture
def compliance(org, frozen):
    """`org` plus a community order case and a licence case held by `org.officer` (team_a, managed by org.manager)."""
    return SimpleNamespace(
        org=org,
        community=community_case(org.officer, first_name="Casey", last_name="Order"),
        licence=licence_case(org.officer, first_name="Lee", last_name="Licence"),
    )
