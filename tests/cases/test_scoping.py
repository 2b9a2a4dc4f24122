"""Who sees which case: pages, search and counts all follow cases.selectors; out of scope is 404, not 403."""

import re

import pytest
from django.urls import reverse

from cases import selectors
from cases.models import AccessRecord
from tests import factories
from tests.conftest import SCOPED_CASE_KEYS, VISIBLE_CASES

pytestmark = pytest.mark.django_db

ALL_STAFF = list(VISIBLE_CASES)


def _pages(case) -> list[str]:
    crn = case.person.crn
    return [
        reverse("cases:person", args=[crn]),
        reverse("cases:person_history", args=[crn]),
        reverse("cases:person_contact_details", args=[crn]),
        reverse("cases:case", args=[case.pk]),
        reverse("cases:case_history", args=[case.pk]),
    ]


def _without_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.mark.parametrize("who", ALL_STAFF)
def test_selectors_return_exactly_the_cases_in_scope(org, scoped_cases, who):
    user = getattr(org, who)
    expected = {getattr(scoped_cases, key).pk for key in VISIBLE_CASES[who]}

    assert set(selectors.cases_visible_to(user).values_list("pk", flat=True)) == expected
    expected_people = {getattr(scoped_cases, key).person_id for key in VISIBLE_CASES[who]}
    assert set(selectors.people_visible_to(user).values_list("pk", flat=True)) == expected_people


@pytest.mark.parametrize("who", ALL_STAFF)
def test_person_and_case_pages_are_404_outside_scope(org, scoped_cases, client_for, who):
    client = client_for(getattr(org, who))

    outcomes = {}
    for key in SCOPED_CASE_KEYS:
        for url in _pages(getattr(scoped_cases, key)):
            outcomes[url] = client.get(url).status_code

    expected = {
        url: 200 if key in VISIBLE_CASES[who] else 404
        for key in SCOPED_CASE_KEYS
        for url in _pages(getattr(scoped_cases, key))
    }
    assert outcomes == expected


def test_404_page_does_not_say_whether_the_person_exists(org, scoped_cases, client_for):
    client = client_for(org.officer)

    out_of_scope = client.get(reverse("cases:person", args=[scoped_cases.other_team.person.crn]))
    missing = client.get(reverse("cases:person", args=["Z999999"]))

    assert out_of_scope.status_code == missing.status_code == 404
    assert _without_csrf(out_of_scope) == _without_csrf(missing)
    assert b"Otherteam" not in out_of_scope.content


def test_post_to_contact_details_outside_scope_changes_nothing(org, scoped_cases, client_for):
    person = scoped_cases.other_team.person

    response = client_for(org.officer).post(
        reverse("cases:person_contact_details", args=[person.crn]),
        {"telephone": "0161 496 0111", "mobile": "", "email": ""},
    )

    assert response.status_code == 404
    person.refresh_from_db()
    assert person.telephone == ""
    assert person.history.count() == 1


def test_person_page_lists_only_cases_in_scope(org, client_for):
    """A person with an ended case at another provider: that case is not shown to this provider's staff."""
    current = factories.CaseFactory(responsible_officer=org.officer)
    old = factories.CaseFactory(person=current.person, responsible_officer=org.other_provider_officer, ended=True)

    response = client_for(org.manager).get(reverse("cases:person", args=[current.person.crn]))

    assert [case.pk for case in response.context["cases"]] == [current.pk]
    assert response.context["open_case"] == current
    assert client_for(org.manager).get(reverse("cases:case", args=[old.pk])).status_code == 404


def test_crn_in_the_url_is_case_insensitive(org, scoped_cases, client_for):
    response = client_for(org.officer).get(reverse("cases:person", args=[scoped_cases.own.person.crn.lower()]))

    assert response.status_code == 200


def test_administrator_with_a_team_sees_their_provider(org, scoped_cases):
    administrator = factories.AdministratorFactory(team=org.team_a)

    visible = set(selectors.cases_visible_to(administrator).values_list("pk", flat=True))

    assert visible == {getattr(scoped_cases, key).pk for key in VISIBLE_CASES["manager"]}


