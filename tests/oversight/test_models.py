"""The database's own rules for case quality audits (oversight.models): each constraint refuses a bad row even
when no form or service checks it, and full_clean gives the plain-English message where one is set."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from oversight.models import AUDIT_QUESTIONS, QUESTION_CODES, QUESTIONS_BY_CODE, AuditAnswer, AuditedCase, CaseAudit
from tests import factories

DRAWN_ON = date(2026, 12, 2)


def audit_row(org, **changes) -> CaseAudit:
    fields = {
        "scope": "team",
        "team": org.team_a,
        "seed": 7,
        "sample_size": 2,
        "population_size": 10,
        "drawn_by": org.manager,
        "drawn_on": DRAWN_ON,
        **changes,
    }
    return CaseAudit(**fields)


def refused_by_database(row) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def messages(row) -> list[str]:
    with pytest.raises(ValidationError) as excinfo:
        row.full_clean()
    return excinfo.value.messages


def test_a_valid_audit_saves(org):
    audit = audit_row(org)
    audit.full_clean()
    audit.save()
    assert audit.status == "in_progress"
    provider = audit_row(org, scope="provider", team=None, provider=org.nps)
    provider.full_clean()
    region = audit_row(org, scope="region", team=None, region=org.region)
    region.full_clean()


@pytest.mark.parametrize(
    "changes",
    [
        {"scope": "team", "team": None},
        {"scope": "team", "provider": "nps"},
        {"scope": "provider"},  # with a team and no provider
        {"scope": "region", "team": None, "provider": "nps"},
    ],
)
def test_an_audit_covers_exactly_one_team_provider_or_region(org, changes):
    if changes.get("provider") == "nps":
        changes["provider"] = org.nps
    row = audit_row(org, **changes)
    assert "An audit covers one team, one provider or one region." in messages(row)
    refused_by_database(row)


def test_an_unknown_scope_is_refused(org):
    refused_by_database(audit_row(org, scope="country"))


@pytest.mark.parametrize("size", [0, 101])
def test_the_sample_size_is_between_1_and_100(org, size):
    row = audit_row(org, sample_size=size, population_size=500)
    assert "A sample is between 1 and 100 cases." in messages(row)
    refused_by_database(row)


def test_the_sample_is_never_larger_than_the_population(org):
    row = audit_row(org, sample_size=11, population_size=10)
    assert "The sample cannot be larger than the number of cases." in messages(row)
    refused_by_database(row)
    audit_row(org, sample_size=10, population_size=10).save()


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "completed"},
        {"status": "in_progress", "completed_on": DRAWN_ON},
        {"status": "abandoned"},
    ],
)
def test_a_completed_audit_has_its_date_and_only_then(org, changes):
    refused_by_database(audit_row(org, **changes))


def test_a_completed_audit_with_its_date_saves(org):
    audit_row(org, status="completed", completed_on=DRAWN_ON).save()


def _saved_audit(org) -> CaseAudit:
    row = audit_row(org)
    row.save()
    return row


@pytest.fixture
def audit(org):
    return _saved_audit(org)


def audited_row(audit, case, **changes) -> AuditedCase:
    fields = {
        "audit": audit,
        "case": case,
        "provider_type": "nps_division",
        "rosh_level": 2,
        "is_youth": False,
        "position": 1,
        **changes,
    }
    return AuditedCase(**fields)


def test_a_case_is_in_an_audit_once_and_each_position_once(org, audit):
    case = factories.CaseFactory(responsible_officer=org.officer)
    other = factories.CaseFactory(responsible_officer=org.officer)
    audited_row(audit, case).save()
    refused_by_database(audited_row(audit, case, position=2))
    refused_by_database(audited_row(audit, other, position=1))
    audited_row(audit, other, position=2).save()
    # The same case may be in another audit.
    audited_row(_saved_audit(org), case).save()


@pytest.mark.parametrize("level", [0, 5])
def test_the_rosh_level_is_1_to_4_or_empty(org, audit, level):
    refused_by_database(audited_row(audit, factories.CaseFactory(responsible_officer=org.officer), rosh_level=level))


def test_an_unassessed_case_has_no_rosh_level(org, audit):
    audited_row(audit, factories.CaseFactory(responsible_officer=org.officer), rosh_level=None).save()


@pytest.mark.parametrize(
    "changes",
    [{"completed_on": DRAWN_ON}, {"completed_by": "manager"}],
)
def test_a_completed_case_records_when_and_who_together(org, audit, changes):
    if changes.get("completed_by") == "manager":
        changes["completed_by"] = org.manager
    refused_by_database(audited_row(audit, factories.CaseFactory(responsible_officer=org.officer), **changes))


def test_a_completed_case_with_when_and_who_saves(org, audit):
    audited_row(
        audit,
        factories.CaseFactory(responsible_officer=org.officer),
        completed_on=DRAWN_ON,
        completed_by=org.manager,
    ).save()


@pytest.fixture
def audited_case(org, audit):
    row = audited_row(audit, factories.CaseFactory(responsible_officer=org.officer))
    row.save()
    return row


def answer_row(audited_case, org, **changes) -> AuditAnswer:
    fields = {
        "audited_case": audited_case,
        "question": "sufficient_plan",
        "answer": True,
        "reason": "Contingency plan recorded.",
        "answered_by": org.manager,
        "answered_on": DRAWN_ON,
        **changes,
    }
    return AuditAnswer(**fields)


def test_each_question_is_answered_once_per_case(org, audited_case):
    answer_row(audited_case, org).save()
    refused_by_database(answer_row(audited_case, org, answer=False))
    answer_row(audited_case, org, question="diversity").save()


def test_only_the_inspectorates_questions_can_be_answered(org, audited_case):
    refused_by_database(answer_row(audited_case, org, question="made_up"))


def test_every_answer_has_a_reason(org, audited_case):
    row = answer_row(audited_case, org, reason="")
    assert "This field cannot be blank." in messages(row)
    refused_by_database(row)


def test_the_nine_questions():
    assert len(AUDIT_QUESTIONS) == 9
    assert QUESTION_CODES == [
        "risk_of_harm_assessment",
        "reoffending_assessment",
        "sufficient_plan",
        "meaningfully_involved",
        "diversity",
        "interventions_progress",
        "changes_in_risk",
        "non_compliance",
        "sufficient_review",
    ]
    # The inspectorate's 2017 national "yes" rates (shared/DOMAIN.md section 8).
    assert {
        code: (q.adult_2017, q.youth_2017) for code, q in QUESTIONS_BY_CODE.items() if q.adult_2017 or q.youth_2017
    } == {
        "sufficient_plan": (72, 71),
        "meaningfully_involved": (58, 80),
        "interventions_progress": (46, None),
        "changes_in_risk": (52, None),
        "non_compliance": (73, 91),
    }
