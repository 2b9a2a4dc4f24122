"""API for breach: `breaches/` (list, retrieve and a POST per step of the lifecycle), `breach-packs/` (the frozen
versions staff may see) and `court-breach-packs/` (court users only: the versions sent to their courts, acknowledge,
request information). Scoped like the pages (404 outside scope, 403 for someone who sees the breach but may not take
the step), 400 with the service's message when the breach's status or the body does not allow the step and nothing
changed, constant queries on every list, in the schema without warnings.

Breaches are opened the way the product opens them: a first failure decided as a first warning, a second as breach
action (enforcement.services.compliance.failure_decide -> breach_initiate). An NPS case is held by `org.officer`
(team_a, managed by `org.manager`); a CRC case by `org.other_provider_officer` (team_b, managed by
`org.other_provider_manager`), whose referral the NPS staff of the region (`org.officer`, `org.manager`) review.

Today is Wednesday 25 November 2026.

"""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse
from drf_spectacular.drainage import GENERATOR_STATS

from accounts.models import Provider
from cases.models import AccessRecord, PersonAccessLimit
from enforcement.api.breach import STEP_NAMES
from enforcement.models import Breach, BreachPack, BreachStatus, BreachStep, ComplianceFailure, CourtInformationRequest
from enforcement.services import breach as services
from enforcement.services.compliance import failure_decide
from tests import factories
from tests.enforcement import setup
from tests.enforcement.setup import community_case, failure

frozen = setup.frozen

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

BREACHES = "/api/v1/breaches/"
PACKS = "/api/v1/breach-packs/"
COURT_PACKS = "/api/v1/court-breach-packs/"
TODAY = "2026-11-25"
NOW = "2026-11-25T10:00:00Z"
MONDAY = date(2026, 11, 23)
STATEMENT = "Ms Order missed two appointments in November without an acceptable reason."
PROPOSAL = "That the order continues with an added curfew requirement."
Status = BreachStatus
# The POST actions on a breach, by their URL.
STEP_URLS = (
    "draft",
    "submit",
    "sign-off",
    "return",
    "refer-to-nps",
    "nps-accept",
    "nps-request-more",
    "send-to-court",
    "new-version",
    "outcome",
    "withdraw",
)

PREPARE = "Only the responsible officer or a manager of the case's team can {}."
SIGN_OFF = "Only a manager of the case's team can sign off a breach pack."
SEND_BACK = "Only a manager of the case's team can send a breach pack back."
NPS_ACCEPT = "Only NPS staff in the case's region can accept a CRC's breach referral."
NPS_MORE = "Only NPS staff in the case's region can ask for more on a CRC's breach referral."
NPS_PRESENTS = "Only the NPS can present a CRC's breach to court."
OUTCOME_BY = "Only the case's officer or manager (or for a CRC's case the NPS) can record the outcome."
PREPARED_IT = "You prepared this version: another manager must sign it off."
NEXT = {
    Status.DRAFT: "“pack being prepared”. Next, the officer completes the statement and proposal and submits the pack "
    "for sign-off.",
    Status.AWAITING_SIGN_OFF: "“waiting for a manager's sign-off”. Next, a manager signs the pack off or sends it "
    "back.",
    Status.SIGNED_OFF: "“signed off”. Next, the pack is referred to the NPS (a CRC's case) or sent to court.",
    Status.SENT_TO_COURT: "“sent to court”. Next, the court's outcome is recorded, or a corrected version is prepared.",
    Status.OUTCOME_RECORDED: "“court outcome recorded”. Next, nothing: the court's outcome is recorded.",
    Status.WITHDRAWN: "“withdrawn”. Next, nothing: the breach was withdrawn.",
}


def refused(action: str, status: str) -> str:
    return f"You cannot {action}: the breach is at {NEXT[status]}"


def errors(**fields) -> dict:
    return {"detail": "The request has errors.", "errors": {name: [message] for name, message in fields.items()}}


def non_field(message: str) -> dict:
    return {"detail": "The request has errors.", "errors": {"non_field_errors": [message]}}


# Set-up --------------------------------------------------------------------------------------------------------------


@pytest.fixture
def world(org, frozen):
    """`org`, two courts of the region each with a court user, an NPS case and a CRC case, both on community orders."""
    court = factories.CourtFactory(region=org.region, name="Manchester Magistrates' Court")
    other_court = factories.CourtFactory(region=org.region, name="Stockport Magistrates' Court")
    return SimpleNamespace(
        org=org,
        court=court,
        other_court=other_court,
        court_user=factories.CourtUserFactory(courts=[court], first_name="Cora", last_name="Clerk"),
        other_court_user=factories.CourtUserFactory(courts=[other_court]),
        nps_case=community_case(org.officer, first_name="Casey", last_name="Order"),
        crc_case=community_case(org.other_provider_officer, first_name="Chris", last_name="Stockport"),
    )


def open_breach(case, *, first_on: date = date(2026, 11, 2), second_on: date = MONDAY) -> Breach:
    """Two failures on the case's order: the first decided as a first warning, the second as breach action."""
    officer = case.responsible_officer
    first = failure(case, first_on)
    failure_decide(by=officer, failure=first, decision="first_warning", on=first_on + timedelta(days=1))
    second = failure_decide(by=officer, failure=failure(case, second_on), decision="breach", reason="Missed again.")
    return Breach.objects.get(failure=second)


def _is_crc(breach: Breach) -> bool:
    return breach.case.provider.provider_type == Provider.ProviderType.CRC


def _manager(org, breach: Breach):
    return org.other_provider_manager if _is_crc(breach) else org.manager


def advance(org, breach: Breach, to: str, *, court=None) -> Breach:
    """Take the breach through the services, the way its people would, until it reaches status `to`: the case's
    officer prepares and submits, its team's manager signs off, and for a CRC's case the officer refers it and the
    NPS (`org.officer`) accepts it and presents it."""
    officer = breach.case.responsible_officer
    crc = _is_crc(breach)
    order = [Status.DRAFT, Status.AWAITING_SIGN_OFF, Status.SIGNED_OFF]
    order += [Status.REFERRED_TO_NPS, Status.ACCEPTED_BY_NPS] if crc else []
    order += [Status.SENT_TO_COURT, Status.OUTCOME_RECORDED]
    if to == Status.WITHDRAWN:
        services.breach_withdraw(by=officer, breach=breach, reason="The court listed it already.")
        return Breach.objects.get(pk=breach.pk)
    breach = Breach.objects.get(pk=breach.pk)
    while breach.status != to:
        status = breach.status
        if status == Status.DRAFT:
            services.breach_update_draft(
                by=officer, breach=breach, statement=STATEMENT, proposal=PROPOSAL, court=court or breach.court
            )
            services.breach_submit(by=officer, breach=breach)
        elif status == Status.AWAITING_SIGN_OFF:
            services.breach_sign_off(by=_manager(org, breach), breach=breach)
        elif status == Status.SIGNED_OFF and crc:
            services.breach_refer_to_nps(by=officer, breach=breach)
        elif status == Status.REFERRED_TO_NPS:
            services.breach_nps_accept(by=org.officer, breach=breach)
        elif status in (Status.SIGNED_OFF, Status.ACCEPTED_BY_NPS):
            services.breach_send_to_court(by=org.officer, breach=breach)
        elif status == Status.SENT_TO_COURT:
            services.breach_record_outcome(by=officer, breach=breach, hearing_on=setup.TODAY, outcome="fine")
        else:  # pragma: no cover - a status `to` cannot be reached from
            raise AssertionError(f"{to} cannot be reached from {status}")
        breach = Breach.objects.get(pk=breach.pk)
        assert order.index(breach.status) > order.index(status), (status, breach.status)
    return breach


def breach_at(world, to: str, *, crc: bool = False, court=None) -> Breach:
    case = world.crc_case if crc else world.nps_case
    return advance(world.org, open_breach(case), to, court=court or world.court)


def post(client, breach_or_id, step: str, body: dict | None = None):
    breach_id = breach_or_id.pk if isinstance(breach_or_id, Breach) else breach_or_id
    return client.post(f"{BREACHES}{breach_id}/{step}/", body or {}, content_type="application/json")


