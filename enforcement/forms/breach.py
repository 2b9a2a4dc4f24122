"""Forms for the breach steps and the court portal. They check the shape of input (a choice from the list, a real
date, text that is not too long); the rules live in enforcement.services.breach, whose errors the views add to the
form (risk.forms.add_service_errors)."""

from django import forms

from accounts.models import Court
from enforcement.models import HearingOutcome
from enforcement.services.breach import NOTE_MAX_LENGTH, TEXT_MAX_LENGTH
from risk.forms import GovukDateField, GovukRadioSelect


def _text(label: str, *, help_text: str = "", limit: int = NOTE_MAX_LENGTH, required: bool = False, rows: int = 5):
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": f"{label} must be {limit:,} characters or fewer."},
    )


class CourtChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, court: Court) -> str:
        return court.name


class DraftForm(forms.Form):
    """The officer's statement and proposal, and the court the pack goes to."""

    statement = _text(
        "Your statement to the court",
        help_text="What the order required, how the person failed to comply, what you did about it (warnings, "
        "contact, support offered) and their response.",
        limit=TEXT_MAX_LENGTH,
        rows=10,
    )
    proposal = _text(
        "Your proposal",
        help_text="What you propose the court does, for example continue the order with more rehabilitation "
        "activity days, add a curfew, or revoke and re-sentence, and why.",
        limit=TEXT_MAX_LENGTH,
        rows=6,
    )
    court = CourtChoiceField(
        label="Court the pack goes to",
        queryset=Court.objects.filter(active=True).order_by("name"),
        empty_label="Choose a court",
        help_text="The court that made the order, unless the breach is to be heard elsewhere.",
        error_messages={
            "required": "Choose the court the pack goes to.",
            "invalid_choice": "Choose a court from the list.",
        },
    )

    def __init__(self, *args, region_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if region_id is not None:
            self.fields["court"].queryset = Court.objects.filter(active=True, region_id=region_id).order_by("name")


class SignOffForm(forms.Form):
    DECISIONS = [
        ("sign_off", "Sign off the pack"),
        ("return", "Send it back to the officer"),
    ]
    decision = forms.ChoiceField(
        label="Is the pack ready for court?",
        choices=DECISIONS,
        widget=GovukRadioSelect,
        error_messages={"required": "Choose whether to sign off the pack or send it back."},
    )
    note = _text("Note", help_text="Needed when you send it back: say what needs to change.")

    def __init__(self, *args, allowed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = allowed
        self.fields["decision"].choices = [choice for choice in self.DECISIONS if choice[0] in allowed]
        if "sign_off" not in allowed:
            self.fields["decision"].error_messages["invalid_choice"] = (
                "You prepared this version: another manager must sign it off. You can send it back."
            )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") == "return"
            and not (cleaned.get("note") or "").strip()
            and "note" not in self.errors
        ):
            self.add_error("note", "Say what needs to change in the pack.")
        return cleaned


class NpsReviewForm(forms.Form):
    DECISIONS = [
        ("accept", "Accept the referral: the NPS will present it to court"),
        ("request_more", "Ask the CRC for more information"),
    ]
    decision = forms.ChoiceField(
        label="Can the NPS present this breach to court?",
        choices=DECISIONS,
        widget=GovukRadioSelect,
        error_messages={"required": "Choose whether to accept the referral or ask for more information."},
    )
    message = _text("What more the NPS needs", help_text="Needed when you ask for more information.")

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") == "request_more"
            and not (cleaned.get("message") or "").strip()
            and "message" not in self.errors
        ):
            self.add_error("message", "Say what more information the NPS needs.")
        return cleaned


class ReasonForm(forms.Form):
    """A reason: for withdrawing the breach, or for a corrected version."""

    reason = _text("Reason", required=True)

    def __init__(self, *args, label: str, help_text: str = "", required_message: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = label
        field.help_text = help_text
        field.error_messages["required"] = required_message
        field.error_messages["max_length"] = f"{label} must be {NOTE_MAX_LENGTH:,} characters or fewer."


class OutcomeForm(forms.Form):
    hearing_on = GovukDateField(
        name="Date of the hearing", label="Date of the hearing", help_text="For example, 4 12 2026"
    )
    outcome = forms.ChoiceField(
        label="What did the court decide?",
        choices=HearingOutcome.choices,
        widget=GovukRadioSelect,
        error_messages={"required": "Choose the court's outcome.", "invalid_choice": "Choose the court's outcome."},
    )
    details = _text("Details", help_text="Needed when the order was amended: say how. Optional otherwise.")

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("outcome") == HearingOutcome.ORDER_AMENDED
            and not (cleaned.get("details") or "").strip()
            and "details" not in self.errors
        ):
            self.add_error("details", "Say how the court amended the order.")
        return cleaned


class CourtRequestForm(forms.Form):
    message = _text(
        "What more does the court need?",
        required=True,
        help_text="For example, the evidence of a warning, the dates of appointments offered, or a clearer proposal.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].error_messages["required"] = "Say what more information the court needs."
