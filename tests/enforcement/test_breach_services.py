"""enforcement.services.breach: the breach of an order from the breach action decision to the court's outcome.

Every step succeeds from the right status, by the right people, and is refused (exact message, nothing changed:
breaches, pack versions, steps, the court's requests, their history and the clocks) from every other status, by
anyone else and with bad input. Packs are frozen versions of the record; court users acknowledge them and ask for
more. The database refuses rows that break the models' constraints.

Today is Wednesday 25 November 2026, 10:00 London (tests/enforcement/setup.py). Breaches are made as the product
makes them (tests/enforcement/breach_setup.py): a failure on 2 November given a first warning on 3 November, then a
failure on Monday 23 November decided as breach action today.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cases.models import Contact
from cases.services.contacts import appointment_record_outcome
from config.history import save_with_history
from enforcement.models import Breach, BreachPack, BreachStep, CourtInformationRequest
from enforcement.services import breach as services
from enforcement.services.compliance import failure_decide
from tests import factories
from tests.enforcement import breach_setup
from tests.enforcement.breach_setup import (
    PROPOSAL,
    STATEMENT,
    advance,
    breach_for,
    manager_of,
    prepare,
    refreshed,
    state,
    steps,
    submit,
)
from tests.enforcement.setup import NOW, TODAY, community_case, failure, licence_case

frozen = breach_setup.frozen
breaching = breach_setup.breaching

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")

PREPARE_ONLY = "Only the responsible officer or a manager of the case's team can prepare the pack."
SUBMIT_ONLY = "Only the responsible officer or a manager of the case's team can submit the pack."
SIGN_OFF_ONLY = "Only a manager of the case's team can sign off a breach pack."
RETURN_ONLY = "Only a manager of the case's team can send a breach pack back."
REFER_ONLY = "Only the responsible officer or a manager of the case's team can refer the breach."
ACCEPT_ONLY = "Only NPS staff in the case's region can accept a CRC's breach referral."
REQUEST_MORE_ONLY = "Only NPS staff in the case's region can ask for more on a CRC's breach referral."
SEND_ONLY_NPS = "Only the NPS can present a CRC's breach to court."
SEND_ONLY = "Only the responsible officer or a manager of the case's team can send the pack to court."
CORRECT_ONLY = "Only the responsible officer or a manager of the case's team can correct the pack."
OUTCOME_ONLY = "Only the case's officer or manager (or for a CRC's case the NPS) can record the outcome."
WITHDRAW_ONLY = "Only the responsible officer or a manager of the case's team can withdraw the breach."
COURT_USER_ONLY = "Only a court user of the court the pack was sent to can do this."
NOT_A_CRC = "Only a CRC refers a breach to the NPS: this case's provider presents it to court."
CRC_GOES_TO_NPS_FIRST = "A CRC's breach goes to the NPS first: refer it, and the NPS presents it to court."
PREPARED_IT = "You prepared this version: another manager must sign it off."
FROZEN = "A breach pack version never changes once prepared: prepare a new version to correct it."

# Where the breach is, and what happens next, as every refusal of a step from the wrong status says it.
# (The messages keep "NPS" in capitals, as everywhere else in the product.)
AT = {
    "draft": (
        "the breach is at “pack being prepared”. Next, the officer completes the statement and proposal and submits "
        "the pack for sign-off."
    ),
    "awaiting_sign_off": (
        "the breach is at “waiting for a manager's sign-off”. Next, a manager signs the pack off or sends it back."
    ),
    "signed_off": (
        "the breach is at “signed off”. Next, the pack is referred to the NPS (a CRC's case) or sent to court."
    ),
    "referred_to_nps": (
        "the breach is at “referred to the NPS”. Next, the NPS accepts the referral or asks for more information."
    ),
    "accepted_by_nps": "the breach is at “accepted by the NPS”. Next, the NPS sends the pack to court.",
    "sent_to_court": (
        "the breach is at “sent to court”. Next, the court's outcome is recorded, or a corrected version is prepared."
    ),
    "outcome_recorded": "the breach is at “court outcome recorded”. Next, nothing: the court's outcome is recorded.",
    "withdrawn": "the breach is at “withdrawn”. Next, nothing: the breach was withdrawn.",
}


def refused(call) -> ValidationError:
    """Run `call` expecting a refusal; assert nothing changed; return the error."""
    before = state()
    with pytest.raises(ValidationError) as caught:
        call()
    assert state() == before
    return caught.value


def latest(record):
    return record.history.order_by("-history_id").first()


def reasons(record) -> list[str]:
    return list(record.history.order_by("history_id").values_list("history_change_reason", flat=True))


def nps_breach(breaching) -> Breach:
    return breach_for(breaching.nps_case)


def crc_breach(breaching) -> Breach:
    return breach_for(breaching.crc_case)


def kept_appointment(case, on: date, code: str = "attended_complied", **fields) -> Contact:
    contact = factories.ContactFactory(case=case, starts_at=datetime.combine(on, datetime.min.time(), LONDON))
    return appointment_record_outcome(
        by=case.responsible_officer, contact=contact, outcome=factories.contact_outcome(code), **fields
    )


def at_court(breach: Breach) -> BreachPack:
    advance(breach, "sent_to_court")
    return services.current_pack(breach)


# The lifecycle: NPS, CRC and YOT cases ----------------------------------------------------------------------------


def test_an_nps_breach_from_draft_to_the_court_outcome(breaching):
    org = breaching.org
    breach = nps_breach(breaching)
    assert (breach.status, breach.court, breach.statement, breach.proposal) == (
        "draft",
        breaching.court,
        "",
        "",
    )

    updated = services.breach_update_draft(
        by=org.officer,
        breach=breach,
        statement=f"  {STATEMENT}  ",
        proposal=f"\n{PROPOSAL}\n",
        court=breaching.other_court,
    )
    assert (updated.status, updated.statement, updated.proposal, updated.court) == (
        "draft",
        STATEMENT,
        PROPOSAL,
        breaching.other_court,
    )

    pack = services.breach_submit(by=org.officer, breach=breach)
    assert (pack.version, pack.statement, pack.proposal, pack.prepared_by, pack.prepared_at, pack.court) == (
        1,
        STATEMENT,
        PROPOSAL,
        org.officer,
        NOW,
        breaching.other_court,
    )
    assert refreshed(breach).status == "awaiting_sign_off"

    signed = services.breach_sign_off(by=org.manager, breach=breach, note="  Clear and complete.  ")
    assert (signed.pk, signed.signed_off_by, signed.signed_off_at) == (pack.pk, org.manager, NOW)
    assert refreshed(breach).status == "signed_off"

    sent = services.breach_send_to_court(by=org.officer, breach=breach)
    assert (sent.pk, sent.sent_to_court_at, sent.court, sent.superseded_at) == (
        pack.pk,
        NOW,
        breaching.other_court,
        None,
    )
    assert refreshed(breach).status == "sent_to_court"

    done = services.breach_record_outcome(
        by=org.officer, breach=breach, hearing_on=TODAY, outcome="order_amended", details="  RAR of 10 days added.  "
    )
    assert (done.status, done.hearing_on, done.outcome, done.outcome_details, done.is_open) == (
        "outcome_recorded",
        TODAY,
        "order_amended",
        "RAR of 10 days added.",
        False,
    )

    assert steps(breach) == [
        ("initiated", "olivia", None, "No explanation given for the absence."),
        ("submitted", "olivia", 1, ""),
        ("signed_off", "maya", 1, "Clear and complete."),
        ("sent_to_court", "olivia", 1, "To Manchester Magistrates' Court"),
        ("outcome", "olivia", None, "Order amended (requirements added or changed). RAR of 10 days added."),
    ]
    assert set(BreachStep.objects.values_list("on", flat=True)) == {TODAY}
    assert reasons(refreshed(breach)) == [
        "Breach action decided",
        "Pack draft saved",
        "Pack submitted for sign-off",
        "Pack signed off",
        "Sent to court",
        "Court outcome: Order amended (requirements added or changed)",
    ]
    assert reasons(pack) == ["Pack version prepared", "Pack signed off", "Sent to court"]
    assert [entry.history_user for entry in pack.history.order_by("history_id")] == [
        org.officer,
        org.manager,
        org.officer,
    ]


def test_a_crc_breach_goes_through_the_nps_to_court(breaching):
    org = breaching.org
    breach = crc_breach(breaching)
    pack = submit(breach)
    services.breach_sign_off(by=org.other_provider_manager, breach=breach)

    referred = services.breach_refer_to_nps(by=org.other_provider_officer, breach=breach)
    assert (referred.pk, referred.referred_to_nps_at, referred.sent_to_court_at, referred.is_sent) == (
        pack.pk,
        NOW,
        None,
        True,
    )
    assert refreshed(breach).status == "referred_to_nps"

    accepted = services.breach_nps_accept(by=org.colleague, breach=breach)
    assert accepted.status == "accepted_by_nps"

    sent = services.breach_send_to_court(by=org.manager, breach=breach)
    assert (sent.pk, sent.sent_to_court_at, sent.court) == (pack.pk, NOW, breaching.court)

    services.breach_record_outcome(by=org.officer, breach=breach, hearing_on=TODAY, outcome="fine")
    assert (refreshed(breach).status, refreshed(breach).outcome) == ("outcome_recorded", "fine")

    assert steps(breach) == [
        ("initiated", "bethan", None, "No explanation given for the absence."),
        ("submitted", "bethan", 1, ""),
        ("signed_off", "huw", 1, ""),
        ("referred_to_nps", "bethan", 1, ""),
        ("nps_accepted", "colin", 1, ""),
        ("sent_to_court", "maya", 1, "To Stockport Magistrates' Court"),
        ("outcome", "olivia", None, "Fine."),
    ]


def test_a_crc_officer_may_record_the_outcome_of_their_case(breaching):
    breach = advance(crc_breach(breaching), "sent_to_court")

    services.breach_record_outcome(
        by=breaching.org.other_provider_officer, breach=breach, hearing_on=TODAY, outcome="no_action"
    )

    assert refreshed(breach).outcome == "no_action"


def test_a_yot_breach_is_sent_to_court_by_the_team_itself(breaching):
    yot = breaching.yot
    case = breach_setup.youth_case(yot.officer, first_name="Jordan", last_name="Young")
    breach = breach_for(case)
    assert breach.court is None  # no hearing recorded for the case

    prepare(breach, court=breaching.court)
    services.breach_submit(by=yot.officer, breach=breach)
    services.breach_sign_off(by=yot.manager, breach=breach)
    assert refused(lambda: services.breach_refer_to_nps(by=yot.officer, breach=breach)).messages == [NOT_A_CRC]
    assert refused(lambda: services.breach_send_to_court(by=breaching.org.officer, breach=breach)).messages == [
        SEND_ONLY
    ]

    services.breach_send_to_court(by=yot.manager, breach=breach)

    assert refreshed(breach).status == "sent_to_court"
    assert [step for step, *_ in steps(breach)] == ["initiated", "submitted", "signed_off", "sent_to_court"]


def test_the_manager_sends_back_and_the_officer_prepares_version_2(breaching):
    org = breaching.org
    breach = nps_breach(breaching)
    first = submit(breach)

    returned = services.breach_return(by=org.manager, breach=breach, note="  Add the warning letter's date.  ")

    assert (returned.pk, returned.returned_at, returned.returned_note, returned.superseded_at) == (
        first.pk,
        NOW,
        "Add the warning letter's date.",
        NOW,
    )
    assert (returned.signed_off_at, returned.signed_off_by) == (None, None)
    breach = refreshed(breach)
    assert (breach.status, breach.statement, breach.proposal) == ("draft", STATEMENT, PROPOSAL)

    prepare(breach, statement="A fuller statement with the warning dated 3 November 2026.")
    second = services.breach_submit(by=org.officer, breach=breach)

    assert (second.version, second.statement) == (2, "A fuller statement with the warning dated 3 November 2026.")
    assert list(BreachPack.objects.filter(breach=breach).values_list("version", "statement")) == [
        (2, "A fuller statement with the warning dated 3 November 2026."),
        (1, STATEMENT),
    ]
    services.breach_sign_off(by=org.manager, breach=breach)
    assert BreachPack.objects.get(pk=second.pk).signed_off_by == org.manager
    assert BreachPack.objects.get(pk=first.pk).signed_off_by is None
    assert steps(breach)[1:] == [
        ("submitted", "olivia", 1, ""),
        ("returned", "maya", 1, "Add the warning letter's date."),
        ("submitted", "olivia", 2, ""),
        ("signed_off", "maya", 2, ""),
    ]


def test_the_nps_asks_the_crc_for_more_and_the_crc_refers_version_2(breaching):
    org = breaching.org
    breach = advance(crc_breach(breaching), "referred_to_nps")
    first = services.current_pack(breach)

    returned = services.breach_nps_request_more(
        by=org.officer, breach=breach, message="  The second warning letter is missing.  "
    )

    assert (returned.pk, returned.returned_at, returned.returned_note, returned.superseded_at) == (
        first.pk,
        NOW,
        "The second warning letter is missing.",
        NOW,
    )
    assert (returned.signed_off_by, returned.referred_to_nps_at) == (org.other_provider_manager, NOW)
    assert refreshed(breach).status == "draft"

    second = submit(breach)
    services.breach_sign_off(by=org.other_provider_manager, breach=breach)
    services.breach_refer_to_nps(by=org.other_provider_manager, breach=breach)
    services.breach_nps_accept(by=org.officer, breach=breach)
    services.breach_send_to_court(by=org.officer, breach=breach)

    assert second.version == 2
    assert list(BreachPack.objects.filter(breach=breach).values_list("version", "sent_to_court_at")) == [
        (2, NOW),
        (1, None),
    ]
    assert [(step, by, version) for step, by, version, _ in steps(breach)][4:] == [
        ("nps_requested_more", "olivia", 1),
        ("submitted", "bethan", 2),
        ("signed_off", "huw", 2),
        ("referred_to_nps", "huw", 2),
        ("nps_accepted", "olivia", 2),
        ("sent_to_court", "olivia", 2),
    ]


@pytest.mark.parametrize(
    ("kind", "status"),
    [("nps", status) for status in ("draft", "awaiting_sign_off", "signed_off", "sent_to_court")]
    + [
        ("crc", status)
        for status in (
            "draft",
            "awaiting_sign_off",
            "signed_off",
            "referred_to_nps",
            "accepted_by_nps",
            "sent_to_court",
        )
    ],
)
def test_a_breach_in_progress_can_be_withdrawn_with_a_reason(breaching, kind, status):
    breach = advance(breach_for(getattr(breaching, f"{kind}_case")), status)
    officer = breach.case.responsible_officer

    withdrawn = services.breach_withdraw(by=officer, breach=breach, reason="  Admitted to hospital on 24 November.  ")

    assert (withdrawn.status, withdrawn.withdrawn_reason, withdrawn.is_open) == (
        "withdrawn",
        "Admitted to hospital on 24 November.",
        False,
    )
    assert steps(breach)[-1] == ("withdrawn", officer.username, None, "Admitted to hospital on 24 November.")
    assert latest(refreshed(breach)).history_change_reason == "Breach withdrawn"


def test_a_manager_of_the_team_may_take_the_officers_steps(breaching):
    org = breaching.org
    breach = nps_breach(breaching)

    prepare(breach, by=org.manager)
    pack = services.breach_submit(by=org.manager, breach=breach)
    assert pack.prepared_by == org.manager
    # The manager prepared this version: another manager of the team signs it off.
    assert refused(lambda: services.breach_sign_off(by=org.manager, breach=breach)).messages == [PREPARED_IT]
    deputy = factories.ManagerFactory(username="dee", team=org.team_a)
    services.breach_sign_off(by=deputy, breach=breach)
    services.breach_send_to_court(by=org.manager, breach=breach)
    services.breach_start_new_version(by=org.manager, breach=breach, reason="Wrong hearing centre.")
    services.breach_withdraw(by=org.manager, breach=breach, reason="Order revoked on appeal.")

    assert [(step, by) for step, by, *_ in steps(breach)] == [
        ("initiated", "olivia"),
        ("submitted", "maya"),
        ("signed_off", "dee"),
        ("sent_to_court", "maya"),
        ("new_version", "maya"),
        ("withdrawn", "maya"),
    ]


def test_the_preparer_may_still_send_the_version_back(breaching):
    """Only signing off is barred to the manager who prepared the version."""
    org = breaching.org
    breach = nps_breach(breaching)
    prepare(breach, by=org.manager)
    services.breach_submit(by=org.manager, breach=breach)

    services.breach_return(by=org.manager, breach=breach, note="I will redo the proposal.")

    assert refreshed(breach).status == "draft"


# Every step from every other status -----------------------------------------------------------------------------

ACTIONS = {
    "update_draft": "change the pack",
    "submit": "submit the pack",
    "sign_off": "sign off the pack",
    "return": "send the pack back",
    "refer_to_nps": "refer the breach to the NPS",
    "nps_accept": "accept the referral",
    "nps_request_more": "ask for more information",
    "send_to_court": "send the pack to court",
    "start_new_version": "start a corrected version",
    "record_outcome": "record the court's outcome",
    "withdraw": "withdraw the breach",
}
ALLOWED_FROM = {
    "update_draft": {"draft", "returned"},
    "submit": {"draft", "returned"},
    "sign_off": {"awaiting_sign_off"},
    "return": {"awaiting_sign_off"},
    "refer_to_nps": {"signed_off"},
    "nps_accept": {"referred_to_nps"},
    "nps_request_more": {"referred_to_nps"},
    "send_to_court": {"signed_off", "accepted_by_nps"},
    "start_new_version": {"sent_to_court"},
    "record_outcome": {"sent_to_court"},
    "withdraw": {
        "draft",
        "returned",
        "awaiting_sign_off",
        "signed_off",
        "referred_to_nps",
        "accepted_by_nps",
        "sent_to_court",
    },
}
NPS_STATUSES = [
    "draft",
    "returned",
    "awaiting_sign_off",
    "signed_off",
    "sent_to_court",
    "outcome_recorded",
    "withdrawn",
]
CRC_STATUSES = [
    "draft",
    "awaiting_sign_off",
    "signed_off",
    "referred_to_nps",
    "accepted_by_nps",
    "sent_to_court",
    "outcome_recorded",
    "withdrawn",
]


def breach_at(breaching, kind: str, status: str) -> Breach:
    """A breach of the `kind` case at `status`. "returned": draft again, version 1 sent back by the manager. A CRC's
    breach is withdrawn once accepted by the NPS; an NPS case's, at draft."""
    breach = breach_for(getattr(breaching, f"{kind}_case"))
    if status == "returned":
        advance(breach, "awaiting_sign_off")
        services.breach_return(by=manager_of(breach), breach=breach, note="Redo it.")
        return refreshed(breach)
    if status == "withdrawn" and kind == "crc":
        advance(breach, "accepted_by_nps")
    return advance(refreshed(breach), status)


