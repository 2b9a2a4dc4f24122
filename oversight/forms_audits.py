"""Forms for the case quality audit pages. They parse the shape of the input (a whole number, one of the scopes
the manager may choose, yes or no); the rules (sample size, seed range, every question answered with a reason) live
in oversight.services, whose ValidationErrors the views add to these forms with risk.forms.add_service_errors."""

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import User
from oversight.models import AUDIT_QUESTIONS, AuditedCase
from oversight.scopes import SCOPE_KINDS, Scope, resolve_scope, scope_options
from oversight.services import CHOOSE_AUDIT_SCOPE
from risk.forms import GovukRadioSelect

DEFAULT_SAMPLE_SIZE = 10
SEED_HINT = (
    "Leave empty for a random draw. Enter the seed of an earlier audit to draw the same sample again from the same "
    "cases."
)
YES_NO = [("yes", "Yes"), ("no", "No")]


def scope_value(scope: Scope) -> str:
    """How a scope is sent by the form: "team:<id>" or "provider"."""
    return f"team:{scope.team.pk}" if scope.kind == "team" else scope.kind


class AuditDrawForm(forms.Form):
    scope = forms.CharField(
        label="Which cases do you want to sample?",
        widget=GovukRadioSelect,
        error_messages={"required": "Choose a team or your provider"},
    )
    sample_size = forms.IntegerField(
        label="How many cases should the sample have?",
        help_text="Between 1 and 100 cases.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the sample size",
            "invalid": "Enter the sample size as a whole number, for example 10",
        },
    )
    seed = forms.IntegerField(
        label="Seed (optional)",
        required=False,
        help_text=SEED_HINT,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"invalid": "Enter the seed as a whole number, 0 or more."},
    )

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        # Audits cover a team or the provider, never the region: a sample names cases (oversight.services).
        self.options = [scope for scope in scope_options(user) if scope.kind != "region"]
        initial = {"scope": f"team:{user.team_id}", "sample_size": DEFAULT_SAMPLE_SIZE, **kwargs.pop("initial", {})}
        super().__init__(*args, initial=initial, **kwargs)
        # The radios template reads the choices from the field.
        self.fields["scope"].choices = [(scope_value(scope), scope.label) for scope in self.options]

    def clean_scope(self) -> Scope:
        kind, _, subject = self.cleaned_data["scope"].partition(":")
        if (kind or "team").strip() not in SCOPE_KINDS:
            # resolve_scope's own message offers the region, which an audit refuses (oversight.services.audit_draw
            # says why when the region is chosen).
            raise ValidationError(CHOOSE_AUDIT_SCOPE)
        try:
            return resolve_scope(self.user, kind, subject if kind == "team" else None)
        except ValidationError as error:
            # resolve_scope names the "scope" or the "team": both are this one field here.
            raise ValidationError(
                [message for messages in error.message_dict.values() for message in messages]
            ) from None


class YesNoField(forms.Field):
    """Yes or no as radios. Anything else is "not answered" (None): the service says what is missing, so every
    missing answer and reason is listed together."""

    widget = GovukRadioSelect

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)
        self.choices = YES_NO
        self.widget.choices = YES_NO

    def to_python(self, value):
        return {"yes": True, "no": False}.get(str(value or "").strip())


def answer_field(code: str) -> str:
    return f"{code}_answer"


def reason_field(code: str) -> str:
    return f"{code}_reason"


class AuditAnswersForm(forms.Form):
    """The nine inspectorate questions for one case: `<code>_answer` (yes or no) and `<code>_reason`."""

    def __init__(self, *args, audited_case: AuditedCase, **kwargs):
        existing = {answer.question: answer for answer in audited_case.answers.all()}
        initial = {}
        for code, answer in existing.items():
            initial[answer_field(code)] = "yes" if answer.answer else "no"
            initial[reason_field(code)] = answer.reason
        super().__init__(*args, initial=initial, **kwargs)
        for question in AUDIT_QUESTIONS:
            self.fields[answer_field(question.code)] = YesNoField(label=question.text, help_text=question.hint)
            self.fields[reason_field(question.code)] = forms.CharField(
                label="Reason", required=False, widget=forms.Textarea(attrs={"rows": 3})
            )

    def questions(self) -> list[dict]:
        """Each question with its two bound fields, for the template."""
        return [
            {
                "number": number,
                "question": question,
                "answer": self[answer_field(question.code)],
                "reason": self[reason_field(question.code)],
            }
            for number, question in enumerate(AUDIT_QUESTIONS, start=1)
        ]

    def answers(self) -> dict[str, tuple[bool | None, str]]:
        """What audit_answer_case takes: {code: (True, False or None, reason)}."""
        return {
            question.code: (
                self.cleaned_data.get(answer_field(question.code)),
                self.cleaned_data.get(reason_field(question.code)) or "",
            )
            for question in AUDIT_QUESTIONS
        }
