"""Reads for unpaid work, scoped to what the user may see, each page in a constant number of queries.

Who sees what (interventions/rules.py): staff of a CRC's or YOT's unpaid work (supervisors, officers, managers,
administrators with a team) see its projects and sessions, and the unpaid work requirements it delivers (its own
cases' and those the NPS passed to it), whatever the case's scoping, except people whose exclusion or restriction
lists keep them out. Officers and managers also see the unpaid work requirements of the cases they may see
(cases.selectors.cases_visible_to). Anything else is "not found".
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.http import Http404
from django.utils import timezone

from accounts.models import Provider, User
from cases.models import PersonAccessLimit, Requirement
from cases.selectors import cases_visible_to
from cases.selectors.people import person_access
from interventions import rules
from interventions.models import UnpaidWorkAttendance, UnpaidWorkProject, UnpaidWorkSession, UnpaidWorkTransfer
from interventions.services.unpaid_work import completion_deadline, education_training_cap_minutes, hours_text

Status = UnpaidWorkAttendance.Status
# Bookings that take a place on a session.
PLACE_TAKEN = ~Q(attendances__status=Status.WITHDRAWN)
STOOD_DOWN_WEEKS = 4


def monday(day: date) -> date:
    """The Monday of the ISO week of `day`."""
    return day - timedelta(days=day.weekday())


def unpaid_work_provider(user: User | None) -> Provider | None:
    """The provider whose unpaid work the user works in: a CRC or YOT, for staff in an unpaid work role."""
    if user is None or not user.is_authenticated or not getattr(user, "team_id", None):
        return None
    provider = user.team.provider
    if provider.provider_type not in rules.DELIVERING_PROVIDER_TYPES:
        return None
    if not rules.works_in_unpaid_work_of(user, provider.pk):
        return None
    return provider


# Projects and sessions -----------------------------------------------------------------------------------------


def projects_for(user: User) -> QuerySet[UnpaidWorkProject]:
    """The projects of the user's provider's unpaid work, with how many sessions are still to come."""
    provider = unpaid_work_provider(user)
    if provider is None:
        return UnpaidWorkProject.objects.none()
    today = timezone.localdate()
    upcoming = Q(sessions__session_date__gte=today, sessions__status=UnpaidWorkSession.Status.SCHEDULED)
    return (
        UnpaidWorkProject.objects.filter(provider=provider)
        .annotate(upcoming_sessions=Count("sessions", filter=upcoming))
        .order_by("-active", "name")
    )


def sessions_visible_to(user: User) -> QuerySet[UnpaidWorkSession]:
    """Sessions of the user's provider's unpaid work, with their project, supervisor and places taken."""
    provider = unpaid_work_provider(user)
    if provider is None:
        return UnpaidWorkSession.objects.none()
    return (
        UnpaidWorkSession.objects.filter(project__provider=provider)
        .select_related("project__provider", "supervisor")
        .annotate(
            booked=Count("attendances", filter=PLACE_TAKEN),
            recorded=Count("attendances", filter=Q(attendances__status__in=UnpaidWorkAttendance.OUTCOMES)),
        )
    )


def session_get_for_user(*, user: User, session_id: int) -> UnpaidWorkSession:
    session = sessions_visible_to(user).filter(pk=session_id).first()
    if session is None:
        raise Http404("Not found")
    return session


def upcoming_sessions(user: User, *, date_from: date | None = None) -> QuerySet[UnpaidWorkSession]:
    """The provider's sessions from `date_from` (default today), soonest first (the view paginates)."""
    date_from = date_from or timezone.localdate()
    return sessions_visible_to(user).filter(session_date__gte=date_from).order_by("session_date", "start_time", "pk")


def sessions_for_register(user: User, day: date) -> list[UnpaidWorkSession]:
    """The sessions whose register the user keeps on `day`: their own as supervisor, or all of the provider's
    for a manager (or an administrator with a team). One query."""
    sessions = sessions_visible_to(user).filter(session_date=day)
    if user.role not in rules.MANAGING_ROLES:
        sessions = sessions.filter(supervisor=user)
    return list(sessions.order_by("start_time", "project__name", "pk"))


