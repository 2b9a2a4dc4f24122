"""Helpers that make every write record who did it (django-simple-history)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction


def save_with_history(instance: models.Model, *, by, reason: str = "", validate: bool = True) -> models.Model:
    """Validate (fields and database constraints) and save, recording `by` as the acting user.

    Raises django.core.exceptions.ValidationError with field messages before anything is written, and
    also when the database refuses the row because of a concurrent write (instead of a 500).
    """
    if validate:
        instance.full_clean()
    instance._history_user = by
    if reason:
        instance._change_reason = reason
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