def court_post(client, pack_or_id, step: str, body: dict | None = None):
    pack_id = pack_or_id.pk if isinstance(pack_or_id, BreachPack) else pack_or_id
    return client.post(f"{COURT_PACKS}{pack_id}/{step}/", body or {}, content_type="application/json")


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def snapshot(breach: Breach) -> tuple:
    """Everything a step can change, to show that a refusal changed nothing."""
    breach = Breach.objects.get(pk=breach.pk)
    packs = BreachPack.objects.filter(breach=breach)
    return (
        breach.status,
        breach.statement,
        breach.proposal,
        breach.court_id,
        breach.history.count(),
        BreachStep.objects.filter(breach=breach).count(),
        [(pack.pk, pack.history.count(), pack.signed_off_at, pack.sent_to_court_at) for pack in packs.order_by("pk")],
        BreachPack.history.filter(breach_id=breach.pk).count(),
        CourtInformationRequest.objects.filter(pack__breach=breach).count(),
    )


# Reading breaches ----------------------------------------------------------------------------------------------------


def test_a_new_breach_has_every_field(world, client_for):
    breach = open_breach(world.nps_case)

    response = client_for(world.org.officer).get(f"{BREACHES}{breach.pk}/")

    assert response.status_code == 200, response.json()
    sentence = world.nps_case.sentences.get()
    assert response.json() == {
        "id": breach.pk,
        "case": world.nps_case.pk,
        "crn": world.nps_case.person.crn,
        "person_name": "Casey Order",
        "sentence": {"id": sentence.pk, "disposal": "community_order"},
        "failure": breach.failure_id,
        "court": None,  # the order has no sentencing court recorded, so the officer chooses one
        "status": "draft",
        "aware_on": "2026-11-23",
        "statement": "",
        "proposal": "",
        "hearing_on": None,
        "outcome": "",
        "outcome_details": "",
        "withdrawn_reason": "",
        "steps_allowed": ["update_draft", "submit", "withdraw"],
        "current_pack": None,
        "steps": [
            {
                "step": "initiated",
                "on": TODAY,
                "by": {"id": world.org.officer.pk, "name": "Olivia Okafor"},
                "note": "Missed again.",
                "pack_version": None,
            }
        ],
    }


def test_a_breach_at_court_shows_its_pack_and_timeline(world, client_for):
    breach = breach_at(world, Status.SENT_TO_COURT)
    pack = breach.packs.get()
    org = world.org

    body = client_for(org.manager).get(f"{BREACHES}{breach.pk}/").json()

    assert body["status"] == "sent_to_court"
    assert body["court"] == {"id": world.court.pk, "name": "Manchester Magistrates' Court"}
    assert (body["statement"], body["proposal"]) == (STATEMENT, PROPOSAL)
    assert body["current_pack"] == {"id": pack.pk, "version": 1}
    assert body["steps_allowed"] == ["start_new_version", "record_outcome", "withdraw"]
    assert [(step["step"], step["pack_version"], step["by"]["name"], step["note"]) for step in body["steps"]] == [
        ("initiated", None, "Olivia Okafor", "Missed again."),
        ("submitted", 1, "Olivia Okafor", ""),
        ("signed_off", 1, "Maya Mensah", ""),
        ("sent_to_court", 1, "Olivia Okafor", "To Manchester Magistrates' Court"),
    ]
    assert "steps" not in client_for(org.manager).get(BREACHES).json()["results"][0]


def test_steps_allowed_match_the_service_for_each_caller_and_breach(world, client_for):
    org = world.org

    def make(officer, status):
        return advance(org, open_breach(community_case(officer)), status, court=world.court)

    breaches = [
        make(org.officer, Status.DRAFT),
        make(org.colleague, Status.SIGNED_OFF),
        make(org.officer, Status.OUTCOME_RECORDED),
        make(org.other_provider_officer, Status.REFERRED_TO_NPS),
        make(org.other_provider_officer, Status.SENT_TO_COURT),
    ]

    for who in ("officer", "colleague", "manager", "other_provider_officer", "other_provider_manager"):
        user = getattr(org, who)
        rows = {row["id"]: row["steps_allowed"] for row in client_for(user).get(BREACHES).json()["results"]}
        for breach in Breach.objects.filter(pk__in=rows):
            assert rows[breach.pk] == services.steps_allowed(user, breach), (who, breach.status)
            assert set(rows[breach.pk]) <= set(STEP_NAMES)
    nps_view = {row["id"]: row["steps_allowed"] for row in client_for(org.officer).get(BREACHES).json()["results"]}
    assert nps_view[breaches[3].pk] == ["nps_accept", "nps_request_more"]
    assert nps_view[breaches[4].pk] == ["record_outcome"]  # the NPS presents a CRC's breach; the CRC corrects it
    assert nps_view[breaches[2].pk] == []


def test_the_list_is_scoped_like_the_cases_and_the_nps_sees_crc_referrals(world, client_for):
    org = world.org
    own = open_breach(world.nps_case)
    colleagues = open_breach(community_case(org.colleague))
    other_team = open_breach(community_case(org.other_team_officer))
    crc_draft = open_breach(world.crc_case)
    crc_referred = advance(
        org, open_breach(community_case(org.other_provider_officer)), Status.REFERRED_TO_NPS, court=world.court
    )

    def seen(who):
        return set(ids(client_for(getattr(org, who)).get(BREACHES)))

    assert seen("officer") == {own.pk, colleagues.pk, crc_referred.pk}
    assert seen("colleague") == {own.pk, colleagues.pk, crc_referred.pk}
    assert seen("manager") == {own.pk, colleagues.pk, other_team.pk, crc_referred.pk}
    assert seen("other_team_officer") == {other_team.pk, crc_referred.pk}
    assert seen("other_provider_officer") == {crc_draft.pk, crc_referred.pk}
    assert seen("other_provider_manager") == {crc_draft.pk, crc_referred.pk}
    assert seen("court_user") == set()
    assert seen("upw") == set()
    assert seen("administrator") == set()
    assert ids(client_for(world.court_user).get(BREACHES)) == []


def test_the_nps_keeps_seeing_a_referral_it_sent_back(world, client_for):
    breach = breach_at(world, Status.REFERRED_TO_NPS, crc=True)
    nps = client_for(world.org.officer)
    assert nps.get(f"{BREACHES}{breach.pk}/").status_code == 200

    response = post(nps, breach, "nps-request-more", {"message": "Attach the second appointment letter."})

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "draft"
    assert response.json()["steps_allowed"] == []
    assert ids(nps.get(BREACHES)) == [breach.pk]


@pytest.mark.parametrize(
    ("who", "crc"),
    [
        ("other_team_officer", False),
        ("other_provider_officer", False),
        ("other_provider_manager", False),
        ("upw", False),
        ("court_user", False),
        ("officer", True),  # NPS staff see a CRC's breach only once it is referred to them
        ("manager", True),
    ],
)
def test_a_breach_out_of_scope_is_404_on_read_and_on_every_step(world, client_for, who, crc):
    breach = open_breach(world.crc_case if crc else world.nps_case)
    before = snapshot(breach)
    client = client_for(getattr(world.org, who))

    response = client.get(f"{BREACHES}{breach.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    bodies = {
        "draft": {"statement": "x", "proposal": "y", "court": world.court.pk},
        "sign-off": {},
        "return": {"note": "More."},
        "nps-request-more": {"message": "More."},
        "new-version": {"reason": "Typo."},
        "outcome": {"hearing_on": TODAY, "outcome": "fine"},
        "withdraw": {"reason": "Listed already."},
    }
    for step in STEP_URLS:
        response = post(client, breach, step, bodies.get(step))
        assert response.status_code == 404, step
        assert response.json() == {"detail": "Not found."}
    assert snapshot(breach) == before


@pytest.mark.parametrize("breach_id", ["999999", "abc", str(2**64)])
def test_an_unknown_breach_is_404(world, client_for, breach_id):
    client = client_for(world.org.officer)

    assert client.get(f"{BREACHES}{breach_id}/").status_code == 404
    assert post(client, breach_id, "submit").status_code == 404
    assert post(client, breach_id, "withdraw", {"reason": "x"}).status_code == 404


