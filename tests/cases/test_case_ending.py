"""cases.services.case_end and cases.rules.can_end_case: each termination outcome, who may end a case, and every
refusal (each writes nothing: the case stays open, no history row, the sentence, assignment and clocks as they were).

Time is frozen on Tuesday 10 November 2026. The case started on 15 January 2024 (the factory's date) and was
sentenced on 1 March 2024.
"""

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from cases import rules
from cases.models import Case, OfficerAssignment, Sentence
from cases.services import case_end
from tests import factories
from timeliness.models import Clock

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

TODAY = date(2026, 11, 10)
ENDED_ON = date(2026, 11, 3)
SENTENCED_ON = date(2024, 3, 1)
Outcome = Case.TerminationOutcome


@pytest.fixture
def frozen():
    with time_machine.travel(timezone.make_aware(datetime(2026, 11, 10, 11, 0)), tick=False):
        yield


@pytest.fixture
def held(org):
    """An active case of Olivia Okafor (Manchester North, NPS North West) with its current sentence, open
    assignment and an open first appointment clock."""
    case = factories.CaseFactory(responsible_officer=org.officer)
    sentence = factories.SentenceFactory(case=case, sentence_date=SENTENCED_ON)
    assignment = factories.OfficerAssignmentFactory(case=case, assigned_by=org.manager)
    clock = factories.ClockFactory(case=case, started_on=date(2026, 11, 2), due_on=date(2026, 11, 9))
    return case, sentence, assignment, clock


def _snapshot(case) -> tuple:
    case.refresh_from_db()
    sentence = Sentence.objects.filter(case=case).first()
    return (
        case.status,
        case.end_date,
        case.termination_outcome,
        case.termination_notes,
        case.ended_by_id,
        case.history.count(),
        sentence.status if sentence else None,
        sentence.history.count() if sentence else None,
        OfficerAssignment.objects.filter(case=case, end_date__isnull=True).count(),
        Clock.objects.filter(case=case, status=Clock.Status.OPEN).count(),
    )


def _refused(case, **kwargs) -> dict:
    """Call case_end expecting a refusal; assert nothing changed; return the error's message dict."""
    before = _snapshot(case)
    with pytest.raises(ValidationError) as caught:
        case_end(case=case, **kwargs)
    assert _snapshot(case) == before
    return caught.value.message_dict


class TestOutcomes:
    @pytest.mark.parametrize(
        ("outcome", "notes", "sentence_status", "reason"),
        [
            (Outcome.COMPLETED_POSITIVELY, "", Sentence.Status.COMPLETED, "Case ended: completed positively"),
            (
                Outcome.REVOKED,
                "Revoked for good progress.",
                Sentence.Status.REVOKED,
                "Case ended: revoked by the court",
            ),
            (
                Outcome.BREACHED_AND_RESENTENCED,
                "",
                Sentence.Status.REVOKED,
                "Case ended: breached and re-sentenced",
            ),
            (Outcome.DIED, "", Sentence.Status.COMPLETED, "Case ended: the person died"),
            (
                Outcome.TRANSFERRED_OUT,
                "Transferred to another probation area",
                Sentence.Status.COMPLETED,
                "Case ended: transferred out",
            ),
        ],
    )
    def test_each_outcome_ends_the_case_and_leaves_the_sentence_as_it_should(
        self, org, held, outcome, notes, sentence_status, reason
    ):
        case, sentence, assignment, _clock = held

        result = case_end(by=org.officer, case=case, end_date=ENDED_ON, outcome=outcome, notes=notes)

        assert result.pk == case.pk
        case.refresh_from_db()
        sentence.refresh_from_db()
        assignment.refresh_from_db()
        assert (
            case.status,
            case.end_date,
            case.termination_outcome,
            case.termination_notes,
            case.ended_by,
        ) == (Case.Status.ENDED, ENDED_ON, outcome, notes, org.officer)
        assert sentence.status == sentence_status
        assert assignment.end_date == ENDED_ON
        latest = case.history.latest()
        assert (latest.history_type, latest.history_user, latest.history_change_reason) == ("~", org.officer, reason)
        assert (latest.termination_outcome, latest.ended_by_id) == (outcome, org.officer.pk)
        assert sentence.history.latest().history_change_reason == reason

    def test_notes_are_kept_trimmed(self, org, held):
        case = held[0]

        case_end(
            by=org.officer,
            case=case,
            end_date=ENDED_ON,
            outcome=Outcome.TRANSFERRED_OUT,
            notes="  Transferred to the probation service in Wales after moving to Cardiff.  ",
        )

        case.refresh_from_db()
        assert case.termination_notes == "Transferred to the probation service in Wales after moving to Cardiff."

    def test_ending_today_is_allowed(self, org, held):
        case = held[0]

        case_end(by=org.officer, case=case, end_date=TODAY, outcome=Outcome.COMPLETED_POSITIVELY)

        case.refresh_from_db()
        assert (case.status, case.end_date) == (Case.Status.ENDED, TODAY)

    def test_a_case_without_a_sentence_ends_too(self, org):
        case = factories.CaseFactory(responsible_officer=org.officer)

        case_end(by=org.officer, case=case, end_date=ENDED_ON, outcome=Outcome.DIED)

        case.refresh_from_db()
        assert (case.status, case.termination_outcome) == (Case.Status.ENDED, "died")
        assert not Sentence.objects.filter(case=case).exists()

    def test_cancels_the_open_clocks_and_keeps_stopped_ones(self, org, held):
        case, _sentence, _assignment, clock = held
        met = factories.ClockFactory(
            case=case,
            service_level="NPS SL002",
            started_on=date(2026, 11, 2),
            due_on=date(2026, 11, 4),
            stopped_on=date(2026, 11, 3),
            status=Clock.Status.MET,
        )

        case_end(by=org.manager, case=case, end_date=ENDED_ON, outcome=Outcome.COMPLETED_POSITIVELY)

        clock.refresh_from_db()
        met.refresh_from_db()
        assert (clock.status, clock.stopped_on, clock.stopped_by) == (Clock.Status.CANCELLED, ENDED_ON, org.manager)
        assert (met.status, met.stopped_on) == (Clock.Status.MET, date(2026, 11, 3))


