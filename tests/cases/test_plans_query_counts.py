"""The plan tab and the plans API run the same, pinned number of queries however many objectives, reviews and
plans there are (no query per row)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Disposal
from cases.services import plans as services
from tests import factories

pytestmark = pytest.mark.django_db

NEED_AREAS = ["accommodation", "finance", "drug_misuse", "lifestyle", "attitudes", "relationships"]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def _count(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), "\n".join(query["sql"] for query in captured.captured_queries)


def _plan_with(officer, case, objectives: int, *, complete: bool, reviews: int = 0):
    plan = services.plan_start(by=officer, case=case)
    services.plan_update(by=officer, plan=plan, strengths="Strong family ties", involvement="yes")
    for index in range(objectives):
        services.objective_add(
            by=officer,
            plan=plan,
            need_area=NEED_AREAS[index % len(NEED_AREAS)],
            description=f"Objective {index}",
            who_delivers="Officer",
            target_date=date(2027, 1, 1 + index % 28),
        )
    if complete:
        services.plan_complete(by=officer, plan=plan, completed_on=date(2026, 11, 20))
        ids = list(plan.objectives.values_list("pk", flat=True))
        for _ in range(reviews):
            services.plan_review_record(
                by=officer,
                plan=plan,
                reviewed_on=date(2026, 11, 24),
                summary="Review",
                person_involved=True,
                progress={pk: {"status": "in_progress", "notes": "ok"} for pk in ids},
            )
    return plan


def test_plan_tab_is_constant_in_objectives_reviews_and_plans(org, client_for):
    client = client_for(org.officer)

    def case_with(objectives, reviews, past_plans):
        sentence = factories.SentenceFactory(
            case=factories.CaseFactory(responsible_officer=org.officer),
            disposal=Disposal.CUSTODY,
            expected_release_date=date(2027, 5, 2),
            end_date=date(2027, 11, 2),
        )
        for _ in range(past_plans):
            _plan_with(org.officer, sentence.case, objectives, complete=True, reviews=reviews)
        _plan_with(org.officer, sentence.case, objectives, complete=False)
        services.custody_screening_record(
            by=org.officer, case=sentence.case, screened_on=date(2026, 11, 16), screening_needs="Debts"
        )
        return reverse("cases:case_plan", args=[sentence.case_id])

    few, few_sql = _count(client, case_with(objectives=1, reviews=1, past_plans=1))
    many, many_sql = _count(client, case_with(objectives=12, reviews=4, past_plans=3))

    assert few == many, many_sql
    assert many == PINNED["plan_tab"], many_sql


def test_plans_api_list_is_constant(org, client_for):
    client = client_for(org.officer)

    def grow(count):
        for _ in range(count):
            case = factories.SentenceFactory(case=factories.CaseFactory(responsible_officer=org.officer)).case
            _plan_with(org.officer, case, 3, complete=True, reviews=1)

    grow(2)
    few, _ = _count(client, "/api/v1/sentence-plans/")
    grow(10)
    many, many_sql = _count(client, "/api/v1/sentence-plans/")

    assert few == many, many_sql
    assert many == PINNED["plans_api"], many_sql


def test_resettlement_api_list_is_constant(org, client_for):
    client = client_for(org.officer)

    def grow(count):
        for _ in range(count):
            sentence = factories.SentenceFactory(
                case=factories.CaseFactory(responsible_officer=org.officer),
                disposal=Disposal.CUSTODY,
                expected_release_date=date(2027, 5, 2),
                end_date=date(2027, 11, 2),
            )
            services.custody_screening_record(
                by=org.officer, case=sentence.case, screened_on=date(2026, 11, 16), screening_needs="Debts"
            )

    grow(2)
    few, _ = _count(client, "/api/v1/resettlement-plans/")
    grow(10)
    many, many_sql = _count(client, "/api/v1/resettlement-plans/")

    assert few == many, many_sql
    assert many == PINNED["resettlement_api"], many_sql


# Session and user (2); case, current sentence, plans, objectives, reviews, progress, resettlement plan (7);
# the layout's team, provider, alerts panel and the person's flags and risk (5); session save (3, SQLite).
# API: session and user (2), count and page (2), objectives, reviews, progress (3), session save (3).
PINNED = {
    "plan_tab": 17,
    "plans_api": 10,
    "resettlement_api": 7,
}