def test_filters_by_status_and_case(world, client_for):
    draft = open_breach(world.nps_case)
    other_case = community_case(world.org.officer)
    sent = advance(world.org, open_breach(other_case), Status.SENT_TO_COURT, court=world.court)
    client = client_for(world.org.officer)

    assert ids(client.get(BREACHES, {"status": "draft"})) == [draft.pk]
    assert ids(client.get(BREACHES, {"status": "sent_to_court"})) == [sent.pk]
    assert ids(client.get(BREACHES, {"status": "withdrawn"})) == []
    assert ids(client.get(BREACHES, {"case": other_case.pk})) == [sent.pk]
    assert ids(client.get(BREACHES, {"case": other_case.pk, "status": "draft"})) == []


def test_the_list_is_most_recently_aware_first(world, client_for):
    older = open_breach(world.nps_case, first_on=date(2026, 10, 1), second_on=date(2026, 10, 12))
    newer = open_breach(community_case(world.org.officer))

    assert ids(client_for(world.org.officer).get(BREACHES)) == [newer.pk, older.pk]


@pytest.mark.parametrize(("params", "field"), [({"status": "late"}, "status"), ({"case": "abc"}, "case")])
def test_a_bad_filter_is_400(world, client_for, params, field):
    response = client_for(world.org.officer).get(BREACHES, params)

    assert response.status_code == 400
    assert response.json()["detail"] == "The request has errors."
    assert list(response.json()["errors"]) == [field]


def test_opening_a_breach_of_a_person_with_an_access_list_is_recorded(world, client_for):
    breach = breach_at(world, Status.AWAITING_SIGN_OFF)
    person = world.nps_case.person
    factories.PersonAccessLimitFactory(person=person, user=world.org.colleague)
    client = client_for(world.org.officer)

    client.get(BREACHES)
    client.get(PACKS)
    assert not AccessRecord.objects.exists()
    assert client.get(f"{BREACHES}{breach.pk}/").status_code == 200
    assert client.get(f"{PACKS}{breach.packs.get().pk}/").status_code == 200
    assert list(AccessRecord.objects.order_by("pk").values_list("user", "path")) == [
        (world.org.officer.pk, f"{BREACHES}{breach.pk}/"),
        (world.org.officer.pk, f"{PACKS}{breach.packs.get().pk}/"),
    ]
    # The excluded colleague sees neither.
    assert client_for(world.org.colleague).get(f"{BREACHES}{breach.pk}/").status_code == 404
    assert client_for(world.org.colleague).get(f"{PACKS}{breach.packs.get().pk}/").status_code == 404


def test_anonymous_callers_are_refused(world, client):
    breach = breach_at(world, Status.SENT_TO_COURT)
    pack = breach.packs.get()
    before = snapshot(breach)

    for url in (
        BREACHES,
        f"{BREACHES}{breach.pk}/",
        PACKS,
        f"{PACKS}{pack.pk}/",
        COURT_PACKS,
        f"{COURT_PACKS}{pack.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert post(client, breach, "withdraw", {"reason": "x"}).status_code == 401
    assert court_post(client, pack, "acknowledge").status_code == 401
    assert snapshot(breach) == before


# Taking the steps: an NPS case ---------------------------------------------------------------------------------------


def test_the_officer_saves_the_draft_and_fields_left_out_stay(world, client_for):
    breach = open_breach(world.nps_case)
    client = client_for(world.org.officer)

    response = post(
        client, breach, "draft", {"statement": f"  {STATEMENT}  ", "proposal": "Continue.", "court": world.court.pk}
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["statement"], body["proposal"]) == ("draft", STATEMENT, "Continue.")
    assert body["court"] == {"id": world.court.pk, "name": "Manchester Magistrates' Court"}
    assert body["steps_allowed"] == ["update_draft", "submit", "withdraw"]
    assert [step["step"] for step in body["steps"]] == ["initiated"]

    body = post(client, breach, "draft", {"proposal": PROPOSAL}).json()

    assert (body["statement"], body["proposal"], body["court"]["id"]) == (STATEMENT, PROPOSAL, world.court.pk)
    breach.refresh_from_db()
    assert (breach.statement, breach.proposal, breach.court) == (STATEMENT, PROPOSAL, world.court)
    assert breach.history.first().history_user == world.org.officer


def test_submitting_freezes_version_1_for_sign_off(world, client_for):
    breach = open_breach(world.nps_case)
    services.breach_update_draft(
        by=world.org.officer, breach=breach, statement=STATEMENT, proposal=PROPOSAL, court=world.court
    )

    response = post(client_for(world.org.officer), breach, "submit")

    assert response.status_code == 200, response.json()
    body = response.json()
    pack = BreachPack.objects.get(breach=breach)
    assert body["status"] == "awaiting_sign_off"
    assert body["current_pack"] == {"id": pack.pk, "version": 1}
    assert body["steps_allowed"] == ["withdraw"]  # the officer may not sign off their own pack
    assert body["steps"][-1] == {
        "step": "submitted",
        "on": TODAY,
        "by": {"id": world.org.officer.pk, "name": "Olivia Okafor"},
        "note": "",
        "pack_version": 1,
    }
    assert (pack.statement, pack.proposal, pack.prepared_by, pack.court) == (
        STATEMENT,
        PROPOSAL,
        world.org.officer,
        world.court,
    )
    assert pack.content["person"]["name"] == "Casey Order"
    manager_view = client_for(world.org.manager).get(f"{BREACHES}{breach.pk}/").json()
    assert manager_view["steps_allowed"] == ["sign_off", "return", "withdraw"]


def test_the_manager_signs_off_with_a_note(world, client_for):
    breach = breach_at(world, Status.AWAITING_SIGN_OFF)

    response = post(client_for(world.org.manager), breach, "sign-off", {"note": "Clear and complete."})

    assert response.status_code == 200, response.json()
    body = response.json()
    pack = breach.packs.get()
    assert body["status"] == "signed_off"
    assert body["steps"][-1]["step"] == "signed_off"
    assert (body["steps"][-1]["note"], body["steps"][-1]["by"]["name"]) == ("Clear and complete.", "Maya Mensah")
    assert (pack.signed_off_by, pack.signed_off_at is not None) == (world.org.manager, True)
    assert body["steps_allowed"] == ["send_to_court", "withdraw"]


def test_sign_off_needs_no_note(world, client_for):
    breach = breach_at(world, Status.AWAITING_SIGN_OFF)

    response = post(client_for(world.org.manager), breach, "sign-off")

    assert response.status_code == 200, response.json()
    assert response.json()["steps"][-1]["note"] == ""


def test_the_manager_sends_the_pack_back_and_the_next_version_is_2(world, client_for):
    breach = breach_at(world, Status.AWAITING_SIGN_OFF)
    manager, officer = client_for(world.org.manager), client_for(world.org.officer)

    response = post(manager, breach, "return", {"note": "Say which requirement was missed."})

    assert response.status_code == 200, response.json()
    body = response.json()
    first = breach.packs.get()
    assert body["status"] == "draft"
    assert (body["steps"][-1]["step"], body["steps"][-1]["note"]) == ("returned", "Say which requirement was missed.")
    assert first.returned_note == "Say which requirement was missed."
    assert first.returned_at is not None
    assert first.superseded_at == first.returned_at

    assert post(officer, breach, "draft", {"statement": "The RAR session on 23 November."}).status_code == 200
    body = post(officer, breach, "submit").json()

    second = breach.packs.get(version=2)
    assert body["current_pack"] == {"id": second.pk, "version": 2}
    first.refresh_from_db()
    assert (first.statement, second.statement) == (STATEMENT, "The RAR session on 23 November.")


def test_the_officer_sends_an_nps_case_to_court(world, client_for):
    breach = breach_at(world, Status.SIGNED_OFF)

    response = post(client_for(world.org.officer), breach, "send-to-court")

    assert response.status_code == 200, response.json()
    body = response.json()
    pack = breach.packs.get()
    assert body["status"] == "sent_to_court"
    assert body["steps"][-1]["note"] == "To Manchester Magistrates' Court"
    assert (pack.sent_to_court_at is not None, pack.court) == (True, world.court)
    assert ids(client_for(world.court_user).get(COURT_PACKS)) == [pack.pk]


def test_a_corrected_version_supersedes_the_one_at_court(world, client_for):
    breach = breach_at(world, Status.SENT_TO_COURT)
    officer = client_for(world.org.officer)

    response = post(officer, breach, "new-version", {"reason": "The second date was wrong."})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert (body["steps"][-1]["step"], body["steps"][-1]["note"], body["steps"][-1]["pack_version"]) == (
        "new_version",
        "The second date was wrong.",
        1,
    )
    assert body["steps_allowed"] == ["update_draft", "submit", "withdraw"]

    assert post(officer, breach, "submit").status_code == 200
    assert post(client_for(world.org.manager), breach, "sign-off").status_code == 200
    body = post(officer, breach, "send-to-court").json()

    first, second = breach.packs.get(version=1), breach.packs.get(version=2)
    assert body["current_pack"] == {"id": second.pk, "version": 2}
    assert (first.superseded_at is not None, second.superseded_at) == (True, None)
    assert ids(client_for(world.court_user).get(COURT_PACKS)) == [second.pk, first.pk]


@pytest.mark.parametrize("who", ["officer", "manager"])
def test_the_case_s_officer_or_manager_records_the_outcome(world, client_for, who):
    breach = breach_at(world, Status.SENT_TO_COURT)

    response = post(
        client_for(getattr(world.org, who)),
        breach,
        "outcome",
        {"hearing_on": TODAY, "outcome": "order_amended", "details": "A curfew requirement added."},
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["hearing_on"], body["outcome"], body["outcome_details"]) == (
        "outcome_recorded",
        TODAY,
        "order_amended",
        "A curfew requirement added.",
    )
    assert body["steps"][-1]["note"] == "Order amended (requirements added or changed). A curfew requirement added."
    assert body["steps_allowed"] == []


@pytest.mark.parametrize("status", [Status.DRAFT, Status.AWAITING_SIGN_OFF, Status.SIGNED_OFF, Status.SENT_TO_COURT])
def test_the_officer_withdraws_at_any_step_before_the_outcome(world, client_for, status):
    breach = breach_at(world, status)

    response = post(client_for(world.org.officer), breach, "withdraw", {"reason": "The court listed it already."})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["withdrawn_reason"]) == ("withdrawn", "The court listed it already.")
    assert (body["steps"][-1]["step"], body["steps_allowed"]) == ("withdrawn", [])


