"""Writes for management oversight notes (cases.models.oversight). Notes are added, never changed."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases.models import Case, ManagementOversightNote
from config.history import save_with_history

NOTE_MAX_LENGTH = 5000


def can_record_oversight(user: User, case: Case) -> bool:
    """Managers of the case's provider (and administrators) record management oversight."""
    if user.is_administrator:
        return True
    return user.is_manager and user.team_id is not None and user.team.provider_id == case.provider_id


def clean_oversight_note(note: str, *, field: str = "oversight_note", required_because: str = "") -> str:
    """The note stripped, or a field error: required (saying why, when given) and at most NOTE_MAX_LENGTH."""
    note = (note or "").strip()
    if not note:
        message = "Enter your management oversight note"
        raise ValidationError({field: f"{message}: {required_because}." if required_because else f"{message}."})
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {field: f"The management oversight note must be {NOTE_MAX_LENGTH:,} characters or fewer."}
        )
    return note


@transaction.atomic
def oversight_note_add(
    *,
    by: User,
    case: Case,
    note: str,
    kind: str = ManagementOversightNote.Kind.CASE_REVIEW,
    on: date | None = None,
    subject: str = "",
    check_permission: bool = True,
) -> ManagementOversightNote:
    """Record a manager's oversight of a case. Refused unless `by` manages the case's provider (services that
    write a note as part of a decision they have already checked pass check_permission=False)."""
    if check_permission and not can_record_oversight(by, case):
        raise ValidationError("Only a manager of the provider holding this case can record management oversight.")
    if kind not in ManagementOversightNote.Kind.values:
        raise ValidationError({"kind": "Select what the oversight is about."})
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"recorded_on": "The date of the oversight cannot be in the future."})
    # A note composed by another service from fields it has already checked is kept whole.
    note = clean_oversight_note(note, field="note") if check_permission else (note or "").strip()
    record = ManagementOversightNote(case=case, kind=kind, note=note, recorded_on=on, recorded_by=by, subject=subject)
    return save_with_history(record, by=by, reason=f"Management oversight: {record.get_kind_display().lower()}")
