"""The form for a manager's management oversight note on a case (a case review). It checks the shape of input (a
real date, text that is not too long); the rules (who may, not in the future) live in cases.services.oversight, whose
errors the view adds to the form."""

from django import forms

from cases.services.oversight import NOTE_MAX_LENGTH
from risk.forms import GovukDateField, add_service_errors

__all__ = ["OversightNoteForm", "add_service_errors"]

NOTE_MISSING = "Enter your management oversight note."


class OversightNoteForm(forms.Form):
    note = forms.CharField(
        label="Management oversight note",
        help_text="What you reviewed, what you found, and what the officer should do next.",
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": NOTE_MISSING,
            "max_length": f"The management oversight note must be {NOTE_MAX_LENGTH:,} characters or fewer.",
        },
    )
    recorded_on = GovukDateField(
        name="Date of the oversight",
        label="Date of the oversight",
        help_text="Today, or the day you reviewed the case. For example, 25 11 2026",
    )
