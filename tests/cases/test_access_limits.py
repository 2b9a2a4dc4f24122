"""Exclusion and restriction lists: the person vanishes for the listed staff everywhere, and views are recorded.

Exclusion: the named member of staff must not see the person; their colleagues still do.
Restriction: only the named staff may see the person, and only if the case is in their scope anyway.
Ended entries no longer apply.
"""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import selectors
from cases.models import AccessRecord, PersonAccessLimit
from tests import factories

pytestmark = pytest.mark.django_db

EXCLUSION = PersonAccessLimit.Kind.EXCLUSION
RESTRICTION = PersonAccessLimit.Kind.RESTRICTION


@pytest.fixture
def restricted_case(org):
    """A case held by the colleague, for a person with a distinctive name and birthday."""
    return factories.CaseFactory(
        responsible_officer=org.colleague,
        person__first_name="Rene",
        person__last_name="Hiddleston",
        person__crn="H654321",
        person__date_of_birth=date(1949, 11, 30),
    )


def _limit(case, user, kind=EXCLUSION, **kwargs):
    return factories.PersonAccessLimitFactory(person=case.person, user=user, kind=kind, added_by=user, **kwargs)


def _person_pages(case) -> list[str]:
    crn = case.person.crn
    return [
        reverse("cases:person", args=[crn]),
        reverse("cases:person_history", args=[crn]),
        reverse("cases:person_contact_details", args=[crn]),
        reverse("cases:case", args=[case.pk]),
        reverse("cases:case_history", args=[case.pk]),
    ]


def _sees_everywhere(client, case, other_team_cases: int = 0) -> dict[str, bool]:
    """Whether the person turns up on each page, search and count a member of staff can reach.

    `other_team_cases`: how many other active cases of the team the user sees (the team total is that + 1
    when the person is visible).
    """
    person = case.person
    found = {}
    for url in _person_pages(case):
        found[url] = client.get(url).status_code == 200
    for query in ("Rene Hiddleston", person.crn, "30/11/1949", "1949-11-30"):
        response = client.get(reverse("cases:search"), {"q": query})
        found[f"search {query}"] = person in response.context["page_obj"]
    team = client.get(reverse("cases:team"))
    found["team page list"] = case in team.context["page_obj"]
    found["team page count"] = team.context["total_active"] == other_team_cases + 1
    return found


def _everywhere(value: bool, case) -> dict[str, bool]:
    keys = [*_person_pages(case)] + [
        f"search {query}" for query in ("Rene Hiddleston", case.person.crn, "30/11/1949", "1949-11-30")
    ]
    return dict.fromkeys(keys, value) | {"team page list": value, "team page count": value}


class TestExclusion:
    def test_excluded_officer_cannot_see_the_person_anywhere(self, org, client_for, restricted_case):
        _limit(restricted_case, org.officer)

        assert _sees_everywhere(client_for(org.officer), restricted_case) == _everywhere(False, restricted_case)

    def test_colleagues_and_manager_still_see_the_person(self, org, client_for, restricted_case):
        _limit(restricted_case, org.officer)

        for user in (org.colleague, org.manager):
            assert _sees_everywhere(client_for(user), restricted_case) == _everywhere(True, restricted_case)

    def test_excluded_manager_loses_the_person_but_keeps_the_rest(self, org, client_for, restricted_case):
        other = factories.CaseFactory(responsible_officer=org.officer)
        _limit(restricted_case, org.manager)

        visible = set(selectors.cases_visible_to(org.manager))

        assert visible == {other}
        assert _sees_everywhere(client_for(org.manager), restricted_case, other_team_cases=1) == _everywhere(
            False, restricted_case
        )

    def test_ended_exclusion_no_longer_applies(self, org, client_for, restricted_case):
        _limit(restricted_case, org.officer, ended=True)

        assert _sees_everywhere(client_for(org.officer), restricted_case) == _everywhere(True, restricted_case)

    def test_team_page_counts_exclude_the_person_for_the_excluded_officer(self, org, client_for, restricted_case):
        factories.CaseFactory(responsible_officer=org.colleague)
        _limit(restricted_case, org.officer)

        excluded_view = client_for(org.officer).get(reverse("cases:team"))
        colleague_view = client_for(org.colleague).get(reverse("cases:team"))

        def counts(response):
            return {officer.username: officer.active_cases for officer in response.context["officers"]}

        assert counts(excluded_view)["colin"] == 1
        assert excluded_view.context["total_active"] == 1
        assert counts(colleague_view)["colin"] == 2
        assert colleague_view.context["total_active"] == 2

    def test_caseload_count_excludes_a_person_the_holder_is_excluded_from(self, org, client_for):
        kept = factories.CaseFactory(responsible_officer=org.officer)
        hidden = factories.CaseFactory(responsible_officer=org.officer)
        _limit(hidden, org.officer)

        response = client_for(org.officer).get(reverse("cases:caseload"))

        assert list(response.context["page_obj"]) == [kept]
        assert "You are the responsible officer for 1 active case." in response.content.decode()


