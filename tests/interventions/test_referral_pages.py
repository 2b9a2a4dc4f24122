"""Referral pages: the figures per need area on hand-built data (and the people behind each figure), the directory,
making a referral, a referral's status form; scoping and pinned query counts."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, SentencePlan
from interventions.models import ServiceProvider, ServiceReferral
from interventions.selectors import referrals as selectors
from tests import factories
from tests.interventions.test_referral_services import service, snapshot

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)
FIGURES_URL = reverse("interventions:need_area_referrals")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def plan_with(case, *areas, sentence=None, completed=False) -> SentencePlan:
    sentence = sentence or case.sentences.filter(status="current").first() or factories.SentenceFactory(case=case)
    extra = {"status": "completed", "completed_on": date(2026, 11, 10), "involvement": "yes"} if completed else {}
    plan = factories.SentencePlanFactory(sentence=sentence, case=case, **extra)
    for area in areas:
        factories.PlanObjectiveFactory(plan=plan, need_area=area)
    return plan


def referral(case, status="referred", need_area="accommodation", **kwargs) -> ServiceReferral:
    dates = {}
    if status in ("accepted", "started", "completed"):
        dates["accepted_on"] = date(2026, 11, 5)
    if status in ("started", "completed"):
        dates["started_on"] = date(2026, 11, 10)
    if status in ("completed", "declined", "withdrawn"):
        dates |= {"ended_on": date(2026, 11, 20), "outcome": "Done"}
    return factories.ServiceReferralFactory(
        case=case, status=status, need_area=need_area, referred_on=date(2026, 11, 1), **dates, **kwargs
    )


@pytest.fixture
def people(org):
    """Four people of the officer's team with an accommodation need in their current plan: three referred for it
    (completed, started, waiting), one not (their referral was withdrawn); and the cases that must not count."""
    case = lambda officer=org.officer, **kwargs: factories.CaseFactory(responsible_officer=officer, **kwargs)  # noqa: E731
    completed, started, waiting, withdrawn = case(), case(), case(org.colleague), case()
    for each in (started, waiting, withdrawn):
        plan_with(each, "accommodation")
    plan_with(completed, "accommodation", "accommodation", "finance")  # two objectives: one person
    referral(completed, "completed")
    referral(started, "started")
    referral(waiting, "referred")
    referral(waiting, "accepted", need_area="finance")  # no finance need in the plan: counts nowhere
    referral(withdrawn, "withdrawn")
    # The need in an earlier sentence's plan only: counts for its current plan's need (finance) only.
    earlier = case()
    old = factories.SentenceFactory(case=earlier, status="completed", sentence_date=date(2025, 1, 6))
    plan_with(earlier, "accommodation", sentence=old, completed=True)
    plan_with(earlier, "finance")
    referral(earlier, "referred")
    # The newest plan of the current sentence is the current one.
    replanned = case()
    plan_with(replanned, "accommodation", completed=True)
    plan_with(replanned, "drug_misuse")
    # Ended case; another team's (the manager sees it); another provider's.
    ended = case()
    plan_with(ended, "accommodation")
    Case.objects.filter(pk=ended.pk).update(status="ended", end_date=TODAY)
    other_team = case(org.other_team_officer)
    plan_with(other_team, "accommodation")
    referral(other_team, "accepted")
    other_provider = case(org.other_provider_officer)
    plan_with(other_provider, "accommodation")
    referral(other_provider, "referred")
    return {
        "completed": completed,
        "started": started,
        "waiting": waiting,
        "withdrawn": withdrawn,
        "earlier": earlier,
        "other_team": other_team,
    }


def figures_by_area(user) -> dict:
    return {row.need_area: (row.with_need, row.referred, row.waiting) for row in selectors.need_area_figures(user)}


class TestNeedAreaFigures:
    def test_officer_four_with_the_need_three_referred_one_waiting(self, org, people):
        figures = figures_by_area(org.officer)
        assert figures["accommodation"] == (4, 3, 1)
        assert figures["finance"] == (2, 0, 0)
        assert figures["drug_misuse"] == (1, 0, 0)
        assert sum(1 for value in figures.values() if value != (0, 0, 0)) == 3
        assert len(figures) == 12

    def test_manager_sees_the_provider(self, org, people):
        assert figures_by_area(org.manager)["accommodation"] == (5, 4, 2)

    def test_other_provider_sees_only_its_own(self, org, people):
        assert figures_by_area(org.other_provider_manager)["accommodation"] == (1, 1, 1)

    def test_page_links_each_figure_to_its_people(self, org, client_for, people):
        client = client_for(org.officer)
        response = client.get(FIGURES_URL)
        assert response.status_code == 200
        row = next(item for item in response.context["figures"] if item.need_area == "accommodation")
        assert (row.with_need, row.referred, row.waiting) == (4, 3, 1)
        people_url = reverse("interventions:need_area_people", args=["accommodation"])
        body = response.content.decode()
        for figure in ("with_need", "referred", "waiting"):
            assert f"{people_url}?figure={figure}" in body

        def listed(figure):
            return {case.pk for case in client.get(people_url, {"figure": figure}).context["cases"]}

        assert listed("with_need") == {people[key].pk for key in ("completed", "started", "waiting", "withdrawn")}
        assert listed("referred") == {people[key].pk for key in ("completed", "started", "waiting")}
        assert listed("waiting") == {people["waiting"].pk}
        assert client.get(people_url, {"figure": "nonsense"}).status_code == 404
        assert client.get(reverse("interventions:need_area_people", args=["housing"])).status_code == 404

    def test_staff_without_case_work_get_not_found(self, org, client_for):
        assert client_for(org.upw).get(FIGURES_URL).status_code == 404

    def test_one_aggregate_query_whatever_the_number_of_cases(self, org, client_for):
        client = client_for(org.officer)

        def grow(count):
            for index in range(count):
                case = factories.CaseFactory(responsible_officer=org.officer)
                plan_with(case, "accommodation", "finance")
                referral(case, ["referred", "accepted", "started", "completed"][index % 4])

        def count():
            with CaptureQueriesContext(connection) as captured:
                response = client.get(FIGURES_URL)
            assert response.status_code == 200
            return len(captured), "\n".join(query["sql"] for query in captured.captured_queries)

        grow(2)
        few, _ = count()
        grow(18)
        many, many_sql = count()
        assert few == many == PINNED["need_area_page"], many_sql
        with CaptureQueriesContext(connection) as captured:
            figures = selectors.need_area_figures(org.officer)
        assert len(captured) == 1
        assert next(row for row in figures if row.need_area == "accommodation").with_need == 20

    def test_people_list_query_count_is_constant(self, org, client_for):
        client = client_for(org.officer)
        url = reverse("interventions:need_area_people", args=["accommodation"])

        def grow(count):
            for _ in range(count):
                case = factories.CaseFactory(responsible_officer=org.officer)
                plan_with(case, "accommodation")
                referral(case)

        def count():
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            return len(captured), len(response.context["cases"]), captured

        grow(2)
        few, rows, _ = count()
        grow(18)
        many, more_rows, captured = count()
        assert (rows, more_rows) == (2, 20)
        assert few == many == PINNED["need_area_people"], "\n".join(q["sql"] for q in captured.captured_queries)


class TestDirectory:
    def test_lists_services_with_their_needs_filtered_by_need(self, org, client_for):
        housing = service("Housing advice")
        service("Debt advice", need_areas=("finance",))
        service("Welsh housing", region=factories.RegionFactory(name="Wales"))
        client = client_for(org.officer)
        response = client.get(reverse("interventions:service_directory"))
        assert [item.name for item in response.context["services"]] == ["Debt advice", "Housing advice"]
        assert response.context["can_create"] is False
        filtered = client.get(reverse("interventions:service_directory"), {"need_area": "accommodation"})
        assert [item.pk for item in filtered.context["services"]] == [housing.pk]
        assert client.get(reverse("interventions:service_directory"), {"need_area": "x"}).status_code == 400

    def test_manager_adds_a_service(self, org, client_for):
        client = client_for(org.manager)
        assert client.get(reverse("interventions:service_directory")).context["can_create"] is True
        response = client.post(
            reverse("interventions:service_provider_new"),
            {"name": "Shelter", "kind": "voluntary_sector", "need_areas": ["accommodation", "finance"]},
        )
        assert response.status_code == 302
        created = ServiceProvider.objects.get(name="Shelter")
        assert sorted(created.need_areas.values_list("need_area", flat=True)) == ["accommodation", "finance"]

    def test_bad_input_is_400_and_officers_are_refused(self, org, client_for):
        response = client_for(org.manager).post(
            reverse("interventions:service_provider_new"), {"name": "Shelter", "kind": "in_house", "need_areas": []}
        )
        assert response.status_code == 400
        assert "Choose at least one need area the service covers" in response.content.decode()
        response = client_for(org.officer).post(
            reverse("interventions:service_provider_new"),
            {"name": "Shelter", "kind": "voluntary_sector", "need_areas": ["finance"]},
        )
        assert response.status_code == 400
        assert not ServiceProvider.objects.exists()


class TestReferralPages:
    def test_make_a_referral(self, org, client_for):
        case = factories.CaseFactory(responsible_officer=org.officer)
        housing = service()
        objective = plan_with(case, "accommodation").objectives.get()
        url = reverse("interventions:case_referral_new", args=[case.pk])
        client = client_for(org.officer)
        assert [choice[0] for choice in client.get(url).context["form"].fields["plan_objective"].choices] == [
            "",
            objective.pk,
        ]
        response = client.post(
            url,
            {
                "need_area": "accommodation",
                "service_provider": str(housing.pk),
                "plan_objective": str(objective.pk),
                "reason_for_referral": "Sofa surfing",
                "referred_on-day": "25",
                "referred_on-month": "11",
                "referred_on-year": "2026",
            },
        )
        created = ServiceReferral.objects.get(case=case)
        assert response.status_code == 302
        assert response["Location"] == reverse("interventions:service_referral", args=[created.pk])
        assert (created.plan_objective, created.referred_by) == (objective, org.officer)

    def test_bad_input_is_400_and_changes_nothing(self, org, client_for):
        case = factories.CaseFactory(responsible_officer=org.officer)
        housing = service()
        response = client_for(org.officer).post(
            reverse("interventions:case_referral_new", args=[case.pk]),
            {
                "need_area": "finance",
                "service_provider": str(housing.pk),
                "reason_for_referral": "Debts",
                "referred_on-day": "25",
                "referred_on-month": "11",
                "referred_on-year": "2026",
            },
        )
        assert response.status_code == 400
        assert "Housing advice does not cover financial management and income" in response.content.decode()
        assert not ServiceReferral.objects.exists()

    def test_update_status_on_the_referral_page(self, org, client_for):
        item = referral(factories.CaseFactory(responsible_officer=org.officer))
        url = reverse("interventions:service_referral", args=[item.pk])
        client = client_for(org.officer)
        choices = [value for value, _ in client.get(url).context["form"].fields["status"].choices]
        assert choices == ["accepted", "declined", "withdrawn"]
        before = snapshot(item)
        bad = client.post(
            url, {"status": "declined", "on-day": "25", "on-month": "11", "on-year": "2026", "outcome": ""}
        )
        assert bad.status_code == 400
        assert "Say why the service declined the referral." in bad.content.decode()
        assert snapshot(item) == before
        ok = client.post(url, {"status": "accepted", "on-day": "24", "on-month": "11", "on-year": "2026"})
        assert ok.status_code == 302
        item.refresh_from_db()
        assert (item.status, item.accepted_on) == ("accepted", date(2026, 11, 24))

    def test_other_provider_is_not_found(self, org, client_for):
        item = referral(factories.CaseFactory(responsible_officer=org.other_provider_officer))
        client = client_for(org.officer)
        assert client.get(reverse("interventions:service_referral", args=[item.pk])).status_code == 404
        assert (
            client.post(reverse("interventions:service_referral", args=[item.pk]), {"status": "accepted"}).status_code
            == 404
        )
        assert client.get(reverse("interventions:case_referral_new", args=[item.case_id])).status_code == 404
        assert ServiceReferral.objects.get(pk=item.pk).status == "referred"


PINNED = {
    # Session, user, the one aggregate query, team, provider, alerts, session save (3).
    "need_area_page": 9,
    # Session, user, the cases with their latest referral, team, provider, alerts, session save (3).
    "need_area_people": 9,
}
