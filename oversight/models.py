"""Case quality audits (shared/DOMAIN.md section 8).

A manager draws a random sample of cases, stratified by provider type and RoSH level and reproducible from its
seed (oversight.sampling), and answers the inspectorate's questions for each sampled case: yes or no, always with
a reason. Results are shown as "% yes" beside the inspectorate's 2017 national figures. Nothing is deleted: an
answer can be changed while the audit is open, and history keeps every version.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from accounts.models import Provider, Region, Team
from cases.models import Case


@dataclass(frozen=True)
class AuditQuestion:
    code: str
    text: str
    hint: str
    # The inspectorate's 2017 national "yes" rate, for adults and for children (None where it gave none).
    adult_2017: Decimal | None = None
    youth_2017: Decimal | None = None


AUDIT_QUESTIONS: tuple[AuditQuestion, ...] = (
    AuditQuestion(
        "risk_of_harm_assessment",
        "Was there a sufficient assessment of the risk of harm?",
        "Risk of serious harm assessed on all the information available, including previous behaviour and "
        "domestic abuse and child safeguarding checks.",
    ),
    AuditQuestion(
        "reoffending_assessment",
        "Was there a sufficient assessment of the factors linked to reoffending?",
        "The needs behind the offending identified, with the person's strengths and protective factors.",
    ),
    AuditQuestion(
        "sufficient_plan",
        "Was there sufficient planning to manage the risk of harm?",
        "A plan with objectives against the risks and needs found, and contingency arrangements.",
        adult_2017=Decimal("72"),
        youth_2017=Decimal("71"),
    ),
    AuditQuestion(
        "meaningfully_involved",
        "Was the person meaningfully involved in planning?",
        "For a child, the child and their parents or carers.",
        adult_2017=Decimal("58"),
        youth_2017=Decimal("80"),
    ),
    AuditQuestion(
        "diversity",
        "Were diversity and barriers to engagement taken into account?",
        "Protected characteristics, learning needs, caring responsibilities; for women, a female officer and a "
        "women-only setting offered.",
    ),
    AuditQuestion(
        "interventions_progress",
        "Was sufficient progress made delivering the interventions?",
        "Requirements of the order and the plan's interventions started and delivered on time.",
        adult_2017=Decimal("46"),
    ),
    AuditQuestion(
        "changes_in_risk",
        "Was the response to changes in risk appropriate?",
        "Reviews after a new address, partner, offence, arrest or loss of accommodation; agencies told.",
        adult_2017=Decimal("52"),
    ),
    AuditQuestion(
        "non_compliance",
        "Was the response to non-compliance sufficient?",
        "Absences judged on evidence; warnings, breach or recall when they were due.",
        adult_2017=Decimal("73"),
        youth_2017=Decimal("91"),
    ),
    AuditQuestion(
        "sufficient_review",
        "Was the case reviewed sufficiently?",
        "The plan and the risk reviewed on schedule and when circumstances changed, with the person involved.",
    ),
)
QUESTIONS_BY_CODE = {question.code: question for question in AUDIT_QUESTIONS}
QUESTION_CODES = [question.code for question in AUDIT_QUESTIONS]


class CaseAudit(models.Model):
    """One quality audit: a sample of the active cases in a scope (a team, a provider or a region)."""

    class Scope(models.TextChoices):
        TEAM = "team", "Team"
        PROVIDER = "provider", "Provider"
        REGION = "region", "Region"

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    scope = models.CharField(max_length=20, choices=Scope.choices)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    seed = models.BigIntegerField(
        help_text="The seed of the random draw: the same seed and cases give the same sample."
    )
    sample_size = models.PositiveSmallIntegerField()
    population_size = models.PositiveIntegerField(help_text="Active cases the sample was drawn from.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-drawn_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(scope__in=["team", "provider", "region"]), name="audit_scope_valid"),
            models.CheckConstraint(
                condition=Q(scope="team", team__isnull=False, provider__isnull=True, region__isnull=True)
                | Q(scope="provider", team__isnull=True, provider__isnull=False, region__isnull=True)
                | Q(scope="region", team__isnull=True, provider__isnull=True, region__isnull=False),
                name="audit_scope_matches_its_subject",
                violation_error_message="An audit covers one team, one provider or one region.",
            ),
            models.CheckConstraint(
                condition=Q(sample_size__gte=1, sample_size__lte=100),
                name="audit_sample_size_in_range",
                violation_error_message="A sample is between 1 and 100 cases.",
            ),
            models.CheckConstraint(
                condition=Q(sample_size__lte=F("population_size")),
                name="audit_sample_not_larger_than_population",
                violation_error_message="The sample cannot be larger than the number of cases.",
            ),
            models.CheckConstraint(condition=Q(status__in=["in_progress", "completed"]), name="audit_status_valid"),
            models.CheckConstraint(
                condition=(Q(status="completed") & Q(completed_on__isnull=False))
                | (Q(status="in_progress") & Q(completed_on__isnull=True)),
                name="audit_completed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Case quality audit of {self.scope_name} drawn on {self.drawn_on:%-d %B %Y}"

    @property
    def scope_name(self) -> str:
        return str(self.team or self.provider or self.region)


class AuditedCase(models.Model):
    """One case in an audit's sample, with the stratum it was drawn from."""

    audit = models.ForeignKey(CaseAudit, on_delete=models.PROTECT, related_name="audited_cases")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="quality_audits")
    provider_type = models.CharField(max_length=20, choices=Provider.ProviderType.choices)
    rosh_level = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="RoSH level when drawn (1 low to 4 very high); empty when not assessed."
    )
    is_youth = models.BooleanField(help_text="Held by a Youth Offending Team: compared with the youth figures.")
    position = models.PositiveSmallIntegerField(help_text="Order in the sample.")
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["audit", "position"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "case"], name="audited_case_once_per_audit"),
            models.UniqueConstraint(fields=["audit", "position"], name="audited_case_position_unique"),
            models.CheckConstraint(
                condition=Q(rosh_level__isnull=True) | Q(rosh_level__gte=1, rosh_level__lte=4),
                name="audited_case_rosh_level_valid",
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True, completed_by__isnull=True)
                | Q(completed_on__isnull=False, completed_by__isnull=False),
                name="audited_case_completed_with_who",
            ),
        ]

    def __str__(self) -> str:
        return f"Case {self.case_id} in audit {self.audit_id}"


class AuditAnswer(models.Model):
    """The auditor's answer to one inspectorate question about one case: yes or no, with the reason."""

    audited_case = models.ForeignKey(AuditedCase, on_delete=models.PROTECT, related_name="answers")
    question = models.CharField(max_length=40, choices=[(q.code, q.text) for q in AUDIT_QUESTIONS])
    answer = models.BooleanField()
    reason = models.TextField()
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["audited_case", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["audited_case", "question"], name="audit_answer_once_per_question"),
            models.CheckConstraint(condition=Q(question__in=QUESTION_CODES), name="audit_answer_question_valid"),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="audit_answer_reason_required",
                violation_error_message="Give the reason for the answer.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {'yes' if self.answer else 'no'}"
