"""Demo data: one region's probation providers, staff in every role, and people under supervision with cases.

Deterministic: every random choice comes from one `random.Random(seed)`, so a seed always gives the same
names, CRNs and dates. Dates are offsets from `today` (the day it runs unless given), so a demo loaded today
looks current. Names, CRNs, providers, officers and case statuses do not depend on the day at all; only dates,
and whether an earlier ended case fits before a young person's current one, do.

Every write goes through the services with a named acting user, so each record's history says who made it:
the administrator creates organisations, staff, people and addresses; a team's manager allocates and ends
its cases and adds access-list entries. `manage.py seed_demo` is the thin command around `demo_build`.
"""

import random
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate, islice

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Court, Provider, Region, Team, User
from cases import services as case_services
from cases.demo_journey import JourneySummary, build_journey
from cases.models import Case, Person, PersonAccessLimit, age_on
from config.history import constraints_left_to_database
from enforcement.demo import EnforcementSummary, build_enforcement
from interventions.demo import DeliverySummary, build_delivery
from risk.demo import RiskDemoSummary, build_risk

DEMO_REGION_NAME = "North West"
DEFAULT_SEED = 2017
DEFAULT_PEOPLE = 1500

# Shares of the population, from the 2017 figures in shared/DOMAIN.md: about 1 in 11 people supervised is a
# child (YOT); a third of adults are held by the NPS (high risk, MAPPA), the rest by CRCs.
CHILD_SHARE = 0.09
NPS_SHARE_OF_ADULTS = 1 / 3
ENDED_SHARE = 0.15
AWAITING_ALLOCATION_SHARE = 0.05
PREVIOUS_CASE_SHARE = 0.10  # people with an open case who also had an earlier, ended one
EXCLUSION_SHARE = 0.01
RESTRICTION_SHARE = 0.007
NO_FIXED_ABODE_SHARE = 0.06
# How ended cases ended (Case.TerminationOutcome), roughly as nationally: about three in four completed positively
# (CRC SL008 / NPS SL018), the rest revoked, breached and re-sentenced, transferred out or the person died.
TERMINATION_OUTCOME_WEIGHTS = (
    (Case.TerminationOutcome.COMPLETED_POSITIVELY, 70),
    (Case.TerminationOutcome.REVOKED, 8),
    (Case.TerminationOutcome.BREACHED_AND_RESENTENCED, 12),
    (Case.TerminationOutcome.DIED, 2),
    (Case.TerminationOutcome.TRANSFERRED_OUT, 8),
)
TERMINATION_NOTES = {
    Case.TerminationOutcome.COMPLETED_POSITIVELY: (
        "",
        "All requirements completed. No further offending during the order.",
        "Order ran its full term. Attendance good throughout.",
    ),
    Case.TerminationOutcome.REVOKED: (
        "Revoked by the court on the officer's application for good progress.",
        "Revoked by the court after a change in circumstances: the person could no longer comply.",
    ),
    Case.TerminationOutcome.BREACHED_AND_RESENTENCED: (
        "Breach proved at court; re-sentenced to a new order.",
        "Breached for missed appointments and re-sentenced by the magistrates.",
    ),
    Case.TerminationOutcome.DIED: ("Death notified by the family; confirmed with the coroner's office.",),
    Case.TerminationOutcome.TRANSFERRED_OUT: (
        "Transferred to another probation area after moving home.",
        "Transferred to another probation area: moved to live with family.",
        "Transferred to the probation service in Wales after moving to Cardiff.",
    ),
}


# Organisations ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderSpec:
    key: str
    name: str
    code: str
    provider_type: str


@dataclass(frozen=True)
class TeamSpec:
    code: str
    provider_key: str
    name: str
    towns: tuple[str, ...]


@dataclass(frozen=True)
class CourtSpec:
    code: str
    name: str
    court_type: str


@dataclass(frozen=True)
class StaffSpec:
    username: str
    first_name: str
    last_name: str
    role: str
    team_code: str | None = None
    court_codes: tuple[str, ...] = ()
    capacity: float = 1.0  # share of a full-time caseload (part-time officers hold fewer cases)
    superuser: bool = False
    senior_manager: bool = False  # countersigns recalls; not a team's day-to-day manager


ProviderType = Provider.ProviderType
Role = User.Role

PROVIDERS = (
    ProviderSpec("nps", "NPS North West", "N01", ProviderType.NPS_DIVISION),
    ProviderSpec("cgm", "Cheshire and Greater Manchester CRC", "C04", ProviderType.CRC),
    ProviderSpec("cl", "Cumbria and Lancashire CRC", "C05", ProviderType.CRC),
    ProviderSpec("yot", "Manchester Youth Offending Team", "Y01", ProviderType.YOT),
)

TEAMS = (
    TeamSpec("N01MN", "nps", "Manchester North", ("Manchester",)),
    TeamSpec("N01ST", "nps", "Salford and Trafford", ("Salford", "Stretford", "Sale", "Urmston")),
    TeamSpec("C04MC", "cgm", "Manchester Central", ("Manchester", "Stockport")),
    TeamSpec("C04OR", "cgm", "Oldham and Rochdale", ("Oldham", "Rochdale")),
    TeamSpec("C05PC", "cl", "Preston and Chorley", ("Preston", "Chorley", "Blackburn")),
    TeamSpec("Y01MC", "yot", "Manchester Youth Justice", ("Manchester",)),
)

COURTS = (
    CourtSpec("MNMC", "Manchester Magistrates' Court", Court.CourtType.MAGISTRATES),
    CourtSpec("MNCC", "Manchester Crown Court (Crown Square)", Court.CourtType.CROWN),
    CourtSpec("MNMS", "Manchester Crown Court (Minshull Street)", Court.CourtType.CROWN),
    CourtSpec("PRMC", "Preston Magistrates' Court", Court.CourtType.MAGISTRATES),
    CourtSpec("PRCC", "Preston Crown Court", Court.CourtType.CROWN),
    CourtSpec("MSYC", "Manchester and Salford Youth Court", Court.CourtType.YOUTH),
)

