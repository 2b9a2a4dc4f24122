"""Forms for the recall steps. They check the shape of input (a choice from the list, a real date, text that is not
too long); the rules, including what is required, live in enforcement.services.recall, whose errors the views add to
the form (risk.forms.add_service_errors), so every problem shows at once. When the form itself fails (a date that is
not a real date), it adds the service's words for the answers missing too."""

from django import forms

from enforcement.models import RecallInformationRequest, RecallRecommendation
from enforcement.services import recall as services
from risk.forms import GovukDateField, GovukRadioSelect, add_service_errors

__all__ = [
    "AnswerForm",
    "ConsiderForm",
    "CountersignForm",
    "DateForm",
    "InformationRequestForm",
    "ReviewForm",
    "SubmitForm",
    "WithdrawForm",
    "add_service_errors",
]

Recommendation = RecallRecommendation
DATE_HINT = "For example, 25 11 2026"
YES_NO = [("yes", "Yes"), ("no", "No")]


def _text(label: str, *, help_text: str = "", limit: int = services.TEXT_MAX_LENGTH, what: str = "The text"):
    return forms.CharField(
        label=label,
        required=False,
        max_length=limit,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": f"{what} must be {limit:,} characters or fewer."},
    )


class ServiceRulesForm(forms.Form):
    """`REQUIRED`: {field: the service's message when it is left empty}, added only when the form fails anyway (the
    service is not called then)."""

    REQUIRED: dict[str, str] = {}

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            for field, message in self.REQUIRED.items():
                if field not in self.errors and not (cleaned.get(field) or "").strip():
                    self.add_error(field, message)
        return cleaned


class ConsiderForm(ServiceRulesForm):
    REQUIRED = {"reasons": services.REASONS_MISSING}

    reasons = _text(
        "Why is recall being considered?",
        help_text="What happened: the licence condition breached, or what has raised the risk of serious harm.",
        what="The reasons",
    )
    aware_on = GovukDateField(
        name="Date you became aware",
        label="When did you become aware of it?",
        help_text=f"The day the breach or the rise in risk came to light. {DATE_HINT}",
    )


class SubmitForm(ServiceRulesForm):
    REQUIRED = {"reasons": services.SUBMIT_REASONS_MISSING}

    reasons = _text(
        "Reasons for recall",
        help_text="The manager reviews these. Say what happened and why recall is needed.",
        what="The reasons",
    )


def _yes_no(label: str, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=YES_NO,
        required=False,
        help_text=help_text,
        widget=GovukRadioSelect,
        error_messages={"invalid_choice": "Choose yes or no."},
    )


def _as_bool(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class ReviewForm(ServiceRulesForm):
    REQUIRED = {
        "recommendation": services.CHOOSE_RECOMMENDATION,
        "rationale": services.RATIONALE_MISSING,
        "alternatives_considered": services.ALTERNATIVES_MISSING,
    }

    recommendation = forms.ChoiceField(
        label="What do you recommend?",
        choices=Recommendation.choices,
        required=False,
        widget=GovukRadioSelect,
        error_messages={"invalid_choice": services.CHOOSE_RECOMMENDATION},
    )
    rationale = _text("Rationale", help_text="Why you recommend this.", what="The rationale")
    alternatives_considered = _text(
        "Alternatives considered",
        help_text="For example more frequent contact, approved premises, additional licence conditions, a warning.",
        what="The alternatives considered",
    )
    extended_or_specified_sentence = _yes_no(
        "Are they serving an extended sentence, or one for a specified serious offence?",
        "Needed for a standard or fixed-term recall.",
    )
    charged_with_serious_offence = _yes_no(
        "Are they charged with a further serious (specified) offence?", "Needed for a standard or fixed-term recall."
    )
    risk_manageable_after_fixed_term = _yes_no(
        "Could their risk of serious harm be managed on release after a fixed term?",
        "Needed for a standard or fixed-term recall.",
    )
    on = GovukDateField(name="Date of the review", label="Date of the review", help_text=DATE_HINT)

    BOOLEAN_FIELDS = (
        "extended_or_specified_sentence",
        "charged_with_serious_offence",
        "risk_manageable_after_fixed_term",
    )

    def answers(self) -> dict:
        """The cleaned data as the service takes it (yes or no as True or False, unanswered as None)."""
        data = dict(self.cleaned_data)
        for field in self.BOOLEAN_FIELDS:
            data[field] = _as_bool(data.get(field, ""))
        return data


class CountersignForm(forms.Form):
    DECISIONS = [("countersign", "Yes, countersign it"), ("decline", "No, send it back to the manager")]

    decision = forms.ChoiceField(
        label="Do you countersign this recommendation?",
        choices=DECISIONS,
        widget=GovukRadioSelect,
        error_messages={
            "required": "Choose whether you countersign the recommendation.",
            "invalid_choice": "Choose whether you countersign the recommendation.",
        },
    )
    note = _text(
        "Note",
        help_text="Needed if you do not countersign: say what the manager should look at again.",
        limit=services.NOTE_MAX_LENGTH,
        what="The note",
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") == "decline"
            and not (cleaned.get("note") or "").strip()
            and "note" not in self.errors
        ):
            self.add_error("note", services.DECLINE_NOTE_MISSING)
        return cleaned


class DateForm(forms.Form):
    """One date: sent to public protection casework, returned to custody, documents supplied."""

    def __init__(self, *args, name: str, label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"] = GovukDateField(name=name, label=label, help_text=DATE_HINT)


class WithdrawForm(ServiceRulesForm):
    REQUIRED = {"reason": services.WITHDRAW_REASON_MISSING}

    reason = _text("Why is the recall withdrawn?", limit=services.NOTE_MAX_LENGTH, what="The reason")


class InformationRequestForm(ServiceRulesForm):
    """Public protection casework (or the court) asked for more information about the recall."""

    REQUIRED = {"source": services.CHOOSE_SOURCE, "message": services.REQUEST_MESSAGE_MISSING}

    source = forms.ChoiceField(
        label="Who asked for more information?",
        choices=RecallInformationRequest.Source.choices,
        required=False,
        widget=GovukRadioSelect,
        error_messages={"invalid_choice": services.CHOOSE_SOURCE},
    )
    requested_on = GovukDateField(
        name="Date more information was asked for", label="When did they ask?", help_text=DATE_HINT
    )
    message = _text(
        "What did they ask for?",
        help_text="For example a missing licence copy, the police report, or the reasons in more detail.",
        limit=services.NOTE_MAX_LENGTH,
        what="The message",
    )


class AnswerForm(ServiceRulesForm):
    """What was sent in reply to a request for more information."""

    REQUIRED = {"answer": services.ANSWER_MISSING}

    answered_on = GovukDateField(name="Date of the answer", label="When was the answer sent?", help_text=DATE_HINT)
    answer = _text("What was sent in reply?", limit=services.NOTE_MAX_LENGTH, what="The answer")
