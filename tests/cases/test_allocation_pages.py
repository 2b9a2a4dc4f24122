"""Pages: the allocation queue, allocating a case, transferring it, and the officer history of a case."""

import html
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Case, Disposal, OfficerAssignment
from tests import factories
from tests.cases import test_allocation_setup as setup
from tests.cases.test_allocation_setup import (
    HIGH,
    LOW,
    MEDIUM,
    held_case,
    waiting_case,
)

# Fixtures shared with the other allocation modules.
frozen = setup.frozen
youth = setup.youth

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

QUEUE = reverse("cases:allocation_queue")


def _allocate_url(case, **params):
    url = reverse("cases:case_allocate", args=[case.pk])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in params.items()) if params else "")


def _text(response) -> str:
    """What the page says: tags removed, entities decoded, white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), "\n".join(query["sql"] for query in captured.captured_queries)


class TestQueue:
    @pytest.mark.parametrize("who", ["officer", "colleague", "upw", "court_user", "administrator"])
    def test_only_managers_and_administrators_with_a_team(self, org, client_for, who):
        waiting_case(org.nps)

        response = client_for(getattr(org, who)).get(QUEUE)

        assert response.status_code == 403

    def test_an_administrator_with_a_team_sees_the_queue(self, org, client_for):
        waiting_case(org.nps, last_name="Queued")

        response = client_for(factories.AdministratorFactory(team=org.team_a)).get(QUEUE)

        assert response.status_code == 200
        assert "Queued" in _text(response)

    def test_lists_waiting_cases_oldest_sentence_first_with_where_they_must_go(self, org, client_for):
        newer = waiting_case(org.nps, rosh=MEDIUM, last_name="Newer", sentenced_on=date(2026, 11, 9))
        older = waiting_case(org.nps, rosh=HIGH, last_name="Older", sentenced_on=date(2026, 11, 2))
        blocked = waiting_case(org.nps, rosh=None, last_name="Blocked", sentenced_on=date(2026, 11, 5))
        mappa = waiting_case(org.nps, rosh=LOW, mappa=True, last_name="Mappa", sentenced_on=date(2026, 11, 6))
        factories.CaseFactory(responsible_officer=org.officer, person__last_name="Activeperson")

        response = client_for(org.manager).get(QUEUE)

        assert response.status_code == 200
        assert [row["case"].pk for row in response.context["rows"]] == [older.pk, blocked.pk, mappa.pk, newer.pk]
        destinations = {row["case"].pk: row["decision"].short_label for row in response.context["rows"]}
        assert destinations == {
            older.pk: "NPS",
            blocked.pk: "Blocked: no RoSH assessment",
            mappa.pk: "NPS",
            newer.pk: "CRC",
        }
        text = _text(response)
        assert "Activeperson" not in text
        assert "Blocked: no risk of serious harm assessment" in text
        assert "Community order" in text
        assert reverse("risk:assessment_new", args=[blocked.person.crn]) in response.content.decode()
        assert _allocate_url(older) in response.content.decode()

    def test_allocate_by_is_two_working_days_after_sentence_with_an_overdue_tag(self, org, client_for):
        late = waiting_case(org.nps, sentenced_on=date(2026, 11, 5))  # Thursday: by Monday 9 November
        due_today = waiting_case(org.nps, sentenced_on=date(2026, 11, 6))  # Friday: by Tuesday 10 November

        response = client_for(org.manager).get(QUEUE)

        rows = {row["case"].pk: row for row in response.context["rows"]}
        assert (rows[late.pk]["allocate_by"], rows[late.pk]["overdue"]) == (date(2026, 11, 9), True)
        assert (rows[due_today.pk]["allocate_by"], rows[due_today.pk]["overdue"]) == (date(2026, 11, 10), False)
        markup = response.content.decode()
        assert markup.count('data-testid="overdue"') == 1
        assert "9 Nov 2026 <strong" in " ".join(markup.split())

    def test_a_child_shows_yot(self, org, client_for, youth):
        waiting_case(youth.provider, rosh=None, born=date(2010, 1, 1), disposal=Disposal.REFERRAL_ORDER)

        response = client_for(youth.manager).get(QUEUE)

        assert [row["decision"].short_label for row in response.context["rows"]] == ["YOT"]

    def test_other_providers_queues_are_not_shown(self, org, client_for):
        waiting_case(org.nps, last_name="Nortonqueue")

        response = client_for(org.other_provider_manager).get(QUEUE)

        assert response.context["rows"] == []
        assert "Nortonqueue" not in _text(response)
        assert "There are no cases waiting for allocation." in _text(response)

    def test_crc_cases_that_should_move_to_the_nps(self, org, client_for):
        high = held_case(org.other_provider_officer, rosh=HIGH)
        mappa = held_case(org.other_provider_officer, rosh=LOW, mappa=True)
        held_case(org.other_provider_officer, rosh=MEDIUM)
        held_case(org.other_provider_officer, rosh=None)

        response = client_for(org.other_provider_manager).get(QUEUE)

        assert [case.pk for case in response.context["to_transfer"]] == [high.pk, mappa.pk]
        markup = response.content.decode()
        assert reverse("cases:case_transfer", args=[high.pk]) in markup
        assert "Category 2, level 2" in _text(response)

    def test_query_count_is_constant(self, org, client_for):
        client = client_for(org.manager)
        levels = [None, LOW, MEDIUM, HIGH]

        def make(count, start):
            for index in range(count):
                waiting_case(org.nps, rosh=levels[index % 4], mappa=index % 3 == 0, born=date(1970 + index % 40, 1, 1))
                held_case(org.other_provider_officer, rosh=HIGH)  # out of this manager's scope

        make(3, 0)
        small, _sql = _queries(client, QUEUE)
        make(22, 3)
        large, sql = _queries(client, QUEUE)

        assert small == large == QUEUE_QUERIES, sql

    def test_transfer_list_query_count_is_constant(self, org, client_for):
        client = client_for(org.other_provider_manager)
        for _index in range(2):
            held_case(org.other_provider_officer, rosh=HIGH)
        small, _sql = _queries(client, QUEUE)
        for _index in range(15):
            held_case(factories.OfficerFactory(team=org.team_b), rosh=HIGH, mappa=True)
        large, sql = _queries(client, QUEUE)

        assert small == large == QUEUE_QUERIES_CRC, sql


# Every signed-in page pays 8: session and user 5 (tests/cases/test_query_counts.py), the header's team and
# provider 2, the alerts panel 1. Then the page's own work.
QUEUE_QUERIES = 11  # count + page of the queue + cases that should move
QUEUE_QUERIES_CRC = 10  # an empty queue skips its page query


class TestAllocatePage:
    def test_shows_the_decision_and_the_teams_of_the_required_provider_type(self, org, client_for):
        case = waiting_case(org.nps, rosh=MEDIUM)

        response = client_for(org.manager).get(_allocate_url(case))

        assert response.status_code == 200
        text = _text(response)
        assert "Allocate case" in text
        assert "CRC" in text and "The risk of serious harm is medium" in text
        assert [team.pk for team in response.context["teams"]] == [org.team_b.pk]
        assert f'name="team" type="radio" value="{org.team_b.pk}"' in response.content.decode()

    def test_blocked_shows_the_message_and_a_link_to_record_an_assessment(self, org, client_for):
        case = waiting_case(org.nps, rosh=None, first_name="Dan", middle_names="", last_name="Doe")

        response = client_for(org.manager).get(_allocate_url(case))

        assert response.status_code == 200
        assert "Allocation is blocked: record a risk of serious harm assessment for Dan Doe first." in _text(response)
        assert reverse("risk:assessment_new", args=[case.person.crn]) in response.content.decode()
        assert 'name="team"' not in response.content.decode()

    def test_choosing_a_team_shows_its_officers_with_their_caseloads(self, org, client_for):
        case = waiting_case(org.nps, rosh=HIGH)
        for _index in range(3):
            factories.CaseFactory(responsible_officer=org.officer)
        factories.CaseFactory(responsible_officer=org.officer, ended=True)  # not counted
        factories.CaseFactory(responsible_officer=org.colleague)

        response = client_for(org.manager).get(_allocate_url(case, team=org.team_a.pk))

        assert response.status_code == 200
        officers = {officer.pk: officer.active_cases for officer in response.context["officers"]}
        assert officers == {org.officer.pk: 3, org.colleague.pk: 1}  # the manager and UPW supervisor hold no cases
        markup = " ".join(response.content.decode().split())
        assert f'data-testid="caseload-{org.officer.pk}">Current caseload: 3 active cases' in markup
        assert f'data-testid="caseload-{org.colleague.pk}">Current caseload: 1 active case<' in markup

    def test_a_team_not_offered_is_a_400(self, org, client_for):
        case = waiting_case(org.nps, rosh=HIGH)

        response = client_for(org.manager).get(_allocate_url(case, team=org.team_b.pk))

        assert response.status_code == 400
        assert "Choose one of the teams listed" in _text(response)
        assert "There is a problem" in _text(response)

    def test_allocating(self, org, client_for):
        case = waiting_case(org.nps, rosh=HIGH)
        client = client_for(org.manager)

        response = client.post(
            _allocate_url(case),
            {
                "team": org.team_a.pk,
                "responsible_officer": org.officer.pk,
                "oversight_note": "High risk: allocated to an experienced officer; review in supervision.",
            },
            follow=True,
        )

        assert response.redirect_chain == [(reverse("cases:case", args=[case.pk]), 302)]
        assert "Case allocated to Olivia Okafor, Manchester North" in _text(response)
        case.refresh_from_db()
        assert (case.status, case.responsible_officer) == (Case.Status.ACTIVE, org.officer)
        assert OfficerAssignment.objects.get(case=case).assigned_by == org.manager

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({}, "Choose a team"),
            ({"team": "x", "responsible_officer": "1"}, "Choose one of the teams listed"),
            ({"team": "TEAM_A"}, "Choose a responsible officer"),
            (
                {"team": "TEAM_A", "responsible_officer": "OTHER_TEAM"},
                "Tariq Thompson is not a member of Manchester North.",
            ),
            ({"team": "TEAM_B", "responsible_officer": "CRC_OFFICER"}, "must be supervised by the National Probation"),
        ],
    )
    def test_bad_input_is_a_400_and_changes_nothing(self, org, client_for, data, message):
        case = waiting_case(org.nps, rosh=HIGH)
        ids = {
            "TEAM_A": org.team_a.pk,
            "TEAM_B": org.team_b.pk,
            "OTHER_TEAM": org.other_team_officer.pk,
            "CRC_OFFICER": org.other_provider_officer.pk,
        }
        data = {key: ids.get(value, value) for key, value in data.items()}

        response = client_for(org.manager).post(_allocate_url(case), data)

        assert response.status_code == 400
        assert "There is a problem" in _text(response)
        assert message in _text(response)
        case.refresh_from_db()
        assert case.status == Case.Status.AWAITING_ALLOCATION
        assert not OfficerAssignment.objects.exists()

    def test_posting_while_blocked_is_a_400(self, org, client_for):
        case = waiting_case(org.nps, rosh=None)

        response = client_for(org.manager).post(
            _allocate_url(case), {"team": org.team_b.pk, "responsible_officer": org.other_provider_officer.pk}
        )

        assert response.status_code == 400
        assert "Allocation is blocked" in _text(response)
        assert Case.objects.get(pk=case.pk).status == Case.Status.AWAITING_ALLOCATION

    @pytest.mark.parametrize("who", ["officer", "upw"])
    def test_403_for_staff_who_are_not_managers(self, org, client_for, who):
        case = waiting_case(org.nps, rosh=HIGH)
        case.team = org.team_a  # so the officer's scope (their team) includes it
        case.save()

        assert client_for(getattr(org, who)).get(_allocate_url(case)).status_code in (403, 404)
        assert client_for(org.officer).get(_allocate_url(case)).status_code == 403

    def test_404_outside_scope(self, org, client_for):
        case = waiting_case(org.nps, rosh=HIGH)

        assert client_for(org.other_provider_manager).get(_allocate_url(case)).status_code == 404

    def test_an_active_case_is_refused_with_a_link_to_transfer(self, org, client_for):
        case = held_case(org.officer)

        response = client_for(org.manager).get(_allocate_url(case))

        assert response.status_code == 400
        assert "This case is not waiting for allocation" in _text(response)
        assert reverse("cases:case_transfer", args=[case.pk]) in response.content.decode()

    def test_officer_list_query_count_is_constant(self, org, client_for):
        case = waiting_case(org.nps, rosh=HIGH)
        client = client_for(org.manager)
        url = _allocate_url(case, team=org.team_a.pk)

        def make(count):
            for officer in factories.OfficerFactory.create_batch(count, team=org.team_a):
                factories.CaseFactory(responsible_officer=officer)

        make(2)
        small, _sql = _queries(client, url)
        make(18)
        large, sql = _queries(client, url)

        assert small == large == ALLOCATE_PAGE_QUERIES, sql


# 8 per signed-in page (see QUEUE_QUERIES) + case + decision (risk) + current sentence + teams + the team choice
# + officers with caseloads.
ALLOCATE_PAGE_QUERIES = 14


class TestTransferPage:
    def test_offers_the_providers_own_teams_and_shows_the_rule(self, org, client_for):
        case = held_case(org.other_provider_officer, rosh=HIGH)

        response = client_for(org.other_provider_manager).get(reverse("cases:case_transfer", args=[case.pk]))

        assert response.status_code == 200
        assert {team.pk for team in response.context["teams"]} == {org.team_a.pk, org.team_a2.pk, org.team_b.pk}
        assert "Stockport CRC should not hold this case: transfer it to the National Probation Service." in _text(
            response
        )

    def test_the_current_officer_cannot_be_chosen(self, org, client_for):
        case = held_case(org.officer, rosh=HIGH)

        response = client_for(org.manager).get(
            reverse("cases:case_transfer", args=[case.pk]) + f"?team={org.team_a.pk}"
        )

        radios = {
            int(value): "disabled" in rest
            for value, rest in re.findall(
                r'name="responsible_officer" type="radio" value="(\d+)"([^>]*)>', response.content.decode()
            )
        }
        assert radios == {org.colleague.pk: False, org.officer.pk: True}
        assert "Holds this case now. Current caseload: 1 active case" in _text(response)

    def test_transferring(self, org, client_for):
        case = held_case(org.other_provider_officer, rosh=HIGH)

        response = client_for(org.other_provider_manager).post(
            reverse("cases:case_transfer", args=[case.pk]),
            {"team": org.team_a.pk, "responsible_officer": org.officer.pk, "reason": "risk_increased"},
        )

        assert response.status_code == 302
        assert response["Location"] == reverse("cases:case_officers", args=[case.pk])
        case.refresh_from_db()
        assert (case.provider, case.responsible_officer) == (org.nps, org.officer)
        assert case.assignments.get(end_date__isnull=True).kind == OfficerAssignment.Kind.TRANSFER_BETWEEN_PROVIDERS

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"responsible_officer": "HOLDER", "reason": "workload"}, "Olivia Okafor already holds this case"),
            ({"responsible_officer": "COLLEAGUE", "reason": "other"}, "Say why, when the reason is 'Other'."),
            ({"responsible_officer": "COLLEAGUE"}, "Choose why the case is moving"),
        ],
    )
    def test_bad_input_is_a_400_and_changes_nothing(self, org, client_for, data, message):
        case = held_case(org.officer, rosh=HIGH)
        ids = {"HOLDER": org.officer.pk, "COLLEAGUE": org.colleague.pk}
        data = {"team": org.team_a.pk, **{key: ids.get(value, value) for key, value in data.items()}}

        response = client_for(org.manager).post(reverse("cases:case_transfer", args=[case.pk]), data)

        assert response.status_code == 400
        assert message in _text(response)
        assert Case.objects.get(pk=case.pk).responsible_officer == org.officer
        assert case.assignments.filter(end_date__isnull=True).count() == 1

    def test_403_for_an_officer(self, org, client_for):
        case = held_case(org.officer, rosh=HIGH)

        assert client_for(org.officer).get(reverse("cases:case_transfer", args=[case.pk])).status_code == 403

    def test_a_case_waiting_for_allocation_links_to_allocate(self, org, client_for):
        case = waiting_case(org.nps)

        response = client_for(org.manager).get(reverse("cases:case_transfer", args=[case.pk]))

        assert response.status_code == 400
        assert _allocate_url(case) in response.content.decode()


class TestOfficerHistoryPage:
    def test_lists_every_assignment_newest_first_with_who_assigned(self, org, client_for):
        case = held_case(org.officer, rosh=HIGH)
        first = case.assignments.get()
        from cases.services.allocation import case_transfer

        case_transfer(
            by=org.manager,
            case=case,
            team=org.team_a,
            responsible_officer=org.colleague,
            reason="other",
            reason_details="Officer on a secondment",
            on=date(2026, 11, 9),
        )

        response = client_for(org.colleague).get(reverse("cases:case_officers", args=[case.pk]))

        assert response.status_code == 200
        assert [assignment.pk for assignment in response.context["assignments"]][1] == first.pk
        text = _text(response)
        assert "2 responsible officers have held this case." in text
        assert (
            "Colin Cartwright Manchester North NPS North West 9 Nov 2026 Now Transferred to another officer "
            "Other Officer on a secondment Maya Mensah" in text
        )
        assert "Olivia Okafor Manchester North NPS North West 6 Jan 2026 9 Nov 2026 Allocated after sentence" in text
        assert reverse("cases:case_transfer", args=[case.pk]) not in response.content.decode()  # not a manager

    def test_managers_get_a_transfer_button(self, org, client_for):
        case = held_case(org.officer, rosh=HIGH)

        response = client_for(org.manager).get(reverse("cases:case_officers", args=[case.pk]))

        assert reverse("cases:case_transfer", args=[case.pk]) in response.content.decode()

    def test_a_waiting_case_says_so_and_offers_allocation_to_its_manager(self, org, client_for):
        case = waiting_case(org.nps)

        response = client_for(org.manager).get(reverse("cases:case_officers", args=[case.pk]))

        assert "This case is waiting for allocation: no officer has held it yet." in _text(response)
        assert _allocate_url(case) in response.content.decode()

    def test_404_outside_scope(self, org, client_for):
        case = held_case(org.officer)

        assert (
            client_for(org.other_provider_officer).get(reverse("cases:case_officers", args=[case.pk])).status_code
            == 404
        )

    def test_query_count_is_constant(self, org, client_for):
        from cases.services.allocation import case_transfer

        case = held_case(org.officer, rosh=HIGH)
        client = client_for(org.manager)
        url = reverse("cases:case_officers", args=[case.pk])
        officers = [org.colleague, org.officer]

        def transfer(times):
            for _index in range(times):
                holder = Case.objects.get(pk=case.pk).responsible_officer
                target = officers[0] if holder == officers[1] else officers[1]
                case_transfer(by=org.manager, case=case, team=org.team_a, responsible_officer=target, reason="workload")

        transfer(1)
        small, _sql = _queries(client, url)
        transfer(10)
        large, sql = _queries(client, url)

        assert small == large, sql
