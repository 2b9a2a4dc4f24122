"""Forms for sentencing pages. They check the shape of input (a real date, a whole number, a choice from the
list); the sentencing rules live in cases.services.sentencing, whose messages the views put on these fields
(`add_service_errors`)."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from cases.models import CourtAppearance, Disposal, ReferralPanelMeeting, RequirementType
from risk.forms import GovukDateField, GovukRadioSelect

MEASURE_FIELDS = {
    RequirementType.Measure.DAYS: ("maximum_days",),
    RequirementType.Measure.HOURS: ("hours",),
    RequirementType.Measure.SESSIONS: ("programme_name", "sessions"),
    RequirementType.Measure.NONE: ("details",),
}
NUMBER_FIELDS = ("maximum_days", "hours", "sessions")


def _whole_number(label: str, *, help_text: str = "") -> forms.IntegerField:
    message = f"{label} must be a whole number"
    return forms.IntegerField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"invalid": message, "max_value": message, "min_value": message},
        min_value=0,
        max_value=32767,
    )


def _text(label: str, *, help_text: str = "", rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows})
    )


def _requirement_input_fields(requirement_type: RequirementType, prefix: str) -> dict[str, forms.Field]:
    """The inputs the court sets for one type of requirement, named `<prefix><field>`."""
    name = requirement_type.name
    fields = {}
    for field in MEASURE_FIELDS.get(requirement_type.measure, ("details",)):
        if field == "maximum_days":
            fields[prefix + field] = _whole_number("Maximum days", help_text="The most days the court set: 1 to 365.")
        elif field == "hours":
            fields[prefix + field] = _whole_number(
                "Hours", help_text="Adults 40 to 300 hours; under-18s 40 to 240 (16 and 17 only on a youth order)."
            )
        elif field == "programme_name":
            fields[prefix + field] = forms.CharField(label="Programme name", required=False, max_length=150)
        elif field == "sessions":
            fields[prefix + field] = _whole_number("Sessions", help_text="The number of sessions, 1 to 200.")
        else:
            fields[prefix + field] = _text(
                f"{name}: details", help_text="In the court's words, for example hours, places or the address."
            )
    return fields


def add_service_errors(form: forms.Form, error: ValidationError, field_for=lambda key: key) -> None:
    """Put a service's messages on the fields they name (through `field_for`), or at the top of the form."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, messages in error.message_dict.items():
        field = field_for(key) if key != NON_FIELD_ERRORS else None
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


