"""Builders for the tests of the oversight figures: rows made directly with the fields each needs (no history is
needed to set a figure up), so each test states exactly what it counts.

The reference period is July to September 2026; "today" is Wednesday 2 December 2026 unless a test says otherwise.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from cases.models import Case, Disposal, ResettlementPlan
from oversight.scopes import Period
from tests import factories
from timeliness.models import Alert, Clock

LONDON = ZoneInfo("Europe/London")
Q3 = Period(date(2026, 7, 1), date(2026, 9, 30))
TODAY = date(2026, 12, 2)  # a Wednesday


def clock(case, *, due: date, status: str = "open", stopped: date | None = None, level: str = "NPS SL003R", **kwargs):
    """A clock on `case` due on `due`, started a week earlier (or on `started`)."""
    started = kwargs.pop("started", due - timedelta(days=7))
    if stopped is None and status != Clock.Status.OPEN:
        stopped = due if status == Clock.Status.MET else due + timedelta(days=1)
    return factories.ClockFactory(
        case=case, service_level=level, started_on=started, due_on=due, status=status, stopped_on=stopped, **kwargs
    )


def sentence(case, *, disposal=Disposal.COMMUNITY_ORDER, sentence_date=date(2025, 8, 1), end=None, **kwargs):
    """A sentence on `case` (current unless `status` says otherwise) ending on `end`."""
    end = end or sentence_date.replace(year=sentence_date.year + 1)
    if disposal in (Disposal.CUSTODY, Disposal.DETENTION_AND_TRAINING_ORDER):
        kwargs.setdefault("length_months", 24)
    return factories.SentenceFactory(
        case=case, disposal=disposal, sentence_date=sentence_date, start_date=sentence_date, end_date=end, **kwargs
    )


def ended_case(officer, *, ended_on: date, outcome: str = "completed_positively", **person) -> Case:
    """A case of `officer`'s team that ended on `ended_on` with `outcome` ("" for none recorded)."""
    return factories.CaseFactory(
        responsible_officer=officer,
        status=Case.Status.ENDED,
        end_date=ended_on,
        termination_outcome=outcome,
        **{f"person__{key}": value for key, value in person.items()},
    )


def aware(value: datetime | date, hour: int = 10) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=LONDON)
    return datetime.combine(value, time(hour), tzinfo=LONDON)


def failure(case, *, on: date, status: str = "decided", decision: str = "breach", decision_due_on=None, by=None):
    """A failure to comply at an appointment on `on` (decided as breach action by default)."""
    from enforcement.models import ComplianceFailure

    by = by or case.responsible_officer
    contact = factories.ContactFactory(case=case, starts_at=aware(on))
    decided = status == ComplianceFailure.Status.DECIDED
    return ComplianceFailure.objects.create(
        case=case,
        sentence=case.sentences.order_by("-sentence_date").first(),
        source=ComplianceFailure.Source.APPOINTMENT,
        contact=contact,
        failed_on=on,
        outcome="Unacceptable absence",
        decision_due_on=decision_due_on or on + timedelta(days=2),
        status=status,
        decision=decision if decided else "",
        decided_on=on + timedelta(days=1) if decided else None,
        decided_by=by if decided else None,
        recorded_by=by,
    )


