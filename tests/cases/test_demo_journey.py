"""Journey demo data (cases/demo_journey.py): every case status, each live stage with its clock due soon or overdue,
alerts for the demo sign-ins, sentences, appointments and plans on existing cases; deterministic and idempotent.

The demo is built twice for the module with a small number of people (the first build is rolled back after a
snapshot, to compare with the second); everything is rolled back at the end of the module.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from cases import demo, demo_journey
from cases.models import (
    Case,
    Contact,
    OfficerAssignment,
    PreSentenceReport,
    ReferralPanelMeeting,
    Requirement,
    ResettlementPlan,
    Sentence,
    SentencePlan,
)
from cases.services.allocation import allocation_decision
from tests.demo_builds import build_twice, fast_hashing
from timeliness.models import Alert, Clock
from timeliness.services import alerts_raise, due_soon_horizon

PEOPLE = 40
SEED = 2017
JOURNEY_MODELS = (Sentence, Requirement, Contact, SentencePlan, OfficerAssignment, ResettlementPlan, Clock)


def journey_snapshot() -> dict[str, list[tuple]]:
    """What the journey writes, without database ids or times of writing, in creation order."""
    return {
        "sentences": list(
            Sentence.objects.order_by("pk").values_list(
                "case__person__crn",
                "disposal",
                "sentence_date",
                "length_months",
                "end_date",
                "released_on",
                "contract_signed_on",
            )
        ),
        "requirements": list(
            Requirement.objects.order_by("pk").values_list(
                "sentence__case__person__crn", "requirement_type__code", "maximum_days", "hours"
            )
        ),
        "contacts": list(
            Contact.objects.order_by("pk").values_list(
                "case__person__crn", "contact_type", "starts_at", "method", "outcome__code", "absence_reason"
            )
        ),
        "plans": list(
            SentencePlan.objects.order_by("pk").values_list(
                "case__person__crn", "status", "completed_on", "involvement", "strengths"
            )
        ),
        "assignments": list(
            OfficerAssignment.objects.order_by("pk").values_list(
                "case__person__crn", "responsible_officer__username", "start_date", "end_date", "assigned_by__username"
            )
        ),
        "clocks": list(
            Clock.objects.order_by("pk").values_list(
                "case__person__crn", "service_level", "started_on", "due_on", "status", "stopped_on"
            )
        ),
    }


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """Build the demo, snapshot and roll back; build it again and keep it for the module's tests."""
    yield from build_twice(django_db_blocker, people=PEOPLE, seed=SEED, snapshot=journey_snapshot)


@pytest.fixture
def summary(built, db):
    return built["summary"]


@pytest.fixture
def today():
    return timezone.localdate()


def live_case(stage: str) -> Case:
    spec = next(spec for spec in demo_journey.LIVE_PEOPLE if spec.stage == stage)
    return Case.objects.select_related("person", "provider", "responsible_officer").get(
        person__first_name=spec.first_name, person__last_name=spec.last_name
    )


def open_clock(case: Case, code: str) -> Clock:
    return Clock.objects.get(case=case, service_level=code, status=Clock.Status.OPEN)


def is_due_soon(clock: Clock, today) -> bool:
    return today <= clock.due_on <= due_soon_horizon(today)


def open_alert_kinds(clock: Clock, username: str) -> set[str]:
    return set(
        Alert.objects.filter(clock=clock, recipient__username=username, closed_at__isnull=True).values_list(
            "kind", flat=True
        )
    )


def test_every_case_status_appears(summary):
    assert set(Case.objects.values_list("status", flat=True)) == set(Case.Status.values)
    assert all(count > 0 for count in summary.journey.statuses.values())
    assert summary.journey.statuses == dict(Counter(Case.objects.values_list("status", flat=True)))


