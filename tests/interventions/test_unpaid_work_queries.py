"""The register and the requirement's unpaid work page (and its API) run the same number of queries with 2 people or
bookings as with 20 (no query per row), and that number is pinned."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interventions.services import unpaid_work as services
from tests.interventions import test_unpaid_work_setup as setup
from tests.interventions.test_unpaid_work_setup import TODAY, booking, outcome_fields, session, upw_requirement

frozen = setup.frozen
upw = setup.upw

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

FEW, MANY = 2, 20
PINNED = {
    "register": 9,
    "register_recorded": 10,
    "requirement": 14,
    "requirement_api": 9,
    "register_day": 9,
}


def _count(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), "\n".join(query["sql"] for query in captured.captured_queries)


def _people(upw, on_session, count, *, record=False):
    for _ in range(count):
        attendance = booking(upw_requirement(upw.officer), on_session)
        if record:
            services.attendance_record(by=upw.manager, attendance=attendance, **outcome_fields(penalty_minutes=15))


@pytest.mark.parametrize(
    ("who", "record", "key"), [("supervisor", False, "register"), ("manager", True, "register_recorded")]
)
def test_the_register_page(upw, client_for, who, record, key):
    today = session(upw.project, supervisor=upw.supervisor, capacity=30)
    client = client_for(getattr(upw, who))
    url = reverse("interventions:unpaid_work_session_register", args=[today.pk])

    _people(upw, today, FEW, record=record)
    few, _ = _count(client, url)
    _people(upw, today, MANY - FEW, record=record)
    many, sql = _count(client, url)

    assert few == many, sql
    assert many == PINNED[key], sql


def test_the_register_day_list(upw, client_for):
    client = client_for(upw.manager)
    url = reverse("interventions:unpaid_work_register")

    for index in range(FEW):
        _people(upw, session(upw.project, start=time(8 + index, 0), end=time(16, 0)), 2)
    few, _ = _count(client, url)
    for index in range(FEW, MANY):
        _people(upw, session(upw.project, supervisor=upw.supervisor, start=time(7, index), end=time(16, 0)), 2)
    many, sql = _count(client, url)

    assert few == many, sql
    assert many == PINNED["register_day"], sql


def _bookings(upw, requirement, start, count):
    """`count` bookings of varied outcome, one a day going back from `start` days ago, and as many upcoming
    sessions with places."""
    statuses = ["attended", "stood_down", "unacceptable_absence", "booked"]
    for index in range(start, start + count):
        past = session(upw.project if index % 2 else upw.education, on=TODAY - timedelta(days=index + 1))
        attendance = booking(requirement, past)
        status = statuses[index % 4]
        if status != "booked":
            services.attendance_record(by=upw.manager, attendance=attendance, **outcome_fields(status))
        session(upw.project, on=TODAY + timedelta(days=index + 1), supervisor=upw.supervisor)


@pytest.mark.parametrize(("url_name", "key"), [("page", "requirement"), ("api", "requirement_api")])
def test_the_requirement_page_and_api(upw, client_for, url_name, key):
    requirement = upw_requirement(upw.officer, hours=300, start=TODAY - timedelta(days=60))
    client = client_for(upw.officer)
    if url_name == "page":
        url = reverse("interventions:unpaid_work_requirement", args=[requirement.pk])
    else:
        url = f"/api/v1/unpaid-work-requirements/{requirement.pk}/"

    _bookings(upw, requirement, 0, FEW)
    few, _ = _count(client, url)
    _bookings(upw, requirement, FEW, MANY - FEW)
    many, sql = _count(client, url)

    assert few == many, sql
    assert many == PINNED[key], sql