# Taking the steps: a CRC's case, reviewed and presented by the NPS ---------------------------------------------------


def test_a_crc_breach_through_the_nps_to_its_outcome(world, client_for):
    org = world.org
    breach = open_breach(world.crc_case)
    crc_officer, crc_manager = client_for(org.other_provider_officer), client_for(org.other_provider_manager)
    nps = client_for(org.officer)

    assert (
        post(
            crc_officer, breach, "draft", {"statement": STATEMENT, "proposal": PROPOSAL, "court": world.court.pk}
        ).status_code
        == 200
    )
    assert post(crc_officer, breach, "submit").json()["status"] == "awaiting_sign_off"
    body = post(crc_manager, breach, "sign-off").json()
    assert (body["status"], body["steps_allowed"]) == ("signed_off", ["refer_to_nps", "withdraw"])
    assert nps.get(f"{BREACHES}{breach.pk}/").status_code == 404  # not referred yet

    response = post(crc_officer, breach, "refer-to-nps")
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["steps_allowed"]) == ("referred_to_nps", ["withdraw"])
    assert breach.packs.get().referred_to_nps_at is not None
    assert nps.get(f"{BREACHES}{breach.pk}/").json()["steps_allowed"] == ["nps_accept", "nps_request_more"]

    body = post(nps, breach, "nps-request-more", {"message": "Attach the second appointment letter."}).json()
    assert body["status"] == "draft"
    assert body["steps"][-1]["note"] == "Attach the second appointment letter."
    assert breach.packs.get().returned_note == "Attach the second appointment letter."

    assert post(crc_officer, breach, "submit").status_code == 200
    assert post(crc_manager, breach, "sign-off").status_code == 200
    assert post(crc_officer, breach, "refer-to-nps").status_code == 200
    response = post(nps, breach, "nps-accept")
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["steps_allowed"]) == ("accepted_by_nps", ["send_to_court"])
    assert crc_officer.get(f"{BREACHES}{breach.pk}/").json()["steps_allowed"] == ["withdraw"]

    response = post(nps, breach, "send-to-court")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "sent_to_court"
    assert response.json()["steps_allowed"] == ["record_outcome"]

    response = post(nps, breach, "outcome", {"hearing_on": TODAY, "outcome": "fine"})
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["outcome"]) == ("outcome_recorded", "fine")
    assert [step["step"] for step in response.json()["steps"]] == [
        "initiated",
        "submitted",
        "signed_off",
        "referred_to_nps",
        "nps_requested_more",
        "submitted",
        "signed_off",
        "referred_to_nps",
        "nps_accepted",
        "sent_to_court",
        "outcome",
    ]
    assert list(breach.packs.order_by("version").values_list("version", flat=True)) == [1, 2]


# Refusals: who may take the step (403) -------------------------------------------------------------------------------


FORBIDDEN_STEPS = [
    # (status, crc's case, who, step, body, message)
    (Status.DRAFT, False, "colleague", "draft", {"statement": "x"}, PREPARE.format("prepare the pack")),
    (Status.DRAFT, False, "colleague", "submit", None, PREPARE.format("submit the pack")),
    (Status.DRAFT, False, "colleague", "withdraw", {"reason": "x"}, PREPARE.format("withdraw the breach")),
    (Status.AWAITING_SIGN_OFF, False, "officer", "sign-off", None, SIGN_OFF),
    (Status.AWAITING_SIGN_OFF, False, "colleague", "sign-off", None, SIGN_OFF),
    (Status.AWAITING_SIGN_OFF, False, "officer", "return", {"note": "More."}, SEND_BACK),
    (
        Status.SIGNED_OFF,
        False,
        "colleague",
        "send-to-court",
        None,
        PREPARE.format("send the pack to court"),
    ),
    (Status.SENT_TO_COURT, False, "colleague", "new-version", {"reason": "x"}, PREPARE.format("correct the pack")),
    (Status.SENT_TO_COURT, False, "colleague", "outcome", {"hearing_on": TODAY, "outcome": "fine"}, OUTCOME_BY),
    (Status.REFERRED_TO_NPS, True, "other_provider_officer", "nps-accept", None, NPS_ACCEPT),
    (Status.REFERRED_TO_NPS, True, "other_provider_manager", "nps-request-more", {"message": "x"}, NPS_MORE),
    (Status.ACCEPTED_BY_NPS, True, "other_provider_officer", "send-to-court", None, NPS_PRESENTS),
    (Status.REFERRED_TO_NPS, True, "officer", "withdraw", {"reason": "x"}, PREPARE.format("withdraw the breach")),
    (Status.REFERRED_TO_NPS, True, "manager", "sign-off", None, SIGN_OFF),
    (Status.SENT_TO_COURT, True, "officer", "new-version", {"reason": "x"}, PREPARE.format("correct the pack")),
    # The status does not allow the step either: who may take it is said first.
    (Status.DRAFT, False, "colleague", "send-to-court", None, PREPARE.format("send the pack to court")),
    (Status.OUTCOME_RECORDED, False, "colleague", "withdraw", {"reason": "x"}, PREPARE.format("withdraw the breach")),
]


@pytest.mark.parametrize(("status", "crc", "who", "step", "body", "message"), FORBIDDEN_STEPS)
def test_someone_who_sees_the_breach_but_may_not_take_the_step_is_403(
    world, client_for, status, crc, who, step, body, message
):
    breach = breach_at(world, status, crc=crc)
    client = client_for(getattr(world.org, who))
    assert client.get(f"{BREACHES}{breach.pk}/").status_code == 200
    before = snapshot(breach)

    response = post(client, breach, step, body)

    assert response.status_code == 403, response.json()
    assert response.json() == {"detail": message}
    assert snapshot(breach) == before


