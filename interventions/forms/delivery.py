"""The form for recording a requirement's outcome. It checks the shape of input (yes or no, a reason from the list,
a real date); the rules live in interventions.services.delivery.requirement_end, whose errors the view adds to the
form (risk.forms.add_service_errors)."""

from django import forms

from cases.models import TerminationReason
from interventions.selectors.delivery import PROGRAMME, RAR, UNPAID_WORK
from interventions.services.delivery import NOTES_MAX_LENGTH
from risk.forms import GovukDateField, GovukRadioSelect, add_service_errors

__all__ = ["RequirementEndForm", "add_service_errors"]

YES, NO = "yes", "no"
POSITIVE_HINTS = {
    RAR: "A rehabilitation activity requirement can be completed positively with fewer days than the maximum: "
    "the court's number of days is a ceiling, not a target.",
    UNPAID_WORK: "Unpaid work is completed positively only when every hour ordered is done.",
    PROGRAMME: "An accredited programme requirement is completed positively only when the programme is completed, "
    "or an alternative plan has been recorded.",
}


class RequirementEndForm(forms.Form):
    completed_positively = forms.TypedChoiceField(
        label="Was the requirement completed positively?",
        choices=[(YES, "Yes"), (NO, "No")],
        coerce=lambda value: value == YES,
        empty_value=None,
        widget=GovukRadioSelect,
        error_messages={
            "required": "Say whether the requirement was completed positively: yes or no",
            "invalid_choice": "Say whether the requirement was completed positively: yes or no",
        },
    )
    termination_reason = forms.ChoiceField(
        label="Why did it end without being completed?",
        choices=TerminationReason.choices,
        required=False,
        widget=GovukRadioSelect,
        error_messages={"invalid_choice": "Choose a reason for the requirement ending from the list"},
    )
    ended_on = GovukDateField(
        name="Date the requirement ended",
        label="When did the requirement end?",
        help_text="For example, 25 11 2026",
    )
    outcome_notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=NOTES_MAX_LENGTH,
        help_text="What was achieved, or why it ended. Needed when the reason is \u201cOther\u201d.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"Notes must be {NOTES_MAX_LENGTH:,} characters or fewer"},
    )

    def __init__(self, *args, kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["completed_positively"].help_text = POSITIVE_HINTS.get(kind, "")

    def clean(self):
        cleaned = super().clean()
        # The reason sits under "No" (revealed when chosen): a reason picked before changing the answer to "Yes"
        # is still submitted by the browser, and means nothing.
        if cleaned.get("completed_positively") is True:
            cleaned["termination_reason"] = ""
        elif (
            cleaned.get("completed_positively") is False
            and not cleaned.get("termination_reason")
            and "termination_reason" not in self.errors
        ):
            # Said here as well as by the service, so that every problem shows at once.
            self.add_error("termination_reason", "Choose why the requirement ended without being completed positively")
        return cleaned
