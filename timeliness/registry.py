"""The national service levels this product measures, declared once (shared/DOMAIN.md section 2).

Each service level is a clock: a start event opens a row in timeliness.Clock with its due date, a stop event
stops it. Events come from cases.events. Which days count (calendar or working days, using England and Wales
bank holidays) is set per service level; DOMAIN.md leaves it open for most, so the defaults chosen here are:

- NPS SL001: the court's own due date for the report.
- NPS SL002: working days, explicitly ("end of the second full business day after sentence").
- first appointment, sentence plan and resettlement plan clocks: working days, because offices are shut at
  weekends and on bank holidays and national guidance counted them that way. Each can be switched to calendar
  days with the setting `SERVICE_LEVEL_CALENDARS` (code -> "calendar" or "working").

The sentence plan limit is the setting `SENTENCE_PLAN_DAYS` (10; later revised nationally to 15). DOMAIN.md gives
the sentence plan clocks' 2017 figure only as "about 96%", kept here as 96.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings

from cases import events
from cases.models import COMMUNITY_DISPOSALS, CUSTODIAL_DISPOSALS
from timeliness.calendar import add_days

NPS = "nps_division"
CRC = "crc"
YOT = "yot"


def _plan_days() -> int:
    return settings.SENTENCE_PLAN_DAYS


def _enforcement_decision_days() -> int:
    return settings.ENFORCEMENT_DECISION_WORKING_DAYS


@dataclass(frozen=True)
class ServiceLevel:
    code: str
    name: str
    start_event: str
    stop_event: str
    target_percent: Decimal
    provider_types: tuple[str, ...]
    limit_days: int | Callable[[], int] | None = None
    working_days: bool = True
    # Extra condition on the start event (for example: community sentences only).
    applies: Callable[[events.CaseEvent], bool] = field(default=lambda event: True)
    # A national service level (shared/DOMAIN.md section 2), or one of our own (local) with no national figure.
    national: bool = True
    # Alert the team's managers as soon as the clock is due (not only once overdue).
    alert_managers_at_once: bool = False
    # The national figure for 2017 (shared/DOMAIN.md section 2), shown beside ours; None for local measures.
    performance_2017: Decimal | None = None
    # Other events that stop the clock too (for example a CRC's breach presented to court after the case moved to
    # the NPS, which never needed the referral).
    also_stopped_by: tuple[str, ...] = ()

    @property
    def limit(self) -> int | None:
        return self.limit_days() if callable(self.limit_days) else self.limit_days

    @property
    def uses_working_days(self) -> bool:
        overrides = getattr(settings, "SERVICE_LEVEL_CALENDARS", {})
        if self.code in overrides:
            return overrides[self.code] == "working"
        return self.working_days

    @property
    def calendar_label(self) -> str:
        return "working days" if self.uses_working_days else "calendar days"

    def due_on(self, event: events.CaseEvent) -> date:
        """The last day on which stopping the clock still meets the service level."""
        if self.limit is None:
            if event.due_on is None:
                raise ValueError(f"{self.code} takes its due date from the event, and the event has none.")
            return event.due_on
        return self.due_from(event.on)

    def due_from(self, start: date) -> date:
        """The due date of a clock of this service level started on `start` (levels with their own limit)."""
        return add_days(start, self.limit, working=self.uses_working_days)


def _community(event: events.CaseEvent) -> bool:
    return event.disposal in COMMUNITY_DISPOSALS


def _first_contact_on_community_sentence(event: events.CaseEvent) -> bool:
    return bool(event.disposal) and event.disposal not in CUSTODIAL_DISPOSALS


def _first_contact_after_release(event: events.CaseEvent) -> bool:
    return event.disposal in CUSTODIAL_DISPOSALS and not event.in_custody


SERVICE_LEVELS: tuple[ServiceLevel, ...] = (
    ServiceLevel(
        code="NPS SL001",
        name="Pre-sentence report delivered by the court's due date",
        start_event=events.REPORT_REQUESTED,
        stop_event=events.REPORT_DELIVERED,
        target_percent=Decimal("95"),
        performance_2017=Decimal("99.6"),
        provider_types=(NPS,),
        limit_days=None,
    ),
    ServiceLevel(
        code="NPS SL002",
        name="Case allocated by the end of the second full working day after sentence",
        start_event=events.SENTENCED,
        stop_event=events.ALLOCATED,
        target_percent=Decimal("95"),
        performance_2017=Decimal("96.0"),
        provider_types=(NPS,),
        limit_days=2,
    ),
    ServiceLevel(
        code="NPS SL003R",
        name="First appointment within 5 days of allocation (community sentence)",
        start_event=events.ALLOCATED,
        stop_event=events.APPOINTMENT_ATTENDED,
        target_percent=Decimal("97"),
        performance_2017=Decimal("93.4"),
        provider_types=(NPS,),
        limit_days=5,
        applies=_community,
    ),
    ServiceLevel(
        code="CRC SL001",
        name="First appointment within 5 days of allocation (community sentence)",
        start_event=events.ALLOCATED,
        stop_event=events.APPOINTMENT_ATTENDED,
        target_percent=Decimal("97"),
        performance_2017=Decimal("95.6"),
        provider_types=(CRC,),
        limit_days=5,
        applies=_community,
    ),
    ServiceLevel(
        code="NPS SL004R",
        name="First appointment within 1 day of release from custody",
        start_event=events.RELEASED,
        stop_event=events.APPOINTMENT_ATTENDED,
        target_percent=Decimal("97"),
        performance_2017=Decimal("98.4"),
        provider_types=(NPS,),
        limit_days=1,
    ),
    ServiceLevel(
        code="CRC SL002",
        name="First appointment within 1 day of release from custody",
        start_event=events.RELEASED,
        stop_event=events.APPOINTMENT_ATTENDED,
        target_percent=Decimal("97"),
        performance_2017=Decimal("97.9"),
        provider_types=(CRC,),
        limit_days=1,
    ),
    ServiceLevel(
        code="NPS SL005R",
        name=(
            "Sentence plan completed within the set number of working days of the first appointment "
            "(community sentence)"
        ),
        start_event=events.APPOINTMENT_ATTENDED,
        stop_event=events.SENTENCE_PLAN_COMPLETED,
        target_percent=Decimal("97"),
        performance_2017=Decimal("96"),
        provider_types=(NPS,),
        limit_days=_plan_days,
        applies=_first_contact_on_community_sentence,
    ),
    ServiceLevel(
        code="NPS SL006R",
        name="Sentence plan completed within the set number of working days of the first appointment after release",
        start_event=events.APPOINTMENT_ATTENDED,
        stop_event=events.SENTENCE_PLAN_COMPLETED,
        target_percent=Decimal("97"),
        performance_2017=Decimal("96"),
        provider_types=(NPS,),
        limit_days=_plan_days,
        applies=_first_contact_after_release,
    ),
    ServiceLevel(
        code="CRC SL003",
        name=(
            "Sentence plan completed within the set number of working days of the first appointment "
            "(community sentence)"
        ),
        start_event=events.APPOINTMENT_ATTENDED,
        stop_event=events.SENTENCE_PLAN_COMPLETED,
        target_percent=Decimal("97"),
        performance_2017=Decimal("96"),
        provider_types=(CRC,),
        limit_days=_plan_days,
        applies=_first_contact_on_community_sentence,
    ),
    ServiceLevel(
        code="CRC SL004",
        name="Sentence plan completed within the set number of working days of the first appointment after release",
        start_event=events.APPOINTMENT_ATTENDED,
        stop_event=events.SENTENCE_PLAN_COMPLETED,
        target_percent=Decimal("97"),
        performance_2017=Decimal("96"),
        provider_types=(CRC,),
        limit_days=_plan_days,
        applies=_first_contact_after_release,
    ),
    ServiceLevel(
        code="CRC SL013",
        name="Resettlement plan completed within 5 days of the basic custody screening in prison",
        start_event=events.CUSTODY_SCREENING_COMPLETED,
        stop_event=events.RESETTLEMENT_PLAN_COMPLETED,
        target_percent=Decimal("95"),
        performance_2017=Decimal("96.6"),
        provider_types=(CRC,),
        limit_days=5,
    ),
)

# Unpaid work (shared/DOMAIN.md section 3). NPS SL007 counts working days like the other 5-day clocks; CRC SL005
# and SL006 count calendar days (28 and 7: whole weeks, which is how the work is arranged). The CRC clocks run
# for an NPS case too, from the day its requirement reaches the CRC.
SERVICE_LEVELS += (
    ServiceLevel(
        code="NPS SL007",
        name="Unpaid work requirement passed to the CRC within 5 days of allocation to the NPS",
        start_event=events.UNPAID_WORK_REQUIREMENT_ALLOCATED,
        stop_event=events.UNPAID_WORK_WITH_CRC,
        target_percent=Decimal("97"),
        performance_2017=Decimal("93.6"),
        provider_types=(NPS,),
        limit_days=5,
    ),
    ServiceLevel(
        code="CRC SL005",
        name="Unpaid work arranged within 28 days of the requirement reaching the CRC",
        start_event=events.UNPAID_WORK_WITH_CRC,
        stop_event=events.UNPAID_WORK_ARRANGED,
        target_percent=Decimal("97"),
        performance_2017=Decimal("99.0"),
        provider_types=(CRC, NPS),
        limit_days=28,
        working_days=False,
    ),
    ServiceLevel(
        code="CRC SL006",
        name="Unpaid work arranged within 7 days of the requirement reaching the CRC",
        start_event=events.UNPAID_WORK_WITH_CRC,
        stop_event=events.UNPAID_WORK_ARRANGED,
        target_percent=Decimal("75"),
        performance_2017=Decimal("82.4"),
        provider_types=(CRC, NPS),
        limit_days=7,
        working_days=False,
    ),
)

# Enforcement (shared/DOMAIN.md section 6). Local measures, not national ones: the inspectorate found enforcement
# not happening when it should. Every failure to comply needs the officer's decision within
# ENFORCEMENT_DECISION_WORKING_DAYS; a failure that crosses the warnings threshold needs breach or recall action
# the same day, and its clock alerts the team's managers as well as the officer from the start.
SERVICE_LEVELS += (
    ServiceLevel(
        code="LOCAL EN1",
        name="Enforcement decision on a failure to comply",
        start_event=events.COMPLIANCE_FAILURE_RECORDED,
        stop_event=events.COMPLIANCE_FAILURE_DECIDED,
        target_percent=Decimal("100"),
        provider_types=(NPS, CRC, YOT),
        limit_days=_enforcement_decision_days,
        national=False,
    ),
    ServiceLevel(
        code="LOCAL EN2",
        name="Breach or recall action once the warnings allowed in 12 months are used up",
        start_event=events.BREACH_THRESHOLD_CROSSED,
        stop_event=events.COMPLIANCE_FAILURE_DECIDED,
        target_percent=Decimal("100"),
        provider_types=(NPS, CRC, YOT),
        limit_days=0,
        national=False,
        alert_managers_at_once=True,
    ),
)

# Breach (shared/DOMAIN.md sections 2 and 6). "Aware of the alleged breach" is the day of the failure to comply that
# was decided as breach action: the officer knew of it then. Working days, because breach proceedings are laid
# before courts, which sit on working days. A CRC refers its breaches to the NPS, which presents them to court: CRC
# AE ends at the referral, NPS SL015 runs from the NPS accepting it (measured on the CRC's case). The NPS presents
# its own cases within 10 days (NPS SL014). Youth Offending Teams have no national breach measure.
SERVICE_LEVELS += (
    ServiceLevel(
        code="CRC AE",
        name="Breach referred to the NPS for court within 8 days of the CRC becoming aware of it",
        start_event=events.BREACH_INITIATED,
        stop_event=events.BREACH_REFERRED_TO_NPS,
        also_stopped_by=(events.BREACH_PRESENTED_TO_COURT,),
        target_percent=Decimal("95"),
        performance_2017=Decimal("86.6"),
        provider_types=(CRC,),
        limit_days=8,
    ),
    ServiceLevel(
        code="NPS SL015",
        name="Breach presented to court within 2 days of the NPS accepting the CRC's referral",
        start_event=events.BREACH_REFERRAL_ACCEPTED,
        stop_event=events.BREACH_PRESENTED_TO_COURT,
        target_percent=Decimal("95"),
        performance_2017=Decimal("93.1"),
        provider_types=(CRC,),
        limit_days=2,
    ),
    ServiceLevel(
        code="NPS SL014",
        name="Breach presented to court within 10 days of the NPS becoming aware of it",
        start_event=events.BREACH_INITIATED,
        stop_event=events.BREACH_PRESENTED_TO_COURT,
        target_percent=Decimal("95"),
        performance_2017=Decimal("94.0"),
        provider_types=(NPS,),
        limit_days=10,
    ),
)

# Recall (shared/DOMAIN.md sections 2 and 6). "24 hours" is kept as one calendar day from the day recall is
# considered (the clock is held to the day, like every other): recall is decided every day of the week. NPS SL024
# counts working days: public protection casework supplies documents on working days. Youth Offending Teams have no
# national recall measure.
SERVICE_LEVELS += (
    ServiceLevel(
        code="CRC AF",
        name="Recall recommended within 24 hours of the CRC becoming aware of the breach",
        start_event=events.RECALL_CONSIDERED,
        stop_event=events.RECALL_RECOMMENDED,
        target_percent=Decimal("95"),
        performance_2017=Decimal("89.5"),
        provider_types=(CRC,),
        limit_days=1,
        working_days=False,
    ),
    ServiceLevel(
        code="NPS SL012",
        name="Recall referred within 24 hours of the NPS becoming aware of the breach",
        start_event=events.RECALL_CONSIDERED,
        stop_event=events.RECALL_RECOMMENDED,
        target_percent=Decimal("95"),
        performance_2017=Decimal("98.8"),
        provider_types=(NPS,),
        limit_days=1,
        working_days=False,
    ),
    ServiceLevel(
        code="NPS SL024",
        name="Recall documents supplied within 10 days of the return to custody",
        start_event=events.RETURNED_TO_CUSTODY,
        stop_event=events.RECALL_DOCUMENTS_SUPPLIED,
        target_percent=Decimal("90"),
        performance_2017=Decimal("88.9"),
        provider_types=(NPS, CRC),
        limit_days=10,
    ),
)

BY_CODE: dict[str, ServiceLevel] = {level.code: level for level in SERVICE_LEVELS}


def service_level(code: str) -> ServiceLevel:
    return BY_CODE[code]


def starting_on(event: events.CaseEvent, provider_type: str) -> list[ServiceLevel]:
    """The service levels whose clock this event starts for a case held by a provider of this type."""
    return [
        level
        for level in SERVICE_LEVELS
        if level.start_event == event.name and provider_type in level.provider_types and level.applies(event)
    ]


def stopping_on(event_name: str) -> list[str]:
    """Codes of the service levels this event stops."""
    return [
        level.code for level in SERVICE_LEVELS if level.stop_event == event_name or event_name in level.also_stopped_by
    ]


# Codes only: the plain names can be reworded without a migration.
CODE_CHOICES = [(level.code, level.code) for level in SERVICE_LEVELS]