def take(step: str, breach: Breach):
    """Take `step` as someone allowed to take it on this case, with good input."""
    org_officer = breach.case.responsible_officer
    nps = breach_setup.nps_staff(breach)
    calls = {
        "update_draft": lambda: services.breach_update_draft(
            by=org_officer, breach=breach, statement="New words.", proposal="New proposal.", court=breach.court_id
        ),
        "submit": lambda: services.breach_submit(by=org_officer, breach=breach),
        "sign_off": lambda: services.breach_sign_off(by=manager_of(breach), breach=breach, note="Fine."),
        "return": lambda: services.breach_return(by=manager_of(breach), breach=breach, note="Add the letter."),
        "refer_to_nps": lambda: services.breach_refer_to_nps(by=org_officer, breach=breach),
        "nps_accept": lambda: services.breach_nps_accept(by=nps, breach=breach),
        "nps_request_more": lambda: services.breach_nps_request_more(by=nps, breach=breach, message="More."),
        "send_to_court": lambda: services.breach_send_to_court(
            by=nps if breach_setup.is_crc(breach) else org_officer, breach=breach
        ),
        "start_new_version": lambda: services.breach_start_new_version(
            by=org_officer, breach=breach, reason="Wrong date."
        ),
        "record_outcome": lambda: services.breach_record_outcome(
            by=org_officer, breach=breach, hearing_on=TODAY, outcome="fine"
        ),
        "withdraw": lambda: services.breach_withdraw(by=org_officer, breach=breach, reason="In hospital."),
    }
    return calls[step]()


