"""interventions.services.referrals: the directory of services, making a referral, and its status transitions.

Every refusal says what is wrong and changes nothing; history rows record the acting user.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404

from interventions.models import ServiceNeedArea, ServiceProvider, ServiceReferral
from interventions.services import referrals as services
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)
Status = ServiceReferral.Status


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def service(name="Housing advice", *, need_areas=("accommodation",), **kwargs) -> ServiceProvider:
    provider = factories.ServiceProviderFactory(name=name, **kwargs)
    for area in need_areas:
        ServiceNeedArea.objects.create(service_provider=provider, need_area=area)
    return provider


def refused(call, **kwargs) -> dict:
    with pytest.raises(ValidationError) as error:
        call(**kwargs)
    return error.value.message_dict


def snapshot(referral) -> tuple:
    referral = ServiceReferral.objects.get(pk=referral.pk)
    return (
        referral.status,
        referral.accepted_on,
        referral.started_on,
        referral.ended_on,
        referral.outcome,
        referral.history.count(),
    )


class TestServiceProviderCreate:
    def test_manager_adds_a_service_with_its_need_areas(self, org):
        created = services.service_provider_create(
            by=org.manager,
            name="Shelter Manchester",
            kind="voluntary_sector",
            need_areas=["accommodation", "finance", "accommodation"],
            region=org.region,
            telephone="0161 000 0000",
            email="help@shelter.example",
        )
        assert sorted(created.need_areas.values_list("need_area", flat=True)) == ["accommodation", "finance"]
        assert created.history.latest().history_user == org.manager
        assert {row.history_user for area in created.need_areas.all() for row in area.history.all()} == {org.manager}

    def test_administrator_may_name_any_provider(self, org):
        created = services.service_provider_create(
            by=org.administrator, name="CRC employment", kind="rate_card", need_areas=["lifestyle"], provider=org.crc
        )
        assert created.provider == org.crc

    @pytest.mark.parametrize(
        ("by", "overrides", "expected"),
        [
            ("officer", {}, {"service_provider": ["Only managers and administrators can add services."]}),
            ("manager", {"need_areas": []}, {"need_areas": ["Choose at least one need area the service covers."]}),
            ("manager", {"need_areas": ["housing"]}, {"need_areas": ["Choose need areas from the list."]}),
            (
                "manager",
                {"kind": "rate_card"},
                {"provider": ["Choose the probation provider that runs or buys this service."]},
            ),
            (
                "manager",
                {"kind": "in_house", "provider": "crc"},
                {"provider": ["You can only add in-house and rate card services of your own provider."]},
            ),
            (
                "manager",
                {"email": "not an email"},
                {"email": ["Enter an email address in the correct format, like name@example.com."]},
            ),
            ("manager", {"name": " "}, {"name": ["Enter the name of the service."]}),
        ],
    )
    def test_refusals(self, org, by, overrides, expected):
        kwargs = {"by": getattr(org, by), "name": "Shelter", "kind": "voluntary_sector", "need_areas": ["finance"]}
        kwargs |= {key: getattr(org, value) if key == "provider" else value for key, value in overrides.items()}
        assert refused(services.service_provider_create, **kwargs) == expected
        assert not ServiceProvider.objects.exists()


class TestReferralCreate:
    def test_refers_for_an_objective_of_the_plan(self, org):
        case = factories.CaseFactory(responsible_officer=org.officer)
        objective = factories.PlanObjectiveFactory(
            plan=factories.SentencePlanFactory(sentence=factories.SentenceFactory(case=case)), need_area="accommodation"
        )
        housing = service()
        referral = services.service_referral_create(
            by=org.officer,
            case=case,
            service_provider=housing,
            need_area="accommodation",
            reason_for_referral="Sofa surfing since release",
            plan_objective=objective,
        )
        assert (referral.status, referral.referred_on, referral.referred_by) == (Status.REFERRED, TODAY, org.officer)
        assert referral.history.latest().history_user == org.officer

    def test_refusals(self, org):
        case = factories.CaseFactory(responsible_officer=org.officer)
        other_case = factories.CaseFactory(responsible_officer=org.officer)
        finance_objective = factories.PlanObjectiveFactory(
            plan=factories.SentencePlanFactory(sentence=factories.SentenceFactory(case=case)), need_area="finance"
        )
        foreign_objective = factories.PlanObjectiveFactory(
            plan=factories.SentencePlanFactory(sentence=factories.SentenceFactory(case=other_case))
        )
        housing = service()
        closed = service("Closed service", active=False)
        elsewhere = service("Far away", region=factories.RegionFactory(name="Wales"))
        base = {
            "by": org.officer,
            "case": case,
            "service_provider": housing,
            "need_area": "accommodation",
            "reason_for_referral": "Homeless",
        }
        cases = [
            (
                {"need_area": "finance"},
                {
                    "service_provider": [
                        "Housing advice does not cover financial management and income (it covers accommodation): "
                        "choose a service that does."
                    ]
                },
            ),
            (
                {"service_provider": closed},
                {"service_provider": ["Closed service is no longer taking referrals: choose another service."]},
            ),
            (
                {"service_provider": elsewhere},
                {"service_provider": ["Far away works outside the case's region: choose another service."]},
            ),
            (
                {"plan_objective": finance_objective},
                {
                    "plan_objective": [
                        "That objective is about financial management and income: choose an objective about "
                        "accommodation, or none."
                    ]
                },
            ),
            (
                {"plan_objective": foreign_objective},
                {"plan_objective": ["Choose an objective of this case's sentence plan."]},
            ),
            (
                {"reason_for_referral": " "},
                {
                    "reason_for_referral": [
                        "Enter the reason for the referral: say what the person needs from the service."
                    ]
                },
            ),
            (
                {"referred_on": TODAY + timedelta(days=1)},
                {"referred_on": ["The date of the referral cannot be in the future."]},
            ),
            (
                {"referred_on": date(2024, 1, 14)},
                {"referred_on": ["The date of the referral cannot be before the case started (15 January 2024)."]},
            ),
        ]
        for overrides, expected in cases:
            assert refused(services.service_referral_create, **(base | overrides)) == expected, overrides
        assert not ServiceReferral.objects.exists()

    def test_second_open_referral_to_the_same_service_for_the_same_need(self, org):
        case = factories.CaseFactory(responsible_officer=org.officer)
        housing = service()
        kwargs = {
            "by": org.officer,
            "case": case,
            "service_provider": housing,
            "need_area": "accommodation",
            "reason_for_referral": "Homeless",
        }
        services.service_referral_create(**kwargs)
        assert refused(services.service_referral_create, **kwargs) == {
            "service_provider": [
                "This case already has an open referral to Housing advice for accommodation: update that referral "
                "instead."
            ]
        }

    def test_out_of_scope_case_is_not_found_and_ended_case_refused(self, org):
        housing = service()
        with pytest.raises(Http404):
            services.service_referral_create(
                by=org.officer,
                case=factories.CaseFactory(responsible_officer=org.other_provider_officer),
                service_provider=housing,
                need_area="accommodation",
                reason_for_referral="Homeless",
            )
        ended = factories.CaseFactory(responsible_officer=org.officer, ended=True)
        assert refused(
            services.service_referral_create,
            by=org.officer,
            case=ended,
            service_provider=housing,
            need_area="accommodation",
            reason_for_referral="Homeless",
        ) == {"case": ["This case has ended: referrals can only be made on an open case."]}
        assert not ServiceReferral.objects.exists()


class TestTransitions:
    def referral(self, org, **kwargs):
        case = factories.CaseFactory(responsible_officer=org.officer)
        return factories.ServiceReferralFactory(case=case, referred_on=date(2026, 11, 1), **kwargs)

    def test_referred_accepted_started_completed(self, org):
        referral = self.referral(org)
        services.service_referral_update(by=org.officer, referral=referral, status="accepted", on=date(2026, 11, 5))
        services.service_referral_update(by=org.manager, referral=referral, status="started", on=date(2026, 11, 10))
        done = services.service_referral_update(
            by=org.officer, referral=referral, status="completed", outcome="Tenancy signed"
        )
        assert (done.status, done.accepted_on, done.started_on, done.ended_on, done.outcome) == (
            Status.COMPLETED,
            date(2026, 11, 5),
            date(2026, 11, 10),
            TODAY,
            "Tenancy signed",
        )
        users = [row.history_user for row in done.history.order_by("history_date", "history_id")][1:]
        assert users == [org.officer, org.manager, org.officer]

    @pytest.mark.parametrize(
        ("path", "target"),
        [
            ((), "declined"),
            ((), "withdrawn"),
            (("accepted",), "declined"),
            (("accepted",), "withdrawn"),
            (("accepted", "started"), "withdrawn"),
        ],
    )
    def test_closing_steps_need_the_outcome(self, org, path, target):
        referral = self.referral(org)
        for status in path:
            services.service_referral_update(by=org.officer, referral=referral, status=status)
        before = snapshot(referral)
        errors = refused(services.service_referral_update, by=org.officer, referral=referral, status=target)
        assert errors == {"outcome": [services.OUTCOME_REQUIRED[target]]}
        assert snapshot(referral) == before
        closed = services.service_referral_update(by=org.officer, referral=referral, status=target, outcome="Why")
        assert (closed.status, closed.ended_on) == (target, TODAY)

    @pytest.mark.parametrize(
        ("path", "target", "message"),
        [
            (
                (),
                "started",
                "This referral is waiting for the service to accept it: it can be marked accepted or declined by the "
                "service or withdrawn, not started.",
            ),
            (
                (),
                "completed",
                "This referral is waiting for the service to accept it: it can be marked accepted or declined by the "
                "service or withdrawn, not completed.",
            ),
            (
                ("accepted", "started"),
                "declined",
                "This referral has started: it can be marked completed or withdrawn, not declined by the service.",
            ),
            (
                ("withdrawn",),
                "accepted",
                "This referral was withdrawn: it is closed and its status cannot change.",
            ),
        ],
    )
    def test_illegal_steps_are_refused(self, org, path, target, message):
        referral = self.referral(org)
        for status in path:
            outcome = "Reason" if status in services.CLOSED else ""
            services.service_referral_update(by=org.officer, referral=referral, status=status, outcome=outcome)
        before = snapshot(referral)
        errors = refused(
            services.service_referral_update, by=org.officer, referral=referral, status=target, outcome="x"
        )
        assert errors == {"status": [message]}
        assert snapshot(referral) == before

    def test_dates_and_outcome_on_an_open_step(self, org):
        referral = self.referral(org)
        assert refused(
            services.service_referral_update,
            by=org.officer,
            referral=referral,
            status="accepted",
            on=date(2026, 10, 31),
        ) == {"on": ["The date cannot be before the referral's last step (1 November 2026)."]}
        assert refused(
            services.service_referral_update,
            by=org.officer,
            referral=referral,
            status="accepted",
            on=TODAY + timedelta(days=1),
        ) == {"on": ["The date cannot be in the future."]}
        assert refused(
            services.service_referral_update, by=org.officer, referral=referral, status="accepted", outcome="Notes"
        ) == {
            "outcome": [
                "Only a referral that is completed, declined or withdrawn has an outcome: leave the outcome empty."
            ]
        }
        assert snapshot(referral)[0] == Status.REFERRED

    def test_out_of_scope_and_no_case_work(self, org):
        referral = self.referral(org)
        with pytest.raises(Http404):
            services.service_referral_update(by=org.other_provider_officer, referral=referral, status="accepted")
        assert refused(services.service_referral_update, by=org.upw, referral=referral, status="accepted") == {
            "referral": [services.NO_CASE_WORK]
        }
        assert snapshot(referral)[0] == Status.REFERRED
