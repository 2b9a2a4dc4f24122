"""Delivery demo data (interventions/demo.py): a live register for today, unpaid work delivered week by week with the
three clocks stopped from real events, RAR days, programme referrals at several steps and referrals to services;
every write with its history, nothing on the journey's live cases, deterministic.

The demo is built twice for the module (the first build is rolled back after a snapshot, to compare with the
second); everything is rolled back at the end of the module.
"""

from collections import Counter

import pytest
from django.db.models import F
from django.utils import timezone

from cases.models import Requirement
from interventions.models import (
    ProgrammeReferral,
    RehabilitationActivity,
    ServiceReferral,
    UnpaidWorkAttendance,
    UnpaidWorkSession,
    UnpaidWorkTransfer,
)
from tests.demo_builds import build_twice
from timeliness.models import Clock

PEOPLE = 200
SEED = 2017
UPW_CLOCKS = ("NPS SL007", "CRC SL005", "CRC SL006")


def delivery_snapshot() -> dict[str, list[tuple]]:
    """What the delivery demo writes, without database ids or times of writing, in creation order."""
    return {
        "bookings": list(
            UnpaidWorkAttendance.objects.order_by("pk").values_list(
                "requirement__sentence__case__person__crn",
                "session__project__name",
                "session__session_date",
                "status",
                "penalty_minutes",
                "credited_minutes",
            )
        ),
        "transfers": list(
            UnpaidWorkTransfer.objects.order_by("pk").values_list(
                "requirement__sentence__case__person__crn", "to_provider__code", "transferred_on"
            )
        ),
        "rar": list(
            RehabilitationActivity.objects.order_by("pk").values_list(
                "requirement__sentence__case__person__crn",
                "contact__starts_at",
                "activity_type",
                "contact__outcome__code",
            )
        ),
        "programmes": list(
            ProgrammeReferral.objects.order_by("pk").values_list(
                "requirement__sentence__case__person__crn", "programme__name", "status", "referred_on"
            )
        ),
        "referrals": list(
            ServiceReferral.objects.order_by("pk").values_list(
                "case__person__crn", "service_provider__name", "need_area", "status", "referred_on"
            )
        ),
    }


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """Build the demo, snapshot and roll back; build it again and keep it for the module's tests."""
    yield from build_twice(django_db_blocker, people=PEOPLE, seed=SEED, snapshot=delivery_snapshot)


@pytest.fixture
def summary(built, db):
    return built["summary"]


def test_the_delivery_demo_is_deterministic(built):
    assert built["first"] == built["second"]
    assert all(built["second"].values()), {name: len(rows) for name, rows in built["second"].items()}


def test_the_supervisor_has_a_live_register_today(summary):
    today = timezone.localdate()
    sessions = UnpaidWorkSession.objects.filter(session_date=today, supervisor__username="supervisor")
    waiting = UnpaidWorkAttendance.objects.filter(session__in=sessions, status=UnpaidWorkAttendance.Status.BOOKED)

    assert waiting.count() == summary.delivery.today_register["supervisor"] > 0
    assert not UnpaidWorkAttendance.objects.filter(
        session__session_date__lt=today, status=UnpaidWorkAttendance.Status.BOOKED
    ).exists(), "every past session has its register recorded"


def test_unpaid_work_is_credited_within_the_hours_ordered_and_completed_orders_are_positive(summary):
    assert Counter(UnpaidWorkAttendance.objects.values_list("status", flat=True))["attended"] > 0
    assert not Requirement.objects.filter(unpaid_work_minutes_credited__gt=F("hours") * 60).exists()
    completed = Requirement.objects.filter(requirement_type__is_unpaid_work=True, completed_positively=True)
    assert completed.count() == summary.delivery.unpaid_work_completed
    assert all(r.unpaid_work_minutes_credited == r.hours * 60 for r in completed)


def test_the_unpaid_work_clocks_are_stopped_by_the_demo_and_none_is_overdue(summary):
    today = timezone.localdate()
    clocks = Clock.objects.filter(service_level__in=UPW_CLOCKS)

    assert clocks.filter(status__in=[Clock.Status.MET, Clock.Status.MISSED]).exists()
    overdue = clocks.filter(status=Clock.Status.OPEN, due_on__lt=today)
    assert not overdue.exclude(case_id__in=summary.journey.live_case_ids).exists(), [
        (clock.case_id, clock.service_level, clock.due_on) for clock in overdue
    ]
    assert UnpaidWorkTransfer.objects.count() == summary.delivery.requirements_passed_to_crc


def test_rar_days_never_pass_the_maximum_and_some_requirements_are_flagged(summary):
    assert RehabilitationActivity.objects.count() == summary.delivery.rar_activities > 0
    assert not Requirement.objects.filter(rar_days_delivered__gt=F("maximum_days")).exists()
    assert Requirement.objects.filter(rar_days_delivered__gt=0).exists()


def test_programmes_and_referrals_are_at_several_steps(summary):
    steps = summary.delivery.programme_referrals
    assert len(steps) >= 5, steps
    needing = ProgrammeReferral.objects.filter(status__in=ProgrammeReferral.NEEDS_ALTERNATIVE)
    assert needing.filter(alternative_plan="").exists(), "a case shows 'no alternative plan'"
    assert len(summary.delivery.service_referrals) >= 4, summary.delivery.service_referrals


def test_every_delivery_write_has_its_author(summary):
    for model in (UnpaidWorkAttendance, UnpaidWorkSession, RehabilitationActivity, ServiceReferral):
        assert not model.history.filter(history_user__isnull=True).exists(), model.__name__


def test_the_journey_live_cases_are_left_alone(summary):
    live = summary.journey.live_case_ids
    assert live
    assert not RehabilitationActivity.objects.filter(requirement__sentence__case_id__in=live).exists()
    assert not UnpaidWorkAttendance.objects.filter(requirement__sentence__case_id__in=live).exists()
    assert not ServiceReferral.objects.filter(case_id__in=live).exists()
