"""Writes for clocks and alerts.

Clocks are opened and stopped by case events (cases.events), never by hand: `on_case_event` is connected in
TimelinessConfig.ready and runs inside the publishing service's transaction. Alerts are raised from open clocks
by `alerts_raise` (the Celery scan), closed when their clock stops, and marked read by their recipient.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils import timezone

from cases import events
from config.history import save_with_history
from timeliness import registry
from timeliness.calendar import add_working_days
from timeliness.models import Alert, Clock


def clock_open(*, level: registry.ServiceLevel, event: events.CaseEvent) -> Clock | None:
    """Open the clock for `level` started by `event`, unless one exists for the same subject already."""
    if Clock.objects.filter(service_level=level.code, subject=event.subject).exists():
        return None
    clock = Clock(
        service_level=level.code,
        case=event.case,
        subject=event.subject,
        provider_type=event.case.provider.provider_type,
        started_on=event.on,
        due_on=max(level.due_on(event), event.on),
        opened_by=event.by,
    )
    try:
        with transaction.atomic():
            return save_with_history(clock, by=event.by, validate=False)
    except (IntegrityError, ValidationError):
        # Opened a moment ago by a concurrent request for the same subject (save_with_history turns the
        # unique constraint's IntegrityError into a ValidationError). Anything else is a real error.
        if Clock.objects.filter(service_level=level.code, subject=event.subject).exists():
            return None
        raise


def _stop(clock: Clock, *, on, by, status: str | None = None) -> None:
    stopped_on = max(on, clock.started_on)
    clock.stopped_on = stopped_on
    clock.stopped_by = by
    clock.status = status or (Clock.Status.MET if stopped_on <= clock.due_on else Clock.Status.MISSED)
    save_with_history(clock, by=by, validate=False)
    Alert.objects.filter(clock=clock, closed_at__isnull=True).update(closed_at=timezone.now())


# Stop events about one record stop only that record's clock: a case can have two reports requested (one
# per hearing), and delivering one must not stop the other's clock.
SUBJECT_SPECIFIC_STOPS = frozenset({events.REPORT_DELIVERED})


def clocks_stop(*, event: events.CaseEvent) -> list[Clock]:
    """Stop the case's open clocks whose stop event this is: met if on or before the due date, else missed."""
    codes = registry.stopping_on(event.name)
    if not codes:
        return []
    open_clocks = Clock.objects.select_for_update().filter(
        case=event.case, service_level__in=codes, status=Clock.Status.OPEN
    )
    if event.name in SUBJECT_SPECIFIC_STOPS:
        open_clocks = open_clocks.filter(subject=event.subject)
    clocks = list(open_clocks)
    for clock in clocks:
        _stop(clock, on=event.on, by=event.by)
    return clocks


def clocks_cancel(*, event: events.CaseEvent, subject: str | None = None) -> list[Clock]:
    """The clocks no longer apply (a report withdrawn, a case ended): stop them as cancelled."""
    open_clocks = Clock.objects.select_for_update().filter(case=event.case, status=Clock.Status.OPEN)
    if subject is not None:
        open_clocks = open_clocks.filter(subject=subject)
    clocks = list(open_clocks)
    for clock in clocks:
        _stop(clock, on=event.on, by=event.by, status=Clock.Status.CANCELLED)
    return clocks


def on_case_event(sender, *, event: events.CaseEvent, **kwargs) -> None:
    """Stop what the event stops, cancel what it makes irrelevant, then open what it starts."""
    if event.name == events.CASE_ENDED:
        clocks_cancel(event=event)
        return
    if event.name == events.REPORT_WITHDRAWN:
        clocks_cancel(event=event, subject=event.subject)
        return
    clocks_stop(event=event)
    for level in registry.starting_on(event, event.case.provider.provider_type):
        clock_open(level=level, event=event)


# Alerts ------------------------------------------------------------------------------------------------------
#
# The scan (timeliness.tasks.scan_clocks) raises alerts with one INSERT ... SELECT ... ON CONFLICT DO NOTHING per
# recipient rule, so its number of queries never depends on the number of clocks, and the unique constraint
# alert_one_per_clock_recipient_kind makes a second run, or a concurrent one, insert nothing twice. Rows are
# inserted in (clock, recipient) order so two concurrent scans on PostgreSQL wait for each other instead of
# deadlocking. Recipients must be active, and allowed by the person's exclusion and restriction lists.