# The first rows are the logins to try first; the rest are named <team>.<role><n>.
STAFF = (
    StaffSpec("admin", "Joanne", "Whitfield", Role.ADMINISTRATOR, superuser=True),
    StaffSpec("officer", "Sarah", "Bradshaw", Role.RESPONSIBLE_OFFICER, "N01MN"),
    StaffSpec("manager", "Helen", "Brennan", Role.MANAGER, "N01MN"),
    StaffSpec("crc.officer", "Leanne", "Fitzgerald", Role.RESPONSIBLE_OFFICER, "C04MC"),
    StaffSpec("yot.officer", "Marcus", "Reid", Role.RESPONSIBLE_OFFICER, "Y01MC"),
    StaffSpec("supervisor", "Gary", "Holt", Role.UNPAID_WORK_SUPERVISOR, "C04MC"),
    StaffSpec("court", "Angela", "Hardcastle", Role.COURT_USER, court_codes=("MNMC", "MNCC", "MNMS")),
    StaffSpec("admin.nps", "Priya", "Desai", Role.ADMINISTRATOR, "N01MN"),
    StaffSpec("north.officer2", "Daniel", "Hughes", Role.RESPONSIBLE_OFFICER, "N01MN"),
    StaffSpec("north.officer3", "Amira", "Hassan", Role.RESPONSIBLE_OFFICER, "N01MN", capacity=0.8),
    StaffSpec("salford.manager", "Martin", "Kerr", Role.MANAGER, "N01ST"),
    StaffSpec("salford.officer1", "Rebecca", "Lowe", Role.RESPONSIBLE_OFFICER, "N01ST"),
    StaffSpec("salford.officer2", "Tom", "Ashworth", Role.RESPONSIBLE_OFFICER, "N01ST"),
    StaffSpec("salford.officer3", "Kiran", "Bains", Role.RESPONSIBLE_OFFICER, "N01ST"),
    StaffSpec("central.manager", "Paul", "Devlin", Role.MANAGER, "C04MC"),
    StaffSpec("central.officer2", "Wesley", "Grant", Role.RESPONSIBLE_OFFICER, "C04MC"),
    StaffSpec("central.officer3", "Chloe", "Barlow", Role.RESPONSIBLE_OFFICER, "C04MC", capacity=0.8),
    StaffSpec("central.officer4", "Imran", "Saeed", Role.RESPONSIBLE_OFFICER, "C04MC"),
    StaffSpec("oldham.manager", "Janet", "Crossley", Role.MANAGER, "C04OR"),
    StaffSpec("oldham.officer1", "Naveed", "Iqbal", Role.RESPONSIBLE_OFFICER, "C04OR"),
    StaffSpec("oldham.officer2", "Kerry", "Ogden", Role.RESPONSIBLE_OFFICER, "C04OR"),
    StaffSpec("oldham.officer3", "Stephen", "Pilling", Role.RESPONSIBLE_OFFICER, "C04OR"),
    StaffSpec("preston.manager", "Andrew", "Rigby", Role.MANAGER, "C05PC"),
    StaffSpec("preston.officer1", "Lisa", "Cartwright", Role.RESPONSIBLE_OFFICER, "C05PC"),
    StaffSpec("preston.officer2", "Mark", "Seddon", Role.RESPONSIBLE_OFFICER, "C05PC"),
    StaffSpec("preston.officer3", "Jade", "Whittle", Role.RESPONSIBLE_OFFICER, "C05PC", capacity=0.8),
    StaffSpec("preston.officer4", "Owen", "Parkinson", Role.RESPONSIBLE_OFFICER, "C05PC"),
    StaffSpec("preston.supervisor", "Dave", "Eccleston", Role.UNPAID_WORK_SUPERVISOR, "C05PC"),
    StaffSpec("yot.manager", "Claire", "Monaghan", Role.MANAGER, "Y01MC"),
    StaffSpec("yot.officer2", "Sophie", "Nwosu", Role.RESPONSIBLE_OFFICER, "Y01MC"),
    StaffSpec("court.preston", "Ian", "Threlfall", Role.COURT_USER, court_codes=("PRMC", "PRCC")),
    StaffSpec("court.youth", "Fiona", "Gallagher", Role.COURT_USER, court_codes=("MSYC",)),
    # Senior managers (heads of service) who countersign recalls, one per provider, beside the team managers.
    StaffSpec("nps.head", "Rachel", "Okonjo", Role.MANAGER, "N01ST", senior_manager=True),
    StaffSpec("cgm.head", "Graham", "Whitworth", Role.MANAGER, "C04OR", senior_manager=True),
    StaffSpec("cl.head", "Susan", "Haworth", Role.MANAGER, "C05PC", senior_manager=True),
    StaffSpec("yot.head", "Ruth", "Adebayo", Role.MANAGER, "Y01MC", senior_manager=True),
)
STAFF_EMAIL_DOMAIN = "probation.example"  # .example is reserved: these addresses can never reach anyone


# Names, places and contact details -------------------------------------------------------------------------


@dataclass(frozen=True)
class Background:
    """A naming background: the names people of it are given, and the ethnicity and religion they declare."""

    ethnicity: str
    weight: float
    male: tuple[str, ...]
    female: tuple[str, ...]
    surnames: tuple[str, ...]
    religions: tuple[tuple[str, int], ...]  # (religion, weight) among those who answer