def test_a_manager_may_not_sign_off_a_version_they_prepared(world, client_for):
    org = world.org
    breach = open_breach(world.nps_case)
    manager = client_for(org.manager)
    assert (
        post(
            manager, breach, "draft", {"statement": STATEMENT, "proposal": PROPOSAL, "court": world.court.pk}
        ).status_code
        == 200
    )
    assert post(manager, breach, "submit").status_code == 200
    before = snapshot(breach)

    response = post(manager, breach, "sign-off")

    assert response.status_code == 403, response.json()
    assert response.json() == {"detail": PREPARED_IT}
    assert snapshot(breach) == before
    # Another manager of the team may.
    response = post(client_for(factories.ManagerFactory(team=org.team_a)), breach, "sign-off")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "signed_off"


def test_a_manager_of_another_team_sees_the_breach_but_may_not_sign_it_off(world, client_for):
    breach = advance(
        world.org,
        open_breach(community_case(world.org.other_team_officer)),
        Status.AWAITING_SIGN_OFF,
        court=world.court,
    )
    client = client_for(world.org.manager)
    assert client.get(f"{BREACHES}{breach.pk}/").json()["steps_allowed"] == []
    before = snapshot(breach)

    response = post(client, breach, "sign-off")

    assert response.status_code == 403
    assert response.json() == {"detail": SIGN_OFF}
    assert snapshot(breach) == before


def test_a_crc_breach_the_nps_sent_back_and_the_crc_signed_off_again(world, client_for):
    """The NPS sees the CRC's breach once referred, so also after asking for more: it may not refer it (403), nor
    send the CRC's version to court before it is referred again (400)."""
    org = world.org
    breach = breach_at(world, Status.REFERRED_TO_NPS, crc=True)
    services.breach_nps_request_more(by=org.officer, breach=breach, message="More.")
    advance(org, breach, Status.SIGNED_OFF)
    nps = client_for(org.officer)
    before = snapshot(breach)

    response = post(nps, breach, "refer-to-nps")
    assert response.status_code == 403
    assert response.json() == {"detail": PREPARE.format("refer the breach")}

    response = post(nps, breach, "send-to-court")
    assert response.status_code == 400
    assert response.json() == non_field(
        "A CRC's breach goes to the NPS first: refer it, and the NPS presents it to court."
    )
    assert snapshot(breach) == before


def test_the_body_is_validated_before_the_scope(world, client_for):
    breach = open_breach(world.nps_case)

    response = post(client_for(world.court_user), breach, "draft", {"statement": "x" * 10_001})

    assert response.status_code == 400
    assert response.json() == errors(statement="The statement must be 10,000 characters or fewer.")


# Refusals: the breach's status does not allow the step (400) ---------------------------------------------------------


STATUS_REFUSALS = [
    # (status, crc's case, who, step, body, message)
    (Status.AWAITING_SIGN_OFF, False, "officer", "submit", None, refused("submit the pack", Status.AWAITING_SIGN_OFF)),
    (Status.SENT_TO_COURT, False, "officer", "submit", None, refused("submit the pack", Status.SENT_TO_COURT)),
    (
        Status.AWAITING_SIGN_OFF,
        False,
        "officer",
        "draft",
        {"statement": "x"},
        refused("change the pack", Status.AWAITING_SIGN_OFF),
    ),
    (Status.DRAFT, False, "manager", "sign-off", None, refused("sign off the pack", Status.DRAFT)),
    (Status.SIGNED_OFF, False, "manager", "sign-off", None, refused("sign off the pack", Status.SIGNED_OFF)),
    (Status.DRAFT, False, "manager", "return", {"note": "x"}, refused("send the pack back", Status.DRAFT)),
    (
        Status.DRAFT,
        True,
        "other_provider_officer",
        "refer-to-nps",
        None,
        refused("refer the breach to the NPS", Status.DRAFT),
    ),
    (
        Status.SIGNED_OFF,
        False,
        "officer",
        "refer-to-nps",
        None,
        "Only a CRC refers a breach to the NPS: this case's provider presents it to court.",
    ),
    (
        Status.SIGNED_OFF,
        False,
        "officer",
        "new-version",
        {"reason": "x"},
        refused("start a corrected version", Status.SIGNED_OFF),
    ),
    (
        Status.DRAFT,
        False,
        "officer",
        "outcome",
        {"hearing_on": TODAY, "outcome": "fine"},
        refused("record the court's outcome", Status.DRAFT),
    ),
    (
        Status.OUTCOME_RECORDED,
        False,
        "officer",
        "outcome",
        {"hearing_on": TODAY, "outcome": "fine"},
        refused("record the court's outcome", Status.OUTCOME_RECORDED),
    ),
    (
        Status.OUTCOME_RECORDED,
        False,
        "officer",
        "send-to-court",
        None,
        refused("send the pack to court", Status.OUTCOME_RECORDED),
    ),
    (
        Status.SENT_TO_COURT,
        False,
        "officer",
        "send-to-court",
        None,
        refused("send the pack to court", Status.SENT_TO_COURT),
    ),
    (
        Status.OUTCOME_RECORDED,
        False,
        "officer",
        "withdraw",
        {"reason": "x"},
        refused("withdraw the breach", Status.OUTCOME_RECORDED),
    ),
    (Status.WITHDRAWN, False, "officer", "withdraw", {"reason": "x"}, refused("withdraw the breach", Status.WITHDRAWN)),
    (Status.WITHDRAWN, False, "officer", "submit", None, refused("submit the pack", Status.WITHDRAWN)),
]


@pytest.mark.parametrize(("status", "crc", "who", "step", "body", "message"), STATUS_REFUSALS)
def test_a_step_the_status_does_not_allow_is_400_and_changes_nothing(
    world, client_for, status, crc, who, step, body, message
):
    breach = breach_at(world, status, crc=crc)
    before = snapshot(breach)

    response = post(client_for(getattr(world.org, who)), breach, step, body)

    assert response.status_code == 400, response.json()
    assert response.json() == non_field(message)
    assert snapshot(breach) == before


@pytest.mark.parametrize("status", [Status.DRAFT, Status.AWAITING_SIGN_OFF])
def test_sending_a_pack_not_signed_off_says_where_the_breach_is(world, client_for, status):
    breach = breach_at(world, status)
    before = snapshot(breach)

    response = post(client_for(world.org.officer), breach, "send-to-court")

    assert snapshot(breach) == before
    assert response.status_code == 400
    assert response.json() == non_field(refused("send the pack to court", status))


def test_a_refusal_keeps_the_nps_in_capitals(world, client_for):
    breach = breach_at(world, Status.REFERRED_TO_NPS, crc=True)

    response = post(client_for(world.org.officer), breach, "send-to-court")

    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"][0].startswith(
        "You cannot send the pack to court: the breach is at “referred to the NPS”."
    )


def test_steps_allowed_does_not_offer_sign_off_to_the_manager_who_prepared_it(world, client_for):
    breach = open_breach(world.nps_case)
    services.breach_update_draft(
        by=world.org.manager, breach=breach, statement=STATEMENT, proposal=PROPOSAL, court=world.court
    )
    services.breach_submit(by=world.org.manager, breach=breach)

    body = client_for(world.org.manager).get(f"{BREACHES}{breach.pk}/").json()

    assert body["steps_allowed"] == ["return", "withdraw"]


# Refusals: the body (400 with field messages) ------------------------------------------------------------------------


