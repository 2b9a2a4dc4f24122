"""Forms for the court pages. They check the shape of input (a real date, a choice from the list); the rules
of court work live in cases.services.court, whose ValidationErrors the views add to these forms."""

from django import forms
from django.utils import timezone

from accounts.models import Court, User
from cases.models import (
    ADULT_DISPOSALS,
    YOUTH_DISPOSALS,
    CourtAppearance,
    InformationRequest,
    Person,
    PreSentenceReport,
)
from risk.forms import GovukDateField, GovukRadioSelect

REPORT_TYPE_MESSAGE = "Choose oral, short format or full written report"


def _text(label: str, *, required: bool = False, help_text: str = "", message: str = "", rows: int = 4):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": message} if message else None,
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.team.name})" if obj.team_id else str(obj)


def _court_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label="Court",
        queryset=Court.objects.filter(active=True).order_by("name"),
        empty_label="Choose a court",
        error_messages={"required": "Choose the court", "invalid_choice": "Choose a court from the list"},
    )


def _purpose_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Purpose of the hearing",
        choices=[("", "Choose the purpose"), *CourtAppearance.Purpose.choices],
        error_messages={
            "required": "Choose the purpose of the hearing",
            "invalid_choice": "Choose the purpose of the hearing from the list",
        },
    )


def _author_field(authors, *, label: str = "Author (optional)", required: bool = False) -> StaffChoiceField:
    return StaffChoiceField(
        label=label,
        queryset=authors,
        required=required,
        empty_label="Not assigned yet" if not required else "Choose the author",
        error_messages={"required": "Choose the author", "invalid_choice": "Choose an author from the list"},
    )


def _report_type_field(*, required: bool) -> forms.ChoiceField:
    choices = PreSentenceReport.ReportType.choices
    return forms.ChoiceField(
        label="Report requested" if required else "Did the court ask for a pre-sentence report?",
        choices=choices if required else [("", "No report requested"), *choices],
        required=required,
        help_text="" if required else "Leave this unanswered if the court did not ask for one",
        widget=GovukRadioSelect,
        error_messages={"required": REPORT_TYPE_MESSAGE, "invalid_choice": REPORT_TYPE_MESSAGE},
    )


def _due_on_field() -> GovukDateField:
    return GovukDateField(
        name="Due date",
        label="Date the report is due",
        required=False,
        help_text="The date the court set. Leave it empty for an oral report: it is given on the day.",
    )


class NewCaseAtCourtForm(forms.Form):
    """A person before the court (someone new, or someone known by their CRN), the hearing, and optionally
    the court's request for a report."""

    crn = forms.CharField(
        label="CRN (if the person is already known)",
        max_length=7,
        required=False,
        help_text="For example, X123456. Leave empty and enter their details below for someone new.",
    )
    first_name = forms.CharField(label="First name", max_length=100, required=False)
    last_name = forms.CharField(label="Last name", max_length=100, required=False)
    date_of_birth = GovukDateField(
        name="Date of birth", label="Date of birth", required=False, help_text="For example, 27 3 1990"
    )
    gender = forms.ChoiceField(
        label="Gender",
        choices=[("", "Choose"), *Person.Gender.choices],
        required=False,
        error_messages={"invalid_choice": "Choose a gender from the list"},
    )
    court = _court_field()
    appearance_date = GovukDateField(
        name="Appearance date", label="Date of the hearing", help_text="For example, 2 11 2026"
    )
    purpose = _purpose_field()
    offences = _text("Offences", required=True, message="Enter the offences before the court")
    report_type = _report_type_field(required=False)
    due_on = _due_on_field()

    PERSON_FIELDS = ("first_name", "last_name", "date_of_birth", "gender")
    PERSON_MESSAGES = {
        "first_name": "Enter the person's first name",
        "last_name": "Enter the person's last name",
        "date_of_birth": "Enter the date of birth",
        "gender": "Choose the person's gender",
    }

    def __init__(self, *args, authors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author"] = _author_field(authors, label="Report author (optional)")

    def clean(self):
        data = super().clean()
        crn = (data.get("crn") or "").strip().upper()
        data["crn"] = crn
        filled = [name for name in self.PERSON_FIELDS if data.get(name) not in (None, "")]
        if crn:
            if filled:
                self.add_error("crn", "Enter a CRN for someone known, or a new person's details, not both")
        else:
            for name in self.PERSON_FIELDS:
                if data.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, self.PERSON_MESSAGES[name])
            born = data.get("date_of_birth")
            if born and born >= timezone.localdate():
                self.add_error("date_of_birth", "Date of birth must be in the past")
        if not data.get("report_type") and data.get("due_on"):
            self.add_error("due_on", "Choose the type of report, or leave the due date empty")
        return data


