"""Demo data for oversight (issue 7): a manager's figures that have something in them.

`build_oversight` runs after the rest of the demo (cases.demo.demo_build, with its journey, risk, delivery and
enforcement demos), in the same transaction: `manage.py seed_demo` calls it once demo_build has loaded the data.
It reads what is there, adds only what the earlier demos do not give the oversight pages, and writes everything
through the services with a named member of staff, so history says who did it and the clocks open and stop
from real events. The earlier demos keep every sentence running today, so without this step the last full
quarter (the default period of the service-level page) would hold few clocks and no completed sentence at all.

1. Court to plan in the last full quarter: people with no open case (their earlier case ended long before) come
   back to court. The NPS court team writes the pre-sentence report (NPS SL001) and the court sentences; `manager`
   allocates (NPS SL002) to Manchester North for high risk people and to Manchester Central (CRC) for medium
   risk ones; the first appointment (NPS SL003R, CRC SL001) and the sentence plan (NPS SL005R, CRC SL003) follow.
   Custody cases are released in the quarter: the first appointment after release (NPS SL004R, CRC SL002), the
   plan after it (NPS SL006R, CRC SL004) and, in the CRC, the basic custody screening and resettlement plan (CRC
   SL013) with the accommodation on release (CRC AC). Each of these clocks is met on most cases and missed on the
   one INTAKE names, so every main service level of both teams shows met and missed clocks.
2. Sentences that ended in the quarter (ENDED_CASES): community orders and licences (post-sentence supervision
   included) of the NPS, both CRCs and the youth offending team, most completed positively, some revoked or
   breached and re-sentenced, one transferred out. The team's manager ends each case with its outcome (CRC SL008,
   SL009a; NPS SL018, SL019), mostly within TERMINATION_RECORDING_DAYS (CRC SL007), one late and two still open
   with the sentence over. Unpaid work requirements on the CRC orders are completed (every hour credited on
   sessions) or terminated (CRC SL010).
3. CRC enforcement in the quarter. The enforcement demo's breaches and recalls are dated back from today, so few
   of the CRCs' reached court or public protection casework in the last full quarter. New people (CRC_RECALLS,
   CRC_BREACHES) get CRC cases of their own: licences recalled in the quarter (reviewed, countersigned, sent to
   public protection casework, one asked for more information: CRC SL017) and orders breached after a warning,
   the packs going through sign-off and the NPS to court in the quarter (one heard, the court asking for more on
   another, which the officer answers with a corrected version: CRC SL016).
4. Transfers between officers of a team (cases.services.allocation.case_transfer), so continuity shows cases
   with one, two and three or more officers. Caseloads do not change: each case moved away is matched by one
   moved in.
5. Case quality audits: a completed one and one in progress for `manager`'s team (Manchester North), a completed
   one for Manchester Central (`central.manager`), drawn with fixed seeds and answered with reasons, "yes"
   at about the inspectorate's 2017 national rates.
6. Management oversight notes (case reviews) on a few cases of those two teams.

Then the alert scan runs again (timeliness.services.alerts_raise) for the clocks the steps above opened.

Deterministic: its own `random.Random` derived from the seed, people and cases taken in id order. Dates are
working days before the demo's `today`, never after the real day. With few people (a small --people) the steps
that find nobody suitable are skipped and the summary says so.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone

from accounts.models import Court, Region, Team, User
from cases import services as case_services
from cases.models import (
    Case,
    Contact,
    ContactOutcome,
    Disposal,
    InformationRequest,
    ManagementOversightNote,
    NeedArea,
    OfficerAssignment,
    Person,
    PersonAccessLimit,
    Requirement,
    ResettlementPlan,
    Sentence,
    SentencePlan,
    TerminationReason,
    age_on,
)
from cases.services import allocation, contacts, court, plans, sentencing
from cases.services.oversight import oversight_note_add
from oversight import services as oversight_services
from oversight.models import AUDIT_QUESTIONS, CaseAudit
from oversight.scopes import Period, Scope, last_full_quarter
from oversight.selectors.audits import audited_cases
from timeliness.calendar import add_working_days, is_working_day
from timeliness.registry import BY_CODE

DEMO_REGION_NAME = "North West"  # cases.demo.DEMO_REGION_NAME (not imported: cases.demo imports the other demos)
Outcome = Case.TerminationOutcome

# Step 1: court to plan in the quarter. (team, officer, kind, RoSH level, the clock missed: "" for none)
INTAKE = (
    ("N01MN", "north.officer2", "community", 3, "NPS SL001"),
    ("N01MN", "officer", "community", 3, "NPS SL002"),
    ("N01MN", "north.officer3", "community", 4, "NPS SL003R"),
    ("N01MN", "north.officer2", "community", 3, "NPS SL005R"),
    ("N01MN", "north.officer3", "release", 3, "NPS SL004R"),
    ("N01MN", "officer", "release", 3, "NPS SL006R"),
    ("C04MC", "central.officer2", "community", 2, "CRC SL001"),
    ("C04MC", "crc.officer", "community", 2, "CRC SL003"),
    ("C04MC", "central.officer4", "screened_and_released", 2, "CRC SL013"),
    ("C04MC", "central.officer3", "screened_and_released", 1, "CRC SL002"),
    ("C04MC", "central.officer2", "release", 2, "CRC SL004"),
)
# The accommodation each CRC release goes to (CRC AC: settled accommodation on release), in INTAKE order.
RELEASE_ACCOMMODATION = (
    ResettlementPlan.Accommodation.SETTLED,
    ResettlementPlan.Accommodation.TEMPORARY,
    ResettlementPlan.Accommodation.SETTLED,
)

# Step 2: sentences that ended in the quarter. (team, kind, outcome, what else)
# kind: "community" (community order), "licence" (custody, then licence and post-sentence supervision), "youth"
# (youth rehabilitation order). What else: "upw" (unpaid work, completed or terminated with the order), "late"
# (ended after TERMINATION_RECORDING_DAYS), "open" (sentence over, the case still open).
ENDED_CASES = (
    ("N01MN", "community", Outcome.COMPLETED_POSITIVELY, ""),
    ("N01MN", "community", Outcome.COMPLETED_POSITIVELY, ""),
    ("N01MN", "community", Outcome.BREACHED_AND_RESENTENCED, ""),
    ("N01MN", "licence", Outcome.COMPLETED_POSITIVELY, ""),
    ("N01MN", "licence", Outcome.REVOKED, ""),
    ("N01ST", "community", Outcome.COMPLETED_POSITIVELY, ""),
    ("N01ST", "licence", Outcome.COMPLETED_POSITIVELY, ""),
    ("N01ST", "community", Outcome.TRANSFERRED_OUT, ""),
    ("C04MC", "community", Outcome.COMPLETED_POSITIVELY, "upw"),
    ("C04MC", "community", Outcome.REVOKED, "upw"),
    ("C04MC", "licence", Outcome.COMPLETED_POSITIVELY, ""),
    ("C04OR", "community", Outcome.COMPLETED_POSITIVELY, "upw"),
    ("C04OR", "licence", Outcome.REVOKED, ""),
    ("C04OR", "community", Outcome.COMPLETED_POSITIVELY, "open"),
    ("C05PC", "community", Outcome.COMPLETED_POSITIVELY, "late"),
    ("C05PC", "licence", Outcome.COMPLETED_POSITIVELY, ""),
    ("C05PC", "community", Outcome.COMPLETED_POSITIVELY, "open"),
    ("Y01MC", "youth", Outcome.COMPLETED_POSITIVELY, ""),
)
# Officers who hold the ended cases, by team (not the demo sign-ins: their caseloads stay as the README says).
ENDED_CASE_OFFICERS = {
    "N01MN": ("north.officer2", "north.officer3"),
    "N01ST": ("salford.officer1", "salford.officer2", "salford.officer3"),
    "C04MC": ("central.officer2", "central.officer3", "central.officer4"),
    "C04OR": ("oldham.officer1", "oldham.officer2", "oldham.officer3"),
    "C05PC": ("preston.officer1", "preston.officer2", "preston.officer4"),
    "Y01MC": ("yot.officer2",),
}
UNPAID_WORK_HOURS = 40
UNPAID_WORK_SESSION = (clock_time(9), clock_time(16))  # 7 hours
UNPAID_WORK_SUPERVISORS = {"C04": "supervisor", "C05": "preston.supervisor"}  # by provider code

# Step 3: CRC enforcement in the quarter. Recalls on CRC licences: (share of the quarter at which the officer becomes
# aware, whether public protection casework asks for more information). Breaches of CRC orders: (share of the quarter
# at which the pack goes to court, whether the court asks for more).


@dataclass(frozen=True)
class EnforcementExample:
    """A person of step 3, new to the demo: their CRC case, and when in the quarter (a share of it) the officer
    becomes aware of the rise in risk (a recall) or the pack goes to court (a breach)."""

    first_name: str
    last_name: str
    gender: str
    age: int
    officer: str  # the responsible officer (never a demo sign-in: their caseloads stay as the README says)
    share: float
    asked: bool  # public protection casework (a recall) or the court (a breach) asks for more information


CRC_RECALLS = (
    EnforcementExample("Jason", "Ashworth", "male", 34, "central.officer3", 0.15, False),
    EnforcementExample("Craig", "Fairhurst", "male", 29, "central.officer4", 0.35, True),
    EnforcementExample("Nathan", "Cowell", "male", 41, "preston.officer2", 0.55, False),
    EnforcementExample("Leanne", "Battersby", "female", 32, "central.officer2", 0.7, False),
)
CRC_BREACHES = (
    EnforcementExample("Ryan", "Holt", "male", 23, "central.officer2", 0.25, False),
    EnforcementExample("Stacey", "Whitworth", "female", 27, "central.officer3", 0.45, True),
    EnforcementExample("Mark", "Eccleston", "male", 38, "preston.officer1", 0.6, False),
)
RECALL_REQUEST = (
    "The licence copy sent is unsigned and the reasons do not say which condition was breached: please send the "
    "signed licence and the condition.",
    "Signed licence sent; the condition breached is the exclusion zone (condition 7).",
)
BREACH_CORRECTION = "Added the warning letter and the current address, which the court asked for."
NPS_PRESENTER = "manager"  # accepts the CRCs' breach referrals and presents them (as in enforcement.demo_breach)
# By provider code: the magistrates' court a CRC's breaches go to, and the town its people live in.
LOCAL_COURTS = {"C04": "MNMC", "C05": "PRMC"}
HOME_TOWNS = {"C04": ("Manchester", "Moss Lane East", "M14"), "C05": ("Preston", "Ribbleton Lane", "PR1")}

# Step 4: transfers between officers of a team. Shares of each team's eligible active cases, at least two cases
# each (a case moved away is matched by one moved in).
TWO_OFFICERS_SHARE = 0.12
THREE_OFFICERS_SHARE = 0.03
TRANSFER_TEAMS = ("N01MN", "N01ST", "C04MC", "C04OR", "C05PC", "Y01MC")
TRANSFER_REASONS = (
    (OfficerAssignment.Reason.WORKLOAD, ""),
    (OfficerAssignment.Reason.WORKLOAD, ""),
    (OfficerAssignment.Reason.OFFICER_LEFT, ""),
    (OfficerAssignment.Reason.CONFLICT_OF_INTEREST, ""),
    (OfficerAssignment.Reason.OTHER, "The officer moved to the court team for six months."),
)

# Step 5: audits. (team, manager, sample size, seed, days before today drawn, cases answered: None for all)
AUDITS = (
    ("N01MN", "manager", 6, 20170801, 56, None),
    ("C04MC", "central.manager", 5, 20170802, 42, None),
    ("N01MN", "manager", 8, 20170803, 6, 3),
)
DEFAULT_YES_RATE = 0.65  # questions with no 2017 national figure
AUDIT_REASONS = {
    "risk_of_harm_assessment": (
        "The screening covers the previous violence, the domestic abuse call-outs and the children's services check.",
        "Completed without the domestic abuse or child safeguarding checks the report asked for.",
    ),
    "reoffending_assessment": (
        "Drinking and unemployment are linked to the offence; the support of the family is noted as a strength.",
        "Lists the needs but does not say how they led to the offence; no strengths recorded.",
    ),
    "sufficient_plan": (
        "The objectives answer the risks found, with a contingency if he goes back to the former partner's address.",
        "No contingency plan; the objectives do not mention the risk to the former partner.",
    ),
    "meaningfully_involved": (
        "Plan agreed at a three-way meeting; the person's own goals are written in their words.",
        "Plan written from the report before the first meeting and not gone through with the person since.",
    ),
    "diversity": (
        "Dyslexia noted: letters are read through at each appointment, which are after the person's shifts.",
        "Caring responsibilities mentioned at induction, but appointment times were never changed.",
    ),
    "interventions_progress": (
        "Activity days and unpaid work started in the first month and are on track.",
        "Referred to the programme three months ago and still waiting; no other work started meanwhile.",
    ),
    "changes_in_risk": (
        "The new address was checked with the police and the plan reviewed within a week.",
        "A new partner was disclosed at the last appointment: no police check and no risk review recorded.",
    ),
    "non_compliance": (
        "Absences judged on the evidence; the warning letter went within the decision window.",
        "Two unacceptable absences with no decision recorded for three weeks.",
    ),
    "sufficient_review": (
        "Plan and risk reviewed at three months with the person present.",
        "No review since the plan was completed more than six months ago.",
    ),
}

# Step 6: management oversight notes (case reviews). (team, manager, how many)
CASE_REVIEWS = (("N01MN", "manager", 4), ("C04MC", "central.manager", 2))
CASE_REVIEW_NOTES = (
    "Reviewed in supervision. Risk management plan is current and the contingencies are clear; keep the "
    "fortnightly home visits until the review in six weeks.",
    "Case discussed in supervision: attendance has dropped since the move. Agreed a three-way meeting with the "
    "housing officer and a review of the plan within two weeks.",
    "Read the last three months of contacts. Good work on engagement; the referral to the drug service is "
    "overdue: make it this week and record why it was delayed.",
    "Reviewed after the police information about a new partner. Domestic abuse checks requested; risk review to "
    "be completed by Friday. Discuss with me before any change to reporting.",
    "Countersigned the plan review. Objectives still fit; unpaid work is behind: book two sessions a week until "
    "the hours are back on track.",
    "Supervision: the person wants a female officer. Agreed to transfer at the next allocation meeting; keep "
    "the current appointments until then.",
)

OFFENCES = (
    "Assault occasioning actual bodily harm.",
    "Burglary of a dwelling.",
    "Theft from a shop; failing to surrender to bail.",
    "Possession of a bladed article in a public place.",
    "Criminal damage; threatening behaviour.",
    "Harassment of a former partner.",
    "Possession of a class A drug with intent to supply.",
)
TERMINATION_NOTES = {
    Outcome.COMPLETED_POSITIVELY: "Order ran its full term; all requirements completed.",
    Outcome.REVOKED: "Revoked by the court after further offending; a new sentence is on another case.",
    Outcome.BREACHED_AND_RESENTENCED: "Breach proved at court for missed appointments; re-sentenced.",
    Outcome.TRANSFERRED_OUT: "Transferred to the probation service in Wales after moving to Cardiff.",
}
PLAN_OBJECTIVES = (
    (NeedArea.ACCOMMODATION, "Move into a settled tenancy.", "Referral to the housing options team.", "Housing"),
    (NeedArea.EDUCATION_TRAINING_EMPLOYMENT, "Find steady work.", "CV and interview practice.", "ETE adviser"),
    (NeedArea.ALCOHOL_MISUSE, "Cut down drinking.", "Alcohol brief intervention.", "Alcohol service"),
    (NeedArea.THINKING_AND_BEHAVIOUR, "Stop and think when angry.", "One-to-one work on consequences.", "Officer"),
)

# Who does what (usernames in cases.demo.STAFF).
REPORT_AUTHOR = "north.officer2"  # the NPS court team officer who writes reports (as in cases.demo_journey)
ALLOCATING_MANAGER = "manager"  # the NPS manager who allocates after sentence


def _working_day_on_or_after(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def _working_days_before(day: date, count: int) -> date:
    while count:
        day -= timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def _at(day: date, at: clock_time = clock_time(10)) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _custodial_term(sentenced_on: date, released_on: date) -> int:
    """A custodial term (months) whose halfway point is about `released_on`, never ending before it."""
    term = max(2, math.ceil(2 * (released_on - sentenced_on).days / 30.4))
    while sentenced_on + relativedelta(months=term) < released_on:
        term += 1
    return term


# Summary ---------------------------------------------------------------------------------------------------------


@dataclass
class OversightSummary:
    """What `build_oversight` made, for the seed_demo command to print."""

    quarter: Period
    intake: Counter = field(default_factory=Counter)  # team name -> cases through court to plan
    ended: Counter = field(default_factory=Counter)  # termination outcome -> cases ended in the quarter
    still_open: int = 0  # sentences over in the quarter, case still open
    ended_late: int = 0
    unpaid_work: Counter = field(default_factory=Counter)  # completed, terminated
    releases: Counter = field(default_factory=Counter)  # accommodation on release (CRC)
    crc_recalls: Counter = field(default_factory=Counter)  # "sent" to public protection casework, "asked" for more
    crc_breaches: Counter = field(default_factory=Counter)  # "sent" to court, "asked" for more by the court
    transfers: int = 0
    officers: Counter = field(default_factory=Counter)  # cases with "two" and "three" officers after the transfers
    audits: list[str] = field(default_factory=list)
    case_reviews: int = 0
    team_clocks: dict[str, Counter] = field(default_factory=dict)  # service level -> met / missed ("manager"'s)
    skipped: Counter = field(default_factory=Counter)  # what found no suitable person or case
    alerts_raised: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        intake = ", ".join(f"{team} {count}" for team, count in self.intake.items())
        ended = ", ".join(f"{Outcome(code).label.lower()} {count}" for code, count in self.ended.most_common())
        clocks = "; ".join(
            f"{code} {counts['met']} met, {counts['missed']} missed" for code, counts in self.team_clocks.items()
        )
        lines = [
            f"Oversight data loaded in {self.seconds:.1f} s.",
            f"  Last full quarter: {self.quarter.label}.",
            f"  From court to plan in the quarter: {sum(self.intake.values())} cases ({intake or 'none'}).",
            f"  Cases ended in the quarter with a sentence: {sum(self.ended.values())} ({ended or 'none'}); "
            f"ended late: {self.ended_late}; sentence over, case still open: {self.still_open}.",
            f"  Unpaid work ended: completed {self.unpaid_work['completed']}, terminated "
            f"{self.unpaid_work['terminated']}. CRC releases: settled accommodation "
            f"{self.releases[ResettlementPlan.Accommodation.SETTLED]}, other "
            f"{sum(self.releases.values()) - self.releases[ResettlementPlan.Accommodation.SETTLED]}.",
            f"  CRC recalls sent to public protection casework in the quarter: {self.crc_recalls['sent']} "
            f"({self.crc_recalls['asked']} asked for more information); CRC breach packs sent to court: "
            f"{self.crc_breaches['sent']} (the court asked for more on {self.crc_breaches['asked']}).",
            f"  Transfers between officers: {self.transfers} (cases with two officers {self.officers['two']}, "
            f"three or more {self.officers['three']}).",
            f"  Case quality audits: {'; '.join(self.audits) or 'none'}. Case reviews recorded: {self.case_reviews}.",
        ]
        if clocks:
            lines.append(f"  `manager`'s team in the quarter: {clocks}.")
        if self.skipped:
            lines.append(
                "  Left out for want of a suitable person or case: "
                + ", ".join(f"{what} {count}" for what, count in sorted(self.skipped.items()))
                + "."
            )
        return lines


# Builder ---------------------------------------------------------------------------------------------------------


class OversightBuilder:
    """Writes the oversight demo through the services. Use `build_oversight`."""

    def __init__(self, region: Region, *, seed: int, today: date):
        self.rng = random.Random(f"oversight demo {seed}")
        self.today = min(today, timezone.localdate())  # the services refuse dates in the future
        self.quarter = last_full_quarter(self.today)
        # Sentences of the quarter end at least TERMINATION_RECORDING_DAYS (and a margin) before today.
        self.latest_end = min(self.quarter.end, self.today - timedelta(days=settings.TERMINATION_RECORDING_DAYS + 2))
        self.region = region
        self.staff = {user.username: user for user in User.objects.filter(team__provider__region=region)}
        self.staff.update({user.username: user for user in User.objects.filter(courts__region=region)})
        self.teams = {
            team.code: team for team in Team.objects.filter(provider__region=region).select_related("provider")
        }
        self.courts = {court.code: court for court in Court.objects.filter(region=region)}
        self.managers = {
            user.team_id: user
            for user in User.objects.filter(
                team__provider__region=region, role=User.Role.MANAGER, senior_manager=False, is_active=True
            ).order_by("pk")
        }
        self.outcomes = {outcome.code: outcome for outcome in ContactOutcome.objects.filter(active=True)}
        self.summary = OversightSummary(quarter=self.quarter)
        self.touched: set[int] = set()  # cases written here: left out of the transfers
        self.pool = self._free_people()

    def _user(self, username: str) -> User | None:
        return self.staff.get(username)

    # People with no open case ------------------------------------------------------------------------------

    def _free_people(self) -> list[Person]:
        """People of the region with no open case and no access list, each annotated with the day their latest
        case ended, in id order then shuffled with the demo's stream."""
        from risk.models import MappaRegistration, RoshAssessment

        people = list(
            Person.objects.filter(cases__provider__region=self.region)
            .annotate(
                open_cases=Count("cases", filter=Q(cases__status__in=Case.OPEN_STATUSES), distinct=True),
                last_end=Max("cases__end_date"),
                limited=Exists(PersonAccessLimit.objects.filter(person_id=OuterRef("pk"))),
                draft=Exists(
                    RoshAssessment.objects.filter(person_id=OuterRef("pk"), status=RoshAssessment.Status.DRAFT)
                ),
                mappa=Exists(MappaRegistration.objects.filter(person_id=OuterRef("pk"), end_date__isnull=True)),
                assessed_on=Max("rosh_assessments__assessment_date"),
            )
            .filter(open_cases=0, limited=False)
            .order_by("pk")
            .distinct()
        )
        self.rng.shuffle(people)
        return people

    def _take_person(
        self, *, starts_on: date, child: bool = False, ends_on: date | None = None, screened: bool = False
    ):
        """The first free person whose last case ended at least 30 days before `starts_on`, of the right age on
        that day (a child: 10 to 17 until `ends_on`), and (when a new screening will decide the provider) with no
        draft assessment, no MAPPA registration and no assessment after `starts_on`."""
        for index, person in enumerate(self.pool):
            if person.last_end is None or person.last_end > starts_on - timedelta(days=30):
                continue
            age = age_on(person.date_of_birth, starts_on)
            if child != (age < 18) or age < 10:
                continue
            if child and ends_on is not None and age_on(person.date_of_birth, ends_on) >= 18:
                continue
            if not child and person.age() < 18:
                continue
            if screened and (person.draft or person.mappa or (person.assessed_on and person.assessed_on >= starts_on)):
                continue
            return self.pool.pop(index)
        return None

    # Building blocks ----------------------------------------------------------------------------------------

    def _appointment(
        self, case: Case, officer: User, day: date, *, first: bool = True, code: str = "attended_complied"
    ):
        contact = contacts.appointment_book(
            by=officer,
            case=case,
            contact_type=Contact.ContactType.INITIAL_APPOINTMENT if first else Contact.ContactType.OFFICE_APPOINTMENT,
            starts_at=_at(day, clock_time(self.rng.choice((9, 10, 11, 14)), 0)),
            method=Contact.Method.FACE_TO_FACE,
            duration_minutes=60 if first else 45,
            location=f"{case.team.name} office",
            staff=officer,
        )
        return contacts.appointment_record_outcome(by=officer, contact=contact, outcome=self.outcomes[code])

    def _plan(self, person: Person, case: Case, officer: User, completed_on: date) -> None:
        """A sentence plan with two objectives (target dates ahead, within the order), completed on the day."""
        sentence = plans.current_sentence(case)
        earliest = timezone.localdate() + timedelta(days=14)
        latest = min(timezone.localdate() + timedelta(days=300), sentence.end_date or date.max)
        plan = plans.plan_start(by=officer, case=case)
        fields = {
            "strengths": "Supportive family; wants to keep the job they started in the spring.",
            "involvement": SentencePlan.Involvement.YES,
        }
        if plans.is_woman(person):
            fields.update(female_officer_offered=True, women_only_setting_offered=True)
        plans.plan_update(by=officer, plan=plan, **fields)
        for need_area, description, actions, who in self.rng.sample(PLAN_OBJECTIVES, 2):
            target = earliest + timedelta(days=self.rng.randint(0, max(0, (latest - earliest).days)))
            plans.objective_add(
                by=officer,
                plan=plan,
                need_area=need_area,
                description=description,
                actions=actions,
                who_delivers=who,
                target_date=target,
            )
        plans.plan_complete(by=officer, plan=plan, completed_on=completed_on)

    def _screening(self, person: Person, report, *, by: User, on: date, level: int) -> None:
        from risk import services as risk_services

        draft = risk_services.assessment_start(
            by=by,
            person=person,
            kind="screening",
            assessment_date=on,
            pre_sentence_report=report,
            risk_to_public=level,
            risk_to_known_adults=max(1, level - 1),
            risk_to_children=1,
            risk_to_staff=1,
            who_is_at_risk="A former partner; members of the public in the town centre at night.",
            nature_of_risk="Violence when drinking, causing injury.",
            circumstances_increasing_risk="Heavy drinking at weekends; the end of a relationship.",
        )
        risk_services.assessment_complete(by=self.managers[by.team_id], assessment=draft)

    def _reported_and_sentenced(self, person: Person, *, due_on: date, late: bool, level: int, **sentence):
        """Opened at court three weeks before the report is due; the report delivered the day before it is due
        (or two working days late, the court adjourning to read it); sentenced the working day after delivery
        (or on the due day). Returns the case and the day of sentence."""
        author = self.staff[REPORT_AUTHOR]
        opened_on = _working_days_before(due_on, 15)
        offences = self.rng.choice(OFFENCES)
        case = court.case_open_at_court(
            by=author,
            person=person,
            court=self.courts["MNMC"],
            appearance_date=opened_on,
            purpose="adjourned_for_report",
            offences=offences,
            team=author.team,
            author=author,
        )
        appearance = case.court_appearances.order_by("-appearance_date", "-pk").first()
        report = court.report_request(
            by=author,
            case=case,
            court_appearance=appearance,
            report_type="full_written",
            due_on=due_on,
            author=author,
        )
        delivered_on = add_working_days(due_on, 2) if late else _working_days_before(due_on, 1)
        disposal = sentence["disposal"]
        court.report_update(
            by=author,
            report=report,
            offence_analysis="Accepts responsibility; the offence followed a day of heavy drinking.",
            circumstances="Lives with a parent; out of work since the spring.",
            proposal_disposal=disposal,
            proposal_requirements="Rehabilitation activity requirement." if disposal != Disposal.CUSTODY else "",
            proposal_reasons="Addresses the drinking and the thinking behind the offence.",
        )
        request = court.information_request_add(
            by=author,
            report=report,
            source=InformationRequest.Source.POLICE_DOMESTIC_ABUSE,
            details="",
            requested_on=report.requested_on,
        )
        court.information_request_record_response(
            by=author,
            information_request=request,
            status=InformationRequest.Status.RECEIVED,
            received_on=delivered_on,
            summary="Two call-outs to the family home last year; no further action.",
        )
        self._screening(person, report, by=author, on=delivered_on, level=level)
        court.report_deliver(by=author, report=report, delivered_on=delivered_on)
        sentenced_on = add_working_days(delivered_on, 1) if late else due_on
        appearance = court.court_appearance_record(
            by=author,
            case=case,
            court=self.courts["MNMC"],
            appearance_date=sentenced_on,
            purpose="sentence",
            offences=offences,
            outcome="Sentenced.",
        )
        sentencing.sentence_record(
            by=author, case=case, sentence_date=sentenced_on, court_appearance=appearance, **sentence
        )
        return case, sentenced_on

    def _allocate(self, case: Case, officer: User, on: date) -> Case:
        note = ""
        if allocation.allocation_decision(person=case.person, on=on).high_risk:
            note = (
                f"Read the report and the risk of serious harm screening. Allocated to {officer.get_full_name()}, "
                "who has experience of high risk cases and room on their caseload. First appointment within 5 days."
            )
        return allocation.case_allocate(
            by=self.staff[ALLOCATING_MANAGER],
            case=case,
            team=officer.team,
            responsible_officer=officer,
            on=on,
            oversight_note=note,
        )

    # 1. Court to plan in the quarter -----------------------------------------------------------------------

    def build_intake(self) -> None:
        quarter = self.quarter
        span = (quarter.end - quarter.start).days
        crc_release = 0
        for index, (team_code, username, kind, level, late_code) in enumerate(INTAKE):
            officer = self._user(username)
            if officer is None or team_code not in self.teams:
                self.summary.skipped["court to plan"] += 1
                continue
            # Spread over the quarter, each far enough from its end for the plan clock to fall due in it.
            offset = int(span * (0.12 + 0.5 * index / max(1, len(INTAKE) - 1)))
            allocated_on = _working_day_on_or_after(quarter.start + timedelta(days=offset))
            if kind == "community":
                case = self._intake_community(officer, allocated_on=allocated_on, level=level, late=late_code)
            else:
                accommodation = None
                if officer.team.provider.provider_type == "crc":
                    accommodation = RELEASE_ACCOMMODATION[crc_release % len(RELEASE_ACCOMMODATION)]
                    crc_release += 1
                case = self._intake_release(
                    officer,
                    released_on=allocated_on,
                    level=level,
                    late=late_code,
                    screened_in_quarter=kind == "screened_and_released",
                    accommodation=accommodation,
                )
            if case is None:
                self.summary.skipped["court to plan"] += 1
                continue
            self.touched.add(case.pk)
            self.summary.intake[officer.team.name] += 1

    def _late_days(self, code: str, late: str) -> int:
        """Working (or calendar) days after the clock's start: within the limit, or 1 to 3 past it when late."""
        limit = BY_CODE[code].limit
        if code == late:
            return limit + self.rng.randint(1, 3)
        return self.rng.randint(1, max(1, limit - 1))

    def _stop_day(self, code: str, started_on: date, late: str) -> date:
        level = BY_CODE[code]
        days = self._late_days(code, late)
        return add_working_days(started_on, days) if level.uses_working_days else started_on + timedelta(days=days)

    def _intake_community(self, officer: User, *, allocated_on: date, level: int, late: str) -> Case | None:
        nps = officer.team.provider.provider_type == "nps_division"
        sentenced_on = _working_days_before(allocated_on, 4 if late == "NPS SL002" else 1)
        due_on = _working_days_before(sentenced_on, 3) if late == "NPS SL001" else sentenced_on
        person = self._take_person(starts_on=_working_days_before(due_on, 16), screened=True)
        if person is None:
            return None
        case, sentenced_on = self._reported_and_sentenced(
            person,
            due_on=due_on,
            late=late == "NPS SL001",
            level=level,
            disposal=Disposal.COMMUNITY_ORDER,
            length_months=12,
            requirements=[{"requirement_type": "rar", "maximum_days": self.rng.choice((15, 20, 25))}],
        )
        allocated_on = max(allocated_on, sentenced_on)
        case = self._allocate(case, officer, allocated_on)
        first_on = self._stop_day("NPS SL003R" if nps else "CRC SL001", allocated_on, late)
        self._appointment(case, officer, first_on)
        plan_on = self._stop_day("NPS SL005R" if nps else "CRC SL003", first_on, late)
        self._plan(person, case, officer, plan_on)
        return case

    def _intake_release(
        self,
        officer: User,
        *,
        released_on: date,
        level: int,
        late: str,
        screened_in_quarter: bool,
        accommodation: str | None,
    ) -> Case | None:
        """Custody: sentenced about four months before release (two when screened in the quarter), allocated the
        next working day, screened and planned for resettlement in the CRC, released in the quarter, then the
        first appointment and the plan."""
        nps = officer.team.provider.provider_type == "nps_division"
        if screened_in_quarter:
            # Sentenced early in the quarter, so the screening's clock falls due in it; released later in it.
            sentenced_on = _working_day_on_or_after(self.quarter.start + timedelta(days=2 + self.rng.randint(0, 12)))
            released_on = max(released_on, sentenced_on + timedelta(days=42))
            released_on = min(released_on, self.quarter.end - timedelta(days=21))
        else:
            sentenced_on = _working_day_on_or_after(released_on - relativedelta(months=4))
        person = self._take_person(starts_on=_working_days_before(sentenced_on, 16), screened=True)
        if person is None:
            return None
        case, sentenced_on = self._reported_and_sentenced(
            person,
            due_on=sentenced_on,
            late=False,
            level=level,
            disposal=Disposal.CUSTODY,
            length_months=_custodial_term(sentenced_on, released_on),
            expected_release_date=released_on,
        )
        case = self._allocate(case, officer, add_working_days(sentenced_on, 1))
        if accommodation is not None:
            screened_on = add_working_days(sentenced_on, 2)
            resettlement = plans.custody_screening_record(
                by=officer,
                case=case,
                screened_on=screened_on,
                screening_needs="Tenancy at risk while in custody; rent arrears; prescribed methadone in prison.",
            )
            planned_on = self._stop_day("CRC SL013", screened_on, late if screened_in_quarter else "")
            settled = accommodation == ResettlementPlan.Accommodation.SETTLED
            plans.resettlement_plan_complete(
                by=officer,
                plan=resettlement,
                completed_on=min(planned_on, released_on - timedelta(days=1)),
                accommodation_on_release=accommodation,
                accommodation_details="" if settled else "Council temporary accommodation until a tenancy is found.",
                money_on_release="Discharge grant; Universal Credit claim made before release.",
                links_to_services="Drug service appointment booked for the day after release; GP registration.",
            )
            self.summary.releases[accommodation] += 1
        sentence = plans.current_sentence(case)
        sentencing.release_record(by=officer, sentence=sentence, released_on=released_on)
        first_on = self._stop_day("NPS SL004R" if nps else "CRC SL002", released_on, late)
        self._appointment(case, officer, first_on)
        plan_on = self._stop_day("NPS SL006R" if nps else "CRC SL004", first_on, late)
        self._plan(person, case, officer, plan_on)
        return case

    # 2. Sentences that ended in the quarter -------------------------------------------------------------------

    def build_ended(self) -> None:
        quarter = self.quarter
        window = (self.latest_end - quarter.start).days - 14
        if window < 14:
            self.summary.skipped["ended in the quarter"] += len(ENDED_CASES)
            return
        officer_turn = Counter()
        # The hardest to fill first: licences need a person free for about a year and a half before.
        order = sorted(range(len(ENDED_CASES)), key=lambda i: ENDED_CASES[i][1] != "licence")
        for position, index in enumerate(order):
            team_code, kind, outcome, extra = ENDED_CASES[index]
            team = self.teams.get(team_code)
            officers = [self._user(name) for name in ENDED_CASE_OFFICERS[team_code] if self._user(name)]
            if team is None or not officers or team.pk not in self.managers:
                self.summary.skipped["ended in the quarter"] += 1
                continue
            officer = officers[officer_turn[team_code] % len(officers)]
            officer_turn[team_code] += 1
            # The day the sentence ends: spread over the quarter; an early day for the one ended late.
            if extra == "late":
                ends_on = quarter.start + timedelta(days=3 + self.rng.randint(0, 10))
            else:
                ends_on = quarter.start + timedelta(days=7 + (position * 37 + self.rng.randint(0, 20)) % window)
            case = self._ended_case(team, officer, kind=kind, outcome=outcome, extra=extra, ends_on=ends_on)
            if case is None:
                self.summary.skipped["ended in the quarter"] += 1
                continue
            self.touched.add(case.pk)

    def _ended_case(
        self, team: Team, officer: User, *, kind: str, outcome: str, extra: str, ends_on: date
    ) -> Case | None:
        """A case whose sentence ends on `ends_on` (completed) or is cut short then (revoked, breached, moved)."""
        rng = self.rng
        positive = outcome == Outcome.COMPLETED_POSITIVELY
        manager = self.managers[team.pk]
        if kind == "licence":
            term = rng.choice((6, 8, 10))
            # Released at the halfway point, supervised to 12 months after release: about 12 + term / 2 months.
            total = relativedelta(months=12) + relativedelta(days=int(term * 30.4 / 2))
            if not positive:
                total = relativedelta(months=term // 2 + 5)  # recalled five months after release
            sentenced_on = _working_day_on_or_after(ends_on - total)
            dates = sentencing.order_dates(disposal=Disposal.CUSTODY, sentence_date=sentenced_on, length_months=term)
            released_on = dates.expected_release_date
            sentence_kwargs = {"disposal": Disposal.CUSTODY, "length_months": term}
        else:
            length = rng.choice((6, 9, 12)) if kind == "community" else rng.choice((6, 9))
            if not positive:
                length = 12
            sentenced_on = _working_day_on_or_after(ends_on - relativedelta(months=length if positive else 7))
            requirements = []
            if kind == "youth":
                disposal = Disposal.YOUTH_REHABILITATION_ORDER
                requirements.append({"requirement_type": "supervision", "details": "Weekly meetings with the YOT."})
            else:
                disposal = Disposal.COMMUNITY_ORDER
                if extra == "upw":
                    requirements.append({"requirement_type": "unpaid_work", "hours": UNPAID_WORK_HOURS})
                else:
                    requirements.append({"requirement_type": "rar", "maximum_days": rng.choice((10, 15, 20))})
            sentence_kwargs = {"disposal": disposal, "length_months": length, "requirements": requirements}
            released_on = None
        person = self._take_person(starts_on=sentenced_on, child=kind == "youth", ends_on=ends_on)
        if person is None:
            return None
        case = case_services.case_create(
            by=manager,
            person=person,
            provider=team.provider,
            start_date=sentenced_on,
            team=team,
            responsible_officer=officer,
        )
        sentence = sentencing.sentence_record(by=officer, case=case, sentence_date=sentenced_on, **sentence_kwargs)
        if released_on is not None:
            if team.provider.provider_type == "crc":
                screened_on = add_working_days(sentenced_on, 2)
                resettlement = plans.custody_screening_record(
                    by=officer,
                    case=case,
                    screened_on=screened_on,
                    screening_needs="Returning to the family home; needs help to claim benefits on release.",
                )
                plans.resettlement_plan_complete(
                    by=officer,
                    plan=resettlement,
                    completed_on=add_working_days(screened_on, rng.randint(1, 4)),
                    accommodation_on_release=ResettlementPlan.Accommodation.SETTLED,
                    money_on_release="Discharge grant; benefits claim made before release.",
                    links_to_services="GP registration; job centre appointment in the first week.",
                )
            sentence = sentencing.release_record(by=officer, sentence=sentence, released_on=released_on)
            self._appointment(case, officer, add_working_days(released_on, 1))
        else:
            self._appointment(case, officer, add_working_days(sentenced_on, rng.randint(1, 4)))
        sentence.refresh_from_db()
        if positive:
            case_ends_on = sentence.end_date + timedelta(days=rng.randint(0, 3))
            if extra == "late":
                case_ends_on = sentence.end_date + timedelta(
                    days=settings.TERMINATION_RECORDING_DAYS + rng.randint(5, 10)
                )
        else:
            case_ends_on = ends_on
        case_ends_on = min(case_ends_on, self.today)
        if extra == "open":
            # The order is over but nobody ended the case or its requirements (CRC SL007 missed).
            self.summary.still_open += 1
            return case
        for requirement in Requirement.objects.filter(sentence=sentence).select_related("requirement_type"):
            self._end_requirement(requirement, officer, positive=positive, ends_on=min(case_ends_on, sentence.end_date))
        case_services.case_end(
            by=manager, case=case, end_date=case_ends_on, outcome=outcome, notes=TERMINATION_NOTES[outcome]
        )
        if case_ends_on <= self.quarter.end:
            self.summary.ended[outcome] += 1
        if extra == "late":
            self.summary.ended_late += 1
        return case

    def _end_requirement(self, requirement: Requirement, officer: User, *, positive: bool, ends_on: date) -> None:
        from interventions.services import delivery

        if requirement.requirement_type.is_unpaid_work:
            credited_on = self._unpaid_work(requirement, complete=positive, before=ends_on)
            if credited_on is None:
                return
            if positive:
                delivery.requirement_end(
                    by=officer,
                    requirement=requirement,
                    ended_on=credited_on,
                    completed_positively=True,
                    outcome_notes="Every hour of unpaid work completed.",
                )
                self.summary.unpaid_work["completed"] += 1
            else:
                delivery.requirement_end(
                    by=officer,
                    requirement=requirement,
                    ended_on=ends_on,
                    completed_positively=False,
                    termination_reason=TerminationReason.REVOKED,
                    outcome_notes=f"{UNPAID_WORK_HOURS - 14} hours still to do when the court revoked the order.",
                )
                self.summary.unpaid_work["terminated"] += 1
            return
        if positive:
            delivery.requirement_end(
                by=officer, requirement=requirement, ended_on=ends_on, completed_positively=True, outcome_notes=""
            )
        else:
            delivery.requirement_end(
                by=officer,
                requirement=requirement,
                ended_on=ends_on,
                completed_positively=False,
                termination_reason=TerminationReason.REVOKED,
            )

    def _unpaid_work(self, requirement: Requirement, *, complete: bool, before: date) -> date | None:
        """Weekly sessions, every one attended: all the hours ordered in the last weeks before `before` (the last
        session shorter) or, when not `complete`, two sessions from two weeks after the order began. Returns the
        day of the last session."""
        from interventions.models import ProjectType, UnpaidWorkAttendance, UnpaidWorkProject
        from interventions.services import unpaid_work

        case = requirement.sentence.case
        provider = case.provider
        project = (
            UnpaidWorkProject.objects.filter(provider=provider, active=True, project_type=ProjectType.GROUP_PLACEMENT)
            .order_by("pk")
            .first()
        )
        manager = self.managers.get(case.team_id)
        supervisor = self._user(UNPAID_WORK_SUPERVISORS.get(provider.code[:3], ""))
        if project is None or manager is None:
            self.summary.skipped["unpaid work"] += 1
            return None
        start, end = UNPAID_WORK_SESSION
        session_minutes = (end.hour - start.hour) * 60
        remaining = requirement.hours * 60 if complete else 2 * session_minutes
        day = requirement.start_date + timedelta(days=14)
        if complete:
            # The hours done in the last weeks of the order, so the requirement ends with it.
            weeks = math.ceil(remaining / session_minutes)
            day = max(day, before - timedelta(days=7 * weeks))
        last = None
        while remaining > 0 and day <= before:
            minutes = min(remaining, session_minutes)
            finish = clock_time(start.hour + minutes // 60, minutes % 60)
            booked_on = day - timedelta(days=7)
            session = unpaid_work.session_create(
                by=manager,
                project=project,
                session_date=day,
                start_time=start,
                end_time=finish,
                capacity=10,
                supervisor=supervisor,
                on=booked_on,
            )
            attendance = unpaid_work.attendance_book(by=manager, session=session, requirement=requirement, on=booked_on)
            unpaid_work.attendance_record(
                by=supervisor or manager,
                attendance=attendance,
                status=UnpaidWorkAttendance.Status.ATTENDED,
                work_quality=self.rng.choice(("good", "good", "excellent", "satisfactory")),
                behaviour=self.rng.choice(("good", "good", "excellent")),
            )
            remaining -= minutes
            last = day
            day += timedelta(days=7)
        if complete and remaining > 0:
            return None  # the order was too short for the hours: left active (never happens with 40 hours)
        return last

    # 3. CRC enforcement in the quarter ----------------------------------------------------------------------

    def build_crc_enforcement(self) -> None:
        """CRC_RECALLS and CRC_BREACHES (CRC SL016, SL017): the earlier demos' breaches and recalls are dated back
        from today, so the last full quarter holds few of the CRCs'. Each is a new person with a CRC case of their
        own, so the step does not depend on what the rest of the demo left."""
        quarter = self.quarter
        span = (quarter.end - quarter.start).days
        for index, example in enumerate(CRC_RECALLS):
            aware_on = _working_day_on_or_after(quarter.start + timedelta(days=int(span * example.share)))
            sentence = self._crc_licence(example, aware_on=aware_on)
            if sentence is None or not self._crc_recall(sentence, aware_on=aware_on, asked=example.asked, index=index):
                self.summary.skipped["CRC recalls"] += 1
        for example in CRC_BREACHES:
            sent_on = _working_day_on_or_after(quarter.start + timedelta(days=int(span * example.share)))
            sentence = self._crc_order(example, sent_on=sent_on)
            if sentence is None or not self._crc_breach(sentence, sent_on=sent_on, asked=example.asked):
                self.summary.skipped["CRC breaches"] += 1

    def _crc_person(self, example: EnforcementExample, officer: User, *, since: date) -> Person:
        town, street, postcode = HOME_TOWNS.get(officer.team.provider.code[:3], HOME_TOWNS["C04"])
        born = since - relativedelta(years=example.age) - timedelta(days=self.rng.randint(30, 330))
        person = case_services.person_create(
            by=self.managers[officer.team_id],
            first_name=example.first_name,
            last_name=example.last_name,
            date_of_birth=born,
            gender=example.gender,
            mobile=f"07700 900{self.rng.randint(0, 999):03d}",
            rng=self.rng,
        )
        case_services.address_add(
            by=self.managers[officer.team_id],
            person=person,
            start_date=since - timedelta(days=self.rng.randint(200, 900)),
            line_1=f"{self.rng.randint(1, 200)} {street}",
            town=town,
            postcode=f"{postcode} {self.rng.randint(1, 9)}AB",
        )
        return person

    def _crc_case(self, example: EnforcementExample, *, starts_on: date) -> tuple[Person, Case, User] | None:
        officer = self._user(example.officer)
        if officer is None or officer.team_id not in self.managers:
            return None
        person = self._crc_person(example, officer, since=starts_on)
        case = case_services.case_create(
            by=self.managers[officer.team_id],
            person=person,
            provider=officer.team.provider,
            start_date=starts_on,
            team=officer.team,
            responsible_officer=officer,
        )
        self.touched.add(case.pk)
        return person, case, officer

    def _crc_licence(self, example: EnforcementExample, *, aware_on: date) -> Sentence | None:
        """A custodial sentence of 16 months passed 8 months before release, released six weeks before `aware_on`:
        screened and planned for resettlement in custody, then the first appointment and the plan after release."""
        released_on = _working_day_on_or_after(aware_on - timedelta(days=42))
        sentenced_on = _working_day_on_or_after(released_on - relativedelta(months=8))
        made = self._crc_case(example, starts_on=sentenced_on)
        if made is None:
            return None
        person, case, officer = made
        sentence = sentencing.sentence_record(
            by=officer,
            case=case,
            sentence_date=sentenced_on,
            disposal=Disposal.CUSTODY,
            length_months=16,
            expected_release_date=released_on,
        )
        screened_on = add_working_days(sentenced_on, 2)
        resettlement = plans.custody_screening_record(
            by=officer,
            case=case,
            screened_on=screened_on,
            screening_needs="Tenancy to keep while in custody; wants help to find work on release.",
        )
        plans.resettlement_plan_complete(
            by=officer,
            plan=resettlement,
            completed_on=self._stop_day("CRC SL013", screened_on, ""),
            accommodation_on_release=ResettlementPlan.Accommodation.SETTLED,
            money_on_release="Discharge grant; Universal Credit claim made before release.",
            links_to_services="GP registration; job centre appointment in the first week.",
        )
        sentence = sentencing.release_record(by=officer, sentence=sentence, released_on=released_on)
        first_on = self._stop_day("CRC SL002", released_on, "")
        self._appointment(case, officer, first_on)
        self._plan(person, case, officer, self._stop_day("CRC SL004", first_on, ""))
        return sentence

    def _crc_order(self, example: EnforcementExample, *, sent_on: date) -> Sentence | None:
        """A 12-month community order with activity days, passed about three months before the breach's first
        failure: the first appointment and the plan in time."""
        sentenced_on = _working_day_on_or_after(_working_days_before(sent_on, 6 + 15) - timedelta(days=90))
        made = self._crc_case(example, starts_on=sentenced_on)
        if made is None:
            return None
        person, case, officer = made
        sentence = sentencing.sentence_record(
            by=officer,
            case=case,
            sentence_date=sentenced_on,
            disposal=Disposal.COMMUNITY_ORDER,
            length_months=12,
            requirements=[{"requirement_type": "rar", "maximum_days": 20}],
        )
        first_on = self._stop_day("CRC SL001", sentenced_on, "")
        self._appointment(case, officer, first_on)
        self._plan(person, case, officer, self._stop_day("CRC SL003", first_on, ""))
        return sentence

    def _crc_recall(self, sentence: Sentence, *, aware_on: date, asked: bool, index: int) -> bool:
        """A standard recall: considered on `aware_on`, reviewed that day, countersigned and sent to public
        protection casework that day or the next; back in custody 2 to 6 days later, the documents supplied within
        10 working days. When `asked`, casework asks for more the day after it was sent, answered that day."""
        from enforcement.demo_recall import ALTERNATIVES, RATIONALE, RISE_IN_RISK, SENIOR_MANAGERS
        from enforcement.models import RecallInformationRequest, RecallRecommendation
        from enforcement.services import recall as recalls

        case = sentence.case
        officer, manager = case.responsible_officer, self.managers[case.team_id]
        senior = self._user(SENIOR_MANAGERS.get(case.provider.code, ""))
        if senior is None:
            return False
        recall = recalls.recall_consider(
            by=officer,
            case=case,
            reasons=RISE_IN_RISK[index % len(RISE_IN_RISK)].format(name=case.person.first_name),
            aware_on=aware_on,
        )
        recalls.recall_submit_for_review(by=officer, recall=recall, reasons=recall.reasons)
        standard = RecallRecommendation.STANDARD
        recalls.recall_review(
            by=manager,
            recall=recall,
            recommendation=standard,
            rationale=RATIONALE[standard],
            alternatives_considered=self.rng.choice(ALTERNATIVES),
            extended_or_specified_sentence=False,
            charged_with_serious_offence=False,
            risk_manageable_after_fixed_term=False,
            on=aware_on,
        )
        sent_on = min(aware_on + timedelta(days=self.rng.randint(0, 1)), self.today)
        recalls.recall_countersign(by=senior, recall=recall, on=sent_on)
        recalls.recall_send_to_ppcs(by=officer, recall=recall, on=sent_on)
        if asked:
            asked_on = min(sent_on + timedelta(days=1), self.today)
            message, answer = RECALL_REQUEST
            request = recalls.recall_record_information_request(
                by=officer,
                recall=recall,
                requested_on=asked_on,
                source=RecallInformationRequest.Source.PPCS,
                message=message,
            )
            recalls.recall_answer_information_request(by=officer, request=request, answered_on=asked_on, answer=answer)
            self.summary.crc_recalls["asked"] += 1
        in_custody_on = min(sent_on + timedelta(days=self.rng.randint(2, 6)), self.today)
        recalls.recall_record_return_to_custody(by=officer, recall=recall, on=in_custody_on)
        supplied_on = min(add_working_days(in_custody_on, self.rng.randint(3, 8)), self.today)
        recalls.recall_record_documents_supplied(by=officer, recall=recall, on=supplied_on)
        self.touched.add(case.pk)
        self.summary.crc_recalls["sent"] += 1
        return True

    def _crc_breach(self, sentence: Sentence, *, sent_on: date, asked: bool) -> bool:
        """A breach of a CRC order presented to court on `sent_on`: an unacceptable absence warned 21 working days
        before, a second one 6 working days before decided as breach action the next working day, then a working
        day each for the submission, sign-off, referral and the NPS's acceptance. The court hears it three weeks
        later (the order continues); or, when `asked`, asks for more and the officer sends a corrected version."""
        from enforcement.demo import BREACH_REASON, record_unacceptable_absence
        from enforcement.demo_breach import COURT_MORE, PROPOSALS, STATEMENTS
        from enforcement.models import Breach, EnforcementDecision, HearingOutcome
        from enforcement.services import breach as breaches
        from enforcement.services import compliance

        case = sentence.case
        officer, manager, presenter = case.responsible_officer, self.managers[case.team_id], self._user(NPS_PRESENTER)
        court = self.courts.get(LOCAL_COURTS.get(case.provider.code, ""))
        court_user = self._court_user(court)
        if presenter is None or court_user is None:
            return False
        failed_on = _working_days_before(sent_on, 6)
        warned = record_unacceptable_absence(case, officer, _working_days_before(failed_on, 15), clock_time(11))
        compliance.failure_decide(
            by=officer,
            failure=warned,
            decision=EnforcementDecision.FIRST_WARNING,
            on=add_working_days(warned.failed_on, 1),
        )
        failure = record_unacceptable_absence(case, officer, failed_on, clock_time(11))
        compliance.failure_decide(
            by=officer,
            failure=failure,
            decision=EnforcementDecision.BREACH,
            reason=BREACH_REASON,
            on=add_working_days(failed_on, 1),
        )
        breach = Breach.objects.get(failure=failure)
        name = case.person.first_name
        statement, proposal = self.rng.choice(STATEMENTS).format(name=name), PROPOSALS[0].format(name=name)

        def through_the_nps(first_day: date | None) -> None:
            day = first_day
            breaches.breach_update_draft(by=officer, breach=breach, statement=statement, proposal=proposal, court=court)
            breaches.breach_submit(by=officer, breach=breach, on=day)
            day = day and add_working_days(day, 1)
            breaches.breach_sign_off(by=manager, breach=breach, on=day)
            day = day and add_working_days(day, 1)
            breaches.breach_refer_to_nps(by=officer, breach=breach, on=day)
            day = day and add_working_days(day, 1)
            breaches.breach_nps_accept(by=presenter, breach=breach, on=day)

        through_the_nps(add_working_days(failed_on, 2))
        pack = breaches.breach_send_to_court(by=presenter, breach=breach, on=sent_on)
        if asked:
            # The court's request and the corrected version are recorded today (the court's replies take no date).
            breaches.court_request_information(by=court_user, pack=pack, message=COURT_MORE)
            breaches.breach_start_new_version(by=officer, breach=breach, reason=BREACH_CORRECTION)
            statement = f"{statement} {BREACH_CORRECTION}"
            through_the_nps(None)
            breaches.breach_send_to_court(by=presenter, breach=breach)
            self.summary.crc_breaches["asked"] += 1
        else:
            breaches.breach_record_outcome(
                by=presenter,
                breach=breach,
                hearing_on=min(sent_on + timedelta(days=21), self.today),
                outcome=HearingOutcome.ORDER_CONTINUES,
            )
        self.touched.add(case.pk)
        self.summary.crc_breaches["sent"] += 1
        return True

    def _court_user(self, court: Court | None) -> User | None:
        if court is None:
            return None
        return User.objects.filter(role=User.Role.COURT_USER, is_active=True, courts=court).order_by("pk").first()

    # 4. Transfers between officers ------------------------------------------------------------------------------

    def build_transfers(self) -> None:
        from cases.demo_journey import LIVE_PEOPLE

        live_names = {(spec.first_name, spec.last_name) for spec in LIVE_PEOPLE}
        for team_code in TRANSFER_TEAMS:
            team = self.teams.get(team_code)
            if team is None or team.pk not in self.managers:
                continue
            officers = list(
                User.objects.filter(team=team, role=User.Role.RESPONSIBLE_OFFICER, is_active=True).order_by("pk")
            )
            # `officer`'s caseload stays as the README says: she only passes cases on.
            movable = [user for user in officers if user.username != "officer"]
            if len(movable) < 2:
                continue
            cases = [
                case
                for case in Case.objects.filter(
                    team=team,
                    status=Case.Status.ACTIVE,
                    start_date__lte=self.today - timedelta(days=90),
                    responsible_officer__in=movable,
                )
                .exclude(pk__in=self.touched)
                .exclude(Exists(PersonAccessLimit.objects.filter(person_id=OuterRef("person_id"))))
                .annotate(assignment_count=Count("assignments"))
                .filter(assignment_count=1)
                .select_related("person", "responsible_officer")
                .order_by("pk")
                if (case.person.first_name, case.person.last_name) not in live_names
            ]
            self.rng.shuffle(cases)
            by_officer: dict[int, list[Case]] = {user.pk: [] for user in movable}
            for case in cases:
                by_officer[case.responsible_officer_id].append(case)
            pairs_two = max(1, round(len(cases) * TWO_OFFICERS_SHARE / 2))
            pairs_three = max(1, round(len(cases) * THREE_OFFICERS_SHARE / 2))
            # In `manager`'s team the case passes through `officer` on its way; elsewhere through a third officer.
            middle = self.staff.get("officer") if team_code == "N01MN" else None
            moves = [(list(self.rng.sample(movable, 2)), "two") for _ in range(pairs_two)]
            for _ in range(pairs_three):
                if middle is not None:
                    first, last = self.rng.sample(movable, 2)
                    moves.append(([first, middle, last], "three"))
                elif len(movable) >= 3:
                    moves.append((list(self.rng.sample(movable, 3)), "three"))
            for chain, size in moves:
                # Along the chain and back, so every officer ends with as many cases as before.
                there, back = chain, chain[::-1]
                if not (by_officer[there[0].pk] and by_officer[back[0].pk]):
                    self.summary.skipped["transfers"] += 2
                    continue
                for path in (there, back):
                    self._transfer(by_officer[path[0].pk].pop(), team, path[1:])
                    self.summary.officers[size] += 1

    def _transfer(self, case: Case, team: Team, officers: list[User]) -> None:
        manager = self.managers[team.pk]
        span = (self.today - case.start_date).days
        for step, officer in enumerate(officers, start=1):
            on = case.start_date + timedelta(days=int(span * step / (len(officers) + 1)))
            on = min(_working_day_on_or_after(on), self.today)
            reason, details = self.rng.choice(TRANSFER_REASONS)
            case = allocation.case_transfer(
                by=manager,
                case=case,
                team=team,
                responsible_officer=officer,
                reason=reason,
                reason_details=details,
                on=on,
            )
            self.summary.transfers += 1
        self.touched.add(case.pk)

    # 5. Case quality audits -------------------------------------------------------------------------------------

    def build_audits(self) -> None:
        for team_code, username, sample_size, seed, days_ago, answered in AUDITS:
            team, manager = self.teams.get(team_code), self._user(username)
            if team is None or manager is None:
                continue
            scope = Scope("team", team=team)
            population = len(oversight_services.audit_population(user=manager, scope=scope))
            size = min(sample_size, population)
            if size < 1:
                self.summary.skipped["audits"] += 1
                continue
            drawn_on = _working_days_before(self.today, max(1, days_ago * 5 // 7))
            audit = oversight_services.audit_draw(by=manager, scope=scope, sample_size=size, seed=seed, on=drawn_on)
            rows = list(audited_cases(audit))
            count = len(rows) if answered is None else min(answered, len(rows))
            for position, audited in enumerate(rows[:count], start=1):
                on = min(add_working_days(drawn_on, position * 2), self.today)
                oversight_services.audit_answer_case(
                    by=manager, audited_case=audited, answers=self._answers(audited.is_youth), on=on
                )
            audit.refresh_from_db()
            if audit.status == CaseAudit.Status.COMPLETED:
                self.summary.audits.append(f"{team.name} completed ({len(rows)} cases)")
            else:
                self.summary.audits.append(f"{team.name} in progress ({count} of {len(rows)} answered)")

    def _answers(self, is_youth: bool) -> dict[str, tuple[bool, str]]:
        answers = {}
        for question in AUDIT_QUESTIONS:
            national = question.youth_2017 if is_youth else question.adult_2017
            rate = float(national) / 100 if national is not None else DEFAULT_YES_RATE
            yes = self.rng.random() < rate
            yes_reason, no_reason = AUDIT_REASONS[question.code]
            answers[question.code] = (yes, yes_reason if yes else no_reason)
        return answers

    # 6. Case reviews ----------------------------------------------------------------------------------------------

    def build_case_reviews(self) -> None:
        for team_code, username, count in CASE_REVIEWS:
            team, manager = self.teams.get(team_code), self._user(username)
            if team is None or manager is None:
                continue
            cases = list(
                Case.objects.filter(team=team, status=Case.Status.ACTIVE)
                .exclude(Exists(PersonAccessLimit.objects.filter(person_id=OuterRef("person_id"))))
                .order_by("pk")
            )
            for case in self.rng.sample(cases, min(count, len(cases))):
                on = _working_days_before(self.today, self.rng.randint(1, 30))
                oversight_note_add(
                    by=manager,
                    case=case,
                    note=self.rng.choice(CASE_REVIEW_NOTES),
                    kind=ManagementOversightNote.Kind.CASE_REVIEW,
                    on=max(on, case.start_date),
                )
                self.summary.case_reviews += 1

    # Summary -----------------------------------------------------------------------------------------------------

    def count_team_clocks(self) -> None:
        from timeliness.models import Clock

        manager = self._user("manager")
        if manager is None or manager.team_id is None:
            return
        quarter = self.quarter
        rows = (
            Clock.objects.filter(case__team_id=manager.team_id, due_on__gte=quarter.start, due_on__lte=quarter.end)
            .filter(
                Q(status__in=[Clock.Status.MET, Clock.Status.MISSED])
                | Q(status=Clock.Status.OPEN, due_on__lt=self.today)
            )
            .values_list("service_level", "status")
        )
        counts: dict[str, Counter] = {}
        for code, status in rows:
            counts.setdefault(code, Counter())["met" if status == Clock.Status.MET else "missed"] += 1
        order = {level: index for index, level in enumerate(BY_CODE)}
        self.summary.team_clocks = {
            code: counts[code] for code in sorted(counts, key=lambda code: order.get(code, len(order)))
        }


def build_oversight(*, seed: int, today: date | None = None) -> OversightSummary | None:
    """Write the oversight demo data (see the module docstring); None when the demo region is not there.
    Call inside the transaction that loaded the rest of the demo."""
    from timeliness.services import alerts_raise

    started = time.perf_counter()
    region = Region.objects.filter(name=DEMO_REGION_NAME).first()
    if region is None:
        return None
    builder = OversightBuilder(region, seed=seed, today=today or timezone.localdate())
    builder.build_ended()
    builder.build_intake()
    builder.build_crc_enforcement()
    builder.build_transfers()
    builder.build_audits()
    builder.build_case_reviews()
    builder.summary.alerts_raised = alerts_raise(today=builder.today)
    builder.count_team_clocks()
    builder.summary.seconds = time.perf_counter() - started
    return builder.summary