BRITISH_MALE = (
    "James", "John", "David", "Michael", "Paul", "Andrew", "Mark", "Daniel", "Christopher", "Matthew",
    "Thomas", "Robert", "Richard", "Anthony", "Lee", "Jamie", "Ryan", "Liam", "Connor", "Jordan",
    "Kyle", "Callum", "Jack", "Joshua", "Lewis", "Nathan", "Adam", "Craig", "Dean", "Darren",
    "Wayne", "Shaun", "Gary", "Stephen", "Steven", "Kevin", "Carl", "Scott", "Neil", "Martin",
    "Peter", "Ian", "Simon", "Jason", "Samuel", "Joseph", "Benjamin", "William", "Harry", "Charlie",
    "George", "Alfie", "Ethan", "Tyler", "Bradley", "Reece", "Kieran", "Aaron", "Luke", "Jonathan",
    "Stuart", "Graham", "Barry", "Keith", "Terry", "Alan", "Leon", "Mason", "Brandon", "Declan",
)  # fmt: skip
BRITISH_FEMALE = (
    "Sarah", "Emma", "Laura", "Rebecca", "Gemma", "Claire", "Nicola", "Kelly", "Lisa", "Michelle",
    "Amy", "Hannah", "Jessica", "Charlotte", "Sophie", "Chloe", "Lauren", "Danielle", "Stacey", "Jade",
    "Leanne", "Kerry", "Samantha", "Victoria", "Katherine", "Elizabeth", "Jennifer", "Rachel", "Natalie", "Zoe",
    "Amber", "Courtney", "Megan", "Ellie", "Olivia", "Holly", "Kayleigh", "Tracey", "Joanne", "Donna",
    "Karen", "Julie", "Alexandra", "Paige", "Shannon", "Demi", "Abigail", "Bethany", "Lucy", "Tanya",
)  # fmt: skip
# Most common surnames in England first: `_weighted` makes early entries likelier (Smith most of all).
BRITISH_SURNAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
    "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
    "Lewis", "Harris", "Clarke", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward",
    "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "James",
    "Scott", "Phillips", "Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell",
    "Cook", "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Miller", "Cox", "Richards",
    "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Wilkinson", "Foster", "Chapman", "Powell", "Webb",
    "Rogers", "Gray", "Mason", "Hunt", "Campbell", "Matthews", "Owen", "Palmer", "Holmes", "Mills",
    "Barnes", "Knight", "Lloyd", "Butler", "Russell", "Barker", "Fisher", "Stevens", "Jenkins", "Dixon",
    "Harvey", "Graham", "Pearson", "Fletcher", "Gibson", "Howard", "Andrews", "Stewart", "Elliott", "Reynolds",
    "Saunders", "Payne", "Fox", "Ford", "Pearce", "Day", "Brooks", "West", "Lawrence", "Cole",
    "Atkinson", "Bradley", "Spencer", "Dawson", "Ball", "Burton", "Watts", "Rose", "Booth", "Perry",
    "Grant", "Wells", "Armstrong", "Francis", "Hayes", "Hart", "Hudson", "Newman", "Barrett", "Webster",
    "Hunter", "Gregory", "Carr", "Lowe", "Page", "Marsh", "Riley", "Dunn", "Woods", "Parsons",
    "Berry", "Stone", "Holland", "Hawkins", "Harding", "Porter", "Newton", "Oliver", "Kennedy", "Williamson",
    "Bird", "Gardner", "Dean", "Lane", "Cooke", "Bates", "Henderson", "Burgess", "Bishop", "Walton",
    "Nicholson", "Shepherd", "Cross", "Long", "Freeman", "Warren", "Nicholls", "Hamilton", "Sutton", "Yates",
    "Hodgson", "Robson", "Curtis", "Hopkins", "Harper", "Coleman", "Watkins", "Moss", "Chambers", "Hardy",
    "Wheeler", "Potter", "Osborne", "Whitehead", "Ashworth", "Hargreaves", "Entwistle", "Heywood", "Haworth",
    "Pilkington", "Greenhalgh", "Crompton", "Schofield", "Butterworth", "Kershaw", "Holden", "Lomax", "Whittaker",
    "Rigby", "Horrocks",
)  # fmt: skip
IRISH_MALE = ("Sean", "Ciaran", "Patrick", "Declan", "Conor", "Niall", "Eoin", "Padraig", "Kieran", "Michael")
IRISH_FEMALE = ("Niamh", "Siobhan", "Aoife", "Ciara", "Roisin", "Sinead", "Orla", "Mary", "Bridget", "Grainne")
IRISH_SURNAMES = (
    "Murphy", "Kelly", "O'Brien", "Byrne", "Ryan", "O'Connor", "O'Neill", "Doyle", "Gallagher", "McCarthy",
    "Walsh", "Quinn", "Brennan", "Flanagan", "McDonagh", "Kavanagh", "Donnelly", "O'Sullivan", "Maguire", "Fitzpatrick",
)  # fmt: skip
POLISH_MALE = ("Piotr", "Tomasz", "Krzysztof", "Marcin", "Pawel", "Michal", "Lukasz", "Jakub", "Dawid", "Kamil")
POLISH_FEMALE = ("Agnieszka", "Katarzyna", "Magdalena", "Joanna", "Monika", "Anna", "Natalia", "Justyna")
POLISH_SURNAMES = (
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
    "Szymański", "Woźniak", "Dąbrowski", "Kozłowski",
)  # fmt: skip
PAKISTANI_MALE = (
    "Mohammed", "Muhammad", "Imran", "Bilal", "Hamza", "Zain", "Adil", "Amir", "Asif", "Tariq",
    "Faisal", "Usman", "Kashif", "Shahid", "Waqas", "Zubair",
)  # fmt: skip
PAKISTANI_FEMALE = (
    "Aisha", "Fatima", "Zainab", "Amina", "Nadia", "Sana", "Sadia", "Ayesha", "Hina", "Shabana", "Rukhsana", "Nazia",
)  # fmt: skip
PAKISTANI_SURNAMES = (
    "Khan", "Ahmed", "Ali", "Hussain", "Akhtar", "Shah", "Iqbal", "Mahmood", "Rahman", "Chaudhry",
    "Malik", "Aslam", "Mirza", "Rashid", "Sadiq", "Begum",
)  # fmt: skip
INDIAN_MALE = ("Harpreet", "Gurpreet", "Rajesh", "Sanjay", "Arjun", "Ravi", "Amarjit", "Vikram", "Jaswinder", "Nikhil")
INDIAN_FEMALE = ("Priya", "Simran", "Navdeep", "Anjali", "Pooja", "Manpreet", "Kiran", "Sunita")
INDIAN_SURNAMES = ("Patel", "Singh", "Kaur", "Sharma", "Gill", "Sandhu", "Mistry", "Chauhan", "Bains", "Dhillon")
BLACK_MALE = (
    "Kwame", "Tyrone", "Jermaine", "Kofi", "Emmanuel", "Daniel", "Marcus", "Andre", "Delroy", "Tunde",
    "Chidi", "Kyle", "Jerome", "Nathaniel", "Samuel",
)  # fmt: skip
BLACK_FEMALE = ("Abena", "Chantelle", "Grace", "Shanice", "Precious", "Keisha", "Adaeze", "Marcia", "Naomi")
BLACK_SURNAMES = (
    "Mensah", "Okafor", "Adeyemi", "Campbell", "Brown", "Williams", "Johnson", "Boateng", "Osei", "Clarke",
    "Okoro", "Asante", "Francis", "Thomas", "Edwards",
)  # fmt: skip
OTHER_MALE = ("Ahmad", "Karwan", "Omar", "Yusuf", "Reza", "Dawit", "Mehmet", "Ali")
OTHER_FEMALE = ("Leila", "Noor", "Maryam", "Shirin", "Hiwot", "Elif")
OTHER_SURNAMES = ("Mohammadi", "Rahimi", "Karimi", "Abdullah", "Hassan", "Tesfaye", "Yilmaz", "Aziz")

