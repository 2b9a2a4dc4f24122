"""cases.services.allocation.case_allocate: refusals (each writes nothing), effects, and the clocks it moves."""

from datetime import date

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from cases.models import Case, Disposal, OfficerAssignment, Sentence
from cases.services.allocation import case_allocate
from tests import factories
from tests.cases import test_allocation_setup as setup
from tests.cases.test_allocation_setup import (
    HIGH,
    LOW,
    MEDIUM,
    SENTENCED_ON,
    SL002_DUE,
    VERY_HIGH,
    publish_sentenced,
    waiting_case,
)
from timeliness.models import Clock

# Fixtures shared with the other allocation modules.
frozen = setup.frozen
youth = setup.youth

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

ON = date(2026, 11, 3)
# The management oversight note a high or very high RoSH case needs to be allocated.
NOTE = "Read the report and the RoSH assessment. Allocated to an experienced officer; review in supervision."


def _snapshot(case):
    case.refresh_from_db()
    return (
        case.status,
        case.provider_id,
        case.team_id,
        case.responsible_officer_id,
        case.history.count(),
        OfficerAssignment.objects.count(),
        Clock.objects.filter(status=Clock.Status.OPEN).count(),
    )


def _refused(case, **kwargs) -> dict:
    """Call case_allocate expecting a refusal; assert nothing changed; return the error's message dict.

    The management oversight note is given (NOTE) unless the test passes its own, so that each test sees only
    the refusal it is about (tests/cases/test_allocation_oversight_note.py tests the note itself)."""
    kwargs.setdefault("oversight_note", NOTE)
    before = _snapshot(case)
    with pytest.raises(ValidationError) as caught:
        case_allocate(case=case, **kwargs)
    assert _snapshot(case) == before
    return caught.value.message_dict


class TestEffects:
    def test_medium_risk_adult_goes_to_a_crc_team_allocated_by_the_nps_manager(self, org):
        case = waiting_case(org.nps, rosh=MEDIUM)

        result = case_allocate(
            by=org.manager, case=case, team=org.team_b, responsible_officer=org.other_provider_officer, on=ON
        )

        case.refresh_from_db()
        assert result.pk == case.pk
        assert (case.status, case.provider, case.team, case.responsible_officer) == (
            Case.Status.ACTIVE,
            org.crc,
            org.team_b,
            org.other_provider_officer,
        )
        assignment = OfficerAssignment.objects.get(case=case)
        assert (
            assignment.kind,
            assignment.reason,
            assignment.provider,
            assignment.team,
            assignment.responsible_officer,
            assignment.start_date,
            assignment.end_date,
            assignment.assigned_by,
        ) == (
            OfficerAssignment.Kind.ALLOCATION,
            OfficerAssignment.Reason.NEW_CASE,
            org.crc,
            org.team_b,
            org.other_provider_officer,
            ON,
            None,
            org.manager,
        )

    def test_history_records_who_allocated(self, org):
        case = waiting_case(org.nps, rosh=HIGH)

        case_allocate(
            by=org.manager, case=case, team=org.team_a, responsible_officer=org.officer, on=ON, oversight_note=NOTE
        )

        latest = case.history.order_by("-history_id").first()
        assert (latest.history_user, latest.status, latest.history_change_reason) == (
            org.manager,
            "active",
            "Allocated after sentence",
        )
        assert OfficerAssignment.history.get(case_id=case.pk).history_user == org.manager

    @pytest.mark.parametrize(("rosh", "mappa"), [(HIGH, False), (VERY_HIGH, False), (LOW, True)])
    def test_high_risk_or_mappa_stays_with_the_nps(self, org, rosh, mappa):
        case = waiting_case(org.nps, rosh=rosh, mappa=mappa)

        case_allocate(
            by=org.manager,
            case=case,
            team=org.team_a2,
            responsible_officer=org.other_team_officer,
            on=ON,
            oversight_note=NOTE,
        )

        case.refresh_from_db()
        assert (case.provider, case.team, case.responsible_officer) == (org.nps, org.team_a2, org.other_team_officer)

    def test_a_child_goes_to_a_yot_case_manager(self, org, youth):
        case = waiting_case(youth.provider, rosh=None, born=date(2010, 3, 1), disposal=Disposal.REFERRAL_ORDER)

        case_allocate(by=youth.manager, case=case, team=youth.team, responsible_officer=youth.officer, on=ON)

        case.refresh_from_db()
        assert (case.status, case.team, case.responsible_officer) == ("active", youth.team, youth.officer)

    def test_an_administrator_with_a_team_can_allocate(self, org):
        administrator = factories.AdministratorFactory(team=org.team_a)
        case = waiting_case(org.nps, rosh=HIGH)

        case_allocate(
            by=administrator, case=case, team=org.team_a, responsible_officer=org.officer, on=ON, oversight_note=NOTE
        )

        assert OfficerAssignment.objects.get(case=case).assigned_by == administrator

    def test_allocation_date_defaults_to_today(self, org):
        case = waiting_case(org.nps, rosh=HIGH)

        case_allocate(by=org.manager, case=case, team=org.team_a, responsible_officer=org.officer, oversight_note=NOTE)

        assert OfficerAssignment.objects.get(case=case).start_date == date(2026, 11, 10)


