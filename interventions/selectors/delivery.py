"""Reads for the case's "Delivery" tab: every requirement of the order with its progress, and the case's referrals
to services (issue 5: "make delivery visible, day by day and hour by hour").

Scoped through cases.selectors.cases_visible_to: a requirement or referral on a case the user may not see is
never returned, and one asked for by id is Http404. Progress is read from the counters the interventions services
keep on cases.Requirement (RAR days delivered and the last RAR activity, unpaid work minutes credited) and from
annotations (the latest programme referral, the "no alternative plan" state), so the tab runs the same number of
queries however many requirements and referrals the case has.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as CaseWhen
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from cases.models import Case, Requirement, Sentence, TerminationReason
from cases.selectors import cases_visible_to
from cases.selectors.people import rar_inactivity_condition
from cases.selectors.people import rar_inactivity_period as inactivity_period_text
from interventions.formatting import hours_text
from interventions.models import ProgrammeReferral, ProgrammeSessionAttendance, ServiceReferral
from interventions.selectors.programmes import needs_alternative_plan

RAR, UNPAID_WORK, PROGRAMME, OTHER = "rar", "unpaid_work", "accredited_programme", "other"
# Each kind of requirement with a page of its own (built by the RAR, unpaid work and programme pages).
REQUIREMENT_PAGES = {
    RAR: "interventions:rar_requirement",
    UNPAID_WORK: "interventions:unpaid_work_requirement",
    PROGRAMME: "interventions:programme_requirement",
}
NO_ALTERNATIVE_PLAN = "Programme requirement outstanding: no alternative plan"


def requirement_kind(requirement: Requirement) -> str:
    requirement_type = requirement.requirement_type
    if requirement_type.counts_as_rar:
        return RAR
    if requirement_type.is_unpaid_work:
        return UNPAID_WORK
    if requirement_type.is_accredited_programme:
        return PROGRAMME
    return OTHER


def requirements_visible_to(user: User) -> QuerySet[Requirement]:
    """Every requirement (any status) of an order on a case the user may see."""
    return Requirement.objects.filter(sentence__case__in=cases_visible_to(user).values("pk"))


def with_progress(requirements: QuerySet[Requirement], *, today: date | None = None) -> QuerySet[Requirement]:
    """Everything the delivery tab shows about a requirement, in the requirements' own query.

    Joins the type, the sentence and the unpaid work transfer (with the provider it went to); annotates the
    latest programme referral (by referral date, then id: status, programme, dates, when an alternative plan was
    recorded, sessions attended), and the two warnings from their one definition each: "no RAR activity"
    (cases.selectors.people.rar_inactivity_condition) and "no alternative plan"
    (interventions.selectors.programmes.needs_alternative_plan).
    """
    latest = ProgrammeReferral.objects.filter(requirement_id=OuterRef("pk")).order_by("-referred_on", "-pk")
    attended = (
        ProgrammeSessionAttendance.objects.filter(referral_id=OuterRef("latest_referral_id"), attended=True)
        .order_by()
        .values("referral_id")
        .annotate(total=Count("pk"))
        .values("total")[:1]
    )
    return requirements.select_related("requirement_type", "sentence", "unpaid_work_transfer__to_provider").annotate(
        latest_referral_id=Subquery(latest.values("pk")[:1]),
        latest_referral_status=Subquery(latest.values("status")[:1]),
        latest_referral_programme=Subquery(latest.values("programme__name")[:1]),
        latest_referral_referred_on=Subquery(latest.values("referred_on")[:1]),
        latest_referral_ended_on=Subquery(latest.values("ended_on")[:1]),
        latest_referral_alternative_plan_on=Subquery(latest.values("alternative_plan_recorded_on")[:1]),
        programme_sessions_attended=Coalesce(Subquery(attended, output_field=IntegerField()), Value(0)),
        flagged_rar_inactive=ExpressionWrapper(rar_inactivity_condition(today=today), output_field=BooleanField()),
        flagged_no_alternative_plan=needs_alternative_plan(),
    )


@dataclass
class RequirementDelivery:
    """One requirement and its progress, in the words the delivery tab and the API use."""

    requirement: Requirement
    today: date
    kind: str = field(init=False)

    def __post_init__(self) -> None:
        self.kind = requirement_kind(self.requirement)

    # What it is ---------------------------------------------------------------------------------------------

    @property
    def pk(self) -> int:
        return self.requirement.pk

    @property
    def name(self) -> str:
        return self.requirement.requirement_type.name

    @property
    def is_active(self) -> bool:
        return self.requirement.status == Requirement.Status.ACTIVE

    @property
    def page_url_name(self) -> str:
        """The URL name of the requirement's own page ("" for a kind without one)."""
        return REQUIREMENT_PAGES.get(self.kind, "")

    @property
    def court_set(self) -> str:
        requirement = self.requirement
        if requirement.maximum_days is not None:
            return f"Up to {requirement.maximum_days} day{'' if requirement.maximum_days == 1 else 's'}"
        if requirement.hours is not None:
            return f"{requirement.hours} hours"
        if requirement.programme_name:
            sessions = requirement.sessions
            return (
                f"{requirement.programme_name}, {sessions} session{'' if sessions == 1 else 's'}"
                if sessions
                else (requirement.programme_name)
            )
        return requirement.details

    # Rehabilitation activity requirement -------------------------------------------------------------------

    @property
    def rar_days_delivered(self) -> int | None:
        return self.requirement.rar_days_delivered if self.kind == RAR else None

    @property
    def rar_maximum_days(self) -> int | None:
        return self.requirement.maximum_days if self.kind == RAR else None

    @property
    def rar_days_remaining(self) -> int | None:
        if self.kind != RAR or self.requirement.maximum_days is None:
            return None
        return self.requirement.maximum_days - self.requirement.rar_days_delivered

    @property
    def last_rar_activity_on(self) -> date | None:
        return self.requirement.last_rar_activity_on if self.kind == RAR else None

    @property
    def rar_inactive(self) -> bool:
        """An active RAR with days still available and no RAR day for RAR_INACTIVITY_DAYS (since the last RAR day,
        or since the requirement started when there has been none): cases.selectors.people.rar_inactivity_condition."""
        return self.kind == RAR and bool(self.requirement.flagged_rar_inactive)

    # Unpaid work --------------------------------------------------------------------------------------------

    @property
    def unpaid_work_minutes_credited(self) -> int | None:
        return self.requirement.unpaid_work_minutes_credited if self.kind == UNPAID_WORK else None

    @property
    def unpaid_work_minutes_ordered(self) -> int | None:
        if self.kind != UNPAID_WORK or self.requirement.hours is None:
            return None
        return self.requirement.hours * 60

    @property
    def unpaid_work_minutes_remaining(self) -> int | None:
        ordered = self.unpaid_work_minutes_ordered
        return None if ordered is None else ordered - self.requirement.unpaid_work_minutes_credited

    @property
    def unpaid_work_remaining_text(self) -> str:
        remaining = self.unpaid_work_minutes_remaining
        return "" if remaining is None else hours_text(remaining)

    @property
    def unpaid_work_transfer(self):
        """The UnpaidWorkTransfer to the CRC (an NPS case), or None."""
        if self.kind != UNPAID_WORK:
            return None
        return getattr(self.requirement, "unpaid_work_transfer", None)

    # Accredited programme -----------------------------------------------------------------------------------

    @property
    def programme_referral_status(self) -> str:
        return (self.requirement.latest_referral_status or "") if self.kind == PROGRAMME else ""

    @property
    def programme_referral_status_label(self) -> str:
        status = self.programme_referral_status
        return str(ProgrammeReferral.Status(status).label) if status else ""

    @property
    def programme_name(self) -> str:
        return (self.requirement.latest_referral_programme or "") if self.kind == PROGRAMME else ""

    @property
    def programme_sessions_attended(self) -> int | None:
        return self.requirement.programme_sessions_attended if self.programme_referral_status else None

    @property
    def no_alternative_plan(self) -> bool:
        """ "Programme requirement outstanding: no alternative plan": interventions.selectors.programmes
        .needs_alternative_plan (the latest referral ended unsuitable or not completed, no alternative plan)."""
        return self.kind == PROGRAMME and bool(self.requirement.flagged_no_alternative_plan)

    # In words -----------------------------------------------------------------------------------------------

    @property
    def progress(self) -> str:
        """One plain-English line: "12 of 20 days delivered", "32 hours 30 minutes of 80 hours done"."""
        requirement = self.requirement
        if self.kind == RAR:
            delivered, maximum = requirement.rar_days_delivered, requirement.maximum_days
            if maximum is None:
                return f"{delivered} day{'' if delivered == 1 else 's'} delivered"
            return f"{delivered} of {maximum} day{'' if maximum == 1 else 's'} delivered"
        if self.kind == UNPAID_WORK and requirement.hours is not None:
            return f"{hours_text(requirement.unpaid_work_minutes_credited)} of {requirement.hours} hours done"
        if self.kind == PROGRAMME:
            if not self.programme_referral_status:
                return "Not referred to a programme yet"
            return f"{self.programme_name}: {self.programme_referral_status_label.lower()}"
        return ""

    @property
    def warnings(self) -> list[str]:
        """Warning tags: a RAR with no activity for the inactivity period; a programme with no alternative plan."""
        found = []
        if self.rar_inactive:
            found.append(f"No RAR activity for {inactivity_period_text()}")
        if self.no_alternative_plan:
            found.append(NO_ALTERNATIVE_PLAN)
        return found

    @property
    def outcome(self) -> str:
        """How it ended ("" while active)."""
        requirement = self.requirement
        if self.is_active or requirement.ended_on is None:
            return ""
        if requirement.completed_positively:
            return f"Completed positively on {requirement.ended_on:%-d %B %Y}"
        reason = TerminationReason(requirement.termination_reason).label if requirement.termination_reason else ""
        return f"Ended without being completed on {requirement.ended_on:%-d %B %Y}" + (f": {reason}" if reason else "")

    @property
    def termination_reason_label(self) -> str:
        reason = self.requirement.termination_reason
        return str(TerminationReason(reason).label) if reason else ""


