"""Management oversight recorded on a case (shared/DOMAIN.md sections 6 and 8).

The inspectorate found recall decisions sound when a manager oversaw them, and high-risk cases poorly overseen.
A note is required when a manager allocates a high or very high risk of serious harm case (written by the
allocation service) and when a manager decides a recall (written by the recall review from its rationale);
a manager may add one to any case at any time. Notes are never changed or deleted.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cases.models.people import Case


class ManagementOversightNote(models.Model):
    class Kind(models.TextChoices):
        HIGH_RISK_ALLOCATION = "high_risk_allocation", "Allocation of a high risk of serious harm case"
        RECALL_DECISION = "recall_decision", "Recall decision"
        CASE_REVIEW = "case_review", "Case review"
        QUALITY_AUDIT = "quality_audit", "Case quality audit"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="oversight_notes")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    note = models.TextField()
    recorded_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # What the note is about, as "<kind>:<id>" (for example "recall:4"), when it belongs to one decision.
    subject = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_on", "-pk"]
        indexes = [models.Index(fields=["case", "-recorded_on"], name="oversight_note_case_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["high_risk_allocation", "recall_decision", "case_review", "quality_audit"]),
                name="oversight_note_kind_valid",
            ),
            models.CheckConstraint(
                condition=~Q(note=""),
                name="oversight_note_required",
                violation_error_message="Enter the management oversight note.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.recorded_on:%d %B %Y}"
