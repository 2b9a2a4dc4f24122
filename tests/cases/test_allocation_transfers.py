"""cases.services.allocation.case_transfer: between officers always; between providers only as the rule allows;
every assignment kept with its reason and dates."""

from datetime import date

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from cases.models import Case, OfficerAssignment
from cases.services.allocation import case_transfer
from tests import factories
from tests.cases import test_allocation_setup as setup
from tests.cases.test_allocation_setup import (
    HIGH,
    LOW,
    MEDIUM,
    VERY_HIGH,
    held_case,
    waiting_case,
)

# Fixtures shared with the other allocation modules.
frozen = setup.frozen
youth = setup.youth

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

ON = date(2026, 11, 9)
Reason = OfficerAssignment.Reason
Kind = OfficerAssignment.Kind


def _snapshot(case):
    case.refresh_from_db()
    return (
        case.provider_id,
        case.team_id,
        case.responsible_officer_id,
        case.history.count(),
        list(OfficerAssignment.objects.filter(case=case).values_list("pk", "end_date")),
        OfficerAssignment.history.count(),
    )


def _refused(case, **kwargs) -> dict:
    before = _snapshot(case)
    kwargs.setdefault("reason", Reason.WORKLOAD)
    kwargs.setdefault("on", ON)
    with pytest.raises(ValidationError) as caught:
        case_transfer(case=case, **kwargs)
    assert _snapshot(case) == before
    return caught.value.message_dict


class TestBetweenOfficers:
    def test_closes_the_open_assignment_and_opens_a_new_one(self, org):
        case = held_case(org.officer, rosh=HIGH)
        first = case.assignments.get()

        case_transfer(
            by=org.manager, case=case, team=org.team_a, responsible_officer=org.colleague, reason=Reason.WORKLOAD, on=ON
        )

        case.refresh_from_db()
        first.refresh_from_db()
        assert (case.provider, case.team, case.responsible_officer) == (org.nps, org.team_a, org.colleague)
        assert first.end_date == ON
        new = case.assignments.get(end_date__isnull=True)
        assert (new.kind, new.reason, new.start_date, new.assigned_by, new.responsible_officer, new.provider) == (
            Kind.TRANSFER_BETWEEN_OFFICERS,
            Reason.WORKLOAD,
            ON,
            org.manager,
            org.colleague,
            org.nps,
        )

    def test_history_records_who_transferred(self, org):
        case = held_case(org.officer, rosh=HIGH)

        case_transfer(
            by=org.manager, case=case, team=org.team_a, responsible_officer=org.colleague, reason=Reason.WORKLOAD, on=ON
        )

        assert case.history.order_by("-history_id").first().history_user == org.manager
        closing = OfficerAssignment.history.filter(case_id=case.pk, end_date=ON).get()
        assert closing.history_user == org.manager
        assert closing.history_change_reason == "Transferred: Balancing workload"

    def test_to_another_team_of_the_same_provider_is_still_between_officers(self, org):
        case = held_case(org.officer, rosh=HIGH)

        case_transfer(
            by=org.manager,
            case=case,
            team=org.team_a2,
            responsible_officer=org.other_team_officer,
            reason=Reason.PERSON_MOVED,
            on=ON,
        )

        assert case.assignments.get(end_date__isnull=True).kind == Kind.TRANSFER_BETWEEN_OFFICERS

    def test_allowed_whatever_the_risk_and_even_without_an_assessment(self, org):
        """An NPS case whose risk fell to low may still move between NPS officers (the rule is for providers)."""
        for rosh in (LOW, None):
            case = held_case(org.officer, rosh=rosh)

            case_transfer(
                by=org.manager,
                case=case,
                team=org.team_a,
                responsible_officer=org.colleague,
                reason=Reason.OFFICER_LEFT,
                on=ON,
            )

            assert Case.objects.get(pk=case.pk).responsible_officer == org.colleague

    def test_older_data_without_an_assignment_just_opens_the_new_one(self, org):
        case = held_case(org.officer, rosh=HIGH, assign=False)

        case_transfer(
            by=org.manager, case=case, team=org.team_a, responsible_officer=org.colleague, reason=Reason.WORKLOAD, on=ON
        )

        assert list(case.assignments.values_list("responsible_officer", "start_date", "end_date")) == [
            (org.colleague.pk, ON, None)
        ]

    def test_other_needs_details(self, org):
        case = held_case(org.officer, rosh=HIGH)

        errors = _refused(case, by=org.manager, team=org.team_a, responsible_officer=org.colleague, reason=Reason.OTHER)
        assert errors == {"reason_details": ["Say why, when the reason is 'Other'."]}

        case_transfer(
            by=org.manager,
            case=case,
            team=org.team_a,
            responsible_officer=org.colleague,
            reason=Reason.OTHER,
            reason_details="  Officer is seconded to the court team  ",
            on=ON,
        )
        assert case.assignments.get(end_date__isnull=True).reason_details == "Officer is seconded to the court team"

    @pytest.mark.parametrize("reason", ["", "new_case", "because"])
    def test_a_transfer_reason_is_required(self, org, reason):
        case = held_case(org.officer, rosh=HIGH)

        errors = _refused(case, by=org.manager, team=org.team_a, responsible_officer=org.colleague, reason=reason)

        assert errors == {"reason": ["Choose why the case is being transferred."]}

    def test_not_to_the_same_officer(self, org):
        case = held_case(org.officer, rosh=HIGH)

        errors = _refused(case, by=org.manager, team=org.team_a, responsible_officer=org.officer)

        assert errors == {"responsible_officer": ["Olivia Okafor already holds this case: choose a different officer."]}

    def test_not_before_the_current_officer_took_the_case(self, org):
        case = held_case(org.officer, rosh=HIGH)  # assignment from 6 January 2026

        errors = _refused(case, by=org.manager, team=org.team_a, responsible_officer=org.colleague, on=date(2026, 1, 5))

        assert errors == {
            NON_FIELD_ERRORS: ["The transfer date cannot be before the current officer took the case (6 January 2026)."]
        }

    def test_an_officer_of_another_team(self, org):
        case = held_case(org.officer, rosh=HIGH)

        errors = _refused(case, by=org.manager, team=org.team_a, responsible_officer=org.other_team_officer)

        assert errors == {"responsible_officer": ["Tariq Thompson is not a member of Manchester North."]}


