"""Forms for referrals to services: a service in the directory, a referral, a referral's status, and the
directory's filter. They check the shape of input; the rules live in interventions.services.referrals, whose
errors the views add to these forms (risk.forms.add_service_errors)."""

from django import forms
from django.utils import timezone

from cases.models import NeedArea
from interventions.models import ServiceProvider, ServiceReferral
from interventions.services.referrals import NAME_MAX_LENGTH, TEXT_MAX_LENGTH
from risk.forms import GovukDateField, GovukRadioSelect, add_service_errors

__all__ = [
    "DirectoryFilterForm",
    "ReferralForm",
    "ReferralUpdateForm",
    "ServiceProviderForm",
    "add_service_errors",
]


class GovukCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose label target (and so the error summary link) is the first box, as GOV.UK Frontend does."""

    def id_for_label(self, id_, index=None):
        return id_


def _text(label: str, *, required: bool = False, help_text: str = "", message: str = "", rows: int = 4):
    error_messages = {"max_length": f"{label.split(' (')[0]} must be {TEXT_MAX_LENGTH:,} characters or fewer"}
    if message:
        error_messages["required"] = message
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages=error_messages,
    )


def _optional(label: str, max_length: int, **kwargs):
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        error_messages={"max_length": f"{label.split(' (')[0]} must be {max_length} characters or fewer"},
        **kwargs,
    )


class ServiceProviderForm(forms.Form):
    name = forms.CharField(
        label="Name of the service",
        max_length=NAME_MAX_LENGTH,
        error_messages={
            "required": "Enter the name of the service",
            "max_length": f"The name must be {NAME_MAX_LENGTH} characters or fewer",
        },
    )
    kind = forms.ChoiceField(
        label="What kind of service is it?",
        choices=ServiceProvider.Kind.choices,
        widget=GovukRadioSelect,
        error_messages={"required": "Choose the kind of service", "invalid_choice": "Choose a kind from the list"},
    )
    need_areas = forms.MultipleChoiceField(
        label="Which needs does it help with?",
        choices=NeedArea.choices,
        widget=GovukCheckboxes,
        help_text="Select all that apply",
        error_messages={
            "required": "Choose at least one need area the service covers",
            "invalid_choice": "Choose need areas from the list",
        },
    )
    provider = forms.TypedChoiceField(
        label="Probation provider that runs or buys it",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Needed for in-house and rate card services",
        error_messages={"invalid_choice": "Choose a provider from the list"},
    )
    region = forms.TypedChoiceField(
        label="Region",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Leave as national if the service takes referrals from anywhere",
        error_messages={"invalid_choice": "Choose a region from the list"},
    )
    description = _text("What the service does (optional)")
    telephone = _optional("Telephone (optional)", 40)
    email = _optional("Email (optional)", 254)
    address = _optional("Address (optional)", 250)

    def __init__(self, *args, providers=(), regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.providers_by_id = {provider.pk: provider for provider in providers}
        self.regions_by_id = {region.pk: region for region in regions}
        self.fields["provider"].choices = [("", "None"), *((p.pk, p.name) for p in providers)]
        self.fields["region"].choices = [("", "National"), *((r.pk, r.name) for r in regions)]

    def clean_provider(self):
        return self.providers_by_id.get(self.cleaned_data.get("provider"))

    def clean_region(self):
        return self.regions_by_id.get(self.cleaned_data.get("region"))


class ReferralForm(forms.Form):
    need_area = forms.ChoiceField(
        label="Need",
        choices=[("", "Choose a need area"), *NeedArea.choices],
        error_messages={"required": "Choose the need area", "invalid_choice": "Choose a need area from the list"},
    )
    service_provider = forms.TypedChoiceField(
        label="Service",
        coerce=int,
        empty_value=None,
        help_text="Each service lists the needs it covers",
        error_messages={"required": "Choose the service", "invalid_choice": "Choose a service from the list"},
    )
    plan_objective = forms.TypedChoiceField(
        label="Objective of the sentence plan (optional)",
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Choose an objective from the list"},
    )
    reason_for_referral = _text(
        "Reason for the referral",
        required=True,
        message="Enter the reason for the referral: say what the person needs from the service",
        help_text="What the person needs from the service, and anything the service should know",
        rows=5,
    )
    referred_on = GovukDateField(name="Date of referral", label="Date of referral", help_text="For example, 25 11 2026")

    def __init__(self, *args, services=(), objectives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.services_by_id = {service.pk: service for service in services}
        self.objectives_by_id = {objective.pk: objective for objective in objectives}
        self.fields["service_provider"].choices = [
            ("", "Choose a service"),
            *(
                (
                    service.pk,
                    f"{service.name} ({service.get_kind_display()}): "
                    + ", ".join(str(area) for area in service.need_areas.all()).lower(),
                )
                for service in services
            ),
        ]
        self.fields["plan_objective"].choices = [
            ("", "None"),
            *(
                (objective.pk, f"{objective.get_need_area_display()}: {objective.description[:80]}")
                for objective in objectives
            ),
        ]
        if not self.is_bound:
            self.initial.setdefault("referred_on", timezone.localdate())

    def clean_service_provider(self):
        return self.services_by_id.get(self.cleaned_data.get("service_provider"))

    def clean_plan_objective(self):
        pk = self.cleaned_data.get("plan_objective")
        return self.objectives_by_id.get(pk) if pk else None


class ReferralUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label="What has happened?",
        widget=GovukRadioSelect,
        error_messages={"required": "Choose what has happened", "invalid_choice": "Choose from the list"},
    )
    on = GovukDateField(name="Date", label="When?", help_text="For example, 25 11 2026")
    outcome = _text(
        "Outcome or reason",
        help_text="Needed when the referral is completed, declined or withdrawn: what came of it, or why.",
    )

    def __init__(self, *args, next_statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            ServiceReferral.Status.ACCEPTED: "Accepted by the service",
            ServiceReferral.Status.STARTED: "Started with the service",
            ServiceReferral.Status.COMPLETED: "Completed",
            ServiceReferral.Status.DECLINED: "Declined by the service",
            ServiceReferral.Status.WITHDRAWN: "Withdrawn",
        }
        self.fields["status"].choices = [(status, labels[status]) for status in next_statuses]
        if not self.is_bound:
            self.initial.setdefault("on", timezone.localdate())


class DirectoryFilterForm(forms.Form):
    need_area = forms.ChoiceField(
        label="Need",
        required=False,
        choices=[("", "All needs"), *NeedArea.choices],
        error_messages={"invalid_choice": "Choose a need area from the list"},
    )
