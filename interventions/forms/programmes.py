"""Forms for accredited programmes: a referral and each step of it, a group, and the waiting list's filter.

They check the shape of input (a real date, a whole number, a choice from the list); the rules live in
interventions.services.programmes, whose errors the views add to these forms (risk.forms.add_service_errors).
Each step's form has its own prefix, so several can sit on the requirement's page without their fields clashing,
and the step's own page (shown again with its errors) reads the same names.
"""

from django import forms
from django.utils import timezone

from interventions.models import NonCompletionReason, Programme
from interventions.services.programmes import (
    GROUP_CAPACITY_MAX,
    GROUP_CAPACITY_MIN,
    GROUP_LOCATION_MAX_LENGTH,
    GROUP_NAME_MAX_LENGTH,
    NOTES_MAX_LENGTH,
)
from risk.forms import GovukDateField, GovukRadioSelect, add_service_errors

__all__ = [
    "AllocateForm",
    "AlternativePlanForm",
    "CompleteForm",
    "GroupForm",
    "NotCompleteForm",
    "ReferForm",
    "SessionForm",
    "StartForm",
    "SuitabilityForm",
    "WaitingListFilterForm",
    "WithdrawForm",
    "add_service_errors",
]

YES, NO = "yes", "no"
YES_NO = [(YES, "Yes"), (NO, "No")]


def _text(label: str, *, required: bool = False, help_text: str = "", message: str = "", rows: int = 4):
    error_messages = {"max_length": f"{label.split(' (')[0]} must be {NOTES_MAX_LENGTH:,} characters or fewer"}
    if message:
        error_messages["required"] = message
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages=error_messages,
    )


def _date(label: str = "Date", *, name: str = "Date", help_text: str = "For example, 25 11 2026"):
    return GovukDateField(name=name, label=label, help_text=help_text)


def _yes_no(label: str, message: str):
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == YES,
        empty_value=None,
        widget=GovukRadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )


