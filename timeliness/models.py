"""Service-level clocks as rows, and the alerts raised from them (shared/ARCHITECTURE.md "Clocks are rows").

A clock is opened by the service that records its start event and stopped by the one that records its stop
event (through cases.events). Alerts, overdue lists and compliance figures are set-based queries over these
indexed rows. Clocks record who opened and stopped them; alerts are notifications derived from clocks and
record who read them.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from cases.models import Case
from timeliness.registry import CODE_CHOICES, service_level


class Clock(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Running"
        MET = "met", "Met"
        MISSED = "missed", "Missed"
        CANCELLED = "cancelled", "No longer applies"

    service_level = models.CharField(max_length=20, choices=CODE_CHOICES)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="clocks")
    subject = models.CharField(
        max_length=60, help_text='What the clock is about, as "<kind>:<id>", e.g. "report:12" or "sentence:7".'
    )
    provider_type = models.CharField(max_length=20, help_text="The type of provider holding the case when it opened.")
    started_on = models.DateField()
    due_on = models.DateField()
    stopped_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stopped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="clock_status_due_idx"),
            models.Index(fields=["case", "status"], name="clock_case_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "met", "missed", "cancelled"]), name="clock_status_valid"
            ),
            models.CheckConstraint(condition=Q(due_on__gte=F("started_on")), name="clock_due_not_before_start"),
            models.CheckConstraint(
                condition=(Q(status="open") & Q(stopped_on__isnull=True))
                | (~Q(status="open") & Q(stopped_on__isnull=False)),
                name="clock_stopped_has_date",
            ),
            models.CheckConstraint(
                condition=Q(stopped_on__isnull=True) | Q(stopped_on__gte=F("started_on")),
                name="clock_stop_not_before_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="met") | Q(stopped_on__lte=F("due_on")), name="clock_met_by_due_date"
            ),
            models.CheckConstraint(
                condition=~Q(status="missed") | Q(stopped_on__gt=F("due_on")), name="clock_missed_after_due_date"
            ),
            models.UniqueConstraint(fields=["service_level", "subject"], name="clock_one_per_service_level_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.service_level} due {self.due_on:%d %B %Y}"

    @property
    def definition(self):
        return service_level(self.service_level)


class Alert(models.Model):
    """An in-app alert about a clock for one member of staff.

    Unique per clock, recipient and kind, so the scan can run twice, or twice at once, without duplicates.
    Closed (not deleted) when its clock stops.
    """

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due soon"
        OVERDUE = "overdue", "Overdue"

    clock = models.ForeignKey(Clock, on_delete=models.PROTECT, related_name="alerts")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "closed_at", "read_at"], name="alert_recipient_open_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["due_soon", "overdue"]), name="alert_kind_valid"),
            models.UniqueConstraint(fields=["clock", "recipient", "kind"], name="alert_one_per_clock_recipient_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.clock}"
