"""Risk demo data: RoSH assessments with timelines, likelihood of reoffending, MAPPA, registrations (flags),
risk reviews, and children's safety and wellbeing with their parents and carers (shared/DOMAIN.md section 4).

`build_risk` is called by cases.demo.demo_build inside its transaction, once people, cases and access lists
exist. It is deterministic: its own `random.Random` derived from the demo seed, never the global one, and
every choice is made in the order the people were created. Every write goes through risk.services with the
case's responsible officer (assessments, flags, changes of circumstances, parents and carers) or team
manager (MAPPA, deregistrations) as the acting user, so each record's history says who made it.

The spread follows the domain: NPS cases are mostly high or very high risk of serious harm, CRC cases low or
medium (allocation rule); MAPPA only on NPS cases; every level, MAPPA category and level and registration type
appears. Deliberate risk gaps, as the inspectorate found in a third to a half of cases: no completed
assessment, one older than RISK_ASSESSMENT_REVIEW_MONTHS, an open risk review (a change of circumstances
since the last assessment), a flag or MAPPA past its review date. And the inspectorate's worst case sits on
`officer`'s caseload: a man with a weapons registration, no assessment for two years, no fixed abode, and no
domestic abuse flag although his last assessment describes domestic abuse.

Dates are offsets from the demo's `today` but never after the real day, because the services refuse dates in
the future: a demo built for a later day still loads.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.models import User
from cases import services as case_services
from cases.models import Address, Case, Person, PersonAccessLimit, age_on
from risk import selectors, services
from risk.models import (
    MappaRegistration,
    ParentOrCarer,
    Registration,
    RegistrationType,
    RiskLevel,
    RiskReview,
    RoshAssessment,
)

if TYPE_CHECKING:
    from cases.demo import DemoBuilder

LOW, MEDIUM, HIGH, VERY_HIGH = (int(level) for level in RiskLevel)
GROUPS = ("public", "known_adults", "children", "staff")
Kind = RoshAssessment.Kind
Change = RiskReview.Change

# Current RoSH level by provider (DOMAIN.md section 4: high / very high, or MAPPA, is held by the NPS).
LEVEL_WEIGHTS = {
    "nps": {MEDIUM: 14, HIGH: 56, VERY_HIGH: 30},
    "crc": {LOW: 45, MEDIUM: 55},
    "yot": {LOW: 30, MEDIUM: 40, HIGH: 24, VERY_HIGH: 6},
}
# Shares of active cases with each deliberate gap (on top of those forced onto `officer`'s caseload).
NO_ASSESSMENT_SHARE = 0.07
STALE_SHARE = 0.10
OPEN_REVIEW_SHARE = 0.09
OVERDUE_FLAG_SHARE = 0.07
OVERDUE_MAPPA_SHARE = 0.2  # of MAPPA registrations
MAPPA_SHARE = 0.45  # of NPS people whose offending fits a MAPPA category
DEREGISTERED_SHARE = 0.12
REOFFENDING_SHARE = 0.75
# Completed assessments per active case: a third have a superseded one, so their timeline has 2 or 3 points.
# (Each completed assessment costs about 25 ms through the services on SQLite: this keeps the seed quick.)
TIMELINE_POINTS = {1: 65, 2: 25, 3: 10}


# What each kind of offending looks like in an assessment ---------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """A kind of risk: which groups are most at risk, the narrative, the flags it brings and its MAPPA category."""

    key: str
    primary: tuple[str, ...]
    secondary: tuple[str, ...]
    who: str
    nature: str
    circumstances: str
    supervision: str
    interventions: str
    restrictions: str
    victim_safety: str
    contingency: str
    flags: tuple[tuple[str, float], ...] = ()
    mappa_category: int | None = None


PROFILES = {
    profile.key: profile
    for profile in (
        Profile(
            "domestic_abuse",
            ("known_adults",),
            ("children",),
            "His current and former partners; children in the household who witness the abuse.",
            "Physical assaults, threats and coercive control of partners, worse when drinking.",
            "A new relationship; alcohol misuse; the end of a relationship; contact with the victim.",
            "Weekly appointments; unannounced home visits; checks with the police on every new partner.",
            "Building Better Relationships programme; alcohol treatment requirement.",
            "Restraining order: no contact with the victim.",
            "Victim liaison; MARAC referral; disclosure under Clare's Law to any new partner.",
            "Police referral and breach proceedings if he contacts the victim; recall if on licence.",
            (("domestic_abuse_perpetrator", 0.9), ("restraining_order", 0.3), ("child_protection", 0.2)),
            2,
        ),
        Profile(
            "violence",
            ("public",),
            ("known_adults",),
            "Members of the public, especially in the night-time economy; door staff.",
            "Serious assaults on strangers after drinking, causing lasting injury.",
            "Alcohol binges; loss of employment; associating with his old peer group.",
            "Weekly appointments; curfew monitored electronically.",
            "Thinking Skills Programme; alcohol brief intervention.",
            "Exclusion from the city-centre licensed premises.",
            "Victim contact scheme.",
            "Enforcement if the curfew is broken; recall if on licence.",
            (("weapons", 0.3), ("risk_to_staff", 0.08)),
            2,
        ),
        Profile(
            "knife",
            ("public",),
            ("staff",),
            "Members of the public, rival groups and anyone who confronts him.",
            "Carrying and using a knife; injuries with a blade.",
            "Drug debts; threats from rival groups; carrying a blade 'for protection'.",
            "Weekly appointments in the office, never home visits alone.",
            "Knife crime awareness course; mentoring.",
            "Exclusion zone around the estate where the rival group lives.",
            "Victim liaison officer informed of release and conditions.",
            "Immediate police referral if intelligence says he is carrying a knife.",
            (("weapons", 0.95), ("risk_to_staff", 0.15)),
            2,
        ),
        Profile(
            "sexual_children",
            ("children",),
            ("public",),
            "Children, particularly girls aged 11 to 15, online and in the community.",
            "Sexual offending against children, including online grooming.",
            "Unsupervised access to children or the internet; isolation; relationships with single mothers.",
            "Weekly appointments; monitoring of devices; joint visits with the police public protection unit.",
            "Horizon programme.",
            "Sexual harm prevention order: no unsupervised contact with under-16s; internet monitoring.",
            "Children's services informed of every address; checks on new relationships.",
            "Police arrest for any breach of the sexual harm prevention order; recall if on licence.",
            (("sex_offender", 0.95), ("child_concerns", 0.7)),
            1,
        ),
        Profile(
            "sexual_adults",
            ("public", "known_adults"),
            ("children",),
            "Adult women known to him or met through dating apps.",
            "Sexual assault and rape; controlling behaviour towards partners.",
            "New relationships; alcohol; a sense of grievance after rejection.",
            "Weekly appointments; disclosure of new relationships.",
            "Kaizen or Horizon programme, as assessed.",
            "Notification requirements; must tell his officer of every new relationship.",
            "Victim liaison; police check on any named partner.",
            "Recall on licence; police arrest for breach of notification requirements.",
            (("sex_offender", 0.95),),
            1,
        ),
        Profile(
            "hate",
            ("public",),
            ("staff",),
            "Members of minority ethnic communities and visible Muslims in his area.",
            "Racially aggravated harassment and assault; online abuse.",
            "Contact with far-right groups online; alcohol; local tensions after events in the news.",
            "Fortnightly appointments; checks of social media.",
            "Identity-based hate crime intervention.",
            "Exclusion zone around the mosque where the offence took place.",
            "Victim and community safety planning with the police.",
            "Police referral for any new incident.",
            (("hate_crime", 0.9),),
            3,
        ),
        Profile(
            "extremism",
            ("public",),
            ("staff",),
            "The public, especially people he identifies as enemies of his ideology.",
            "Planning and encouraging terrorist violence; possessing material useful to a terrorist.",
            "Renewed contact with extremist associates; grievance after losing his job or housing.",
            "Twice-weekly appointments; joint management with counter-terrorism police.",
            "Healthy Identity Intervention; Desistance and Disengagement Programme.",
            "Licence conditions: no internet device without approval; approved premises.",
            "Not applicable: no identified individual victim.",
            "Immediate recall and counter-terrorism police alert.",
            (("terrorism", 0.95),),
            4,
        ),
        Profile(
            "staff_threats",
            ("staff",),
            ("public",),
            "Probation and housing staff, GP receptionists and other public-facing workers.",
            "Threats to kill and assaults on staff when frustrated or refused help.",
            "Cuts to benefits; refused requests; paranoia when not taking medication.",
            "Appointments in the office only, with two staff and an interview room by the exit.",
            "Mental health treatment requirement.",
            "No home visits by a lone officer.",
            "Staff safety plan shared with partner agencies.",
            "Police called at once to any threat; appointments moved to the police station.",
            (("risk_to_staff", 0.9),),
            3,
        ),
        Profile(
            "arson",
            ("public",),
            ("known_adults",),
            "Neighbours and people in shared housing; firefighters.",
            "Deliberate fire-setting in residential buildings when in crisis.",
            "Mental health crisis; loss of accommodation; alcohol.",
            "Weekly appointments with a mental health worker present.",
            "Mental health treatment; fire-setting intervention with the fire service.",
            "Must live in approved accommodation with working smoke alarms.",
            "Housing provider told of the risk with his consent.",
            "Crisis team and police if he is unwell or threatens fire.",
            (("vulnerable_adult", 0.4),),
            3,
        ),
        Profile(
            "further_offence",
            ("public",),
            ("known_adults",),
            "Members of the public and the victim of the new alleged offence.",
            "Charged with a serious violent offence while under supervision.",
            "Remand decisions; hostility towards the witness.",
            "Weekly appointments pending trial; liaison with the police officer in the case.",
            "Thinking Skills Programme deferred until after the trial.",
            "Bail conditions: no contact with the witness.",
            "Witness care unit informed.",
            "Recall or breach if bail conditions are broken.",
            (("serious_further_offence", 0.9), ("weapons", 0.2)),
            2,
        ),
        Profile(
            "acquisitive",
            ("public",),
            (),
            "Shop staff and householders.",
            "Shoplifting and burglary to fund drug use; rarely violent, but pushed staff when challenged.",
            "Relapse into heroin or crack cocaine use; debts.",
            "Fortnightly appointments.",
            "Drug rehabilitation requirement.",
            "None beyond the order.",
            "Not applicable.",
            "Warning and breach if he misses appointments; referral to the drug service after relapse.",
            (("vulnerable_adult", 0.08),),
        ),
        Profile(
            "domestic_abuse_victim",
            ("known_adults",),
            (),
            "Her former partner, in the context of mutual conflict; herself from him.",
            "Assault on a former partner during an argument; she is herself a victim of domestic abuse.",
            "Contact with the abusive former partner; homelessness; alcohol.",
            "Appointments at the women's centre.",
            "Women's centre support; Freedom Programme.",
            "None.",
            "Safety planning with an independent domestic violence adviser.",
            "Refer to MARAC if the abuse escalates.",
            (("domestic_abuse_victim", 0.9), ("vulnerable_adult", 0.3), ("marac", 0.4)),
        ),
        Profile(
            "public_order",
            ("public",),
            ("staff",),
            "Members of the public and police officers at football matches and in town centres.",
            "Affray and threatening behaviour when drunk; no serious injury caused.",
            "Alcohol; football fixtures; peer group.",
            "Fortnightly appointments.",
            "Alcohol awareness sessions; unpaid work.",
            "Football banning order.",
            "Not applicable.",
            "Breach if he attends matches; police referral for any violence.",
            (("restraining_order", 0.1),),
        ),
        Profile(
            "youth_violence",
            ("public",),
            ("known_adults",),
            "Other young people, particularly from a rival area; school staff.",
            "Robbery and assaults in a group; carrying a knife on two occasions.",
            "Being out late with older peers; exclusion from school; threats from rivals.",
            "Twice-weekly contact at the youth justice service; home visits with a parent present.",
            "Knife crime programme; mentoring; return to education.",
            "Curfew from 7pm; exclusion from the city centre.",
            "Restorative justice offered to the victim.",
            "Youth justice panel review and police referral if he is found with a weapon.",
            (("weapons", 0.35),),
        ),
        Profile(
            "exploitation",
            ("public",),
            ("children",),
            "Other children drawn into drug dealing; members of the public.",
            "Dealing class A drugs for a county lines group; carries a weapon for protection.",
            "Going missing; debts to the group; new phones or money he cannot explain.",
            "Daily contact by phone; weekly visits; joint working with children's social care.",
            "National Referral Mechanism referral; mentoring; substance misuse work.",
            "Curfew; not to contact named adults.",
            "Not applicable.",
            "Missing-from-home protocol: police and social worker told at once.",
            (("child_protection", 0.5), ("weapons", 0.2)),
        ),
        Profile(
            "youth_family",
            ("known_adults",),
            ("children",),
            "His mother and younger siblings.",
            "Violence towards his mother during arguments; damaged the family home.",
            "Arguments about money and curfew; cannabis use; school exclusion.",
            "Weekly appointments; family work with his mother present.",
            "Non-violent resistance programme for the family; anger management.",
            "None beyond the order.",
            "Safety plan agreed with his mother and the social worker.",
            "Emergency respite placement if violence recurs; police called to any assault.",
            (("child_protection", 0.3),),
        ),
        Profile(
            "youth_acquisitive",
            ("public",),
            (),
            "Shopkeepers and car owners.",
            "Thefts from shops and of cars, with friends; no violence.",
            "Boredom; peer pressure; being out of education.",
            "Weekly appointments.",
            "Education support; victim awareness.",
            "None.",
            "Restorative justice offered to the victims.",
            "Youth justice panel review if he reoffends.",
        ),
    )
}
PROFILE_WEIGHTS = {
    "nps": (
        ("domestic_abuse", 24), ("violence", 16), ("knife", 12), ("sexual_children", 10), ("sexual_adults", 8),
        ("hate", 6), ("extremism", 3), ("staff_threats", 6), ("arson", 5), ("further_offence", 4),
    ),
    "crc": (
        ("acquisitive", 34), ("domestic_abuse", 20), ("public_order", 18), ("violence", 10),
        ("domestic_abuse_victim", 8), ("hate", 3), ("staff_threats", 3), ("knife", 4),
    ),
    "yot": (("youth_violence", 35), ("exploitation", 20), ("youth_family", 15), ("youth_acquisitive", 30)),
}  # fmt: skip
FEMALE_PROFILES = {"crc": "domestic_abuse_victim"}

# Registrations (flags) ------------------------------------------------------------------------------------

FLAG_REASONS = {
    "domestic_abuse_perpetrator": (
        "Police report three call-outs to domestic incidents in the last year.",
        "Convicted of assaulting a former partner; further incidents reported by her.",
    ),
    "domestic_abuse_victim": (
        "Disclosed years of abuse by a former partner; independent domestic violence adviser involved.",
        "Police record her as the victim in two recent incidents.",
    ),
    "child_protection": (
        "Children in the household are subject to a child protection plan.",
        "Children's social care opened a section 47 enquiry after a domestic incident.",
    ),
    "child_concerns": (
        "Previous convictions for offences against children.",
        "Intelligence that he seeks contact with children through a youth club.",
    ),
    "weapons": (
        "Convicted of possessing a bladed article in a public place.",
        "Police intelligence that he carries a knife; previous conviction for an offence with a weapon.",
    ),
    "hate_crime": ("Convicted of racially aggravated harassment.", "Religiously aggravated assault outside a mosque."),
    "risk_to_staff": (
        "Threatened to kill a probation officer at his last appointment.",
        "Assaulted a housing officer; two staff at every appointment.",
    ),
    "restraining_order": (
        "Restraining order made at sentence: no contact with the victim for five years.",
        "Restraining order protecting his former partner and her children.",
    ),
    "sex_offender": ("Subject to notification requirements for ten years.", "Subject to notification indefinitely."),
    "terrorism": ("Convicted under the Terrorism Act 2006; notification requirements apply.",),
    "serious_further_offence": ("Charged with wounding with intent while under supervision.",),
    "vulnerable_adult": (
        "Learning disability; exploited by others who use his flat to deal drugs.",
        "Severe mental illness; at risk of self-neglect.",
    ),
    "marac": ("Discussed at MARAC after a high-risk domestic abuse assessment.",),
}
DEREGISTRATION_REASONS = (
    "Reviewed with the police and children's services: the concern no longer applies.",
    "The order that required it has ended.",
    "Registered in error against the wrong person; checked with the police.",
    "Reviewed at the multi-agency meeting: no incidents for 18 months.",
)
MAPPA_END_REASONS = (
    "Licence expired and notification period ended; MAPPA panel agreed to end.",
    "Risk reduced: the level 1 review agreed that MAPPA management is no longer needed.",
)
CHANGES = {
    Change.NEW_ADDRESS: "Moved to a new address without telling his officer first.",
    Change.NEW_PARTNER_OR_HOUSEHOLD: "Started living with a new partner who has two children under five.",
    Change.ARREST_OR_NEW_OFFENCE: "Arrested on suspicion of assault; released under investigation.",
    Change.LOSS_OF_ACCOMMODATION: "Evicted from his flat after rent arrears; sleeping on a friend's sofa.",
    Change.LOSS_OF_EMPLOYMENT: "Lost his job at the warehouse after a dispute with a manager.",
    Change.RELAPSE: "Tested positive for cocaine and admits drinking heavily again.",
}

# Children: safety and wellbeing, parents and carers --------------------------------------------------------

SAFETY_AND_WELLBEING = {
    LOW: ("Settled at home and in school; no known safeguarding concerns.",),
    MEDIUM: (
        "Misses school; some cannabis use; parents struggle to keep to the curfew.",
        "Bereaved last year; low mood, supported by the school nurse.",
    ),
    HIGH: (
        "Goes missing overnight; older associates linked to drug dealing.",
        "Self-harmed twice this year; family relationships have broken down.",
    ),
    VERY_HIGH: (
        "Criminally exploited by a county lines group; stabbed last year; frequently missing.",
        "At risk of sexual exploitation; placement breakdown; heavy drug use.",
    ),
}
SAFEGUARDING_PLANS = {
    LOW: "No safeguarding plan needed; universal services and school.",
    MEDIUM: "Early help plan with the family; school attendance officer involved.",
    HIGH: "Child in need plan; weekly multi-agency meeting; missing-from-home protocol.",
    VERY_HIGH: "Child protection plan; National Referral Mechanism referral; safe accommodation arranged.",
}
CARER_FIRST_NAMES = ("Donna", "Karen", "Michelle", "Lisa", "Joanne", "Paul", "Mark", "Gary", "Susan", "Tracey")
Relationship = ParentOrCarer.Relationship
Involvement = ParentOrCarer.Involvement
CARER_RELATIONSHIPS = (
    (Relationship.MOTHER, 40),
    (Relationship.FATHER, 20),
    (Relationship.GRANDPARENT, 12),
    (Relationship.STEP_PARENT, 8),
    (Relationship.FOSTER_CARER, 8),
    (Relationship.LOCAL_AUTHORITY, 6),
    (Relationship.OTHER_RELATIVE, 6),
)
INVOLVEMENT_NOTES = {
    Involvement.ACTIVELY_INVOLVED: "Comes to every appointment and keeps in touch with the case manager.",
    Involvement.SOME_INVOLVEMENT: "Comes to reviews; hard to reach by phone.",
    Involvement.NOT_ENGAGING: "Has missed every meeting despite home visits and letters.",
    Involvement.NOT_APPROPRIATE: "No contact: a court order prevents contact with the child.",
}

# The worst case (the inspectorate's example) ---------------------------------------------------------------

WORST_CASE_NARRATIVE = {
    "who_is_at_risk": (
        "Members of the public in the city centre at night. His former partner, who told the police in 2022 of "
        "domestic abuse (pushing, threats with a knife) but did not support a prosecution."
    ),
    "nature_of_risk": (
        "Carrying and threatening people with a knife when drinking; domestic abuse towards his former partner: "
        "threats and controlling behaviour."
    ),
    "circumstances_increasing_risk": (
        "Heavy drinking; losing his accommodation; renewed contact with his former partner or a new relationship."
    ),
    "plan_supervision": "Fortnightly appointments; police checks on intelligence that he carries a knife.",
    "plan_interventions": "Alcohol treatment; Thinking Skills Programme.",
    "plan_victim_safety": "Ask the police for the domestic abuse call-out history; consider a MARAC referral.",
    "plan_contingency": "Police referral and breach if he is found with a knife.",
}


# Plans -----------------------------------------------------------------------------------------------------


@dataclass
class Event:
    """One service call in a person's history, run in date order (ties: `order`, then as planned)."""

    day: date
    order: int
    run: Callable[[], None]


