"""Case quality audits (oversight.services): drawing a sample (every refusal with its words, nothing written), the
same seed giving the same cases, answering the nine questions, completing the audit with a management oversight
note on each case, and the results as "% yes".

Today is Wednesday 2 December 2026 (10:00, London). Manchester North has 12 active cases: 3 not assessed, 4 low,
3 medium and 2 high risk of serious harm.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cases.models import ManagementOversightNote, PersonAccessLimit
from oversight.models import AUDIT_QUESTIONS, QUESTION_CODES, AuditAnswer, AuditedCase, CaseAudit
from oversight.scopes import Scope
from oversight.selectors.audits import audit_list, audits_visible_to, results_for_audit, results_for_user
from oversight.services import audit_answer_case, audit_draw, audit_population
from tests import factories
from tests.oversight.figures_setup import assess

TODAY = date(2026, 12, 2)
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def team_cases(org):
    cases = []
    for number, level in enumerate([None, None, None, 1, 1, 1, 1, 2, 2, 2, 3, 3]):
        officer = org.officer if number % 2 else org.colleague
        case = factories.CaseFactory(responsible_officer=officer, person__last_name=f"Person{number:02d}")
        if level:
            assess(case, level)
        cases.append(case)
    # Not in the team's population: another team, an ended case, one waiting for allocation.
    factories.CaseFactory(responsible_officer=org.other_team_officer)
    factories.CaseFactory(responsible_officer=org.officer, ended=True)
    factories.CaseFactory(awaiting_allocation=True, provider=org.nps)
    return cases


def team(org):
    return Scope("team", team=org.team_a)


def written():
    return (
        CaseAudit.objects.count(),
        AuditedCase.objects.count(),
        AuditAnswer.objects.count(),
        CaseAudit.history.count(),
        AuditedCase.history.count(),
        AuditAnswer.history.count(),
        ManagementOversightNote.objects.count(),
    )


NOTHING = (0, 0, 0, 0, 0, 0, 0)


def refused(call) -> ValidationError:
    before = written()
    with pytest.raises(ValidationError) as excinfo:
        call()
    assert written() == before
    return excinfo.value


def all_yes(reason="Seen in the record."):
    return dict.fromkeys(QUESTION_CODES, (True, reason))


# Drawing -----------------------------------------------------------------------------------------------------------


def test_the_population_is_the_scopes_active_cases_the_manager_may_see(org, team_cases):
    hidden = team_cases[0]
    factories.PersonAccessLimitFactory(
        person=hidden.person, user=org.manager, kind=PersonAccessLimit.Kind.EXCLUSION, added_by=org.administrator
    )
    population = sorted(audit_population(user=org.manager, scope=team(org)))
    assert population == sorted(
        (case.pk, "nps_division", level)
        for case, level in zip(team_cases, [None, None, None, 1, 1, 1, 1, 2, 2, 2, 3, 3], strict=True)
        if case != hidden
    )


def test_drawing_a_sample(org, team_cases):
    audit = audit_draw(by=org.manager, scope=team(org), sample_size=5, seed=7)
    assert (audit.scope, audit.team, audit.provider, audit.region) == ("team", org.team_a, None, None)
    assert (audit.seed, audit.sample_size, audit.population_size) == (7, 5, 12)
    assert (audit.status, audit.drawn_by, audit.drawn_on, audit.completed_on) == (
        "in_progress",
        org.manager,
        TODAY,
        None,
    )
    assert audit.scope_name == "Manchester North"
    assert str(audit) == "Case quality audit of Manchester North drawn on 2 December 2026"
    audited = list(audit.audited_cases.order_by("position"))
    assert [row.position for row in audited] == [1, 2, 3, 4, 5]
    levels = {case.pk: level for case, level in zip(team_cases, [None] * 3 + [1] * 4 + [2] * 3 + [3] * 2, strict=True)}
    for row in audited:
        assert row.case_id in levels
        assert (row.provider_type, row.rosh_level, row.is_youth) == ("nps_division", levels[row.case_id], False)
        assert (row.completed_on, row.completed_by) == (None, None)
    # Four strata (not assessed, low, medium, high) in a sample of 5: every stratum is represented.
    assert sorted({row.rosh_level or 0 for row in audited}) == [0, 1, 2, 3]
    assert CaseAudit.history.get().history_user == org.manager
    assert AuditedCase.history.filter(history_user=org.manager).count() == 5


def test_the_same_seed_draws_the_same_cases(org, team_cases):
    first = audit_draw(by=org.manager, scope=team(org), sample_size=6, seed=2026)
    again = audit_draw(by=org.manager, scope=team(org), sample_size=6, seed=2026)
    first_cases = list(first.audited_cases.order_by("position").values_list("case_id", flat=True))
    assert list(again.audited_cases.order_by("position").values_list("case_id", flat=True)) == first_cases
    others = {
        tuple(
            audit_draw(by=org.manager, scope=team(org), sample_size=6, seed=seed)
            .audited_cases.order_by("position")
            .values_list("case_id", flat=True)
        )
        for seed in (1, 2, 3, 4)
    }
    assert len(others | {tuple(first_cases)}) > 1


def test_with_no_seed_a_random_seed_is_chosen_and_kept(org, team_cases):
    audit = audit_draw(by=org.manager, scope=team(org), sample_size=4)
    assert 0 <= audit.seed < 2**62
    repeat = audit_draw(by=org.manager, scope=team(org), sample_size=4, seed=audit.seed)
    assert list(repeat.audited_cases.values_list("case_id", flat=True)) == list(
        audit.audited_cases.values_list("case_id", flat=True)
    )


def test_a_provider_audit_draws_only_the_providers_active_cases(org, team_cases):
    factories.CaseFactory(responsible_officer=org.other_provider_officer)  # the CRC's: not in the NPS population
    provider = audit_draw(by=org.manager, scope=Scope("provider", provider=org.nps), sample_size=13, seed=1)
    assert (provider.scope, provider.provider, provider.team, provider.region) == ("provider", org.nps, None, None)
    assert provider.population_size == 13  # Manchester North's 12 and Manchester South's 1
    assert set(provider.audited_cases.values_list("case__provider", flat=True)) == {org.nps.pk}


REGION_REFUSED = "Audit a team or your provider: a sample names cases, and you can open only your provider's."


@pytest.mark.parametrize("who", ["manager", "senior", "administrator_with_team"])
def test_a_region_audit_is_refused_and_nothing_is_written(org, team_cases, who):
    factories.CaseFactory(responsible_officer=org.other_provider_officer)
    by = {
        "manager": org.manager,
        "senior": factories.ManagerFactory(team=org.team_a, senior_manager=True),
        "administrator_with_team": factories.AdministratorFactory(team=org.team_a),
    }[who]
    scope = Scope("region", region=org.region)
    error = refused(lambda: audit_draw(by=by, scope=scope, sample_size=3, seed=1))
    assert error.message_dict == {"scope": [REGION_REFUSED]}
    assert written() == NOTHING


def test_a_region_audit_is_refused_before_the_sample_size_is_checked(org, team_cases):
    scope = Scope("region", region=org.region)
    error = refused(lambda: audit_draw(by=org.manager, scope=scope, sample_size=0, seed=-1))
    assert error.message_dict == {"scope": [REGION_REFUSED]}


def test_a_youth_offending_teams_cases_are_marked_youth(org):
    yot = factories.TeamFactory(provider=factories.ProviderFactory(yot=True, region=org.region), name="Youth")
    manager = factories.ManagerFactory(team=yot)
    for _ in range(3):
        factories.CaseFactory(responsible_officer=factories.OfficerFactory(team=yot))
    audit = audit_draw(by=manager, scope=Scope("team", team=yot), sample_size=2, seed=3)
    assert list(audit.audited_cases.values_list("provider_type", "is_youth")) == [("yot", True), ("yot", True)]


@pytest.mark.parametrize("size", [0, -1, 101, 1000])
def test_a_sample_size_outside_1_to_100_is_refused(org, team_cases, size):
    error = refused(lambda: audit_draw(by=org.manager, scope=team(org), sample_size=size, seed=1))
    assert error.message_dict == {"sample_size": ["Enter a sample size between 1 and 100."]}


@pytest.mark.parametrize("size", ["5", 5.0, None])
def test_a_sample_size_that_is_not_a_whole_number_is_refused(org, team_cases, size):
    error = refused(lambda: audit_draw(by=org.manager, scope=team(org), sample_size=size, seed=1))
    assert error.message_dict == {"sample_size": ["Enter a sample size between 1 and 100."]}


@pytest.mark.parametrize("size", [True, False])
def test_a_sample_size_that_is_a_boolean_is_refused(org, team_cases, size):
    """True is an int equal to 1 in Python: it is still not a sample size."""
    error = refused(lambda: audit_draw(by=org.manager, scope=team(org), sample_size=size, seed=1))
    assert error.message_dict == {"sample_size": ["Enter a sample size between 1 and 100."]}
    assert written() == NOTHING


def test_a_sample_larger_than_the_population_is_refused(org, team_cases):
    error = refused(lambda: audit_draw(by=org.manager, scope=team(org), sample_size=13, seed=1))
    assert error.message_dict == {
        "sample_size": ["Manchester North has 12 active cases: choose a sample of at most that many."]
    }
    assert audit_draw(by=org.manager, scope=team(org), sample_size=12, seed=1).audited_cases.count() == 12


def test_a_scope_with_no_active_cases_is_refused(org):
    error = refused(lambda: audit_draw(by=org.manager, scope=team(org), sample_size=1, seed=1))
    assert error.message_dict == {"sample_size": ["There are no active cases in Manchester North to audit."]}


@pytest.mark.parametrize("seed", [-1, 2**62, "12", 1.5, True, False])
def test_a_bad_seed_is_refused(org, team_cases, seed):
    error = refused(lambda: audit_draw(by=org.manager, scope=team(org), sample_size=3, seed=seed))
    assert error.message_dict == {"seed": ["Enter the seed as a whole number, 0 or more."]}


def test_a_bad_size_and_seed_are_refused_together(org, team_cases):
    error = refused(lambda: audit_draw(by=org.manager, scope=team(org), sample_size=0, seed=-5))
    assert error.message_dict == {
        "sample_size": ["Enter a sample size between 1 and 100."],
        "seed": ["Enter the seed as a whole number, 0 or more."],
    }


def test_the_largest_seed_is_allowed(org, team_cases):
    assert audit_draw(by=org.manager, scope=team(org), sample_size=3, seed=2**62 - 1).seed == 2**62 - 1
    assert audit_draw(by=org.manager, scope=team(org), sample_size=3, seed=0).seed == 0


@pytest.mark.parametrize("who", ["officer", "colleague", "upw", "court_user", "administrator"])
def test_only_managers_draw_an_audit(org, team_cases, who):
    error = refused(lambda: audit_draw(by=getattr(org, who), scope=team(org), sample_size=3, seed=1))
    assert error.messages == ["Only managers can draw a case quality audit."]
    assert written() == NOTHING


# Answering ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def audit(org, team_cases):
    return audit_draw(by=org.manager, scope=team(org), sample_size=3, seed=11)


def audited(audit):
    return list(audit.audited_cases.order_by("position"))


def test_answering_a_case(org, audit):
    first = audited(audit)[0]
    answers = all_yes()
    answers["changes_in_risk"] = (False, "  No review after the new address.  ")
    result = audit_answer_case(by=org.manager, audited_case=first, answers=answers)
    assert (result.completed_on, result.completed_by) == (TODAY, org.manager)
    rows = {row.question: row for row in AuditAnswer.objects.filter(audited_case=first)}
    assert list(rows) == QUESTION_CODES
    assert (rows["changes_in_risk"].answer, rows["changes_in_risk"].reason) == (
        False,
        "No review after the new address.",
    )
    assert all(row.answer for code, row in rows.items() if code != "changes_in_risk")
    assert {(row.answered_by, row.answered_on) for row in rows.values()} == {(org.manager, TODAY)}
    audit.refresh_from_db()
    assert audit.status == "in_progress"
    assert ManagementOversightNote.objects.count() == 0


def test_every_question_needs_an_answer_and_a_reason(org, audit):
    first = audited(audit)[0]
    answers = all_yes()
    del answers["sufficient_plan"]
    answers["diversity"] = (None, "Not sure.")
    answers["non_compliance"] = (True, "   ")
    error = refused(lambda: audit_answer_case(by=org.manager, audited_case=first, answers=answers))
    assert error.message_dict == {
        "sufficient_plan_answer": ["Select yes or no: was there sufficient planning to manage the risk of harm?"],
        "sufficient_plan_reason": [
            "Give the reason for your answer to: Was there sufficient planning to manage the risk of harm?"
        ],
        "diversity_answer": ["Select yes or no: were diversity and barriers to engagement taken into account?"],
        "non_compliance_reason": ["Give the reason for your answer to: Was the response to non-compliance sufficient?"],
    }


def test_nothing_answered_gives_eighteen_errors(org, audit):
    error = refused(lambda: audit_answer_case(by=org.manager, audited_case=audited(audit)[0], answers={}))
    assert sorted(error.message_dict) == sorted(
        [f"{code}_answer" for code in QUESTION_CODES] + [f"{code}_reason" for code in QUESTION_CODES]
    )
    assert error.message_dict["risk_of_harm_assessment_answer"] == [
        "Select yes or no: was there a sufficient assessment of the risk of harm?"
    ]


def test_a_reason_longer_than_2000_characters_and_an_unknown_question_are_refused(org, audit):
    answers = all_yes()
    answers["sufficient_review"] = (True, "x" * 2001)
    answers["made_up"] = (True, "Why not.")
    error = refused(lambda: audit_answer_case(by=org.manager, audited_case=audited(audit)[0], answers=answers))
    assert error.message_dict == {
        "sufficient_review_reason": ["The reason must be 2,000 characters or fewer."],
        "answers": ["Unknown question: made_up."],
    }
    answers = all_yes()
    answers["sufficient_review"] = (True, "x" * 2000)
    audit_answer_case(by=org.manager, audited_case=audited(audit)[0], answers=answers)


def test_a_case_the_manager_cannot_open_is_refused_and_nothing_is_written(org, audit):
    first = audited(audit)[0]
    factories.PersonAccessLimitFactory(
        person=first.case.person,
        user=org.manager,
        kind=PersonAccessLimit.Kind.EXCLUSION,
        added_by=org.administrator,
    )
    error = refused(lambda: audit_answer_case(by=org.manager, audited_case=first, answers=all_yes()))
    assert error.messages == ["You cannot open this case, so you cannot audit it."]
    assert not hasattr(error, "error_dict")  # not a field's error
    first.refresh_from_db()
    assert (first.completed_on, first.completed_by) == (None, None)
    # A manager who can open the case answers it.
    senior = factories.ManagerFactory(team=org.team_a, senior_manager=True)
    assert audit_answer_case(by=senior, audited_case=first, answers=all_yes()).completed_by == senior


@pytest.mark.parametrize("who", ["officer", "upw", "administrator"])
def test_only_managers_answer(org, audit, who):
    error = refused(lambda: audit_answer_case(by=getattr(org, who), audited_case=audited(audit)[0], answers=all_yes()))
    assert error.messages == ["Only managers can answer a case quality audit."]


def test_answers_can_be_changed_while_the_audit_is_open_and_history_keeps_the_first(org, audit):
    first = audited(audit)[0]
    audit_answer_case(by=org.manager, audited_case=first, answers=all_yes(), on=date(2026, 12, 1))
    senior = factories.ManagerFactory(team=org.team_a, senior_manager=True)
    changed = all_yes()
    changed["sufficient_plan"] = (False, "The plan has no contingency.")
    audit_answer_case(by=senior, audited_case=first, answers=changed)
    row = AuditAnswer.objects.get(audited_case=first, question="sufficient_plan")
    assert (row.answer, row.reason, row.answered_by, row.answered_on) == (
        False,
        "The plan has no contingency.",
        senior,
        TODAY,
    )
    versions = list(row.history.order_by("history_date").values_list("answer", "reason", "history_user_id"))
    assert versions == [
        (True, "Seen in the record.", org.manager.pk),
        (False, "The plan has no contingency.", senior.pk),
    ]
    # Unchanged answers are not written again.
    unchanged = AuditAnswer.objects.get(audited_case=first, question="diversity")
    assert unchanged.history.count() == 1
    assert (unchanged.answered_by, unchanged.answered_on) == (org.manager, date(2026, 12, 1))
    assert AuditAnswer.objects.filter(audited_case=first).count() == 9
    # The case stays answered on the first day, by the first auditor.
    first.refresh_from_db()
    assert (first.completed_on, first.completed_by) == (date(2026, 12, 1), org.manager)


def test_answering_the_last_case_completes_the_audit_with_a_note_on_each_case(org, audit):
    cases = audited(audit)
    yes_counts = [9, 7, 0]
    for row, yes in zip(cases, yes_counts, strict=True):
        answers = {code: (number < yes, "Seen in the record.") for number, code in enumerate(QUESTION_CODES)}
        audit_answer_case(by=org.manager, audited_case=row, answers=answers)
    audit.refresh_from_db()
    assert (audit.status, audit.completed_on) == ("completed", TODAY)
    notes = ManagementOversightNote.objects.filter(subject=f"audit:{audit.pk}")
    assert notes.count() == 3
    by_case = {note.case_id: note for note in notes}
    for row, yes in zip(cases, yes_counts, strict=True):
        note = by_case[row.case_id]
        assert note.note == f"Case quality audit of Manchester North: {yes} of 9 questions answered yes."
        assert (note.kind, note.recorded_by, note.recorded_on) == ("quality_audit", org.manager, TODAY)
    assert ManagementOversightNote.objects.count() == 3


def test_a_completed_audit_refuses_any_change(org, audit):
    for row in audited(audit):
        audit_answer_case(by=org.manager, audited_case=row, answers=all_yes())
    changed = all_yes()
    changed["diversity"] = (False, "Not considered.")
    error = refused(lambda: audit_answer_case(by=org.manager, audited_case=audited(audit)[0], answers=changed))
    assert error.messages == ["This audit was completed on 2 December 2026: its answers are final."]
    assert ManagementOversightNote.objects.count() == 3


def test_an_audit_of_one_case_completes_at_once(org, team_cases):
    audit = audit_draw(by=org.manager, scope=team(org), sample_size=1, seed=5)
    (row,) = audited(audit)
    answers = all_yes()
    answers["diversity"] = (False, "Not recorded.")
    audit_answer_case(by=org.manager, audited_case=row, answers=answers)
    audit.refresh_from_db()
    assert audit.status == "completed"
    assert ManagementOversightNote.objects.get(case_id=row.case_id).note == (
        "Case quality audit of Manchester North: 8 of 9 questions answered yes."
    )


# Results -----------------------------------------------------------------------------------------------------------


def test_results_per_question_for_adults_and_children(org, audit):
    cases = audited(audit)
    for row, yes in zip(cases[:2], [9, 4], strict=True):
        answers = {code: (number < yes, "Seen.") for number, code in enumerate(QUESTION_CODES)}
        audit_answer_case(by=org.manager, audited_case=row, answers=answers)
    AuditedCase.objects.filter(pk=cases[1].pk).update(is_youth=True)
    results = {result.question.code: result for result in results_for_audit(audit)}
    assert [result.question for result in results_for_audit(audit)] == list(AUDIT_QUESTIONS)
    first = results["risk_of_harm_assessment"]  # yes on both cases
    assert (first.adult_yes, first.adult_answered, first.youth_yes, first.youth_answered) == (1, 1, 1, 1)
    assert (first.adult_percent, first.youth_percent, first.all_percent) == (
        Decimal("100.0"),
        Decimal("100.0"),
        Decimal("100.0"),
    )
    plan = results["interventions_progress"]  # the sixth question: yes on the adult case only
    assert (plan.adult_yes, plan.adult_answered, plan.youth_yes, plan.youth_answered) == (1, 1, 0, 1)
    assert (plan.adult_percent, plan.youth_percent, plan.all_percent) == (
        Decimal("100.0"),
        Decimal("0.0"),
        Decimal("50.0"),
    )
    assert plan.question.adult_2017 == Decimal("46")
    assert plan.question.youth_2017 is None


def test_results_for_a_user_cover_the_audits_they_may_see(org, audit):
    audit_answer_case(by=org.manager, audited_case=audited(audit)[0], answers=all_yes())
    crc_manager = org.other_provider_manager
    factories.CaseFactory(responsible_officer=org.other_provider_officer)
    crc_audit = audit_draw(by=crc_manager, scope=Scope("team", team=org.team_b), sample_size=1, seed=1)
    no_answers = dict.fromkeys(QUESTION_CODES, (False, "Missing."))
    audit_answer_case(by=crc_manager, audited_case=audited(crc_audit)[0], answers=no_answers)
    mine = results_for_user(org.manager)[0]
    assert (mine.adult_yes, mine.adult_answered) == (1, 1)
    theirs = results_for_user(crc_manager)[0]
    assert (theirs.adult_yes, theirs.adult_answered) == (0, 1)
    assert [result.adult_answered for result in results_for_user(org.officer)] == [0] * 9


# Which audits a manager sees ---------------------------------------------------------------------------------------


def test_the_audit_list_is_newest_first_and_the_later_draw_first_on_the_same_day(org, team_cases):
    older = audit_draw(by=org.manager, scope=team(org), sample_size=1, seed=1, on=date(2026, 11, 2))
    first_today = audit_draw(by=org.manager, scope=team(org), sample_size=1, seed=2)
    provider = audit_draw(by=org.manager, scope=Scope("provider", provider=org.nps), sample_size=1, seed=3)
    later_today = audit_draw(by=org.manager, scope=team(org), sample_size=1, seed=4)

    assert list(audit_list(org.manager)) == [later_today, provider, first_today, older]


def test_a_region_audit_is_not_among_the_audits_a_manager_sees(org, team_cases):
    """The model still allows a region audit; none is shown: audits cover a team or a provider."""
    CaseAudit.objects.create(
        scope="region",
        region=org.region,
        seed=1,
        sample_size=1,
        population_size=12,
        drawn_by=org.manager,
        drawn_on=TODAY,
    )
    mine = audit_draw(by=org.manager, scope=team(org), sample_size=1, seed=1)
    senior = factories.ManagerFactory(team=org.team_a, senior_manager=True)

    for user in (org.manager, senior):
        assert list(audits_visible_to(user)) == [mine]