NOT_SAID = "prefer_not_to_say"
MOSTLY_NONE_OR_CHRISTIAN = (
    ("none", 50),
    ("christian", 38),
    ("buddhist", 1),
    ("jewish", 1),
    ("other", 2),
    (NOT_SAID, 5),
)
MOSTLY_CHRISTIAN = (("christian", 75), ("none", 20), (NOT_SAID, 5))
MOSTLY_MUSLIM = (("muslim", 90), ("none", 4), (NOT_SAID, 6))
BACKGROUNDS = (
    Background(Person.Ethnicity.WHITE, 0.74, BRITISH_MALE, BRITISH_FEMALE, BRITISH_SURNAMES, MOSTLY_NONE_OR_CHRISTIAN),
    Background(Person.Ethnicity.WHITE, 0.03, IRISH_MALE, IRISH_FEMALE, IRISH_SURNAMES, MOSTLY_CHRISTIAN),
    Background(Person.Ethnicity.WHITE, 0.04, POLISH_MALE, POLISH_FEMALE, POLISH_SURNAMES, MOSTLY_CHRISTIAN),
    Background(Person.Ethnicity.ASIAN, 0.065, PAKISTANI_MALE, PAKISTANI_FEMALE, PAKISTANI_SURNAMES, MOSTLY_MUSLIM),
    Background(
        Person.Ethnicity.ASIAN,
        0.025,
        INDIAN_MALE,
        INDIAN_FEMALE,
        INDIAN_SURNAMES,
        (("sikh", 55), ("hindu", 40), (NOT_SAID, 5)),
    ),
    Background(
        Person.Ethnicity.BLACK, 0.05, BLACK_MALE, BLACK_FEMALE, BLACK_SURNAMES, MOSTLY_CHRISTIAN + (("muslim", 15),)
    ),
    Background(
        Person.Ethnicity.MIXED,
        0.03,
        BRITISH_MALE + BLACK_MALE,
        BRITISH_FEMALE,
        BRITISH_SURNAMES,
        MOSTLY_NONE_OR_CHRISTIAN,
    ),
    Background(Person.Ethnicity.OTHER, 0.02, OTHER_MALE, OTHER_FEMALE, OTHER_SURNAMES, MOSTLY_MUSLIM),
)

PREFERRED_NAMES = {
    "Daniel": "Danny", "Michael": "Mick", "Christopher": "Chris", "Anthony": "Tony", "Jonathan": "Jon",
    "Joseph": "Joe", "Thomas": "Tom", "Robert": "Rob", "William": "Billy", "Samuel": "Sam", "Matthew": "Matt",
    "Benjamin": "Ben", "Patrick": "Paddy", "Rebecca": "Becky", "Elizabeth": "Liz", "Victoria": "Vicky",
    "Samantha": "Sam", "Katherine": "Kate", "Nicola": "Nicky", "Alexandra": "Alex", "Jennifer": "Jen",
    "Mohammed": "Mo", "Muhammad": "Mo", "Nathaniel": "Nate",
}  # fmt: skip

# Towns of the North West and their postcode districts.
TOWNS = {
    "Manchester": ("M8", "M9", "M11", "M12", "M13", "M14", "M15", "M16", "M18", "M19", "M22", "M23", "M40"),
    "Salford": ("M3", "M5", "M6", "M7"),
    "Stretford": ("M32",),
    "Sale": ("M33",),
    "Urmston": ("M41",),
    "Stockport": ("SK1", "SK2", "SK3", "SK5"),
    "Oldham": ("OL1", "OL4", "OL8", "OL9"),
    "Rochdale": ("OL11", "OL12", "OL16"),
    "Bolton": ("BL1", "BL2", "BL3"),
    "Wigan": ("WN1", "WN2", "WN5"),
    "Preston": ("PR1", "PR2"),
    "Chorley": ("PR6", "PR7"),
    "Blackburn": ("BB1", "BB2"),
    "Lancaster": ("LA1",),
    "Carlisle": ("CA1", "CA2"),
}
STREETS = (
    "Victoria Road", "Church Street", "Station Road", "Oldham Road", "Moss Lane", "Princess Road",
    "Cheetham Hill Road", "Liverpool Road", "Chapel Street", "Mill Lane", "Park Road", "Queen Street",
    "King Street", "Albert Road", "Bury New Road", "Rochdale Road", "Hyde Road", "Stockport Road",
    "Wilmslow Road", "Ashton Old Road", "Eccles New Road", "Langworthy Road", "Garstang Road", "Blackpool Road",
    "Ribbleton Avenue", "Warwick Road", "Hall Lane", "Green Lane", "School Lane", "New Street",
    "Water Street", "Bridge Street", "Market Street", "Ashfield Road", "Derby Street", "Manchester Road",
    "Bolton Road", "Wigan Lane", "Cross Street", "Grange Avenue", "Beech Grove", "Elm Street",
    "Hawthorn Close", "Meadow Way", "Oak Avenue", "Springfield Road", "Brook Street", "Lord Street",
)  # fmt: skip
FLAT_BUILDINGS = ("Kingsway House", "Miller Court", "Ashby Court", "Parkside Mews", "Regent House", "Weaver Court")
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters used in the inward part of a postcode