class TestWhoAndWhat:
    @pytest.mark.parametrize("who", ["officer", "colleague", "other_provider_manager", "administrator"])
    def test_only_a_manager_of_the_provider_holding_the_case(self, org, who):
        case = held_case(org.officer, rosh=HIGH)

        errors = _refused(case, by=getattr(org, who), team=org.team_a, responsible_officer=org.colleague)

        assert errors == {NON_FIELD_ERRORS: ["Only a manager of NPS North West can transfer this case."]}

    def test_a_case_waiting_for_allocation_is_allocated_instead(self, org):
        case = waiting_case(org.nps, rosh=HIGH)

        errors = _refused(case, by=org.manager, team=org.team_a, responsible_officer=org.colleague)

        assert errors == {
            NON_FIELD_ERRORS: ["This case is waiting for allocation: allocate it instead of transferring it."]
        }

    def test_an_ended_case(self, org):
        case = factories.CaseFactory(responsible_officer=org.officer, ended=True)

        errors = _refused(case, by=org.manager, team=org.team_a, responsible_officer=org.colleague)

        assert errors == {NON_FIELD_ERRORS: ["Only an active case can be transferred: this case is ended."]}


class TestBetweenProviders:
    @pytest.mark.parametrize(("rosh", "mappa"), [(HIGH, False), (VERY_HIGH, False), (LOW, True)])
    def test_a_crc_case_whose_risk_rose_goes_to_the_nps(self, org, rosh, mappa):
        case = held_case(org.other_provider_officer, rosh=rosh, mappa=mappa)
        first = case.assignments.get()

        case_transfer(
            by=org.other_provider_manager,
            case=case,
            team=org.team_a,
            responsible_officer=org.officer,
            reason=Reason.MAPPA if mappa else Reason.RISK_INCREASED,
            on=ON,
        )

        case.refresh_from_db()
        first.refresh_from_db()
        assert (case.provider, case.team, case.responsible_officer) == (org.nps, org.team_a, org.officer)
        assert first.end_date == ON
        new = case.assignments.get(end_date__isnull=True)
        assert (new.kind, new.provider, new.assigned_by) == (
            Kind.TRANSFER_BETWEEN_PROVIDERS,
            org.nps,
            org.other_provider_manager,
        )

    def test_a_medium_risk_crc_case_stays_with_a_crc(self, org):
        case = held_case(org.other_provider_officer, rosh=MEDIUM)

        errors = _refused(case, by=org.other_provider_manager, team=org.team_a, responsible_officer=org.officer)

        assert "must be supervised by a Community Rehabilitation Company" in errors["team"][0]

    @pytest.mark.parametrize(("rosh", "mappa"), [(HIGH, False), (VERY_HIGH, False), (LOW, True), (MEDIUM, True)])
    def test_an_nps_case_cannot_go_to_a_crc_while_high_risk_or_mappa(self, org, rosh, mappa):
        case = held_case(org.officer, rosh=rosh, mappa=mappa)

        errors = _refused(
            case,
            by=org.manager,
            team=org.team_b,
            responsible_officer=org.other_provider_officer,
            reason=Reason.RISK_DECREASED,
        )

        assert set(errors) == {"team"}
        assert errors["team"][0].startswith(
            "Stockport is a team of Stockport CRC (Community Rehabilitation Company), but this case must be "
            "supervised by the National Probation Service."
        )

    def test_an_nps_case_whose_risk_fell_may_go_to_a_crc(self, org):
        case = held_case(org.officer, rosh=MEDIUM)

        case_transfer(
            by=org.manager,
            case=case,
            team=org.team_b,
            responsible_officer=org.other_provider_officer,
            reason=Reason.RISK_DECREASED,
            on=ON,
        )

        assert Case.objects.get(pk=case.pk).provider == org.crc

    def test_to_another_provider_needs_an_assessment(self, org):
        case = held_case(org.officer, rosh=None)
        case.person.first_name, case.person.middle_names, case.person.last_name = "Sam", "", "Jones"
        case.person.save()

        errors = _refused(case, by=org.manager, team=org.team_b, responsible_officer=org.other_provider_officer)

        assert errors == {
            "team": ["Allocation is blocked: record a risk of serious harm assessment for Sam Jones first."]
        }

    def test_a_child_stays_with_the_yot(self, org, youth):
        case = held_case(youth.officer, rosh=HIGH, born=date(2010, 3, 1))

        errors = _refused(case, by=youth.manager, team=org.team_a, responsible_officer=org.officer)

        assert "must be supervised by the youth offending team" in errors["team"][0]

    def test_a_child_who_turned_18_moves_to_adult_services(self, org, youth):
        case = held_case(youth.officer, rosh=MEDIUM, born=date(2008, 11, 9))

        case_transfer(
            by=youth.manager,
            case=case,
            team=org.team_b,
            responsible_officer=org.other_provider_officer,
            reason=Reason.TURNED_18,
            on=ON,  # the 18th birthday
        )

        new = case.assignments.get(end_date__isnull=True)
        assert (new.kind, new.reason, new.provider) == (Kind.TRANSFER_BETWEEN_PROVIDERS, Reason.TURNED_18, org.crc)

    def test_every_assignment_is_kept(self, org):
        case = held_case(org.other_provider_officer, rosh=MEDIUM)
        crc_colleague = factories.OfficerFactory(team=org.team_b)
        case_transfer(
            by=org.other_provider_manager,
            case=case,
            team=org.team_b,
            responsible_officer=crc_colleague,
            reason=Reason.WORKLOAD,
            on=date(2026, 3, 2),
        )
        factories.MappaRegistrationFactory(person=case.person)  # now managed under MAPPA: the NPS's case

        case_transfer(
            by=org.other_provider_manager,
            case=case,
            team=org.team_a,
            responsible_officer=org.officer,
            reason=Reason.MAPPA,
            on=ON,
        )

        rows = list(
            case.assignments.order_by("start_date").values_list("responsible_officer", "kind", "start_date", "end_date")
        )
        assert rows == [
            (org.other_provider_officer.pk, Kind.ALLOCATION, date(2026, 1, 6), date(2026, 3, 2)),
            (crc_colleague.pk, Kind.TRANSFER_BETWEEN_OFFICERS, date(2026, 3, 2), ON),
            (org.officer.pk, Kind.TRANSFER_BETWEEN_PROVIDERS, ON, None),
        ]
