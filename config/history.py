"""Helpers that make every write record who did it (django-simple-history)."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

CHANGE_REASON_MAX_LENGTH = 100
_constraints_left_to_database: ContextVar[bool] = ContextVar("constraints_left_to_database", default=False)


@contextmanager
def constraints_left_to_database() -> Iterator[None]:
    """While loading trusted data in bulk (the demo), skip the query per check constraint that `full_clean`
    makes, and let the database enforce the constraints itself: a row it refuses still raises ValidationError
    (below) and aborts the load. Fields are still validated. Never used for a user's request."""
    token = _constraints_left_to_database.set(True)
    try:
        yield
    finally:
        _constraints_left_to_database.reset(token)


def save_with_history(instance: models.Model, *, by, reason: str = "", validate: bool = True) -> models.Model:
    """Validate (fields and database constraints) and save, recording `by` as the acting user.

    Raises django.core.exceptions.ValidationError with field messages before anything is written, and
    also when the database refuses the row because of a concurrent write (instead of a 500).
    """
    if validate:
        instance.full_clean(validate_constraints=not _constraints_left_to_database.get())
    instance._history_user = by
    if reason:
        # django-simple-history keeps at most 100 characters of a change reason (PostgreSQL refuses more).
        instance._change_reason = reason if len(reason) <= CHANGE_REASON_MAX_LENGTH else reason[:99] + "…"
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        # Validation passed, so another request saved a conflicting row a moment ago (a double submit).
        raise ValidationError(
            "This could not be saved because it conflicts with a change saved at the same moment. "
            "Reload the page and check before trying again."
        ) from error
    return instance
