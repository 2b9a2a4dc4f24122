"""Reads for allocation and transfers, scoped through cases.selectors.cases_visible_to.

The current risk comes from risk.selectors.with_current_risk (annotations in the same query as the cases),
imported inside the functions as the allocation service does (docs/decisions/0006, item 5).
"""

from datetime import date

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import Provider, Region, Team, User
from cases.models import Case, Disposal, OfficerAssignment, Sentence
from cases.selectors.people import cases_visible_to
from cases.services.allocation import HIGH_ROSH, AllocationDecision, decide


def _with_current_sentence(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate `current_sentence_id`, `current_disposal` and `sentenced_on` (None without a current sentence)."""
    current = Sentence.objects.filter(case_id=OuterRef("pk"), status=Sentence.Status.CURRENT)
    return cases.annotate(
        current_sentence_id=Subquery(current.values("pk")[:1]),
        current_disposal=Subquery(current.values("disposal")[:1]),
        sentenced_on=Subquery(current.values("sentence_date")[:1]),
    )


def allocation_queue(user: User) -> QuerySet[Case]:
    """Cases awaiting allocation that the user may see, oldest sentence first, in one query.

    Each row has its person and provider, the current sentence (`current_sentence_id`, `current_disposal`,
    `sentenced_on`), the current risk (`rosh_level`, `rosh_assessed_on`, `mappa_category`, `mappa_level`), and
    so everything `decision_for` needs to say where the case must go.
    """
    from risk.selectors import with_current_risk

    cases = cases_visible_to(user).filter(status=Case.Status.AWAITING_ALLOCATION).select_related("person", "provider")
    cases = with_current_risk(_with_current_sentence(cases), "person_id")
    return cases.order_by(F("sentenced_on").asc(nulls_last=True), "person__last_name", "pk")


def decision_for(case: Case, *, on: date | None = None) -> AllocationDecision:
    """The allocation rule for a row of `allocation_queue` (reads only its annotations: no query)."""
    return decide(
        name=case.person.full_name,
        date_of_birth=case.person.date_of_birth,
        on=on or timezone.localdate(),
        rosh_level=case.rosh_level,
        mappa_category=case.mappa_category,
    )


def disposal_label(value: str | None) -> str:
    return Disposal(value).label if value in Disposal.values else ""


def officers_with_caseloads(team: Team) -> QuerySet[User]:
    """Active responsible officers of a team, each with `active_cases` (the active cases they hold), one query."""
    return (
        User.objects.filter(team=team, is_active=True, role=User.Role.RESPONSIBLE_OFFICER)
        .select_related("team__provider")
        .annotate(active_cases=Count("cases_held", filter=Q(cases_held__status=Case.Status.ACTIVE)))
        .order_by("last_name", "first_name", "pk")
    )


def _user_region(user: User) -> QuerySet[Region]:
    return Region.objects.filter(providers__teams=user.team_id)


def teams_for_allocation(user: User, provider_type: str) -> QuerySet[Team]:
    """Active teams of active providers of that type in the user's region (one query)."""
    if not user.team_id or provider_type not in Provider.ProviderType.values:
        return Team.objects.none()
    return (
        Team.objects.filter(
            active=True,
            provider__active=True,
            provider__provider_type=provider_type,
            provider__region__in=_user_region(user),
        )
        .select_related("provider")
        .order_by("provider__name", "name")
    )


def teams_for_transfer(user: User, *, case: Case, provider_type: str | None) -> QuerySet[Team]:
    """Where a transfer can go: the active teams of the case's provider, and (when the rule names one) the
    active teams of providers of that type in the user's region."""
    if not user.team_id:
        return Team.objects.none()
    where = Q(provider_id=case.provider_id)
    if provider_type in Provider.ProviderType.values:
        where |= Q(provider__provider_type=provider_type, provider__region__in=_user_region(user))
    return (
        Team.objects.filter(where, active=True, provider__active=True)
        .select_related("provider")
        .order_by("provider__name", "name")
    )


def officer_history(case: Case) -> QuerySet[OfficerAssignment]:
    """Every assignment of the case, newest first (the caller has checked the user may see the case)."""
    return (
        OfficerAssignment.objects.filter(case=case)
        .select_related("provider", "team", "responsible_officer", "assigned_by")
        .order_by("-start_date", "-pk")
    )


def assignments_visible_to(user: User) -> QuerySet[OfficerAssignment]:
    """Assignments of every case the user may see, newest first."""
    return (
        OfficerAssignment.objects.filter(case__in=cases_visible_to(user))
        .select_related("case__person", "provider", "team", "responsible_officer", "assigned_by")
        .order_by("-start_date", "-pk")
    )


def cases_to_transfer(user: User) -> QuerySet[Case]:
    """Active cases in the user's scope held by a CRC whose current RoSH is high or very high, or who are
    managed under MAPPA: the rule says the NPS must supervise them. Risk annotations come in the same query."""
    from risk.selectors import with_current_risk

    cases = (
        cases_visible_to(user)
        .filter(status=Case.Status.ACTIVE, provider__provider_type=Provider.ProviderType.CRC)
        .select_related("person", "provider", "team", "responsible_officer")
    )
    return (
        with_current_risk(cases, "person_id")
        .filter(Q(rosh_level__gte=HIGH_ROSH) | Q(mappa_category__isnull=False))
        .order_by(F("rosh_level").desc(nulls_last=True), "person__last_name", "pk")
    )