class CourtAppearanceForm(forms.Form):
    court = _court_field()
    appearance_date = GovukDateField(
        name="Appearance date", label="Date of the hearing", help_text="For example, 2 11 2026"
    )
    purpose = _purpose_field()
    offences = _text("Offences", required=True, message="Enter the offences before the court")
    outcome = _text("Outcome (optional)", help_text="For example, adjourned for a report until 23 11 2026")


class ReportRequestForm(forms.Form):
    court_appearance = forms.ModelChoiceField(
        label="Hearing that asked for the report",
        queryset=CourtAppearance.objects.none(),
        empty_label="Choose the hearing",
        error_messages={"required": "Choose the hearing", "invalid_choice": "Choose a hearing from the list"},
    )
    report_type = _report_type_field(required=True)
    due_on = _due_on_field()

    def __init__(self, *args, appearances, authors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["court_appearance"].queryset = appearances
        self.fields["author"] = _author_field(authors)


def disposal_choices(*, child: bool) -> list[tuple[str, str]]:
    disposals = YOUTH_DISPOSALS if child else ADULT_DISPOSALS
    return [("", "Not proposed yet"), *((d.value, d.label) for d in disposals)]


class ReportContentForm(forms.Form):
    """What the report says. Everything may be left empty while it is written; delivering it checks."""

    offence_analysis = _text(
        "Offence analysis", help_text="What happened, why, and the person's attitude to it", rows=6
    )
    circumstances = _text(
        "The person's circumstances",
        help_text="Accommodation, work or education, relationships, health, substance misuse, finances",
        rows=6,
    )
    proposal_disposal = forms.ChoiceField(
        label="Proposed sentence",
        required=False,
        error_messages={"invalid_choice": "Choose a sentence from the list"},
    )
    proposal_requirements = _text(
        "Proposed requirements",
        help_text="For example, 20 rehabilitation activity requirement days, 100 hours unpaid work",
    )
    proposal_reasons = _text("Reasons for the proposal")
    parent_or_carer_engagement = forms.ChoiceField(
        label="How did parents or carers take part?",
        choices=PreSentenceReport.ParentOrCarerEngagement.choices,
        required=False,
        widget=GovukRadioSelect,
        error_messages={"invalid_choice": "Choose how parents or carers took part"},
    )

    def __init__(self, *args, child: bool, authors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal_disposal"].choices = disposal_choices(child=child)
        if not child:
            del self.fields["parent_or_carer_engagement"]
        self.fields["author"] = _author_field(authors)

    def content(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "author"}


class ReportDeliverForm(forms.Form):
    delivered_on = GovukDateField(
        name="Delivery date", label="Date delivered to the court", help_text="For example, 12 11 2026"
    )


class ReportWithdrawForm(forms.Form):
    reason = _text(
        "Why was the report withdrawn?",
        required=True,
        message="Enter why the report was withdrawn",
        help_text="For example, the court sentenced without a report",
    )


class InformationRequestForm(forms.Form):
    source = forms.ChoiceField(
        label="Who was asked?",
        choices=InformationRequest.Source.choices,
        widget=GovukRadioSelect,
        error_messages={"required": "Choose who was asked", "invalid_choice": "Choose who was asked"},
    )
    details = _text("What was asked for (optional)", help_text="Required when you choose other")
    requested_on = GovukDateField(name="Date asked", label="Date asked", help_text="For example, 3 11 2026")


class InformationResponseForm(forms.Form):
    status = forms.ChoiceField(
        label="Did the information arrive?",
        choices=[
            (InformationRequest.Status.RECEIVED, "Yes, it arrived"),
            (InformationRequest.Status.NOT_RECEIVED, "No, not in time for the report"),
        ],
        widget=GovukRadioSelect,
        error_messages={
            "required": "Choose whether the information arrived",
            "invalid_choice": "Choose whether the information arrived",
        },
    )
    received_on = GovukDateField(
        name="Date it arrived", label="Date it arrived", required=False, help_text="Only if it arrived"
    )
    summary = _text("What did it say?", help_text="Only if it arrived")
