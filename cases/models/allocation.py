"""Who has held a case: every allocation and transfer, with reason and dates (continuity of supervision).

The case row holds the current provider, team and responsible officer; each change also closes the open
assignment and opens a new one, so the case page can show the officer history (shared/DOMAIN.md section 1).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from accounts.models import Provider, Team
from cases.models.people import Case


class OfficerAssignment(models.Model):
    class Kind(models.TextChoices):
        ALLOCATION = "allocation", "Allocated after sentence"
        TRANSFER_BETWEEN_OFFICERS = "transfer_officer", "Transferred to another officer"
        TRANSFER_BETWEEN_PROVIDERS = "transfer_provider", "Transferred to another provider"

    class Reason(models.TextChoices):
        NEW_CASE = "new_case", "New case after sentence"
        RISK_INCREASED = "risk_increased", "Risk of serious harm increased"
        RISK_DECREASED = "risk_decreased", "Risk of serious harm decreased"
        MAPPA = "mappa", "Managed under MAPPA"
        TURNED_18 = "turned_18", "Turned 18: moved to adult services"
        WORKLOAD = "workload", "Balancing workload"
        OFFICER_LEFT = "officer_left", "Officer left or is on long-term leave"
        PERSON_MOVED = "person_moved", "Person moved area"
        CONFLICT_OF_INTEREST = "conflict_of_interest", "Conflict of interest"
        FEMALE_OFFICER = "female_officer", "Person asked for a female officer"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assignments")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    responsible_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    reason = models.CharField(max_length=30, choices=Reason.choices)
    reason_details = models.TextField(blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["case", "end_date"], name="assignment_case_end_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["allocation", "transfer_officer", "transfer_provider"]),
                name="assignment_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="assignment_end_not_before_start",
                violation_error_message="An assignment cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=~Q(reason="other") | ~Q(reason_details=""),
                name="assignment_other_reason_has_details",
                violation_error_message="Say why, when the reason is 'Other'.",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(end_date__isnull=True),
                name="assignment_one_open_per_case",
                violation_error_message="This case already has a current responsible officer.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.responsible_officer} from {self.start_date:%d %B %Y}"
