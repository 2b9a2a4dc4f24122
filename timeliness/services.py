"""Writes for clocks: opened and stopped by case events (cases.events), never by hand.

`on_case_event` is connected in TimelinessConfig.ready. It runs inside the publishing service's transaction.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from cases import events
from config.history import save_with_history
from timeliness import registry
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
    except IntegrityError:  # opened a moment ago by a concurrent request for the same subject
        return None


def _stop(clock: Clock, *, on, by, status: str | None = None) -> None:
    stopped_on = max(on, clock.started_on)
    clock.stopped_on = stopped_on
    clock.stopped_by = by
    clock.status = status or (Clock.Status.MET if stopped_on <= clock.due_on else Clock.Status.MISSED)
    save_with_history(clock, by=by, validate=False)
    Alert.objects.filter(clock=clock, closed_at__isnull=True).update(closed_at=timezone.now())


def clocks_stop(*, event: events.CaseEvent) -> list[Clock]:
    """Stop the case's open clocks whose stop event this is: met if on or before the due date, else missed."""
    codes = registry.stopping_on(event.name)
    if not codes:
        return []
    clocks = list(
        Clock.objects.select_for_update().filter(case=event.case, service_level__in=codes, status=Clock.Status.OPEN)
    )
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
