"""Reads for the risk area, always through the scoping of cases.selectors.

`with_current_risk` is the one-query current-risk selector: it annotates any queryset of people or cases
with the current RoSH level and date and the open MAPPA category and level, as subqueries, so a whole
caseload's risk comes back in the same single query as the caseload itself.
"""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from cases.models import Case, Person
from cases.selectors import cases_visible_to
from risk.models import MappaRegistration, ParentOrCarer, Registration, RiskReview, RoshAssessment


def _current_assessments(person_ref: str) -> QuerySet[RoshAssessment]:
    return RoshAssessment.objects.filter(
        person_id=OuterRef(person_ref), status=RoshAssessment.Status.COMPLETED, superseded_by__isnull=True
    )


def _open_mappa(person_ref: str) -> QuerySet[MappaRegistration]:
    return MappaRegistration.objects.filter(person_id=OuterRef(person_ref), end_date__isnull=True)


def with_current_risk(queryset: QuerySet, person_ref: str = "pk") -> QuerySet:
    """Annotate people (person_ref="pk") or cases (person_ref="person_id") with their current risk:

    - `rosh_level` (1 low to 4 very high, None when no completed assessment) and `rosh_assessed_on`;
    - `mappa_category` and `mappa_level` (None when not MAPPA-managed).
    """
    current = _current_assessments(person_ref)
    mappa = _open_mappa(person_ref)
    return queryset.annotate(
        rosh_level=Subquery(current.values("overall_level")[:1]),
        rosh_assessed_on=Subquery(current.values("assessment_date")[:1]),
        mappa_category=Subquery(mappa.values("category")[:1]),
        mappa_level=Subquery(mappa.values("level")[:1]),
    )


ROSH_FILTERS = {"low": 1, "medium": 2, "high": 3, "very_high": 4}
# What the `rosh` filter accepts: a level name, or "none" for people with no completed assessment.
ROSH_FILTER_VALUES = frozenset({*ROSH_FILTERS, "none"})


def filter_by_rosh(queryset: QuerySet, rosh: str) -> QuerySet:
    """Filter a `with_current_risk` queryset by level name, or "none" for no completed assessment."""
    if rosh == "none":
        return queryset.filter(rosh_level__isnull=True)
    if rosh in ROSH_FILTERS:
        return queryset.filter(rosh_level=ROSH_FILTERS[rosh])
    return queryset


def order_by_rosh(queryset: QuerySet, *, descending: bool = False) -> QuerySet:
    """Order a `with_current_risk` queryset by RoSH level; people never assessed always come last."""
    level = F("rosh_level").desc(nulls_last=True) if descending else F("rosh_level").asc(nulls_last=True)
    return queryset.order_by(level, "person__last_name", "person__first_name", "pk")


def review_cutoff(today: date | None = None) -> date:
    """Completed assessments dated before this day are older than the review interval."""
    return (today or timezone.localdate()) - relativedelta(months=settings.RISK_ASSESSMENT_REVIEW_MONTHS)


def risk_gaps(
    *, user: User, officer_id: int | None = None, today: date | None = None, team_id: int | None = None
) -> QuerySet[Case]:
    """Active cases the user is responsible for (officers) or oversees (managers: their team, or `team_id` when the
    caller has checked the user may oversee it) with a risk gap:

    no completed RoSH assessment; the current one older than RISK_ASSESSMENT_REVIEW_MONTHS; an open
    risk review (a change of circumstances since the last assessment); a registration (flag) or MAPPA
    registration past its review date. Rows carry the annotations `gap_reasons` reads, in one query.
    """
    today = today or timezone.localdate()
    cases = cases_visible_to(user).filter(status=Case.Status.ACTIVE)
    if user.role == User.Role.RESPONSIBLE_OFFICER:
        cases = cases.filter(responsible_officer=user)
    elif team_id:
        cases = cases.filter(team_id=team_id)
    elif user.team_id:
        cases = cases.filter(team_id=user.team_id)
    else:
        return Case.objects.none()
    if officer_id:
        cases = cases.filter(responsible_officer_id=officer_id)
    cases = with_current_risk(cases, "person_id").annotate(
        has_open_review=Exists(RiskReview.objects.filter(person_id=OuterRef("person_id"), status="open")),
        has_overdue_registration=Exists(
            Registration.objects.filter(
                person_id=OuterRef("person_id"), deregistered_date__isnull=True, next_review_date__lt=today
            )
        ),
        has_overdue_mappa=Exists(
            MappaRegistration.objects.filter(
                person_id=OuterRef("person_id"), end_date__isnull=True, next_review_date__lt=today
            )
        ),
    )
    return (
        cases.filter(
            Q(rosh_level__isnull=True)
            | Q(rosh_assessed_on__lt=review_cutoff(today))
            | Q(has_open_review=True)
            | Q(has_overdue_registration=True)
            | Q(has_overdue_mappa=True)
        )
        .select_related("person", "responsible_officer")
        # Never assessed first on every database, then the oldest assessments.
        .order_by(F("rosh_assessed_on").asc(nulls_first=True), "person__last_name", "person__first_name", "pk")
    )


