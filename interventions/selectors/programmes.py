"""Reads for accredited programmes: a requirement's referrals, the waiting list, groups and their members.

Scoped through cases.selectors.cases_visible_to: a referral on a case the user may not see is never returned, and
one asked for by id is Http404. Groups are seen by the staff of the provider running them, and by staff who can
see a case with a referral in the group (an NPS case in a CRC's group). Every page reads a fixed number of queries
however many referrals, sessions and groups there are (annotations and prefetches, no query per row).

Time waited (shown on the requirement page and the waiting list) runs from the referral to the day the programme
started; while it has not started, to today; for a referral that closed before starting, to the day it closed.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from cases.models import PersonAccessLimit, Requirement
from cases.selectors import cases_visible_to
from interventions.models import Programme, ProgrammeGroup, ProgrammeReferral, ProgrammeSessionAttendance
from interventions.rules import can_do_case_work

Status = ProgrammeReferral.Status
# The waiting list: waiting for a suitability decision, or suitable and waiting for a group.
WAITING_LIST_STATUSES = (Status.REFERRED, Status.WAITING)
TAKING_A_PLACE = (Status.ALLOCATED, Status.STARTED)
GROUP_OPEN_STATUSES = (ProgrammeGroup.Status.PLANNED, ProgrammeGroup.Status.RUNNING)
NO_ALTERNATIVE_PLAN = "Programme requirement outstanding: no alternative plan"


def needs_alternative_plan(requirement_ref: str = "pk") -> Exists:
    """An expression for "programme requirement outstanding: no alternative plan" on an active requirement.

    True when the requirement's latest programme referral (by referral date, then id) ended unsuitable or not
    completed and no alternative plan is recorded on it. Use on a Requirement queryset
    (`.annotate(no_alternative_plan=needs_alternative_plan())`) or with `requirement_ref` naming the requirement's
    id column from another model.
    """
    latest = (
        ProgrammeReferral.objects.filter(requirement_id=OuterRef(OuterRef(requirement_ref)))
        .order_by("-referred_on", "-pk")
        .values("pk")[:1]
    )
    return Exists(
        ProgrammeReferral.objects.filter(
            requirement_id=OuterRef(requirement_ref),
            pk=Subquery(latest),
            status__in=ProgrammeReferral.NEEDS_ALTERNATIVE,
            alternative_plan="",
            requirement__status=Requirement.Status.ACTIVE,
        )
    )


# Time waited ------------------------------------------------------------------------------------------------------


def waited_until(referral: ProgrammeReferral, today: date | None = None) -> date:
    """The day the wait ended: the programme's start, the day the referral closed, or today while it waits."""
    if referral.started_on is not None:
        return referral.started_on
    if referral.ended_on is not None:
        return referral.ended_on
    return today or timezone.localdate()


def days_waited(referral: ProgrammeReferral, today: date | None = None) -> int:
    return max((waited_until(referral, today) - referral.referred_on).days, 0)


def waited_text(days: int) -> str:
    """45 -> "45 days (6 weeks)"; 1 -> "1 day (under a week)"; 7 -> "7 days (1 week)"."""
    weeks = days // 7
    in_weeks = "under a week" if weeks == 0 else f"{weeks} week{'' if weeks == 1 else 's'}"
    return f"{days} day{'' if days == 1 else 's'} ({in_weeks})"


# Referrals ----------------------------------------------------------------------------------------------------------


def _attended_count(referral_ref: str = "pk"):
    attended = (
        ProgrammeSessionAttendance.objects.filter(referral_id=OuterRef(referral_ref), attended=True)
        .order_by()
        .values("referral_id")
        .annotate(total=Count("pk"))
        .values("total")[:1]
    )
    return Coalesce(Subquery(attended, output_field=IntegerField()), Value(0))


def referrals_visible_to(user: User) -> QuerySet[ProgrammeReferral]:
    """Programme referrals on cases the user may see, with the programme, group, case and person, and
    `sessions_attended` (attended sessions, in the same query)."""
    return (
        ProgrammeReferral.objects.filter(requirement__sentence__case__in=cases_visible_to(user).values("pk"))
        .select_related(
            "programme",
            "group__provider",
            "referred_by",
            "alternative_plan_recorded_by",
            "requirement__sentence__case__person",
            "requirement__sentence__case__provider",
            "requirement__sentence__case__responsible_officer",
        )
        .annotate(sessions_attended=_attended_count())
    )