def test_the_draft_s_field_messages(world, client_for):
    breach = open_breach(world.nps_case)
    client = client_for(world.org.officer)
    closed = factories.CourtFactory(region=world.org.region, active=False)
    before = snapshot(breach)
    cases = [
        ({"statement": "x" * 10_001}, errors(statement="The statement must be 10,000 characters or fewer.")),
        ({"proposal": "x" * 10_001}, errors(proposal="The proposal must be 10,000 characters or fewer.")),
        ({"court": "abc"}, errors(court="Choose a court from the list.")),
        ({"court": 0}, errors(court="Choose a court from the list.")),
        ({"court": 2**64}, errors(court="Choose a court from the list.")),
        ({"court": 999_999}, errors(court="Choose a court from the list.")),
        ({"court": closed.pk}, errors(court="Choose a court from the list.")),
        ({"statement": STATEMENT}, errors(court="Choose the court the pack goes to.")),  # none chosen yet
        ({"court": None}, errors(court="Choose the court the pack goes to.")),
    ]
    for body, expected in cases:
        response = post(client, breach, "draft", body)
        assert response.status_code == 400, body
        assert response.json() == expected, body
    assert snapshot(breach) == before


def test_submitting_an_empty_draft_names_what_is_missing(world, client_for):
    breach = open_breach(world.nps_case)
    before = snapshot(breach)

    response = post(client_for(world.org.officer), breach, "submit")

    assert response.status_code == 400
    assert response.json() == errors(
        statement="Write your statement to the court before submitting the pack.",
        proposal="Write your proposal to the court before submitting the pack.",
        court="Choose the court the pack goes to before submitting it.",
    )
    assert snapshot(breach) == before


@pytest.mark.parametrize(
    ("status", "crc", "who", "step", "body", "expected"),
    [
        (
            Status.AWAITING_SIGN_OFF,
            False,
            "manager",
            "return",
            {},
            errors(note="Say what needs to change in the pack."),
        ),
        (
            Status.AWAITING_SIGN_OFF,
            False,
            "manager",
            "return",
            {"note": "   "},
            errors(note="Say what needs to change in the pack."),
        ),
        (
            Status.AWAITING_SIGN_OFF,
            False,
            "manager",
            "sign-off",
            {"note": "x" * 4_001},
            errors(note="The note must be 4,000 characters or fewer."),
        ),
        (
            Status.REFERRED_TO_NPS,
            True,
            "officer",
            "nps-request-more",
            {"message": ""},
            errors(message="Say what more information the NPS needs."),
        ),
        (
            Status.SENT_TO_COURT,
            False,
            "officer",
            "new-version",
            {},
            errors(reason="Say what the corrected version changes."),
        ),
        (Status.DRAFT, False, "officer", "withdraw", {"reason": ""}, errors(reason="Say why the breach is withdrawn.")),
        (
            Status.DRAFT,
            False,
            "officer",
            "withdraw",
            {"reason": "x" * 4_001},
            errors(reason="The reason must be 4,000 characters or fewer."),
        ),
        (
            Status.SENT_TO_COURT,
            False,
            "officer",
            "outcome",
            {},
            errors(outcome="Choose the court's outcome.", hearing_on="Enter the date of the hearing."),
        ),
        (
            Status.SENT_TO_COURT,
            False,
            "officer",
            "outcome",
            {"hearing_on": TODAY, "outcome": "caution"},
            errors(outcome="Choose the court's outcome."),
        ),
        (
            Status.SENT_TO_COURT,
            False,
            "officer",
            "outcome",
            {"hearing_on": "2026-11-26", "outcome": "fine"},
            errors(hearing_on="The date of the hearing cannot be in the future."),
        ),
        (
            Status.SENT_TO_COURT,
            False,
            "officer",
            "outcome",
            {"hearing_on": "2026-11-24", "outcome": "fine"},
            errors(
                hearing_on="The date of the hearing cannot be before the pack was sent to court (25 November 2026)."
            ),
        ),
        (
            Status.SENT_TO_COURT,
            False,
            "officer",
            "outcome",
            {"hearing_on": "25/11/2026", "outcome": "fine"},
            errors(hearing_on="Date has wrong format. Use one of these formats instead: YYYY-MM-DD."),
        ),
        (
            Status.SENT_TO_COURT,
            False,
            "officer",
            "outcome",
            {"hearing_on": TODAY, "outcome": "order_amended"},
            errors(details="Say how the court amended the order."),
        ),
    ],
)
def test_bad_bodies_are_400_with_field_messages_and_change_nothing(
    world, client_for, status, crc, who, step, body, expected
):
    breach = breach_at(world, status, crc=crc)
    before = snapshot(breach)

    response = post(client_for(getattr(world.org, who)), breach, step, body)

    assert response.status_code == 400
    assert response.json() == expected
    assert snapshot(breach) == before


# Pack versions for staff ---------------------------------------------------------------------------------------------


def test_a_pack_version_has_every_field(world, client_for):
    breach = breach_at(world, Status.SENT_TO_COURT)
    pack = breach.packs.get()

    response = client_for(world.org.officer).get(f"{PACKS}{pack.pk}/")

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "id": pack.pk,
        "version": 1,
        "breach": breach.pk,
        "content": pack.content,
        "statement": STATEMENT,
        "proposal": PROPOSAL,
        "prepared_by": {"id": world.org.officer.pk, "name": "Olivia Okafor"},
        "prepared_at": NOW,
        "signed_off_by": {"id": world.org.manager.pk, "name": "Maya Mensah"},
        "signed_off_at": NOW,
        "returned_at": None,
        "returned_note": "",
        "referred_to_nps_at": None,
        "sent_to_court_at": NOW,
        "court": {"id": world.court.pk, "name": "Manchester Magistrates' Court"},
        "acknowledged_at": None,
        "superseded_at": None,
        "pdf_url": reverse("enforcement:breach_pack_pdf", args=[pack.pk]),
    }
    assert response.json()["pdf_url"].endswith(f"/{pack.pk}/pdf/")
    assert response.json()["content"]["person"]["name"] == "Casey Order"
    assert [row["id"] for row in response.json()["content"]["failures"]] == list(
        ComplianceFailure.objects.filter(sentence=breach.sentence).order_by("failed_on").values_list("pk", flat=True)
    )


def test_pack_versions_are_scoped_like_their_breaches_and_filtered_by_breach(world, client_for):
    org = world.org
    nps = breach_at(world, Status.AWAITING_SIGN_OFF)
    crc_unreferred = breach_at(world, Status.SIGNED_OFF, crc=True)
    crc_referred = advance(
        org, open_breach(community_case(org.other_provider_officer)), Status.REFERRED_TO_NPS, court=world.court
    )
    services.breach_return(by=org.manager, breach=nps, note="Again.")
    advance(org, nps, Status.AWAITING_SIGN_OFF)
    versions = {
        breach.pk: list(breach.packs.order_by("-version").values_list("pk", flat=True))
        for breach in (nps, crc_unreferred, crc_referred)
    }

    def seen(who, **params):
        return set(ids(client_for(getattr(org, who)).get(PACKS, params)))

    assert seen("officer") == {*versions[nps.pk], *versions[crc_referred.pk]}
    assert seen("officer", breach=nps.pk) == set(versions[nps.pk])
    assert len(versions[nps.pk]) == 2
    assert seen("other_provider_officer") == {*versions[crc_unreferred.pk], *versions[crc_referred.pk]}
    assert seen("other_team_officer") == set(versions[crc_referred.pk])
    assert seen("court_user") == set()
    for who in ("other_provider_officer", "court_user", "upw"):
        assert client_for(getattr(org, who)).get(f"{PACKS}{versions[nps.pk][0]}/").status_code == 404, who
    assert client_for(org.officer).get(f"{PACKS}{versions[crc_unreferred.pk][0]}/").status_code == 404
    assert client_for(org.officer).get(f"{PACKS}abc/").status_code == 404
    assert client_for(org.officer).get(PACKS, {"breach": "abc"}).status_code == 400


def test_a_version_stays_as_it_was_prepared(world, client_for):
    breach = breach_at(world, Status.AWAITING_SIGN_OFF)
    first = breach.packs.get()
    client = client_for(world.org.officer)
    services.breach_return(by=world.org.manager, breach=breach, note="Shorter.")

    assert post(client, breach, "draft", {"statement": "Two absences.", "proposal": "Fine."}).status_code == 200
    assert post(client, breach, "submit").status_code == 200

    rows = client.get(PACKS, {"breach": breach.pk}).json()["results"]
    assert [(row["version"], row["statement"], row["proposal"]) for row in rows] == [
        (2, "Two absences.", "Fine."),
        (1, STATEMENT, PROPOSAL),
    ]
    assert (rows[1]["returned_note"], rows[1]["superseded_at"]) == ("Shorter.", NOW)
    assert rows[1]["content"] == BreachPack.objects.get(pk=first.pk).content