def staff_for_sessions(provider: Provider) -> QuerySet[User]:
    """Who can supervise a session: active staff of the provider in an unpaid work role."""
    return User.objects.filter(is_active=True, team__provider=provider, role__in=rules.UNPAID_WORK_ROLES).order_by(
        "last_name", "first_name"
    )


# Requirements --------------------------------------------------------------------------------------------------


def unpaid_work_requirements_visible_to(user: User) -> QuerySet[Requirement]:
    """Unpaid work requirements on cases the user may see, and those the user's provider delivers."""
    scope = Q(sentence__case__in=cases_visible_to(user).values("pk"))
    provider = unpaid_work_provider(user)
    if provider is not None:
        delivered = Q(unpaid_work_transfer__to_provider=provider) | Q(
            unpaid_work_transfer__isnull=True, sentence__case__provider=provider
        )
        scope |= delivered & person_access(user, "sentence__case__person_id")
    return Requirement.objects.filter(requirement_type__is_unpaid_work=True).filter(scope)


def requirement_get_for_user(*, user: User, requirement_id: int) -> Requirement:
    """One unpaid work requirement the user may see, with its case, person, type and transfer; or Http404."""
    requirement = (
        unpaid_work_requirements_visible_to(user)
        .select_related(
            "requirement_type",
            "sentence__case__person",
            "sentence__case__provider__region",
            "sentence__case__team",
            "sentence__case__responsible_officer",
            "unpaid_work_transfer__to_provider",
            "unpaid_work_transfer__transferred_by",
        )
        .annotate(
            has_access_limits=Exists(
                PersonAccessLimit.objects.filter(person_id=OuterRef("sentence__case__person_id"), ended_at__isnull=True)
            )
        )
        .filter(pk=requirement_id)
        .first()
    )
    if requirement is None:
        raise Http404("Not found")
    return requirement


def transfer_of(requirement: Requirement) -> UnpaidWorkTransfer | None:
    return getattr(requirement, "unpaid_work_transfer", None)


@dataclass(frozen=True)
class WeekOffer:
    """The hours offered to a person in one ISO week (Monday to Sunday)."""

    week_start: date
    offered_minutes: int
    minimum_minutes: int

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)

    @property
    def under_minimum(self) -> bool:
        return self.offered_minutes < self.minimum_minutes

    @property
    def offered_text(self) -> str:
        return hours_text(self.offered_minutes)


@dataclass
class Progress:
    """A requirement's unpaid work: hours, deadline, education and training, weekly offer, sessions."""

    requirement: Requirement
    ordered_minutes: int
    credited_minutes: int
    deadline: date
    overdue: bool
    education_training_minutes: int
    education_training_cap_minutes: int
    weeks: list[WeekOffer] = field(default_factory=list)
    attendances: list[UnpaidWorkAttendance] = field(default_factory=list)

    @property
    def remaining_minutes(self) -> int:
        return max(self.ordered_minutes - self.credited_minutes, 0)

    @property
    def complete(self) -> bool:
        return self.ordered_minutes > 0 and self.credited_minutes >= self.ordered_minutes

    @property
    def ordered_text(self) -> str:
        return hours_text(self.ordered_minutes)

    @property
    def credited_text(self) -> str:
        return hours_text(self.credited_minutes)

    @property
    def remaining_text(self) -> str:
        return hours_text(self.remaining_minutes)

    @property
    def education_training_text(self) -> str:
        return hours_text(self.education_training_minutes)

    @property
    def education_training_cap_text(self) -> str:
        return hours_text(self.education_training_cap_minutes)

    @property
    def weeks_under_minimum(self) -> int:
        return sum(1 for week in self.weeks if week.under_minimum)

    @property
    def upcoming(self) -> list[UnpaidWorkAttendance]:
        return [attendance for attendance in self.attendances if attendance.status == Status.BOOKED]


def _offered(attendance: UnpaidWorkAttendance) -> bool:
    """Whether a booking was an offer of work: not withdrawn, not stood down, not on a cancelled session."""
    return (
        attendance.status not in (Status.WITHDRAWN, Status.STOOD_DOWN)
        and attendance.session.status != UnpaidWorkSession.Status.CANCELLED
    )


