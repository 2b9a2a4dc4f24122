"""interventions.services.programmes: the accredited programme lifecycle, step by step, with its refusals.

referred -> waiting (suitable) | unsuitable -> allocated -> started -> completed | not completed; withdrawn at any
open step. Every refusal says what is wrong and changes nothing; history rows record the acting user.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404

from cases.models import Case, Requirement
from interventions.models import ProgrammeGroup, ProgrammeReferral, ProgrammeSessionAttendance
from interventions.services import programmes as services
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)
Status = ProgrammeReferral.Status


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


# Helpers shared by the programme test modules ----------------------------------------------------------------------


def programme_requirement(officer, *, sentence_date=date(2026, 9, 1), **case_kwargs) -> Requirement:
    """An active accredited programme requirement (Thinking Skills, 19 sessions) on an active case of `officer`."""
    case = factories.CaseFactory(responsible_officer=officer, **case_kwargs)
    sentence = factories.SentenceFactory(case=case, sentence_date=sentence_date)
    return factories.RequirementFactory(
        sentence=sentence,
        requirement_type=factories.requirement_type("accredited_programme"),
        programme_name="Thinking Skills Programme",
        sessions=19,
    )


def group_for(provider, *, programme_code="thinking_skills", start_date=date(2026, 11, 20), capacity=10, **kwargs):
    return factories.ProgrammeGroupFactory(
        programme=factories.programme(programme_code),
        provider=provider,
        start_date=start_date,
        capacity=capacity,
        **kwargs,
    )


def refer(officer, requirement=None, *, on=date(2026, 10, 1)) -> ProgrammeReferral:
    requirement = requirement or programme_requirement(officer)
    return services.programme_refer(
        by=officer, requirement=requirement, programme=factories.programme("thinking_skills"), referred_on=on
    )


def waiting(officer, requirement=None, *, on=date(2026, 10, 1), decided=date(2026, 10, 8)) -> ProgrammeReferral:
    referral = refer(officer, requirement, on=on)
    return services.programme_suitability_decide(by=officer, referral=referral, suitable=True, on=decided)


def started(officer, group, requirement=None) -> ProgrammeReferral:
    referral = waiting(officer, requirement)
    services.programme_allocate(by=officer, referral=referral, group=group, on=date(2026, 10, 15))
    return services.programme_start(by=officer, referral=referral, on=group.start_date)


def snapshot(referral: ProgrammeReferral) -> tuple:
    referral = ProgrammeReferral.objects.get(pk=referral.pk)
    return (
        referral.status,
        referral.suitability_decided_on,
        referral.group_id,
        referral.allocated_on,
        referral.started_on,
        referral.ended_on,
        referral.alternative_plan,
        referral.history.count(),
        ProgrammeSessionAttendance.objects.filter(referral=referral).count(),
    )


def refused(call, **kwargs) -> dict:
    with pytest.raises(ValidationError) as error:
        call(**kwargs)
    return error.value.message_dict


# Referral ----------------------------------------------------------------------


class TestRefer:
    def test_refers_an_accredited_programme_requirement_with_history(self, org):
        requirement = programme_requirement(org.officer)

        referral = refer(org.officer, requirement)

        assert referral.status == Status.REFERRED
        assert referral.referred_on == date(2026, 10, 1)
        assert referral.referred_by == org.officer
        last = referral.history.latest()
        assert last.history_user == org.officer
        assert last.history_change_reason == "Referred to Thinking Skills Programme"

    def test_date_defaults_to_today(self, org):
        referral = services.programme_refer(
            by=org.officer, requirement=programme_requirement(org.officer), programme=factories.programme()
        )
        assert referral.referred_on == TODAY

    def test_not_an_accredited_programme_requirement(self, org):
        rar = factories.RequirementFactory(
            sentence=factories.SentenceFactory(case=factories.CaseFactory(responsible_officer=org.officer))
        )
        errors = refused(services.programme_refer, by=org.officer, requirement=rar, programme=factories.programme())
        assert errors == {
            "requirement": [
                "This is not an accredited programme requirement (rehabilitation activity requirement): only those "
                "are referred to a programme."
            ]
        }
        assert not ProgrammeReferral.objects.exists()

    def test_ended_requirement_is_refused(self, org):
        requirement = programme_requirement(org.officer)
        Requirement.objects.filter(pk=requirement.pk).update(
            status="terminated", ended_on=TODAY, completed_positively=False, termination_reason="other"
        )
        errors = refused(
            services.programme_refer, by=org.officer, requirement=requirement, programme=factories.programme()
        )
        assert errors == {
            "requirement": [
                "This requirement has ended (terminated): a referral can only be made for an active requirement."
            ]
        }
        assert not ProgrammeReferral.objects.exists()

    def test_ended_case_is_refused(self, org):
        requirement = programme_requirement(org.officer)
        Case.objects.filter(pk=requirement.sentence.case_id).update(status="ended", end_date=TODAY)
        errors = refused(
            services.programme_refer, by=org.officer, requirement=requirement, programme=factories.programme()
        )
        assert errors == {"requirement": ["This case has ended: a referral can only be made on an open case."]}

    def test_inactive_programme_is_refused(self, org):
        programme = factories.programme("kaizen")
        programme.active = False
        programme.save()
        errors = refused(
            services.programme_refer,
            by=org.officer,
            requirement=programme_requirement(org.officer),
            programme=programme,
        )
        assert errors == {"programme": ["Kaizen is no longer offered: choose another programme."]}

    def test_second_open_referral_is_refused(self, org):
        requirement = programme_requirement(org.officer)
        refer(org.officer, requirement)
        errors = refused(
            services.programme_refer, by=org.officer, requirement=requirement, programme=factories.programme()
        )
        assert errors == {
            "requirement": [
                "This requirement already has an open referral to Thinking Skills Programme (referred on 1 October "
                "2026; waiting for a suitability decision). Withdraw it, or record how it ended, before making a new "
                "one."
            ]
        }
        assert ProgrammeReferral.objects.count() == 1

    @pytest.mark.parametrize(
        ("on", "message"),
        [
            (TODAY + timedelta(days=1), "The date cannot be in the future."),
            (date(2026, 8, 31), "The date cannot be before the requirement started (1 September 2026)."),
        ],
    )
    def test_dates(self, org, on, message):
        errors = refused(
            services.programme_refer,
            by=org.officer,
            requirement=programme_requirement(org.officer),
            programme=factories.programme(),
            referred_on=on,
        )
        assert errors == {"referred_on": [message]}

    def test_new_referral_cannot_be_dated_before_the_previous_one_ended(self, org):
        requirement = programme_requirement(org.officer)
        referral = refer(org.officer, requirement, on=date(2026, 10, 1))
        services.programme_suitability_decide(
            by=org.officer, referral=referral, suitable=False, notes="Denies the offence", on=date(2026, 10, 20)
        )
        errors = refused(
            services.programme_refer,
            by=org.officer,
            requirement=requirement,
            programme=factories.programme(),
            referred_on=date(2026, 10, 19),
        )
        assert errors == {"referred_on": ["The date cannot be before the previous referral ended (20 October 2026)."]}

    def test_out_of_scope_is_not_found(self, org):
        requirement = programme_requirement(org.other_provider_officer)
        with pytest.raises(Http404):
            refer(org.officer, requirement)
        assert not ProgrammeReferral.objects.exists()

    def test_staff_who_do_not_do_case_work_are_refused(self, org):
        requirement = programme_requirement(org.officer)
        errors = refused(services.programme_refer, by=org.upw, requirement=requirement, programme=factories.programme())
        assert errors == {"referral": [services.NO_CASE_WORK]}


# Suitability ----------------------------------------------------------------------


class TestSuitability:
    def test_suitable_goes_on_the_waiting_list(self, org):
        referral = refer(org.officer)

        decided = services.programme_suitability_decide(
            by=org.manager, referral=referral, suitable=True, notes="Motivated", on=date(2026, 10, 8)
        )

        assert decided.status == Status.WAITING
        assert decided.suitability_decided_on == date(2026, 10, 8)
        assert decided.ended_on is None
        assert decided.history.latest().history_user == org.manager

    def test_unsuitable_closes_it(self, org):
        referral = refer(org.officer)
        decided = services.programme_suitability_decide(
            by=org.officer, referral=referral, suitable=False, notes="Denies the offence", on=date(2026, 10, 8)
        )
        assert decided.status == Status.UNSUITABLE
        assert decided.ended_on == date(2026, 10, 8)

    def test_unsuitable_needs_the_reason(self, org):
        referral = refer(org.officer)
        before = snapshot(referral)
        errors = refused(
            services.programme_suitability_decide, by=org.officer, referral=referral, suitable=False, notes="  "
        )
        assert errors == {"notes": ["Say why the person is not suitable."]}
        assert snapshot(referral) == before

    def test_decision_dates(self, org):
        referral = refer(org.officer, on=date(2026, 10, 1))
        errors = refused(
            services.programme_suitability_decide,
            by=org.officer,
            referral=referral,
            suitable=True,
            on=date(2026, 9, 30),
        )
        assert errors == {"on": ["The date cannot be before the referral (1 October 2026)."]}
        errors = refused(
            services.programme_suitability_decide,
            by=org.officer,
            referral=referral,
            suitable=True,
            on=TODAY + timedelta(1),
        )
        assert errors == {"on": ["The date cannot be in the future."]}

    def test_only_once(self, org):
        referral = waiting(org.officer)
        before = snapshot(referral)
        errors = refused(services.programme_suitability_decide, by=org.officer, referral=referral, suitable=True)
        assert errors == {
            "status": [
                "This referral is waiting for a group: a suitability decision is recorded once, on a new referral."
            ]
        }
        assert snapshot(referral) == before


# Allocation ----------------------------------------------------------------------


class TestAllocate:
    def test_allocates_to_a_group_with_room(self, org):
        group = group_for(org.nps)
        referral = waiting(org.officer)

        allocated = services.programme_allocate(by=org.officer, referral=referral, group=group, on=date(2026, 10, 15))

        assert allocated.status == Status.ALLOCATED
        assert allocated.group == group
        assert allocated.allocated_on == date(2026, 10, 15)
        assert allocated.history.latest().history_change_reason == f"Allocated to {group.name}"

    def test_not_waiting_is_refused_naming_the_status(self, org):
        group = group_for(org.nps)
        referral = refer(org.officer)
        before = snapshot(referral)
        errors = refused(services.programme_allocate, by=org.officer, referral=referral, group=group)
        assert errors == {
            "status": [
                "This referral is waiting for a suitability decision: a person is allocated to a group only when they "
                "are suitable and waiting."
            ]
        }
        assert snapshot(referral) == before

    def test_group_of_another_programme(self, org):
        group = group_for(org.nps, programme_code="resolve", name="Resolve Mondays")
        referral = waiting(org.officer)
        errors = refused(services.programme_allocate, by=org.officer, referral=referral, group=group)
        assert errors == {"group": ["Resolve Mondays runs Resolve: choose a group of Thinking Skills Programme."]}

    @pytest.mark.parametrize("status", [ProgrammeGroup.Status.CANCELLED, ProgrammeGroup.Status.FINISHED])
    def test_closed_group(self, org, status):
        group = group_for(org.nps, name="TSP Tuesdays", status=status)
        referral = waiting(org.officer)
        errors = refused(services.programme_allocate, by=org.officer, referral=referral, group=group)
        assert errors == {
            "group": [f"TSP Tuesdays is {status.label.lower()}: choose a group that is planned or running."]
        }

    def test_full_group_counts_open_allocated_and_started_only(self, org):
        group = group_for(org.nps, name="Small group", capacity=2)
        first = waiting(org.officer)
        services.programme_allocate(by=org.officer, referral=first, group=group, on=date(2026, 10, 15))
        second = waiting(org.officer)
        services.programme_allocate(by=org.officer, referral=second, group=group, on=date(2026, 10, 15))
        services.programme_start(by=org.officer, referral=second, on=date(2026, 11, 20))
        third = waiting(org.officer)
        before = snapshot(third)

        errors = refused(services.programme_allocate, by=org.officer, referral=third, group=group)

        assert errors == {"group": ["Small group is full: 2 of 2 places are taken. Choose another group."]}
        assert snapshot(third) == before
        # A withdrawn member frees the place.
        services.programme_withdraw(by=org.officer, referral=first, reason="Moved to another area")
        services.programme_allocate(by=org.officer, referral=third, group=group)
        assert ProgrammeReferral.objects.get(pk=third.pk).status == Status.ALLOCATED

    def test_group_outside_the_region(self, org):
        elsewhere = factories.ProviderFactory(name="Far CRC", code="C99", provider_type="crc")
        group = group_for(elsewhere, name="Far group")
        referral = waiting(org.officer)
        errors = refused(services.programme_allocate, by=org.officer, referral=referral, group=group)
        assert errors == {"group": ["Far group is run by Far CRC, outside the case's region: choose another group."]}

    def test_crc_group_in_the_region_takes_an_nps_case(self, org):
        group = group_for(org.crc)
        referral = waiting(org.officer)
        assert services.programme_allocate(by=org.officer, referral=referral, group=group).group == group

    def test_date_not_before_the_decision(self, org):
        referral = waiting(org.officer, decided=date(2026, 10, 8))
        errors = refused(
            services.programme_allocate,
            by=org.officer,
            referral=referral,
            group=group_for(org.nps),
            on=date(2026, 10, 7),
        )
        assert errors == {"on": ["The date cannot be before the person was found suitable (8 October 2026)."]}


# Start and sessions ----------------------------------------------------------------------


class TestStartAndSessions:
    def test_start_not_before_the_group_starts(self, org):
        group = group_for(org.nps, name="TSP Tuesdays", start_date=date(2026, 11, 24))
        referral = waiting(org.officer)
        services.programme_allocate(by=org.officer, referral=referral, group=group, on=date(2026, 10, 15))
        before = snapshot(referral)

        errors = refused(services.programme_start, by=org.officer, referral=referral, on=date(2026, 11, 23))

        assert errors == {"on": ["The date cannot be before TSP Tuesdays starts (24 November 2026)."]}
        assert snapshot(referral) == before

    def test_start_makes_a_planned_group_running(self, org):
        group = group_for(org.nps)
        referral = started(org.officer, group)
        assert referral.status == Status.STARTED
        assert referral.started_on == date(2026, 11, 20)
        group.refresh_from_db()
        assert group.status == ProgrammeGroup.Status.RUNNING
        assert group.history.latest().history_user == org.officer

    def test_start_only_when_allocated(self, org):
        errors = refused(services.programme_start, by=org.officer, referral=waiting(org.officer))
        assert errors == {
            "status": [
                "This referral is waiting for a group: the programme can start only for a person allocated to a group."
            ]
        }

    def test_sessions_recorded_and_refused(self, org):
        referral = started(org.officer, group_for(org.nps))
        attendance = services.programme_session_record(
            by=org.officer, referral=referral, session_number=1, session_date=date(2026, 11, 20), attended=True
        )
        assert attendance.recorded_by == org.officer
        assert attendance.history.latest().history_user == org.officer

        cases = [
            (
                {"session_number": 1, "session_date": date(2026, 11, 21), "attended": True},
                {"session_number": ["Session 1 is already recorded (attended on 20 November 2026)."]},
            ),
            (
                {"session_number": 20, "session_date": date(2026, 11, 21), "attended": True},
                {"session_number": ["Thinking Skills Programme has 19 sessions: enter a session number from 1 to 19."]},
            ),
            (
                {"session_number": 2, "session_date": date(2026, 11, 19), "attended": True},
                {"session_date": ["The date cannot be before the programme started (20 November 2026)."]},
            ),
            (
                {"session_number": 2, "session_date": TODAY + timedelta(days=1), "attended": False},
                {"session_date": ["The date cannot be in the future."]},
            ),
        ]
        before = snapshot(referral)
        for kwargs, expected in cases:
            assert refused(services.programme_session_record, by=org.officer, referral=referral, **kwargs) == expected
        assert snapshot(referral) == before

    def test_sessions_only_once_started(self, org):
        errors = refused(
            services.programme_session_record,
            by=org.officer,
            referral=waiting(org.officer),
            session_number=1,
            session_date=TODAY,
            attended=True,
        )
        assert errors == {
            "status": [
                "This referral is waiting for a group: sessions are recorded once the programme has started and "
                "until it ends."
            ]
        }


# Completion, non-completion, withdrawal ---------------------------------------------------------------------------


def attend(officer, referral, sessions, *, first=date(2026, 11, 20)):
    for number in range(1, sessions + 1):
        services.programme_session_record(
            by=officer, referral=referral, session_number=number, session_date=first, attended=True
        )


class TestComplete:
    def test_refused_with_the_numbers_until_every_session_is_attended(self, org):
        referral = started(org.officer, group_for(org.nps))
        attend(org.officer, referral, 17)
        services.programme_session_record(
            by=org.officer, referral=referral, session_number=18, session_date=TODAY, attended=False
        )
        before = snapshot(referral)

        errors = refused(services.programme_complete, by=org.officer, referral=referral)

        assert errors == {
            "sessions": [
                "17 of 19 sessions of Thinking Skills Programme are recorded as attended: a programme is completed "
                "only when every session has been attended. Record the sessions still to do, or record that the "
                "person did not complete the programme."
            ]
        }
        assert snapshot(referral) == before

    def test_completes_when_every_session_is_attended(self, org):
        referral = started(org.officer, group_for(org.nps))
        attend(org.officer, referral, 19, first=date(2026, 11, 24))

        errors = refused(services.programme_complete, by=org.officer, referral=referral, on=date(2026, 11, 23))
        assert errors == {"on": ["The date cannot be before the last session recorded (24 November 2026)."]}

        completed = services.programme_complete(by=org.manager, referral=referral)
        assert completed.status == Status.COMPLETED
        assert completed.ended_on == TODAY
        assert completed.history.latest().history_user == org.manager

    def test_only_when_started(self, org):
        errors = refused(services.programme_complete, by=org.officer, referral=refer(org.officer))
        assert errors == {
            "status": [
                "This referral is waiting for a suitability decision: only a programme that has started can be "
                "completed."
            ]
        }


class TestNotCompleteAndWithdraw:
    def test_not_completed_from_started(self, org):
        referral = started(org.officer, group_for(org.nps))
        ended = services.programme_not_complete(by=org.officer, referral=referral, reason="dropped_out")
        assert ended.status == Status.NOT_COMPLETED
        assert ended.ended_on == TODAY
        assert ended.non_completion_reason == "dropped_out"
        assert ended.history.latest().history_change_reason == "Not completed: Stopped attending"

    def test_other_needs_details(self, org):
        referral = waiting(org.officer)
        before = snapshot(referral)
        errors = refused(services.programme_not_complete, by=org.officer, referral=referral, reason="other")
        assert errors == {
            "details": ["Describe why the programme was not completed when the reason is \u201cOther\u201d."]
        }
        errors = refused(services.programme_not_complete, by=org.officer, referral=referral, reason="bored")
        assert errors == {"reason": ["Choose a reason from the list."]}
        assert snapshot(referral) == before

    def test_not_completed_refused_before_a_decision(self, org):
        referral = refer(org.officer)
        errors = refused(services.programme_not_complete, by=org.officer, referral=referral, reason="health")
        assert errors == {
            "status": [
                "This referral is waiting for a suitability decision: a programme is recorded as not completed only "
                "after the person was found suitable and before it ends. To stop a referral still waiting for a "
                "decision, withdraw it."
            ]
        }

    def test_withdraw_needs_a_reason_and_an_open_referral(self, org):
        referral = refer(org.officer)
        assert refused(services.programme_withdraw, by=org.officer, referral=referral, reason=" ") == {
            "reason": ["Say why the referral is withdrawn."]
        }
        withdrawn = services.programme_withdraw(by=org.officer, referral=referral, reason="Order amended")
        assert (withdrawn.status, withdrawn.ended_on, withdrawn.non_completion_details) == (
            Status.WITHDRAWN,
            TODAY,
            "Order amended",
        )
        assert refused(services.programme_withdraw, by=org.officer, referral=referral, reason="Again") == {
            "status": ["This referral is closed: it was withdrawn: only an open referral can be withdrawn."]
        }

    def test_end_date_not_before_the_previous_step(self, org):
        referral = waiting(org.officer, decided=date(2026, 10, 8))
        errors = refused(
            services.programme_withdraw, by=org.officer, referral=referral, reason="x", on=date(2026, 10, 7)
        )
        assert errors == {"on": ["The date cannot be before the suitability decision (8 October 2026)."]}


# Alternative plan ----------------------------------------------------------------------


class TestAlternativePlan:
    def test_recorded_after_unsuitable_dated_today_by_the_officer(self, org):
        referral = refer(org.officer)
        services.programme_suitability_decide(by=org.officer, referral=referral, suitable=False, notes="Denial")

        recorded = services.programme_alternative_plan_record(
            by=org.officer, referral=referral, plan="One-to-one work on thinking skills with the officer"
        )

        assert recorded.alternative_plan == "One-to-one work on thinking skills with the officer"
        assert recorded.alternative_plan_recorded_on == TODAY
        assert recorded.alternative_plan_recorded_by == org.officer
        assert recorded.history.latest().history_user == org.officer

    def test_plan_text_is_required(self, org):
        referral = refer(org.officer)
        services.programme_suitability_decide(by=org.officer, referral=referral, suitable=False, notes="Denial")
        before = snapshot(referral)
        errors = refused(services.programme_alternative_plan_record, by=org.officer, referral=referral, plan="")
        assert errors == {"plan": ["Enter the alternative plan: say how the requirement will be met instead."]}
        assert snapshot(referral) == before

    def test_only_after_unsuitable_or_not_completed(self, org):
        errors = refused(
            services.programme_alternative_plan_record, by=org.officer, referral=waiting(org.officer), plan="Plan"
        )
        assert errors == {
            "status": [
                "This referral is waiting for a group: an alternative plan is recorded only when the person was "
                "found not suitable or did not complete the programme."
            ]
        }

    def test_only_on_the_latest_referral(self, org):
        requirement = programme_requirement(org.officer)
        old = refer(org.officer, requirement, on=date(2026, 10, 1))
        services.programme_suitability_decide(
            by=org.officer, referral=old, suitable=False, notes="Denial", on=date(2026, 10, 2)
        )
        refer(org.officer, requirement, on=date(2026, 10, 3))
        errors = refused(services.programme_alternative_plan_record, by=org.officer, referral=old, plan="Plan")
        assert errors == {
            "referral": ["A newer programme referral has been made for this requirement: record the plan on that one."]
        }


# Groups ----------------------------------------------------------------------


class TestGroupCreate:
    def kwargs(self, org, **overrides):
        return {
            "by": org.manager,
            "programme": factories.programme(),
            "provider": org.nps,
            "name": "TSP Tuesday evenings",
            "start_date": date(2027, 1, 12),
            "location": "Oldham office",
            "capacity": 10,
            "facilitator": org.colleague,
        } | overrides

    def test_manager_sets_up_a_group_with_history(self, org):
        group = services.programme_group_create(**self.kwargs(org))
        assert (group.status, group.created_by, group.facilitator) == ("planned", org.manager, org.colleague)
        assert group.history.latest().history_user == org.manager

    @pytest.mark.parametrize(
        ("overrides", "expected"),
        [
            ({"by": "officer"}, {"provider": ["Only managers of NPS North West can set up its programme groups."]}),
            ({"provider": "crc"}, {"provider": ["Only managers of Stockport CRC can set up its programme groups."]}),
            ({"capacity": 21}, {"capacity": ["A group has between 1 and 20 places."]}),
            ({"name": ""}, {"name": ["Enter a name for the group, for example \u2018TSP Tuesday evenings\u2019."]}),
            ({"location": " "}, {"location": ["Enter where the group meets."]}),
            (
                {"start_date": date(2027, 12, 1)},
                {"start_date": ["A group cannot be set up more than a year before it starts."]},
            ),
            (
                {"facilitator": "other_provider_officer"},
                {
                    "facilitator": [
                        "Bethan Barker is not an active member of staff of NPS North West: choose someone who is."
                    ]
                },
            ),
        ],
    )
    def test_refusals(self, org, overrides, expected):
        resolved = {
            key: getattr(org, value) if key in ("by", "provider", "facilitator") else value
            for key, value in overrides.items()
        }
        assert refused(services.programme_group_create, **self.kwargs(org, **resolved)) == expected
        assert not ProgrammeGroup.objects.exists()

    def test_name_unique_in_the_provider(self, org):
        services.programme_group_create(**self.kwargs(org))
        errors = refused(services.programme_group_create, **self.kwargs(org, name="tsp tuesday evenings"))
        assert errors == {
            "name": ["NPS North West already has a group called \u2018tsp tuesday evenings\u2019: choose another name."]
        }