def breach(case, *, court, packs=(), status: str = "sent_to_court", aware_on: date | None = None):
    """A breach of the case's order with pack versions `packs`: each (sent_to_court_at or None, asked_for_more)."""
    from enforcement.models import Breach, BreachPack, CourtInformationRequest

    manager = factories.ManagerFactory(team=case.team)
    first_sent = next((sent for sent, _ in packs if sent), None)
    if aware_on is None:
        base = timezone.localtime(aware(first_sent)).date() if first_sent else date(2026, 8, 1)
        aware_on = base - timedelta(days=5)
    row = Breach.objects.create(
        case=case,
        sentence=case.sentences.order_by("-sentence_date").first(),
        failure=failure(case, on=aware_on),
        court=court,
        status=status,
        aware_on=aware_on,
        initiated_by=case.responsible_officer,
    )
    for version, (sent, asked) in enumerate(packs, start=1):
        sent = aware(sent) if sent else None
        pack = BreachPack.objects.create(
            breach=row,
            version=version,
            content={"version": version},
            statement="Missed two appointments after a warning.",
            proposal="The order continues with more rehabilitation activity days.",
            prepared_by=case.responsible_officer,
            prepared_at=(sent or aware(aware_on)) - timedelta(hours=2),
            signed_off_by=manager if sent else None,
            signed_off_at=(sent - timedelta(hours=1)) if sent else None,
            sent_to_court_at=sent,
            court=court if sent else None,
        )
        if asked:
            CourtInformationRequest.objects.create(
                pack=pack,
                court=court,
                message="Please send the warning letter.",
                requested_by=factories.CourtUserFactory(courts=[court]),
                requested_at=sent + timedelta(days=2),
            )
    return row


def recall(case, *, sent_on: date | None, asked: bool = False, status: str | None = None, aware_on=None):
    """A recall on the case's licence, sent to public protection casework on `sent_on` (None: not sent yet), with a
    request for more information when `asked`."""
    from enforcement.models import Recall, RecallInformationRequest

    senior = factories.ManagerFactory(team=case.team, senior_manager=True)
    aware_on = aware_on or (sent_on - timedelta(days=2) if sent_on else date(2026, 8, 1))
    row = Recall.objects.create(
        case=case,
        sentence=case.sentences.order_by("-sentence_date").first(),
        status=status or ("sent_to_ppcs" if sent_on else "considering"),
        aware_on=aware_on,
        reasons="Breached the exclusion zone condition.",
        countersigned_by=senior if sent_on else None,
        countersigned_on=sent_on,
        sent_to_ppcs_on=sent_on,
        initiated_by=case.responsible_officer,
    )
    if asked:
        RecallInformationRequest.objects.create(
            recall=row,
            source=RecallInformationRequest.Source.PPCS,
            requested_on=sent_on + timedelta(days=1),
            message="Send the signed licence.",
            recorded_by=case.responsible_officer,
        )
    return row


def custody_case(officer, *, released_on: date | None, sentence_date=date(2025, 8, 1), **case_kwargs):
    """An active case of `officer` on a 24-month custodial sentence, released on `released_on` (None: in custody)."""
    case = factories.CaseFactory(responsible_officer=officer, **case_kwargs)
    sentence(
        case,
        disposal=Disposal.CUSTODY,
        sentence_date=sentence_date,
        end=sentence_date.replace(year=sentence_date.year + 2),
        released_on=released_on,
    )
    return case


def resettlement_plan(case, *, accommodation: str | None):
    """The resettlement plan of the case's custodial sentence: completed with `accommodation`, or only screened."""
    custody = case.sentences.get(disposal=Disposal.CUSTODY)
    completed = accommodation is not None
    return ResettlementPlan.objects.create(
        case=case,
        sentence=custody,
        screened_on=custody.sentence_date + timedelta(days=3),
        screening_needs="Housing, benefits.",
        status=ResettlementPlan.Status.COMPLETED if completed else ResettlementPlan.Status.SCREENED,
        accommodation_on_release=accommodation or "",
        completed_on=custody.sentence_date + timedelta(days=8) if completed else None,
    )


def alert(clock_row, recipient, *, kind: str = "due_soon", closed: bool = False):
    return Alert.objects.create(
        clock=clock_row,
        recipient=recipient,
        kind=kind,
        created_at=timezone.now(),
        closed_at=timezone.now() if closed else None,
    )


def assess(case_or_person, level: int | None, *, on: date = date(2026, 10, 1), **kwargs):
    """A current completed RoSH assessment at `level` (1 low to 4 very high) for the case's person."""
    person = getattr(case_or_person, "person", case_or_person)
    return factories.RoshAssessmentFactory(
        person=person,
        assessment_date=on,
        risk_to_public=level,
        risk_to_known_adults=1,
        risk_to_children=1,
        risk_to_staff=1,
        **kwargs,
    )