class SentenceForm(forms.Form):
    """A sentence with its requirements: one checkbox per active requirement type and the inputs it needs."""

    disposal = forms.ChoiceField(
        label="Sentence or disposal", widget=GovukRadioSelect, error_messages={"required": "Choose the sentence"}
    )
    sentence_date = GovukDateField(
        name="Date of sentence", help_text="For an out-of-court disposal, the day it was given. For example, 2 11 2026."
    )
    court_appearance = forms.ModelChoiceField(
        label="Court appearance",
        queryset=CourtAppearance.objects.none(),
        required=False,
        empty_label="None (out of court, or not recorded)",
        help_text="The hearing at which the sentence was passed.",
        error_messages={"invalid_choice": "Choose one of this case's court appearances"},
    )
    length_months = _whole_number(
        "Length in months",
        help_text="Community order 1 to 36; suspended sentence order supervision 6 to 24; custody: the custodial "
        "term; referral order 3 to 12; youth rehabilitation order up to 36; detention and training order 4 to 24. "
        "Leave empty for a caution or community resolution.",
    )
    suspended_custodial_term_months = _whole_number(
        "Suspended custodial term in months", help_text="Suspended sentence order only: 1 to 24 months."
    )
    expected_release_date = GovukDateField(
        name="Expected release date",
        required=False,
        help_text="Custody or detention and training order. Leave empty to use the halfway point of the term.",
    )
    conditions = _text(
        "Conditions", help_text="Youth conditional caution only: they must be completed within 3 months."
    )
    intensive_supervision_and_surveillance = forms.BooleanField(
        label="With intensive supervision and surveillance",
        required=False,
        help_text="Youth rehabilitation order only.",
    )

    def __init__(self, *args, disposals, appearances, requirement_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["disposal"].choices = [(value, Disposal(value).label) for value in disposals]
        self.fields["court_appearance"].queryset = appearances
        self.fields["court_appearance"].label_from_instance = lambda appearance: (
            f"{appearance.court.name}, {appearance.appearance_date:%-d %B %Y} "
            f"({appearance.get_purpose_display().lower()})"
        )
        self.requirement_types = list(requirement_types)
        self.requirement_groups = []
        for requirement_type in self.requirement_types:
            check = f"requirement_{requirement_type.code}"
            self.fields[check] = forms.BooleanField(
                label=requirement_type.name, required=False, help_text=requirement_type.description
            )
            inputs = _requirement_input_fields(requirement_type, f"{check}_")
            self.fields.update(inputs)
            self.requirement_groups.append({"type": requirement_type, "check": check, "inputs": list(inputs)})

    def requirement_group_fields(self) -> list[dict]:
        """For the template: each requirement's checkbox and its inputs, as bound fields."""
        return [
            {"type": group["type"], "check": self[group["check"]], "inputs": [self[name] for name in group["inputs"]]}
            for group in self.requirement_groups
        ]

    def requirements(self) -> list[dict]:
        """The ticked requirements as the service takes them."""
        chosen = []
        for group in self.requirement_groups:
            if not self.cleaned_data.get(group["check"]):
                continue
            spec = {"requirement_type": group["type"]}
            prefix = f"{group['check']}_"
            for name in group["inputs"]:
                spec[name.removeprefix(prefix)] = self.cleaned_data.get(name)
            chosen.append(spec)
        return chosen

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "disposal": data["disposal"],
            "sentence_date": data["sentence_date"],
            "court_appearance": data.get("court_appearance"),
            "length_months": data.get("length_months"),
            "suspended_custodial_term_months": data.get("suspended_custodial_term_months"),
            "expected_release_date": data.get("expected_release_date"),
            "conditions": data.get("conditions") or "",
            "intensive_supervision_and_surveillance": bool(data.get("intensive_supervision_and_surveillance")),
            "requirements": self.requirements(),
        }

    def field_for(self, key: str) -> str | None:
        """The form field for a service message key: "requirements.rar.maximum_days" ->
        "requirement_rar_maximum_days"; "requirements" -> the first requirement's checkbox."""
        if key == "requirements":
            return self.requirement_groups[0]["check"] if self.requirement_groups else None
        if key.startswith("requirements."):
            return "requirement_" + "_".join(key.split(".")[1:])
        return key


class ReleaseForm(forms.Form):
    released_on = GovukDateField(name="Date of release", help_text="For example, 27 3 2027.")


class PanelMeetingForm(forms.Form):
    meeting_type = forms.ChoiceField(
        label="Type of panel meeting",
        choices=ReferralPanelMeeting.MeetingType.choices,
        widget=GovukRadioSelect,
        error_messages={"required": "Choose the type of panel meeting"},
    )
    meeting_date = GovukDateField(name="Date of the meeting")
    contract_signed = forms.BooleanField(
        label="The contract was agreed and signed at this meeting",
        required=False,
        help_text="Initial panel only. The order runs for its length from this day.",
    )
    attendees = _text("Who attended", help_text="Panel members, the child, parents or carers, the victim.")
    notes = _text("Notes", rows=5)


class RequirementForm(forms.Form):
    """One requirement added by the court to an order already made (an amendment)."""

    requirement_type = forms.ModelChoiceField(
        label="Type of requirement",
        queryset=RequirementType.objects.none(),
        to_field_name="code",
        empty_label="Choose a requirement",
        error_messages={
            "required": "Choose the type of requirement",
            "invalid_choice": "Choose the type of requirement",
        },
    )
    maximum_days = _whole_number(
        "Maximum days", help_text="Rehabilitation activity requirement only: the most days the court set, 1 to 365."
    )
    hours = _whole_number("Hours", help_text="Unpaid work only: adults 40 to 300 hours; under-18s 40 to 240.")
    programme_name = forms.CharField(
        label="Programme name", required=False, max_length=150, help_text="Accredited programme only."
    )
    sessions = _whole_number("Sessions", help_text="Accredited programme only: 1 to 200.")
    details = _text(
        "Details",
        help_text="In the court's words. Needed for curfew, treatment, exclusion, residence "
        "and prohibited activity requirements.",
    )
    start_date = GovukDateField(
        name="Start date", required=False, help_text="The date of the amendment. Leave empty for today."
    )

    def __init__(self, *args, requirement_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement_type"].queryset = requirement_types