def requirement_progress(requirement: Requirement, *, today: date | None = None) -> Progress:
    """Hours ordered, credited and remaining; the completion deadline (start + UNPAID_WORK_COMPLETION_MONTHS,
    "overdue" after it while hours remain); education and training hours used and their cap; the hours offered
    in each ISO week; and every booking with its outcome. One query (the requirement's bookings).

    Hours offered in a week: the session length of every booking in that week that was not withdrawn and not
    stood down or cancelled by the service. Being stood down is not an offer: the person came (or was ready to)
    and the service had no work, which is exactly what the weekly minimum (UNPAID_WORK_MINIMUM_WEEKLY_HOURS)
    protects against. Attended, sent home and absent bookings were offers, whatever the person made of them.
    Weeks run from the requirement's start (or its first booking, if earlier) up to this week, or to the week the
    last hour was credited, or the week the requirement ended; a week with no booking counts 0 and is flagged
    like any week under the minimum.
    """
    today = today or timezone.localdate()
    attendances = list(
        UnpaidWorkAttendance.objects.filter(requirement=requirement)
        .select_related("session__project", "session__supervisor", "outcome_recorded_by")
        .order_by("session__session_date", "session__start_time", "pk")
    )
    for attendance in attendances:
        attendance.requirement = requirement  # the same row: no query per booking
    ordered = (requirement.hours or 0) * 60
    credited = requirement.unpaid_work_minutes_credited
    deadline = completion_deadline(requirement)
    education_training = sum(
        attendance.credited_minutes
        for attendance in attendances
        if attendance.is_education_training and attendance.status == Status.ATTENDED
    )
    minimum = settings.UNPAID_WORK_MINIMUM_WEEKLY_HOURS * 60

    first_day = requirement.start_date
    if attendances:
        first_day = min(first_day, attendances[0].session.session_date)
    last_day = today
    if ordered and credited >= ordered:
        attended_days = [a.session.session_date for a in attendances if a.status == Status.ATTENDED]
        if attended_days:
            last_day = min(last_day, max(attended_days))
    if requirement.ended_on:
        last_day = min(last_day, requirement.ended_on)
    offered: dict[date, int] = defaultdict(int)
    for attendance in attendances:
        if _offered(attendance):
            offered[monday(attendance.session.session_date)] += attendance.session.minutes
    weeks = []
    week = monday(first_day)
    while week <= monday(last_day):
        weeks.append(WeekOffer(week_start=week, offered_minutes=offered.get(week, 0), minimum_minutes=minimum))
        week += timedelta(days=7)
    return Progress(
        requirement=requirement,
        ordered_minutes=ordered,
        credited_minutes=credited,
        deadline=deadline,
        overdue=today > deadline and credited < ordered and requirement.status == Requirement.Status.ACTIVE,
        education_training_minutes=education_training,
        education_training_cap_minutes=education_training_cap_minutes(requirement.hours or 0),
        weeks=weeks,
        attendances=attendances,
    )


def bookable_sessions(requirement: Requirement, *, today: date | None = None, limit: int = 50):
    """Upcoming sessions of the provider delivering the requirement with a free place, that the person is not
    already on, soonest first (at most `limit`). One query."""
    today = today or timezone.localdate()
    provider_id = rules.delivering_provider_id(requirement)
    already = UnpaidWorkAttendance.objects.filter(requirement=requirement, session=OuterRef("pk")).exclude(
        status=Status.WITHDRAWN
    )
    sessions = (
        UnpaidWorkSession.objects.filter(
            project__provider_id=provider_id,
            project__active=True,
            status=UnpaidWorkSession.Status.SCHEDULED,
            session_date__gte=max(today, requirement.start_date),
        )
        .exclude(Exists(already))
        .select_related("project", "supervisor")
        .annotate(booked=Count("attendances", filter=PLACE_TAKEN))
        .filter(booked__lt=F("capacity"))
        .order_by("session_date", "start_time", "pk")
    )
    return list(sessions[:limit])


# The register --------------------------------------------------------------------------------------------------


