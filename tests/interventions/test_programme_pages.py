"""Programme pages: the requirement's programme page (current step and its forms, sessions x of N, time waited, the
"no alternative plan" warning), the step pages, the waiting list and groups; scoping and pinned query counts."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Requirement
from interventions.models import ProgrammeGroup, ProgrammeReferral
from interventions.selectors import programmes as selectors
from interventions.services import programmes as services
from tests import factories
from tests.interventions.test_programme_services import (
    attend,
    group_for,
    programme_requirement,
    refer,
    snapshot,
    started,
    waiting,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)
Status = ProgrammeReferral.Status
WARNING = "Programme requirement outstanding: no alternative plan"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def page_url(requirement) -> str:
    return reverse("interventions:programme_requirement", args=[requirement.pk])


def flagged(requirement) -> bool:
    return Requirement.objects.annotate(flag=selectors.needs_alternative_plan()).get(pk=requirement.pk).flag


def _count(client, url, params=None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:500]
    return len(captured), "\n".join(query["sql"] for query in captured.captured_queries)


# "Programme requirement outstanding: no alternative plan" ---------------------------------------------------------


class TestNoAlternativePlan:
    def test_unsuitable_is_flagged_and_a_plan_clears_it(self, org, client_for):
        requirement = programme_requirement(org.officer)
        referral = refer(org.officer, requirement)
        client = client_for(org.officer)
        assert not flagged(requirement)
        assert WARNING not in client.get(page_url(requirement)).content.decode()

        services.programme_suitability_decide(by=org.officer, referral=referral, suitable=False, notes="Denial")

        assert flagged(requirement)
        response = client.get(page_url(requirement))
        assert response.context["page"].no_alternative_plan is True
        assert WARNING in response.content.decode()
        assert reverse("interventions:programme_referral_alternative_plan", args=[referral.pk]) in (
            response.content.decode()
        )

        services.programme_alternative_plan_record(by=org.officer, referral=referral, plan="One-to-one sessions")

        assert not flagged(requirement)
        assert WARNING not in client.get(page_url(requirement)).content.decode()

    def test_dropping_out_is_flagged(self, org):
        requirement = programme_requirement(org.officer)
        referral = started(org.officer, group_for(org.nps), requirement)
        attend(org.officer, referral, 3)
        services.programme_not_complete(by=org.officer, referral=referral, reason="dropped_out")
        assert flagged(requirement)

    def test_a_later_open_referral_is_not_flagged(self, org):
        requirement = programme_requirement(org.officer)
        referral = refer(org.officer, requirement, on=date(2026, 10, 1))
        services.programme_suitability_decide(
            by=org.officer, referral=referral, suitable=False, notes="Not ready", on=date(2026, 10, 5)
        )
        assert flagged(requirement)
        services.programme_refer(
            by=org.officer,
            requirement=requirement,
            programme=factories.programme("new_me_strengths"),
            referred_on=date(2026, 11, 1),
        )
        assert not flagged(requirement)

    def test_ended_requirement_is_not_flagged(self, org):
        requirement = programme_requirement(org.officer)
        referral = refer(org.officer, requirement)
        services.programme_suitability_decide(by=org.officer, referral=referral, suitable=False, notes="Denial")
        assert flagged(requirement)
        Requirement.objects.filter(pk=requirement.pk).update(
            status="terminated", ended_on=TODAY, completed_positively=False, termination_reason="unsuitable"
        )
        assert not flagged(requirement)

    def test_completed_and_withdrawn_are_not_flagged(self, org):
        requirement = programme_requirement(org.officer)
        services.programme_withdraw(by=org.officer, referral=refer(org.officer, requirement), reason="Error")
        assert not flagged(requirement)


# The requirement's programme page ----------------------------------------------------------------------------------


class TestRequirementPage:
    def test_no_referral_offers_the_referral_form(self, org, client_for):
        requirement = programme_requirement(org.officer)
        response = client_for(org.officer).get(page_url(requirement))
        assert response.status_code == 200
        assert response.context["tab"] == "delivery"
        assert set(response.context["forms"]) == {"refer"}
        assert "No referral has been made for this requirement yet." in response.content.decode()

    @pytest.mark.parametrize(
        ("step", "forms"),
        [
            ("referred", {"suitability", "withdraw"}),
            ("waiting", {"allocate", "not_completed", "withdraw"}),
            ("allocated", {"start", "not_completed", "withdraw"}),
            ("started", {"session", "complete", "not_completed", "withdraw"}),
            ("unsuitable", {"alternative_plan", "refer"}),
        ],
    )
    def test_current_step_shows_its_forms(self, org, client_for, step, forms):
        requirement = programme_requirement(org.officer)
        group = group_for(org.nps)
        if step == "referred":
            refer(org.officer, requirement)
        elif step == "waiting":
            waiting(org.officer, requirement)
        elif step == "allocated":
            services.programme_allocate(by=org.officer, referral=waiting(org.officer, requirement), group=group)
        elif step == "started":
            started(org.officer, group, requirement)
        else:
            services.programme_suitability_decide(
                by=org.officer, referral=refer(org.officer, requirement), suitable=False, notes="Denial"
            )
        response = client_for(org.officer).get(page_url(requirement))
        assert set(response.context["forms"]) == forms

    def test_sessions_attended_and_time_waited(self, org, client_for):
        requirement = programme_requirement(org.officer)
        referral = started(org.officer, group_for(org.nps, start_date=date(2026, 11, 20)), requirement)
        attend(org.officer, referral, 4)
        services.programme_session_record(
            by=org.officer, referral=referral, session_number=5, session_date=TODAY, attended=False
        )
        response = client_for(org.officer).get(page_url(requirement))
        page = response.context["page"]
        assert page.sessions_text == "4 of 19"
        # Referred 1 October, started 20 November: 50 days.
        assert page.days_waited == 50
        assert page.waited_text == "50 days (7 weeks)"
        body = response.content.decode()
        assert "4 of 19" in body
        assert "50 days (7 weeks) before starting" in body
        assert response.context["forms"]["session"].initial["session_number"] == 6

    def test_other_kind_of_requirement_and_other_provider_are_not_found(self, org, client_for):
        rar = factories.RequirementFactory(
            sentence=factories.SentenceFactory(case=factories.CaseFactory(responsible_officer=org.officer))
        )
        elsewhere = programme_requirement(org.other_provider_officer)
        client = client_for(org.officer)
        assert client.get(page_url(rar)).status_code == 404
        assert client.get(page_url(elsewhere)).status_code == 404
        assert client.get(reverse("interventions:programme_refer", args=[elsewhere.pk])).status_code == 404
        referral = refer(org.other_provider_officer, elsewhere)
        url = reverse("interventions:programme_referral_suitability", args=[referral.pk])
        assert client.post(url, {"suitability-suitable": "yes"}).status_code == 404
        assert ProgrammeReferral.objects.get(pk=referral.pk).status == Status.REFERRED

    def test_query_count_is_constant_in_referrals_and_sessions(self, org, client_for):
        client = client_for(org.officer)

        def build(earlier: int, sessions: int) -> str:
            requirement = programme_requirement(org.officer)
            day = date(2026, 9, 2)
            for _ in range(earlier):
                old = refer(org.officer, requirement, on=day)
                services.programme_withdraw(by=org.officer, referral=old, reason="Error", on=day)
            group = group_for(org.nps, name=f"Group {earlier}", start_date=date(2026, 11, 20))
            referral = waiting(org.officer, requirement)
            services.programme_allocate(by=org.officer, referral=referral, group=group, on=date(2026, 10, 15))
            services.programme_start(by=org.officer, referral=referral, on=date(2026, 11, 20))
            attend(org.officer, referral, sessions)
            return page_url(requirement)

        few, few_sql = _count(client, build(1, 1))
        many, many_sql = _count(client, build(19, 19))
        assert few == many, many_sql
        assert many == PINNED["requirement_page"], many_sql

    def test_query_count_with_groups_to_choose(self, org, client_for):
        client = client_for(org.officer)

        def build(groups: int) -> str:
            requirement = programme_requirement(org.officer)
            for index in range(groups):
                group_for(org.crc if index % 2 else org.nps, name=f"G{groups}-{index}")
            waiting(org.officer, requirement)
            return page_url(requirement)

        few, _ = _count(client, build(2))
        many, many_sql = _count(client, build(20))
        assert few == many == PINNED["requirement_page_waiting"], many_sql


# Step pages ------------------------------------------------------------------------------------------------------


class TestStepPages:
    def test_suitability_form_records_the_decision(self, org, client_for):
        referral = refer(org.officer)
        url = reverse("interventions:programme_referral_suitability", args=[referral.pk])
        response = client_for(org.officer).post(
            url,
            {
                "suitability-suitable": "yes",
                "suitability-notes": "Motivated",
                "suitability-on-day": "8",
                "suitability-on-month": "10",
                "suitability-on-year": "2026",
            },
        )
        assert response.status_code == 302
        assert response["Location"] == page_url(referral.requirement)
        referral.refresh_from_db()
        assert (referral.status, referral.suitability_decided_on) == (Status.WAITING, date(2026, 10, 8))

    def test_bad_input_is_400_and_changes_nothing(self, org, client_for):
        referral = refer(org.officer)
        before = snapshot(referral)
        url = reverse("interventions:programme_referral_suitability", args=[referral.pk])
        response = client_for(org.officer).post(
            url,
            {
                "suitability-suitable": "no",
                "suitability-notes": "",
                "suitability-on-day": "1",
                "suitability-on-month": "10",
                "suitability-on-year": "2026",
            },
        )
        assert response.status_code == 400
        assert "Say why the person is not suitable." in response.content.decode()
        assert snapshot(referral) == before

    def test_a_step_the_status_does_not_allow_is_refused(self, org, client_for):
        referral = refer(org.officer)
        before = snapshot(referral)
        url = reverse("interventions:programme_referral_start", args=[referral.pk])
        client = client_for(org.officer)
        for response in (client.get(url), client.post(url, {})):
            assert response.status_code == 400
            assert (
                "This referral is waiting for a suitability decision: the programme can start only for a person "
                "allocated to a group." in response.content.decode()
            )
        assert snapshot(referral) == before

    def test_complete_refusal_shows_the_numbers(self, org, client_for):
        referral = started(org.officer, group_for(org.nps))
        attend(org.officer, referral, 2)
        url = reverse("interventions:programme_referral_complete", args=[referral.pk])
        response = client_for(org.officer).post(
            url, {"complete-on-day": "25", "complete-on-month": "11", "complete-on-year": "2026"}
        )
        assert response.status_code == 400
        assert "2 of 19 sessions of Thinking Skills Programme are recorded as attended" in response.content.decode()
        assert ProgrammeReferral.objects.get(pk=referral.pk).status == Status.STARTED

    def test_refer_page(self, org, client_for):
        requirement = programme_requirement(org.officer)
        url = reverse("interventions:programme_refer", args=[requirement.pk])
        programme = factories.programme("resolve")
        response = client_for(org.officer).post(
            url,
            {
                "refer-programme": str(programme.pk),
                "refer-referred_on-day": "25",
                "refer-referred_on-month": "11",
                "refer-referred_on-year": "2026",
            },
        )
        assert response.status_code == 302
        referral = ProgrammeReferral.objects.get(requirement=requirement)
        assert (referral.programme, referral.referred_by) == (programme, org.officer)


# Waiting list -------------------------------------------------------------------------------------------------------


class TestWaitingList:
    URL = reverse("interventions:programme_waiting_list")

    def test_longest_wait_first_with_days_and_weeks(self, org, client_for):
        long_wait = refer(org.officer, on=date(2026, 9, 1))  # 85 days
        suitable = waiting(org.colleague, on=date(2026, 10, 1))  # 55 days, waiting for a group
        recent = refer(org.officer, on=date(2026, 11, 22))  # 3 days
        services.programme_withdraw(by=org.officer, referral=refer(org.officer), reason="Error")
        started(org.officer, group_for(org.nps))
        early = date(2026, 6, 1)
        other_team = refer(
            org.other_team_officer,
            programme_requirement(org.other_team_officer, sentence_date=early),
            on=date(2026, 8, 1),
        )
        refer(
            org.other_provider_officer,
            programme_requirement(org.other_provider_officer, sentence_date=early),
            on=date(2026, 7, 1),
        )

        rows = client_for(org.officer).get(self.URL).context["rows"]
        assert [(row.pk, row.days_waited, row.waited_weeks) for row in rows] == [
            (long_wait.pk, 85, 12),
            (suitable.pk, 55, 7),
            (recent.pk, 3, 0),
        ]
        manager_rows = client_for(org.manager).get(self.URL).context["rows"]
        assert [row.pk for row in manager_rows] == [other_team.pk, long_wait.pk, suitable.pk, recent.pk]

    def test_filter_by_programme(self, org, client_for):
        refer(org.officer)
        resolve = services.programme_refer(
            by=org.officer, requirement=programme_requirement(org.officer), programme=factories.programme("resolve")
        )
        response = client_for(org.officer).get(self.URL, {"programme": "resolve"})
        assert [row.pk for row in response.context["rows"]] == [resolve.pk]
        assert client_for(org.officer).get(self.URL, {"programme": "nonsense"}).status_code == 400

    def test_staff_without_case_work_get_not_found(self, org, client_for):
        assert client_for(org.upw).get(self.URL).status_code == 404
        assert client_for(org.court_user).get(self.URL).status_code == 404

    def test_query_count_is_constant(self, org, client_for):
        client = client_for(org.manager)
        for _ in range(2):
            refer(org.officer)
        few, _ = _count(client, self.URL)
        for _ in range(18):
            waiting(org.colleague)
        many, many_sql = _count(client, self.URL)
        assert len(client.get(self.URL).context["rows"]) == 20
        assert few == many == PINNED["waiting_list"], many_sql


# Groups -------------------------------------------------------------------------------------------------------------


class TestGroups:
    def test_list_shows_places_taken_of_the_providers_groups(self, org, client_for):
        group = group_for(org.nps, name="TSP Tuesdays", capacity=8)
        started(org.officer, group)
        services.programme_allocate(by=org.officer, referral=waiting(org.officer), group=group)
        group_for(org.crc, name="CRC group")
        response = client_for(org.officer).get(reverse("interventions:programme_groups"))
        groups = response.context["groups"]
        assert [(item.name, item.places_taken) for item in groups] == [("TSP Tuesdays", 2)]
        assert response.context["can_create"] is False
        assert client_for(org.manager).get(reverse("interventions:programme_groups")).context["can_create"] is True

    def test_manager_sets_up_a_group(self, org, client_for):
        response = client_for(org.manager).post(
            reverse("interventions:programme_group_new"),
            {
                "programme": str(factories.programme().pk),
                "name": "TSP Thursdays",
                "start_date-day": "7",
                "start_date-month": "1",
                "start_date-year": "2027",
                "location": "Oldham",
                "capacity": "12",
                "facilitator": "",
            },
        )
        assert response.status_code == 302
        group = ProgrammeGroup.objects.get(name="TSP Thursdays")
        assert (group.provider, group.capacity, group.created_by) == (org.nps, 12, org.manager)

    def test_officer_cannot_set_up_a_group(self, org, client_for):
        response = client_for(org.officer).post(reverse("interventions:programme_group_new"), {"name": "X"})
        assert response.status_code == 400
        assert not ProgrammeGroup.objects.exists()

    def test_group_page_names_visible_members_and_counts_others(self, org, client_for):
        group = group_for(org.nps)
        mine = started(org.officer, group)
        started(org.other_team_officer, group)
        response = client_for(org.officer).get(reverse("interventions:programme_group", args=[group.pk]))
        members = response.context["members"]
        assert [member.pk for member in members.members] == [mine.pk]
        assert members.hidden == 1
        assert "1 other person from cases you do not hold is in this group." in response.content.decode()

    def test_other_providers_group_is_not_found(self, org, client_for):
        group = group_for(org.crc)
        assert client_for(org.officer).get(reverse("interventions:programme_group", args=[group.pk])).status_code == 404
        # ...unless one of the officer's cases is in it.
        started(org.officer, group)
        assert client_for(org.officer).get(reverse("interventions:programme_group", args=[group.pk])).status_code == 200


PINNED = {
    # Session, user, requirement, referrals, sessions, team, provider, alerts, person flags (2), session save (3).
    "requirement_page": 13,
    # The same, and the groups the person waiting could join.
    "requirement_page_waiting": 14,
    # Session, user, programmes, team, referrals, provider, alerts, session save (3).
    "waiting_list": 10,
}


def test_waited_text():
    assert selectors.waited_text(0) == "0 days (under a week)"
    assert selectors.waited_text(1) == "1 day (under a week)"
    assert selectors.waited_text(7) == "7 days (1 week)"
    assert selectors.waited_text(45) == "45 days (6 weeks)"


def test_days_waited_runs_to_the_start_or_the_close(org):
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        referral = refer(org.officer, on=date(2026, 11, 1))
        assert selectors.days_waited(referral) == 24
        services.programme_withdraw(by=org.officer, referral=referral, reason="Error", on=date(2026, 11, 11))
        referral.refresh_from_db()
        assert selectors.days_waited(referral, TODAY + timedelta(days=30)) == 10
