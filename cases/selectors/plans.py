"""Reads for sentence plans and resettlement plans, scoped through cases.selectors (404 outside scope)."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from accounts.models import User
from cases.models import (
    Case,
    NeedArea,
    ObjectiveProgress,
    PlanObjective,
    PlanReview,
    ResettlementPlan,
    Sentence,
    SentencePlan,
)
from cases.selectors.people import cases_visible_to

# Who may start, change, complete and review plans (of cases they can see).
PLAN_WRITER_ROLES = (User.Role.RESPONSIBLE_OFFICER, User.Role.MANAGER)
NEED_AREA_ORDER = {value: index for index, value in enumerate(NeedArea.values)}


def can_write_plans(user: User) -> bool:
    """Responsible officers and managers write plans for the cases they can see."""
    return bool(user.is_authenticated and user.is_active and user.team_id and user.role in PLAN_WRITER_ROLES)


def plans_visible_to(user: User) -> QuerySet[SentencePlan]:
    """Sentence plans of the cases the user may see, with their objectives, reviews and progress (4 queries)."""
    progress = ObjectiveProgress.objects.select_related("objective").order_by("objective__target_date", "pk")
    reviews = PlanReview.objects.select_related("reviewed_by").prefetch_related(Prefetch("progress", queryset=progress))
    return (
        SentencePlan.objects.filter(case__in=cases_visible_to(user))
        .select_related("case__person", "sentence", "completed_by")
        .prefetch_related(
            Prefetch("objectives", queryset=PlanObjective.objects.order_by("target_date", "pk")),
            Prefetch("reviews", queryset=reviews.order_by("-reviewed_on", "-pk")),
        )
        .order_by("-created_at", "-pk")
    )


def resettlement_plans_visible_to(user: User) -> QuerySet[ResettlementPlan]:
    return (
        ResettlementPlan.objects.filter(case__in=cases_visible_to(user))
        .select_related("case__person", "sentence")
        .order_by("-screened_on", "-pk")
    )


def plan_get_for_user(user: User, plan_id: int) -> SentencePlan:
    """One sentence plan, or Http404 when it does not exist or its case is out of the user's scope."""
    plan = plans_visible_to(user).filter(pk=plan_id).first()
    if plan is None:
        raise Http404("Not found")
    return plan


def objective_get_for_user(user: User, objective_id: int) -> PlanObjective:
    objective = (
        PlanObjective.objects.filter(plan__case__in=cases_visible_to(user), pk=objective_id)
        .select_related("plan__case__person", "plan__sentence")
        .first()
    )
    if objective is None:
        raise Http404("Not found")
    return objective


def resettlement_plan_get_for_user(user: User, plan_id: int) -> ResettlementPlan:
    plan = resettlement_plans_visible_to(user).filter(pk=plan_id).first()
    if plan is None:
        raise Http404("Not found")
    return plan


def objective_groups(plan: SentencePlan) -> list[tuple[str, list[PlanObjective]]]:
    """The plan's (prefetched) objectives grouped by need area, in the order of the twelve need areas."""
    groups: dict[str, list[PlanObjective]] = {}
    for objective in plan.objectives.all():
        groups.setdefault(objective.need_area, []).append(objective)
    ordered = sorted(groups.items(), key=lambda item: NEED_AREA_ORDER.get(item[0], len(NEED_AREA_ORDER)))
    return [(NeedArea(area).label, objectives) for area, objectives in ordered]


@dataclass
class CasePlans:
    sentence: Sentence | None
    current: SentencePlan | None
    past: list[SentencePlan] = field(default_factory=list)
    resettlement: ResettlementPlan | None = None

    @property
    def has_draft(self) -> bool:
        return self.current is not None and self.current.status == SentencePlan.Status.DRAFT


def plans_for_case(user: User, case: Case) -> CasePlans:
    """What the plan tab shows, in a fixed number of queries however many plans, objectives and reviews.

    The current plan is the newest plan of the current sentence (a draft or the last completed one); every
    other plan of the case is past. The resettlement plan is the current sentence's, if it has one.
    """
    sentence = Sentence.objects.filter(case_id=case.pk, status=Sentence.Status.CURRENT).first()
    plans = list(plans_visible_to(user).filter(case_id=case.pk))
    for plan in plans:
        plan.objective_groups = objective_groups(plan)
    current = None
    if sentence is not None:
        current = next((plan for plan in plans if plan.sentence_id == sentence.pk), None)
    resettlement = None
    if sentence is not None and sentence.is_custodial:
        resettlement = resettlement_plans_visible_to(user).filter(sentence_id=sentence.pk).first()
    return CasePlans(
        sentence=sentence,
        current=current,
        past=[plan for plan in plans if plan is not current],
        resettlement=resettlement,
    )
