"""Writes for clocks and alerts.

Clocks are opened and stopped by case events (cases.events), never by hand: `on_case_event` is connected in
TimelinessConfig.ready and runs inside the publishing service's transaction. Alerts are raised from open clocks
by `alerts_raise` (the Celery scan), closed when their clock stops, and marked read by their recipient.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
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
SUBJECT_SPECIFIC_STOPS = frozenset(
    {
        events.REPORT_DELIVERED,
        events.UNPAID_WORK_WITH_CRC,
        events.UNPAID_WORK_ARRANGED,
        events.COMPLIANCE_FAILURE_DECIDED,
        events.BREACH_REFERRED_TO_NPS,
        events.BREACH_PRESENTED_TO_COURT,
        events.RECALL_RECOMMENDED,
        events.RECALL_DOCUMENTS_SUPPLIED,
    }
)


def clocks_stop(*, event: events.CaseEvent) -> list[Clock]:
    """Stop the case's open clocks whose stop event this is: met if on or before the due date, else missed.

    Only clocks started on or before the event's day: something that happened before a clock started (an
    appointment recorded late, dated before the release that opened the clock) cannot stop it. The exception is
    an enforcement decision, which settles its own failure's clocks whatever day it is dated.
    """
    codes = registry.stopping_on(event.name)
    if not codes:
        return []
    open_clocks = Clock.objects.select_for_update().filter(
        case=event.case, service_level__in=codes, status=Clock.Status.OPEN, started_on__lte=event.on
    )
    if event.name in SUBJECT_SPECIFIC_STOPS:
        open_clocks = open_clocks.filter(subject=event.subject)
    if event.name == events.COMPLIANCE_FAILURE_DECIDED:
        # The decision settles its failure whatever day it is dated: the breach action clock may have started
        # after the failure (when a warning on another failure used up the allowance), and a decision dated
        # before that still stops it (on the day it started, at the latest).
        open_clocks = Clock.objects.select_for_update().filter(
            case=event.case, service_level__in=codes, status=Clock.Status.OPEN, subject=event.subject
        )
    clocks = list(open_clocks)
    for clock in clocks:
        _stop(clock, on=event.on, by=event.by)
    return clocks


def clocks_reopen(*, event: events.CaseEvent) -> list[Clock]:
    """Clocks cancelled for the event's subject apply again (a withdrawn failure to comply reinstated): they run
    again with their own start and due dates, so one already past its due date is overdue at once. Not on an
    ended case: its clocks no longer apply whatever happens to the failure."""
    from cases.models import Case

    if event.case.status == Case.Status.ENDED:
        return []
    clocks = list(
        Clock.objects.select_for_update().filter(case=event.case, subject=event.subject, status=Clock.Status.CANCELLED)
    )
    for clock in clocks:
        clock.status = Clock.Status.OPEN
        clock.stopped_on = None
        clock.stopped_by = None
        save_with_history(clock, by=event.by, reason="Applies again", validate=False)
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


def _sentence_id(subject: str) -> int | None:
    kind, _, pk = subject.partition(":")
    return int(pk) if kind == "sentence" and pk.isdigit() else None


def plan_already_completed(*, event: events.CaseEvent):
    """The completed sentence plan that already counts for a plan clock `event` is opening, or None.

    The plan clocks (NPS SL005R/006R, CRC SL003/004) start at the first attended appointment and stop when the
    plan is completed, but a plan can be completed first (SENTENCE_PLAN_COMPLETED then had no clock to stop).
    The earliest completed plan of the event's sentence counts; after release from custody only one completed
    on or after the release day (a plan made in custody is not the plan for supervision in the community).
    Reads cases.models directly: timeliness never calls the cases services.
    """
    from cases.models import CUSTODIAL_DISPOSALS, Sentence, SentencePlan

    sentence_id = _sentence_id(event.subject)
    if sentence_id is None:
        return None
    plans = SentencePlan.objects.filter(
        case=event.case, sentence_id=sentence_id, status=SentencePlan.Status.COMPLETED
    ).order_by("completed_on", "pk")
    if event.disposal in CUSTODIAL_DISPOSALS:
        released_on = Sentence.objects.filter(pk=sentence_id).values_list("released_on", flat=True).first()
        if released_on is None:
            return None
        plans = plans.filter(completed_on__gte=released_on)
    return plans.first()


def clocks_open(*, event: events.CaseEvent) -> list[Clock]:
    """Open the clocks `event` starts for the case's provider type.

    A plan clock whose plan is already completed is opened and stopped at once (rather than not opened, so the
    compliance figures count it): met, since the plan was ready by the first appointment, unless the plan was
    completed after the clock's due date (an appointment recorded late), when it is missed as usual.
    """
    opened = []
    for level in registry.starting_on(event, event.case.provider.provider_type):
        clock = clock_open(level=level, event=event)
        if clock is None:
            continue
        opened.append(clock)
        if level.stop_event == events.SENTENCE_PLAN_COMPLETED:
            plan = plan_already_completed(event=event)
            if plan is not None:
                _stop(clock, on=plan.completed_on, by=event.by)
    return opened


def _alerts_close_for_former_holders(case) -> int:
    """Close open alerts about the case's open clocks whose recipient the scan would no longer choose.

    The scan alerts the responsible officer (due soon and overdue) and the active managers of the case's team
    (overdue); with no officer, the managers of the case's provider. Anyone else (the officer before a
    transfer, the old team's managers) stops seeing the alert; the next scan raises it for the new holders.
    """
    from accounts.models import User

    stale = Alert.objects.filter(clock__case=case, clock__status=Clock.Status.OPEN, closed_at__isnull=True)
    if case.responsible_officer_id is None:
        stale = stale.exclude(recipient__role=User.Role.MANAGER, recipient__team__provider_id=case.provider_id)
    else:
        at_once = [level.code for level in registry.SERVICE_LEVELS if level.alert_managers_at_once]
        stale = stale.exclude(recipient_id=case.responsible_officer_id).exclude(
            Q(kind=Alert.Kind.OVERDUE) | Q(clock__service_level__in=at_once),
            recipient__role=User.Role.MANAGER,
            recipient__team_id=case.team_id,
        )
    return stale.update(closed_at=timezone.now())


def clocks_follow_transfer(*, event: events.CaseEvent) -> list[Clock]:
    """The case was transferred: its open clocks take the new provider's type, and alerts for the people who
    no longer hold the case close. Clocks that already stopped keep the provider type they were measured for."""
    provider_type = event.case.provider.provider_type
    clocks = list(
        Clock.objects.select_for_update()
        .filter(case=event.case, status=Clock.Status.OPEN)
        .exclude(provider_type=provider_type)
        .order_by("pk")
    )
    for clock in clocks:
        clock.provider_type = provider_type
        save_with_history(clock, by=event.by, reason="Case transferred to another provider", validate=False)
    _alerts_close_for_former_holders(event.case)
    return clocks


def on_case_event(sender, *, event: events.CaseEvent, **kwargs) -> None:
    """Stop what the event stops, cancel what it makes irrelevant, then open what it starts."""
    if event.name == events.CASE_ENDED:
        clocks_cancel(event=event)
        return
    if event.name in (
        events.REPORT_WITHDRAWN,
        events.REQUIREMENT_ENDED,
        events.COMPLIANCE_FAILURE_WITHDRAWN,
        events.BREACH_WITHDRAWN,
        events.RECALL_WITHDRAWN,
    ):
        clocks_cancel(event=event, subject=event.subject)
        return
    if event.name == events.COMPLIANCE_FAILURE_REINSTATED:
        clocks_reopen(event=event)
        return
    if event.name == events.TRANSFERRED:
        clocks_follow_transfer(event=event)
        return
    clocks_stop(event=event)
    clocks_open(event=event)
    if event.name == events.ALLOCATED:
        _alerts_close_for_former_holders(event.case)


# Alerts ------------------------------------------------------------------------------------------------------
#
# The scan (timeliness.tasks.scan_clocks) raises alerts with one INSERT ... SELECT ... ON CONFLICT DO UPDATE per
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
    # A closed alert for a clock that is still open (its recipient stopped holding the case, then held it again)
    # opens again, unread; an open one is left alone. Either way no second row is ever inserted.
    conflict = (
        "ON CONFLICT (clock_id, recipient_id, kind) DO UPDATE SET closed_at = NULL, read_at = NULL, "
        f"created_at = excluded.created_at WHERE {alert}.closed_at IS NOT NULL RETURNING kind"
    )
    open_clock = "c.status = %(open)s AND k.status <> %(ended)s"
    at_once = [level.code for level in registry.SERVICE_LEVELS if level.alert_managers_at_once]
    managers_at_once = (
        "c.service_level IN ({})".format(", ".join(f"%(at_once_{index})s" for index in range(len(at_once))))
        if at_once
        else "1 = 0"
    )
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
        # Overdue: the active managers of the case's team. Service levels that alert managers at once (the
        # breach action clock): due soon as well.
        "team_managers": f"""
            {insert}
            SELECT c.id, u.id, {kind}, %(now)s, NULL, NULL
            FROM {clock} c
            JOIN {case} k ON k.id = c.case_id
            JOIN {user} u ON u.team_id = k.team_id
            WHERE {open_clock} AND (c.due_on < %(today)s OR ({managers_at_once} AND c.due_on <= %(horizon)s))
            AND k.responsible_officer_id IS NOT NULL
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
    managers of the case's team; for a service level with `alert_managers_at_once`, the managers from due soon).
    A case with no responsible officer alerts the active managers of its provider instead. Overdue supersedes
    due soon: the due-soon alerts of overdue clocks are closed.

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
    at_once = [level.code for level in registry.SERVICE_LEVELS if level.alert_managers_at_once]
    params.update({f"at_once_{index}": code for index, code in enumerate(at_once)})
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
