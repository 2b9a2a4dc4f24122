"""Reads for clocks and alerts, scoped through cases.selectors: a case the user may not see is never shown.

Every selector is one query whatever the number of rows (select_related and annotations, no per-row reads).
"""

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.models import User
from cases.models import Case
from cases.selectors import cases_visible_to
from timeliness.calendar import working_days_between
from timeliness.models import Alert, Clock


def _alerts_of(user: User) -> QuerySet[Alert]:
    """The user's own open (not closed) alerts about cases they may still see."""
    if not user.is_authenticated:
        return Alert.objects.none()
    return Alert.objects.filter(
        recipient=user, closed_at__isnull=True, clock__case__in=cases_visible_to(user).values("pk")
    )


def open_alerts(user: User) -> QuerySet[Alert]:
    """The user's open alerts with clock, case and person: overdue first, then the soonest due."""
    return (
        _alerts_of(user)
        .select_related("clock", "clock__case", "clock__case__person")
        .annotate(
            kind_order=models.Case(
                When(kind=Alert.Kind.OVERDUE, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("kind_order", "clock__due_on", "clock__case__person__last_name", "pk")
    )


@dataclass(frozen=True)
class AlertCounts:
    due_soon: int
    overdue: int

    @property
    def total(self) -> int:
        return self.due_soon + self.overdue


def alert_counts(user: User) -> AlertCounts:
    """Unread open alerts of the user, due soon and overdue, in one query."""
    counts = (
        _alerts_of(user)
        .filter(read_at__isnull=True)
        .aggregate(
            due_soon=Count("pk", filter=Q(kind=Alert.Kind.DUE_SOON)),
            overdue=Count("pk", filter=Q(kind=Alert.Kind.OVERDUE)),
        )
    )
    return AlertCounts(due_soon=counts["due_soon"] or 0, overdue=counts["overdue"] or 0)


def clocks_visible_to(user: User) -> QuerySet[Clock]:
    """Every clock of a case the user may see, with its case and person."""
    return Clock.objects.filter(case__in=cases_visible_to(user).values("pk")).select_related("case", "case__person")


def clocks_for_case(user: User, case: Case) -> QuerySet[Clock]:
    """The case's clocks (the case must be one the user may see: nothing otherwise), earliest started first."""
    return clocks_visible_to(user).filter(case=case).order_by("started_on", "due_on", "pk")


def overdue_clocks(user: User, *, today: date | None = None) -> QuerySet[Clock]:
    """Running clocks past their due date on cases the user may see, the longest overdue first."""
    today = today or timezone.localdate()
    return clocks_visible_to(user).filter(status=Clock.Status.OPEN, due_on__lt=today).order_by("due_on", "pk")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def due_timing_text(due_on: date, *, working: bool, today: date) -> str:
    """How something due on `due_on` stands on `today`, in plain English: "Due today", "Due in 1 working day",
    "Overdue by 3 working days", "Due in 2 days".

    With `working`, the days are working days (timeliness.calendar); when no working day falls between (a due date
    on a weekend or bank holiday, seen the next day), and without `working`, they are calendar days.
    """
    if due_on == today:
        return "Due today"
    start, end = sorted((due_on, today))
    days = working_days_between(start, end) if working else 0
    unit = "working day"
    if not days:
        unit, days = "day", (end - start).days
    return f"Overdue by {_plural(days, unit)}" if due_on < today else f"Due in {_plural(days, unit)}"


def timing_text(clock: Clock, *, today: date | None = None) -> str:
    """How a running clock stands today, in plain English: "Overdue by 3 working days", "Due in 1 working day"."""
    return due_timing_text(
        clock.due_on, working=clock.definition.uses_working_days, today=today or timezone.localdate()
    )