def _alert_rule_sql() -> dict[str, str]:
    """The three recipient rules as INSERT statements (tables and columns quoted for the database in use)."""
    from accounts.models import Team, User
    from cases.models import Case, PersonAccessLimit

    q = connection.ops.quote_name
    alert, clock, case = q(Alert._meta.db_table), q(Clock._meta.db_table), q(Case._meta.db_table)
    user, team, limits = q(User._meta.db_table), q(Team._meta.db_table), q(PersonAccessLimit._meta.db_table)

    # %(today)s, %(horizon)s, %(now)s, %(open)s, %(manager)s, %(overdue)s, %(due_soon)s, %(true)s,
    # %(exclusion)s, %(restriction)s are query parameters.
    kind = "CASE WHEN c.due_on < %(today)s THEN %(overdue)s ELSE %(due_soon)s END"
    allowed = f"""
        AND NOT EXISTS (
            SELECT 1 FROM {limits} l
            WHERE l.person_id = k.person_id AND l.ended_at IS NULL AND l.kind = %(exclusion)s AND l.user_id = u.id
        )
        AND (
            NOT EXISTS (
                SELECT 1 FROM {limits} l
                WHERE l.person_id = k.person_id AND l.ended_at IS NULL AND l.kind = %(restriction)s
            )
            OR EXISTS (
                SELECT 1 FROM {limits} l
                WHERE l.person_id = k.person_id AND l.ended_at IS NULL AND l.kind = %(restriction)s
                AND l.user_id = u.id
            )
        )"""
    insert = f"INSERT INTO {alert} (clock_id, recipient_id, kind, created_at, read_at, closed_at)"
    conflict = "ON CONFLICT (clock_id, recipient_id, kind) DO NOTHING RETURNING kind"
    open_clock = "c.status = %(open)s AND k.status <> %(ended)s"
    return {
        # Due soon or overdue: the case's responsible officer.
        "officer": f"""
            {insert}
            SELECT c.id, u.id, {kind}, %(now)s, NULL, NULL
            FROM {clock} c
            JOIN {case} k ON k.id = c.case_id
            JOIN {user} u ON u.id = k.responsible_officer_id
            WHERE {open_clock} AND c.due_on <= %(horizon)s AND u.is_active = %(true)s {allowed}
            ORDER BY c.id, u.id
            {conflict}""",
        # Overdue: the active managers of the case's team.
        "team_managers": f"""
            {insert}
            SELECT c.id, u.id, %(overdue)s, %(now)s, NULL, NULL
            FROM {clock} c
            JOIN {case} k ON k.id = c.case_id
            JOIN {user} u ON u.team_id = k.team_id
            WHERE {open_clock} AND c.due_on < %(today)s AND k.responsible_officer_id IS NOT NULL
            AND u.role = %(manager)s AND u.is_active = %(true)s {allowed}
            ORDER BY c.id, u.id
            {conflict}""",
        # No responsible officer (awaiting allocation): the active managers of any team of the case's provider
        # get both kinds.
        "provider_managers": f"""
            {insert}
            SELECT c.id, u.id, {kind}, %(now)s, NULL, NULL
            FROM {clock} c
            JOIN {case} k ON k.id = c.case_id
            JOIN {team} t ON t.provider_id = k.provider_id
            JOIN {user} u ON u.team_id = t.id
            WHERE {open_clock} AND c.due_on <= %(horizon)s AND k.responsible_officer_id IS NULL
            AND u.role = %(manager)s AND u.is_active = %(true)s {allowed}
            ORDER BY c.id, u.id
            {conflict}""",
    }


def due_soon_horizon(today: date) -> date:
    """The last due date that counts as "due soon" today."""
    return add_working_days(today, settings.ALERT_DUE_SOON_WORKING_DAYS)


@transaction.atomic
def alerts_raise(*, today: date | None = None) -> dict[str, int]:
    """Raise due-soon and overdue alerts from open clocks; return how many of each kind were created.

    A clock is due soon when today <= due date <= `ALERT_DUE_SOON_WORKING_DAYS` working days from today (alert
    the responsible officer), and overdue when its due date has passed (alert the officer and the active
    managers of the case's team). A case with no responsible officer alerts the active managers of its
    provider instead. Overdue supersedes due soon: the due-soon alerts of overdue clocks are closed.

    Set-based (three INSERTs and one UPDATE, whatever the number of clocks) and idempotent.
    """
    from accounts.models import User
    from cases.models import Case, PersonAccessLimit

    today = today or timezone.localdate()
    now = timezone.now()
    ops = connection.ops
    params = {
        "today": ops.adapt_datefield_value(today),
        "horizon": ops.adapt_datefield_value(due_soon_horizon(today)),
        "now": ops.adapt_datetimefield_value(now),
        "open": Clock.Status.OPEN.value,
        "ended": Case.Status.ENDED.value,
        "manager": User.Role.MANAGER.value,
        "overdue": Alert.Kind.OVERDUE.value,
        "due_soon": Alert.Kind.DUE_SOON.value,
        "true": True,
        "exclusion": PersonAccessLimit.Kind.EXCLUSION.value,
        "restriction": PersonAccessLimit.Kind.RESTRICTION.value,
    }
    created = {Alert.Kind.DUE_SOON.value: 0, Alert.Kind.OVERDUE.value: 0}
    with connection.cursor() as cursor:
        for sql in _alert_rule_sql().values():
            cursor.execute(sql, params)
            for (kind,) in cursor.fetchall():
                created[kind] += 1
    # Overdue supersedes due soon: one UPDATE for every open due-soon alert of an overdue clock.
    Alert.objects.filter(
        kind=Alert.Kind.DUE_SOON,
        closed_at__isnull=True,
        clock__status=Clock.Status.OPEN,
        clock__due_on__lt=today,
    ).update(closed_at=now)
    return created


def _own_alert(*, by, alert: Alert | int) -> Alert:
    alert_id = alert.pk if isinstance(alert, Alert) else alert
    found = Alert.objects.filter(pk=alert_id, recipient=by).first() if by.is_authenticated else None
    if found is None:
        raise Http404("Not found")
    return found


@transaction.atomic
def alert_mark_read(*, by, alert: Alert | int) -> Alert:
    """Mark one of `by`'s own alerts as read (another user's alert: Http404). Reading twice keeps the first time."""
    found = _own_alert(by=by, alert=alert)
    if found.read_at is None:
        found.read_at = timezone.now()
        found.save(update_fields=["read_at"])
    return found


@transaction.atomic
def alerts_mark_all_read(*, by) -> int:
    """Mark every unread, open alert of `by` as read; return how many."""
    if not by.is_authenticated:
        return 0
    return Alert.objects.filter(recipient=by, read_at__isnull=True, closed_at__isnull=True).update(
        read_at=timezone.now()
    )
