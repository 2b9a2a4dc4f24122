"""Reads for one audit's cases (oversight.selectors.audits): the sample with whether the user may open each case, one
case to answer, and the next case waiting for answers. Each hides what the user may not open, in a fixed number of
queries."""

from datetime import date

import pytest
from django.http import Http404

from cases.models import PersonAccessLimit
from oversight.models import QUESTION_CODES
from oversight.scopes import resolve_scope
from oversight.selectors.audits import (
    audit_next_unanswered,
    audit_sample_for_user,
    audited_case_get,
    audited_cases,
)
from oversight.services import audit_answer_case, audit_draw
from tests import factories

pytestmark = pytest.mark.django_db

DRAWN_ON = date(2026, 3, 2)


@pytest.fixture
def team_cases(org):
    return [
        factories.CaseFactory(responsible_officer=org.officer, person__last_name=f"Person{index}") for index in range(8)
    ]


def _draw(org, size, seed=7):
    scope = resolve_scope(org.manager, "team")
    audit = audit_draw(by=org.manager, scope=scope, sample_size=size, seed=seed, on=DRAWN_ON)
    return audit, list(audit.audited_cases.order_by("position"))


def _exclude(org, audited) -> None:
    """The manager may no longer open this case: an exclusion on the person."""
    factories.PersonAccessLimitFactory(
        person=audited.case.person, user=org.manager, kind=PersonAccessLimit.Kind.EXCLUSION, added_by=org.administrator
    )


def _answer(org, audited) -> None:
    audit_answer_case(by=org.manager, audited_case=audited, answers=dict.fromkeys(QUESTION_CODES, (True, "Seen.")))


def test_the_sample_is_in_order_and_marks_the_cases_the_user_may_not_open(org, team_cases):
    audit, rows = _draw(org, size=4)
    _exclude(org, rows[1])

    sample = list(audit_sample_for_user(user=org.manager, audit=audit))

    assert [audited.pk for audited in sample] == [audited.pk for audited in rows]
    assert [audited.position for audited in sample] == [1, 2, 3, 4]
    assert [audited.visible for audited in sample] == [True, False, True, True]
    # Another provider's manager may open none of them; the sample itself is unchanged for everyone.
    assert [audited.visible for audited in audit_sample_for_user(user=org.other_provider_manager, audit=audit)] == [
        False
    ] * 4
    assert [audited.pk for audited in audited_cases(audit)] == [audited.pk for audited in rows]


@pytest.mark.parametrize("size", [1, 8])
def test_the_sample_takes_two_queries_however_large(org, team_cases, django_assert_num_queries, size):
    audit, rows = _draw(org, size=size)
    for audited in rows:
        _answer(org, audited)
    _exclude(org, rows[0])

    with django_assert_num_queries(2):
        sample = list(audit_sample_for_user(user=org.manager, audit=audit))
        names = [(audited.case.person.full_name, audited.case.team.name, audited.visible) for audited in sample]
        answered_by = {answer.answered_by.pk for audited in sample for answer in audited.answers.all()}

    assert len(names) == size
    assert [visible for _, _, visible in names] == [False] + [True] * (size - 1)
    assert answered_by == {org.manager.pk}


def test_one_case_to_answer_is_not_found_when_the_user_may_not_open_it(org, team_cases):
    audit, (first, second) = _draw(org, size=2)
    _exclude(org, second)
    other_audit, (other,) = _draw(org, size=1, seed=99)

    audited = audited_case_get(user=org.manager, audit=audit, audited_case_id=first.pk)

    assert audited.pk == first.pk
    assert audited.has_access_limits is False
    # Hidden from the manager; a case of another audit; a case of another provider.
    refused = ((org.manager, second.pk), (org.manager, other.pk), (org.other_provider_manager, first.pk))
    for user, audited_case_id in refused:
        with pytest.raises(Http404, match="No such case in this audit."):
            audited_case_get(user=user, audit=audit, audited_case_id=audited_case_id)
    assert audited_case_get(user=org.manager, audit=other_audit, audited_case_id=other.pk).pk == other.pk


def test_one_case_to_answer_says_when_the_person_has_access_limits(org, team_cases):
    audit, (audited,) = _draw(org, size=1)
    # A restriction list the manager is on, and an exclusion of a colleague: the manager may open the case, and
    # opening it is recorded.
    restriction = PersonAccessLimit.Kind.RESTRICTION
    factories.PersonAccessLimitFactory(
        person=audited.case.person, user=org.manager, kind=restriction, added_by=org.administrator
    )
    factories.PersonAccessLimitFactory(person=audited.case.person, user=org.colleague, added_by=org.administrator)

    fetched = audited_case_get(user=org.manager, audit=audit, audited_case_id=audited.pk)

    assert fetched.has_access_limits is True
    assert fetched.case.person == audited.case.person


def test_the_next_unanswered_case_follows_skipping_the_answered_and_the_hidden(org, team_cases):
    audit, rows = _draw(org, size=5)
    _answer(org, rows[2])
    _exclude(org, rows[3])

    def following(after):
        found = audit_next_unanswered(user=org.manager, audit=audit, after=after)
        return None if found is None else found.position

    assert following(rows[0]) == 2
    assert following(rows[1]) == 5  # 3 is answered, 4 the manager may not open
    assert following(rows[4]) == 1  # after the last, back to the start
    for audited in (rows[0], rows[1]):
        _answer(org, audited)
    assert following(rows[4]) is None  # only the hidden case is waiting
    assert audit_next_unanswered(user=org.other_provider_manager, audit=audit, after=rows[0]) is None
