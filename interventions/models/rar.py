"""Rehabilitation activity requirement (RAR) activities (shared/DOMAIN.md section 3).

A RAR day is a calendar day on which at least one attended, complied RAR activity took place, however short;
several activities on one day count once. This is the statutory rule (the court sets a maximum number of days,
not sessions), and it differs from counting contacts: the requirement page shows what each day was so that a
court can see what the days held.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cases.models import Contact, NeedArea, PlanObjective, Requirement

ACTIVITY_MINUTES_RANGE = (5, 480)


class ActivityType(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "One-to-one session"
    STRUCTURED_INTERVENTION = "structured_intervention", "Structured intervention"
    GROUP_SESSION = "group_session", "Group session"
    PARTNER_SERVICE = "partner_service", "Session with a partner service"
    MENTORING = "mentoring", "Mentoring or peer support"
    EDUCATION_TRAINING_EMPLOYMENT = "education_training_employment", "Education, training or employment"
    OTHER = "other", "Other"


class RehabilitationActivity(models.Model):
    """A contact marked as rehabilitation activity against a RAR requirement.

    It counts towards a RAR day once its contact has an outcome that is attended and complied. `activity_date`
    is the contact's local date, kept here so days are counted by the database.
    """

    ActivityType = ActivityType

    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="rehabilitation_activity")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="rehabilitation_activities")
    activity_type = models.CharField(max_length=40, choices=ActivityType.choices)
    need_area = models.CharField(max_length=40, choices=NeedArea.choices, blank=True)
    plan_objective = models.ForeignKey(
        PlanObjective, on_delete=models.PROTECT, null=True, blank=True, related_name="rehabilitation_activities"
    )
    activity_date = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField()
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    delivered_by_organisation = models.CharField(
        max_length=150, blank=True, help_text="A partner service or volunteer who delivered it."
    )
    description = models.TextField(blank=True, help_text="What the activity was.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["activity_date", "pk"]
        verbose_name_plural = "rehabilitation activities"
        indexes = [models.Index(fields=["requirement", "activity_date"], name="rar_activity_day_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(activity_type__in=[choice.value for choice in ActivityType]),
                name="rar_activity_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(need_area="") | Q(need_area__in=[choice.value for choice in NeedArea]),
                name="rar_activity_need_area_valid",
            ),
            models.CheckConstraint(
                condition=~Q(need_area="") | Q(plan_objective__isnull=False),
                name="rar_activity_serves_need_or_objective",
                violation_error_message="Say which need area or plan objective the activity serves.",
            ),
            models.CheckConstraint(
                condition=Q(
                    duration_minutes__gte=ACTIVITY_MINUTES_RANGE[0], duration_minutes__lte=ACTIVITY_MINUTES_RANGE[1]
                ),
                name="rar_activity_duration_in_range",
                violation_error_message="An activity lasts between 5 minutes and 8 hours.",
            ),
            models.CheckConstraint(
                condition=Q(delivered_by__isnull=False) | ~Q(delivered_by_organisation=""),
                name="rar_activity_has_deliverer",
                violation_error_message="Say who delivered the activity: a member of staff or an organisation.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_activity_type_display()} on {self.activity_date:%-d %B %Y}"