def gap_reasons(case: Case, today: date | None = None) -> list[str]:
    """Plain-English reasons for one row of `risk_gaps` (reads only its annotations)."""
    reasons = []
    if case.rosh_level is None:
        reasons.append("No completed risk of serious harm assessment")
    elif case.rosh_assessed_on < review_cutoff(today):
        reasons.append(f"Last assessed {case.rosh_assessed_on:%-d %B %Y}: a review is overdue")
    if case.has_open_review:
        reasons.append("Circumstances have changed since the last assessment")
    if case.has_overdue_registration:
        reasons.append("A registration is past its review date")
    if case.has_overdue_mappa:
        reasons.append("MAPPA is past its review date")
    return reasons


def open_registrations(person: Person) -> list[Registration]:
    """A person's open flags, by name (for the tags on every page of the person)."""
    return list(
        Registration.objects.filter(person=person, deregistered_date__isnull=True)
        .select_related("registration_type")
        .order_by("registration_type__name")
    )


@dataclass
class RiskOverview:
    current: RoshAssessment | None
    draft: RoshAssessment | None
    completed: list[RoshAssessment]
    open_registrations: list[Registration]
    past_registrations: list[Registration]
    mappa: MappaRegistration | None
    past_mappa: list[MappaRegistration]
    open_reviews: list[RiskReview]
    closed_reviews: list[RiskReview]
    parents_and_carers: list[ParentOrCarer]


def risk_overview(*, person: Person) -> RiskOverview:
    """Everything the person's risk tab shows, in a fixed number of queries. The caller has already
    checked that the user may see the person (cases.selectors.person_get_for_user)."""
    assessments = list(
        RoshAssessment.objects.filter(person=person)
        .select_related("completed_by", "created_by")
        .order_by("-assessment_date", "-pk")
    )
    completed = [assessment for assessment in assessments if assessment.is_completed]
    registrations = list(
        Registration.objects.filter(person=person)
        .select_related("registration_type", "added_by", "deregistered_by")
        .order_by("-start_date", "-pk")
    )
    mappa = list(MappaRegistration.objects.filter(person=person).select_related("added_by").order_by("-start_date"))
    reviews = list(
        RiskReview.objects.filter(person=person).select_related("recorded_by").order_by("-occurred_on", "-pk")
    )
    return RiskOverview(
        current=next((assessment for assessment in completed if assessment.superseded_by_id is None), None),
        draft=next((assessment for assessment in assessments if not assessment.is_completed), None),
        completed=completed,
        open_registrations=[registration for registration in registrations if registration.is_open],
        past_registrations=[registration for registration in registrations if not registration.is_open],
        mappa=next((registration for registration in mappa if registration.end_date is None), None),
        past_mappa=[registration for registration in mappa if registration.end_date is not None],
        open_reviews=[review for review in reviews if review.status == RiskReview.Status.OPEN],
        closed_reviews=[review for review in reviews if review.status == RiskReview.Status.CLOSED],
        parents_and_carers=list(ParentOrCarer.objects.filter(person=person, ended_date__isnull=True)),
    )


def assessment_get_for_user(*, user: User, assessment_id: int) -> RoshAssessment:
    """One assessment of a person the user may see, or Http404."""
    from cases.selectors import people_visible_to

    assessment = (
        RoshAssessment.objects.filter(pk=assessment_id, person__in=people_visible_to(user))
        .select_related("person", "created_by", "completed_by", "superseded_by")
        .first()
    )
    if assessment is None:
        raise Http404("Not found")
    return assessment