def test_reports_due_tomorrow_and_overdue_for_officer(summary, today):
    due = live_case(demo_journey.REPORT_DUE_SOON)
    assert due.status == Case.Status.AWAITING_SENTENCE
    assert due.responsible_officer.username == "officer"
    report = due.pre_sentence_reports.get()
    assert report.status == PreSentenceReport.Status.IN_PROGRESS
    assert report.due_on == today + timedelta(days=1)
    assert report.author.username == "officer"
    clock = open_clock(due, "NPS SL001")
    assert clock.due_on == report.due_on and is_due_soon(clock, today)
    assert open_alert_kinds(clock, "officer") == {"due_soon"}

    overdue = live_case(demo_journey.REPORT_OVERDUE)
    assert overdue.status == Case.Status.AWAITING_SENTENCE
    report = overdue.pre_sentence_reports.get()
    assert report.is_open and report.due_on < today
    clock = open_clock(overdue, "NPS SL001")
    assert clock.due_on < today
    assert open_alert_kinds(clock, "officer") == {"overdue"}
    assert open_alert_kinds(clock, "manager") == {"overdue"}


def test_the_managers_allocation_queue_has_due_soon_overdue_and_blocked_cases(summary, today):
    manager = User.objects.get(username="manager")
    stages = (demo_journey.SENTENCED_YESTERDAY, demo_journey.ALLOCATION_OVERDUE, demo_journey.ALLOCATION_BLOCKED)
    for stage in stages:
        case = live_case(stage)
        assert case.status == Case.Status.AWAITING_ALLOCATION, stage
        assert case.provider_id == manager.team.provider_id
        assert case.responsible_officer is None and case.team is None
        assert case.sentences.get().status == Sentence.Status.CURRENT

    due = open_clock(live_case(demo_journey.SENTENCED_YESTERDAY), "NPS SL002")
    assert is_due_soon(due, today)
    assert open_alert_kinds(due, "manager") == {"due_soon"}
    overdue = open_clock(live_case(demo_journey.ALLOCATION_OVERDUE), "NPS SL002")
    assert overdue.due_on < today
    assert open_alert_kinds(overdue, "manager") == {"overdue"}

    # The delivered report met its clock; the rule sends the first to the NPS, the second to a CRC.
    sentenced = live_case(demo_journey.SENTENCED_YESTERDAY)
    assert Clock.objects.get(case=sentenced, service_level="NPS SL001").status == Clock.Status.MET
    assert allocation_decision(person=sentenced.person).provider_type == "nps_division"
    assert allocation_decision(person=live_case(demo_journey.ALLOCATION_OVERDUE).person).provider_type == "crc"
    blocked = allocation_decision(person=live_case(demo_journey.ALLOCATION_BLOCKED).person)
    assert blocked.is_blocked
    assert not live_case(demo_journey.ALLOCATION_BLOCKED).person.rosh_assessments.exists()


def test_first_appointments_due_soon_and_overdue(summary, today):
    due = live_case(demo_journey.FIRST_APPOINTMENT_DUE)
    assert due.status == Case.Status.ACTIVE and due.responsible_officer.username == "officer"
    clock = open_clock(due, "NPS SL003R")
    assert is_due_soon(clock, today)
    assert Clock.objects.get(case=due, service_level="NPS SL002").status == Clock.Status.MET
    assert open_alert_kinds(clock, "officer") == {"due_soon"}
    booked = due.contacts.get()
    assert booked.is_appointment and booked.outcome is None and timezone.localdate(booked.starts_at) > today
    requirements = {(r.requirement_type.code, r.maximum_days, r.hours) for r in due.sentences.get().requirements.all()}
    assert requirements == {("rar", 20, None), ("unpaid_work", None, 100)}

    overdue = live_case(demo_journey.FIRST_APPOINTMENT_OVERDUE)
    clock = open_clock(overdue, "NPS SL003R")
    assert clock.due_on < today
    assert open_alert_kinds(clock, "officer") == {"overdue"}
    assert open_alert_kinds(clock, "manager") == {"overdue"}
    assert overdue.contacts.filter(outcome__code="unacceptable_absence").count() == 1

    crc = live_case(demo_journey.CRC_FIRST_APPOINTMENT_DUE)
    assert crc.provider.provider_type == "crc" and crc.responsible_officer.username == "crc.officer"
    assert is_due_soon(open_clock(crc, "CRC SL001"), today)
    assert crc.assignments.get(end_date__isnull=True).assigned_by.username == "manager"  # the NPS allocates