@dataclass
class PersonRisk:
    person: Person
    case: Case
    provider: str  # "nps", "crc" or "yot"
    officer: User
    manager: User
    profile: Profile
    level: int = 0
    gaps: set[str] = field(default_factory=set)
    flags: list[str] = field(default_factory=list)
    mappa: tuple[int, int] | None = None
    worst: bool = False
    forced: bool = False  # its gaps were chosen for `officer`'s caseload: coverage leaves it alone


def _add_months(day: date, months: int) -> date:
    return day + relativedelta(months=months)


def _band(score: float) -> str:
    """The likelihood-of-reoffending band a score falls in (OGRS bands: under 50, 50-74, 75-89, 90+)."""
    if score < 50:
        return RoshAssessment.ReoffendingBand.LOW
    if score < 75:
        return RoshAssessment.ReoffendingBand.MEDIUM
    if score < 90:
        return RoshAssessment.ReoffendingBand.HIGH
    return RoshAssessment.ReoffendingBand.VERY_HIGH


@dataclass
class RiskDemoSummary:
    """What `build_risk` made, for the seed_demo command to print."""

    completed: int
    superseded: int
    drafts: int
    current_levels: dict[str, int]
    mappa_categories: dict[int, int]
    mappa_levels: dict[int, int]
    registrations_open: int
    registrations_deregistered: int
    registration_types: int
    open_reviews: int
    parents_and_carers: int
    officer_gaps: dict[str, int]
    manager_gaps: int
    worst_case_crn: str | None
    seconds: float

    def lines(self) -> list[str]:
        levels = ", ".join(f"{label.lower()} {count}" for label, count in self.current_levels.items())
        categories = ", ".join(f"{category}: {count}" for category, count in sorted(self.mappa_categories.items()))
        mappa_levels = ", ".join(f"{level}: {count}" for level, count in sorted(self.mappa_levels.items()))
        gaps = ", ".join(f"{kind} {count}" for kind, count in self.officer_gaps.items())
        lines = [
            f"Risk data loaded in {self.seconds:.1f} s.",
            f"  RoSH assessments: {self.completed} completed ({self.superseded} superseded), {self.drafts} drafts; "
            f"current level: {levels}.",
            f"  MAPPA open: by category {categories}; by level {mappa_levels}.",
            f"  Registrations: {self.registrations_open} open, {self.registrations_deregistered} deregistered, "
            f"{self.registration_types} types; open risk reviews: {self.open_reviews}; "
            f"parents and carers: {self.parents_and_carers}.",
            f"  Risk gaps for `officer`: {gaps}; for `manager` (the team): {self.manager_gaps} cases.",
        ]
        if self.worst_case_crn:
            lines.append(
                f"  The inspectorate's worst case is {self.worst_case_crn} on `officer`'s caseload: weapons flag, "
                "no assessment for two years, no fixed abode, no domestic abuse flag."
            )
        return lines


