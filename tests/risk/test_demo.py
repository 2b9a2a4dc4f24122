"""Risk demo data (risk/demo.py): every level, MAPPA category and level and registration type; the four kinds of
risk gap on `officer`'s caseload; the inspectorate's worst case; deterministic, idempotent and historised.

The demo is built once for the module (twice, to compare): each build takes a few seconds. Everything is rolled
back at the end of the module.
"""

import pytest
from dateutil.relativedelta import relativedelta
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from cases import demo
from cases.models import Address, Case, Person
from risk import selectors
from risk.models import MappaRegistration, ParentOrCarer, Registration, RegistrationType, RiskReview, RoshAssessment
from tests.demo_builds import build_twice, fast_hashing

PEOPLE = 80
SEED = 2017
RISK_MODELS = (RoshAssessment, MappaRegistration, Registration, RiskReview, ParentOrCarer)


def risk_snapshot() -> dict[str, list[tuple]]:
    """Every risk row the demo writes, without database ids, in creation order."""
    return {
        "assessments": list(
            RoshAssessment.objects.order_by("pk").values_list(
                "person__crn",
                "kind",
                "status",
                "assessment_date",
                "risk_to_public",
                "risk_to_known_adults",
                "risk_to_children",
                "risk_to_staff",
                "overall_level",
                "who_is_at_risk",
                "plan_supervision",
                "reoffending_tool",
                "reoffending_score",
                "reoffending_band",
                "safety_and_wellbeing_level",
                "safeguarding_plan",
                "created_by__username",
                "completed_by__username",
                "superseded_by__assessment_date",
            )
        ),
        "mappa": list(
            MappaRegistration.objects.order_by("pk").values_list(
                "person__crn", "category", "level", "lead_agency", "start_date", "next_review_date", "end_date"
            )
        ),
        "registrations": list(
            Registration.objects.order_by("pk").values_list(
                "person__crn",
                "registration_type__code",
                "start_date",
                "next_review_date",
                "reason",
                "deregistered_date",
                "deregistration_reason",
            )
        ),
        "reviews": list(
            RiskReview.objects.order_by("pk").values_list(
                "person__crn", "change", "occurred_on", "status", "closed_by_assessment__assessment_date"
            )
        ),
        "parents": list(
            ParentOrCarer.objects.order_by("pk").values_list("person__crn", "name", "relationship", "involvement")
        ),
    }


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """Build the demo, snapshot and roll back; build it again and keep it for the module's tests."""
    yield from build_twice(django_db_blocker, people=PEOPLE, seed=SEED, snapshot=risk_snapshot)


@pytest.fixture
def summary(built, db):
    return built["summary"]


def _current():
    return RoshAssessment.objects.filter(status="completed", superseded_by__isnull=True)


def test_every_level_mappa_category_and_level_and_registration_type_appears(summary):
    assert set(_current().values_list("overall_level", flat=True)) == {1, 2, 3, 4}
    assert set(MappaRegistration.objects.values_list("category", flat=True)) == {1, 2, 3, 4}
    assert set(MappaRegistration.objects.values_list("level", flat=True)) == {1, 2, 3}
    types = set(RegistrationType.objects.filter(active=True).values_list("code", flat=True))
    assert set(Registration.objects.values_list("registration_type__code", flat=True)) == types
    deregistered = Registration.objects.filter(deregistered_date__isnull=False)
    assert deregistered.exists()
    assert all(registration.deregistration_reason.strip() for registration in deregistered)
    assert summary.risk.registration_types == len(types)