def wrong_statuses(kind: str, statuses: list[str]) -> list:
    cases = []
    for step, allowed in ALLOWED_FROM.items():
        for status in statuses:
            if status in allowed:
                continue
            if kind == "nps" and step == "refer_to_nps":
                continue  # an NPS case is never referred, whatever its status (below)
            if kind == "crc" and step == "send_to_court" and status == "signed_off":
                continue  # a CRC's signed-off pack goes to the NPS first (below)
            cases.append(pytest.param(kind, step, status, id=f"{kind}-{step}-from-{status}"))
    return cases


@pytest.mark.parametrize(
    ("kind", "step", "status"), wrong_statuses("nps", NPS_STATUSES) + wrong_statuses("crc", CRC_STATUSES)
)
def test_a_step_from_the_wrong_status_is_refused(breaching, kind, step, status):
    breach = breach_at(breaching, kind, status)
    shown = "draft" if status == "returned" else status

    error = refused(lambda: take(step, breach))

    assert error.messages == [f"You cannot {ACTIONS[step]}: {AT[shown]}"]


@pytest.mark.parametrize("status", NPS_STATUSES)
def test_an_nps_case_is_never_referred_to_the_nps(breaching, status):
    breach = breach_at(breaching, "nps", status)

    for who in (breaching.org.officer, breaching.org.manager):
        error = refused(lambda who=who: services.breach_refer_to_nps(by=who, breach=breach))
        assert error.messages == [NOT_A_CRC]


def test_a_crc_case_goes_to_the_nps_before_the_court(breaching):
    org = breaching.org
    breach = advance(crc_breach(breaching), "signed_off")

    assert refused(lambda: services.breach_send_to_court(by=org.officer, breach=breach)).messages == [
        CRC_GOES_TO_NPS_FIRST
    ]
    assert refused(lambda: services.breach_send_to_court(by=org.other_provider_officer, breach=breach)).messages == [
        SEND_ONLY_NPS
    ]


# Who may take each step -----------------------------------------------------------------------------------------


def someone(breaching, who: str):
    if who == "other_region_nps_officer":
        region = factories.RegionFactory(name="Wales")
        provider = factories.ProviderFactory(name="NPS Wales", code="N07", region=region)
        return factories.OfficerFactory(username="gwen", team=factories.TeamFactory(provider=provider))
    if who == "other_team_manager":
        return factories.ManagerFactory(username="ozzie", team=breaching.org.team_a2)
    if who == "inactive_officer":
        officer = breaching.org.officer
        officer.is_active = False
        officer.save()
        return officer
    if who == "court_user":
        return breaching.court_user
    return getattr(breaching.org, who)


NOT_THE_PREPARERS = [
    "colleague",
    "other_team_officer",
    "other_team_manager",
    "other_provider_officer",
    "other_provider_manager",
    "upw",
    "court_user",
    "administrator",
    "inactive_officer",
]


@pytest.mark.parametrize("who", NOT_THE_PREPARERS)
def test_only_the_officer_or_a_manager_of_the_team_prepares_submits_corrects_and_withdraws(breaching, who):
    breach = nps_breach(breaching)
    prepare(breach)
    user = someone(breaching, who)

    assert refused(
        lambda: services.breach_update_draft(
            by=user, breach=breach, statement="Mine.", proposal="Mine.", court=breaching.court
        )
    ).messages == [PREPARE_ONLY]
    assert refused(lambda: services.breach_submit(by=user, breach=breach)).messages == [SUBMIT_ONLY]
    assert refused(lambda: services.breach_withdraw(by=user, breach=breach, reason="Mine.")).messages == [WITHDRAW_ONLY]

    if who == "inactive_officer":
        user.is_active = True
        user.save()
    advance(breach, "sent_to_court")
    if who == "inactive_officer":
        user.is_active = False
        user.save()
    assert refused(lambda: services.breach_start_new_version(by=user, breach=breach, reason="Mine.")).messages == [
        CORRECT_ONLY
    ]
    assert refused(
        lambda: services.breach_record_outcome(by=user, breach=breach, hearing_on=TODAY, outcome="fine")
    ).messages == [OUTCOME_ONLY]
    assert refused(lambda: services.breach_withdraw(by=user, breach=breach, reason="Mine.")).messages == [WITHDRAW_ONLY]


@pytest.mark.parametrize(
    "who", ["officer", "colleague", "other_team_manager", "other_provider_manager", "court_user", "administrator"]
)
def test_only_a_manager_of_the_team_signs_off_or_sends_back(breaching, who):
    breach = advance(nps_breach(breaching), "awaiting_sign_off")
    user = someone(breaching, who)

    assert refused(lambda: services.breach_sign_off(by=user, breach=breach)).messages == [SIGN_OFF_ONLY]
    assert refused(lambda: services.breach_return(by=user, breach=breach, note="No.")).messages == [RETURN_ONLY]


def test_a_crc_manager_signs_off_a_crc_case_and_an_nps_manager_may_not(breaching):
    org = breaching.org
    breach = advance(crc_breach(breaching), "awaiting_sign_off")

    assert refused(lambda: services.breach_sign_off(by=org.manager, breach=breach)).messages == [SIGN_OFF_ONLY]
    services.breach_sign_off(by=org.other_provider_manager, breach=breach)
    assert refreshed(breach).status == "signed_off"


def test_the_manager_who_prepared_the_version_cannot_sign_it_off_even_after_it_is_sent_back(breaching):
    org = breaching.org
    breach = nps_breach(breaching)
    prepare(breach, by=org.manager)
    services.breach_submit(by=org.manager, breach=breach)
    services.breach_return(by=org.manager, breach=breach, note="Redo.")
    # Version 2, prepared by the officer: the manager may sign it off.
    submit(breach)

    services.breach_sign_off(by=org.manager, breach=breach)

    assert services.current_pack(breach).version == 2
    assert services.current_pack(breach).signed_off_by == org.manager


@pytest.mark.parametrize("who", ["colleague", "other_provider_manager", "court_user", "administrator"])
def test_only_the_officer_or_a_manager_of_the_crc_team_refers(breaching, who):
    breach = advance(crc_breach(breaching), "signed_off")
    user = someone(breaching, who)
    if who == "other_provider_manager":  # the CRC's own manager may refer
        services.breach_refer_to_nps(by=user, breach=breach)
        assert refreshed(breach).status == "referred_to_nps"
        return

    assert refused(lambda: services.breach_refer_to_nps(by=user, breach=breach)).messages == [REFER_ONLY]


