"""Helpers that make every write record who did it (django-simple-history)."""

from django.db import models


def save_with_history(instance: models.Model, *, by, reason: str = "", validate: bool = True) -> models.Model:
    """Validate (fields and database constraints) and save, recording `by` as the acting user.

    Raises django.core.exceptions.ValidationError with field messages before anything is written.
    """
    if validate:
        instance.full_clean()
    instance._history_user = by
    if reason:
        instance._change_reason = reason
    instance.save()
    return instance
