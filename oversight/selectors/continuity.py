"""Continuity of officers (shared/DOMAIN.md section 8: only half of people keep one officer throughout; 5% have three
or more). Per case, the number of different responsible officers it has had so far (cases.OfficerAssignment); for
the scope, the share of cases active in the last CONTINUITY_MONTHS months that kept one officer throughout, and the
share that had three or more. Two aggregate queries and one page of cases, whatever the number of cases.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from cases.models import Case, OfficerAssignment
from cases.selectors import cases_visible_to
from oversight.scopes import Scope
from oversight.selectors.compliance import percent


def with_officer_count(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate `officer_count`: how many different responsible officers the case has had so far."""
    officers = (
        OfficerAssignment.objects.filter(case_id=OuterRef("pk"), responsible_officer__isnull=False)
        .order_by()
        .values("case_id")
        .annotate(count=Count("responsible_officer_id", distinct=True))
        .values("count")[:1]
    )
    return cases.annotate(officer_count=Coalesce(Subquery(officers, output_field=IntegerField()), 0))


def continuity_cases(scope: Scope, *, today: date | None = None) -> QuerySet[Case]:
    """Cases in the scope that were active at some time in the last CONTINUITY_MONTHS months: active now, or ended
    since the start of that window (cases waiting for sentence or allocation have no officer yet)."""
    today = today or timezone.localdate()
    since = today - relativedelta(months=settings.CONTINUITY_MONTHS)
    return with_officer_count(
        Case.objects.filter(scope.cases()).filter(
            Q(status=Case.Status.ACTIVE) | Q(status=Case.Status.ENDED, end_date__gte=since)
        )
    )


@dataclass(frozen=True)
class Continuity:
    cases: int
    one_officer: int
    three_or_more: int
    since: date

    @property
    def one_officer_percent(self) -> Decimal | None:
        return percent(self.one_officer, self.cases)

    @property
    def three_or_more_percent(self) -> Decimal | None:
        return percent(self.three_or_more, self.cases)

    @property
    def two_officers(self) -> int:
        return self.cases - self.one_officer - self.three_or_more


def continuity(scope: Scope, *, today: date | None = None) -> Continuity:
    today = today or timezone.localdate()
    figures = continuity_cases(scope, today=today).aggregate(
        cases=Count("pk", filter=Q(officer_count__gte=1)),
        one=Count("pk", filter=Q(officer_count=1)),
        three=Count("pk", filter=Q(officer_count__gte=3)),
    )
    return Continuity(
        cases=figures["cases"] or 0,
        one_officer=figures["one"] or 0,
        three_or_more=figures["three"] or 0,
        since=today - relativedelta(months=settings.CONTINUITY_MONTHS),
    )


def continuity_case_list(*, user: User, scope: Scope, today: date | None = None) -> QuerySet[Case]:
    """The scope's cases (those the user may see) with the most officers first, for the continuity table."""
    return (
        continuity_cases(scope, today=today)
        .filter(pk__in=cases_visible_to(user).values("pk"), officer_count__gte=1)
        .select_related("person", "responsible_officer", "team")
        .order_by("-officer_count", "person__last_name", "person__first_name", "pk")
    )