@pytest.mark.parametrize(
    "who",
    [
        "other_provider_officer",
        "other_provider_manager",
        "upw",
        "court_user",
        "administrator",
        "other_region_nps_officer",
        "inactive_officer",
    ],
)
def test_only_nps_staff_of_the_region_accept_or_ask_for_more(breaching, who):
    breach = advance(crc_breach(breaching), "referred_to_nps")
    user = someone(breaching, who)

    assert refused(lambda: services.breach_nps_accept(by=user, breach=breach)).messages == [ACCEPT_ONLY]
    assert refused(lambda: services.breach_nps_request_more(by=user, breach=breach, message="More.")).messages == [
        REQUEST_MORE_ONLY
    ]


@pytest.mark.parametrize("who", ["officer", "colleague", "manager", "other_team_officer"])
def test_any_nps_officer_or_manager_of_the_region_accepts(breaching, who):
    breach = advance(crc_breach(breaching), "referred_to_nps")

    services.breach_nps_accept(by=someone(breaching, who), breach=breach)

    assert refreshed(breach).status == "accepted_by_nps"


@pytest.mark.parametrize(
    "who", ["other_provider_officer", "other_provider_manager", "other_region_nps_officer", "court_user", "upw"]
)
def test_only_nps_staff_of_the_region_send_a_crc_case_to_court(breaching, who):
    breach = advance(crc_breach(breaching), "accepted_by_nps")

    error = refused(lambda: services.breach_send_to_court(by=someone(breaching, who), breach=breach))

    assert error.messages == [SEND_ONLY_NPS]


@pytest.mark.parametrize("who", ["colleague", "other_team_officer", "other_provider_manager", "court_user"])
def test_only_the_officer_or_a_manager_of_the_team_sends_an_nps_case_to_court(breaching, who):
    breach = advance(nps_breach(breaching), "signed_off")

    error = refused(lambda: services.breach_send_to_court(by=someone(breaching, who), breach=breach))

    assert error.messages == [SEND_ONLY]
    services.breach_send_to_court(by=breaching.org.manager, breach=breach)


@pytest.mark.parametrize("who", ["upw", "other_region_nps_officer", "court_user", "administrator"])
def test_who_may_record_the_outcome_of_a_crc_case(breaching, who):
    breach = advance(crc_breach(breaching), "sent_to_court")

    error = refused(
        lambda: services.breach_record_outcome(
            by=someone(breaching, who), breach=breach, hearing_on=TODAY, outcome="fine"
        )
    )

    assert error.messages == [OUTCOME_ONLY]


def test_who_may_is_checked_before_the_status(breaching):
    breach = advance(nps_breach(breaching), "outcome_recorded")
    colleague = breaching.org.colleague

    assert refused(lambda: services.breach_submit(by=colleague, breach=breach)).messages == [SUBMIT_ONLY]
    assert refused(lambda: services.breach_sign_off(by=colleague, breach=breach)).messages == [SIGN_OFF_ONLY]
    assert refused(lambda: services.breach_withdraw(by=colleague, breach=breach, reason="")).messages == [WITHDRAW_ONLY]


def test_steps_allowed(breaching):
    org = breaching.org
    nps = nps_breach(breaching)
    crc = crc_breach(breaching)

    assert services.steps_allowed(org.officer, nps) == ["update_draft", "submit", "withdraw"]
    assert services.steps_allowed(org.colleague, nps) == []
    advance(nps, "awaiting_sign_off")
    assert services.steps_allowed(org.manager, refreshed(nps)) == ["sign_off", "return", "withdraw"]
    assert services.steps_allowed(org.officer, refreshed(nps)) == ["withdraw"]
    advance(crc, "signed_off")
    assert services.steps_allowed(org.other_provider_officer, refreshed(crc)) == ["refer_to_nps", "withdraw"]
    assert services.steps_allowed(org.officer, refreshed(crc)) == []
    services.breach_refer_to_nps(by=org.other_provider_officer, breach=crc)
    assert services.steps_allowed(org.officer, refreshed(crc)) == ["nps_accept", "nps_request_more"]
    assert services.steps_allowed(org.other_provider_officer, refreshed(crc)) == ["withdraw"]
    services.breach_nps_accept(by=org.officer, breach=crc)
    assert services.steps_allowed(org.colleague, refreshed(crc)) == ["send_to_court"]
    services.breach_send_to_court(by=org.colleague, breach=crc)
    assert services.steps_allowed(org.officer, refreshed(crc)) == ["record_outcome"]
    assert services.steps_allowed(org.other_provider_officer, refreshed(crc)) == [
        "start_new_version",
        "record_outcome",
        "withdraw",
    ]


# Bad input --------------------------------------------------------------------------------------------------------


def test_a_pack_needs_a_statement_a_proposal_and_a_court_to_be_submitted(breaching):
    case = community_case(breaching.org.officer)  # no hearing recorded: no court to default to
    breach = breach_for(case)
    assert breach.court is None

    error = refused(lambda: services.breach_submit(by=breaching.org.officer, breach=breach))

    assert error.message_dict == {
        "statement": ["Write your statement to the court before submitting the pack."],
        "proposal": ["Write your proposal to the court before submitting the pack."],
        "court": ["Choose the court the pack goes to before submitting it."],
    }
    assert not BreachPack.objects.exists()


def test_a_blank_statement_is_saved_blank_and_refused_at_submission(breaching):
    breach = nps_breach(breaching)
    services.breach_update_draft(
        by=breaching.org.officer, breach=breach, statement="   ", proposal=PROPOSAL, court=breaching.court
    )

    error = refused(lambda: services.breach_submit(by=breaching.org.officer, breach=breach))

    assert error.message_dict == {"statement": ["Write your statement to the court before submitting the pack."]}


def test_the_draft_is_checked_field_by_field(breaching):
    breach = nps_breach(breaching)

    error = refused(
        lambda: services.breach_update_draft(
            by=breaching.org.officer, breach=breach, statement="x" * 10_001, proposal="y" * 10_001, court=None
        )
    )

    assert error.message_dict == {
        "statement": ["The statement must be 10,000 characters or fewer."],
        "proposal": ["The proposal must be 10,000 characters or fewer."],
        "court": ["Choose the court the pack goes to."],
    }
    services.breach_update_draft(
        by=breaching.org.officer, breach=breach, statement="x" * 10_000, proposal="y" * 10_000, court=breaching.court
    )
    assert len(refreshed(breach).statement) == 10_000


def test_the_court_must_be_an_active_court(breaching):
    breach = nps_breach(breaching)
    closed = factories.CourtFactory(region=breaching.org.region, active=False)

    for court in (closed, closed.pk, 999_999):
        error = refused(
            lambda court=court: services.breach_update_draft(
                by=breaching.org.officer, breach=breach, statement=STATEMENT, proposal=PROPOSAL, court=court
            )
        )
        assert error.message_dict == {"court": ["Choose a court from the list."]}
    services.breach_update_draft(
        by=breaching.org.officer, breach=breach, statement=STATEMENT, proposal=PROPOSAL, court=breaching.other_court.pk
    )
    assert refreshed(breach).court == breaching.other_court


def test_a_pack_cannot_be_submitted_to_a_court_that_has_closed(breaching):
    """The sentencing court closed after the breach started (its default court): the officer must choose another,
    as the draft form asks; court users of a closed court see no packs (enforcement.selectors.breach)."""
    breach = prepare(nps_breach(breaching))
    breaching.court.active = False
    breaching.court.save()

    # A version frozen for a closed court would reach no court user.
    error = refused(lambda: services.breach_submit(by=breaching.org.officer, breach=breach))

    assert set(error.message_dict) == {"court"}


@pytest.mark.parametrize("note", ["", "   "])
def test_sending_back_needs_a_note(breaching, note):
    breach = advance(nps_breach(breaching), "awaiting_sign_off")

    error = refused(lambda: services.breach_return(by=breaching.org.manager, breach=breach, note=note))

    assert error.message_dict == {"note": ["Say what needs to change in the pack."]}


def test_notes_have_a_length_limit(breaching):
    breach = advance(nps_breach(breaching), "awaiting_sign_off")
    manager = breaching.org.manager
    too_long = {"note": ["The note must be 4,000 characters or fewer."]}

    assert refused(lambda: services.breach_return(by=manager, breach=breach, note="x" * 4001)).message_dict == too_long
    assert (
        refused(lambda: services.breach_sign_off(by=manager, breach=breach, note="x" * 4001)).message_dict == too_long
    )
    services.breach_sign_off(by=manager, breach=breach, note="x" * 4000)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("", "Say what more information the NPS needs."),
        ("  ", "Say what more information the NPS needs."),
        ("x" * 4001, "The message must be 4,000 characters or fewer."),
    ],
)
def test_the_nps_says_what_more_it_needs(breaching, message, expected):
    breach = advance(crc_breach(breaching), "referred_to_nps")

    error = refused(lambda: services.breach_nps_request_more(by=breaching.org.officer, breach=breach, message=message))

    assert error.message_dict == {"message": [expected]}


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("", "Say what the corrected version changes."),
        (" \n ", "Say what the corrected version changes."),
        ("x" * 4001, "The reason must be 4,000 characters or fewer."),
    ],
)
def test_a_corrected_version_says_what_it_changes(breaching, reason, expected):
    breach = advance(nps_breach(breaching), "sent_to_court")

    error = refused(lambda: services.breach_start_new_version(by=breaching.org.officer, breach=breach, reason=reason))

    assert error.message_dict == {"reason": [expected]}


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("", "Say why the breach is withdrawn."),
        ("   ", "Say why the breach is withdrawn."),
        ("x" * 4001, "The reason must be 4,000 characters or fewer."),
    ],
)
def test_a_withdrawal_says_why(breaching, reason, expected):
    breach = nps_breach(breaching)

    error = refused(lambda: services.breach_withdraw(by=breaching.org.officer, breach=breach, reason=reason))

    assert error.message_dict == {"reason": [expected]}