DISABILITY_DETAILS = (
    "Dyslexia: needs letters read through with him or her.",
    "ADHD, diagnosed in childhood.",
    "Hearing impairment: uses a hearing aid.",
    "Uses a walking stick; ground-floor rooms only.",
    "Depression and anxiety, treated by the GP.",
    "Learning disability: keep appointments short and written instructions simple.",
    "Epilepsy, controlled by medication.",
)
EXCLUSION_REASONS = (
    "The officer's family knows the person's family well.",
    "The officer lived next door to the person until last year.",
    "The person is a former partner of the officer's relative.",
    "The officer's child attends the same college as the person.",
)
RESTRICTION_REASONS = (
    "High-profile case reported in the local press: only the responsible officer and team manager.",
    "The person is related to a member of staff in this provider.",
    "Police request: access limited while a linked investigation is open.",
)


# Plans: what each person will be, decided before anything is written ---------------------------------------


@dataclass
class CasePlan:
    provider_key: str
    status: str
    start_date: date
    end_date: date | None = None
    officer: User | None = None


@dataclass
class PersonPlan:
    provider_key: str  # "nps", "yot" or "crc" (either CRC)
    status: str  # of the person's latest case
    is_child: bool


@dataclass
class DemoSummary:
    """What `demo_build` made, for the command to print."""

    people: int
    cases_by_provider: dict[str, Counter]
    excluded_people: int
    restricted_people: int
    caseloads: dict[str, int]
    seconds: float
    staff: list[User]
    risk: RiskDemoSummary | None = None  # assessments, MAPPA, flags and gaps (risk/demo.py)
    journey: JourneySummary | None = None  # sentences, appointments, plans, live clocks (cases/demo_journey.py)
    delivery: DeliverySummary | None = None  # unpaid work, RAR, programmes, referrals (interventions/demo.py)
    enforcement: EnforcementSummary | None = None  # decisions on failures to comply, warning letters


def demo_data_loaded() -> bool:
    """True when the demo region exists, i.e. the demo data has been loaded."""
    return Region.objects.filter(name=DEMO_REGION_NAME).exists()


def database_is_empty() -> bool:
    """True when there are no staff and no people: a fresh database."""
    return not User.objects.exists() and not Person.objects.exists()


def _weighted(values: tuple, offset: int = 8) -> tuple[tuple, list[float]]:
    """Values with cumulative weights falling with rank (a Zipf-like spread), for `rng.choices`."""
    return values, list(accumulate(1 / (rank + offset) for rank in range(len(values))))


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().replace("'", "").lower()