class TestRefusals:
    def test_a_case_not_waiting_for_allocation(self, org):
        case = factories.CaseFactory(responsible_officer=org.officer)

        errors = _refused(case, by=org.manager, team=org.team_a, responsible_officer=org.colleague, on=ON)

        assert errors == {NON_FIELD_ERRORS: ["This case is not waiting for allocation: it is active."]}

    @pytest.mark.parametrize("who", ["officer", "other_provider_manager", "upw", "administrator"])
    def test_only_a_manager_of_the_case_provider(self, org, who):
        case = waiting_case(org.nps, rosh=HIGH)

        errors = _refused(case, by=getattr(org, who), team=org.team_a, responsible_officer=org.officer, on=ON)

        assert errors == {NON_FIELD_ERRORS: ["Only a manager of NPS North West can allocate this case."]}

    def test_no_current_sentence(self, org):
        case = waiting_case(org.nps, rosh=HIGH, sentence=False)

        errors = _refused(case, by=org.manager, team=org.team_a, responsible_officer=org.officer, on=ON)

        assert errors == {NON_FIELD_ERRORS: ["Record the sentence first: a case is allocated after sentence."]}

    def test_a_revoked_sentence_is_not_current(self, org):
        case = waiting_case(org.nps, rosh=HIGH)
        Sentence.objects.filter(case=case).update(status=Sentence.Status.REVOKED)

        errors = _refused(case, by=org.manager, team=org.team_a, responsible_officer=org.officer, on=ON)

        assert "Record the sentence first" in errors[NON_FIELD_ERRORS][0]

    def test_blocked_without_a_risk_assessment(self, org):
        case = waiting_case(org.nps, rosh=None, first_name="Dan", middle_names="", last_name="Doe")

        errors = _refused(case, by=org.manager, team=org.team_b, responsible_officer=org.other_provider_officer, on=ON)

        assert errors == {
            NON_FIELD_ERRORS: ["Allocation is blocked: record a risk of serious harm assessment for Dan Doe first."]
        }

    def test_medium_risk_cannot_go_to_the_nps(self, org):
        case = waiting_case(org.nps, rosh=MEDIUM)

        errors = _refused(case, by=org.manager, team=org.team_a, responsible_officer=org.officer, on=ON)

        assert set(errors) == {"team"}
        assert errors["team"][0].startswith(
            "Manchester North is a team of NPS North West (National Probation Service division), but this case must "
            "be supervised by a Community Rehabilitation Company."
        )

    @pytest.mark.parametrize(("rosh", "mappa"), [(HIGH, False), (VERY_HIGH, False), (LOW, True)])
    def test_high_risk_or_mappa_cannot_go_to_a_crc(self, org, rosh, mappa):
        case = waiting_case(org.nps, rosh=rosh, mappa=mappa)

        errors = _refused(case, by=org.manager, team=org.team_b, responsible_officer=org.other_provider_officer, on=ON)

        assert "must be supervised by the National Probation Service" in errors["team"][0]

    def test_a_child_cannot_go_to_adult_services(self, org, youth):
        case = waiting_case(youth.provider, rosh=HIGH, born=date(2010, 3, 1))

        errors = _refused(case, by=youth.manager, team=org.team_a, responsible_officer=org.officer, on=ON)

        assert "must be supervised by the youth offending team" in errors["team"][0]

    def test_a_team_in_another_region(self, org):
        elsewhere = factories.TeamFactory(
            provider=factories.ProviderFactory(crc=True, region=factories.RegionFactory(name="Wales")), name="Cardiff"
        )
        officer = factories.OfficerFactory(team=elsewhere)
        case = waiting_case(org.nps, rosh=MEDIUM)

        errors = _refused(case, by=org.manager, team=elsewhere, responsible_officer=officer, on=ON)

        assert errors == {
            "team": [
                "Cardiff is in Wales, not North West: allocate to a team in the region where the case was sentenced."
            ]
        }

    def test_an_inactive_team(self, org):
        org.team_b.active = False
        org.team_b.save()
        case = waiting_case(org.nps, rosh=MEDIUM)

        errors = _refused(case, by=org.manager, team=org.team_b, responsible_officer=org.other_provider_officer, on=ON)

        assert errors["team"] == ["Stockport is no longer an active team: choose another team."]

    def test_an_officer_of_another_team(self, org):
        case = waiting_case(org.nps, rosh=HIGH)

        errors = _refused(case, by=org.manager, team=org.team_a, responsible_officer=org.other_team_officer, on=ON)

        assert errors == {"responsible_officer": ["Tariq Thompson is not a member of Manchester North."]}

    def test_a_manager_is_not_a_responsible_officer(self, org):
        case = waiting_case(org.nps, rosh=HIGH)

        errors = _refused(case, by=org.manager, team=org.team_a, responsible_officer=org.manager, on=ON)

        assert errors == {
            "responsible_officer": ["Maya Mensah is not a responsible officer: only responsible officers hold cases."]
        }

    def test_an_inactive_officer(self, org):
        org.officer.is_active = False
        org.officer.save()
        case = waiting_case(org.nps, rosh=HIGH)

        errors = _refused(case, by=org.manager, team=org.team_a, responsible_officer=org.officer, on=ON)

        assert errors == {
            "responsible_officer": ["Olivia Okafor no longer has an active account: choose someone else."]
        }

    def test_nothing_chosen(self, org):
        case = waiting_case(org.nps, rosh=HIGH)

        errors = _refused(case, by=org.manager, team=None, responsible_officer=None, on=ON)

        assert errors == {"team": ["Choose a team."], "responsible_officer": ["Choose a responsible officer."]}

    def test_before_the_day_of_sentence(self, org):
        case = waiting_case(org.nps, rosh=HIGH)

        errors = _refused(case, by=org.manager, team=org.team_a, responsible_officer=org.officer, on=date(2026, 11, 1))

        assert errors == {
            NON_FIELD_ERRORS: ["The allocation date cannot be before the day of sentence (2 November 2026)."]
        }

    def test_in_the_future(self, org):
        case = waiting_case(org.nps, rosh=HIGH)

        errors = _refused(case, by=org.manager, team=org.team_a, responsible_officer=org.officer, on=date(2026, 11, 11))

        assert errors == {NON_FIELD_ERRORS: ["The allocation date cannot be in the future."]}

    def test_twice(self, org):
        case = waiting_case(org.nps, rosh=HIGH)
        case_allocate(
            by=org.manager, case=case, team=org.team_a, responsible_officer=org.officer, on=ON, oversight_note=NOTE
        )

        errors = _refused(case, by=org.manager, team=org.team_a, responsible_officer=org.colleague, on=ON)

        assert errors == {NON_FIELD_ERRORS: ["This case is not waiting for allocation: it is active."]}
        assert OfficerAssignment.objects.filter(case=case).count() == 1


