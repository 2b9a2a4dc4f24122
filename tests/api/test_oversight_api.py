"""API for managers' oversight (oversight/api.py): workload, overdue work, compliance, missed cases, continuity and
case quality audits. Figures on hand-built data, scoping (403 for staff who do not manage, 400 with field messages
for a team, scope, period, code, kind or officer the caller may not ask for, 404 for audits they may not see),
drawing and answering audits, constant query counts, and the schema without warnings."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS

from cases.models import Case, Disposal, ManagementOversightNote, PersonAccessLimit
from oversight.models import QUESTION_CODES, AuditAnswer, AuditedCase, CaseAudit
from risk.models import RiskLevel
from tests import factories
from timeliness.models import Alert, Clock

pytestmark = pytest.mark.django_db

# Wednesday 7 October 2026: the last full quarter is July to September 2026.
NOW = datetime(2026, 10, 7, 10, 0, tzinfo=ZoneInfo("Europe/London"))
TODAY = NOW.date()
Q3 = {"start": "2026-07-01", "end": "2026-09-30", "label": "July to September 2026 (1 July 2026 to 30 September 2026)"}

API = "/api/v1/oversight/"
WORKLOAD = API + "workload/"
OVERDUE = API + "overdue-work/"
COMPLIANCE = API + "compliance/"
MISSED = API + "missed/"
CONTINUITY = API + "continuity/"
AUDITS = API + "audits/"

NOT_A_MANAGER = {"detail": "Only managers can see oversight of a team."}
NOT_YOUR_TEAM = "You can only see the teams you manage."
CHOOSE_TEAM = "Choose a team from the list."
CHOOSE_SCOPE = "Choose a team, your provider or your region."
CHOOSE_AUDIT_SCOPE = "Choose a team or your provider."  # an audit cannot cover a region
NOT_A_DATE = "Enter the {} day of the period as a real date."
END_BEFORE_START = "The end of the period must be on or after its start."
AT_MOST = "choose a sample of at most that many."


REGION_REFUSED = "Audit a team or your provider: a sample names cases, and you can open only your provider's."


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def errors(response, status=400) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["detail"] == "The request has errors."
    return body["errors"]


def assessed(case, level=RiskLevel.MEDIUM, on=date(2026, 9, 1)):
    """A current completed RoSH assessment of `level` (recent: no risk gap)."""
    return factories.RoshAssessmentFactory(
        person=case.person, risk_to_public=level, assessment_date=on, created_by=case.responsible_officer
    )


def case_for(officer, last_name="Hughes", **kwargs):
    return factories.CaseFactory(responsible_officer=officer, person__last_name=last_name, **kwargs)


def clock(case, due_on, status=Clock.Status.OPEN, stopped_on=None, service_level="NPS SL003R"):
    return factories.ClockFactory(
        case=case,
        service_level=service_level,
        started_on=due_on - timedelta(days=7),
        due_on=due_on,
        status=status,
        stopped_on=stopped_on,
    )


def senior_manager(org):
    return factories.ManagerFactory(
        username="sam", first_name="Sam", last_name="Senior", team=org.team_a, senior_manager=True
    )


# Who may ask ---------------------------------------------------------------------------------------------------------

GET_URLS = [
    WORKLOAD,
    OVERDUE,
    COMPLIANCE,
    MISSED + "?code=NPS+SL003R",
    CONTINUITY,
    AUDITS,
    AUDITS + "1/",
]


@pytest.mark.parametrize("who", ["officer", "colleague", "upw", "court_user", "administrator"])
@pytest.mark.parametrize("url", GET_URLS)
def test_staff_who_do_not_manage_a_team_get_403(org, client_for, who, url):
    factories.CaseFactory(responsible_officer=org.officer)

    response = client_for(getattr(org, who)).get(url)

    assert response.status_code == 403
    assert response.json() == NOT_A_MANAGER


@pytest.mark.parametrize("who", ["officer", "upw", "court_user"])
def test_staff_who_do_not_manage_cannot_draw_or_answer_an_audit(org, client_for, who):
    factories.CaseFactory.create_batch(2, responsible_officer=org.officer)
    audit = _draw(client_for(org.manager), sample_size=1, seed=1)
    audited_id = audit["audited_cases"][0]["id"]
    client = client_for(getattr(org, who))

    drawn = client.post(AUDITS, {"sample_size": 1}, content_type="application/json")
    answered = client.post(
        f"{AUDITS}{audit['id']}/cases/{audited_id}/answers/",
        {"answers": _all_answers(True)},
        content_type="application/json",
    )

    assert (drawn.status_code, drawn.json()) == (403, NOT_A_MANAGER)
    assert (answered.status_code, answered.json()) == (403, NOT_A_MANAGER)
    assert CaseAudit.objects.count() == 1
    assert AuditAnswer.objects.count() == 0


def test_the_api_root_lists_the_audits(org, client_for):
    body = client_for(org.manager).get("/api/v1/").json()

    assert body["oversight/audits"] == "http://testserver/api/v1/oversight/audits/"


def test_anonymous_callers_get_401(client):
    assert client.get(WORKLOAD).status_code == 401
    assert client.post(AUDITS, {}).status_code == 401


def test_an_administrator_with_a_team_may_oversee_it(org, client_for):
    admin = factories.AdministratorFactory(username="admin.nps", team=org.team_a)
    case_for(org.officer)

    body = client_for(admin).get(WORKLOAD).json()

    assert body["team"] == {"id": org.team_a.pk, "name": "Manchester North", "code": "N01MN"}
    assert body["totals"]["active_cases"] == 1


@pytest.mark.parametrize(
    "url",
    [WORKLOAD, OVERDUE, COMPLIANCE, MISSED + "?code=NPS+SL003R&", CONTINUITY],
    ids=["workload", "overdue", "compliance", "missed", "continuity"],
)
class TestTeamChoice:
    def _get(self, client, url, **params):
        joiner = "" if url.endswith("&") else "?"
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return client.get(f"{url}{joiner}{query}")

    def test_a_manager_asking_for_another_team_gets_400(self, org, client_for, url):
        response = self._get(client_for(org.manager), url, team=org.team_a2.pk)

        assert errors(response) == {"team": [NOT_YOUR_TEAM]}

    def test_a_manager_asking_for_another_providers_team_gets_400(self, org, client_for, url):
        response = self._get(client_for(org.other_provider_manager), url, team=org.team_a.pk)

        assert errors(response) == {"team": [NOT_YOUR_TEAM]}

    @pytest.mark.parametrize("team", ["abc", "0", "-3", "99999999999999999999"])
    def test_a_team_that_is_not_an_id_gets_400(self, org, client_for, url, team):
        response = self._get(client_for(org.manager), url, team=team)

        assert errors(response) == {"team": [CHOOSE_TEAM]}

    def test_a_senior_manager_may_choose_any_team_of_their_provider(self, org, client_for, url):
        client = client_for(senior_manager(org))

        chosen = self._get(client, url, team=org.team_a2.pk)
        other_provider = self._get(client, url, team=org.team_b.pk)

        assert chosen.status_code == 200, chosen.content
        assert errors(other_provider) == {"team": [NOT_YOUR_TEAM]}


@pytest.mark.parametrize("url", [COMPLIANCE, MISSED + "?code=NPS+SL003R&", CONTINUITY])
def test_an_unknown_scope_gets_400(org, client_for, url):
    joiner = "" if url.endswith("&") else "?"

    response = client_for(org.manager).get(f"{url}{joiner}scope=country")

    assert errors(response) == {"scope": [CHOOSE_SCOPE]}


@pytest.mark.parametrize(
    "params, expected",
    [
        (
            {"start": "2026-02-30", "end": "2026-03-31"},
            {"start": ["Enter the first day of the period as a real date."]},
        ),
        ({"start": "2026-07-01"}, {"end": ["Enter the last day of the period as a real date."]}),
        (
            {"start": "2026-09-01", "end": "2026-08-01"},
            {"end": ["The end of the period must be on or after its start."]},
        ),
        ({"start": "2026-10-08", "end": "2026-12-31"}, {"start": ["The period cannot start in the future."]}),
        ({"start": "2020-01-01", "end": "2026-01-01"}, {"end": ["Choose a period of 3 years or less."]}),
        (
            {"start": "2026-09-01", "end": "2026-08-01", "team": 0},
            {"team": [CHOOSE_TEAM]},
        ),
    ],
)
@pytest.mark.parametrize("url", [COMPLIANCE, MISSED])
def test_a_bad_period_gets_400_with_field_messages(org, client_for, url, params, expected):
    if url == MISSED:
        params = {**params, "code": "NPS SL003R"}

    response = client_for(org.manager).get(url, params)

    assert errors(response) == expected


def test_scope_and_period_errors_are_given_together(org, client_for):
    response = client_for(org.manager).get(
        COMPLIANCE, {"team": org.team_a2.pk, "start": "2026-09-01", "end": "2026-08-01"}
    )

    assert errors(response) == {
        "team": [NOT_YOUR_TEAM],
        "end": ["The end of the period must be on or after its start."],
    }


# Workload ------------------------------------------------------------------------------------------------------------


def test_workload_counts_each_officers_cases_by_risk_and_case_type(org, client_for):
    community_high = case_for(org.officer, "Adams")
    assessed(community_high, RiskLevel.HIGH)
    licence_unassessed = case_for(org.officer, "Baker")
    factories.SentenceFactory(
        case=licence_unassessed,
        disposal=Disposal.CUSTODY,
        sentence_date=date(2025, 3, 2),
        released_on=date(2026, 6, 1),
    )
    custody_low = case_for(org.officer, "Clark")
    factories.SentenceFactory(case=custody_low, disposal=Disposal.CUSTODY, sentence_date=date(2026, 3, 2))
    assessed(custody_low, RiskLevel.LOW)
    very_high = case_for(org.colleague, "Davis")
    assessed(very_high, RiskLevel.VERY_HIGH)
    case_for(org.officer, "Ended", ended=True)  # not active: not counted
    case_for(org.other_team_officer, "Other")  # another team
    overdue_clock = clock(community_high, date(2026, 10, 1))
    soon_clock = clock(custody_low, date(2026, 10, 8))
    for kind, on in ((Alert.Kind.OVERDUE, overdue_clock), (Alert.Kind.DUE_SOON, soon_clock)):
        Alert.objects.create(clock=on, recipient=org.officer, kind=kind, created_at=timezone.now())

    response = client_for(org.manager).get(WORKLOAD)

    assert response.status_code == 200
    body = response.json()
    assert body["team"] == {"id": org.team_a.pk, "name": "Manchester North", "code": "N01MN"}
    assert body["threshold"] == 60
    # Olivia: community high 1.0 x 1.5 + licence not assessed 1.2 x 1.0 + custody low 0.5 x 0.8 = 3.1.
    assert body["officers"][0] == {
        "active_cases": 3,
        "by_rosh": {"very_high": 0, "high": 1, "medium": 0, "low": 1, "none": 1},
        "by_case_type": {"community": 1, "licence": 1, "custody": 1, "youth": 0},
        "workload": "3.1",
        "alerts_open": 2,
        "alerts_overdue": 1,
        "id": org.officer.pk,
        "name": "Olivia Okafor",
        "over_threshold": False,
    }
    assert [(row["name"], row["active_cases"], row["workload"]) for row in body["officers"]] == [
        ("Olivia Okafor", 3, "3.1"),
        ("Colin Cartwright", 1, "2.0"),
    ]
    assert body["totals"] == {
        "active_cases": 4,
        "by_rosh": {"very_high": 1, "high": 1, "medium": 0, "low": 1, "none": 1},
        "by_case_type": {"community": 2, "licence": 1, "custody": 1, "youth": 0},
        "workload": "5.1",
        "alerts_open": 2,
        "alerts_overdue": 1,
    }


def test_workload_flags_an_officer_over_the_caseload_threshold(org, client_for, settings):
    settings.CASELOAD_THRESHOLD = 2
    factories.CaseFactory.create_batch(3, responsible_officer=org.officer)
    factories.CaseFactory.create_batch(2, responsible_officer=org.colleague)

    body = client_for(org.manager).get(WORKLOAD).json()

    assert body["threshold"] == 2
    assert [(row["name"], row["over_threshold"]) for row in body["officers"]] == [
        ("Olivia Okafor", True),
        ("Colin Cartwright", False),
    ]


def test_workload_of_a_team_with_no_cases_is_all_zeros(org, client_for):
    body = client_for(senior_manager(org)).get(WORKLOAD, {"team": org.team_a2.pk}).json()

    assert body["team"]["name"] == "Manchester South"
    assert [(row["name"], row["active_cases"], row["workload"]) for row in body["officers"]] == [
        ("Tariq Thompson", 0, "0.0")
    ]
    assert body["totals"]["by_rosh"] == {"very_high": 0, "high": 0, "medium": 0, "low": 0, "none": 0}


# Overdue work --------------------------------------------------------------------------------------------------------


def _overdue_setup(org):
    own = case_for(org.officer, "Adams")
    assessed(own)
    colleague = case_for(org.colleague, "Baker")
    assessed(colleague)
    unassessed = case_for(org.officer, "Clark")  # a risk gap: never assessed
    other_team = case_for(org.other_team_officer, "Other")
    assessed(other_team)
    late = clock(own, date(2026, 9, 30))
    soon = clock(colleague, date(2026, 10, 9))
    clock(own, date(2026, 10, 30))  # not due soon: not listed
    clock(other_team, date(2026, 9, 1))  # another team
    return own, colleague, unassessed, late, soon


def test_overdue_work_lists_the_teams_clocks_overdue_first(org, client_for):
    own, colleague, _, late, soon = _overdue_setup(org)

    response = client_for(org.manager).get(OVERDUE, {"kind": "clock"})

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (2, None, None)
    name = "First appointment within 5 days of allocation (community sentence)"
    assert body["results"] == [
        {
            "kind": "clock",
            "kind_label": "Service level",
            "case": own.pk,
            "crn": own.person.crn,
            "name": own.person.full_name,
            "officer": {"id": org.officer.pk, "name": "Olivia Okafor"},
            "what": f"NPS SL003R: {name}",
            "due_on": "2026-09-30",
            "overdue": True,
            "timing": "Overdue by 5 working days",
            "url": f"/cases/{own.pk}/service-levels/",
        },
        {
            "kind": "clock",
            "kind_label": "Service level",
            "case": colleague.pk,
            "crn": colleague.person.crn,
            "name": colleague.person.full_name,
            "officer": {"id": org.colleague.pk, "name": "Colin Cartwright"},
            "what": f"NPS SL003R: {name}",
            "due_on": "2026-10-09",
            "overdue": False,
            "timing": "Due in 2 working days",
            "url": f"/cases/{colleague.pk}/service-levels/",
        },
    ]


def test_overdue_work_of_every_kind_and_for_one_officer(org, client_for):
    own, colleague, unassessed, _, _ = _overdue_setup(org)
    client = client_for(org.manager)

    everything = client.get(OVERDUE).json()
    olivia = client.get(OVERDUE, {"officer": org.officer.pk}).json()

    assert [(row["kind"], row["case"]) for row in everything["results"]] == [
        ("clock", own.pk),
        ("risk", unassessed.pk),
        ("clock", colleague.pk),
    ]
    assert everything["results"][1]["kind_label"] == "Risk gap"
    assert everything["results"][1]["due_on"] is None
    assert [(row["kind"], row["case"]) for row in olivia["results"]] == [("clock", own.pk), ("risk", unassessed.pk)]


def test_overdue_work_pages(org, client_for):
    for n in range(3):
        clock(case_for(org.officer, f"Late{n}"), date(2026, 9, 28 + n))

    body = client_for(org.manager).get(OVERDUE, {"kind": "clock", "page_size": 2}).json()

    assert body["count"] == 3
    assert [row["due_on"] for row in body["results"]] == ["2026-09-28", "2026-09-29"]
    assert body["next"] == "http://testserver/api/v1/oversight/overdue-work/?kind=clock&page=2&page_size=2"


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"kind": "holiday"}, {"kind": ["Choose a kind of work from the list."]}),
        ({"officer": "olivia"}, {"officer": ["Choose an officer from the list."]}),
        ({"officer": "0"}, {"officer": ["Choose an officer from the list."]}),
    ],
)
def test_overdue_work_refuses_a_bad_kind_or_officer(org, client_for, params, expected):
    assert errors(client_for(org.manager).get(OVERDUE, params)) == expected


def test_overdue_work_refuses_an_officer_of_another_team(org, client_for):
    client = client_for(org.manager)

    response = client.get(OVERDUE, {"officer": org.other_team_officer.pk})
    unknown = client.get(OVERDUE, {"officer": 999_999})

    assert errors(response) == {"officer": ["Choose an officer of Manchester North."]}
    assert errors(unknown) == {"officer": ["Choose an officer of Manchester North."]}


# Compliance and missed cases -----------------------------------------------------------------------------------------


def _compliance_setup(org):
    """In July to September 2026, for Manchester North: NPS SL003R met 7 times of 10 (two stopped late, one still
    running past its due date); NPS SL018 met 3 times of 4. Outside the period or team: ignored."""
    for n in range(7):
        clock(case_for(org.officer, f"Met{n}"), date(2026, 8, 10), Clock.Status.MET, date(2026, 8, 7))
    late = [
        clock(case_for(org.officer, f"Late{n}"), date(2026, 8, 10), Clock.Status.MISSED, date(2026, 8, 14))
        for n in range(2)
    ]
    running = clock(case_for(org.colleague, "Running"), date(2026, 9, 30))
    clock(case_for(org.officer, "NotDue"), date(2026, 10, 9))  # running, not yet due: left out
    clock(case_for(org.officer, "Cancelled"), date(2026, 8, 10), Clock.Status.CANCELLED, date(2026, 8, 5))
    clock(case_for(org.officer, "June"), date(2026, 6, 30), Clock.Status.MISSED, date(2026, 7, 2))  # last quarter
    clock(case_for(org.other_team_officer, "Elsewhere"), date(2026, 8, 10), Clock.Status.MISSED, date(2026, 8, 12))
    for n, outcome in enumerate(["completed_positively"] * 3 + ["revoked"]):
        case = case_for(org.officer, f"Ended{n}", status=Case.Status.ENDED, end_date=date(2026, 8, 15))
        case.termination_outcome = outcome
        case.save()
        factories.SentenceFactory(case=case, sentence_date=date(2025, 8, 15), status="completed")
    return late, running


def _row(body, code):
    return next(row for row in body["rows"] if row["code"] == code)


def test_compliance_for_the_last_full_quarter(org, client_for):
    _compliance_setup(org)

    response = client_for(org.manager).get(COMPLIANCE)

    assert response.status_code == 200
    body = response.json()
    assert body["period"] == Q3
    assert body["scope"] == {"kind": "team", "id": org.team_a.pk, "name": "Manchester North"}
    assert _row(body, "NPS SL003R") == {
        "code": "NPS SL003R",
        "name": "First appointment within 5 days of allocation (community sentence)",
        "kind": "clock",
        "met": 7,
        "missed": 3,
        "total": 10,
        "percent": "70.0",
        "target_percent": "97.0",
        "performance_2017": "93.4",
        "national": True,
        "meets_target": False,
    }
    assert _row(body, "NPS SL018") == {
        "code": "NPS SL018",
        "name": "Community sentence completed positively",
        "kind": "outcome",
        "met": 3,
        "missed": 1,
        "total": 4,
        "percent": "75.0",
        "target_percent": "75.0",
        "performance_2017": "73.1",
        "national": True,
        "meets_target": True,
    }
    no_cases = _row(body, "NPS SL002")
    assert (no_cases["total"], no_cases["percent"], no_cases["meets_target"]) == (0, None, None)
    codes = [row["code"] for row in body["rows"]]
    assert "CRC SL001" not in codes  # an NPS team: CRC service levels do not apply
    assert codes.index("NPS SL003R") < codes.index("NPS SL018")  # clocks, then completion measures
    assert body["not_measured"] == [
        {
            "code": "CRC AB / NPS SL017",
            "name": "Serious further offence notified: review or action plan within 3 months",
            "reason": "Serious further offences are not recorded in this service yet.",
        }
    ]


def test_compliance_for_a_chosen_period_and_the_region(org, client_for):
    _compliance_setup(org)
    crc_case = case_for(org.other_provider_officer, "Stockport")
    clock(crc_case, date(2026, 8, 3), Clock.Status.MET, date(2026, 8, 3), service_level="CRC SL001")
    client = client_for(org.manager)

    august = client.get(COMPLIANCE, {"start": "2026-08-10", "end": "2026-08-10"}).json()
    region = client.get(COMPLIANCE, {"scope": "region"}).json()
    provider = client.get(COMPLIANCE, {"scope": "provider"}).json()

    assert august["period"] == {"start": "2026-08-10", "end": "2026-08-10", "label": "10 August 2026 to 10 August 2026"}
    assert (_row(august, "NPS SL003R")["met"], _row(august, "NPS SL003R")["total"]) == (7, 9)
    assert region["scope"] == {"kind": "region", "id": org.region.pk, "name": "North West"}
    # The region holds both providers: the other team's late clock and the CRC's clock count too.
    assert (_row(region, "NPS SL003R")["met"], _row(region, "NPS SL003R")["total"]) == (7, 11)
    assert (_row(region, "CRC SL001")["met"], _row(region, "CRC SL001")["percent"]) == (1, "100.0")
    assert provider["scope"] == {"kind": "provider", "id": org.nps.pk, "name": "NPS North West"}
    assert (_row(provider, "NPS SL003R")["missed"], _row(provider, "NPS SL003R")["total"]) == (4, 11)


def test_missed_lists_the_cases_behind_the_figure(org, client_for):
    late, running = _compliance_setup(org)

    response = client_for(org.manager).get(MISSED, {"code": "NPS SL003R"})

    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("code", "name", "kind", "row_label", "hidden", "count", "next", "previous")} == {
        "code": "NPS SL003R",
        "name": "First appointment within 5 days of allocation (community sentence)",
        "kind": "clock",
        "row_label": "Due",
        "hidden": 0,
        "count": 3,
        "next": None,
        "previous": None,
    }
    assert body["period"] == Q3
    assert body["scope"] == {"kind": "team", "id": org.team_a.pk, "name": "Manchester North"}
    first = late[0].case
    assert body["results"][0] == {
        "case": first.pk,
        "crn": first.person.crn,
        "name": first.person.full_name,
        "team": "Manchester North",
        "officer": {"id": org.officer.pk, "name": "Olivia Okafor"},
        "on": "2026-08-10",
        "detail": "Due 10 August 2026; stopped 14 August 2026, 4 working days late.",
    }
    assert [row["case"] for row in body["results"]] == [late[0].case_id, late[1].case_id, running.case_id]
    assert body["results"][2]["detail"] == "Due 30 September 2026; still running, 5 working days overdue."


def test_missed_for_a_completion_measure(org, client_for):
    _compliance_setup(org)

    body = client_for(org.manager).get(MISSED, {"code": "NPS SL018"}).json()

    assert (body["kind"], body["row_label"], body["count"]) == ("outcome", "Case ended", 1)
    assert body["results"][0]["on"] == "2026-08-15"
    assert body["results"][0]["detail"] == "Ended on 15 August 2026: revoked by the court."


def test_missed_in_the_region_counts_other_providers_cases_without_listing_them(org, client_for):
    crc_case = case_for(org.other_provider_officer, "Stockport")
    clock(crc_case, date(2026, 8, 3), Clock.Status.MISSED, date(2026, 8, 5), service_level="CRC SL001")

    nps_view = client_for(org.manager).get(MISSED, {"code": "CRC SL001", "scope": "region"}).json()
    crc_view = client_for(org.other_provider_manager).get(MISSED, {"code": "CRC SL001", "scope": "region"}).json()

    assert (nps_view["hidden"], nps_view["count"], nps_view["results"]) == (1, 0, [])
    assert (crc_view["hidden"], crc_view["count"]) == (0, 1)
    assert crc_view["results"][0]["crn"] == crc_case.person.crn


def test_missed_pages(org, client_for):
    _compliance_setup(org)

    body = client_for(org.manager).get(MISSED, {"code": "NPS SL003R", "page_size": 2, "page": 2}).json()

    assert body["count"] == 3
    assert len(body["results"]) == 1
    assert body["next"] is None
    assert body["previous"] == "http://testserver/api/v1/oversight/missed/?code=NPS+SL003R&page_size=2"


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, {"code": ["Choose a service level."]}),
        ({"code": "NPS SL999"}, {"code": ["Choose a service level from the list."]}),
    ],
)
def test_missed_needs_a_known_code(org, client_for, params, expected):
    assert errors(client_for(org.manager).get(MISSED, params)) == expected


# Continuity ----------------------------------------------------------------------------------------------------------


def _held_by(case, *officers):
    """Assignments for each officer in turn (the last one is current)."""
    start = date(2025, 1, 1)
    for n, officer in enumerate(officers):
        last = n == len(officers) - 1
        factories.OfficerAssignmentFactory(
            case=case,
            responsible_officer=officer,
            start_date=start + timedelta(days=30 * n),
            end_date=None if last else start + timedelta(days=30 * n + 29),
        )


def test_continuity_counts_officers_per_case(org, client_for):
    other = factories.OfficerFactory(team=org.team_a)
    _held_by(case_for(org.officer, "One"), org.officer)
    _held_by(case_for(org.officer, "AlsoOne"), org.officer)
    _held_by(case_for(org.officer, "Two"), org.colleague, org.officer)
    _held_by(case_for(org.officer, "Three"), other, org.colleague, org.officer)
    _held_by(case_for(org.officer, "Returned"), org.officer, org.colleague, org.officer)  # two different officers
    _held_by(case_for(org.other_team_officer, "Elsewhere"), org.other_team_officer)
    factories.CaseFactory(responsible_officer=org.officer)  # no assignment recorded: not counted

    response = client_for(org.manager).get(CONTINUITY)

    assert response.status_code == 200
    assert response.json() == {
        "scope": {"kind": "team", "id": org.team_a.pk, "name": "Manchester North"},
        "since": "2026-01-07",
        "cases": 5,
        "one_officer": 2,
        "two_officers": 2,
        "three_or_more": 1,
        "one_officer_percent": "40.0",
        "three_or_more_percent": "20.0",
    }


def test_continuity_with_no_cases_has_no_percentages(org, client_for):
    body = client_for(org.manager).get(CONTINUITY, {"scope": "provider"}).json()

    assert body["scope"] == {"kind": "provider", "id": org.nps.pk, "name": "NPS North West"}
    assert (body["cases"], body["one_officer_percent"], body["three_or_more_percent"]) == (0, None, None)


# Case quality audits -------------------------------------------------------------------------------------------------


def _draw(client, **body):
    response = client.post(AUDITS, body, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def _all_answers(answer, reason="Checked the record."):
    return {code: {"answer": answer, "reason": reason} for code in QUESTION_CODES}


def _answer(client, audit, audited_id, answers):
    return client.post(
        f"{AUDITS}{audit['id']}/cases/{audited_id}/answers/", {"answers": answers}, content_type="application/json"
    )


@pytest.fixture
def team_cases(org):
    cases = [case_for(org.officer, f"Audit{n}") for n in range(4)] + [case_for(org.colleague, "Audit4")]
    for case in cases[:2]:
        assessed(case, RiskLevel.HIGH)
    return cases


def test_drawing_an_audit(org, client_for, team_cases):
    client = client_for(org.manager)

    body = _draw(client, sample_size=3, seed=7)

    audit = CaseAudit.objects.get()
    assert (audit.scope, audit.team, audit.seed, audit.drawn_by, audit.drawn_on) == (
        "team",
        org.team_a,
        7,
        org.manager,
        TODAY,
    )
    sample = list(AuditedCase.objects.filter(audit=audit).order_by("position"))
    assert {key: value for key, value in body.items() if key not in ("audited_cases", "results")} == {
        "id": audit.pk,
        "scope": "team",
        "team": org.team_a.pk,
        "provider": None,
        "region": None,
        "scope_name": "Manchester North",
        "seed": 7,
        "sample_size": 3,
        "population_size": 5,
        "status": "in_progress",
        "drawn_by": {"id": org.manager.pk, "name": "Maya Mensah"},
        "drawn_on": "2026-10-07",
        "completed_on": None,
        "cases_answered": 0,
        "cases_not_shown": 0,
    }
    first = sample[0]
    assert body["audited_cases"][0] == {
        "id": first.pk,
        "position": 1,
        "case": first.case_id,
        "crn": first.case.person.crn,
        "name": first.case.person.full_name,
        "provider_type": "nps_division",
        "rosh_level": "high" if first.rosh_level == 3 else None,
        "is_youth": False,
        "completed_on": None,
        "completed_by": None,
        "answers": [],
    }
    assert [row["case"] for row in body["audited_cases"]] == [row.case_id for row in sample]
    # Stratified by RoSH level: both strata (high, not assessed) are in a sample of 3.
    assert {row["rosh_level"] for row in body["audited_cases"]} == {"high", None}
    assert body["results"][2]["code"] == "sufficient_plan"
    assert body["results"][2] == {
        "code": "sufficient_plan",
        "text": "Was there sufficient planning to manage the risk of harm?",
        "adult_yes": 0,
        "adult_answered": 0,
        "adult_percent": None,
        "adult_2017": "72.0",
        "youth_yes": 0,
        "youth_answered": 0,
        "youth_percent": None,
        "youth_2017": "71.0",
        "all_percent": None,
    }


def test_the_same_seed_draws_the_same_sample(org, client_for, team_cases):
    client = client_for(org.manager)

    first = _draw(client, sample_size=3, seed=42)
    second = _draw(client, sample_size=3, seed=42)
    random_seed = _draw(client, sample_size=2)

    assert [row["case"] for row in first["audited_cases"]] == [row["case"] for row in second["audited_cases"]]
    assert isinstance(random_seed["seed"], int)
    assert CaseAudit.objects.get(pk=random_seed["id"]).seed == random_seed["seed"]


def test_a_provider_audit_and_a_refused_region_audit(org, client_for, team_cases):
    case_for(org.other_team_officer, "South")
    case_for(org.other_provider_officer, "Stockport")  # another provider: not the NPS manager's to audit
    client = client_for(org.manager)

    provider = _draw(client, scope="provider", sample_size=6, seed=1)
    region = client.post(AUDITS, {"scope": "region", "sample_size": 2, "seed": 1}, content_type="application/json")

    assert (provider["scope"], provider["provider"], provider["scope_name"]) == (
        "provider",
        org.nps.pk,
        "NPS North West",
    )
    assert provider["population_size"] == 6
    assert errors(region) == {"scope": [REGION_REFUSED]}
    assert CaseAudit.objects.count() == 1


@pytest.mark.parametrize("senior", [False, True], ids=["manager", "senior manager"])
def test_a_region_audit_is_400_and_writes_nothing(org, client_for, team_cases, senior):
    case_for(org.other_provider_officer, "Stockport")
    client = client_for(senior_manager(org) if senior else org.manager)

    response = client.post(AUDITS, {"scope": "region", "sample_size": 2, "seed": 1}, content_type="application/json")

    assert errors(response) == {"scope": [REGION_REFUSED]}
    assert (CaseAudit.objects.count(), AuditedCase.objects.count()) == (0, 0)
    assert (CaseAudit.history.count(), AuditedCase.history.count()) == (0, 0)
    assert client.get(AUDITS).json()["count"] == 0


@pytest.mark.parametrize(
    "body, expected",
    [
        ({"sample_size": 0}, {"sample_size": ["Enter a sample size between 1 and 100."]}),
        ({"sample_size": 101}, {"sample_size": ["Enter a sample size between 1 and 100."]}),
        ({"sample_size": "three"}, {"sample_size": ["Enter a sample size between 1 and 100."]}),
        ({"sample_size": True}, {"sample_size": ["Enter a sample size between 1 and 100."]}),
        ({"sample_size": False}, {"sample_size": ["Enter a sample size between 1 and 100."]}),
        ({}, {"sample_size": ["Enter a sample size between 1 and 100."]}),
        (
            {"sample_size": 6},
            {"sample_size": ["Manchester North has 5 active cases: choose a sample of at most that many."]},
        ),
        ({"sample_size": 2, "seed": -1}, {"seed": ["Enter the seed as a whole number, 0 or more."]}),
        ({"sample_size": 2, "seed": "x"}, {"seed": ["Enter the seed as a whole number, 0 or more."]}),
        ({"sample_size": 2, "seed": True}, {"seed": ["Enter the seed as a whole number, 0 or more."]}),
        ({"sample_size": 2, "scope": "country"}, {"scope": [CHOOSE_AUDIT_SCOPE]}),
        ({"sample_size": 2, "scope": ""}, {"scope": [CHOOSE_AUDIT_SCOPE]}),
        ({"sample_size": 2, "team": "abc"}, {"team": [CHOOSE_TEAM]}),
    ],
)
def test_a_bad_draw_is_400_and_writes_nothing(org, client_for, team_cases, body, expected):
    response = client_for(org.manager).post(AUDITS, body, content_type="application/json")

    assert errors(response) == expected
    assert CaseAudit.objects.count() == 0
    assert AuditedCase.objects.count() == 0


def test_drawing_for_a_team_you_do_not_manage_is_400(org, client_for, team_cases):
    case_for(org.other_team_officer, "South")
    client = client_for(org.manager)

    response = client.post(AUDITS, {"sample_size": 1, "team": org.team_a2.pk}, content_type="application/json")
    senior = client_for(senior_manager(org)).post(
        AUDITS, {"sample_size": 1, "team": org.team_a2.pk}, content_type="application/json"
    )

    assert errors(response) == {"team": [NOT_YOUR_TEAM]}
    assert senior.status_code == 201
    assert senior.json()["scope_name"] == "Manchester South"
    assert CaseAudit.objects.count() == 1


def test_drawing_with_no_active_cases_is_400(org, client_for):
    response = client_for(org.manager).post(AUDITS, {"sample_size": 1}, content_type="application/json")

    assert errors(response) == {"sample_size": ["There are no active cases in Manchester North to audit."]}


def test_answering_every_case_completes_the_audit(org, client_for, team_cases):
    client = client_for(org.manager)
    audit = _draw(client, sample_size=2, seed=3)
    first_id, second_id = (row["id"] for row in audit["audited_cases"])
    some_no = _all_answers(True)
    some_no["sufficient_plan"] = {"answer": False, "reason": "  No contingency plan.  "}

    first = _answer(client, audit, first_id, some_no)

    assert first.status_code == 200, first.content
    body = first.json()
    assert (body["id"], body["completed_on"], body["completed_by"]) == (
        first_id,
        "2026-10-07",
        {"id": org.manager.pk, "name": "Maya Mensah"},
    )
    assert body["audit"] == {"id": audit["id"], "status": "in_progress", "completed_on": None}
    assert len(body["answers"]) == len(QUESTION_CODES) == 9
    plan = next(answer for answer in body["answers"] if answer["question"] == "sufficient_plan")
    assert plan == {
        "question": "sufficient_plan",
        "answer": False,
        "reason": "No contingency plan.",
        "answered_by": {"id": org.manager.pk, "name": "Maya Mensah"},
        "answered_on": "2026-10-07",
    }
    assert ManagementOversightNote.objects.count() == 0

    second = _answer(client, audit, second_id, _all_answers(True))

    assert second.json()["audit"] == {"id": audit["id"], "status": "completed", "completed_on": "2026-10-07"}
    detail = client.get(f"{AUDITS}{audit['id']}/").json()
    assert (detail["status"], detail["cases_answered"]) == ("completed", 2)
    plan_result = next(row for row in detail["results"] if row["code"] == "sufficient_plan")
    assert {key: plan_result[key] for key in ("adult_yes", "adult_answered", "adult_percent", "all_percent")} == {
        "adult_yes": 1,
        "adult_answered": 2,
        "adult_percent": "50.0",
        "all_percent": "50.0",
    }
    assert (plan_result["youth_answered"], plan_result["youth_percent"]) == (0, None)
    notes = ManagementOversightNote.objects.filter(kind=ManagementOversightNote.Kind.QUALITY_AUDIT)
    assert sorted(note.case_id for note in notes) == sorted(row["case"] for row in audit["audited_cases"])

    after = _answer(client, audit, first_id, _all_answers(False))

    assert errors(after) == {"non_field_errors": ["This audit was completed on 7 October 2026: its answers are final."]}
    assert AuditAnswer.objects.filter(answer=False).count() == 1


def test_an_incomplete_answer_is_400_and_writes_nothing(org, client_for, team_cases):
    client = client_for(org.manager)
    audit = _draw(client, sample_size=1, seed=3)
    audited_id = audit["audited_cases"][0]["id"]
    answers = _all_answers(True)
    answers["sufficient_plan"] = {"answer": None, "reason": "Not sure"}
    answers["diversity"] = {"answer": True, "reason": "   "}
    answers["non_compliance"] = {"answer": "yes", "reason": 3}
    answers["nonsense"] = {"answer": True, "reason": "?"}

    response = _answer(client, audit, audited_id, answers)

    assert errors(response) == {
        "sufficient_plan_answer": ["Select yes or no: was there sufficient planning to manage the risk of harm?"],
        "diversity_reason": [
            "Give the reason for your answer to: Were diversity and barriers to engagement taken into account?"
        ],
        "non_compliance_answer": ["Select yes or no: was the response to non-compliance sufficient?"],
        "non_compliance_reason": ["Give the reason for your answer to: Was the response to non-compliance sufficient?"],
        "answers": ["Unknown question: nonsense."],
    }
    assert AuditAnswer.objects.count() == 0
    assert AuditedCase.objects.get(pk=audited_id).completed_on is None


@pytest.mark.parametrize("body", [{}, {"answers": ["yes"]}])
def test_answers_must_be_an_object(org, client_for, team_cases, body):
    client = client_for(org.manager)
    audit = _draw(client, sample_size=1, seed=3)

    response = client.post(
        f"{AUDITS}{audit['id']}/cases/{audit['audited_cases'][0]['id']}/answers/", body, content_type="application/json"
    )

    assert list(errors(response)) == ["answers"]
    assert AuditAnswer.objects.count() == 0


def test_audits_you_may_not_see_are_404(org, client_for, team_cases):
    south_manager = factories.ManagerFactory(team=org.team_a2)
    audit = _draw(client_for(org.manager), sample_size=1, seed=3)
    audited_id = audit["audited_cases"][0]["id"]
    other_audit = _draw(client_for(org.manager), sample_size=1, seed=4)

    for client in (client_for(south_manager), client_for(org.other_provider_manager)):
        assert client.get(f"{AUDITS}{audit['id']}/").json() == {"detail": "Not found."}
        assert client.get(f"{AUDITS}{audit['id']}/").status_code == 404
        assert client.get(AUDITS).json()["count"] == 0
        assert _answer(client, audit, audited_id, _all_answers(True)).status_code == 404
    own = client_for(org.manager)
    assert own.get(f"{AUDITS}999999/").status_code == 404
    # A case of another audit is not in this one.
    assert _answer(own, other_audit, audited_id, _all_answers(True)).status_code == 404
    assert _answer(own, audit, 999999, _all_answers(True)).status_code == 404
    assert AuditAnswer.objects.count() == 0


def test_another_providers_manager_cannot_see_or_answer_a_teams_audit(org, client_for, team_cases):
    audit = _draw(client_for(org.manager), scope="provider", sample_size=2, seed=5)
    crc = client_for(org.other_provider_manager)

    detail = crc.get(f"{AUDITS}{audit['id']}/")
    answer = _answer(crc, audit, audit["audited_cases"][0]["id"], _all_answers(True))

    assert (detail.status_code, answer.status_code) == (404, 404)
    assert AuditAnswer.objects.count() == 0


def test_a_case_the_manager_may_no_longer_open_is_not_shown_and_its_answers_are_404(org, client_for, team_cases):
    client = client_for(org.manager)
    audit = _draw(client, sample_size=2, seed=3)
    hidden, shown = audit["audited_cases"]
    factories.PersonAccessLimitFactory(
        person=Case.objects.get(pk=hidden["case"]).person,
        user=org.manager,
        kind=PersonAccessLimit.Kind.EXCLUSION,
        added_by=org.administrator,
    )

    detail = client.get(f"{AUDITS}{audit['id']}/").json()
    refused = _answer(client, audit, hidden["id"], _all_answers(True))

    assert detail["cases_not_shown"] == 1
    assert [row["id"] for row in detail["audited_cases"]] == [shown["id"]]
    assert refused.status_code == 404
    assert AuditAnswer.objects.count() == 0
    assert AuditedCase.objects.get(pk=hidden["id"]).completed_on is None


def test_the_list_of_audits(org, client_for, team_cases):
    client = client_for(org.manager)
    older = _draw(client, sample_size=2, seed=1)
    _answer(client, older, older["audited_cases"][0]["id"], _all_answers(True))
    newer = _draw(client, scope="provider", sample_size=1, seed=2)
    factories.CaseFactory(responsible_officer=org.other_provider_officer)
    _draw(client_for(org.other_provider_manager), sample_size=1, seed=1)  # another provider's team: not listed

    body = client.get(AUDITS).json()

    assert body["count"] == 2
    assert [(row["id"], row["scope"], row["cases_answered"]) for row in body["results"]] == [
        (newer["id"], "provider", 0),
        (older["id"], "team", 1),
    ]
    assert "audited_cases" not in body["results"][0]


# Query counts --------------------------------------------------------------------------------------------------------


def _busy_team(org, size: int, start: int = 0):
    """`size` cases each for two officers with what every figure reads: risk, clocks met, missed and running,
    alerts, assignments, sentences, ended cases."""
    for n in range(start, start + size):
        for officer in (org.officer, org.colleague):
            case = case_for(officer, f"Busy{n}")
            assessed(case, RiskLevel.HIGH if n % 2 else RiskLevel.LOW)
            factories.SentenceFactory(case=case, sentence_date=date(2026, 3, 2))
            _held_by(case, org.other_team_officer, officer)
            clock(case, date(2026, 8, 10), Clock.Status.MET, date(2026, 8, 7))
            clock(case, date(2026, 8, 11), Clock.Status.MISSED, date(2026, 8, 14))
            late = clock(case, date(2026, 9, 30))
            Alert.objects.create(clock=late, recipient=officer, kind=Alert.Kind.OVERDUE, created_at=timezone.now())
            ended = case_for(officer, f"Ended{n}", status=Case.Status.ENDED, end_date=date(2026, 8, 15))
            ended.termination_outcome = "revoked" if n % 2 else "completed_positively"
            ended.save()
            factories.SentenceFactory(case=ended, sentence_date=date(2025, 8, 15), status="completed")
        crc = case_for(org.other_provider_officer, f"Crc{n}")
        clock(crc, date(2026, 8, 3), Clock.Status.MISSED, date(2026, 8, 5), service_level="CRC SL001")


@pytest.mark.parametrize(
    "url, queries",
    [
        (WORKLOAD, 10),
        (OVERDUE, 14),
        (COMPLIANCE, 11),
        (COMPLIANCE + "?scope=region", 19),
        (MISSED + "?code=NPS+SL003R", 9),
        (MISSED + "?code=NPS+SL018", 10),
        (MISSED + "?code=CRC+SL001&scope=region", 10),
        (CONTINUITY, 8),
    ],
)
def test_figures_take_the_same_number_of_queries_however_many_cases(
    org, client_for, django_assert_num_queries, url, queries
):
    client = client_for(org.manager)
    client.get(url)  # the session and the user are read on every request; nothing else is cached
    _busy_team(org, 2)
    with django_assert_num_queries(queries):
        small = client.get(url)
    _busy_team(org, 8, start=2)
    with django_assert_num_queries(queries):
        large = client.get(url)

    assert small.status_code == large.status_code == 200
    assert small.content != large.content


def test_audits_take_the_same_number_of_queries_however_large_the_sample(org, client_for, django_assert_num_queries):
    client = client_for(org.manager)
    _busy_team(org, 10)
    small = _draw(client, sample_size=2, seed=1)
    large = _draw(client, sample_size=12, seed=1)
    for audit in (small, large):
        for row in audit["audited_cases"][:2]:
            assert _answer(client, audit, row["id"], _all_answers(True)).status_code == 200

    with django_assert_num_queries(10):
        assert len(client.get(f"{AUDITS}{small['id']}/").json()["audited_cases"]) == 2
    with django_assert_num_queries(10):
        assert len(client.get(f"{AUDITS}{large['id']}/").json()["audited_cases"]) == 12
    with django_assert_num_queries(8):
        assert client.get(AUDITS).json()["count"] == 2
    _draw(client, sample_size=3, seed=2)
    with django_assert_num_queries(8):
        assert client.get(AUDITS).json()["count"] == 3


# Schema --------------------------------------------------------------------------------------------------------------


def test_the_schema_describes_the_oversight_api_without_warnings(tmp_path):
    GENERATOR_STATS.reset()

    call_command("spectacular", "--file", str(tmp_path / "schema.yaml"), "--fail-on-warn", "--validate")

    schema = (tmp_path / "schema.yaml").read_text()
    for path in (
        "/api/v1/oversight/workload/:",
        "/api/v1/oversight/overdue-work/:",
        "/api/v1/oversight/compliance/:",
        "/api/v1/oversight/missed/:",
        "/api/v1/oversight/continuity/:",
        "/api/v1/oversight/audits/:",
        "/api/v1/oversight/audits/{id}/:",
        "/api/v1/oversight/audits/{id}/cases/{audited_case_id}/answers/:",
    ):
        assert path in schema, path