def test_a_corrected_version_starts_with_its_reason(breaching):
    breach = advance(nps_breach(breaching), "sent_to_court")

    corrected = services.breach_start_new_version(
        by=breaching.org.officer, breach=breach, reason="  The court needs the appointment letters.  "
    )

    assert corrected.status == "draft"
    assert steps(breach)[-1] == ("new_version", "olivia", 1, "The court needs the appointment letters.")
    pack = services.current_pack(breach)
    assert (pack.version, pack.sent_to_court_at, pack.superseded_at) == (1, NOW, None)


def sent_on_the_25th_and_heard_later(breaching) -> Breach:
    """Sent to court today; the rest happens on Wednesday 2 December 2026."""
    return advance(nps_breach(breaching), "sent_to_court")


@pytest.mark.parametrize(
    ("hearing_on", "outcome", "details", "errors"),
    [
        (date(2026, 12, 3), "fine", "", {"hearing_on": ["The date of the hearing cannot be in the future."]}),
        (
            date(2026, 11, 24),
            "fine",
            "",
            {"hearing_on": ["The date of the hearing cannot be before the pack was sent to court (25 November 2026)."]},
        ),
        (None, "fine", "", {"hearing_on": ["Enter the date of the hearing."]}),
        (date(2026, 12, 1), "order_amended", "  ", {"details": ["Say how the court amended the order."]}),
        (
            date(2026, 12, 1),
            "order_amended",
            "x" * 4001,
            {"details": ["The details must be 4,000 characters or fewer."]},
        ),
        (date(2026, 12, 1), "custody", "", {"outcome": ["Choose the court's outcome."]}),
        (date(2026, 12, 1), "", "", {"outcome": ["Choose the court's outcome."]}),
        (
            date(2026, 12, 9),
            "revoke",
            "",
            {
                "outcome": ["Choose the court's outcome."],
                "hearing_on": ["The date of the hearing cannot be in the future."],
            },
        ),
    ],
)
def test_the_outcome_is_checked(breaching, hearing_on, outcome, details, errors):
    breach = sent_on_the_25th_and_heard_later(breaching)

    with time_machine.travel(datetime(2026, 12, 2, 15, 0, tzinfo=LONDON), tick=False):
        error = refused(
            lambda: services.breach_record_outcome(
                by=breaching.org.officer, breach=breach, hearing_on=hearing_on, outcome=outcome, details=details
            )
        )

    assert error.message_dict == errors


@pytest.mark.parametrize("hearing_on", [date(2026, 11, 25), date(2026, 12, 2)])
def test_the_hearing_may_be_on_the_day_the_pack_was_sent_or_today(breaching, hearing_on):
    breach = sent_on_the_25th_and_heard_later(breaching)

    with time_machine.travel(datetime(2026, 12, 2, 15, 0, tzinfo=LONDON), tick=False):
        services.breach_record_outcome(
            by=breaching.org.officer, breach=breach, hearing_on=hearing_on, outcome="revoked_and_resentenced"
        )

    breach = refreshed(breach)
    assert (breach.hearing_on, breach.outcome, breach.outcome_details) == (hearing_on, "revoked_and_resentenced", "")
    assert BreachStep.objects.filter(breach=breach, step="outcome").get().on == hearing_on


def test_the_hearing_cannot_be_before_the_first_version_was_sent(breaching):
    """A corrected version sent later does not move the earliest hearing date."""
    breach = sent_on_the_25th_and_heard_later(breaching)
    with time_machine.travel(datetime(2026, 11, 30, 11, 0, tzinfo=LONDON), tick=False):
        services.breach_start_new_version(by=breaching.org.officer, breach=breach, reason="Add the letters.")
        advance(refreshed(breach), "sent_to_court")

    with time_machine.travel(datetime(2026, 12, 2, 15, 0, tzinfo=LONDON), tick=False):
        services.breach_record_outcome(
            by=breaching.org.officer, breach=breach, hearing_on=date(2026, 11, 26), outcome="order_continues"
        )

    assert refreshed(breach).hearing_on == date(2026, 11, 26)


# Steps recorded late ----------------------------------------------------------------------------------------------


def decided_on_monday(breaching, case=None) -> Breach:
    """The breach decided on Monday 23 November 2026 (the day of the failure), at 15:00."""
    with time_machine.travel(datetime(2026, 11, 23, 15, 0, tzinfo=LONDON), tick=False):
        return breach_for(case or breaching.nps_case)


def test_a_step_recorded_late_takes_its_day(breaching):
    org = breaching.org
    breach = decided_on_monday(breaching)
    prepare(breach)
    tuesday = date(2026, 11, 24)

    pack = services.breach_submit(by=org.officer, breach=breach, on=tuesday)
    services.breach_sign_off(by=org.manager, breach=breach, on=tuesday)
    services.breach_send_to_court(by=org.officer, breach=breach, on=tuesday)

    pack = BreachPack.objects.get(pk=pack.pk)
    at_tuesday = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)
    assert (pack.prepared_at, pack.signed_off_at, pack.sent_to_court_at) == (at_tuesday, at_tuesday, at_tuesday)
    assert pack.content["assembled_at"] == "2026-11-24T10:00:00+00:00"
    assert list(BreachStep.objects.filter(breach=breach).values_list("step", "on", "at")) == [
        ("initiated", date(2026, 11, 23), datetime(2026, 11, 23, 15, 0, tzinfo=LONDON)),
        ("submitted", tuesday, at_tuesday),
        ("signed_off", tuesday, at_tuesday),
        ("sent_to_court", tuesday, at_tuesday),
    ]
    error = refused(
        lambda: services.breach_record_outcome(
            by=org.officer, breach=breach, hearing_on=date(2026, 11, 23), outcome="fine"
        )
    )
    assert error.message_dict == {
        "hearing_on": ["The date of the hearing cannot be before the pack was sent to court (24 November 2026)."]
    }


def test_a_pack_recorded_late_lists_only_what_had_happened_by_its_day(breaching):
    org = breaching.org
    breach = decided_on_monday(breaching)
    later = failure(breaching.nps_case, date(2026, 11, 25))  # today, after the day the pack was prepared
    prepare(breach)

    pack = services.breach_submit(by=org.officer, breach=breach, on=date(2026, 11, 24))

    assert [item["failed_on"] for item in pack.content["failures"]] == ["2026-11-02", "2026-11-23"]
    assert later.failed_on == TODAY


@pytest.mark.parametrize(
    ("step", "on", "expected"),
    [
        ("submit", date(2026, 11, 26), "The date cannot be in the future."),
        ("submit", date(2026, 11, 22), "The date cannot be before the breach's previous step (23 November 2026)."),
        ("sign_off", date(2026, 11, 23), "The date cannot be before the breach's previous step (24 November 2026)."),
        ("withdraw", date(2026, 11, 23), "The date cannot be before the breach's previous step (24 November 2026)."),
    ],
)
def test_a_step_cannot_be_dated_in_the_future_or_before_the_previous_step(breaching, step, on, expected):
    org = breaching.org
    breach = decided_on_monday(breaching)
    prepare(breach)
    if step != "submit":
        services.breach_submit(by=org.officer, breach=breach, on=date(2026, 11, 24))
    calls = {
        "submit": lambda: services.breach_submit(by=org.officer, breach=breach, on=on),
        "sign_off": lambda: services.breach_sign_off(by=org.manager, breach=breach, on=on),
        "withdraw": lambda: services.breach_withdraw(by=org.officer, breach=breach, reason="In hospital.", on=on),
    }

    error = refused(calls[step])

    assert error.message_dict == {"on": [expected]}


def test_a_step_can_be_dated_before_a_further_failure_joined_the_breach(breaching):
    org = breaching.org
    breach = decided_on_monday(breaching)
    third = failure(breaching.nps_case, date(2026, 11, 24))
    failure_decide(by=org.officer, failure=third, decision="breach")  # joins the breach today
    prepare(breach)

    services.breach_submit(by=org.officer, breach=breach, on=date(2026, 11, 24))

    assert BreachStep.objects.get(breach=breach, step="submitted").on == date(2026, 11, 24)


# Starting the breach ----------------------------------------------------------------------------------------------


