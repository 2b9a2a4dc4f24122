"""The form for recording the decision on a failure to comply. It checks the shape of input (a decision from the
list, a real date, a reason that is not too long); the rules live in enforcement.services.compliance.failure_decide,
whose errors the view adds to the form (risk.forms.add_service_errors)."""

from django import forms

from enforcement.models.compliance import EXPLAINED_DECISIONS, EnforcementDecision
from enforcement.services.compliance import REASON_MAX_LENGTH
from risk.forms import GovukDateField, GovukRadioSelect, add_service_errors

__all__ = ["DecisionForm", "add_service_errors", "reason_missing_message"]

Decision = EnforcementDecision

# What each decision means, shown under its radio.
DECISION_HINTS = {
    Decision.FIRST_WARNING: "A formal warning. The letter is made for you to print and give or send.",
    Decision.FINAL_WARNING: "The last warning before breach or recall action. The letter is made for you to print.",
    Decision.ACCEPTABLE: "The failure is not held against them, for example evidence of illness arrived later. "
    "Write the evidence below.",
    Decision.NO_FURTHER_ACTION: "No warning and no action. Write the reason below.",
    Decision.BREACH: "Return them to court for breach of the order.",
    Decision.RECALL: "Ask for them to be recalled to prison.",
}


def reason_missing_message(decision: str) -> str:
    """The same words the service uses when the evidence or the reason is missing."""
    if decision == Decision.ACCEPTABLE:
        return "Record the evidence that the failure was acceptable after all."
    return "Say why no further action is taken."


def _choose_message(offered: list[str]) -> str:
    labels = [Decision(value).label.lower() for value in offered]
    if not labels:
        return "Choose a decision"
    if len(labels) == 1:
        return f"Choose a decision: {labels[0]}"
    return f"Choose a decision: {', '.join(labels[:-1])} or {labels[-1]}"


class DecisionForm(forms.Form):
    """Any decision is accepted by shape; `offered` (the decisions this failure's order and warnings allow) are the
    radios shown. A decision that is not offered but posted anyway gets the service's explanation."""

    decision = forms.ChoiceField(label="What is your decision?", choices=Decision.choices, widget=GovukRadioSelect)
    reason = forms.CharField(
        label="Reason or evidence",
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text="Needed for acceptable after all (the evidence) and no further action (the reason). "
        "Optional for the other decisions.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer."},
    )
    on = GovukDateField(name="Date of the decision", label="Date of the decision", help_text="For example, 25 11 2026")

    def __init__(self, *args, offered: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.offered = [(value, Decision(value).label, DECISION_HINTS[value]) for value in offered]
        message = _choose_message(offered)
        self.fields["decision"].error_messages.update({"required": message, "invalid_choice": message})

    def clean(self):
        cleaned = super().clean()
        # Said here as well as by the service, so that every problem shows at once.
        decision = cleaned.get("decision")
        if (
            decision in EXPLAINED_DECISIONS
            and not (cleaned.get("reason") or "").strip()
            and "reason" not in self.errors
        ):
            self.add_error("reason", reason_missing_message(decision))
        return cleaned