def _add_years(day: date, years: int) -> date:
    """The same day `years` later (earlier if negative); 29 February becomes 28 February in other years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class DemoBuilder:
    """Writes the demo data through the services. Use `demo_build`, which wraps this in a transaction."""

    def __init__(self, *, people: int, seed: int, today: date):
        self.people_count = people
        master = random.Random(seed)
        # Two streams: `rng` for everything that does not depend on the day (plans, names, CRNs, officers,
        # addresses) and `dates` for dates, whose draws depend on `today`. So names and CRNs are the same
        # whichever day the demo is loaded.
        self.rng = random.Random(master.getrandbits(64))
        self.dates = random.Random(master.getrandbits(64))
        # A third stream for how ended cases ended, so adding it left the names, CRNs and dates as they were.
        self.outcomes = random.Random(master.getrandbits(64))
        self.today = today
        self.staff: dict[str, User] = {}
        self.providers: dict[str, Provider] = {}
        self.teams: dict[str, Team] = {}
        self.caseloads: Counter = Counter()
        self.surnames = {background: _weighted(background.surnames) for background in BACKGROUNDS}
        self.background_weights = list(accumulate(background.weight for background in BACKGROUNDS))

    # Organisations and staff

    def build_organisations_and_staff(self) -> None:
        password = settings.DEMO_PASSWORD
        admin_spec = STAFF[0]
        admin = account_services.staff_create(
            by=None,
            username=admin_spec.username,
            first_name=admin_spec.first_name,
            last_name=admin_spec.last_name,
            email=f"{admin_spec.username}@{STAFF_EMAIL_DOMAIN}",
            role=admin_spec.role,
            password=password,
            is_superuser=admin_spec.superuser,
        )
        self.staff[admin.username] = admin

        region = account_services.region_create(by=admin, name=DEMO_REGION_NAME)
        for spec in PROVIDERS:
            self.providers[spec.key] = account_services.provider_create(
                by=admin, name=spec.name, code=spec.code, provider_type=spec.provider_type, region=region
            )
        for spec in TEAMS:
            self.teams[spec.code] = account_services.team_create(
                by=admin, provider=self.providers[spec.provider_key], name=spec.name, code=spec.code
            )
        courts = {
            spec.code: account_services.court_create(
                by=admin, name=spec.name, code=spec.code, court_type=spec.court_type, region=region
            )
            for spec in COURTS
        }
        for spec in STAFF[1:]:
            self.staff[spec.username] = account_services.staff_create(
                by=admin,
                username=spec.username,
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=f"{spec.username}@{STAFF_EMAIL_DOMAIN}",
                role=spec.role,
                password=password,
                team=self.teams[spec.team_code] if spec.team_code else None,
                courts=[courts[code] for code in spec.court_codes],
                senior_manager=spec.senior_manager,
            )
        self.admin = admin
        self.capacity = {spec.username: spec.capacity for spec in STAFF}
        self.officers_by_provider: dict[str, list[User]] = {key: [] for key in self.providers}
        self.manager_by_team: dict[int, User] = {}
        team_provider = {spec.code: spec.provider_key for spec in TEAMS}
        for spec in STAFF:
            user = self.staff[spec.username]
            if spec.role == Role.RESPONSIBLE_OFFICER:
                self.officers_by_provider[team_provider[spec.team_code]].append(user)
            elif spec.role == Role.MANAGER and not spec.senior_manager:
                self.manager_by_team[user.team_id] = user
        self.towns_by_team = {self.teams[spec.code].pk: spec.towns for spec in TEAMS}
        self.towns_by_provider = {
            key: tuple(town for spec in TEAMS if spec.provider_key == key for town in spec.towns)
            for key in self.providers
        }

    # People

    def plan_people(self) -> list[PersonPlan]:
        """Decide each person's provider and case status, in fixed proportions, then shuffle."""
        count = self.people_count
        children = round(count * CHILD_SHARE)
        if count >= 10:
            children = max(children, 1)
        adults = count - children
        nps = round(adults * NPS_SHARE_OF_ADULTS)
        groups = [("yot", children, True), ("nps", nps, False), ("crc", adults - nps, False)]
        plans = []
        for provider_key, size, is_child in groups:
            ended = round(size * ENDED_SHARE)
            awaiting = round(size * AWAITING_ALLOCATION_SHARE)
            statuses = [Case.Status.ENDED] * ended + [Case.Status.AWAITING_ALLOCATION] * awaiting
            statuses += [Case.Status.ACTIVE] * (size - ended - awaiting)
            plans += [PersonPlan(provider_key, status, is_child) for status in statuses]
        self.rng.shuffle(plans)
        return plans

    def _provider_key(self, key: str, rng: random.Random) -> str:
        """`crc` means either CRC, weighted by how many officers each has."""
        if key != "crc":
            return key
        crcs = [spec.key for spec in PROVIDERS if spec.provider_type == ProviderType.CRC]
        weights = [len(self.officers_by_provider[crc]) for crc in crcs]
        return rng.choices(crcs, weights=weights)[0]

    def _allocate_officer(self, provider_key: str) -> User:
        """Of two officers picked at random, the one with the lighter caseload for their hours."""
        officers = self.officers_by_provider[provider_key]
        candidates = self.rng.sample(officers, min(2, len(officers)))
        return min(candidates, key=lambda user: self.caseloads[user.username] / self.capacity[user.username])

    def _date_of_birth(self, is_child: bool) -> date:
        """A date of birth giving an age (in whole years, today) drawn from the day-independent stream."""
        rng = self.rng
        if is_child:
            age = rng.choices((10, 11, 12, 13, 14, 15, 16, 17), weights=(1, 2, 4, 5, 8, 12, 16, 18))[0]
        else:
            band = rng.choices(((18, 24), (25, 34), (35, 44), (45, 54), (55, 72)), weights=(22, 35, 23, 13, 7))[0]
            age = rng.randint(*band)
        # Never a birthday today or tomorrow, so the age is the same whichever clock (UTC or London) reads it.
        return _add_years(self.today, -age) - timedelta(days=self.dates.randint(1, 363))

    def _case_dates(self, *, status: str, date_of_birth: date, is_child: bool) -> tuple[date, date | None]:
        """Start and end dates, never before the age of criminal responsibility (10) or adulthood (18)."""
        rng = self.dates
        earliest = _add_years(date_of_birth, 10 if is_child else 18)
        if status == Case.Status.AWAITING_ALLOCATION:
            start = self.today - timedelta(days=rng.randint(0, 4))
            return max(start, earliest), None
        if status == Case.Status.ACTIVE:
            start = self.today - timedelta(days=int(rng.triangular(3, 600 if not is_child else 360, 60)))
            return min(max(start, earliest), self.today), None
        end = self.today - timedelta(days=rng.randint(20, 1400))
        start = max(end - timedelta(days=rng.randint(180, 730)), earliest)
        end = min(max(end, start + timedelta(days=90)), self.today - timedelta(days=1))
        return start, max(end, start)

    def _contact_details(self, first_name: str, last_name: str, is_child: bool) -> dict:
        rng = self.rng
        details = {"telephone": "", "mobile": "", "email": ""}
        # Ofcom's numbers reserved for drama: 07700 900000-900999 and 0161 496 0000-0999.
        if rng.random() < (0.6 if is_child else 0.85):
            details["mobile"] = f"07700 900{rng.randint(0, 999):03d}"
        if rng.random() < 0.15:
            details["telephone"] = f"0161 496 {rng.randint(0, 999):04d}"
        if rng.random() < (0.2 if is_child else 0.35):
            details["email"] = f"{_ascii(first_name)}.{_ascii(last_name)}{rng.randint(1, 99)}@example.com"
        return details

    def _protected_characteristics(self, background: Background, gender: str) -> dict:
        """Self-declared and optional: about one in five declares nothing, others skip some questions."""
        rng = self.rng
        declared = {
            "ethnicity": "",
            "religion": "",
            "sexual_orientation": "",
            "disability": "",
            "disability_details": "",
            "gender_identity_matches_sex_at_birth": "",
        }
        if rng.random() < 0.2:
            return declared
        not_said = NOT_SAID
        if rng.random() < 0.95:
            declared["ethnicity"] = background.ethnicity if rng.random() < 0.96 else not_said
        if rng.random() < 0.8:
            religions, weights = zip(*background.religions, strict=True)
            declared["religion"] = rng.choices(religions, weights=weights)[0]
        if rng.random() < 0.75:
            declared["sexual_orientation"] = rng.choices(
                ("heterosexual", "gay_or_lesbian", "bisexual", "other", not_said), weights=(88, 3, 3, 1, 5)
            )[0]
        if rng.random() < 0.85:
            declared["disability"] = rng.choices(("no", "yes", not_said), weights=(68, 25, 7))[0]
            if declared["disability"] == "yes" and rng.random() < 0.8:
                declared["disability_details"] = rng.choice(DISABILITY_DETAILS)
        if rng.random() < 0.7:
            if gender in (Person.Gender.NON_BINARY, Person.Gender.OTHER):
                declared["gender_identity_matches_sex_at_birth"] = "no"
            else:
                declared["gender_identity_matches_sex_at_birth"] = rng.choices(
                    ("yes", "no", not_said), weights=(95, 1, 4)
                )[0]
        return declared

    def _identity(self, is_child: bool) -> dict:
        rng = self.rng
        background = rng.choices(BACKGROUNDS, cum_weights=self.background_weights)[0]
        gender = rng.choices(
            (Person.Gender.MALE, Person.Gender.FEMALE, Person.Gender.NON_BINARY, Person.Gender.NOT_KNOWN),
            weights=(82, 16, 1, 1) if is_child else (84, 14.5, 1, 0.5),
        )[0]
        if gender == Person.Gender.MALE:
            first_names = background.male
        elif gender == Person.Gender.FEMALE:
            first_names = background.female
        else:
            first_names = background.male + background.female
        first_name = rng.choice(first_names)
        surnames, cum_weights = self.surnames[background]
        last_name = rng.choices(surnames, cum_weights=cum_weights)[0]
        middle_names = ""
        if rng.random() < 0.45:
            middle_names = rng.choice([name for name in first_names if name != first_name])
        preferred_name = ""
        if first_name in PREFERRED_NAMES and rng.random() < 0.3:
            preferred_name = PREFERRED_NAMES[first_name]
        return {
            "background": background,
            "first_name": first_name,
            "middle_names": middle_names,
            "last_name": last_name,
            "preferred_name": preferred_name,
            "gender": gender,
        }

    def _address_fields(self, town: str) -> dict:
        rng = self.rng
        district = rng.choice(TOWNS[town])
        postcode = f"{district} {rng.randint(1, 9)}{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"
        street = f"{rng.randint(1, 240)} {rng.choice(STREETS)}"
        if rng.random() < 0.25:
            line_1, line_2 = f"Flat {rng.randint(1, 40)}, {rng.choice(FLAT_BUILDINGS)}", street
        else:
            line_1, line_2 = street, ""
        return {"line_1": line_1, "line_2": line_2, "town": town, "postcode": postcode}

    def _add_addresses(self, person: Person, *, home_towns: tuple[str, ...], is_child: bool) -> None:
        """One to three main addresses, oldest first; each new one ends the one before (some no fixed abode)."""
        rng, dates = self.rng, self.dates
        count = rng.choices((1, 2, 3), weights=(50, 35, 15))[0]
        since_birth = is_child and rng.random() < 0.6  # a child living at the family home since birth
        no_fixed_abode_now = not is_child and rng.random() < NO_FIXED_ABODE_SHARE
        earliest = max(person.date_of_birth, self.today - timedelta(days=365 * 12))
        span = (self.today - timedelta(days=7) - earliest).days  # at least nine years: everyone is 10 or older
        first = 0 if since_birth else dates.randint(0, span // 2)
        offsets = [first, *sorted(dates.sample(range(first + 1, span + 1), k=count - 1))]
        last = count - 1
        for index, offset in enumerate(offsets):
            start_date = earliest + timedelta(days=offset)
            if index == last and no_fixed_abode_now:
                case_services.address_add(by=self.admin, person=person, start_date=start_date, no_fixed_abode=True)
                continue
            town = rng.choice(home_towns) if index == last or rng.random() < 0.7 else rng.choice(tuple(TOWNS))
            case_services.address_add(by=self.admin, person=person, start_date=start_date, **self._address_fields(town))

    def _open_case(self, person: Person, plan: CasePlan) -> Case:
        provider = self.providers[plan.provider_key]
        officer = plan.officer
        team = officer.team if officer else None
        by = self.manager_by_team[team.pk] if team else self.admin
        start_date, end_date = plan.start_date, plan.end_date
        if end_date is not None:
            # The service refuses an end date after the real day: a demo built for a later day ends such cases
            # today (and starts them no later), so it still loads.
            end_date = min(end_date, timezone.localdate())
            start_date = min(start_date, end_date)
        case = case_services.case_create(
            by=by, person=person, provider=provider, start_date=start_date, team=team, responsible_officer=officer
        )
        if end_date is not None:
            outcome, notes = self._termination()
            case = case_services.case_end(by=by, case=case, end_date=end_date, outcome=outcome, notes=notes)
        return case

    def _termination(self) -> tuple[str, str]:
        """How an ended case ended, and the officer's note (always one for a transfer out: the service asks)."""
        outcomes, weights = zip(*TERMINATION_OUTCOME_WEIGHTS, strict=True)
        outcome = self.outcomes.choices(outcomes, weights=weights)[0]
        return outcome, self.outcomes.choice(TERMINATION_NOTES[outcome])

    def _case_plans(self, plan: PersonPlan, date_of_birth: date) -> list[CasePlan]:
        """The person's cases, oldest first: perhaps an earlier ended case, then the case in the plan."""
        rng, dates = self.rng, self.dates
        provider_key = self._provider_key(plan.provider_key, rng)
        start, end = self._case_dates(status=plan.status, date_of_birth=date_of_birth, is_child=plan.is_child)
        officer = None
        if plan.status == Case.Status.ACTIVE:
            officer = self._allocate_officer(provider_key)
            self.caseloads[officer.username] += 1
        elif plan.status == Case.Status.ENDED:
            officer = rng.choice(self.officers_by_provider[provider_key])
        cases = [CasePlan(provider_key, plan.status, start, end, officer)]
        if plan.status == Case.Status.ENDED or rng.random() >= PREVIOUS_CASE_SHARE:
            return cases
        tenth, eighteenth = _add_years(date_of_birth, 10), _add_years(date_of_birth, 18)
        if not plan.is_child and age_on(date_of_birth, self.today) < 20:
            # Turned 18 under a YOT order: the YOT case ended and adult services took over.
            previous_key, previous_end = "yot", eighteenth
            previous_start = max(previous_end - timedelta(days=dates.randint(180, 540)), tenth)
        else:
            previous_key = "yot" if plan.is_child else self._provider_key(dates.choice(("nps", "crc")), dates)
            previous_end = start - timedelta(days=dates.randint(30, 900))
            previous_start = max(
                previous_end - timedelta(days=dates.randint(180, 730)), tenth if plan.is_child else eighteenth
            )
            if previous_end < previous_start:
                return cases  # no room for an earlier case between coming of age and this one
        previous_officer = dates.choice(self.officers_by_provider[previous_key])
        return [CasePlan(previous_key, Case.Status.ENDED, previous_start, previous_end, previous_officer), *cases]

    def build_people(self) -> list[tuple[Person, Case]]:
        """Create every person with addresses and cases; returns each person with their latest case."""
        created = []
        for plan in self.plan_people():
            identity = self._identity(plan.is_child)
            background = identity.pop("background")
            date_of_birth = self._date_of_birth(plan.is_child)
            case_plans = self._case_plans(plan, date_of_birth)
            person = case_services.person_create(
                by=self.admin,
                date_of_birth=date_of_birth,
                rng=self.rng,
                **identity,
                **self._contact_details(identity["first_name"], identity["last_name"], plan.is_child),
                **self._protected_characteristics(background, identity["gender"]),
            )
            latest = case_plans[-1]
            if latest.officer is not None:
                home_towns = self.towns_by_team[latest.officer.team_id]
            else:
                home_towns = self.towns_by_provider[latest.provider_key]
            self._add_addresses(person, home_towns=home_towns, is_child=plan.is_child)
            cases = [self._open_case(person, case_plan) for case_plan in case_plans]
            created.append((person, cases[-1]))
        return created

    # Access lists

    def build_access_limits(self, created: list[tuple[Person, Case]]) -> tuple[int, int]:
        """Exclusion lists (a named member of staff must not see the person) and restriction lists (only named staff).

        The `officer` login is excluded from one person in their own team and on the restriction list of one of
        their own cases, so both behaviours show up at once in the demo.
        """
        rng = self.rng
        officer = self.staff["officer"]
        active = [(person, case) for person, case in created if case.status == Case.Status.ACTIVE]
        own = [pair for pair in active if pair[1].responsible_officer_id == officer.pk]
        teammates = [pair for pair in active if pair[1].team_id == officer.team_id and pair not in own]
        others = [pair for pair in active if pair[1].team_id != officer.team_id]
        rng.shuffle(others)
        pool = iter(others)
        exclusions = max(1, round(self.people_count * EXCLUSION_SHARE)) if active else 0
        restrictions = max(1, round(self.people_count * RESTRICTION_SHARE)) if active else 0
        excluded = [rng.choice(teammates)] if teammates else []
        excluded += islice(pool, exclusions - len(excluded))
        restricted = [rng.choice(own)] if own else []
        restricted += islice(pool, restrictions - len(restricted))
        for person, case in excluded:
            # Someone in the same provider who knows the person, never their own responsible officer.
            if case.team_id == officer.team_id:
                staff_member = officer
            else:
                provider_key = next(key for key, provider in self.providers.items() if provider.pk == case.provider_id)
                colleagues = [
                    user for user in self.officers_by_provider[provider_key] if user != case.responsible_officer
                ]
                staff_member = rng.choice(colleagues)
            case_services.access_limit_add(
                by=self.manager_by_team[case.team_id],
                person=person,
                user=staff_member,
                kind=PersonAccessLimit.Kind.EXCLUSION,
                reason=rng.choice(EXCLUSION_REASONS),
            )
        for person, case in restricted:
            manager = self.manager_by_team[case.team_id]
            reason = rng.choice(RESTRICTION_REASONS)
            for staff_member in (case.responsible_officer, manager):
                case_services.access_limit_add(
                    by=manager, person=person, user=staff_member, kind=PersonAccessLimit.Kind.RESTRICTION, reason=reason
                )
        return len(excluded), len(restricted)


def demo_build(
    *, people: int = DEFAULT_PEOPLE, seed: int = DEFAULT_SEED, today: date | None = None
) -> DemoSummary | None:
    """Load the demo data in one transaction; returns None (and writes nothing) if it is already loaded."""
    started = time.perf_counter()
    # Trusted data in bulk: the database enforces the check constraints without a query per row first.
    with transaction.atomic(), constraints_left_to_database():
        if demo_data_loaded():
            return None
        builder = DemoBuilder(people=people, seed=seed, today=today or timezone.localdate())
        builder.build_organisations_and_staff()
        created = builder.build_people()
        excluded, restricted = builder.build_access_limits(created)
        # The journey first: it reads no risk record of the people above (its live people get their own
        # screenings), and the risk summary then counts every assessment, the journey's screenings included.
        journey = build_journey(builder, created, seed=seed)
        risk = build_risk(builder, created, seed=seed)
        # Delivery last: it needs the journey's allocations and plans, and raises the alerts of every clock.
        delivery = build_delivery(builder, seed=seed, leave_alone=journey.live_case_ids)
        # Then the decisions on the failures to comply the journey and delivery recorded.
        enforcement = build_enforcement(builder, seed=seed, leave_alone=journey.live_case_ids)
    cases_by_provider = {provider.name: Counter() for provider in builder.providers.values()}
    for case in Case.objects.filter(provider__region__name=DEMO_REGION_NAME).select_related("provider"):
        cases_by_provider[case.provider.name][case.status] += 1
    return DemoSummary(
        people=len(created),
        cases_by_provider=cases_by_provider,
        excluded_people=excluded,
        restricted_people=restricted,
        caseloads=dict(builder.caseloads),
        seconds=time.perf_counter() - started,
        staff=[builder.staff[spec.username] for spec in STAFF],
        risk=risk,
        journey=journey,
        delivery=delivery,
        enforcement=enforcement,
    )