def test_sentence_plans_due_soon_and_overdue(summary, today):
    due = live_case(demo_journey.PLAN_DUE)
    clock = open_clock(due, "NPS SL005R")
    assert is_due_soon(clock, today)
    assert Clock.objects.get(case=due, service_level="NPS SL003R").status == Clock.Status.MET
    assert due.sentence_plans.get().status == SentencePlan.Status.DRAFT
    assert due.contacts.filter(outcome__code="attended_complied").count() == 1

    overdue = live_case(demo_journey.PLAN_OVERDUE)
    clock = open_clock(overdue, "NPS SL005R")
    assert clock.due_on < today
    assert open_alert_kinds(clock, "officer") == {"overdue"}
    assert not overdue.sentence_plans.exists()


def test_released_yesterday_with_an_appointment_booked(summary, today):
    case = live_case(demo_journey.RELEASED_YESTERDAY)
    sentence = case.sentences.get()
    assert sentence.disposal == "custody" and sentence.released_on == today - timedelta(days=1)
    assert case.responsible_officer.username == "officer"
    clock = open_clock(case, "NPS SL004R")
    assert is_due_soon(clock, today)
    booked = case.contacts.get()
    assert booked.outcome is None and timezone.localdate(booked.starts_at) >= today


def test_crc_custody_case_past_its_resettlement_plan_date(summary, today):
    case = live_case(demo_journey.RESETTLEMENT_OVERDUE)
    assert case.responsible_officer.username == "crc.officer"
    sentence = case.sentences.get()
    assert sentence.disposal == "custody" and sentence.released_on is None
    assert case.resettlement_plans.get().status == ResettlementPlan.Status.SCREENED
    clock = open_clock(case, "CRC SL013")
    assert clock.due_on < today
    assert open_alert_kinds(clock, "crc.officer") == {"overdue"}
    assert open_alert_kinds(clock, "central.manager") == {"overdue"}


def test_referral_order_waiting_for_its_panel(summary):
    case = live_case(demo_journey.PANEL_DUE)
    assert case.person.is_child
    assert case.status == Case.Status.ACTIVE and case.responsible_officer.username == "yot.officer"
    sentence = case.sentences.get()
    assert sentence.disposal == "referral_order"
    assert sentence.contract_signed_on is None and sentence.start_date is None
    assert not ReferralPanelMeeting.objects.filter(sentence=sentence).exists()
    report = case.pre_sentence_reports.get()
    assert report.status == PreSentenceReport.Status.DELIVERED and report.parent_or_carer_engagement


def test_open_clocks_due_soon_and_overdue_and_alerts_for_the_sign_ins(summary, today):
    open_clocks = Clock.objects.filter(status=Clock.Status.OPEN)
    assert open_clocks.filter(due_on__gte=today, due_on__lte=due_soon_horizon(today)).exists()
    assert open_clocks.filter(due_on__lt=today).exists()
    for username, kinds in {
        "officer": {"due_soon", "overdue"},
        "manager": {"due_soon", "overdue"},
        "crc.officer": {"due_soon", "overdue"},
    }.items():
        alerts = Alert.objects.filter(recipient__username=username, closed_at__isnull=True)
        assert set(alerts.values_list("kind", flat=True)) == kinds, username
    # (The journey's own counts are not compared with the final alerts: the demos after it, delivery and
    # enforcement, stop clocks and open clocks of their own, and raise alerts again at the end.)
    # The scan already ran: running it again raises nothing new.
    assert alerts_raise(today=today) == {"due_soon": 0, "overdue": 0}