def test_breach_action_starts_the_breach_on_the_order(breaching):
    org = breaching.org
    case = breaching.nps_case

    breach = breach_for(case)

    second = case.compliance_failures.get(failed_on=date(2026, 11, 23))
    assert (
        breach.case,
        breach.sentence,
        breach.failure,
        breach.court,
        breach.status,
        breach.aware_on,
        breach.initiated_by,
        breach.hearing_on,
        breach.outcome,
    ) == (case, case.sentences.get(), second, breaching.court, "draft", date(2026, 11, 23), org.officer, None, "")
    assert Breach.objects.count() == 1
    assert str(breach) == "Breach of community order (aware 23 November 2026)"
    assert steps(breach) == [("initiated", "olivia", None, "No explanation given for the absence.")]
    assert BreachStep.objects.get().on == TODAY
    entry = breach.history.get()
    assert (entry.history_user, entry.history_change_reason) == (org.officer, "Breach action decided")


def test_the_breach_is_aware_from_the_failure_not_the_decision(breaching):
    breach = breach_for(breaching.nps_case, first_on=date(2026, 10, 5), second_on=date(2026, 11, 9))

    assert (breach.aware_on, BreachStep.objects.get().on) == (date(2026, 11, 9), TODAY)


def test_the_court_is_the_sentencing_court_else_the_latest_hearing(breaching):
    org = breaching.org
    case = community_case(org.officer)
    factories.CourtAppearanceFactory(case=case, court=breaching.other_court, appearance_date=date(2026, 1, 5))
    latest_court = factories.CourtFactory(region=org.region, name="Bolton Magistrates' Court")
    factories.CourtAppearanceFactory(case=case, court=latest_court, appearance_date=date(2026, 2, 16))

    breach = breach_for(case)

    assert breach.court == latest_court


def test_the_sentencing_court_wins_over_a_later_hearing(breaching):
    factories.CourtAppearanceFactory(
        case=breaching.nps_case, court=breaching.other_court, appearance_date=date(2026, 10, 1)
    )

    assert breach_for(breaching.nps_case).court == breaching.court


def test_a_further_breach_decision_joins_the_breach_in_progress(breaching):
    org = breaching.org
    case = breaching.nps_case
    breach = breach_for(case)
    first_pack = submit(breach)
    services.breach_return(by=org.manager, breach=breach, note="Wait for Friday's appointment.")
    third = failure(case, date(2026, 11, 24))

    joined = failure_decide(by=org.manager, failure=third, decision="breach", reason="Missed again.")

    assert joined.decision == "breach"
    assert Breach.objects.count() == 1
    assert refreshed(breach).failure.failed_on == date(2026, 11, 23)
    assert steps(breach)[-1] == (
        "failure_added",
        "maya",
        None,
        "Unacceptable absence on 24 November 2026 — listed in the next pack.",
    )
    assert [item["failed_on"] for item in first_pack.content["failures"]] == ["2026-11-02", "2026-11-23"]
    second_pack = services.breach_submit(by=org.officer, breach=breach)
    assert [(item["failed_on"], item["decision"], item["evidence"]) for item in second_pack.content["failures"]] == [
        ("2026-11-02", "First warning letter", ""),
        ("2026-11-23", "Breach action", "No explanation given for the absence."),
        ("2026-11-24", "Breach action", "Missed again."),
    ]


def test_a_breach_decision_while_the_pack_is_at_court_joins_it_too(breaching):
    org = breaching.org
    breach = advance(nps_breach(breaching), "sent_to_court")
    third = failure(breaching.nps_case, date(2026, 11, 24))

    failure_decide(by=org.officer, failure=third, decision="breach")

    assert Breach.objects.get() == breach
    assert refreshed(breach).status == "sent_to_court"
    assert [step for step, *_ in steps(breach)][-1] == "failure_added"


@pytest.mark.parametrize("ended", ["outcome_recorded", "withdrawn"])
def test_after_the_breach_ends_a_new_one_can_start_on_the_order(breaching, ended):
    org = breaching.org
    case = breaching.nps_case
    first = advance(nps_breach(breaching), ended)
    later = failure(case, date(2026, 11, 24))

    failure_decide(by=org.officer, failure=later, decision="breach", reason="Missed again after the hearing.")

    second = Breach.objects.exclude(pk=first.pk).get()
    assert (second.sentence, second.failure, second.status, second.aware_on, second.court) == (
        case.sentences.get(),
        later,
        "draft",
        date(2026, 11, 24),
        breaching.court,
    )
    assert steps(second) == [("initiated", "olivia", None, "Missed again after the hearing.")]
    assert refreshed(first).status == ended
    assert [step for step, *_ in steps(first)][-1] != "failure_added"


def test_only_a_breach_decision_on_an_order_starts_a_breach(breaching):
    warned = failure(breaching.nps_case, date(2026, 11, 23))
    failure_decide(by=breaching.org.officer, failure=warned, decision="first_warning")

    error = refused(lambda: services.breach_initiate(by=breaching.org.officer, failure=warned))

    assert error.messages == ["Only a failure decided as breach action on an order starts a breach."]


def test_a_licence_is_never_breached(breaching):
    case = licence_case(breaching.org.officer)
    made = failure(case, date(2026, 11, 24))

    error = refused(lambda: failure_decide(by=breaching.org.officer, failure=made, decision="breach"))

    assert error.message_dict == {
        "decision": ["Breach is for orders and for post-sentence supervision: someone on licence is recalled instead."]
    }
    assert not Breach.objects.exists()


# Packs ---------------------------------------------------------------------------------------------------------


def test_the_pack_is_assembled_from_the_record(breaching):
    case = breaching.nps_case
    sentence = case.sentences.get()
    factories.AddressFactory(
        person=case.person, line_1="12 Acacia Avenue", line_2="Flat 3", town="Stockport", postcode="SK1 3AB"
    )
    factories.RequirementFactory(sentence=sentence, rar_days_delivered=3, last_rar_activity_on=date(2026, 11, 9))
    factories.RequirementFactory(
        sentence=sentence,
        requirement_type=factories.requirement_type("unpaid_work"),
        hours=80,
        unpaid_work_minutes_credited=1950,
    )
    kept_appointment(case, date(2026, 11, 9))
    kept_appointment(case, date(2026, 11, 16), "acceptable_absence", absence_reason="medical")
    breach = breach_for(case)

    pack = submit(breach)

    assert pack.content == {
        "assembled_at": "2026-11-25T10:00:00+00:00",
        "person": {
            "name": "Casey Order",
            "crn": "X123456",
            "date_of_birth": "1990-05-17",
            "address": "12 Acacia Avenue, Flat 3, Stockport, SK1 3AB",
        },
        "case": {
            "id": case.pk,
            "provider": "NPS North West",
            "provider_type": "nps_division",
            "team": "Manchester North",
            "responsible_officer": "Olivia Okafor",
        },
        "court": {"name": "Stockport Magistrates' Court", "code": "B06SP"},
        "order": {
            "disposal": "Community order",
            "sentence_date": "2026-03-02",
            "length_months": 12,
            "start_date": "2026-03-02",
            "end_date": "2027-03-02",
            "released_on": "",
            "sentencing_court": "Stockport Magistrates' Court",
            "offences": "Theft from a shop (Theft Act 1968 s.1)",
        },
        "requirements": [
            {
                "name": "Rehabilitation activity requirement",
                "ordered": "Up to 20 days",
                "progress": "3 of 20 days delivered",
                "status": "Active",
                "outcome": "",
            },
            {
                "name": "Unpaid work",
                "ordered": "80 hours",
                "progress": "32 hours 30 minutes of 80 hours done",
                "status": "Active",
                "outcome": "",
            },
        ],
        "failures": [
            {
                "id": case.compliance_failures.get(failed_on=date(2026, 11, 2)).pk,
                "failed_on": "2026-11-02",
                "outcome": "Unacceptable absence",
                "details": "Office appointment at 10:00, Probation office",
                "source": "Appointment",
                "decision": "First warning letter",
                "decided_on": "2026-11-03",
                "decided_by": "Olivia Okafor",
                "evidence": "",
            },
            {
                "id": breach.failure_id,
                "failed_on": "2026-11-23",
                "outcome": "Unacceptable absence",
                "details": "Office appointment at 10:00, Probation office",
                "source": "Appointment",
                "decision": "Breach action",
                "decided_on": "2026-11-25",
                "decided_by": "Olivia Okafor",
                "evidence": "No explanation given for the absence.",
            },
        ],
        "warnings": [
            {
                "kind": "First warning",
                "issued_on": "2026-11-03",
                "issued_by": "Olivia Okafor",
                "failure_id": case.compliance_failures.get(failed_on=date(2026, 11, 2)).pk,
            }
        ],
        "appointments": {"total": 4, "kept": 1, "acceptable": 1},
        "aware_on": "2026-11-23",
    }
    assert BreachPack.objects.get().content == pack.content
    assert str(pack) == "Breach pack version 1"
    assert (pack.is_sent, pack.signed_off_at, pack.returned_at, pack.superseded_at) == (False, None, None, None)


def test_a_failure_waiting_for_a_decision_is_not_alleged(breaching):
    breach = nps_breach(breaching)
    failure(breaching.nps_case, date(2026, 11, 24))

    pack = submit(breach)

    # Only failures the officer has decided on are alleged: the one waiting is not in the pack.
    assert [row["failed_on"] for row in pack.content["failures"]] == ["2026-11-02", "2026-11-23"]


