"""Reads for referrals to services: the directory, a case's referrals, one referral, and the figures per need area.

Scoped through cases.selectors.cases_visible_to: a referral on a case the user may not see is never returned, and
one asked for by id is Http404.

Per need area (issue 5, item 5: "how many people with that need have a referral and how many are waiting"), for
the active cases the user may see (an officer: their own and their team's; a manager: their provider's):
- with the need: an active case whose current sentence plan (the newest plan of the current sentence, draft or
  completed, as the plan tab shows it) has an objective in that need area;
- referred: of those, the ones with a referral in that need area that was not withdrawn (declined and completed
  ones count: a referral was made);
- waiting: of those, the ones with a referral in that need area still referred or accepted (not started).
One aggregate query, whatever the number of cases (need_area_figures); the people behind each figure are one more
query (need_area_people).
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from accounts.models import User
from cases.models import Case, NeedArea, PlanObjective, Sentence, SentencePlan
from cases.selectors import cases_visible_to
from interventions.models import ServiceNeedArea, ServiceProvider, ServiceReferral

Status = ServiceReferral.Status
WITH_NEED, REFERRED, WAITING = "with_need", "referred", "waiting"
FIGURES = {
    WITH_NEED: "People with this need",
    REFERRED: "People with a referral for it",
    WAITING: "People waiting for a service to start",
}


# The directory -----------------------------------------------------------------------------------------------------


def service_providers_for(user: User, *, need_area: str | None = None, include_inactive: bool = False):
    """Services in the directory a user can refer to: national ones and those of the user's provider's region (all
    regions for someone without a team), with their need areas (two queries)."""
    services = ServiceProvider.objects.select_related("region", "provider").prefetch_related(
        Prefetch("need_areas", queryset=ServiceNeedArea.objects.order_by("need_area"))
    )
    if not include_inactive:
        services = services.filter(active=True)
    if user.team_id:
        services = services.filter(Q(region__isnull=True) | Q(region_id=user.team.provider.region_id))
    if need_area:
        services = services.filter(need_areas__need_area=need_area)
    return services.order_by("name")


def service_provider_get_for_user(*, user: User, service_provider_id: int) -> ServiceProvider:
    service = service_providers_for(user, include_inactive=True).filter(pk=service_provider_id).first()
    if service is None:
        raise Http404("Not found")
    return service


# Referrals ---------------------------------------------------------------------------------------------------------


def referrals_visible_to(user: User) -> QuerySet[ServiceReferral]:
    """Referrals to services on cases the user may see, with the service, case, person, objective and referrer."""
    return ServiceReferral.objects.filter(case__in=cases_visible_to(user).values("pk")).select_related(
        "service_provider", "case__person", "case__responsible_officer", "plan_objective", "referred_by"
    )


def referral_get_for_user(*, user: User, referral_id: int) -> ServiceReferral:
    referral = referrals_visible_to(user).filter(pk=referral_id).first()
    if referral is None:
        raise Http404("Not found")
    return referral


def current_plan_id(case_ref: str = "pk") -> Subquery:
    """The id of a case's current sentence plan: the newest plan (draft or completed) of its current sentence."""
    return Subquery(
        SentencePlan.objects.filter(case_id=OuterRef(case_ref), sentence__status=Sentence.Status.CURRENT)
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )


def current_plan_objectives(case: Case) -> QuerySet[PlanObjective]:
    """The objectives of the case's current sentence plan (a referral may be made for one of them)."""
    return PlanObjective.objects.filter(
        plan_id=Subquery(
            SentencePlan.objects.filter(case_id=case.pk, sentence__status=Sentence.Status.CURRENT)
            .order_by("-created_at", "-pk")
            .values("pk")[:1]
        )
    ).order_by("need_area", "target_date", "pk")


# Figures per need area -----------------------------------------------------------------------------------------------


def _scope(user: User) -> QuerySet[Case]:
    return cases_visible_to(user).filter(status=Case.Status.ACTIVE)


def _referral_exists(case_ref: str, need_area_ref, waiting: bool = False) -> Exists:
    referrals = ServiceReferral.objects.filter(case_id=OuterRef(case_ref), need_area=need_area_ref)
    if waiting:
        return Exists(referrals.filter(status__in=ServiceReferral.WAITING))
    return Exists(referrals.exclude(status=Status.WITHDRAWN))


@dataclass(frozen=True)
class NeedAreaFigures:
    need_area: str
    label: str
    with_need: int
    referred: int
    waiting: int

    @property
    def not_referred(self) -> int:
        return self.with_need - self.referred


def need_area_figures(user: User) -> list[NeedAreaFigures]:
    """For each of the twelve need areas (in their usual order), how many people in the user's scope have the need,
    how many of them have a referral for it, and how many are waiting: ONE aggregate query over the objectives of
    the current plans (counting distinct cases, so two objectives of one need count one person)."""
    objectives = PlanObjective.objects.filter(
        plan__case__in=_scope(user).values("pk"), plan_id=current_plan_id("plan__case_id")
    )
    rows = (
        objectives.values("need_area")
        .annotate(
            with_need=Count("plan__case_id", distinct=True),
            referred=Count(
                "plan__case_id", distinct=True, filter=Q(_referral_exists("plan__case_id", OuterRef("need_area")))
            ),
            waiting=Count(
                "plan__case_id",
                distinct=True,
                filter=Q(_referral_exists("plan__case_id", OuterRef("need_area"), waiting=True)),
            ),
        )
        .order_by()
    )
    found = {row["need_area"]: row for row in rows}
    return [
        NeedAreaFigures(
            need_area=value,
            label=str(label),
            with_need=found.get(value, {}).get("with_need", 0),
            referred=found.get(value, {}).get("referred", 0),
            waiting=found.get(value, {}).get("waiting", 0),
        )
        for value, label in NeedArea.choices
    ]


def need_area_people(user: User, *, need_area: str, figure: str = WITH_NEED) -> QuerySet[Case]:
    """The people behind one figure of need_area_figures: active cases in the user's scope whose current plan has
    an objective in the need area (and, for `referred` / `waiting`, the matching referral), by name, each with the
    status and service of its latest referral in that need area (`latest_referral_status`,
    `latest_referral_service`). One query. ValueError for an unknown need area or figure."""
    if need_area not in NeedArea.values:
        raise ValueError(f"Unknown need area: {need_area!r}")
    if figure not in FIGURES:
        raise ValueError(f"Unknown figure: {figure!r}")
    # In a Case queryset the objective's plan is found from the outer case row.
    has_need = PlanObjective.objects.filter(
        plan_id=Subquery(
            SentencePlan.objects.filter(case_id=OuterRef(OuterRef("pk")), sentence__status=Sentence.Status.CURRENT)
            .order_by("-created_at", "-pk")
            .values("pk")[:1]
        ),
        need_area=need_area,
    )
    cases = _scope(user).filter(Exists(has_need))
    if figure == REFERRED:
        cases = cases.filter(_referral_exists("pk", need_area))
    elif figure == WAITING:
        cases = cases.filter(_referral_exists("pk", need_area, waiting=True))
    latest = ServiceReferral.objects.filter(case_id=OuterRef("pk"), need_area=need_area).order_by("-referred_on", "-pk")
    return (
        cases.select_related("person", "responsible_officer")
        .annotate(
            latest_referral_id=Subquery(latest.values("pk")[:1]),
            latest_referral_status=Subquery(latest.values("status")[:1]),
            latest_referral_service=Subquery(latest.values("service_provider__name")[:1]),
        )
        .order_by("person__last_name", "person__first_name", "pk")
    )