def test_inactive_staff_see_nothing(org, scoped_cases):
    org.manager.is_active = False

    assert not selectors.cases_visible_to(org.manager).exists()
    assert not selectors.people_visible_to(org.manager).exists()


def test_previous_team_cases_held_by_the_officer_stay_visible(org):
    """An officer sees the cases they hold even if the case sits with another team of the provider."""
    case = factories.CaseFactory(responsible_officer=org.officer, team=org.team_a2)

    assert list(selectors.cases_visible_to(org.officer)) == [case]
    assert list(selectors.cases_visible_to(org.colleague)) == []


class TestSearchIsScoped:
    @pytest.mark.parametrize("who", ALL_STAFF)
    @pytest.mark.parametrize("by", ["name", "crn", "date_of_birth"])
    def test_search_finds_only_people_in_scope(self, org, scoped_cases, client_for, who, by):
        client = client_for(getattr(org, who))

        found = set()
        for key in SCOPED_CASE_KEYS:
            person = getattr(scoped_cases, key).person
            query = {
                "name": f"pat {person.last_name}",
                "crn": person.crn,
                "date_of_birth": person.date_of_birth.strftime("%d/%m/%Y"),
            }[by]
            response = client.get(reverse("cases:search"), {"q": query})
            assert response.status_code == 200
            found |= {
                key for key in SCOPED_CASE_KEYS if getattr(scoped_cases, key).person in response.context["page_obj"]
            }

        assert found == VISIBLE_CASES[who]

    def test_search_for_everyone_named_pat_counts_only_people_in_scope(self, org, scoped_cases, client_for):
        response = client_for(org.officer).get(reverse("cases:search"), {"q": "Pat"})

        assert response.context["page_obj"].paginator.count == 2
        assert "2 results for ‘Pat’" in response.content.decode()

    def test_open_case_column_shows_only_cases_in_scope(self, org, client_for):
        """A person visible through an old case: an open case at another provider is not described."""
        old = factories.CaseFactory(responsible_officer=org.officer, ended=True, person__last_name="Mover")
        factories.CaseFactory(person=old.person, responsible_officer=org.other_provider_officer)

        response = client_for(org.officer).get(reverse("cases:search"), {"q": "Mover"})

        (person,) = response.context["page_obj"]
        assert person.open_cases == []
        assert "Bethan Barker" not in response.content.decode()


class TestCountsAreScoped:
    def test_caseload_count_is_the_officers_own_active_cases(self, org, scoped_cases, client_for):
        response = client_for(org.officer).get(reverse("cases:caseload"))

        assert response.context["page_obj"].paginator.count == 1
        assert "You are the responsible officer for 1 active case." in response.content.decode()

    def test_team_page_counts_for_the_manager(self, org, scoped_cases, client_for):
        response = client_for(org.manager).get(reverse("cases:team"))

        counts = {officer.username: officer.active_cases for officer in response.context["officers"]}
        assert counts == {"colin": 1, "maya": 0, "olivia": 1}
        assert response.context["total_active"] == 2
        assert {case.pk for case in response.context["page_obj"]} == {scoped_cases.own.pk, scoped_cases.team.pk}

    def test_team_page_for_the_other_provider(self, org, scoped_cases, client_for):
        response = client_for(org.other_provider_manager).get(reverse("cases:team"))

        assert response.context["total_active"] == 1
        assert [case.pk for case in response.context["page_obj"]] == [scoped_cases.other_provider.pk]

    def test_team_page_does_not_count_cases_held_in_another_team(self, org, client_for):
        """A case with team_a2 held by a team_a officer is not one of team_a's cases."""
        factories.CaseFactory(responsible_officer=org.officer, team=org.team_a2)

        response = client_for(org.manager).get(reverse("cases:team"))

        assert response.context["page_obj"].paginator.count == 0


def test_no_access_records_for_unrestricted_people(org, scoped_cases, client_for):
    client = client_for(org.manager)
    for key in VISIBLE_CASES["manager"]:
        for url in _pages(getattr(scoped_cases, key)):
            assert client.get(url).status_code == 200

    assert not AccessRecord.objects.exists()
