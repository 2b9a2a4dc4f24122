"""Writes for court appearances and pre-sentence reports (shared/DOMAIN.md section 3; clock NPS SL001).

Every function is keyword-only, takes the acting user (`by`), records history with them, and raises
ValidationError with field messages before anything is written. Requesting, delivering and withdrawing a
report publish events (cases.events) that open and stop the NPS SL001 clock in the timeliness app.

Rules the court work follows:
- The provider advising the court prepares the report: the NPS for an adult, the youth offending team for
  a child (under 18 on the day of the hearing). The case is opened at court, awaiting sentence, held by that
  provider's court team; its responsible officer is the report author (if known yet).
- A report is requested at a hearing, so it is requested on the appearance date. An oral report is given on
  the day; a written one is due on the date the court set, no more than a year after the hearing.
- A report is delivered only when it carries what the court and the receiving provider need: an offence
  analysis, the person's circumstances, a proposal, a completed risk of serious harm screening linked to the
  report (the inspectorate found the screening too thin in 3 of 10 reports), an answer to every request for
  information from other agencies, and, for a child, how parents or carers took part.
- Delivered and withdrawn reports never change.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Court, Provider, Team, User
from cases import events
from cases.models import (
    ADULT_DISPOSALS,
    YOUTH_DISPOSALS,
    Case,
    CourtAppearance,
    Disposal,
    InformationRequest,
    Person,
    PreSentenceReport,
    age_on,
)
from config.history import save_with_history

ADULT_AGE = 18
# The age of criminal responsibility in England and Wales.
MINIMUM_AGE = 10
REPORT_CONTENT_FIELDS = (
    "offence_analysis",
    "circumstances",
    "proposal_disposal",
    "proposal_requirements",
    "proposal_reasons",
    "parent_or_carer_engagement",
)
AUTHOR_ROLES = (User.Role.RESPONSIBLE_OFFICER, User.Role.MANAGER)
SCREENING = "screening"
COMPLETED = "completed"


def _fmt(day: date) -> str:
    return f"{day:%-d %B %Y}"


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _today() -> date:
    return timezone.localdate()


def _is_child(person: Person, on: date) -> bool:
    return age_on(person.date_of_birth, on) < ADULT_AGE


def one_year_after(day: date) -> date:
    """The same day a year later (29 February gives 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _report_subject(report: PreSentenceReport) -> str:
    return f"report:{report.pk}"


def _check_appearance(
    errors: dict, *, person: Person, court: Court | None, appearance_date: date | None, purpose: str, offences: str
) -> None:
    """Field checks shared by every appearance: an active court, a real past date, a purpose, the offences."""
    if court is None:
        errors["court"] = "Choose the court."
    elif not court.active:
        errors["court"] = f"{court.name} is no longer an active court: choose another."
    if appearance_date is None:
        errors["appearance_date"] = "Enter the appearance date."
    elif appearance_date > _today():
        errors["appearance_date"] = (
            "The appearance date must be today or in the past: record a hearing once it has happened."
        )
    elif appearance_date < person.date_of_birth:
        errors["appearance_date"] = "The appearance date must be after the person's date of birth."
    elif age_on(person.date_of_birth, appearance_date) < MINIMUM_AGE:
        errors["appearance_date"] = (
            f"The person was under {MINIMUM_AGE} on the appearance date: children under {MINIMUM_AGE} cannot be "
            "charged with an offence."
        )
    if purpose not in CourtAppearance.Purpose.values:
        errors["purpose"] = "Choose the purpose of the hearing."
    if not (offences or "").strip():
        errors["offences"] = "Enter the offences before the court."


def _check_author(errors: dict, *, author: User | None, provider: Provider, field: str = "author") -> None:
    """A report author is an active responsible officer (or manager) of the provider preparing the report."""
    if author is None:
        return
    if not author.is_active or author.role not in AUTHOR_ROLES or author.provider is None:
        errors[field] = f"{author} is not a responsible officer and cannot write a pre-sentence report."
    elif author.provider.pk != provider.pk:
        errors[field] = (
            f"{author} is not a responsible officer of {provider.name}, which is preparing this report: "
            "choose one of its officers."
        )


def _open_report(report: PreSentenceReport) -> PreSentenceReport:
    """The report, locked for the change, or a refusal when it was delivered or withdrawn."""
    report = (
        PreSentenceReport.objects.select_for_update(of=("self",))
        .select_related("case__person", "case__provider")
        .get(pk=report.pk)
    )
    if report.status == PreSentenceReport.Status.DELIVERED:
        raise ValidationError(
            f"This report was delivered to the court on {_fmt(report.delivered_on)} and cannot be changed."
        )
    if report.status == PreSentenceReport.Status.WITHDRAWN:
        raise ValidationError("This report was withdrawn and cannot be changed.")
    return report


# Cases and appearances -------------------------------------------------------------------------------------


@transaction.atomic
def case_open_at_court(
    *,
    by: User,
    person: Person,
    court: Court,
    appearance_date: date,
    purpose: str,
    offences: str,
    team: Team,
    author: User | None = None,
) -> Case:
    """Open a case awaiting sentence, held by the court team preparing the report, and its first appearance.

    A child (under 18 on the appearance date) needs a youth offending team; an adult needs an NPS team (the
    NPS advises every adult court). A person with an open case has the appearance recorded on it instead.
    """
    errors: dict = {}
    _check_appearance(
        errors, person=person, court=court, appearance_date=appearance_date, purpose=purpose, offences=offences
    )
    if team is None:
        errors["team"] = "Choose the court team preparing the report."
    elif not team.active or not team.provider.active:
        errors["team"] = f"{team.name} is no longer an active team."
    elif "appearance_date" not in errors:
        child = _is_child(person, appearance_date)
        if child and team.provider.provider_type != Provider.ProviderType.YOT:
            errors["team"] = (
                f"{person.full_name} was under {ADULT_AGE} on the appearance date: a youth offending team "
                f"prepares a child's report, and {team.name} is not one."
            )
        elif not child and team.provider.provider_type != Provider.ProviderType.NPS_DIVISION:
            errors["team"] = (
                f"{person.full_name} was {ADULT_AGE} or over on the appearance date: the National Probation "
                f"Service advises adult courts, and {team.name} is not an NPS team."
            )
    if team is not None and "team" not in errors:
        _check_author(errors, author=author, provider=team.provider)
    if Case.objects.select_for_update().filter(person=person, status__in=Case.OPEN_STATUSES).exists():
        errors["person"] = (
            f"{person.full_name} already has an open case: record the appearance on their open case instead."
        )
    _raise(errors)
    case = Case(
        person=person,
        provider=team.provider,
        team=team,
        responsible_officer=author,
        status=Case.Status.AWAITING_SENTENCE,
        start_date=appearance_date,
    )
    save_with_history(case, by=by, reason="Case opened at court")
    appearance = CourtAppearance(
        case=case, court=court, appearance_date=appearance_date, purpose=purpose, offences=offences.strip()
    )
    save_with_history(appearance, by=by, reason="First appearance")
    return case


@transaction.atomic
def court_appearance_record(
    *,
    by: User,
    case: Case,
    court: Court,
    appearance_date: date,
    purpose: str,
    offences: str,
    outcome: str = "",
) -> CourtAppearance:
    """Record a hearing on an open case (an adjourned hearing, a sentencing hearing, a breach, a review)."""
    case = Case.objects.select_for_update(of=("self",)).select_related("person").get(pk=case.pk)
    if case.status not in Case.OPEN_STATUSES:
        raise ValidationError(
            {"case": "This case has ended: open a new case at court to record a hearing for a new offence."}
        )
    errors: dict = {}
    _check_appearance(
        errors, person=case.person, court=court, appearance_date=appearance_date, purpose=purpose, offences=offences
    )
    if "appearance_date" not in errors and appearance_date < case.start_date:
        errors["appearance_date"] = f"The appearance date cannot be before the case started ({_fmt(case.start_date)})."
    _raise(errors)
    appearance = CourtAppearance(
        case=case,
        court=court,
        appearance_date=appearance_date,
        purpose=purpose,
        offences=offences.strip(),
        outcome=(outcome or "").strip(),
    )
    return save_with_history(appearance, by=by, reason="Appearance recorded")


# Reports ---------------------------------------------------------------------------------------------------


@transaction.atomic
def report_request(
    *,
    by: User,
    case: Case,
    court_appearance: CourtAppearance,
    report_type: str,
    due_on: date | None,
    author: User | None = None,
) -> PreSentenceReport:
    """Record the court's request for a report at a hearing. Opens the NPS SL001 clock for an NPS case.

    The report is requested on the appearance date. An oral report is due that day (leave `due_on` empty or
    give the same day); a written report is due on the date the court set, which cannot be before the request.
    """
    case = Case.objects.select_for_update(of=("self",)).select_related("person", "provider").get(pk=case.pk)
    errors: dict = {}
    if case.status not in Case.OPEN_STATUSES:
        raise ValidationError({"case": "This case has ended: a report cannot be requested on it."})
    if court_appearance is None or court_appearance.case_id != case.pk:
        errors["court_appearance"] = "Choose a hearing of this case."
    if report_type not in PreSentenceReport.ReportType.values:
        errors["report_type"] = "Choose oral, short format or full written report."
    requested_on = court_appearance.appearance_date if "court_appearance" not in errors else None
    if requested_on is not None and "report_type" not in errors:
        if report_type == PreSentenceReport.ReportType.ORAL:
            if due_on is None:
                due_on = requested_on
            elif due_on != requested_on:
                errors["due_on"] = (
                    f"An oral report is given on the day of the hearing: it is due on {_fmt(requested_on)}."
                )
        elif due_on is None:
            errors["due_on"] = "Enter the date the court set for the report."
        elif due_on < requested_on:
            errors["due_on"] = (
                f"The due date cannot be before the report was requested at the hearing on {_fmt(requested_on)}."
            )
        elif due_on > one_year_after(requested_on):
            errors["due_on"] = (
                "The due date must be no more than a year after the hearing that asked for the report: "
                f"{_fmt(one_year_after(requested_on))} at the latest."
            )
    _check_author(errors, author=author, provider=case.provider)
    if (
        "court_appearance" not in errors
        and PreSentenceReport.objects.filter(
            court_appearance=court_appearance, status__in=PreSentenceReport.OPEN_STATUSES
        ).exists()
    ):
        errors["court_appearance"] = (
            "A report requested at this hearing is still open: change that report, or withdraw it first."
        )
    _raise(errors)
    report = PreSentenceReport(
        case=case,
        court_appearance=court_appearance,
        report_type=report_type,
        requested_on=requested_on,
        due_on=due_on,
        author=author,
    )
    save_with_history(report, by=by, reason="Report requested by the court")
    events.publish(
        events.REPORT_REQUESTED, case=case, subject=_report_subject(report), on=requested_on, by=by, due_on=due_on
    )
    return report


def _check_content(errors: dict, report: PreSentenceReport, fields: dict) -> None:
    unknown = set(fields) - set(REPORT_CONTENT_FIELDS)
    for name in sorted(unknown):
        errors[name] = "This is not part of a report's content."
    child = _is_child(report.case.person, report.requested_on)
    disposal = fields.get("proposal_disposal")
    if disposal:
        if disposal not in Disposal.values:
            errors["proposal_disposal"] = "Choose a sentence from the list."
        elif child and disposal not in YOUTH_DISPOSALS:
            errors["proposal_disposal"] = (
                f"{Disposal(disposal).label} is a sentence for adults: propose a youth disposal for a child."
            )
        elif not child and disposal not in ADULT_DISPOSALS:
            errors["proposal_disposal"] = (
                f"{Disposal(disposal).label} is a youth disposal: propose a community order, a suspended sentence "
                "order or custody for an adult."
            )
    engagement = fields.get("parent_or_carer_engagement")
    if engagement:
        if not child:
            errors["parent_or_carer_engagement"] = (
                "Parent or carer engagement is recorded on youth reports only: this person is an adult."
            )
        elif engagement not in PreSentenceReport.ParentOrCarerEngagement.values:
            errors["parent_or_carer_engagement"] = "Choose how parents or carers took part."


@transaction.atomic
def report_update(*, by: User, report: PreSentenceReport, **fields) -> PreSentenceReport:
    """Change the report's content while it is open. Writing content puts a requested report in progress."""
    report = _open_report(report)
    errors: dict = {}
    _check_content(errors, report, fields)
    _raise(errors)
    changed = {}
    for name, value in fields.items():
        value = (value or "").strip()
        if getattr(report, name) != value:
            changed[name] = value
    if not changed:
        return report
    for name, value in changed.items():
        setattr(report, name, value)
    if report.status == PreSentenceReport.Status.REQUESTED:
        report.status = PreSentenceReport.Status.IN_PROGRESS
    return save_with_history(report, by=by, reason="Report content changed")


@transaction.atomic
def report_assign_author(*, by: User, report: PreSentenceReport, author: User) -> PreSentenceReport:
    """Give the report to an author: a responsible officer of the provider preparing it."""
    report = _open_report(report)
    errors: dict = {}
    if author is None:
        errors["author"] = "Choose the author."
    _check_author(errors, author=author, provider=report.case.provider)
    _raise(errors)
    if report.author_id == author.pk:
        return report
    report.author = author
    return save_with_history(report, by=by, reason="Author assigned")


def delivery_problems(report: PreSentenceReport) -> dict[str, str]:
    """What the report still needs before it can be delivered, one message per missing item (field -> message).

    Reads the report's information requests and linked screenings (prefetched ones when available).
    """
    problems: dict[str, str] = {}
    if not report.offence_analysis.strip():
        problems["offence_analysis"] = "Add the offence analysis."
    if not report.circumstances.strip():
        problems["circumstances"] = "Add the person's circumstances."
    if not report.proposal_disposal:
        problems["proposal_disposal"] = "Add the proposal: the sentence you propose to the court."
    screenings = report.risk_screenings.all()
    if not any(s.kind == SCREENING and s.status == COMPLETED for s in screenings):
        problems["risk_screening"] = (
            "Complete a risk of serious harm screening for this report: the court and the provider that "
            "supervises the sentence rely on it."
        )
    unanswered = [
        request
        for request in report.information_requests.all()
        if request.status == InformationRequest.Status.REQUESTED
    ]
    if unanswered:
        sources = ", ".join(request.get_source_display().lower() for request in unanswered)
        problems["information_requests"] = (
            f"Record whether the information asked for arrived (received or not received in time): {sources}."
        )
    if _is_child(report.case.person, report.requested_on) and not report.parent_or_carer_engagement:
        problems["parent_or_carer_engagement"] = "Record how parents or carers took part in this youth report."
    return problems


@transaction.atomic
def report_deliver(*, by: User, report: PreSentenceReport, delivered_on: date) -> PreSentenceReport:
    """Deliver the report to the court. Stops the NPS SL001 clock: met if on or before the due date."""
    report = _open_report(report)
    errors: dict = dict(delivery_problems(report))
    if delivered_on is None:
        errors["delivered_on"] = "Enter the date the report was delivered."
    elif delivered_on > _today():
        errors["delivered_on"] = "The delivery date must be today or in the past."
    elif delivered_on < report.requested_on:
        errors["delivered_on"] = (
            f"The delivery date cannot be before the report was requested ({_fmt(report.requested_on)})."
        )
    _raise(errors)
    report.status = PreSentenceReport.Status.DELIVERED
    report.delivered_on = delivered_on
    save_with_history(report, by=by, reason="Report delivered to the court")
    events.publish(events.REPORT_DELIVERED, case=report.case, subject=_report_subject(report), on=delivered_on, by=by)
    return report


@transaction.atomic
def report_withdraw(*, by: User, report: PreSentenceReport, reason: str) -> PreSentenceReport:
    """The court no longer needs the report (for example it sentenced without one). Cancels its clock."""
    report = _open_report(report)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the report was withdrawn."})
    report.status = PreSentenceReport.Status.WITHDRAWN
    report.withdrawn_reason = reason
    save_with_history(report, by=by, reason="Report withdrawn")
    events.publish(
        events.REPORT_WITHDRAWN,
        case=report.case,
        subject=_report_subject(report),
        on=max(_today(), report.requested_on),
        by=by,
    )
    return report


# Information requests --------------------------------------------------------------------------------------


@transaction.atomic
def information_request_add(
    *, by: User, report: PreSentenceReport, source: str, details: str, requested_on: date
) -> InformationRequest:
    """Record that the author asked another agency for information (police call-outs, children's services)."""
    report = _open_report(report)
    errors: dict = {}
    if source not in InformationRequest.Source.values:
        errors["source"] = "Choose who the information was asked from."
    elif source == InformationRequest.Source.OTHER and not (details or "").strip():
        errors["details"] = "Say who was asked and for what."
    if requested_on is None:
        errors["requested_on"] = "Enter the date the information was asked for."
    elif requested_on > _today():
        errors["requested_on"] = "The date asked must be today or in the past."
    elif requested_on < report.requested_on:
        errors["requested_on"] = (
            f"The date asked cannot be before the report was requested ({_fmt(report.requested_on)})."
        )
    _raise(errors)
    information_request = InformationRequest(
        report=report, source=source, details=(details or "").strip(), requested_on=requested_on
    )
    save_with_history(information_request, by=by, reason="Information requested")
    if report.status == PreSentenceReport.Status.REQUESTED:
        report.status = PreSentenceReport.Status.IN_PROGRESS
        save_with_history(report, by=by, reason="Work on the report started")
    return information_request


@transaction.atomic
def information_request_record_response(
    *,
    by: User,
    information_request: InformationRequest,
    status: str,
    received_on: date | None = None,
    summary: str = "",
) -> InformationRequest:
    """Record that the information arrived (with the date and what it said), or did not arrive in time."""
    information_request = InformationRequest.objects.select_for_update().get(pk=information_request.pk)
    _open_report(information_request.report)
    errors: dict = {}
    summary = (summary or "").strip()
    if status == InformationRequest.Status.RECEIVED:
        if received_on is None:
            errors["received_on"] = "Enter the date the information arrived."
        elif received_on > _today():
            errors["received_on"] = "The date it arrived must be today or in the past."
        elif received_on < information_request.requested_on:
            errors["received_on"] = (
                f"The date it arrived cannot be before it was asked for ({_fmt(information_request.requested_on)})."
            )
        if not summary:
            errors["summary"] = "Enter what the information said."
    elif status == InformationRequest.Status.NOT_RECEIVED:
        if received_on is not None:
            errors["received_on"] = "Leave the date empty: the information did not arrive in time."
    else:
        errors["status"] = "Choose received or not received in time."
    _raise(errors)
    information_request.status = status
    information_request.received_on = received_on if status == InformationRequest.Status.RECEIVED else None
    information_request.summary = summary
    return save_with_history(information_request, by=by, reason="Response recorded")