# Court users ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def at_courts(world):
    """Packs in every place: sent to the court (twice: a version superseded by its correction), sent to the other
    court, and versions not sent (awaiting sign-off, signed off, referred to the NPS, a correction being prepared) with
    the court named on them."""
    org = world.org
    corrected = breach_at(world, Status.SENT_TO_COURT)
    services.breach_start_new_version(by=org.officer, breach=corrected, reason="Dates.")
    advance(org, corrected, Status.SENT_TO_COURT)
    being_corrected = advance(org, open_breach(community_case(org.officer)), Status.SENT_TO_COURT, court=world.court)
    services.breach_start_new_version(by=org.officer, breach=being_corrected, reason="Dates.")
    advance(org, being_corrected, Status.AWAITING_SIGN_OFF)
    elsewhere = advance(org, open_breach(community_case(org.officer)), Status.SENT_TO_COURT, court=world.other_court)
    crc_sent = advance(org, open_breach(world.crc_case), Status.SENT_TO_COURT, court=world.court)
    not_sent = [
        advance(org, open_breach(community_case(org.officer)), Status.AWAITING_SIGN_OFF, court=world.court),
        advance(org, open_breach(community_case(org.officer)), Status.SIGNED_OFF, court=world.court),
        advance(
            org, open_breach(community_case(org.other_provider_officer)), Status.REFERRED_TO_NPS, court=world.court
        ),
    ]
    open_breach(community_case(org.officer))  # a draft with no version at all

    def version(breach, number):
        return BreachPack.objects.get(breach=breach, version=number)

    return SimpleNamespace(
        corrected=corrected,
        court_packs=[version(crc_sent, 1), version(being_corrected, 1), version(corrected, 2), version(corrected, 1)],
        elsewhere=version(elsewhere, 1),
        hidden=[version(being_corrected, 2), *(version(breach, 1) for breach in not_sent)],
    )


def test_a_court_user_sees_exactly_the_packs_sent_to_their_courts(world, at_courts, client_for):
    assert ids(client_for(world.court_user).get(COURT_PACKS)) == [pack.pk for pack in at_courts.court_packs]
    assert ids(client_for(world.other_court_user).get(COURT_PACKS)) == [at_courts.elsewhere.pk]
    both = factories.CourtUserFactory(courts=[world.court, world.other_court])
    assert set(ids(client_for(both).get(COURT_PACKS))) == {pack.pk for pack in at_courts.court_packs} | {
        at_courts.elsewhere.pk
    }
    assert ids(client_for(factories.CourtUserFactory()).get(COURT_PACKS)) == []


@pytest.mark.parametrize("who", ["officer", "manager", "other_provider_manager", "administrator", "upw"])
def test_staff_see_no_court_packs(world, at_courts, client_for, who):
    client = client_for(getattr(world.org, who))

    assert ids(client.get(COURT_PACKS)) == []
    pack = at_courts.court_packs[0]
    before = snapshot(pack.breach)
    assert client.get(f"{COURT_PACKS}{pack.pk}/").status_code == 404
    assert court_post(client, pack, "acknowledge").status_code == 404
    assert court_post(client, pack, "request-information", {"message": "More."}).status_code == 404
    assert snapshot(pack.breach) == before


def test_a_court_user_cannot_reach_a_pack_not_sent_to_their_court(world, at_courts, client_for):
    client = client_for(world.court_user)

    for pack in [at_courts.elsewhere, *at_courts.hidden]:
        before = snapshot(pack.breach)
        assert client.get(f"{COURT_PACKS}{pack.pk}/").status_code == 404, pack
        for step, body in (("acknowledge", None), ("request-information", {"message": "More."})):
            response = court_post(client, pack, step, body)
            assert response.status_code == 404, (pack, step)
            assert response.json() == {"detail": "Not found."}
        assert snapshot(pack.breach) == before
    for url in (f"{COURT_PACKS}abc/", f"{COURT_PACKS}{2**64}/", f"{COURT_PACKS}999999/"):
        assert client.get(url).status_code == 404
    # Nor the staff endpoints.
    assert ids(client.get(BREACHES)) == ids(client.get(PACKS)) == []
    assert client.get(f"{PACKS}{at_courts.court_packs[0].pk}/").status_code == 404


def test_a_court_user_excluded_from_the_person_sees_nothing_of_them(world, client_for):
    breach = breach_at(world, Status.SENT_TO_COURT)
    pack = breach.packs.get()
    factories.PersonAccessLimitFactory(person=world.nps_case.person, user=world.court_user)
    client = client_for(world.court_user)

    assert ids(client.get(COURT_PACKS)) == []
    assert client.get(f"{COURT_PACKS}{pack.pk}/").status_code == 404
    assert court_post(client, pack, "acknowledge").status_code == 404
    assert BreachPack.objects.get(pk=pack.pk).acknowledged_at is None


def test_a_court_pack_has_every_field(world, client_for):
    breach = breach_at(world, Status.SENT_TO_COURT)
    pack = breach.packs.get()
    factories.PersonAccessLimitFactory(
        person=world.nps_case.person, user=world.court_user, kind=PersonAccessLimit.Kind.RESTRICTION
    )

    response = client_for(world.court_user).get(f"{COURT_PACKS}{pack.pk}/")

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "id": pack.pk,
        "version": 1,
        "breach": breach.pk,
        "crn": world.nps_case.person.crn,
        "person_name": "Casey Order",
        "content": pack.content,
        "statement": STATEMENT,
        "proposal": PROPOSAL,
        "prepared_by": {"id": world.org.officer.pk, "name": "Olivia Okafor"},
        "prepared_at": NOW,
        "signed_off_by": {"id": world.org.manager.pk, "name": "Maya Mensah"},
        "signed_off_at": NOW,
        "returned_at": None,
        "returned_note": "",
        "referred_to_nps_at": None,
        "sent_to_court_at": NOW,
        "court": {"id": world.court.pk, "name": "Manchester Magistrates' Court"},
        "acknowledged_at": None,
        "superseded_at": None,
        "pdf_url": reverse("enforcement:court_pack_pdf", args=[pack.pk]),
        "acknowledged_by": None,
        "information_requests": [],
        "request_count": 0,
    }
    assert response.json()["pdf_url"] != reverse("enforcement:breach_pack_pdf", args=[pack.pk])  # the court's own
    # The person has a restriction list (the court user is on it): opening the pack is recorded, listing is not.
    assert list(AccessRecord.objects.order_by("pk").values_list("user", "path")) == [
        (world.court_user.pk, f"{COURT_PACKS}{pack.pk}/")
    ]


def test_the_court_acknowledges_a_pack_once(world, client_for):
    pack = breach_at(world, Status.SENT_TO_COURT).packs.get()
    first_clerk = client_for(world.court_user)
    other_clerk = factories.CourtUserFactory(courts=[world.court])

    response = court_post(first_clerk, pack, "acknowledge")

    assert response.status_code == 200, response.json()
    assert (response.json()["acknowledged_at"], response.json()["acknowledged_by"]) == (
        NOW,
        {"id": world.court_user.pk, "name": "Cora Clerk"},
    )
    steps = BreachStep.objects.filter(breach=pack.breach, step=BreachStep.Step.COURT_ACKNOWLEDGED)
    assert [(step.by, step.pack) for step in steps] == [(world.court_user, pack)]

    again = court_post(client_for(other_clerk), pack, "acknowledge")

    assert again.status_code == 200
    assert again.json()["acknowledged_by"] == {"id": world.court_user.pk, "name": "Cora Clerk"}
    assert steps.count() == 1
    staff_view = client_for(world.org.officer).get(f"{PACKS}{pack.pk}/").json()
    assert staff_view["acknowledged_at"] == NOW