class TestRestriction:
    def test_only_listed_staff_see_the_person(self, org, client_for, restricted_case):
        _limit(restricted_case, org.colleague, kind=RESTRICTION)

        assert _sees_everywhere(client_for(org.colleague), restricted_case) == _everywhere(True, restricted_case)
        for user in (org.officer, org.manager):
            assert _sees_everywhere(client_for(user), restricted_case) == _everywhere(False, restricted_case)

    def test_restriction_never_widens_scope(self, org, client_for, restricted_case):
        _limit(restricted_case, org.other_provider_officer, kind=RESTRICTION)
        _limit(restricted_case, org.other_team_officer, kind=RESTRICTION)

        for user in (org.other_provider_officer, org.other_team_officer):
            assert not selectors.people_visible_to(user).filter(pk=restricted_case.person_id).exists()
            client = client_for(user)
            assert client.get(reverse("cases:person", args=[restricted_case.person.crn])).status_code == 404
            search = client.get(reverse("cases:search"), {"q": restricted_case.person.crn})
            assert search.context["page_obj"].paginator.count == 0

    def test_several_listed_staff(self, org, restricted_case):
        _limit(restricted_case, org.colleague, kind=RESTRICTION)
        _limit(restricted_case, org.manager, kind=RESTRICTION)

        assert selectors.cases_visible_to(org.colleague).filter(pk=restricted_case.pk).exists()
        assert selectors.cases_visible_to(org.manager).filter(pk=restricted_case.pk).exists()
        assert not selectors.cases_visible_to(org.officer).filter(pk=restricted_case.pk).exists()

    def test_ended_restriction_no_longer_applies(self, org, client_for, restricted_case):
        _limit(restricted_case, org.colleague, kind=RESTRICTION, ended=True)

        assert _sees_everywhere(client_for(org.officer), restricted_case) == _everywhere(True, restricted_case)

    def test_restriction_for_one_person_does_not_affect_others(self, org, restricted_case):
        unrestricted = factories.CaseFactory(responsible_officer=org.colleague)
        _limit(restricted_case, org.colleague, kind=RESTRICTION)

        assert set(selectors.cases_visible_to(org.officer)) == {unrestricted}


class TestAccessRecords:
    def test_viewing_a_restricted_person_writes_an_access_record_per_page(self, org, client_for, restricted_case):
        _limit(restricted_case, org.officer)
        client = client_for(org.colleague)
        before = timezone.now()

        for url in _person_pages(restricted_case):
            assert client.get(url).status_code == 200

        records = list(AccessRecord.objects.order_by("pk"))
        assert [(record.user, record.person, record.path) for record in records] == [
            (org.colleague, restricted_case.person, url) for url in _person_pages(restricted_case)
        ]
        assert all(record.accessed_at >= before for record in records)

    def test_viewing_a_person_on_a_restriction_list_is_recorded(self, org, client_for, restricted_case):
        _limit(restricted_case, org.colleague, kind=RESTRICTION)

        client_for(org.colleague).get(reverse("cases:person", args=[restricted_case.person.crn]))

        assert AccessRecord.objects.get().user == org.colleague

    def test_saving_contact_details_is_recorded(self, org, client_for, restricted_case):
        _limit(restricted_case, org.officer)
        url = reverse("cases:person_contact_details", args=[restricted_case.person.crn])

        response = client_for(org.colleague).post(url, {"telephone": "", "mobile": "", "email": ""})

        assert response.status_code == 302
        assert list(AccessRecord.objects.values_list("user", "path")) == [(org.colleague.pk, url)]

    def test_refused_views_write_no_record(self, org, client_for, restricted_case):
        _limit(restricted_case, org.officer)
        client = client_for(org.officer)

        for url in _person_pages(restricted_case):
            assert client.get(url).status_code == 404

        assert not AccessRecord.objects.exists()

    def test_unrestricted_person_writes_no_record(self, org, client_for, restricted_case):
        client = client_for(org.colleague)

        for url in _person_pages(restricted_case):
            assert client.get(url).status_code == 200

        assert not AccessRecord.objects.exists()

    def test_ended_limits_write_no_record(self, org, client_for, restricted_case):
        _limit(restricted_case, org.officer, ended=True)

        client_for(org.colleague).get(reverse("cases:person", args=[restricted_case.person.crn]))

        assert not AccessRecord.objects.exists()

    def test_restricted_tag_shown_on_the_person_page(self, org, client_for, restricted_case):
        client = client_for(org.colleague)
        url = reverse("cases:person", args=[restricted_case.person.crn])
        assert "Restricted access" not in client.get(url).content.decode()

        _limit(restricted_case, org.officer)

        assert "Restricted access" in client.get(url).content.decode()
