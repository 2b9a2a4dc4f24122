"""Reads for rehabilitation activity requirement (RAR) days (issue 5, item 1), scoped through cases.selectors.

A requirement's progress (`rar_progress`) is read in one query for its activities (with their appointments,
outcomes, objectives and who delivered them), so the requirement page runs a constant number of queries however
many activities it lists. The day rule is interventions.services.rar's: any attended, complied activity on a day
counts that day once.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from cases.models import Case, Contact, PersonAccessLimit, PlanObjective, Requirement
from cases.selectors import cases_visible_to
from cases.selectors.people import rar_inactivity_condition, rar_inactivity_period
from interventions.models import RehabilitationActivity

__all__ = [
    "ActivityRow",
    "RarDay",
    "RarProgress",
    "elapsed_percent",
    "markable_appointments",
    "plan_objectives_for_case",
    "rar_activities_visible_to",
    "rar_inactive_requirements",
    "rar_inactivity_period",
    "rar_progress",
    "rar_requirement_get_for_user",
    "rar_requirements_visible_to",
    "requirement_end_date",
]

# Why an activity did or did not count, in the order the page explains them.
COUNTED = "counted"
FAILED_TO_COMPLY = "failed_to_comply"
ABSENT = "absent"
NOT_YET_RECORDED = "not_yet_recorded"
BOOKED = "booked"
STATUS_LABELS = {
    COUNTED: "Counted",
    FAILED_TO_COMPLY: "Failed to comply",
    ABSENT: "Absent",
    NOT_YET_RECORDED: "Outcome not yet recorded",
    BOOKED: "Booked, not yet happened",
}


def requirement_end_date(requirement: Requirement) -> date | None:
    """The last day of the requirement: its own end date, or else its order's."""
    return requirement.end_date or requirement.sentence.end_date


def rar_requirements_visible_to(user: User) -> QuerySet[Requirement]:
    """RAR requirements (requirement type counts as RAR) of cases the user may see, with their order, case and
    person, and `case_has_access_limits` (the person has an exclusion or restriction list)."""
    return (
        Requirement.objects.filter(
            requirement_type__counts_as_rar=True, sentence__case__in=cases_visible_to(user).values("pk")
        )
        .select_related(
            "requirement_type",
            "sentence__case__person",
            "sentence__case__provider",
            "sentence__case__team",
            "sentence__case__responsible_officer",
        )
        .annotate(
            case_has_access_limits=Exists(
                PersonAccessLimit.objects.filter(person_id=OuterRef("sentence__case__person_id"), ended_at__isnull=True)
            )
        )
    )


def rar_requirement_get_for_user(*, user: User, requirement_id: int) -> Requirement:
    """One RAR requirement of a case the user may see, or Http404 (out of scope, or not a RAR)."""
    requirement = rar_requirements_visible_to(user).filter(pk=requirement_id).first()
    if requirement is None:
        raise Http404("Not found")
    requirement.sentence.case.has_access_limits = requirement.case_has_access_limits
    return requirement


def rar_activities_visible_to(user: User) -> QuerySet[RehabilitationActivity]:
    """Every RAR activity on a case the user may see, with its appointment, outcome, objective and staff."""
    return RehabilitationActivity.objects.filter(
        requirement__sentence__case__in=cases_visible_to(user).values("pk")
    ).select_related(
        "requirement", "contact__outcome", "contact__staff", "plan_objective", "delivered_by", "recorded_by"
    )


def rar_inactive_requirements(requirements: QuerySet[Requirement] | None = None, *, today: date | None = None):
    """Active RAR requirements with no attended, complied activity for RAR_INACTIVITY_DAYS (default 28) days:
    started at least that long ago, and their last day of activity empty or at least that long ago."""
    requirements = Requirement.objects.all() if requirements is None else requirements
    return requirements.filter(rar_inactivity_condition(today=today))