class TestClocks:
    def _sl002(self, case):
        return Clock.objects.get(case=case, service_level="NPS SL002")

    @pytest.mark.parametrize("on", [SENTENCED_ON, date(2026, 11, 3), SL002_DUE])
    def test_allocated_within_two_working_days_meets_nps_sl002(self, org, on):
        case = waiting_case(org.nps, rosh=HIGH)
        publish_sentenced(case, org.manager)

        case_allocate(
            by=org.manager, case=case, team=org.team_a, responsible_officer=org.officer, on=on, oversight_note=NOTE
        )

        clock = self._sl002(case)
        assert (clock.status, clock.stopped_on, clock.stopped_by) == (Clock.Status.MET, on, org.manager)

    @pytest.mark.parametrize("on", [date(2026, 11, 5), date(2026, 11, 9)])
    def test_allocated_later_misses_nps_sl002(self, org, on):
        case = waiting_case(org.nps, rosh=HIGH)
        publish_sentenced(case, org.manager)

        case_allocate(
            by=org.manager, case=case, team=org.team_a, responsible_officer=org.officer, on=on, oversight_note=NOTE
        )

        assert (self._sl002(case).status, self._sl002(case).stopped_on) == (Clock.Status.MISSED, on)

    def test_a_refused_allocation_leaves_the_clock_running(self, org):
        case = waiting_case(org.nps, rosh=None)
        publish_sentenced(case, org.manager)

        with pytest.raises(ValidationError):
            case_allocate(by=org.manager, case=case, team=org.team_a, responsible_officer=org.officer, on=ON)

        assert self._sl002(case).status == Clock.Status.OPEN

    def test_community_order_to_the_nps_opens_nps_sl003r(self, org):
        case = waiting_case(org.nps, rosh=HIGH)
        sentence = publish_sentenced(case, org.manager)

        case_allocate(
            by=org.manager, case=case, team=org.team_a, responsible_officer=org.officer, on=ON, oversight_note=NOTE
        )

        clock = Clock.objects.get(case=case, status=Clock.Status.OPEN)
        assert (clock.service_level, clock.subject, clock.provider_type, clock.started_on, clock.due_on) == (
            "NPS SL003R",
            f"sentence:{sentence.pk}",
            "nps_division",
            ON,
            date(2026, 11, 10),  # five working days after Tuesday 3 November
        )

    def test_community_order_to_a_crc_opens_crc_sl001(self, org):
        case = waiting_case(org.nps, rosh=MEDIUM)
        publish_sentenced(case, org.manager)

        case_allocate(by=org.manager, case=case, team=org.team_b, responsible_officer=org.other_provider_officer, on=ON)

        clock = Clock.objects.get(case=case, status=Clock.Status.OPEN)
        assert (clock.service_level, clock.provider_type) == ("CRC SL001", "crc")

    def test_custody_opens_no_first_appointment_clock(self, org):
        case = waiting_case(org.nps, rosh=HIGH, disposal=Disposal.CUSTODY)
        publish_sentenced(case, org.manager)

        case_allocate(
            by=org.manager, case=case, team=org.team_a, responsible_officer=org.officer, on=ON, oversight_note=NOTE
        )

        assert list(Clock.objects.filter(case=case).values_list("service_level", "status")) == [("NPS SL002", "met")]
