"""Reads for management oversight notes (cases.models.oversight), scoped through cases_visible_to: a note on a case
the user may not see is never returned. Each read is one query however many notes there are (who recorded each
comes with it)."""

from django.db.models import QuerySet

from accounts.models import User
from cases.models import Case, ManagementOversightNote
from cases.selectors.people import cases_visible_to


def oversight_notes_visible_to(user: User) -> QuerySet[ManagementOversightNote]:
    """Every note on a case the user may see, newest first, with its case's person and who recorded it."""
    return (
        ManagementOversightNote.objects.filter(case__in=cases_visible_to(user).values("pk"))
        .select_related("case__person", "recorded_by")
        .order_by("-recorded_on", "-pk")
    )


def oversight_notes_for_case(user: User, case: Case) -> QuerySet[ManagementOversightNote]:
    """The case's notes, newest first (none when the user may not see the case)."""
    return oversight_notes_visible_to(user).filter(case_id=case.pk)
