"""Referrals to services: in-house, the CRC's rate card, the voluntary sector and partner agencies
(shared/DOMAIN.md section 5: interventions are delivered in-house or bought from providers)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from accounts.models import Provider, Region
from cases.models import Case, NeedArea, PlanObjective


class ServiceProvider(models.Model):
    """An organisation or in-house service people can be referred to, and the need areas it covers."""

    class Kind(models.TextChoices):
        IN_HOUSE = "in_house", "In-house"
        RATE_CARD = "rate_card", "CRC rate card"
        VOLUNTARY_SECTOR = "voluntary_sector", "Voluntary sector"
        PARTNER_AGENCY = "partner_agency", "Partner agency"

    name = models.CharField(max_length=150, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="Empty: national."
    )
    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The probation provider that runs or buys it (in-house and rate card services).",
    )
    description = models.TextField(blank=True)
    telephone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.CharField(max_length=250, blank=True)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["in_house", "rate_card", "voluntary_sector", "partner_agency"]),
                name="service_provider_kind_valid",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["in_house", "rate_card"]) | Q(provider__isnull=False),
                name="service_provider_in_house_has_provider",
                violation_error_message="Choose the probation provider that runs or buys this service.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceNeedArea(models.Model):
    """A need area a service provider covers."""

    service_provider = models.ForeignKey(ServiceProvider, on_delete=models.PROTECT, related_name="need_areas")
    need_area = models.CharField(max_length=40, choices=NeedArea.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["need_area"]
        constraints = [
            models.UniqueConstraint(fields=["service_provider", "need_area"], name="service_need_area_once"),
            models.CheckConstraint(
                condition=Q(need_area__in=[choice.value for choice in NeedArea]), name="service_need_area_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.get_need_area_display()


class ServiceReferralStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    ACCEPTED = "accepted", "Accepted"
    STARTED = "started", "Started"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined by the service"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ServiceReferral(models.Model):
    """A referral of a person to a service for a need: referred -> accepted -> started -> completed, or declined
    by the service, or withdrawn by the officer."""

    Status = ServiceReferralStatus

    OPEN = (Status.REFERRED, Status.ACCEPTED, Status.STARTED)
    WAITING = (Status.REFERRED, Status.ACCEPTED)

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="service_referrals")
    service_provider = models.ForeignKey(ServiceProvider, on_delete=models.PROTECT, related_name="referrals")
    need_area = models.CharField(max_length=40, choices=NeedArea.choices)
    plan_objective = models.ForeignKey(
        PlanObjective, on_delete=models.PROTECT, null=True, blank=True, related_name="service_referrals"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REFERRED)
    referred_on = models.DateField()
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason_for_referral = models.TextField()
    accepted_on = models.DateField(null=True, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True, help_text="What came of it; why it was declined or withdrawn.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-referred_on", "-pk"]
        indexes = [models.Index(fields=["need_area", "status"], name="service_referral_need_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in ServiceReferralStatus]),
                name="service_referral_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(need_area__in=[choice.value for choice in NeedArea]),
                name="service_referral_need_area_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["accepted", "started", "completed"]) | Q(accepted_on__isnull=False),
                name="service_referral_accepted_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["started", "completed"]) | Q(started_on__isnull=False),
                name="service_referral_started_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["referred", "accepted", "started"], ended_on__isnull=True)
                | (Q(status__in=["completed", "declined", "withdrawn"]) & Q(ended_on__isnull=False) & ~Q(outcome="")),
                name="service_referral_closed_has_end_and_outcome",
                violation_error_message="A closed referral has its end date and its outcome or reason.",
            ),
            models.CheckConstraint(
                condition=Q(accepted_on__isnull=True) | Q(accepted_on__gte=F("referred_on")),
                name="service_referral_accepted_after_referral",
                violation_error_message="A referral cannot be accepted before it was made.",
            ),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(accepted_on__isnull=True)
                | Q(started_on__gte=F("accepted_on")),
                name="service_referral_started_after_acceptance",
                violation_error_message="A service cannot start before the referral was accepted.",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("referred_on")),
                name="service_referral_ended_after_referral",
                violation_error_message="A referral cannot end before it was made.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_provider}: {self.get_status_display()}"