class TestWhoMayEnd:
    def test_the_responsible_officer(self, org, held):
        case = held[0]

        case_end(by=org.officer, case=case, end_date=ENDED_ON, outcome=Outcome.COMPLETED_POSITIVELY)

        case.refresh_from_db()
        assert (case.status, case.ended_by) == (Case.Status.ENDED, org.officer)

    def test_a_manager_of_the_provider_of_another_team(self, org):
        case = factories.CaseFactory(responsible_officer=org.other_team_officer)  # Manchester South, NPS

        case_end(by=org.manager, case=case, end_date=ENDED_ON, outcome=Outcome.REVOKED)

        case.refresh_from_db()
        assert (case.status, case.ended_by) == (Case.Status.ENDED, org.manager)

    def test_an_administrator_with_a_team_of_the_provider(self, org, held):
        administrator = factories.AdministratorFactory(team=org.team_a2)
        case = held[0]

        case_end(by=administrator, case=case, end_date=ENDED_ON, outcome=Outcome.COMPLETED_POSITIVELY)

        case.refresh_from_db()
        assert case.ended_by == administrator

    def test_a_manager_can_end_a_case_waiting_for_allocation(self, org):
        case = factories.CaseFactory(awaiting_allocation=True, provider=org.nps)

        case_end(by=org.manager, case=case, end_date=ENDED_ON, outcome=Outcome.DIED)

        case.refresh_from_db()
        assert (case.status, case.termination_outcome) == (Case.Status.ENDED, "died")

    @pytest.mark.parametrize(
        "who",
        ["colleague", "other_team_officer", "upw", "other_provider_officer", "other_provider_manager", "court_user"],
    )
    def test_anyone_else_is_refused_and_nothing_is_written(self, org, held, who):
        errors = _refused(
            held[0], by=getattr(org, who), end_date=ENDED_ON, outcome=Outcome.COMPLETED_POSITIVELY, notes=""
        )

        assert errors == {
            NON_FIELD_ERRORS: ["Only the responsible officer or a manager of NPS North West can end this case."]
        }

    def test_an_administrator_without_a_team_is_refused(self, org, held):
        errors = _refused(held[0], by=org.administrator, end_date=ENDED_ON, outcome=Outcome.COMPLETED_POSITIVELY)

        assert errors == {
            NON_FIELD_ERRORS: ["Only the responsible officer or a manager of NPS North West can end this case."]
        }

    def test_an_administrator_of_another_provider_is_refused(self, org, held):
        administrator = factories.AdministratorFactory(team=org.team_b)

        errors = _refused(held[0], by=administrator, end_date=ENDED_ON, outcome=Outcome.COMPLETED_POSITIVELY)

        assert list(errors) == [NON_FIELD_ERRORS]

    def test_a_deactivated_responsible_officer_is_refused(self, org, held):
        org.officer.is_active = False
        org.officer.save()

        errors = _refused(held[0], by=org.officer, end_date=ENDED_ON, outcome=Outcome.COMPLETED_POSITIVELY)

        assert list(errors) == [NON_FIELD_ERRORS]

    def test_the_permission_is_checked_before_anything_else(self, org, held):
        errors = _refused(held[0], by=org.colleague, end_date=None, outcome="")

        assert errors == {
            NON_FIELD_ERRORS: ["Only the responsible officer or a manager of NPS North West can end this case."]
        }


