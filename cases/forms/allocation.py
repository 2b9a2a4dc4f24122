"""Forms for allocation and transfer. They only parse the choices (a team, an officer, a reason); the rules
live in cases.services.allocation, whose ValidationErrors the views show on these forms."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from accounts.models import Team, User
from cases.services.allocation import TRANSFER_REASONS


class TeamChoiceForm(forms.Form):
    """Step one (GET ?team=): one of the teams offered to this user for this case."""

    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        error_messages={"required": "Choose a team", "invalid_choice": "Choose one of the teams listed"},
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class TeamAndOfficerForm(forms.Form):
    """Step two (POST): the team and the responsible officer. Any team or member of staff parses here, so the
    service can say exactly why a choice is refused."""

    team = forms.ModelChoiceField(
        queryset=Team.objects.select_related("provider__region"),
        error_messages={"required": "Choose a team", "invalid_choice": "Choose one of the teams listed"},
    )
    responsible_officer = forms.ModelChoiceField(
        label="Responsible officer",
        queryset=User.objects.all(),
        error_messages={
            "required": "Choose a responsible officer",
            "invalid_choice": "Choose one of the officers listed",
        },
    )


class AllocationForm(TeamAndOfficerForm):
    """Allocating also takes the manager's management oversight note: required by the service for a high or very
    high risk of serious harm case (it says so, and checks the length), kept for any other case when given."""

    oversight_note = forms.CharField(
        label="Management oversight note",
        required=False,
        strip=False,  # the service strips and checks it
        help_text="Why this team and officer, the risks they need to know about, and what you expect to happen "
        "first. Required for a case that is high or very high risk of serious harm.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class TransferForm(TeamAndOfficerForm):
    reason = forms.ChoiceField(
        label="Why is the case moving?",
        choices=TRANSFER_REASONS,
        error_messages={"required": "Choose why the case is moving", "invalid_choice": "Choose one of the reasons"},
    )
    reason_details = forms.CharField(
        label="More detail",
        required=False,
        max_length=2000,
        help_text="Required when the reason is 'Other'.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "More detail must be 2,000 characters or fewer"},
    )


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names, or at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields and field != NON_FIELD_ERRORS else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