def test_a_version_keeps_the_record_as_it_stood(breaching):
    org = breaching.org
    case = breaching.nps_case
    breach = nps_breach(breaching)
    first = submit(breach)
    services.breach_return(by=org.manager, breach=breach, note="Spell the name as on the order.")
    case.person.first_name = "Kasey"
    case.person.save()

    with time_machine.travel(datetime(2026, 11, 26, 9, 30, tzinfo=LONDON), tick=False):
        second = submit(breach)

    assert BreachPack.objects.get(pk=first.pk).content["person"]["name"] == "Casey Order"
    assert (second.content["person"]["name"], second.content["assembled_at"]) == (
        "Kasey Order",
        "2026-11-26T09:30:00+00:00",
    )
    assert BreachPack.objects.get(pk=first.pk).content["assembled_at"] == "2026-11-25T10:00:00+00:00"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("content", lambda pack, breaching: {**pack.content, "person": {"name": "Somebody Else"}}),
        ("statement", lambda pack, breaching: "A better statement."),
        ("proposal", lambda pack, breaching: "Revoke the order."),
        ("version", lambda pack, breaching: 7),
        ("prepared_by", lambda pack, breaching: breaching.org.manager),
        ("prepared_at", lambda pack, breaching: NOW - timedelta(days=1)),
        ("breach", lambda pack, breaching: breach_for(breaching.crc_case)),
    ],
)
def test_a_version_never_changes(breaching, field, value):
    breach = nps_breach(breaching)
    pack = submit(breach)
    new_value = value(pack, breaching)
    before = state()

    for save in (
        lambda edited: edited.save(),
        lambda edited: save_with_history(edited, by=breaching.org.officer, reason="Edited"),
    ):
        edited = BreachPack.objects.get(pk=pack.pk)
        setattr(edited, field, new_value)
        with pytest.raises(ValidationError) as caught:
            save(edited)
        assert caught.value.messages == [FROZEN]

    assert state() == before


def test_a_nested_change_to_the_content_is_refused_too(breaching):
    pack = submit(nps_breach(breaching))
    pack = BreachPack.objects.get(pk=pack.pk)
    pack.content["failures"][0]["evidence"] = "Invented later."

    with pytest.raises(ValidationError) as caught:
        pack.save()

    assert caught.value.messages == [FROZEN]
    assert BreachPack.objects.get(pk=pack.pk).content["failures"][0]["evidence"] == ""


def test_the_workflow_fields_of_a_version_still_change(breaching):
    pack = submit(nps_breach(breaching))

    pack.returned_note = "Noted."
    pack.save()

    assert BreachPack.objects.get(pk=pack.pk).returned_note == "Noted."


def test_a_correction_at_court_is_version_2_superseding_version_1(breaching):
    org = breaching.org
    breach = nps_breach(breaching)
    first = at_court(breach)
    with time_machine.travel(datetime(2026, 11, 26, 11, 0, tzinfo=LONDON), tick=False):
        request = services.court_request_information(
            by=breaching.court_user, pack=first, message="Please attach the warning letter."
        )
    later = datetime(2026, 11, 27, 14, 0, tzinfo=LONDON)
    with time_machine.travel(later, tick=False):
        services.breach_start_new_version(by=org.officer, breach=breach, reason="Attach the warning letter.")
        prepare(breach, statement="The warning letter of 3 November 2026 is attached.")
        second = services.breach_submit(by=org.officer, breach=breach)
        assert BreachPack.objects.get(pk=first.pk).superseded_at is None  # still the version at court
        services.breach_sign_off(by=org.manager, breach=breach)
        sent = services.breach_send_to_court(by=org.officer, breach=breach)

    assert (second.version, sent.pk, sent.sent_to_court_at, sent.superseded_at) == (2, second.pk, later, None)
    first = BreachPack.objects.get(pk=first.pk)
    assert (first.sent_to_court_at, first.superseded_at, first.statement) == (NOW, later, STATEMENT)
    request.refresh_from_db()
    assert request.answered_by_pack == sent
    assert latest(request).history_change_reason == "Answered by version 2"
    assert latest(first).history_change_reason == "Superseded by version 2"
    assert steps(breach)[-5:] == [
        ("court_requested_more", "carys", 1, "Please attach the warning letter."),
        ("new_version", "olivia", 1, "Attach the warning letter."),
        ("submitted", "olivia", 2, ""),
        ("signed_off", "maya", 2, ""),
        ("sent_to_court", "olivia", 2, "To Stockport Magistrates' Court"),
    ]


def test_versions_are_unique_per_breach_in_the_database(breaching):
    breach = nps_breach(breaching)
    pack = submit(breach)
    other = breach_for(breaching.crc_case)
    fields = {
        "content": {},
        "statement": STATEMENT,
        "proposal": PROPOSAL,
        "prepared_by": breaching.org.officer,
        "prepared_at": NOW,
    }

    with pytest.raises(IntegrityError), transaction.atomic():
        BreachPack.objects.create(breach=breach, version=pack.version, **fields)
    BreachPack.objects.create(breach=other, version=1, **fields)

    assert list(BreachPack.objects.order_by("pk").values_list("breach", "version")) == [
        (breach.pk, 1),
        (other.pk, 1),
    ]


# Court users ------------------------------------------------------------------------------------------------------


def test_a_court_user_acknowledges_once(breaching):
    pack = at_court(nps_breach(breaching))

    acknowledged = services.court_acknowledge(by=breaching.court_user, pack=pack)
    assert (acknowledged.acknowledged_by, acknowledged.acknowledged_at) == (breaching.court_user, NOW)

    second_user = factories.CourtUserFactory(username="cerys", courts=[breaching.court])
    with time_machine.travel(datetime(2026, 11, 26, 9, 0, tzinfo=LONDON), tick=False):
        again = services.court_acknowledge(by=second_user, pack=pack)
        services.court_acknowledge(by=breaching.court_user, pack=pack)

    assert (again.acknowledged_by, again.acknowledged_at) == (breaching.court_user, NOW)
    stored = BreachPack.objects.get(pk=pack.pk)
    assert (stored.acknowledged_by, stored.acknowledged_at) == (breaching.court_user, NOW)
    assert [step for step, *_ in steps(pack.breach)].count("court_acknowledged") == 1
    assert steps(pack.breach)[-1] == ("court_acknowledged", "carys", 1, "")
    assert latest(stored).history_change_reason == "Acknowledged by the court"


@pytest.mark.parametrize("who", ["other_court_user", "officer", "manager", "administrator", "inactive"])
def test_only_a_court_user_of_the_pack_court_acknowledges_or_asks(breaching, who):
    pack = at_court(nps_breach(breaching))
    if who == "inactive":
        user = breaching.court_user
        user.is_active = False
        user.save()
    elif who == "other_court_user":
        user = breaching.other_court_user
    else:
        user = getattr(breaching.org, who)

    assert refused(lambda: services.court_acknowledge(by=user, pack=pack)).messages == [COURT_USER_ONLY]
    assert refused(
        lambda: services.court_request_information(by=user, pack=pack, message="What happened?")
    ).messages == [COURT_USER_ONLY]


def test_a_pack_not_sent_to_court_is_not_for_the_court(breaching):
    pack = submit(nps_breach(breaching))  # the pack names the court already, but is not sent

    assert refused(lambda: services.court_acknowledge(by=breaching.court_user, pack=pack)).messages == [COURT_USER_ONLY]
    assert refused(
        lambda: services.court_request_information(by=breaching.court_user, pack=pack, message="Anything?")
    ).messages == [COURT_USER_ONLY]


def test_a_court_user_of_the_court_it_was_sent_to_after_a_change_of_court(breaching):
    breach = nps_breach(breaching)
    prepare(breach, court=breaching.other_court)
    pack = at_court(breach)

    assert refused(lambda: services.court_acknowledge(by=breaching.court_user, pack=pack)).messages == [COURT_USER_ONLY]
    services.court_acknowledge(by=breaching.other_court_user, pack=pack)


def test_each_request_for_information_is_a_row(breaching):
    pack = at_court(nps_breach(breaching))

    first = services.court_request_information(
        by=breaching.court_user, pack=pack, message="  Which appointment letters were sent?  "
    )
    with time_machine.travel(datetime(2026, 11, 26, 9, 0, tzinfo=LONDON), tick=False):
        second = services.court_request_information(by=breaching.court_user, pack=pack, message="And the address?")

    assert list(
        CourtInformationRequest.objects.order_by("pk").values_list(
            "pack", "court", "message", "requested_by", "requested_at", "answered_by_pack"
        )
    ) == [
        (pack.pk, breaching.court.pk, "Which appointment letters were sent?", breaching.court_user.pk, NOW, None),
        (
            pack.pk,
            breaching.court.pk,
            "And the address?",
            breaching.court_user.pk,
            datetime(2026, 11, 26, 9, 0, tzinfo=LONDON),
            None,
        ),
    ]
    assert str(first) == "Information requested on 25 November 2026"
    assert latest(second).history_change_reason == "More information requested by the court"
    assert [(step, by, note) for step, by, _, note in steps(pack.breach)][-2:] == [
        ("court_requested_more", "carys", "Which appointment letters were sent?"),
        ("court_requested_more", "carys", "And the address?"),
    ]
    assert refreshed(pack.breach).status == "sent_to_court"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("", "Say what more information the court needs."),
        ("   ", "Say what more information the court needs."),
        ("x" * 4001, "The message must be 4,000 characters or fewer."),
    ],
)
def test_the_court_says_what_more_it_needs(breaching, message, expected):
    pack = at_court(nps_breach(breaching))

    error = refused(lambda: services.court_request_information(by=breaching.court_user, pack=pack, message=message))

    assert error.message_dict == {"message": [expected]}