def test_every_active_case_has_one_open_officer_assignment(summary):
    active = Case.objects.filter(status=Case.Status.ACTIVE)
    assert active.count() > PEOPLE / 2
    open_assignments = OfficerAssignment.objects.filter(end_date__isnull=True)
    assert set(open_assignments.values_list("case_id", flat=True)) == set(active.values_list("pk", flat=True))
    for case in active.prefetch_related("assignments"):
        (assignment,) = [a for a in case.assignments.all() if a.end_date is None]
        assert assignment.responsible_officer_id == case.responsible_officer_id
        assert assignment.team_id == case.team_id and assignment.provider_id == case.provider_id


def test_existing_cases_get_sentences_appointments_and_plans(summary, today):
    disposals = set(Sentence.objects.values_list("disposal", flat=True))
    assert {"community_order", "suspended_sentence_order", "custody", "referral_order"} <= disposals
    assert disposals & {"youth_rehabilitation_order", "referral_order"}
    codes = set(Requirement.objects.values_list("requirement_type__code", flat=True))
    assert {"rar", "unpaid_work"} <= codes
    released = Sentence.objects.filter(disposal="custody", released_on__isnull=False)
    assert released.filter(released_on__lt=today - timedelta(days=1)).exists()
    # No sentence on an ended case; at most one current sentence per case.
    assert not Sentence.objects.filter(case__status=Case.Status.ENDED).exists()
    assert not Case.objects.filter(status=Case.Status.AWAITING_ALLOCATION, sentences__isnull=True).exists()

    past = Contact.objects.filter(outcome__isnull=False)
    outcomes = Counter(past.values_list("outcome__code", flat=True))
    assert outcomes.most_common(1)[0][0] == "attended_complied"
    assert outcomes["acceptable_absence"] and outcomes["unacceptable_absence"]
    assert not past.filter(outcome__code="acceptable_absence", absence_reason="").exists()
    assert Contact.objects.filter(outcome__isnull=True, starts_at__gt=timezone.now()).exists()
    assert past.count() > summary.journey.past_appointments  # the live stages add a few of their own

    completed = SentencePlan.objects.filter(status=SentencePlan.Status.COMPLETED)
    assert completed.count() == summary.journey.plans_completed
    assert completed.exists()
    for plan in completed.prefetch_related("objectives"):
        assert 2 <= len(plan.objectives.all()) <= 4
        assert plan.strengths and plan.involvement
    plan_clocks = Clock.objects.filter(service_level__in=["NPS SL005R", "NPS SL006R", "CRC SL003", "CRC SL004"])
    assert plan_clocks.filter(status=Clock.Status.MET).count() > plan_clocks.filter(status=Clock.Status.MISSED).count()


def test_every_journey_row_has_history_with_the_acting_user(summary):
    for model in JOURNEY_MODELS:
        ids = set(model.objects.values_list("pk", flat=True))
        assert ids, model.__name__
        created = model.history.filter(history_type="+", history_user__isnull=False)
        assert set(created.values_list("id", flat=True)) == ids, model.__name__
        assert not model.history.filter(history_user__isnull=True).exists(), model.__name__


def test_the_same_seed_gives_the_same_journey(built, db):
    assert built["first"] == built["second"]
    assert all(built["first"].values())


def test_prints_the_journey_summary(summary):
    lines = "\n".join(summary.journey.lines())
    assert "Journey data loaded in" in lines
    for stage in demo_journey.LIVE_STAGES:
        assert f"    {stage}: " in lines
    assert f"{summary.journey.clocks['overdue']} overdue" in lines


def test_a_second_run_changes_nothing(summary):
    counts = {model.__name__: (model.objects.count(), model.history.count()) for model in JOURNEY_MODELS}
    alerts = Alert.objects.count()

    with fast_hashing():
        assert demo.demo_build(people=PEOPLE, seed=SEED) is None

    assert {model.__name__: (model.objects.count(), model.history.count()) for model in JOURNEY_MODELS} == counts
    assert Alert.objects.count() == alerts