class _StepForm(forms.Form):
    """A step of a referral: today's date is offered unless another was entered."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.step_prefix)
        super().__init__(*args, **kwargs)
        if "on" in self.fields and not self.is_bound:
            self.initial.setdefault("on", timezone.localdate())


class ReferForm(_StepForm):
    step_prefix = "refer"

    programme = forms.TypedChoiceField(
        label="Programme",
        coerce=int,
        empty_value=None,
        error_messages={"required": "Choose the programme", "invalid_choice": "Choose a programme from the list"},
    )
    referred_on = _date("Date of referral", name="Date of referral")

    def __init__(self, *args, programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.programmes_by_id = {programme.pk: programme for programme in programmes}
        self.fields["programme"].choices = [
            ("", "Choose a programme"),
            *((item.pk, f"{item.name} ({item.sessions} sessions)") for item in programmes),
        ]
        if not self.is_bound:
            self.initial.setdefault("referred_on", timezone.localdate())

    def clean_programme(self) -> Programme | None:
        return self.programmes_by_id.get(self.cleaned_data.get("programme"))


class SuitabilityForm(_StepForm):
    step_prefix = "suitability"

    suitable = _yes_no("Is the person suitable for the programme?", "Say whether the person is suitable: yes or no")
    notes = _text(
        "Reasons",
        help_text="Why the person is, or is not, suitable. Needed when they are not suitable.",
    )
    on = _date("Date of the decision", name="Date of the decision")


class AllocateForm(_StepForm):
    step_prefix = "allocate"

    group = forms.TypedChoiceField(
        label="Group",
        coerce=int,
        empty_value=None,
        widget=GovukRadioSelect,
        error_messages={"required": "Choose the group", "invalid_choice": "Choose a group from the list"},
    )
    on = _date("Date of allocation", name="Date of allocation")

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.groups_by_id = {group.pk: group for group in groups}
        self.fields["group"].choices = [
            (
                group.pk,
                f"{group.name}: starts {group.start_date:%-d %B %Y}, {group.location} "
                f"({group.capacity - group.places_taken} of {group.capacity} places free)",
            )
            for group in groups
        ]

    def clean_group(self):
        return self.groups_by_id.get(self.cleaned_data.get("group"))


class StartForm(_StepForm):
    step_prefix = "start"

    on = _date("Date the programme started", name="Date the programme started")


class SessionForm(_StepForm):
    step_prefix = "session"

    session_number = forms.IntegerField(
        label="Session number",
        min_value=1,
        max_value=200,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the session number",
            "invalid": "Enter the session number as a whole number, like 3",
            "min_value": "Enter a session number from 1",
            "max_value": "Enter a session number of 200 or less",
        },
    )
    session_date = _date("Date of the session", name="Date of the session")
    attended = _yes_no("Did the person attend?", "Say whether the person attended: yes or no")
    notes = _text("Notes (optional)", rows=3)

    def __init__(self, *args, next_session: int | None = None, sessions: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if sessions:
            self.fields["session_number"].help_text = f"From 1 to {sessions}"
        if not self.is_bound:
            self.initial.setdefault("session_date", timezone.localdate())
            if next_session:
                self.initial.setdefault("session_number", next_session)


class CompleteForm(_StepForm):
    step_prefix = "complete"

    on = _date("Date the programme was completed", name="Date the programme was completed")


class NotCompleteForm(_StepForm):
    step_prefix = "not_completed"

    reason = forms.ChoiceField(
        label="Why was the programme not completed?",
        choices=NonCompletionReason.choices,
        widget=GovukRadioSelect,
        error_messages={
            "required": "Choose why the programme was not completed",
            "invalid_choice": "Choose a reason from the list",
        },
    )
    details = _text("Details", help_text="Needed when the reason is \u201cOther\u201d.")
    on = _date("Date it ended", name="Date it ended")


class WithdrawForm(_StepForm):
    step_prefix = "withdraw"

    reason = _text("Why is the referral withdrawn?", required=True, message="Say why the referral is withdrawn")
    on = _date("Date of withdrawal", name="Date of withdrawal")


class AlternativePlanForm(_StepForm):
    step_prefix = "alternative"

    plan = _text(
        "Alternative plan",
        required=True,
        message="Enter the alternative plan: say how the requirement will be met instead",
        help_text="How the requirement will be met instead, for example one-to-one work, another programme, or "
        "returning to court to amend the order.",
        rows=6,
    )


class GroupForm(forms.Form):
    programme = forms.TypedChoiceField(
        label="Programme",
        coerce=int,
        empty_value=None,
        error_messages={"required": "Choose the programme", "invalid_choice": "Choose a programme from the list"},
    )
    name = forms.CharField(
        label="Name of the group",
        max_length=GROUP_NAME_MAX_LENGTH,
        help_text="How staff refer to it, for example \u2018TSP Tuesday evenings\u2019",
        error_messages={
            "required": "Enter a name for the group",
            "max_length": f"The name must be {GROUP_NAME_MAX_LENGTH} characters or fewer",
        },
    )
    start_date = GovukDateField(name="Start date", label="Start date", help_text="For example, 12 1 2027")
    location = forms.CharField(
        label="Where it meets",
        max_length=GROUP_LOCATION_MAX_LENGTH,
        error_messages={
            "required": "Enter where the group meets",
            "max_length": f"The location must be {GROUP_LOCATION_MAX_LENGTH} characters or fewer",
        },
    )
    capacity = forms.IntegerField(
        label="Number of places",
        help_text=f"From {GROUP_CAPACITY_MIN} to {GROUP_CAPACITY_MAX}",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false", "class": "govuk-input--width-3"}),
        error_messages={
            "required": "Enter the number of places",
            "invalid": "Enter the number of places as a whole number, like 10",
        },
    )
    facilitator = forms.TypedChoiceField(
        label="Facilitator (optional)",
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Choose a facilitator from the list"},
    )

    def __init__(self, *args, programmes=(), staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.programmes_by_id = {programme.pk: programme for programme in programmes}
        self.staff_by_id = {member.pk: member for member in staff}
        self.fields["programme"].choices = [("", "Choose a programme"), *((p.pk, p.name) for p in programmes)]
        self.fields["facilitator"].choices = [
            ("", "No facilitator yet"),
            *((member.pk, member.get_full_name() or member.username) for member in staff),
        ]

    def clean_programme(self):
        return self.programmes_by_id.get(self.cleaned_data.get("programme"))

    def clean_facilitator(self):
        pk = self.cleaned_data.get("facilitator")
        return self.staff_by_id.get(pk) if pk else None


class WaitingListFilterForm(forms.Form):
    programme = forms.ChoiceField(
        label="Programme",
        required=False,
        error_messages={"invalid_choice": "Choose a programme from the list"},
    )

    def __init__(self, *args, programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.programmes_by_code = {programme.code: programme for programme in programmes}
        self.fields["programme"].choices = [("", "All programmes"), *((p.code, p.name) for p in programmes)]

    def clean_programme(self):
        return self.programmes_by_code.get(self.cleaned_data.get("programme") or "")