def test_the_court_asks_for_more_and_the_corrected_version_answers(world, client_for):
    breach = breach_at(world, Status.SENT_TO_COURT)
    first = breach.packs.get()
    clerk = client_for(world.court_user)

    response = court_post(clerk, first, "request-information", {"message": "  Which requirement was missed?  "})

    assert response.status_code == 200, response.json()
    request = CourtInformationRequest.objects.get()
    body = response.json()
    assert body["request_count"] == 1
    assert body["information_requests"] == [
        {
            "id": request.pk,
            "message": "Which requirement was missed?",
            "requested_by": {"id": world.court_user.pk, "name": "Cora Clerk"},
            "requested_at": NOW,
            "answered_by_pack": None,
        }
    ]
    assert (request.court, request.pack) == (world.court, first)
    step = BreachStep.objects.filter(breach=breach).last()
    assert (step.step, step.note, step.by) == (
        "court_requested_more",
        "Which requirement was missed?",
        world.court_user,
    )

    services.breach_start_new_version(by=world.org.officer, breach=breach, reason="The court asked.")
    advance(world.org, breach, Status.SENT_TO_COURT)
    second = breach.packs.get(version=2)

    rows = {row["id"]: row for row in clerk.get(COURT_PACKS).json()["results"]}
    assert rows[first.pk]["information_requests"][0]["answered_by_pack"] == second.pk
    assert (rows[first.pk]["request_count"], rows[second.pk]["request_count"]) == (1, 0)
    assert rows[first.pk]["superseded_at"] == NOW
    before = snapshot(breach)
    response = court_post(clerk, first, "request-information", {"message": "And the dates?"})
    assert response.status_code == 400
    assert response.json() == non_field("A later version of this pack was sent: ask about that one.")
    assert snapshot(breach) == before


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (Status.SENT_TO_COURT, {}, errors(message="Say what more information the court needs.")),
        (Status.SENT_TO_COURT, {"message": " "}, errors(message="Say what more information the court needs.")),
        (
            Status.SENT_TO_COURT,
            {"message": "x" * 4_001},
            errors(message="The message must be 4,000 characters or fewer."),
        ),
        (
            Status.OUTCOME_RECORDED,
            {"message": "More."},
            non_field("The breach is no longer waiting at court (court outcome recorded), so there is nothing to ask."),
        ),
        (
            Status.WITHDRAWN,
            {"message": "More."},
            non_field("The breach is no longer waiting at court (withdrawn), so there is nothing to ask."),
        ),
    ],
)
def test_a_request_for_information_refused_is_400_and_changes_nothing(world, client_for, status, body, expected):
    breach = breach_at(world, Status.SENT_TO_COURT)
    breach = advance(world.org, breach, status) if status != Status.SENT_TO_COURT else breach
    pack = breach.packs.get()
    before = snapshot(breach)

    response = court_post(client_for(world.court_user), pack, "request-information", body)

    assert response.status_code == 400
    assert response.json() == expected
    assert snapshot(breach) == before


def test_the_court_still_sees_a_version_sent_after_its_breach_is_withdrawn(world, client_for):
    breach = advance(world.org, breach_at(world, Status.SENT_TO_COURT), Status.WITHDRAWN)

    assert ids(client_for(world.court_user).get(COURT_PACKS)) == [breach.packs.get().pk]


# Constant queries ----------------------------------------------------------------------------------------------------


def _more_breaches(world, rounds: int) -> None:
    """Per round: NPS breaches in draft, at sign-off, at court (corrected once), withdrawn and with the outcome, and a
    CRC breach referred to the NPS, with the court's acknowledgement and a request for more on the versions sent."""
    org = world.org
    for _ in range(rounds):
        open_breach(community_case(org.officer))
        advance(org, open_breach(community_case(org.colleague)), Status.AWAITING_SIGN_OFF, court=world.court)
        at_court = advance(org, open_breach(community_case(org.officer)), Status.SENT_TO_COURT, court=world.court)
        services.court_request_information(by=world.court_user, pack=at_court.packs.get(), message="More.")
        services.breach_start_new_version(by=org.officer, breach=at_court, reason="The court asked.")
        advance(org, at_court, Status.SENT_TO_COURT)
        services.court_acknowledge(by=world.court_user, pack=at_court.packs.get(version=2))
        advance(org, open_breach(community_case(org.officer)), Status.WITHDRAWN)
        advance(org, open_breach(community_case(org.officer)), Status.OUTCOME_RECORDED, court=world.court)
        advance(org, open_breach(community_case(org.other_provider_officer)), Status.SENT_TO_COURT, court=world.court)


# Staff: session, user, the manager's team and its provider (4: the scope and the rules read them) + count + the page
# (breaches with their case, person, provider, team, officer, order, court and current version, annotated; packs with
# their breach, case, person, order, court and authors) + session save (3). steps_allowed reads only the rows.
# Court users: session, user (2) + count + the page of packs + the court's requests on them (1) + session save (3).
PINNED = {"breaches": 9, "packs": 9, "court_packs": 8}


def _count_twice(django_assert_num_queries, client, url, grow, pinned: int) -> tuple[int, int]:
    with django_assert_num_queries(pinned):
        few = client.get(url).json()["count"]
    grow()
    with django_assert_num_queries(pinned):
        many = client.get(url).json()["count"]
    return few, many


def test_the_breaches_list_runs_the_same_queries_with_6_or_18_breaches(world, client_for, django_assert_num_queries):
    client = client_for(world.org.manager)
    _more_breaches(world, 1)

    few, many = _count_twice(
        django_assert_num_queries, client, BREACHES, lambda: _more_breaches(world, 2), PINNED["breaches"]
    )

    assert (few, many) == (6, 18)


def test_the_packs_list_runs_the_same_queries_with_few_or_many_versions(world, client_for, django_assert_num_queries):
    client = client_for(world.org.manager)
    _more_breaches(world, 1)

    few, many = _count_twice(
        django_assert_num_queries, client, PACKS, lambda: _more_breaches(world, 2), PINNED["packs"]
    )

    assert (few, many) == (5, 15)


def test_the_court_packs_list_runs_the_same_queries_with_few_or_many_packs(
    world, client_for, django_assert_num_queries
):
    client = client_for(world.court_user)
    _more_breaches(world, 1)

    few, many = _count_twice(
        django_assert_num_queries, client, COURT_PACKS, lambda: _more_breaches(world, 2), PINNED["court_packs"]
    )

    assert (few, many) == (4, 12)
    rows = client.get(COURT_PACKS).json()["results"]
    assert sum(row["request_count"] for row in rows) == sum(len(row["information_requests"]) for row in rows) == 3


# The schema ----------------------------------------------------------------------------------------------------------


def test_the_schema_describes_the_breach_endpoints(world, client_for):
    schema = client_for(world.org.officer).get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]

    assert set(paths[f"{BREACHES}"]) == {"get"}
    assert set(paths[f"{BREACHES}{{id}}/"]) == {"get"}
    for step in STEP_URLS:
        operation = paths[f"{BREACHES}{{id}}/{step}/"]
        assert set(operation) == {"post"}, step
        assert set(operation["post"]["responses"]) == {"200", "400", "403", "404"}, step
    for step in ("acknowledge", "request-information"):
        assert set(paths[f"{COURT_PACKS}{{id}}/{step}/"]["post"]["responses"]) == {"200", "400", "404"}
    assert set(paths[PACKS]) == set(paths[COURT_PACKS]) == {"get"}
    params = {param["name"] for param in paths[BREACHES]["get"]["parameters"]}
    assert {"status", "case", "page", "page_size"} <= params
    components = schema["components"]["schemas"]
    assert components["BreachStatus"]["enum"] == list(Status.values)
    assert components["BreachStepAllowed"]["enum"] == list(STEP_NAMES)
    assert components["HearingOutcome"]["enum"] == [
        "order_continues",
        "order_amended",
        "revoked_and_resentenced",
        "fine",
        "no_action",
        "withdrawn",
    ]


def test_the_schema_generates_without_warnings_or_errors(tmp_path):
    GENERATOR_STATS.reset()

    call_command("spectacular", "--file", str(tmp_path / "schema.yaml"), "--fail-on-warn", "--validate")

    assert (tmp_path / "schema.yaml").read_text().count("/api/v1/breaches/") >= 13