def referral_get_for_user(*, user: User, referral_id: int) -> ProgrammeReferral:
    referral = referrals_visible_to(user).filter(pk=referral_id).first()
    if referral is None:
        raise Http404("Not found")
    return referral


def programme_requirement_get_for_user(*, user: User, requirement_id: int) -> Requirement:
    """An accredited programme requirement on a case the user may see, with its case, person and the
    "no alternative plan" flag; else Http404 (any other kind of requirement too)."""
    requirement = (
        Requirement.objects.filter(
            pk=requirement_id,
            requirement_type__is_accredited_programme=True,
            sentence__case__in=cases_visible_to(user).values("pk"),
        )
        .select_related(
            "requirement_type", "sentence__case__person", "sentence__case__provider", "sentence__case__team"
        )
        .annotate(
            no_alternative_plan=needs_alternative_plan(),
            has_access_limits=Exists(
                PersonAccessLimit.objects.filter(person_id=OuterRef("sentence__case__person_id"), ended_at__isnull=True)
            ),
        )
        .first()
    )
    if requirement is None:
        raise Http404("Not found")
    return requirement


def groups_with_places(groups: QuerySet[ProgrammeGroup]) -> QuerySet[ProgrammeGroup]:
    """Annotate `places_taken` (open referrals allocated to or started in the group) in the groups' own query."""
    return groups.annotate(
        places_taken=Count("referrals", filter=Q(referrals__status__in=TAKING_A_PLACE), distinct=True)
    )


def groups_for_allocation(referral: ProgrammeReferral) -> list[ProgrammeGroup]:
    """Groups the referral could be allocated to: same programme, planned or running, run by a provider of the
    case's region, with a place free; soonest first."""
    case = referral.requirement.sentence.case
    groups = groups_with_places(
        ProgrammeGroup.objects.filter(
            programme_id=referral.programme_id,
            status__in=GROUP_OPEN_STATUSES,
            provider__region_id=case.provider.region_id,
        ).select_related("provider")
    ).order_by("start_date", "pk")
    return [group for group in groups if group.places_taken < group.capacity]


@dataclass
class ProgrammeRequirementPage:
    """Everything the programme page of a requirement shows."""

    requirement: Requirement
    referrals: list[ProgrammeReferral]
    today: date
    programmes: list[Programme] = field(default_factory=list)
    groups: list[ProgrammeGroup] = field(default_factory=list)

    @property
    def current(self) -> ProgrammeReferral | None:
        """The latest referral (by referral date, then id): the one the page acts on."""
        return self.referrals[0] if self.referrals else None

    @property
    def earlier(self) -> list[ProgrammeReferral]:
        return self.referrals[1:]

    @property
    def no_alternative_plan(self) -> bool:
        return bool(self.requirement.no_alternative_plan)

    @property
    def is_active(self) -> bool:
        return self.requirement.status == Requirement.Status.ACTIVE

    @property
    def can_refer(self) -> bool:
        current = self.current
        case = self.requirement.sentence.case
        return (
            self.is_active
            and case.status != case.Status.ENDED
            and (current is None or current.status not in ProgrammeReferral.OPEN)
        )

    @property
    def days_waited(self) -> int | None:
        return days_waited(self.current, self.today) if self.current else None

    @property
    def waited_text(self) -> str:
        days = self.days_waited
        return "" if days is None else waited_text(days)

    @property
    def sessions_text(self) -> str:
        current = self.current
        if current is None or current.status not in (Status.STARTED, Status.COMPLETED, Status.NOT_COMPLETED):
            return ""
        return f"{current.sessions_attended} of {current.programme.sessions}"