def elapsed_percent(start: date, end: date | None, today: date) -> int | None:
    """The whole-number share (rounded down, 0 to 100) of the time from `start` to `end` that has passed by
    `today`; None when the order has no end date yet."""
    if end is None:
        return None
    total = (end - start).days
    if total <= 0:
        return 100 if today >= end else 0
    return max(0, min(100, (today - start).days * 100 // total))


def activity_status(activity: RehabilitationActivity, now=None) -> str:
    """Whether an activity counted and, if not, why: failed to comply, absent, or not yet recorded."""
    outcome = activity.contact.outcome
    if outcome is None:
        return BOOKED if activity.contact.starts_at > (now or timezone.now()) else NOT_YET_RECORDED
    if outcome.attended and outcome.complied:
        return COUNTED
    if outcome.attended:
        return FAILED_TO_COMPLY
    return ABSENT


@dataclass(frozen=True)
class ActivityRow:
    activity: RehabilitationActivity
    status: str

    @property
    def counted(self) -> bool:
        return self.status == COUNTED

    @property
    def status_label(self) -> str:
        label = STATUS_LABELS[self.status]
        if self.status == ABSENT:
            return f"{label} ({self.activity.contact.outcome.name.lower()})"
        return label

    @property
    def serves(self) -> str:
        """The plan objective the activity serves, or else its need area."""
        objective = self.activity.plan_objective
        if objective is not None:
            return f"Objective: {objective.description} ({objective.get_need_area_display()})"
        return self.activity.get_need_area_display()

    @property
    def delivered_by(self) -> str:
        staff = self.activity.delivered_by
        organisation = self.activity.delivered_by_organisation
        name = (staff.get_full_name() or staff.username) if staff else ""
        if name and organisation:
            return f"{name} ({organisation})"
        return name or organisation


@dataclass(frozen=True)
class RarDay:
    day: date
    activities: list[ActivityRow]

    @property
    def counted(self) -> bool:
        return any(row.counted for row in self.activities)

    @property
    def minutes(self) -> int:
        return sum(row.activity.duration_minutes for row in self.activities)

    @property
    def reason(self) -> str:
        """Why a day did not count: the distinct reasons of its activities ("" for a day that counted)."""
        if self.counted:
            return ""
        reasons = []
        for row in self.activities:
            if row.status_label not in reasons:
                reasons.append(row.status_label)
        return "; ".join(reasons)


@dataclass(frozen=True)
class RarProgress:
    requirement: Requirement
    start_date: date
    end_date: date | None
    delivered: int
    maximum: int
    elapsed_percent: int | None
    days: list[RarDay] = field(default_factory=list)

    @property
    def remaining(self) -> int:
        return max(0, self.maximum - self.delivered)

    @property
    def counted_days(self) -> list[RarDay]:
        return [day for day in self.days if day.counted]

    @property
    def uncounted_days(self) -> list[RarDay]:
        return [day for day in self.days if not day.counted]

    @property
    def booked_days(self) -> int:
        """Days with an activity still to happen or to be recorded (and none counted yet)."""
        return sum(
            1 for day in self.uncounted_days if any(row.status in (BOOKED, NOT_YET_RECORDED) for row in day.activities)
        )


def rar_progress(requirement: Requirement, *, today: date | None = None) -> RarProgress:
    """Days delivered against the maximum, the share of the order's time elapsed and the day-by-day list, in
    one query (the requirement comes with its order from rar_requirement_get_for_user)."""
    now = timezone.now()
    today = today or timezone.localdate(now)
    activities = (
        RehabilitationActivity.objects.filter(requirement=requirement)
        .select_related("contact__outcome", "plan_objective", "delivered_by")
        .order_by("activity_date", "contact__starts_at", "pk")
    )
    days: dict[date, list[ActivityRow]] = {}
    for activity in activities:
        days.setdefault(activity.activity_date, []).append(ActivityRow(activity, activity_status(activity, now)))
    end = requirement_end_date(requirement)
    return RarProgress(
        requirement=requirement,
        start_date=requirement.start_date,
        end_date=end,
        delivered=requirement.rar_days_delivered,
        maximum=requirement.maximum_days or 0,
        elapsed_percent=elapsed_percent(requirement.start_date, end, today),
        days=[RarDay(day, rows) for day, rows in days.items()],
    )


def plan_objectives_for_case(case: Case) -> QuerySet[PlanObjective]:
    """Objectives of the case's sentence plans (an activity may serve one of them)."""
    return PlanObjective.objects.filter(plan__case=case).order_by("target_date", "pk")


def markable_appointments(requirement: Requirement) -> QuerySet[Contact]:
    """Appointments of the requirement's case within its dates that are not yet marked as RAR activity."""
    case_id = requirement.sentence.case_id
    start, end = requirement.start_date, requirement_end_date(requirement)
    appointments = Contact.objects.filter(
        case_id=case_id, is_appointment=True, rehabilitation_activity__isnull=True, duration_minutes__isnull=False
    ).select_related("outcome", "staff")
    appointments = appointments.filter(starts_at__date__gte=start)
    if end is not None:
        appointments = appointments.filter(starts_at__date__lte=end)
    return appointments.order_by("-starts_at", "-pk")