def test_the_spread_follows_the_domain(summary):
    """NPS: mostly high or very high; CRC: low or medium; MAPPA only on NPS cases (DOMAIN.md section 4)."""
    levels_by_provider: dict[str, list[int]] = {"nps_division": [], "crc": [], "yot": []}
    active = Case.objects.filter(status=Case.Status.ACTIVE).select_related("provider")
    provider_of = {case.person_id: case.provider.provider_type for case in active}
    for person_id, level in _current().values_list("person_id", "overall_level"):
        if person_id in provider_of:
            levels_by_provider[provider_of[person_id]].append(level)
    nps = levels_by_provider["nps_division"]
    assert sum(level >= 3 for level in nps) / len(nps) > 0.6
    assert set(levels_by_provider["crc"]) <= {1, 2}
    mappa_people = set(MappaRegistration.objects.values_list("person_id", flat=True))
    assert all(provider_of.get(person_id, "nps_division") == "nps_division" for person_id in mappa_people)

    assessed = set(RoshAssessment.objects.filter(status="completed").values_list("person_id", flat=True))
    assert len(assessed & set(provider_of)) / len(provider_of) > 0.8  # most active cases have an assessment
    points = _timeline_points()
    assert {2, 3} <= set(points)  # some timelines have two or three points
    assert max(points) <= 3

    completed = RoshAssessment.objects.filter(status="completed")
    scored = completed.filter(reoffending_score__isnull=False)
    assert scored.count() > completed.count() / 2  # likelihood of reoffending on many
    for assessment in scored:
        assert assessment.reoffending_tool
        bands = ((50, "low"), (75, "medium"), (90, "high"), (101, "very_high"))
        assert assessment.reoffending_band == next(
            band for limit, band in bands if assessment.reoffending_score < limit
        )


def _timeline_points() -> dict[int, int]:
    """How many people have 1, 2, 3... completed assessments."""
    rows = RoshAssessment.objects.filter(status="completed").values("person").annotate(points=Count("pk"))
    points: dict[int, int] = {}
    for row in rows:
        points[row["points"]] = points.get(row["points"], 0) + 1
    return points


def test_timelines_are_consistent(summary):
    """Each superseded assessment is no later than the one that superseded it; nothing is dated in the future."""
    today = timezone.localdate()
    for assessment in RoshAssessment.objects.filter(superseded_by__isnull=False).select_related("superseded_by"):
        assert assessment.assessment_date <= assessment.superseded_by.assessment_date
        assert assessment.is_completed
    assert not RoshAssessment.objects.filter(assessment_date__gt=today).exists()
    assert not Registration.objects.filter(start_date__gt=today).exists()
    assert not MappaRegistration.objects.filter(start_date__gt=today).exists()
    assert not RiskReview.objects.filter(occurred_on__gt=today).exists()
    assert RoshAssessment.objects.filter(status="draft").count() <= Person.objects.count()


def test_children_have_safety_and_wellbeing_and_parents_or_carers(summary):
    children = [
        case.person
        for case in Case.objects.filter(status=Case.Status.ACTIVE, provider__provider_type="yot").select_related(
            "person"
        )
        if case.person.is_child
    ]
    assert children
    for child in children:
        assert 1 <= child.parents_and_carers.count() <= 2, child.crn
        for assessment in child.rosh_assessments.filter(status="completed"):
            assert assessment.safety_and_wellbeing_level is not None
            assert assessment.safety_and_wellbeing_reasons and assessment.safeguarding_plan
    involvement = set(ParentOrCarer.objects.values_list("involvement", flat=True))
    assert len(involvement) >= 2


def test_each_kind_of_risk_gap_is_on_officers_caseload(summary):
    officer = User.objects.get(username="officer")
    gaps = list(selectors.risk_gaps(user=officer))
    cutoff = selectors.review_cutoff()

    assert any(case.rosh_level is None for case in gaps)
    assert any(case.rosh_assessed_on is not None and case.rosh_assessed_on < cutoff for case in gaps)
    assert any(case.has_open_review for case in gaps)
    assert any(case.has_overdue_registration for case in gaps)
    assert any(case.has_overdue_mappa for case in gaps)
    assert all(case.responsible_officer_id == officer.pk for case in gaps)
    manager_gaps = {case.pk for case in selectors.risk_gaps(user=User.objects.get(username="manager"))}
    assert {case.pk for case in gaps} <= manager_gaps
    assert sum(summary.risk.officer_gaps.values()) >= 4