class RiskDemoBuilder:
    """Plans each person's risk (profile, level, gaps, flags, MAPPA), then writes it through the services in date
    order, person by person. Use `build_risk`."""

    def __init__(self, builder: DemoBuilder, created: list[tuple[Person, Case]], *, seed: int):
        self.rng = random.Random(f"risk demo {seed}")
        self.today = min(builder.today, timezone.localdate())  # the services refuse future dates
        self.builder = builder
        self.created = created
        # The demo's people, as a subquery (a list of ids would be one SQL parameter per person).
        region_id = next(iter(builder.providers.values())).region_id
        self.people = Person.objects.filter(cases__provider__region_id=region_id)
        self.provider_keys = {
            provider.pk: ("crc" if key not in ("nps", "yot") else key) for key, provider in builder.providers.items()
        }
        self.manager_by_provider = {}
        for team in builder.teams.values():
            self.manager_by_provider.setdefault(team.provider_id, builder.manager_by_team[team.pk])
        self.types = {
            registration_type.code: registration_type
            for registration_type in RegistrationType.objects.filter(active=True).order_by("code")
        }
        self.review_cutoff = selectors.review_cutoff(self.today)

    # Helpers

    def _day_between(self, earliest: date, latest: date) -> date:
        """A random day from `earliest` to `latest` (both included); `latest` if the range is empty."""
        if earliest >= latest:
            return latest
        return earliest + timedelta(days=self.rng.randint(0, (latest - earliest).days))

    def _days_ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def _weighted(self, weights) -> object:
        values, counts = zip(*(weights.items() if isinstance(weights, dict) else weights), strict=True)
        return self.rng.choices(values, weights=counts)[0]

    # Planning

    def plan(self) -> list[PersonRisk]:
        limited = set(PersonAccessLimit.objects.filter(ended_at__isnull=True).values_list("person_id", flat=True))
        plans = []
        for person, case in self.created:
            provider = self.provider_keys[case.provider_id]
            manager = (
                self.builder.manager_by_team[case.team_id]
                if case.team_id
                else self.manager_by_provider[case.provider_id]
            )
            officer = case.responsible_officer or manager
            key = self._weighted(PROFILE_WEIGHTS[provider])
            if person.gender == Person.Gender.FEMALE and provider in FEMALE_PROFILES and self.rng.random() < 0.4:
                key = FEMALE_PROFILES[provider]
            plan = PersonRisk(person, case, provider, officer, manager, PROFILES[key])
            plan.level = self._weighted(LEVEL_WEIGHTS[provider])
            plan.flags = [code for code, share in plan.profile.flags if self.rng.random() < share]
            if provider == "nps" and plan.profile.mappa_category and self.rng.random() < MAPPA_SHARE:
                plan.mappa = (plan.profile.mappa_category, self._weighted({1: 60, 2: 30, 3: 10}))
            if case.status == Case.Status.ACTIVE:
                plan.gaps = self._random_gaps(plan)
            plans.append(plan)
        self._force_officer_gaps(plans, limited)
        self._cover_everything(plans)
        return plans

    def _random_gaps(self, plan: PersonRisk) -> set[str]:
        rng, gaps = self.rng, set()
        if rng.random() < NO_ASSESSMENT_SHARE:
            gaps.add("no_assessment")
        elif rng.random() < STALE_SHARE:
            gaps.add("stale")
        if "no_assessment" not in gaps and rng.random() < OPEN_REVIEW_SHARE:
            gaps.add("open_review")
        if plan.flags and rng.random() < OVERDUE_FLAG_SHARE * 2:  # about half the people have a flag
            gaps.add("overdue_flag")
        if plan.mappa and rng.random() < OVERDUE_MAPPA_SHARE:
            gaps.add("overdue_mappa")
        return gaps

    def _force_officer_gaps(self, plans: list[PersonRisk], limited: set[int]) -> None:
        """The worst case and one of each kind of gap on `officer`'s own caseload, so the demo always shows them."""
        officer = self.builder.staff["officer"]
        own = [plan for plan in plans if plan.case.status == Case.Status.ACTIVE and plan.officer == officer]
        adults = [plan for plan in own if plan.person.age(on=self.today) >= 18]
        if adults:
            # Best a man of 21 or more (an adult at the assessment two years ago) without an access list.
            worst = min(
                adults,
                key=lambda plan: (
                    plan.person.gender != Person.Gender.MALE,
                    plan.person.age(on=self.today) < 21,
                    plan.person.pk in limited,
                    plan.case.start_date,
                    plan.person.pk,
                ),
            )
            worst.worst, worst.profile, worst.level = True, PROFILES["knife"], HIGH
            worst.flags, worst.mappa, worst.gaps = [], None, {"stale", "open_review", "overdue_flag"}
        others = [plan for plan in own if not plan.worst]
        forced = ("no_assessment", "overdue_mappa", "open_review", "stale", "overdue_flag")
        for plan, gap in zip(others, forced, strict=False):  # as many as the caseload allows
            plan.gaps, plan.forced = {gap}, True
            if gap == "overdue_mappa" and plan.mappa is None:
                plan.mappa = (plan.profile.mappa_category or 3, 1)
            if gap == "overdue_flag" and not plan.flags:
                plan.flags = [plan.profile.flags[0][0] if plan.profile.flags else "weapons"]

    def _cover_everything(self, plans: list[PersonRisk]) -> None:
        """Make sure every current level, MAPPA category and level and registration type appears at least once."""
        rng = self.rng
        active = [plan for plan in plans if plan.case.status == Case.Status.ACTIVE and not plan.worst]
        free_to_change = [plan for plan in active if not plan.forced]
        assessed = [plan for plan in active if "no_assessment" not in plan.gaps]
        for level in (LOW, MEDIUM, HIGH, VERY_HIGH):
            if assessed and not any(plan.level == level for plan in assessed):
                fitting = [plan for plan in assessed if level in LEVEL_WEIGHTS[plan.provider]] or assessed
                rng.choice(fitting).level = level
        nps = [plan for plan in free_to_change if plan.provider == "nps"]
        by_category = {profile.mappa_category: profile for profile in PROFILES.values() if profile.mappa_category}
        for category in (1, 2, 3, 4):
            if nps and not any(plan.mappa and plan.mappa[0] == category for plan in nps):
                free = [plan for plan in nps if plan.mappa is None] or nps
                plan = rng.choice(free)
                plan.profile = by_category[category]
                plan.flags = [code for code, _share in plan.profile.flags[:1]]
                plan.mappa = (category, plan.mappa[1] if plan.mappa else 1)
        mappa_plans = [plan for plan in nps if plan.mappa]
        for level in (1, 2, 3):
            if mappa_plans and not any(plan.mappa[1] == level for plan in mappa_plans):
                used = Counter(plan.mappa[1] for plan in mappa_plans)
                plan = rng.choice([plan for plan in mappa_plans if used[plan.mappa[1]] > 1] or mappa_plans)
                plan.mappa = (plan.mappa[0], level)
        adults = [plan for plan in free_to_change if plan.provider != "yot"] or free_to_change
        for code in self.types:
            if adults and not any(code in plan.flags for plan in active):
                rng.choice([plan for plan in adults if code not in plan.flags]).flags.append(code)

    # Building

    def build(self) -> RiskDemoSummary:
        started = time.perf_counter()
        plans = self.plan()
        deregistered = 0
        for plan in plans:
            events = self._worst_case_events(plan) if plan.worst else self._events(plan)
            deregistered += sum(1 for event in events if event.order == 4)
            for event in sorted(events, key=lambda event: (event.day, event.order)):
                event.run()
        if not deregistered:
            self._deregister_one()
        return self._summary(plans, time.perf_counter() - started)

    def _events(self, plan: PersonRisk) -> list[Event]:
        events: list[Event] = []
        status = plan.case.status
        if status == Case.Status.ACTIVE:
            dates = self._active_assessment_dates(plan)
        elif status == Case.Status.AWAITING_ALLOCATION:
            dates = [self._day_between(plan.case.start_date - timedelta(days=10), self.today)]
            dates = dates if self.rng.random() < 0.6 else []
        else:
            end = min(plan.case.end_date, self.today)
            dates = sorted(self._day_between(plan.case.start_date, end) for _ in range(self.rng.choice((0, 1))))
        levels = self._level_timeline(plan, len(dates))
        kinds = self._kinds(plan, dates)
        for index, (day, level, kind) in enumerate(zip(dates, levels, kinds, strict=True)):
            events.append(Event(day, 2, self._assessment(plan, day, level, kind)))
            if index and self.rng.random() < 0.25:
                change = self._day_between(dates[index - 1] + timedelta(days=1), day)
                events.append(Event(change, 1, self._change(plan, change)))
        if status == Case.Status.ACTIVE and "no_assessment" in plan.gaps and self.rng.random() < 0.4:
            day = self._days_ago(0, 20)
            events.append(Event(day, 2, self._draft(plan, day)))
        current = dates[-1] if dates else None
        if "open_review" in plan.gaps and current is not None:
            change = self._day_between(current + timedelta(days=1), self.today)
            events.append(Event(change, 1, self._change(plan, change)))
        if status != Case.Status.ENDED or current is not None:
            events += self._flag_events(plan, current)
        events += self._mappa_events(plan)
        if plan.provider == "yot" and plan.person.is_child and status != Case.Status.ENDED:
            events += self._carer_events(plan)
        return events

    def _active_assessment_dates(self, plan: PersonRisk) -> list[date]:
        """One to three completed assessments, oldest first; the latest recent unless the plan has a gap."""
        if "no_assessment" in plan.gaps:
            return []
        start = min(plan.case.start_date, self.today)
        if "stale" in plan.gaps:
            latest = self.review_cutoff - timedelta(days=self.rng.randint(5, 200))
            count = self.rng.choice((1, 1, 2))
        else:
            earliest = max(start - timedelta(days=14), self.today - timedelta(days=160))
            latest = self._day_between(earliest, self.today - timedelta(days=2))
            count = self._weighted(TIMELINE_POINTS)
        dates = [latest]
        for _ in range(count - 1):
            earlier = dates[-1] - timedelta(days=self.rng.randint(90, 200))
            if earlier < start - timedelta(days=400):
                break
            dates.append(earlier)
        return dates[::-1]

    def _level_timeline(self, plan: PersonRisk, count: int) -> list[int]:
        """The current level last; earlier ones one level either side (risk goes up and down over time)."""
        if not count:
            return []
        levels = [plan.level]
        for _ in range(count - 1):
            levels.append(min(VERY_HIGH, max(LOW, levels[-1] + self.rng.choice((-1, 0, 0, 1)))))
        return levels[::-1]

    def _kinds(self, plan: PersonRisk, dates: list[date]) -> list[str]:
        kinds = []
        for day in dates:
            if not kinds:
                near_start = abs((day - plan.case.start_date).days) <= 21
                kinds.append(Kind.SCREENING if near_start and self.rng.random() < 0.5 else Kind.FULL)
            else:
                kinds.append(Kind.FULL if kinds[-1] == Kind.SCREENING else Kind.REVIEW)
        return kinds

    def _group_levels(self, profile: Profile, level: int) -> dict[str, int]:
        levels = {}
        for group in GROUPS:
            if group in profile.primary:
                levels[group] = level
            elif group in profile.secondary:
                levels[group] = max(LOW, level - 1)
            else:
                levels[group] = self.rng.randint(LOW, max(LOW, level - 2))
        if not profile.primary:
            levels["public"] = level
        return {f"risk_to_{group}": value for group, value in levels.items()}

    def _narrative(self, profile: Profile, kind: str) -> dict[str, str]:
        narrative = {"who_is_at_risk": profile.who, "nature_of_risk": profile.nature}
        narrative["circumstances_increasing_risk"] = profile.circumstances
        if kind != Kind.SCREENING:
            narrative.update(
                plan_supervision=profile.supervision,
                plan_interventions=profile.interventions,
                plan_restrictions=profile.restrictions,
                plan_victim_safety=profile.victim_safety,
                plan_contingency=profile.contingency,
            )
        return narrative

    def _assessment_fields(self, plan: PersonRisk, day: date, level: int, kind: str) -> dict:
        rng = self.rng
        fields = {**self._group_levels(plan.profile, level), **self._narrative(plan.profile, kind)}
        if rng.random() < REOFFENDING_SHARE:
            score = round(rng.triangular(4, 97, 45), 1)
            if age_on(plan.person.date_of_birth, day) < 18:
                tool = RoshAssessment.ReoffendingTool.ASSET_PLUS
            else:
                tool = self._weighted({"ogrs": 60, "ogp": 25, "ovp": 15})
            fields.update(reoffending_tool=tool, reoffending_score=Decimal(str(score)), reoffending_band=_band(score))
        if age_on(plan.person.date_of_birth, day) < 18:
            wellbeing = self._weighted({LOW: 20, MEDIUM: 40, HIGH: 30, VERY_HIGH: 10})
            fields.update(
                safety_and_wellbeing_level=wellbeing,
                safety_and_wellbeing_reasons=rng.choice(SAFETY_AND_WELLBEING[wellbeing]),
                safeguarding_plan=SAFEGUARDING_PLANS[wellbeing],
            )
        return fields

    def _assessment(self, plan: PersonRisk, day: date, level: int, kind: str):
        fields = self._assessment_fields(plan, day, level, kind)

        def run():
            services.assessment_record_completed(
                by=plan.officer, person=plan.person, kind=kind, assessment_date=day, **fields
            )

        return run

    def _draft(self, plan: PersonRisk, day: date):
        fields = {"risk_to_public": plan.level, "who_is_at_risk": plan.profile.who}

        def run():
            services.assessment_start(
                by=plan.officer, person=plan.person, kind=Kind.FULL, assessment_date=day, **fields
            )

        return run

    def _change(self, plan: PersonRisk, day: date):
        change = self.rng.choice(list(CHANGES))

        def run():
            services.change_of_circumstances_record(
                by=plan.officer, person=plan.person, change=change, description=CHANGES[change], occurred_on=day
            )

        return run

    def _flag_events(self, plan: PersonRisk, current: date | None) -> list[Event]:
        """Flags start before the current assessment (which closes the risk review each opens), are reviewed on
        time unless the plan has an overdue flag, and some are deregistered."""
        events = []
        rng = self.rng
        overdue = "overdue_flag" in plan.gaps
        for index, code in enumerate(plan.flags):
            registration_type = self.types.get(code)
            if registration_type is None:
                continue
            months = registration_type.default_review_months
            anchor = current or self.today
            if overdue and index == 0:
                latest = min(_add_months(self.today, -months) - timedelta(days=rng.randint(10, 90)), anchor)
                start = latest - timedelta(days=rng.randint(0, 30))
            else:
                start = anchor - timedelta(days=rng.randint(1 if current else 0, 400))
            start = min(start, self.today)
            added = {}
            events.append(Event(start, 0, self._add_flag(plan, registration_type, start, added)))
            ended = plan.case.status == Case.Status.ENDED
            if (ended or rng.random() < DEREGISTERED_SHARE) and not (overdue and index == 0):
                end = min(plan.case.end_date or self.today, self.today)
                day = self._day_between(start, max(start, end))
                events.append(Event(day, 4, self._deregister(plan, added, day)))
            elif not (overdue and index == 0) and _add_months(start, months) <= self.today:
                review = max(start, self.today - timedelta(days=rng.randint(1, months * 28)))
                events.append(Event(review, 3, self._review_flag(plan, added, review)))
        return events

    def _add_flag(self, plan: PersonRisk, registration_type: RegistrationType, start: date, added: dict):
        reason = self.rng.choice(FLAG_REASONS.get(registration_type.code, (registration_type.description,)))

        def run():
            added["registration"] = services.registration_add(
                by=plan.officer,
                person=plan.person,
                registration_type=registration_type,
                start_date=start,
                reason=reason,
            )

        return run

    def _review_flag(self, plan: PersonRisk, added: dict, day: date):
        def run():
            services.registration_review(
                by=plan.officer, registration=added["registration"], review_date=day, note="Still needed."
            )

        return run

    def _deregister(self, plan: PersonRisk, added: dict, day: date):
        reason = self.rng.choice(DEREGISTRATION_REASONS)

        def run():
            services.registration_deregister(
                by=plan.manager, registration=added["registration"], deregistered_date=day, reason=reason
            )

        return run

    def _mappa_events(self, plan: PersonRisk) -> list[Event]:
        if plan.mappa is None:
            return []
        rng = self.rng
        category, level = plan.mappa
        start = min(plan.case.start_date - timedelta(days=rng.randint(0, 30)), self.today)
        if "overdue_mappa" in plan.gaps:
            next_review = self._days_ago(7, 75)
            start = min(start, next_review - timedelta(days=rng.randint(60, 120)))
        else:
            next_review = self.today + timedelta(days=rng.randint(14, 110 if level > 1 else 300))
        lead = {1: "police", 4: "police"}.get(category, "probation") if rng.random() < 0.6 else "probation"
        if category == 3 and plan.profile.key == "arson" and rng.random() < 0.5:
            lead = MappaRegistration.LeadAgency.HEALTH
        notes = f"Level {level} management agreed at the MAPPA meeting."
        ended = plan.case.status == Case.Status.ENDED
        end_reason = rng.choice(MAPPA_END_REASONS)

        def run():
            registration = services.mappa_register(
                by=plan.manager,
                person=plan.person,
                category=category,
                level=level,
                lead_agency=lead,
                start_date=start,
                next_review_date=max(next_review, start),
                notes=notes,
            )
            if ended:
                services.mappa_end(
                    by=plan.manager,
                    registration=registration,
                    end_date=max(start, min(plan.case.end_date, self.today)),
                    reason=end_reason,
                )

        return [Event(start, 0, run)]

    def _carer_events(self, plan: PersonRisk) -> list[Event]:
        rng = self.rng
        events = []
        relationships = []
        for _ in range(rng.choice((1, 1, 2))):
            relationship = self._weighted([pair for pair in CARER_RELATIONSHIPS if pair[0] not in relationships])
            relationships.append(relationship)
            involvement = self._weighted({"active": 40, "some": 30, "not_engaging": 20, "not_appropriate": 10})
            if relationship == Relationship.LOCAL_AUTHORITY:
                name = "Manchester City Council children's services"
            else:
                name = f"{rng.choice(CARER_FIRST_NAMES)} {plan.person.last_name}"
            responsibility = relationship in (Relationship.MOTHER, Relationship.FATHER, Relationship.LOCAL_AUTHORITY)
            details = {
                "name": name,
                "relationship": relationship,
                "involvement": involvement,
                "has_parental_responsibility": responsibility,
                "telephone": f"07700 900{rng.randint(0, 999):03d}",
                "notes": INVOLVEMENT_NOTES[involvement],
            }

            def run(details=details):
                services.parent_or_carer_add(by=plan.officer, person=plan.person, **details)

            events.append(Event(self.today, 5, run))
        return events

    # The worst case

    def _worst_case_events(self, plan: PersonRisk) -> list[Event]:
        """Weapons flag (long past its review), last assessment ~25 months ago describing domestic abuse but no
        domestic abuse flag, and since then loss of accommodation: no fixed abode and an open risk review."""
        person, officer = plan.person, plan.officer
        assessed = _add_months(self.today, -25) - timedelta(days=self.rng.randint(0, 14))
        flagged = _add_months(assessed, -7)
        current_address = Address.objects.filter(
            person=person, status=Address.Status.MAIN, end_date__isnull=True
        ).first()
        homeless = self._days_ago(45, 110)
        if current_address is not None:
            homeless = min(max(homeless, current_address.start_date), self.today)

        def flag():
            services.registration_add(
                by=officer,
                person=person,
                registration_type=self.types["weapons"],
                start_date=flagged,
                reason="Convicted of possessing a lock knife in Piccadilly Gardens; police intelligence that he "
                "still carries a blade.",
            )

        fields = {
            "risk_to_public": HIGH,
            "risk_to_known_adults": MEDIUM,
            "risk_to_children": LOW,
            "risk_to_staff": MEDIUM,
            "reoffending_tool": RoshAssessment.ReoffendingTool.OGRS,
            "reoffending_score": Decimal("71.0"),
            "reoffending_band": RoshAssessment.ReoffendingBand.MEDIUM,
            **WORST_CASE_NARRATIVE,
        }
        if age_on(person.date_of_birth, assessed) < 18:  # only in a small demo with no older man to choose
            fields.update(
                safety_and_wellbeing_level=HIGH,
                safety_and_wellbeing_reasons=SAFETY_AND_WELLBEING[HIGH][0],
                safeguarding_plan=SAFEGUARDING_PLANS[HIGH],
            )

        def assessment():
            services.assessment_record_completed(
                by=officer, person=person, kind=Kind.FULL, assessment_date=assessed, **fields
            )

        def loses_his_home():
            case_services.address_add(by=officer, person=person, start_date=homeless, no_fixed_abode=True)
            services.change_of_circumstances_record(
                by=officer,
                person=person,
                change=Change.LOSS_OF_ACCOMMODATION,
                description="Evicted after rent arrears and a fight with a neighbour; sofa-surfing, address unknown.",
                occurred_on=homeless,
            )

        return [Event(flagged, 0, flag), Event(assessed, 2, assessment), Event(homeless, 1, loses_his_home)]

    def _deregister_one(self) -> None:
        """Every demo has a deregistered flag, however small."""
        registration = (
            Registration.objects.filter(person__in=self.people, deregistered_date__isnull=True)
            .select_related("person")
            .order_by("pk")
            .first()
        )
        if registration is None:
            return
        case = next(case for person, case in self.created if person.pk == registration.person_id)
        manager = self.builder.manager_by_team.get(case.team_id) or self.manager_by_provider[case.provider_id]
        services.registration_deregister(
            by=manager,
            registration=registration,
            deregistered_date=self._day_between(registration.start_date, self.today),
            reason=DEREGISTRATION_REASONS[0],
        )

    # Summary

    def _summary(self, plans: list[PersonRisk], seconds: float) -> RiskDemoSummary:
        people = self.people
        assessments = RoshAssessment.objects.filter(person__in=people)
        current = Counter(
            assessments.filter(status="completed", superseded_by__isnull=True).values_list("overall_level", flat=True)
        )
        open_mappa = MappaRegistration.objects.filter(person__in=people, end_date__isnull=True)
        registrations = Registration.objects.filter(person__in=people)
        officer = self.builder.staff["officer"]
        officer_gaps = Counter()
        for case in selectors.risk_gaps(user=officer, today=self.today):
            if case.rosh_level is None:
                officer_gaps["no assessment"] += 1
            elif case.rosh_assessed_on < self.review_cutoff:
                officer_gaps["assessment overdue"] += 1
            if case.has_open_review:
                officer_gaps["open risk review"] += 1
            if case.has_overdue_registration or case.has_overdue_mappa:
                officer_gaps["flag or MAPPA overdue"] += 1
        worst = next((plan.person.crn for plan in plans if plan.worst), None)
        return RiskDemoSummary(
            completed=assessments.filter(status="completed").count(),
            superseded=assessments.filter(superseded_by__isnull=False).count(),
            drafts=assessments.filter(status="draft").count(),
            current_levels={level.label: current[level.value] for level in RiskLevel},
            mappa_categories=Counter(open_mappa.values_list("category", flat=True)),
            mappa_levels=Counter(open_mappa.values_list("level", flat=True)),
            registrations_open=registrations.filter(deregistered_date__isnull=True).count(),
            registrations_deregistered=registrations.filter(deregistered_date__isnull=False).count(),
            registration_types=registrations.values("registration_type").distinct().count(),
            open_reviews=RiskReview.objects.filter(person__in=people, status="open").count(),
            parents_and_carers=ParentOrCarer.objects.filter(person__in=people).count(),
            officer_gaps={
                kind: officer_gaps[kind]
                for kind in ("no assessment", "assessment overdue", "open risk review", "flag or MAPPA overdue")
            },
            manager_gaps=selectors.risk_gaps(user=self.builder.staff["manager"], today=self.today).count(),
            worst_case_crn=worst,
            seconds=seconds,
        )


def build_risk(builder: DemoBuilder, created: list[tuple[Person, Case]], *, seed: int) -> RiskDemoSummary:
    """Write the risk demo data for the people `cases.demo` created. Call inside demo_build's transaction."""
    return RiskDemoBuilder(builder, created, seed=seed).build()