def programme_requirement_page(*, user: User, requirement: Requirement) -> ProgrammeRequirementPage:
    """The requirement's referrals (newest first) with their sessions, the programmes to refer to, and the groups
    the current referral could join: five queries however many referrals and sessions (the referrals, their
    sessions, the programmes, the groups with their places taken and providers)."""
    sessions = ProgrammeSessionAttendance.objects.select_related("recorded_by").order_by("session_number")
    referrals = list(
        referrals_visible_to(user)
        .filter(requirement_id=requirement.pk)
        .prefetch_related(Prefetch("session_attendances", queryset=sessions))
        .order_by("-referred_on", "-pk")
    )
    page = ProgrammeRequirementPage(requirement=requirement, referrals=referrals, today=timezone.localdate())
    current = page.current
    if page.can_refer:
        page.programmes = list(Programme.objects.filter(active=True).order_by("name"))
    if current is not None and current.status == Status.WAITING:
        current.requirement = requirement
        page.groups = groups_for_allocation(current)
    return page


# Waiting list -------------------------------------------------------------------------------------------------------


def waiting_list(*, user: User, programme: Programme | None = None, today: date | None = None) -> list:
    """Referrals waiting for a suitability decision or for a group on the user's provider's cases that the user
    may see (an officer: their team's; a manager: the provider's), longest wait first, each with `days_waited`.
    One query. Http404 for anyone who does not do case work in a team."""
    if not can_do_case_work(user):
        raise Http404("Not found")
    today = today or timezone.localdate()
    cases = cases_visible_to(user).filter(provider_id=user.team.provider_id).values("pk")
    referrals = referrals_visible_to(user).filter(
        requirement__sentence__case__in=cases, status__in=WAITING_LIST_STATUSES
    )
    if programme is not None:
        referrals = referrals.filter(programme=programme)
    rows = list(referrals.order_by("referred_on", "pk"))
    for referral in rows:
        referral.days_waited = days_waited(referral, today)
        referral.waited_weeks = referral.days_waited // 7
    return rows


def active_programmes() -> QuerySet[Programme]:
    return Programme.objects.filter(active=True).order_by("name")


# Groups -------------------------------------------------------------------------------------------------------------


def groups_visible_to(user: User) -> QuerySet[ProgrammeGroup]:
    """Groups run by the user's provider, and groups holding a referral on a case the user may see; with their
    programme, provider, facilitator and `places_taken`."""
    if not can_do_case_work(user):
        return ProgrammeGroup.objects.none()
    with_visible_member = ProgrammeReferral.objects.filter(
        group_id=OuterRef("pk"), requirement__sentence__case__in=cases_visible_to(user).values("pk")
    )
    return groups_with_places(
        ProgrammeGroup.objects.filter(
            Q(provider_id=user.team.provider_id) | Exists(with_visible_member)
        ).select_related("programme", "provider", "facilitator")
    )


def provider_groups(*, user: User, include_closed: bool = False) -> list[ProgrammeGroup]:
    """The groups of the user's provider (planned and running first; finished and cancelled when asked),
    soonest start first. One query. Http404 for anyone who does not do case work in a team."""
    if not can_do_case_work(user):
        raise Http404("Not found")
    groups = groups_visible_to(user).filter(provider_id=user.team.provider_id)
    if not include_closed:
        groups = groups.filter(status__in=GROUP_OPEN_STATUSES)
    return list(groups.order_by("start_date", "pk"))


def group_get_for_user(*, user: User, group_id: int) -> ProgrammeGroup:
    group = groups_visible_to(user).filter(pk=group_id).first()
    if group is None:
        raise Http404("Not found")
    return group


@dataclass
class GroupMembers:
    members: list[ProgrammeReferral]
    hidden: int

    @property
    def total(self) -> int:
        return len(self.members) + self.hidden


def group_members(*, user: User, group: ProgrammeGroup) -> GroupMembers:
    """Everyone allocated to the group (any later status), with sessions attended: those on cases the user may see
    by name, and how many others (cases of other teams or providers) without naming them. Two queries."""
    visible = list(
        referrals_visible_to(user)
        .filter(group_id=group.pk)
        .order_by("requirement__sentence__case__person__last_name", "requirement__sentence__case__person__first_name")
    )
    everyone = ProgrammeReferral.objects.filter(group_id=group.pk).count()
    return GroupMembers(members=visible, hidden=max(everyone - len(visible), 0))
