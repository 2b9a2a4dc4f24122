"""interventions.services.delivery.requirement_end: the outcome of a requirement (issue 5, item 6).

Every refusal says what is wrong and changes nothing; unpaid work is completed positively only when every hour is
credited (the database holds this too); a RAR may be completed positively with fewer days than the maximum; an
accredited programme needs its latest referral completed or an alternative plan.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from cases.models import Requirement, TerminationReason
from interventions.models import ProgrammeReferral
from interventions.services.delivery import NO_CASE_WORK, requirement_end
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


@pytest.fixture
def sentence(org):
    return factories.SentenceFactory(case=factories.CaseFactory(responsible_officer=org.officer))


def rar(sentence, **kwargs) -> Requirement:
    return factories.RequirementFactory(sentence=sentence, **kwargs)


def unpaid_work(sentence, hours=40, minutes=0) -> Requirement:
    return factories.RequirementFactory(
        sentence=sentence,
        requirement_type=factories.requirement_type("unpaid_work"),
        hours=hours,
        unpaid_work_minutes_credited=minutes,
    )


def programme_requirement(sentence) -> Requirement:
    return factories.RequirementFactory(
        sentence=sentence,
        requirement_type=factories.requirement_type("accredited_programme"),
        programme_name="Thinking Skills Programme",
        sessions=19,
    )


def snapshot(requirement: Requirement) -> tuple:
    requirement.refresh_from_db()
    return (
        requirement.status,
        requirement.ended_on,
        requirement.completed_positively,
        requirement.termination_reason,
        requirement.outcome_notes,
        requirement.history.count(),
    )


def refused(requirement: Requirement, field: str, **kwargs) -> str:
    """Call the service expecting a refusal on `field`; assert nothing changed; return the message."""
    before = snapshot(requirement)
    kwargs.setdefault("ended_on", TODAY)
    with pytest.raises(ValidationError) as caught:
        requirement_end(requirement=requirement, **kwargs)
    assert snapshot(requirement) == before
    messages = caught.value.message_dict
    assert field in messages, messages
    return messages[field][0]


# Completed positively ----------------------------------------------------------------------------------------


def test_rar_completed_positively_with_fewer_days_than_the_maximum(org, sentence):
    requirement = rar(sentence, maximum_days=20, rar_days_delivered=12, last_rar_activity_on=date(2026, 11, 20))

    ended = requirement_end(
        by=org.officer,
        requirement=requirement,
        ended_on=date(2026, 11, 24),
        completed_positively=True,
        outcome_notes="Work on thinking skills done in 12 sessions.",
    )

    requirement.refresh_from_db()
    assert ended.pk == requirement.pk
    assert requirement.status == Requirement.Status.COMPLETED
    assert requirement.completed_positively is True
    assert requirement.ended_on == date(2026, 11, 24)
    assert requirement.termination_reason == ""
    assert requirement.rar_days_delivered == 12
    latest = requirement.history.first()
    assert latest.history_user == org.officer
    assert latest.history_change_reason == "Requirement completed positively"


def test_unpaid_work_completed_positively_when_every_hour_is_credited(org, sentence):
    requirement = unpaid_work(sentence, hours=40, minutes=40 * 60)

    requirement_end(by=org.manager, requirement=requirement, ended_on=TODAY, completed_positively=True)

    requirement.refresh_from_db()
    assert (requirement.status, requirement.completed_positively) == (Requirement.Status.COMPLETED, True)
    assert requirement.history.first().history_user == org.manager


def test_unpaid_work_with_hours_to_do_is_refused(org, sentence):
    requirement = unpaid_work(sentence, hours=40, minutes=28 * 60)

    message = refused(requirement, "completed_positively", by=org.officer, completed_positively=True)

    assert message.startswith("12 of 40 hours are still to do: unpaid work is completed positively only when")


def test_unpaid_work_remaining_part_hours_and_one_hour_in_words(org, sentence):
    part = unpaid_work(sentence, hours=40, minutes=28 * 60 + 30)
    one = unpaid_work(sentence, hours=40, minutes=39 * 60)

    assert refused(part, "completed_positively", by=org.officer, completed_positively=True).startswith(
        "11 hours 30 minutes of 40 hours are still to do"
    )
    assert refused(one, "completed_positively", by=org.officer, completed_positively=True).startswith(
        "1 of 40 hours is still to do"
    )


def test_unpaid_work_not_completed_is_terminated_with_hours_left(org, sentence):
    requirement = unpaid_work(sentence, hours=80, minutes=600)

    requirement_end(
        by=org.officer,
        requirement=requirement,
        ended_on=TODAY,
        completed_positively=False,
        termination_reason=TerminationReason.BREACHED,
    )

    requirement.refresh_from_db()
    assert requirement.status == Requirement.Status.TERMINATED
    assert requirement.completed_positively is False
    assert requirement.termination_reason == "breached"
    assert requirement.unpaid_work_minutes_credited == 600
    assert requirement.history.first().history_change_reason == "Requirement ended: Breached and re-sentenced"


def test_other_requirement_types_are_the_officers_judgement(org, sentence):
    curfew = factories.RequirementFactory(
        sentence=sentence, requirement_type=factories.requirement_type("curfew"), details="19:00 to 07:00"
    )

    requirement_end(by=org.officer, requirement=curfew, ended_on=TODAY, completed_positively=True)

    curfew.refresh_from_db()
    assert curfew.status == Requirement.Status.COMPLETED


# Accredited programmes ---------------------------------------------------------------------------------------


def _closed_referral(requirement, status, *, referred_on=date(2026, 11, 3), **kwargs):
    fields = {"suitability_decided_on": referred_on, "ended_on": referred_on + timedelta(days=1)}
    if status == ProgrammeReferral.Status.UNSUITABLE:
        fields["suitability_notes"] = "Learning needs the group cannot meet."
    if status == ProgrammeReferral.Status.NOT_COMPLETED:
        group = factories.ProgrammeGroupFactory(start_date=referred_on)
        fields.update(
            group=group,
            allocated_on=referred_on,
            started_on=referred_on,
            non_completion_reason="dropped_out",
        )
    if status == ProgrammeReferral.Status.COMPLETED:
        group = factories.ProgrammeGroupFactory(start_date=referred_on)
        fields.update(group=group, allocated_on=referred_on, started_on=referred_on)
    fields.update(kwargs)
    return factories.ProgrammeReferralFactory(
        requirement=requirement,
        status=status,
        referred_on=referred_on,
        referred_by=requirement.sentence.case.responsible_officer,
        **fields,
    )


def test_programme_completed_positively_when_the_programme_is_completed(org, sentence):
    requirement = programme_requirement(sentence)
    _closed_referral(requirement, ProgrammeReferral.Status.COMPLETED)

    requirement_end(by=org.officer, requirement=requirement, ended_on=TODAY, completed_positively=True)

    requirement.refresh_from_db()
    assert requirement.status == Requirement.Status.COMPLETED


def test_programme_completed_positively_with_an_alternative_plan(org, sentence):
    requirement = programme_requirement(sentence)
    _closed_referral(
        requirement,
        ProgrammeReferral.Status.UNSUITABLE,
        alternative_plan="One-to-one work on thinking skills with the officer.",
        alternative_plan_recorded_on=date(2026, 11, 10),
        alternative_plan_recorded_by=org.officer,
    )

    requirement_end(by=org.officer, requirement=requirement, ended_on=TODAY, completed_positively=True)

    requirement.refresh_from_db()
    assert requirement.status == Requirement.Status.COMPLETED


def test_programme_without_a_referral_is_refused(org, sentence):
    requirement = programme_requirement(sentence)

    message = refused(requirement, "completed_positively", by=org.officer, completed_positively=True)

    assert message.startswith("No programme referral has been made for this requirement.")


def test_programme_with_an_open_referral_is_refused(org, sentence):
    requirement = programme_requirement(sentence)
    factories.ProgrammeReferralFactory(requirement=requirement, referred_on=date(2026, 11, 3))

    message = refused(requirement, "completed_positively", by=org.officer, completed_positively=True)

    assert message.startswith(
        "Thinking Skills Programme is not completed yet: the referral is at \u201cReferred: waiting for a "
        "suitability decision\u201d. Record the programme's completion first, or record the requirement as not"
    )


def test_programme_not_completed_without_an_alternative_plan_is_refused(org, sentence):
    requirement = programme_requirement(sentence)
    # An earlier completed referral does not count: the latest one decides.
    _closed_referral(requirement, ProgrammeReferral.Status.COMPLETED, referred_on=date(2026, 11, 3))
    _closed_referral(requirement, ProgrammeReferral.Status.NOT_COMPLETED, referred_on=date(2026, 11, 10))

    message = refused(requirement, "completed_positively", by=org.officer, completed_positively=True)

    assert message.startswith(
        "The referral to Thinking Skills Programme ended as \u201cDid not complete\u201d and no alternative plan is "
        "recorded. Record the alternative plan on the programme referral first"
    )


def test_programme_not_completed_can_be_terminated(org, sentence):
    requirement = programme_requirement(sentence)
    _closed_referral(requirement, ProgrammeReferral.Status.UNSUITABLE)

    requirement_end(
        by=org.officer,
        requirement=requirement,
        ended_on=TODAY,
        completed_positively=False,
        termination_reason=TerminationReason.UNSUITABLE,
    )

    requirement.refresh_from_db()
    assert requirement.status == Requirement.Status.TERMINATED


# Refusals ----------------------------------------------------------------------------------------------------


def test_not_completed_needs_a_reason(org, sentence):
    message = refused(rar(sentence), "termination_reason", by=org.officer, completed_positively=False)

    assert message == "Choose why the requirement ended without being completed positively."


def test_unknown_reason_is_refused(org, sentence):
    message = refused(
        rar(sentence), "termination_reason", by=org.officer, completed_positively=False, termination_reason="bored"
    )

    assert message == "Choose a reason for the requirement ending from the list."


def test_other_reason_needs_notes(org, sentence):
    message = refused(
        rar(sentence),
        "outcome_notes",
        by=org.officer,
        completed_positively=False,
        termination_reason=TerminationReason.OTHER,
        outcome_notes="   ",
    )

    assert message == "Describe why the requirement ended when the reason is \u201cOther\u201d."


def test_completed_positively_has_no_reason(org, sentence):
    message = refused(
        rar(sentence),
        "termination_reason",
        by=org.officer,
        completed_positively=True,
        termination_reason=TerminationReason.REVOKED,
    )

    assert message.startswith("Only a requirement that was not completed positively has a reason for ending")


def test_yes_or_no_is_needed(org, sentence):
    message = refused(rar(sentence), "completed_positively", by=org.officer, completed_positively=None)

    assert message == "Say whether the requirement was completed positively: yes or no."


@pytest.mark.parametrize(
    ("ended_on", "message"),
    [
        (None, "Enter the date the requirement ended."),
        (date(2026, 11, 26), "The date the requirement ended cannot be in the future."),
        (date(2026, 11, 1), "The date the requirement ended cannot be before it started (2 November 2026)."),
    ],
)
def test_end_date_rules(org, sentence, ended_on, message):
    requirement = rar(sentence)

    assert refused(requirement, "ended_on", by=org.officer, completed_positively=True, ended_on=ended_on) == message


def test_an_ended_requirement_cannot_be_ended_again(org, sentence):
    requirement = rar(sentence)
    requirement_end(by=org.officer, requirement=requirement, ended_on=date(2026, 11, 20), completed_positively=True)

    message = refused(
        requirement, "requirement", by=org.officer, completed_positively=False, termination_reason="revoked"
    )

    assert message == "This requirement already ended on 20 November 2026 (completed). Its outcome cannot be changed."


def test_notes_are_limited(org, sentence):
    message = refused(
        rar(sentence), "outcome_notes", by=org.officer, completed_positively=True, outcome_notes="x" * 10_001
    )

    assert message == "Notes must be 10,000 characters or fewer."


# Scope -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["court_user", "upw"])
def test_people_who_do_not_do_case_work_are_refused(org, sentence, who):
    message = refused(rar(sentence), "requirement", by=getattr(org, who), completed_positively=True)

    assert message == NO_CASE_WORK


@pytest.mark.parametrize("who", ["other_provider_officer", "other_provider_manager", "other_team_officer"])
def test_a_requirement_out_of_scope_is_not_found(org, sentence, who):
    requirement = rar(sentence)
    before = snapshot(requirement)

    with pytest.raises(Http404):
        requirement_end(by=getattr(org, who), requirement=requirement, ended_on=TODAY, completed_positively=True)

    assert snapshot(requirement) == before


# The database holds the rule too ------------------------------------------------------------------------------


def test_database_refuses_unpaid_work_completed_with_hours_to_do(sentence):
    requirement = unpaid_work(sentence, hours=40, minutes=39 * 60)

    with pytest.raises(IntegrityError), transaction.atomic():
        Requirement.objects.filter(pk=requirement.pk).update(
            status=Requirement.Status.COMPLETED, ended_on=TODAY, completed_positively=True
        )

    requirement.refresh_from_db()
    assert requirement.status == Requirement.Status.ACTIVE


def test_database_refuses_terminated_without_a_reason_and_active_with_an_outcome(sentence):
    requirement = rar(sentence)

    with pytest.raises(IntegrityError), transaction.atomic():
        Requirement.objects.filter(pk=requirement.pk).update(
            status=Requirement.Status.TERMINATED, ended_on=TODAY, completed_positively=False
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Requirement.objects.filter(pk=requirement.pk).update(completed_positively=True)

    requirement.refresh_from_db()
    assert (requirement.status, requirement.completed_positively) == (Requirement.Status.ACTIVE, None)


def test_database_accepts_unpaid_work_completed_with_every_hour(sentence):
    requirement = unpaid_work(sentence, hours=40, minutes=40 * 60)

    Requirement.objects.filter(pk=requirement.pk).update(
        status=Requirement.Status.COMPLETED, ended_on=TODAY, completed_positively=True
    )

    requirement.refresh_from_db()
    assert requirement.status == Requirement.Status.COMPLETED