@dataclass
class CaseDelivery:
    """The delivery tab of a case: the current order's requirements, those of earlier orders, and the referrals
    to services (newest first)."""

    case: Case
    sentence: Sentence | None
    requirements: list[RequirementDelivery]
    earlier_requirements: list[RequirementDelivery]
    referrals: list[ServiceReferral]

    @property
    def warnings(self) -> list[str]:
        return [warning for item in self.requirements for warning in item.warnings]


def service_referrals_for_case(user: User, case: Case) -> QuerySet[ServiceReferral]:
    """The case's referrals to services (any status, newest first) with the service, need area and referrer."""
    return (
        ServiceReferral.objects.filter(case_id=case.pk, case__in=cases_visible_to(user).values("pk"))
        .select_related("service_provider", "referred_by")
        .order_by("-referred_on", "-pk")
    )


def case_delivery(*, user: User, case: Case) -> CaseDelivery:
    """Every requirement of the case's orders with its progress, and its referrals to services: two queries
    (the requirements with their progress and sentences, the referrals), and a third to find the current sentence
    when it has no requirements.

    `case` comes from cases.selectors.case_get_for_user (Http404 outside scope); both reads are scoped again, so
    a case the user may not see shows nothing. The current sentence's requirements come first, in the order the
    court gave them; requirements of earlier orders (completed or revoked) follow, newest order first.
    """
    today = timezone.localdate()
    requirements = list(
        with_progress(requirements_visible_to(user).filter(sentence__case_id=case.pk), today=today)
        .annotate(
            current_first=CaseWhen(
                When(sentence__status=Sentence.Status.CURRENT, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("current_first", "-sentence__sentence_date", "-sentence_id", "pk")
    )
    current = [item for item in requirements if item.sentence.status == Sentence.Status.CURRENT]
    earlier = [item for item in requirements if item.sentence.status != Sentence.Status.CURRENT]
    sentence = current[0].sentence if current else None
    if sentence is None:
        sentence = Sentence.objects.filter(
            case_id=case.pk, case__in=cases_visible_to(user).values("pk"), status=Sentence.Status.CURRENT
        ).first()
    return CaseDelivery(
        case=case,
        sentence=sentence,
        requirements=[RequirementDelivery(item, today) for item in current],
        earlier_requirements=[RequirementDelivery(item, today) for item in earlier],
        referrals=list(service_referrals_for_case(user, case)),
    )


def requirement_get_for_user(*, user: User, requirement_id: int) -> Requirement:
    """One requirement on a case the user may see, with its progress, sentence, case and person; else Http404."""
    requirement = (
        with_progress(requirements_visible_to(user))
        .select_related("sentence__case__person", "sentence__case__provider")
        .filter(pk=requirement_id)
        .first()
    )
    if requirement is None:
        raise Http404("Not found")
    return requirement


def requirement_delivery(requirement: Requirement) -> RequirementDelivery:
    """Wrap a requirement from `with_progress` for display."""
    return RequirementDelivery(requirement, timezone.localdate())
