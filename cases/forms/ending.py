"""The form of the "End this case" page. It only parses the input (a real date, an outcome from the list); the
rules (who may end a case, the dates allowed, notes required for a transfer out) live in cases.services.case_end,
whose ValidationErrors the view shows on this form."""

from django import forms

from cases.models import Case
from risk.forms import GovukDateField, GovukRadioSelect

NOTES_MAX_LENGTH = 5000

Outcome = Case.TerminationOutcome
# Shown under each outcome's label on the page.
OUTCOME_HINTS = {
    Outcome.COMPLETED_POSITIVELY: "The order or licence ran its course and the requirements were done",
    Outcome.REVOKED: "The court revoked the order early, for example for good progress or a change in circumstances",
    Outcome.BREACHED_AND_RESENTENCED: "The court found the order breached and passed a new sentence",
    Outcome.DIED: "The person died while under supervision",
    Outcome.TRANSFERRED_OUT: "Supervision moved to another probation area or service: say where in the notes",
}


class CaseEndForm(forms.Form):
    end_date = GovukDateField(
        name="Date the case ended", label="Date the case ended", help_text="For example, 3 3 2026"
    )
    outcome = forms.ChoiceField(
        label="How did the case end?",
        choices=Outcome.choices,
        widget=GovukRadioSelect,
        error_messages={
            "required": "Select how the case ended",
            "invalid_choice": "Select how the case ended from the list",
        },
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=NOTES_MAX_LENGTH,
        help_text="Needed if the case was transferred out: say where to. Otherwise optional, for example what "
        "the person completed or what the court said.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": f"Notes must be {NOTES_MAX_LENGTH:,} characters or fewer"},
    )

    @property
    def offered(self) -> list[tuple[str, str, str]]:
        """Each outcome as (value, label, hint), in the order shown."""
        return [(value, label, OUTCOME_HINTS[value]) for value, label in Outcome.choices]