def test_the_inspectorates_worst_case_is_on_officers_caseload(summary):
    """A man with a weapons registration, no assessment for two years, no known address, no domestic abuse flag
    although the narrative describes domestic abuse (DOMAIN.md section 4)."""
    officer = User.objects.get(username="officer")
    person = Person.objects.get(crn=summary.risk.worst_case_crn)
    case = person.cases.get(status=Case.Status.ACTIVE)

    assert case.responsible_officer == officer
    assert person.gender == Person.Gender.MALE and not person.is_child
    open_flags = set(
        person.registrations.filter(deregistered_date__isnull=True).values_list("registration_type__code", flat=True)
    )
    assert "weapons" in open_flags
    assert "domestic_abuse_perpetrator" not in open_flags
    current = person.rosh_assessments.get(status="completed", superseded_by__isnull=True)
    two_years_ago = timezone.localdate() - relativedelta(years=2)
    assert current.assessment_date < two_years_ago
    assert current.assessment_date >= two_years_ago - relativedelta(months=2)  # about 25 months ago
    assert not person.rosh_assessments.filter(assessment_date__gt=current.assessment_date).exists()
    assert "domestic abuse" in current.who_is_at_risk + current.nature_of_risk
    current_addresses = person.addresses.filter(end_date__isnull=True, status=Address.Status.MAIN)
    assert all(address.no_fixed_abode for address in current_addresses)
    assert not person.addresses.filter(end_date__isnull=True, no_fixed_abode=False).exists()

    gap = next(row for row in selectors.risk_gaps(user=officer) if row.person_id == person.pk)
    reasons = selectors.gap_reasons(gap)
    assert reasons[0].startswith("Last assessed") and reasons[0].endswith("a review is overdue")
    assert "A registration is past its review date" in reasons
    assert "Circumstances have changed since the last assessment" in reasons
    assert person.crn in "\n".join(summary.risk.lines())


def test_the_same_seed_gives_the_same_risk_data(built, db):
    assert built["first"] == built["second"]
    assert all(built["first"].values())


def test_a_second_run_changes_nothing(summary):
    counts = {model.__name__: (model.objects.count(), model.history.count()) for model in RISK_MODELS}

    with fast_hashing():
        assert demo.demo_build(people=PEOPLE, seed=SEED) is None

    assert {model.__name__: (model.objects.count(), model.history.count()) for model in RISK_MODELS} == counts


def test_every_risk_row_has_history_with_the_acting_user(summary):
    officer_or_manager = {User.Role.RESPONSIBLE_OFFICER, User.Role.MANAGER}
    for model in RISK_MODELS:
        ids = set(model.objects.values_list("pk", flat=True))
        assert ids, model.__name__
        created = model.history.filter(history_type="+", history_user__isnull=False)
        assert set(created.values_list("id", flat=True)) == ids, model.__name__
        assert not model.history.filter(history_user__isnull=True).exists(), model.__name__
        roles = set(model.history.values_list("history_user__role", flat=True))
        assert roles <= officer_or_manager, model.__name__
    # The acting user is the case's responsible officer (or, without one, the team manager).
    for assessment in RoshAssessment.objects.filter(status="completed").select_related("completed_by")[:50]:
        case = assessment.person.cases.order_by("-start_date").first()
        assert assessment.completed_by in {case.responsible_officer, *User.objects.filter(role="manager")}


def test_the_summary_has_the_figures(summary):
    risk = summary.risk
    assert risk.completed == RoshAssessment.objects.filter(status="completed").count()
    assert sum(risk.current_levels.values()) == _current().count()
    assert set(risk.mappa_categories) <= {1, 2, 3, 4}
    lines = "\n".join(risk.lines())
    assert "RoSH assessments" in lines and "MAPPA" in lines and "Risk gaps for `officer`" in lines
    assert risk.seconds > 0