def session_register(user: User, session: UnpaidWorkSession) -> list[UnpaidWorkAttendance]:
    """The people on a session's register (everyone booked and not taken off it), by name, each with their
    requirement (hours ordered and credited) and person. One query, however many people."""
    return list(
        UnpaidWorkAttendance.objects.filter(session=session)
        .exclude(status=Status.WITHDRAWN)
        .filter(person_access(user, "requirement__sentence__case__person_id"))
        .select_related("requirement__sentence__case__person")
        .order_by(
            "requirement__sentence__case__person__last_name",
            "requirement__sentence__case__person__first_name",
            "pk",
        )
    )


def attendances_visible_to(user: User) -> QuerySet[UnpaidWorkAttendance]:
    """Bookings of the unpaid work requirements the user may see."""
    return UnpaidWorkAttendance.objects.filter(
        requirement__in=unpaid_work_requirements_visible_to(user).values("pk")
    ).select_related("session__project", "requirement__sentence__case__person")


# Managers' figures ---------------------------------------------------------------------------------------------


@dataclass
class StoodDownRow:
    label: str
    stood_down: int = 0
    stood_down_minutes: int = 0
    cancelled_sessions: int = 0
    week_start: date | None = None
    project: UnpaidWorkProject | None = None


@dataclass
class StoodDownFigures:
    date_from: date
    date_to: date
    projects: list[StoodDownRow]
    weeks: list[StoodDownRow]
    total: StoodDownRow


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last four weeks: from the Monday four weeks before this week's Monday, to today."""
    today = today or timezone.localdate()
    return monday(today) - timedelta(weeks=STOOD_DOWN_WEEKS - 1), today


def stood_down_figures(provider: Provider, *, date_from: date, date_to: date) -> StoodDownFigures:
    """Bookings stood down by the service (the person's time wasted, not their fault) and sessions cancelled,
    per project and per ISO week, for one provider's sessions dated from `date_from` to `date_to`. Three queries
    (projects, stood-down bookings grouped by project and week, cancelled sessions grouped likewise)."""
    projects = list(UnpaidWorkProject.objects.filter(provider=provider).order_by("name"))
    in_period = Q(session__session_date__gte=date_from, session__session_date__lte=date_to)
    stood_down = (
        UnpaidWorkAttendance.objects.filter(in_period, session__project__provider=provider, status=Status.STOOD_DOWN)
        .annotate(week=TruncWeek("session__session_date"))
        .values("session__project_id", "week")
        .annotate(count=Count("pk"), minutes=Sum("scheduled_minutes"))
        .order_by()
    )
    cancelled = (
        UnpaidWorkSession.objects.filter(
            project__provider=provider,
            status=UnpaidWorkSession.Status.CANCELLED,
            session_date__gte=date_from,
            session_date__lte=date_to,
        )
        .annotate(week=TruncWeek("session_date"))
        .values("project_id", "week")
        .annotate(count=Count("pk"))
        .order_by()
    )
    by_project = {project.pk: StoodDownRow(label=project.name, project=project) for project in projects}
    by_week: dict[date, StoodDownRow] = {}
    week = monday(date_from)
    while week <= date_to:
        by_week[week] = StoodDownRow(label=f"Week beginning {week:%-d %B %Y}", week_start=week)
        week += timedelta(days=7)
    total = StoodDownRow(label="Total")

    def week_row(value) -> StoodDownRow:
        day = value.date() if hasattr(value, "date") and callable(value.date) else value
        return by_week.setdefault(day, StoodDownRow(label=f"Week beginning {day:%-d %B %Y}", week_start=day))

    for row in stood_down:
        for target in (by_project[row["session__project_id"]], week_row(row["week"]), total):
            target.stood_down += row["count"]
            target.stood_down_minutes += row["minutes"] or 0
    for row in cancelled:
        for target in (by_project[row["project_id"]], week_row(row["week"]), total):
            target.cancelled_sessions += row["count"]
    return StoodDownFigures(
        date_from=date_from,
        date_to=date_to,
        projects=list(by_project.values()),
        weeks=[by_week[key] for key in sorted(by_week)],
        total=total,
    )
