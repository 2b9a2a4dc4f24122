"""Team page: officers with their active-case counts, the team's active cases, filter by officer."""

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("cases:team")


@pytest.fixture
def team_cases(org):
    factories.CaseFactory.create_batch(3, responsible_officer=org.officer)
    factories.CaseFactory.create_batch(2, responsible_officer=org.colleague)
    factories.CaseFactory(responsible_officer=org.manager)
    # Not counted: ended cases, cases waiting for allocation, another team's and another provider's cases.
    factories.CaseFactory(responsible_officer=org.officer, ended=True)
    factories.CaseFactory(awaiting_allocation=True, provider=org.nps)
    factories.CaseFactory.create_batch(4, responsible_officer=org.other_team_officer)
    factories.CaseFactory(responsible_officer=org.other_provider_officer)


def _counts(response) -> dict[str, int]:
    return {officer.get_full_name(): officer.active_cases for officer in response.context["officers"]}


def test_manager_sees_officers_with_active_case_counts(org, client_for, team_cases):
    response = client_for(org.manager).get(URL)

    assert response.status_code == 200
    # Officers and managers of the team only (not the unpaid work supervisor), by surname.
    assert _counts(response) == {"Colin Cartwright": 2, "Maya Mensah": 1, "Olivia Okafor": 3}
    assert list(_counts(response)) == ["Colin Cartwright", "Maya Mensah", "Olivia Okafor"]
    assert response.context["total_active"] == 6
    assert response.context["page_obj"].paginator.count == 6
    html = response.content.decode()
    assert "<strong>6</strong>" in html
    assert "All active cases in the team" in html


def test_filter_by_officer(org, client_for, team_cases):
    response = client_for(org.manager).get(URL, {"officer": org.colleague.pk})

    assert response.context["chosen_officer"] == org.colleague
    assert response.context["page_obj"].paginator.count == 2
    assert {case.responsible_officer for case in response.context["page_obj"]} == {org.colleague}
    assert "Active cases held by Colin Cartwright" in response.content.decode()
    # The officer table still shows everyone.
    assert response.context["total_active"] == 6


@pytest.mark.parametrize("officer", ["nonsense", "999999"])
def test_unknown_officer_shows_the_whole_team(org, client_for, team_cases, officer):
    response = client_for(org.manager).get(URL, {"officer": officer})

    assert response.context["chosen_officer"] is None
    assert response.context["page_obj"].paginator.count == 6


def test_officer_of_another_team_cannot_be_chosen(org, client_for, team_cases):
    response = client_for(org.manager).get(URL, {"officer": org.other_team_officer.pk})

    assert response.context["chosen_officer"] is None
    assert org.other_team_officer not in {case.responsible_officer for case in response.context["page_obj"]}


def test_officer_sees_their_own_team_page(org, client_for, team_cases):
    response = client_for(org.officer).get(URL)

    assert response.status_code == 200
    assert response.context["team"] == org.team_a
    assert _counts(response) == {"Colin Cartwright": 2, "Maya Mensah": 1, "Olivia Okafor": 3}


def test_yot_officers_are_case_managers(client_for):
    yot_team = factories.TeamFactory(provider=factories.ProviderFactory(yot=True))
    manager = factories.ManagerFactory(team=yot_team)
    factories.OfficerFactory(team=yot_team, first_name="Yasmin", last_name="Yates")

    response = client_for(manager).get(URL)

    assert "Case manager" in response.content.decode()


def test_team_page_paginates_and_keeps_the_filter(org, client_for):
    factories.CaseFactory.create_batch(27, responsible_officer=org.officer)
    client = client_for(org.manager)

    response = client.get(URL, {"officer": org.officer.pk, "page": 2})

    assert len(response.context["page_obj"]) == 2
    assert f'href="?officer={org.officer.pk}&amp;page=1"' in response.content.decode()


@pytest.mark.parametrize("role", ["court_user", "administrator"])
def test_staff_without_a_team_are_forbidden(org, client_for, role):
    response = client_for(getattr(org, role)).get(URL)

    assert response.status_code == 403
    assert "You do not have access to this page" in response.content.decode()


def test_rar_inactivity_tag_on_the_team_page(org, client_for, settings):
    settings.RAR_INACTIVITY_DAYS = 21
    with time_machine.travel(timezone.make_aware(datetime(2026, 11, 25, 12, 0)), tick=False):
        quiet = factories.CaseFactory(responsible_officer=org.colleague, person__crn="Q200000")
        factories.RequirementFactory(sentence=factories.SentenceFactory(case=quiet, sentence_date=date(2026, 9, 1)))
        busy = factories.CaseFactory(responsible_officer=org.officer, person__crn="B200000")
        factories.RequirementFactory(
            sentence=factories.SentenceFactory(case=busy, sentence_date=date(2026, 9, 1)),
            rar_days_delivered=3,
            last_rar_activity_on=date(2026, 11, 20),
        )

        response = client_for(org.manager).get(URL)

    assert {case.person.crn: case.rar_inactive for case in response.context["page_obj"]} == {
        "Q200000": True,
        "B200000": False,
    }
    html = response.content.decode()
    assert html.count('data-testid="rar-inactive-tag">No RAR activity for 3 weeks<') == 1