def test_the_court_asks_only_about_the_version_at_court(breaching):
    org = breaching.org
    breach = nps_breach(breaching)
    first = at_court(breach)
    services.breach_start_new_version(by=org.officer, breach=breach, reason="Add the letters.")
    second = at_court(refreshed(breach))

    error = refused(lambda: services.court_request_information(by=breaching.court_user, pack=first, message="Why?"))

    assert error.messages == ["A later version of this pack was sent: ask about that one."]
    services.court_request_information(by=breaching.court_user, pack=second, message="Why?")
    # The court still acknowledges an earlier version it received.
    services.court_acknowledge(by=breaching.court_user, pack=first)


@pytest.mark.parametrize(
    ("status", "label"),
    [
        ("draft", "pack being prepared"),
        ("outcome_recorded", "court outcome recorded"),
        ("withdrawn", "withdrawn"),
    ],
)
def test_the_court_asks_only_while_the_breach_is_at_court(breaching, status, label):
    org = breaching.org
    breach = nps_breach(breaching)
    pack = at_court(breach)
    if status == "draft":
        services.breach_start_new_version(by=org.officer, breach=breach, reason="Add the letters.")
    elif status == "outcome_recorded":
        services.breach_record_outcome(by=org.officer, breach=breach, hearing_on=TODAY, outcome="fine")
    else:
        services.breach_withdraw(by=org.officer, breach=breach, reason="Died on 24 November.")

    error = refused(lambda: services.court_request_information(by=breaching.court_user, pack=pack, message="Why?"))

    assert error.messages == [f"The breach is no longer waiting at court ({label}), so there is nothing to ask."]


def test_the_court_asks_while_a_crc_correction_is_at_the_nps(breaching):
    """A CRC's corrected version referred to the NPS again: the version at court is not superseded yet."""
    org = breaching.org
    breach = crc_breach(breaching)
    pack = at_court(breach)
    services.breach_start_new_version(by=org.other_provider_officer, breach=breach, reason="Add the letters.")
    advance(refreshed(breach), "referred_to_nps")

    error = refused(lambda: services.court_request_information(by=breaching.court_user, pack=pack, message="Why?"))

    assert error.messages == [
        "The breach is no longer waiting at court (referred to the NPS), so there is nothing to ask."
    ]


# The database -------------------------------------------------------------------------------------------------------


def refused_by_database(queryset, **values):
    before = state()
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**values)
    assert state() == before


@pytest.mark.parametrize(
    "values",
    [
        pytest.param({"status": "closed"}, id="breach_status_valid"),
        pytest.param(
            {"status": "outcome_recorded", "outcome": "custody", "hearing_on": TODAY}, id="breach_outcome_valid"
        ),
        pytest.param({"status": "outcome_recorded", "hearing_on": TODAY}, id="outcome_recorded_without_outcome"),
        pytest.param({"status": "outcome_recorded", "outcome": "fine"}, id="outcome_recorded_without_hearing"),
        pytest.param({"outcome": "fine"}, id="outcome_before_it_is_recorded"),
        pytest.param({"status": "withdrawn", "outcome": "fine", "hearing_on": TODAY}, id="withdrawn_with_outcome"),
        pytest.param({"status": "withdrawn"}, id="breach_withdrawn_has_reason"),
        pytest.param(
            {"status": "outcome_recorded", "outcome": "fine", "hearing_on": date(2026, 11, 22)},
            id="breach_hearing_not_before_aware",
        ),
    ],
)
def test_the_database_refuses_a_breach_that_breaks_its_rules(breaching, values):
    breach = nps_breach(breaching)

    refused_by_database(Breach.objects.filter(pk=breach.pk), **values)


def test_the_database_keeps_the_rules_of_a_good_breach(breaching):
    """The constraints above allow the rows the services write."""
    breach = nps_breach(breaching)
    Breach.objects.filter(pk=breach.pk).update(status="outcome_recorded", outcome="fine", hearing_on=date(2026, 11, 23))
    Breach.objects.filter(pk=breach.pk).update(
        status="withdrawn", outcome="", hearing_on=None, withdrawn_reason="Gone abroad."
    )
    assert refreshed(breach).status == "withdrawn"


def test_the_database_allows_one_breach_in_progress_per_order(breaching):
    breach = nps_breach(breaching)
    another = failure(breaching.nps_case, date(2026, 11, 24))
    fields = {
        "case": breach.case,
        "sentence": breach.sentence,
        "failure": another,
        "aware_on": date(2026, 11, 24),
        "initiated_by": breaching.org.officer,
    }

    for status in ("draft", "sent_to_court", "accepted_by_nps"):
        with pytest.raises(IntegrityError), transaction.atomic():
            Breach.objects.create(status=status, **fields)
    with pytest.raises(ValidationError) as caught:
        save_with_history(Breach(**fields), by=breaching.org.officer)
    assert caught.value.messages == ["This order already has a breach in progress."]

    Breach.objects.filter(pk=breach.pk).update(status="withdrawn", withdrawn_reason="Duplicate.")
    Breach.objects.create(**fields)
    assert Breach.objects.filter(sentence=breach.sentence).count() == 2


def test_the_database_allows_one_breach_per_failure(breaching):
    breach = nps_breach(breaching)
    Breach.objects.filter(pk=breach.pk).update(status="withdrawn", withdrawn_reason="Duplicate.")

    with pytest.raises(IntegrityError), transaction.atomic():
        Breach.objects.create(
            case=breach.case,
            sentence=breach.sentence,
            failure=breach.failure,
            aware_on=breach.aware_on,
            initiated_by=breaching.org.officer,
        )


@pytest.mark.parametrize(
    ("values", "needs"),
    [
        pytest.param({"version": 0}, "submitted", id="pack_version_positive"),
        pytest.param({"statement": ""}, "submitted", id="pack_has_statement"),
        pytest.param({"proposal": ""}, "submitted", id="pack_has_proposal"),
        pytest.param({"signed_off_at": NOW}, "submitted", id="pack_sign_off_without_author"),
        pytest.param({"signed_off_by_id": "manager"}, "submitted", id="pack_sign_off_without_time"),
        pytest.param({"returned_at": NOW}, "signed_off", id="pack_returned_only_unsigned_or_by_nps"),
        pytest.param({"sent_to_court_at": NOW}, "submitted", id="pack_sent_to_court_signed_off"),
        pytest.param({"sent_to_court_at": NOW, "court": None}, "signed_off", id="pack_sent_to_court_named"),
        pytest.param({"referred_to_nps_at": NOW}, "submitted", id="pack_referred_signed_off"),
        pytest.param({"acknowledged_at": NOW}, "sent", id="pack_acknowledged_without_author"),
        pytest.param({"acknowledged_by_id": "court_user"}, "sent", id="pack_acknowledged_without_time"),
        pytest.param(
            {"acknowledged_at": NOW, "acknowledged_by_id": "court_user"},
            "signed_off",
            id="pack_acknowledged_after_sending",
        ),
    ],
)
def test_the_database_refuses_a_pack_that_breaks_its_rules(breaching, values, needs):
    breach = nps_breach(breaching)
    if needs == "submitted":
        pack = submit(breach)
    elif needs == "signed_off":
        advance(breach, "signed_off")
        pack = services.current_pack(breach)
    else:
        pack = at_court(breach)
    users = {"manager": breaching.org.manager.pk, "court_user": breaching.court_user.pk}
    values = {name: users.get(value, value) if name.endswith("_id") else value for name, value in values.items()}

    refused_by_database(BreachPack.objects.filter(pk=pack.pk), **values)


def test_the_database_allows_a_referral_returned_by_the_nps(breaching):
    breach = advance(crc_breach(breaching), "referred_to_nps")

    services.breach_nps_request_more(by=breaching.org.officer, breach=breach, message="More.")

    pack = services.current_pack(breach)
    assert (pack.signed_off_at, pack.referred_to_nps_at, pack.returned_at) == (NOW, NOW, NOW)


def test_the_database_refuses_an_unknown_step_or_a_blank_court_request(breaching):
    pack = at_court(nps_breach(breaching))
    request = services.court_request_information(by=breaching.court_user, pack=pack, message="Why?")

    refused_by_database(BreachStep.objects.filter(breach=pack.breach), step="sentenced")
    refused_by_database(CourtInformationRequest.objects.filter(pk=request.pk), message="")
