"""Reads for recall: who sees which recalls, the lists of recalls in progress and waiting for countersignature, and
each recall's timeline (from its history rows: who did each step, when, and what they said, with the requests for
more information about it and their answers).

Scoped through cases.selectors.cases_visible_to: a recall on a case the user may not see is never returned (one asked
for by id is Http404); court users and unpaid work supervisors see none. Every read here is one query however many
recalls or steps there are; a recall's requests for more information are one more, and none before it was sent to
public protection casework (no request can exist before then).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from cases.models import PersonAccessLimit
from cases.selectors import cases_visible_to
from enforcement.models import Recall, RecallInformationRequest, RecallStatus
from enforcement.models.recall import OPEN_RECALL_STATUSES

Status = RecallStatus

RELATED = (
    "case__person",
    "case__provider",
    "case__team",
    "case__responsible_officer",
    "sentence",
    "failure",
    "initiated_by",
    "reviewed_by",
    "countersigned_by",
)


def recalls_visible_to(user: User) -> QuerySet[Recall]:
    return Recall.objects.filter(case__in=cases_visible_to(user)).select_related(*RELATED)


def recall_get_for_user(*, user: User, recall_id: int) -> Recall:
    """One recall the user may see (annotated `has_access_limits`), else Http404."""
    recall = (
        recalls_visible_to(user)
        .annotate(
            has_access_limits=Exists(
                PersonAccessLimit.objects.filter(person_id=OuterRef("case__person_id"), ended_at__isnull=True)
            )
        )
        .filter(pk=recall_id)
        .first()
    )
    if recall is None:
        raise Http404("No such recall")
    return recall


def _holding(recalls: QuerySet[Recall], user: User) -> QuerySet[Recall]:
    """A responsible officer's own cases; a manager's team's cases (or provider's, for cases with no team)."""
    if user.role == User.Role.MANAGER and user.team_id:
        return recalls.filter(
            Q(case__team_id=user.team_id) | Q(case__team__isnull=True, case__provider_id=user.team.provider_id)
        )
    if user.role == User.Role.RESPONSIBLE_OFFICER:
        return recalls.filter(case__responsible_officer=user)
    return recalls.none()


def recalls_in_progress(*, user: User) -> QuerySet[Recall]:
    """Open recalls on the officer's own cases or the manager's team's, the longest known about first."""
    recalls = recalls_visible_to(user).filter(status__in=OPEN_RECALL_STATUSES)
    return _holding(recalls, user).order_by("aware_on", "pk")


def countersignatures_waiting(*, user: User) -> QuerySet[Recall]:
    """For a senior manager: their provider's recalls waiting for countersignature, reviewed longest ago first."""
    if not (user.is_authenticated and user.role == User.Role.MANAGER and user.senior_manager and user.team_id):
        return Recall.objects.none()
    return (
        recalls_visible_to(user)
        .filter(status=Status.AWAITING_COUNTERSIGNATURE, case__provider_id=user.team.provider_id)
        .order_by("reviewed_on", "pk")
    )


@dataclass(frozen=True)
class TimelineEntry:
    """One step in a recall's life: what happened, the day it happened, who recorded it and when."""

    what: str
    on: date
    by: User | None
    recorded_at: datetime
    note: str = ""


# The day a step happened, by the status it led to (otherwise the day it was recorded).
STEP_DAYS = {
    Status.CONSIDERING: "aware_on",
    Status.AWAITING_COUNTERSIGNATURE: "reviewed_on",
    Status.NOT_RECALLED: "reviewed_on",
    Status.COUNTERSIGNED: "countersigned_on",
    Status.SENT_TO_PPCS: "sent_to_ppcs_on",
    Status.RETURNED_TO_CUSTODY: "returned_to_custody_on",
    Status.DOCUMENTS_SUPPLIED: "documents_supplied_on",
}


def _note(row, previous) -> str:
    """What was said at the step: the countersignature's note (or why it was declined), the withdrawal's reason."""
    status = row.status
    if status == Status.COUNTERSIGNED:
        return row.countersignature_note
    if (
        status == Status.AWAITING_REVIEW
        and previous is not None
        and previous.status == Status.AWAITING_COUNTERSIGNATURE
    ):
        return row.countersignature_note
    if status == Status.WITHDRAWN:
        return row.withdrawn_reason
    return ""


def information_requests_for(recall: Recall) -> list[RecallInformationRequest]:
    """The recall's requests for more information, oldest first, with who recorded and answered them: one query, or
    none for a recall never sent to public protection casework (a request is only recorded once it was)."""
    if recall.sent_to_ppcs_on is None:
        return []
    # Through the recall's related manager, so each request knows its recall without another query.
    return list(recall.information_requests.select_related("recorded_by", "answered_by").order_by("requested_on", "pk"))


def _request_entries(requests: list[RecallInformationRequest]) -> list[TimelineEntry]:
    entries = []
    for request in requests:
        entries.append(
            TimelineEntry(
                what=f"More information asked for by {request.get_source_display().lower()}",
                on=request.requested_on,
                by=request.recorded_by,
                recorded_at=request.recorded_at,
                note=request.message,
            )
        )
        if request.answered_on is not None:
            entries.append(
                TimelineEntry(
                    what="Request for more information answered",
                    on=request.answered_on,
                    by=request.answered_by,
                    recorded_at=request.answered_at,
                    note=request.answer,
                )
            )
    return entries


def recall_timeline(recall: Recall, requests: list[RecallInformationRequest] | None = None) -> list[TimelineEntry]:
    """Every step of the recall, oldest first, from its history (one query); with `requests` (read by
    information_requests_for), each request for more information and its answer too, in the order recorded."""
    rows = list(recall.history.select_related("history_user").order_by("history_date", "history_id"))
    entries = []
    previous = None
    for row in rows:
        field = STEP_DAYS.get(Status(row.status)) if previous is None or previous.status != row.status else None
        recorded_on = timezone.localdate(row.history_date)
        on = getattr(row, field) if field else None
        entries.append(
            TimelineEntry(
                what=row.history_change_reason or ("Recall started" if previous is None else "Updated"),
                on=on or recorded_on,
                by=row.history_user,
                recorded_at=row.history_date,
                note=_note(row, previous) if previous is None or previous.status != row.status else "",
            )
        )
        previous = row
    if requests:
        entries = sorted([*entries, *_request_entries(requests)], key=lambda entry: entry.recorded_at)
    return entries


def declined_review(recall: Recall):
    """The recommendation a senior manager declined to countersign, when the recall is back with the manager (the
    latest history row waiting for countersignature), else None. One query."""
    if recall.status != Status.AWAITING_REVIEW or not recall.countersignature_note:
        return None
    return (
        recall.history.filter(status=Status.AWAITING_COUNTERSIGNATURE)
        .exclude(recommendation="")
        .order_by("-history_date", "-history_id")
        .first()
    )