class TestCanEndCase:
    @pytest.mark.parametrize(
        ("who", "expected"),
        [
            ("officer", True),
            ("manager", True),
            ("colleague", False),
            ("other_team_officer", False),
            ("upw", False),
            ("other_provider_officer", False),
            ("other_provider_manager", False),
            ("court_user", False),
            ("administrator", False),
        ],
    )
    def test_who_may_end_an_nps_case_of_olivia(self, org, who, expected):
        case = factories.CaseFactory(responsible_officer=org.officer)

        assert rules.can_end_case(getattr(org, who), case) is expected

    def test_administrators_by_the_provider_of_their_team(self, org):
        case = factories.CaseFactory(responsible_officer=org.officer)

        assert rules.can_end_case(factories.AdministratorFactory(team=org.team_a), case) is True
        assert rules.can_end_case(factories.AdministratorFactory(team=org.team_b), case) is False

    def test_a_case_waiting_for_allocation_has_no_officer_so_only_managers(self, org):
        case = factories.CaseFactory(awaiting_allocation=True, provider=org.nps)

        assert (rules.can_end_case(org.manager, case), rules.can_end_case(org.officer, case)) == (True, False)


class TestRefusals:
    def test_no_outcome(self, org, held):
        errors = _refused(held[0], by=org.officer, end_date=ENDED_ON, outcome="")

        assert errors == {"outcome": ["Select how the case ended."]}

    def test_an_unknown_outcome(self, org, held):
        errors = _refused(held[0], by=org.officer, end_date=ENDED_ON, outcome="finished")

        assert errors == {"outcome": ["Select how the case ended from the list."]}

    @pytest.mark.parametrize("notes", ["", "   \n "])
    def test_transferred_out_without_saying_where(self, org, held, notes):
        errors = _refused(held[0], by=org.officer, end_date=ENDED_ON, outcome=Outcome.TRANSFERRED_OUT, notes=notes)

        assert errors == {"notes": ["Say where the case was transferred to."]}

    def test_no_end_date(self, org, held):
        errors = _refused(held[0], by=org.officer, end_date=None, outcome=Outcome.COMPLETED_POSITIVELY)

        assert errors == {"end_date": ["Enter the date the case ended."]}

    def test_an_end_date_in_the_future(self, org, held):
        errors = _refused(held[0], by=org.officer, end_date=date(2026, 11, 11), outcome=Outcome.COMPLETED_POSITIVELY)

        assert errors == {"end_date": ["The date the case ended cannot be in the future."]}

    def test_an_end_date_before_the_case_started(self, org, held):
        errors = _refused(held[0], by=org.officer, end_date=date(2024, 1, 14), outcome=Outcome.COMPLETED_POSITIVELY)

        assert errors == {"end_date": ["The case cannot end before it started on 15 January 2024."]}

    def test_an_end_date_before_the_sentence(self, org, held):
        errors = _refused(held[0], by=org.officer, end_date=date(2024, 2, 29), outcome=Outcome.COMPLETED_POSITIVELY)

        assert errors == {"end_date": ["The case cannot end before the sentence on 1 March 2024."]}

    def test_the_day_of_sentence_is_allowed(self, org, held):
        case = held[0]

        case_end(by=org.officer, case=case, end_date=SENTENCED_ON, outcome=Outcome.REVOKED)

        case.refresh_from_db()
        assert case.end_date == SENTENCED_ON

    def test_every_field_error_at_once(self, org, held):
        errors = _refused(held[0], by=org.officer, end_date=date(2027, 1, 1), outcome=Outcome.TRANSFERRED_OUT, notes="")

        assert errors == {
            "notes": ["Say where the case was transferred to."],
            "end_date": ["The date the case ended cannot be in the future."],
        }

    def test_a_case_that_has_already_ended(self, org):
        case = factories.CaseFactory(responsible_officer=org.officer, ended=True)

        errors = _refused(case, by=org.officer, end_date=ENDED_ON, outcome=Outcome.COMPLETED_POSITIVELY)

        assert errors == {"status": ["This case has already ended."]}
        assert (case.end_date, case.termination_outcome) == (date(2025, 1, 15), "")

    def test_a_refused_ending_leaves_the_clock_open_and_publishes_nothing(self, org, held, monkeypatch):
        case, _sentence, _assignment, clock = held
        published = []
        monkeypatch.setattr("cases.events.publish", lambda *args, **kwargs: published.append((args, kwargs)))

        _refused(case, by=org.officer, end_date=ENDED_ON, outcome="")

        clock.refresh_from_db()
        assert (clock.status, published) == (Clock.Status.OPEN, [])
