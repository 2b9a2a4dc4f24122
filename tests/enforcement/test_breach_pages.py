"""The breach pages: the breach (status, what happens next, the actions each person may take, the draft form), the
sign-off and NPS review pages, referring and sending to court, a corrected version, the court's outcome, withdrawal,
the pack page and its preview, the staff's breaches list and the breach on the case's Compliance tab.

Who may do what, bad input (400 with the error summary and the field's error, nothing changed), a step that is not
allowed (the refusal page, 400, with the service's words, nothing changed), a GET on a POST-only address (405), and
anyone outside the breach's scope (another provider's officer, a court user: 404). Every page runs the same number
of queries however many failures, versions and steps the breach has, and that number is pinned.

Today is Wednesday 25 November 2026, 10:00 London (tests/enforcement/setup.py). Breaches are made as the product
makes them (tests/enforcement/breach_setup.py): a failure on 2 November given a first warning on 3 November, then a
failure on Monday 23 November decided as breach action today. The NPS case is held by Olivia Okafor (team manager
Maya Mensah), the CRC case by Bethan Barker (Stockport CRC, manager Huw Hopkins); both orders were made at
Stockport Magistrates' Court.
"""

import html as html_lib
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from cases.models import AccessRecord, PersonAccessLimit
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
    refreshed,
    sentenced_at,
    state,
    submit,
)
from tests.enforcement.setup import TODAY, community_case, failure

frozen = breach_setup.frozen
breaching = breach_setup.breaching

pytestmark = pytest.mark.django_db

CASE_STAFF_ONLY = "Only the responsible officer or a manager of the case's team can do this."
PREPARED_IT = "You prepared this version: another manager must sign it off."

# "What happens next" on the breach page, by status.
NEXT = {
    "draft": "The officer completes the statement and proposal and submits the pack for sign-off.",
    "awaiting_sign_off": "A manager signs the pack off or sends it back.",
    "signed_off": "The pack is referred to the NPS (a CRC's case) or sent to court.",
    "referred_to_nps": "The NPS accepts the referral or asks for more information.",
    "accepted_by_nps": "The NPS sends the pack to court.",
    "sent_to_court": "The court's outcome is recorded, or a corrected version is prepared.",
    "outcome_recorded": "Nothing: the court's outcome is recorded.",
    "withdrawn": "Nothing: the breach was withdrawn.",
}
# The status tag on the breach page: its words and its colour.
TAG = {
    "draft": ("Pack being prepared", "govuk-tag--yellow"),
    "awaiting_sign_off": ("Waiting for a manager's sign-off", "govuk-tag--yellow"),
    "signed_off": ("Signed off", "govuk-tag--yellow"),
    "referred_to_nps": ("Referred to the NPS", "govuk-tag--yellow"),
    "accepted_by_nps": ("Accepted by the NPS", "govuk-tag--yellow"),
    "sent_to_court": ("Sent to court", "govuk-tag--blue"),
    "outcome_recorded": ("Court outcome recorded", "govuk-tag--green"),
    "withdrawn": ("Withdrawn", "govuk-tag--grey"),
}


# Helpers -----------------------------------------------------------------------------------------------------------


def _html(response) -> str:
    """The page's text with its entities decoded (so "case's" reads as written)."""
    return html_lib.unescape(response.content.decode())


def _url(name: str, breach_or_pack) -> str:
    return reverse(f"enforcement:{name}", args=[breach_or_pack.pk])


def _actions(html: str) -> list[str]:
    """The action buttons on the breach page, in the order shown."""
    return re.findall(r'data-testid="action-([a-z-]+)"', html)


def _tag(html: str) -> tuple[str, str]:
    found = re.search(r'<strong class="govuk-tag ([^"]+)" data-testid="breach-status">([^<]*)</strong>', html)
    assert found, "no status tag"
    return found.group(2), found.group(1)


def _next(html: str) -> str:
    found = re.search(r'data-testid="breach-next">([^<]*)</dd>', html)
    assert found, "no next step"
    return found.group(1)


def _refusal(html: str) -> str:
    found = re.search(
        r'data-testid="refusal"><span class="govuk-visually-hidden">Warning</span> ([^<]*)</strong>', html
    )
    assert found, "no refusal"
    return found.group(1)


def _draft(court, *, action="save", statement=STATEMENT, proposal=PROPOSAL) -> dict:
    return {"statement": statement, "proposal": proposal, "court": "" if court is None else court.pk, "action": action}


def _outcome(on: date | None = TODAY, outcome="order_continues", details="") -> dict:
    data = {"outcome": outcome, "details": details}
    if on is not None:
        data.update({"hearing_on-day": str(on.day), "hearing_on-month": str(on.month), "hearing_on-year": str(on.year)})
    return data


def _user(breaching, who: str):
    return getattr(breaching.yot, who.removeprefix("yot_")) if who.startswith("yot_") else getattr(breaching.org, who)


def _breach(breaching, kind: str) -> Breach:
    if kind == "nps":
        return breach_for(breaching.nps_case)
    if kind == "crc":
        return breach_for(breaching.crc_case)
    case = breach_setup.youth_case(breaching.yot.officer, first_name="Jordan", last_name="Young")
    sentenced_at(case, breaching.court)
    return breach_for(case)


def _at(breaching, kind: str, status: str) -> Breach:
    return advance(_breach(breaching, kind), status)


def _errors(response) -> str:
    """The error summary's text."""
    html = _html(response)
    start = html.index('data-testid="error-summary"')
    return html[start : html.index("</div>\n  </div>", start)]


# The breach page in each status: tag, what happens next, and exactly the actions each person may take ------------

STATUS_PAGES = [
    # (kind, status, who, the action buttons shown, whether the draft form is shown)
    ("nps", "draft", "officer", ["withdraw"], True),
    ("nps", "draft", "manager", ["withdraw"], True),
    ("nps", "draft", "colleague", [], False),
    ("nps", "awaiting_sign_off", "officer", ["withdraw"], False),
    ("nps", "awaiting_sign_off", "manager", ["sign-off", "withdraw"], False),
    ("nps", "awaiting_sign_off", "colleague", [], False),
    ("nps", "signed_off", "officer", ["send", "withdraw"], False),
    ("nps", "signed_off", "manager", ["send", "withdraw"], False),
    ("nps", "signed_off", "colleague", [], False),
    ("nps", "sent_to_court", "officer", ["outcome", "new-version", "withdraw"], False),
    ("nps", "sent_to_court", "manager", ["outcome", "new-version", "withdraw"], False),
    ("nps", "sent_to_court", "colleague", [], False),
    ("nps", "outcome_recorded", "officer", [], False),
    ("nps", "outcome_recorded", "manager", [], False),
    ("nps", "withdrawn", "officer", [], False),
    ("crc", "draft", "other_provider_officer", ["withdraw"], True),
    ("crc", "awaiting_sign_off", "other_provider_officer", ["withdraw"], False),
    ("crc", "awaiting_sign_off", "other_provider_manager", ["sign-off", "withdraw"], False),
    ("crc", "signed_off", "other_provider_officer", ["refer", "withdraw"], False),
    ("crc", "signed_off", "other_provider_manager", ["refer", "withdraw"], False),
    ("crc", "referred_to_nps", "other_provider_officer", ["withdraw"], False),
    ("crc", "referred_to_nps", "officer", ["nps-review"], False),
    ("crc", "referred_to_nps", "manager", ["nps-review"], False),
    ("crc", "referred_to_nps", "other_team_officer", ["nps-review"], False),
    ("crc", "accepted_by_nps", "other_provider_officer", ["withdraw"], False),
    ("crc", "accepted_by_nps", "colleague", ["send"], False),
    ("crc", "sent_to_court", "other_provider_officer", ["outcome", "new-version", "withdraw"], False),
    ("crc", "sent_to_court", "officer", ["outcome"], False),
    ("crc", "outcome_recorded", "other_provider_officer", [], False),
    ("crc", "outcome_recorded", "officer", [], False),
    ("yot", "signed_off", "yot_officer", ["send", "withdraw"], False),
    ("yot", "signed_off", "yot_manager", ["send", "withdraw"], False),
]


@pytest.mark.parametrize(("kind", "status", "who", "actions", "form"), STATUS_PAGES)
def test_the_breach_page_in_each_status(breaching, client_for, kind, status, who, actions, form):
    breach = _at(breaching, kind, status)

    response = client_for(_user(breaching, who)).get(_url("breach", breach))

    assert response.status_code == 200
    html = _html(response)
    assert _tag(html) == TAG[status]
    assert _next(html) == NEXT[status]
    assert _actions(html) == actions
    assert ('data-testid="draft-form"' in html) is form
    assert ('data-testid="submit-pack"' in html) is form
    assert ('data-testid="save-draft"' in html) is form
    assert ('data-testid="breach-actions"' in html) is bool(actions)


def test_the_breach_page_says_where_the_breach_is(breaching, client_for):
    breach = _at(breaching, "nps", "sent_to_court")
    pack = services.current_pack(breach)

    html = _html(client_for(breaching.org.officer).get(_url("breach", breach)))

    assert "Breach of the community order" in html
    assert "Casey Order" in html
    assert "23 November 2026 (the failure of that day was decided as breach action)" in html
    assert "Stockport Magistrates' Court" in html
    assert "Who presents it" not in html  # an NPS case: its own provider presents it
    versions = html[html.index('data-testid="pack-versions"') : html.index("</table>", html.index("pack-versions"))]
    assert _url("breach_pack", pack) in versions
    assert "25 November 2026 by Olivia Okafor" in versions and "Signed off by Maya Mensah" in versions
    assert "Sent to Stockport Magistrates' Court on 25 November 2026" in versions
    timeline = html[html.index('data-testid="breach-timeline"') : html.index("</ol>", html.index("breach-timeline"))]
    assert re.findall(r"<li>([^<]*?) by ", timeline) == [
        "25 November 2026: Breach action decided",
        "25 November 2026: Pack submitted for sign-off",
        "25 November 2026: Pack signed off",
        "25 November 2026: Pack sent to court",
    ]
    # The Send button names the court.
    signed = _at(breaching, "crc", "accepted_by_nps")
    assert "Send the pack to Stockport Magistrates' Court" in _html(
        client_for(breaching.org.officer).get(_url("breach", signed))
    )


def test_a_crc_breach_says_the_nps_presents_it(breaching, client_for):
    breach = _breach(breaching, "crc")

    html = _html(client_for(breaching.org.other_provider_officer).get(_url("breach", breach)))

    assert "Who presents it" in html and "The NPS, after the CRC refers it" in html


def test_the_outcome_and_the_withdrawal_reason_are_shown(breaching, client_for):
    heard = _at(breaching, "nps", "outcome_recorded")
    withdrawn = _at(breaching, "crc", "withdrawn")

    heard_html = _html(client_for(breaching.org.officer).get(_url("breach", heard)))
    withdrawn_html = _html(client_for(breaching.org.other_provider_officer).get(_url("breach", withdrawn)))

    assert re.search(
        r'data-testid="breach-outcome">Order to continue at the hearing on 25 November 2026</dd>', heard_html
    )
    assert "Why it was withdrawn" in withdrawn_html
    assert "The person was admitted to hospital." in withdrawn_html
    assert "Why it was withdrawn" not in heard_html


def test_nps_staff_still_see_a_crc_breach_they_sent_back_but_cannot_change_it(breaching, client_for):
    org = breaching.org
    breach = _at(breaching, "crc", "referred_to_nps")
    services.breach_nps_request_more(by=org.officer, breach=breach, message="Add the warning letter.")

    nps = _html(client_for(org.manager).get(_url("breach", breach)))
    crc = _html(client_for(org.other_provider_officer).get(_url("breach", breach)))

    assert _tag(nps) == TAG["draft"] and _actions(nps) == [] and 'data-testid="draft-form"' not in nps
    assert _actions(crc) == ["withdraw"] and 'data-testid="draft-form"' in crc
    assert re.search(r'data-testid="returned-note">Version 1 was sent back on 25 November 2026: Add the warning', crc)


# The draft: save, submit, bad input --------------------------------------------------------------------------------


def test_saving_the_draft(breaching, client_for):
    breach = _breach(breaching, "nps")
    other = factories.CourtFactory(region=breaching.org.region, name="Bolton Magistrates' Court")
    client = client_for(breaching.org.officer)

    response = client.post(_url("breach", breach), _draft(other, action="save"))

    assert response.status_code == 302 and response.url == _url("breach", breach)
    saved = refreshed(breach)
    assert (saved.status, saved.statement, saved.proposal, saved.court) == ("draft", STATEMENT, PROPOSAL, other)
    assert not BreachPack.objects.exists()
    page = _html(client.get(response.url))
    assert "Draft saved." in page
    assert STATEMENT in page and PROPOSAL in page
    assert re.search(rf'<option value="{other.pk}" selected>Bolton Magistrates\' Court</option>', page)


def test_the_draft_form_starts_with_the_sentencing_court_and_lists_the_regions_courts(breaching, client_for):
    breach = _breach(breaching, "nps")
    elsewhere = factories.CourtFactory(name="Cardiff Crown Court")  # another region
    closed = factories.CourtFactory(region=breaching.org.region, name="Closed Magistrates' Court", active=False)

    html = _html(client_for(breaching.org.officer).get(_url("breach", breach)))

    court = breaching.court
    assert re.search(rf'<option value="{court.pk}" selected>Stockport Magistrates\' Court</option>', html)
    assert f'<option value="{breaching.other_court.pk}">' in html
    assert elsewhere.name not in html and closed.name not in html
    assert 'data-testid="preview-link"' in html and _url("breach_preview", breach) in html


def test_submitting_the_draft_for_sign_off(breaching, client_for):
    breach = _breach(breaching, "nps")
    client = client_for(breaching.org.officer)

    response = client.post(_url("breach", breach), _draft(breaching.court, action="submit"))

    assert response.status_code == 302 and response.url == _url("breach", breach)
    assert refreshed(breach).status == "awaiting_sign_off"
    pack = BreachPack.objects.get()
    assert (pack.version, pack.statement, pack.proposal, pack.prepared_by) == (
        1,
        STATEMENT,
        PROPOSAL,
        breaching.org.officer,
    )
    page = _html(client.get(response.url))
    assert "Version 1 of the pack is waiting for a manager's sign-off." in page
    assert _tag(page) == TAG["awaiting_sign_off"]
    assert "Waiting for sign-off" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"court": ""}, "court", "Choose the court the pack goes to."),
        ({"court": "999999"}, "court", "Choose a court from the list."),
        ({"statement": "x" * 10_001}, "statement", "Your statement to the court must be 10,000 characters or fewer."),
        ({"proposal": "x" * 10_001}, "proposal", "Your proposal must be 10,000 characters or fewer."),
    ],
)
@pytest.mark.parametrize("action", ["save", "submit"])
def test_bad_draft_input_is_shown_and_changes_nothing(breaching, client_for, data, field, message, action):
    breach = _breach(breaching, "nps")
    before = state()

    response = client_for(breaching.org.officer).post(
        _url("breach", breach), {**_draft(breaching.court, action=action), **data}
    )

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert message in _errors(response)
    assert f'id="id_{field}-error"' in _html(response)
    assert "<title>Error: Breach" in _html(response)
    assert state() == before


def test_a_court_of_another_region_is_not_a_choice(breaching, client_for):
    breach = _breach(breaching, "nps")
    elsewhere = factories.CourtFactory(name="Cardiff Crown Court")
    before = state()

    response = client_for(breaching.org.officer).post(_url("breach", breach), _draft(elsewhere))

    assert response.status_code == 400
    assert response.context["form"].errors["court"] == ["Choose a court from the list."]
    assert state() == before


@pytest.mark.parametrize(
    ("blank", "message"),
    [
        ("statement", "Write your statement to the court before submitting the pack."),
        ("proposal", "Write your proposal to the court before submitting the pack."),
    ],
)
def test_submitting_without_a_statement_or_proposal_is_refused_by_the_service(breaching, client_for, blank, message):
    breach = _breach(breaching, "nps")

    response = client_for(breaching.org.officer).post(
        _url("breach", breach), {**_draft(breaching.court, action="submit"), blank: "  "}
    )

    assert response.status_code == 400
    assert response.context["form"].errors[blank] == [message]
    assert message in _errors(response)
    assert refreshed(breach).status == "draft"
    assert not BreachPack.objects.exists()


def test_a_refused_submission_changes_nothing(breaching, client_for):
    """Saving and submitting is one step: a submission the service refuses leaves the saved draft as it was."""
    breach = _breach(breaching, "nps")
    breach_setup.prepare(breach)
    before = state()

    response = client_for(breaching.org.officer).post(
        _url("breach", breach), _draft(breaching.court, action="submit", statement="", proposal="Something else.")
    )

    assert response.status_code == 400
    assert state() == before


def test_the_draft_cannot_be_posted_once_submitted(breaching, client_for):
    breach = _at(breaching, "nps", "awaiting_sign_off")
    before = state()

    response = client_for(breaching.org.officer).post(_url("breach", breach), _draft(breaching.court))

    assert response.status_code == 400
    html = _html(response)
    assert "You cannot prepare the pack" in html
    assert _refusal(html) == (
        "You cannot change the pack: the breach is at “waiting for a manager's sign-off”. Next, a manager signs the "
        "pack off or sends it back."
    )
    assert "Nothing has been changed." in html
    assert state() == before


def test_a_colleague_cannot_post_the_draft(breaching, client_for):
    breach = _breach(breaching, "nps")
    before = state()

    response = client_for(breaching.org.colleague).post(_url("breach", breach), _draft(breaching.court))

    assert response.status_code == 400
    assert _refusal(_html(response)) == CASE_STAFF_ONLY
    assert state() == before


def test_the_preview_shows_the_draft(breaching, client_for):
    breach = _breach(breaching, "nps")
    breach_setup.prepare(breach, statement="He missed twice.\nNo contact since.", proposal="Add a curfew.")

    response = client_for(breaching.org.officer).get(_url("breach_preview", breach))

    assert response.status_code == 200
    html = _html(response)
    assert "Preview of the breach pack" in html
    assert "This is a preview of the draft: it is not a version and has not been signed off." in html
    statement = html[html.index('data-testid="pack-statement"') : html.index("</section>", html.index("pack-state"))]
    assert "He missed twice.\nNo contact since." in statement
    assert "Add a curfew." in html
    assert "2 November 2026" in html and "23 November 2026" in html
    assert "First warning letter issued on 3 November 2026 by Olivia Okafor" in html
    assert 'data-testid="pack-pdf-link"' not in html
    assert not BreachPack.objects.exists()


def test_the_preview_of_an_empty_draft_says_what_is_missing(breaching, client_for):
    breach = _breach(breaching, "nps")

    html = _html(client_for(breaching.org.officer).get(_url("breach_preview", breach)))

    assert html.count("Not written yet.") == 2


# Sign-off ---------------------------------------------------------------------------------------------------------


def test_the_sign_off_page(breaching, client_for):
    breach = _at(breaching, "nps", "awaiting_sign_off")
    pack = services.current_pack(breach)

    response = client_for(breaching.org.manager).get(_url("breach_sign_off", breach))

    assert response.status_code == 200
    html = _html(response)
    assert "Sign off the breach pack" in html
    assert "Read version 1 of the pack before you decide." in html and "you can still send it back" not in html
    assert re.search(rf'href="{_url("breach_pack", pack)}" data-testid="step-pack-link">Read version 1', html)
    assert 'value="sign_off"' in html and 'value="return"' in html


def test_the_manager_signs_off(breaching, client_for):
    breach = _at(breaching, "nps", "awaiting_sign_off")
    client = client_for(breaching.org.manager)

    response = client.post(_url("breach_sign_off", breach), {"decision": "sign_off", "note": "Clear and complete."})

    assert response.status_code == 302 and response.url == _url("breach", breach)
    assert refreshed(breach).status == "signed_off"
    pack = services.current_pack(breach)
    assert pack.signed_off_by == breaching.org.manager
    assert BreachStep.objects.get(breach=breach, step="signed_off").note == "Clear and complete."
    assert "Version 1 signed off." in _html(client.get(response.url))


def test_the_manager_sends_the_pack_back_and_the_officer_sees_why(breaching, client_for):
    breach = _at(breaching, "nps", "awaiting_sign_off")

    response = client_for(breaching.org.manager).post(
        _url("breach_sign_off", breach), {"decision": "return", "note": "Say what support was offered."}
    )

    assert response.status_code == 302
    assert refreshed(breach).status == "draft"
    pack = services.current_pack(breach)
    assert pack.returned_note == "Say what support was offered." and pack.signed_off_at is None
    html = _html(client_for(breaching.org.officer).get(_url("breach", breach)))
    assert re.search(
        r'data-testid="returned-note">Version 1 was sent back on 25 November 2026: Say what support was offered.', html
    )
    assert "Sent back: Say what support was offered." in html
    assert 'data-testid="draft-form"' in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"decision": "return", "note": "   "}, "note", "Say what needs to change in the pack."),
        ({"decision": "return"}, "note", "Say what needs to change in the pack."),
        ({}, "decision", "Choose whether to sign off the pack or send it back."),
        ({"decision": "maybe"}, "decision", "Select a valid choice. maybe is not one of the available choices."),
        ({"decision": "sign_off", "note": "x" * 4_001}, "note", "Note must be 4,000 characters or fewer."),
    ],
)
def test_bad_sign_off_input_is_shown_and_changes_nothing(breaching, client_for, data, field, message):
    breach = _at(breaching, "nps", "awaiting_sign_off")
    before = state()

    response = client_for(breaching.org.manager).post(_url("breach_sign_off", breach), data)

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert message in _errors(response)
    assert state() == before


def test_the_manager_who_prepared_the_version_cannot_sign_it_off(breaching, client_for):
    breach = _breach(breaching, "nps")
    submit(breach, by=breaching.org.manager)  # a manager of the team may prepare the pack too
    client = client_for(breaching.org.manager)
    before = state()

    # The page offers them only to send it back, and says why.
    html = _html(client.get(_url("breach_sign_off", breach)))
    assert 'value="return"' in html and 'value="sign_off"' not in html
    assert "You prepared this version, so another manager must sign it off; you can still send it back." in html
    assert services.step_refusal(breaching.org.manager, refreshed(breach), "sign_off") == PREPARED_IT
    # Signing off anyway is refused on the form, and nothing changes.
    response = client.post(_url("breach_sign_off", breach), {"decision": "sign_off"})
    assert response.status_code == 400
    assert "You prepared this version: another manager must sign it off. You can send it back." in _html(response)
    assert state() == before
    # Another manager of the team signs it off.
    other = factories.ManagerFactory(team=breaching.org.team_a)
    assert client_for(other).post(_url("breach_sign_off", breach), {"decision": "sign_off"}).status_code == 302
    assert refreshed(breach).status == "signed_off"


def test_the_manager_who_prepared_the_version_may_send_it_back(breaching, client_for):
    # The sign-off page lets them send back what they may not sign off.
    breach = _breach(breaching, "nps")
    submit(breach, by=breaching.org.manager)
    client = client_for(breaching.org.manager)

    response = client.post(_url("breach_sign_off", breach), {"decision": "return", "note": "I missed the letter."})

    assert response.status_code == 302
    assert refreshed(breach).status == "draft"


# The NPS reviews a CRC's referral ----------------------------------------------------------------------------------


def test_the_nps_review_page(breaching, client_for):
    breach = _at(breaching, "crc", "referred_to_nps")
    pack = services.current_pack(breach)

    response = client_for(breaching.org.officer).get(_url("breach_nps_review", breach))

    assert response.status_code == 200
    html = _html(response)
    assert "Review the CRC's breach referral" in html
    assert "Chris Referral" in html
    assert _url("breach_pack", pack) in html
    assert 'value="accept"' in html and 'value="request_more"' in html


def test_the_nps_accepts_the_referral(breaching, client_for):
    breach = _at(breaching, "crc", "referred_to_nps")
    client = client_for(breaching.org.officer)

    response = client.post(_url("breach_nps_review", breach), {"decision": "accept"})

    assert response.status_code == 302 and response.url == _url("breach", breach)
    assert refreshed(breach).status == "accepted_by_nps"
    html = _html(client.get(response.url))
    assert "Referral accepted. Present the breach to court within 2 working days." in html
    assert _actions(html) == ["send"]


def test_the_nps_asks_the_crc_for_more(breaching, client_for):
    breach = _at(breaching, "crc", "referred_to_nps")

    response = client_for(breaching.org.manager).post(
        _url("breach_nps_review", breach), {"decision": "request_more", "message": "Add the letter."}
    )

    assert response.status_code == 302
    assert refreshed(breach).status == "draft"
    assert services.current_pack(breach).returned_note == "Add the letter."


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"decision": "request_more", "message": ""}, "message", "Say what more information the NPS needs."),
        ({}, "decision", "Choose whether to accept the referral or ask for more information."),
    ],
)
def test_bad_nps_review_input_is_shown_and_changes_nothing(breaching, client_for, data, field, message):
    breach = _at(breaching, "crc", "referred_to_nps")
    before = state()

    response = client_for(breaching.org.officer).post(_url("breach_nps_review", breach), data)

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert message in _errors(response)
    assert state() == before


# Refer, send to court, corrected version, outcome, withdraw ---------------------------------------------------------


def test_the_crc_refers_the_breach_to_the_nps(breaching, client_for):
    breach = _at(breaching, "crc", "signed_off")
    client = client_for(breaching.org.other_provider_officer)

    response = client.post(_url("breach_refer", breach))

    assert response.status_code == 302 and response.url == _url("breach", breach)
    assert refreshed(breach).status == "referred_to_nps"
    assert services.current_pack(breach).referred_to_nps_at is not None
    html = _html(client.get(response.url))
    assert "Breach referred to the NPS, which will review it and present it to court." in html
    assert "Referred to the NPS on 25 November 2026" in html


@pytest.mark.parametrize(
    ("kind", "status", "who"), [("nps", "signed_off", "officer"), ("crc", "accepted_by_nps", "officer")]
)
def test_the_pack_is_sent_to_court(breaching, client_for, kind, status, who):
    breach = _at(breaching, kind, status)
    client = client_for(_user(breaching, who))

    response = client.post(_url("breach_send_to_court", breach))

    assert response.status_code == 302 and response.url == _url("breach", breach)
    assert refreshed(breach).status == "sent_to_court"
    pack = services.current_pack(breach)
    assert pack.court == breaching.court and pack.sent_to_court_at is not None
    assert "Pack sent to court. Court users there can now open it." in _html(client.get(response.url))


def test_a_corrected_version(breaching, client_for):
    breach = _at(breaching, "nps", "sent_to_court")
    client = client_for(breaching.org.officer)

    shown = client.get(_url("breach_new_version", breach))
    response = client.post(_url("breach_new_version", breach), {"reason": "The court asked for the letter."})

    assert shown.status_code == 200 and "What the corrected version changes" in _html(shown)
    assert response.status_code == 302 and response.url == _url("breach", breach)
    assert refreshed(breach).status == "draft"
    assert BreachStep.objects.get(breach=breach, step="new_version").note == "The court asked for the letter."
    html = _html(client.get(response.url))
    assert "You can now correct the pack. The versions already sent are kept." in html
    assert 'data-testid="draft-form"' in html
    # The officer's words are kept for the next version.
    assert STATEMENT in html

    client.post(_url("breach", breach), _draft(breaching.court, action="submit"))

    assert list(BreachPack.objects.filter(breach=breach).values_list("version", flat=True)) == [2, 1]


def test_a_corrected_version_needs_a_reason(breaching, client_for):
    breach = _at(breaching, "nps", "sent_to_court")
    before = state()

    response = client_for(breaching.org.officer).post(_url("breach_new_version", breach), {"reason": " "})

    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == ["Say what the corrected version changes."]
    assert "Say what the corrected version changes." in _errors(response)
    assert state() == before


def test_the_courts_outcome(breaching, client_for):
    breach = _at(breaching, "nps", "sent_to_court")
    client = client_for(breaching.org.officer)

    shown = client.get(_url("breach_outcome", breach))
    response = client.post(
        _url("breach_outcome", breach), _outcome(outcome="order_amended", details="A curfew was added.")
    )

    assert shown.status_code == 200
    assert 'name="hearing_on-day" type="text" inputmode="numeric" value="25"' in _html(shown)
    assert response.status_code == 302 and response.url == _url("breach", breach)
    saved = refreshed(breach)
    assert (saved.status, saved.hearing_on, saved.outcome, saved.outcome_details) == (
        "outcome_recorded",
        TODAY,
        "order_amended",
        "A curfew was added.",
    )
    html = _html(client.get(response.url))
    assert "Court outcome recorded." in html
    assert (
        "Order amended (requirements added or changed) at the hearing on 25 November 2026. A curfew was added." in html
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (_outcome(on=TODAY + timedelta(days=1)), "hearing_on", "The date of the hearing cannot be in the future."),
        (
            _outcome(on=TODAY - timedelta(days=1)),
            "hearing_on",
            "The date of the hearing cannot be before the pack was sent to court (25 November 2026).",
        ),
        (_outcome(on=None), "hearing_on", "Enter the date of the hearing"),
        (
            {**_outcome(), "hearing_on-day": "31", "hearing_on-month": "2"},
            "hearing_on",
            "Date of the hearing must be a real date",
        ),
        (_outcome(outcome="order_amended"), "details", "Say how the court amended the order."),
        (_outcome(outcome="order_amended", details="  "), "details", "Say how the court amended the order."),
        (_outcome(outcome=""), "outcome", "Choose the court's outcome."),
        (_outcome(outcome="prison"), "outcome", "Choose the court's outcome."),
    ],
)
def test_bad_outcome_input_is_shown_and_changes_nothing(breaching, client_for, data, field, message):
    breach = _at(breaching, "nps", "sent_to_court")
    before = state()

    response = client_for(breaching.org.officer).post(_url("breach_outcome", breach), data)

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert message in _errors(response)
    assert state() == before


def test_the_nps_records_the_outcome_of_a_crc_breach(breaching, client_for):
    breach = _at(breaching, "crc", "sent_to_court")

    response = client_for(breaching.org.colleague).post(_url("breach_outcome", breach), _outcome(outcome="fine"))

    assert response.status_code == 302
    assert refreshed(breach).outcome == "fine"


@pytest.mark.parametrize("status", ["draft", "awaiting_sign_off", "signed_off", "sent_to_court"])
def test_withdrawing_the_breach(breaching, client_for, status):
    breach = _at(breaching, "nps", status)
    client = client_for(breaching.org.officer)

    shown = client.get(_url("breach_withdraw", breach))
    response = client.post(_url("breach_withdraw", breach), {"reason": "Evidence of a hospital stay arrived."})

    assert shown.status_code == 200 and "Why is the breach withdrawn?" in _html(shown)
    assert response.status_code == 302 and response.url == _url("breach", breach)
    saved = refreshed(breach)
    assert (saved.status, saved.withdrawn_reason) == ("withdrawn", "Evidence of a hospital stay arrived.")
    html = _html(client.get(response.url))
    assert "Breach withdrawn." in html and _tag(html) == TAG["withdrawn"]


def test_a_withdrawal_needs_a_reason(breaching, client_for):
    breach = _breach(breaching, "nps")
    before = state()

    response = client_for(breaching.org.officer).post(_url("breach_withdraw", breach), {"reason": ""})

    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == ["Say why the breach is withdrawn."]
    assert "Say why the breach is withdrawn." in _errors(response)
    assert state() == before


# Every step not allowed: the refusal page with the service's words, nothing changed ---------------------------------

REFUSALS = [
    # (url name, kind, status, who, the page's title, the service's words)
    (
        "breach_sign_off",
        "nps",
        "awaiting_sign_off",
        "officer",
        "You cannot sign off the pack",
        "Only a manager of the case's team can sign off or send back a breach pack.",
    ),
    (
        "breach_sign_off",
        "nps",
        "draft",
        "manager",
        "You cannot sign off the pack",
        "You cannot sign off the pack: the breach is at “pack being prepared”. Next, the officer completes the "
        "statement and proposal and submits the pack for sign-off.",
    ),
    (
        "breach_sign_off",
        "nps",
        "signed_off",
        "manager",
        "You cannot sign off the pack",
        "You cannot sign off the pack: the breach is at “signed off”. Next, the pack is referred to the NPS (a CRC's "
        "case) or sent to court.",
    ),
    (
        "breach_sign_off",
        "crc",
        "awaiting_sign_off",
        "other_provider_officer",
        "You cannot sign off the pack",
        "Only a manager of the case's team can sign off or send back a breach pack.",
    ),
    (
        "breach_nps_review",
        "crc",
        "referred_to_nps",
        "other_provider_manager",
        "You cannot accept the referral",
        "Only NPS staff in the case's region can review a CRC's breach referral.",
    ),
    (
        "breach_nps_review",
        "nps",
        "signed_off",
        "officer",
        "You cannot accept the referral",
        "You cannot accept the referral: the breach is at “signed off”. Next, the pack is referred to the NPS (a "
        "CRC's case) or sent to court.",
    ),
    (
        "breach_refer",
        "nps",
        "signed_off",
        "officer",
        "You cannot refer the breach to the NPS",
        "Only a CRC refers a breach to the NPS: this case's provider presents it to court.",
    ),
    (
        "breach_refer",
        "crc",
        "awaiting_sign_off",
        "other_provider_officer",
        "You cannot refer the breach to the NPS",
        "You cannot refer the breach to the NPS: the breach is at “waiting for a manager's sign-off”. Next, a "
        "manager signs the pack off or sends it back.",
    ),
    (
        "breach_send_to_court",
        "crc",
        "signed_off",
        "other_provider_officer",
        "You cannot send the pack to court",
        "A CRC's breach goes to the NPS first: refer it, and the NPS presents it to court.",
    ),
    (
        "breach_send_to_court",
        "crc",
        "accepted_by_nps",
        "other_provider_officer",
        "You cannot send the pack to court",
        "Only the NPS can present a CRC's breach to court.",
    ),
    (
        "breach_send_to_court",
        "nps",
        "awaiting_sign_off",
        "officer",
        "You cannot send the pack to court",
        "You cannot send the pack to court: the breach is at “waiting for a manager's sign-off”. Next, a manager "
        "signs the pack off or sends it back.",
    ),
    ("breach_send_to_court", "nps", "signed_off", "colleague", "You cannot send the pack to court", CASE_STAFF_ONLY),
    (
        "breach_send_to_court",
        "nps",
        "sent_to_court",
        "officer",
        "You cannot send the pack to court",
        "You cannot send the pack to court: the breach is at “sent to court”. Next, the court's outcome is "
        "recorded, or a corrected version is prepared.",
    ),
    (
        "breach_new_version",
        "nps",
        "signed_off",
        "officer",
        "You cannot prepare a corrected version",
        "You cannot start a corrected version: the breach is at “signed off”. Next, the pack is referred to the NPS "
        "(a CRC's case) or sent to court.",
    ),
    (
        "breach_new_version",
        "crc",
        "sent_to_court",
        "officer",
        "You cannot prepare a corrected version",
        CASE_STAFF_ONLY,
    ),
    (
        "breach_outcome",
        "nps",
        "signed_off",
        "officer",
        "You cannot record the court's outcome",
        "You cannot record the court's outcome: the breach is at “signed off”. Next, the pack is referred to the "
        "NPS (a CRC's case) or sent to court.",
    ),
    (
        "breach_outcome",
        "nps",
        "outcome_recorded",
        "officer",
        "You cannot record the court's outcome",
        "You cannot record the court's outcome: the breach is at “court outcome recorded”. Next, nothing: the "
        "court's outcome is recorded.",
    ),
    ("breach_outcome", "nps", "sent_to_court", "colleague", "You cannot record the court's outcome", CASE_STAFF_ONLY),
    (
        "breach_withdraw",
        "nps",
        "outcome_recorded",
        "officer",
        "You cannot withdraw the breach",
        "You cannot withdraw the breach: the breach is at “court outcome recorded”. Next, nothing: the court's "
        "outcome is recorded.",
    ),
    (
        "breach_withdraw",
        "nps",
        "withdrawn",
        "manager",
        "You cannot withdraw the breach",
        "You cannot withdraw the breach: the breach is at “withdrawn”. Next, nothing: the breach was withdrawn.",
    ),
    ("breach_withdraw", "crc", "sent_to_court", "officer", "You cannot withdraw the breach", CASE_STAFF_ONLY),
    ("breach_withdraw", "nps", "draft", "colleague", "You cannot withdraw the breach", CASE_STAFF_ONLY),
]
POST_ONLY = ("breach_refer", "breach_send_to_court")
# What a POST to each step would send if it were allowed.
STEP_DATA = {
    "breach_sign_off": {"decision": "sign_off"},
    "breach_nps_review": {"decision": "accept"},
    "breach_new_version": {"reason": "Corrected."},
    "breach_outcome": _outcome(),
    "breach_withdraw": {"reason": "Not needed."},
}


@pytest.mark.parametrize(("name", "kind", "status", "who", "title", "message"), REFUSALS)
def test_a_step_not_allowed_is_refused_and_changes_nothing(
    breaching, client_for, name, kind, status, who, title, message
):
    breach = _at(breaching, kind, status)
    client = client_for(_user(breaching, who))
    before = state()

    responses = [client.post(_url(name, breach), STEP_DATA.get(name, {}))]
    if name not in POST_ONLY:
        responses.append(client.get(_url(name, breach)))

    for response in responses:
        assert response.status_code == 400
        html = _html(response)
        assert f'<h1 class="govuk-heading-l">{title}</h1>' in html
        assert _refusal(html) == message
        assert message == services.step_refusal(_user(breaching, who), refreshed(breach), _step_of(name))
        assert "Nothing has been changed." in html
        assert _url("breach", breach) in html  # back to the breach
    assert state() == before


def _step_of(name: str) -> str:
    return {
        "breach_sign_off": "sign_off",
        "breach_nps_review": "nps_accept",
        "breach_refer": "refer_to_nps",
        "breach_send_to_court": "send_to_court",
        "breach_new_version": "start_new_version",
        "breach_outcome": "record_outcome",
        "breach_withdraw": "withdraw",
    }[name]


def test_a_refusal_names_the_nps_as_written(breaching, client_for):
    """The status in a refusal is lowercased only at its first letter: "NPS" stays as written."""
    breach = _at(breaching, "crc", "accepted_by_nps")

    response = client_for(breaching.org.officer).get(_url("breach_nps_review", breach))

    assert response.status_code == 400
    assert _refusal(_html(response)) == (
        "You cannot accept the referral: the breach is at “accepted by the NPS”. Next, the NPS sends the pack to court."
    )


@pytest.mark.parametrize("name", POST_ONLY)
def test_post_only_addresses_answer_405_to_a_get(breaching, client_for, name):
    breach = _at(breaching, "crc", "signed_off")
    before = state()

    response = client_for(breaching.org.other_provider_officer).get(_url(name, breach))

    assert response.status_code == 405
    assert state() == before


@pytest.mark.parametrize(
    "name",
    ["breach", "breach_sign_off", "breach_nps_review", "breach_new_version", "breach_outcome", "breach_withdraw"],
)
def test_other_methods_answer_405(breaching, client_for, name):
    breach = _breach(breaching, "nps")

    assert client_for(breaching.org.officer).put(_url(name, breach)).status_code == 405


# Scope: outside it, nothing is found --------------------------------------------------------------------------------

BREACH_PAGES = [
    "breach",
    "breach_preview",
    "breach_sign_off",
    "breach_nps_review",
    "breach_new_version",
    "breach_outcome",
    "breach_withdraw",
]


@pytest.mark.parametrize(
    "who", ["other_provider_officer", "other_provider_manager", "other_team_officer", "court_user"]
)
def test_outside_the_scope_every_breach_and_pack_page_is_not_found(breaching, client_for, who):
    breach = _at(breaching, "nps", "sent_to_court")
    pack = services.current_pack(breach)
    # The court user of the court the pack was sent to finds it only in the court portal.
    user = breaching.court_user if who == "court_user" else getattr(breaching.org, who)
    client = client_for(user)
    before = state()

    for name in BREACH_PAGES:
        assert client.get(_url(name, breach)).status_code == 404, name
        if name != "breach_preview":  # (a page to read only: a POST is 405 before anything is looked up)
            assert client.post(_url(name, breach), STEP_DATA.get(name, {})).status_code == 404, name
    for name in POST_ONLY:
        assert client.post(_url(name, breach)).status_code == 404, name
    assert client.get(_url("breach_pack", pack)).status_code == 404
    assert client.get(_url("breach_pack_pdf", pack)).status_code == 404
    assert state() == before


def test_nps_staff_do_not_see_a_crc_breach_before_it_is_referred(breaching, client_for):
    breach = _at(breaching, "crc", "signed_off")
    pack = services.current_pack(breach)
    client = client_for(breaching.org.officer)

    assert client.get(_url("breach", breach)).status_code == 404
    assert client.get(_url("breach_pack", pack)).status_code == 404
    assert client.post(_url("breach_send_to_court", breach)).status_code == 404


def test_a_missing_breach_or_pack_is_not_found(breaching, client_for):
    client = client_for(breaching.org.officer)

    assert client.get(reverse("enforcement:breach", args=[999_999])).status_code == 404
    assert client.get(reverse("enforcement:breach_pack", args=[999_999])).status_code == 404


@pytest.mark.parametrize("who", ["court_user", "upw", "administrator"])
def test_the_breaches_list_is_only_for_officers_and_managers(breaching, client_for, who):
    breach_for(breaching.nps_case)
    user = breaching.court_user if who == "court_user" else getattr(breaching.org, who)

    assert client_for(user).get(reverse("enforcement:breaches")).status_code == 403


def test_a_court_user_cannot_open_the_case_behind_a_pack(breaching, client_for):
    advance(breach_for(breaching.nps_case), "sent_to_court")

    client = client_for(breaching.court_user)

    assert client.get(reverse("enforcement:case_compliance", args=[breaching.nps_case.pk])).status_code == 404


# Access records -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["breach", "breach_preview", "breach_pack", "breach_withdraw"])
def test_opening_a_restricted_person_writes_an_access_record(breaching, client_for, name):
    breach = _at(breaching, "nps", "awaiting_sign_off")
    person = breach.case.person
    factories.PersonAccessLimitFactory(
        person=person, user=breaching.org.officer, kind=PersonAccessLimit.Kind.RESTRICTION
    )
    target = services.current_pack(breach) if name == "breach_pack" else breach

    response = client_for(breaching.org.officer).get(_url(name, target))

    assert response.status_code == 200
    assert list(AccessRecord.objects.filter(person=person).values_list("user", "path")) == [
        (breaching.org.officer.pk, _url(name, target))
    ]


def test_no_access_record_for_a_person_without_an_access_limit(breaching, client_for):
    breach = _breach(breaching, "nps")

    client_for(breaching.org.officer).get(_url("breach", breach))

    assert not AccessRecord.objects.exists()


def test_an_excluded_officer_does_not_find_the_breach(breaching, client_for):
    breach = _breach(breaching, "nps")
    factories.PersonAccessLimitFactory(person=breach.case.person, user=breaching.org.manager)

    assert client_for(breaching.org.manager).get(_url("breach", breach)).status_code == 404
    assert client_for(breaching.org.officer).get(_url("breach", breach)).status_code == 200


# The pack page ------------------------------------------------------------------------------------------------------


def test_the_pack_page(breaching, client_for):
    breach = _at(breaching, "nps", "sent_to_court")
    pack = services.current_pack(breach)

    response = client_for(breaching.org.manager).get(_url("breach_pack", pack))

    assert response.status_code == 200
    html = _html(response)
    assert "Breach pack, version 1" in html
    status = html[html.index('data-testid="pack-status"') : html.index("</dl>", html.index("pack-status"))]
    assert "Signed off by Maya Mensah on 25 November 2026" in status
    assert "25 November 2026 to Stockport Magistrates' Court" in status
    body = html[html.index('data-testid="pack"') :]
    assert "Casey Order" in body and "X123456" in body and "17 May 1990" in body
    assert "Community order of 12 months, made on 2 March 2026 at Stockport Magistrates' Court" in body
    assert "Unacceptable absence" in body
    assert STATEMENT in body and PROPOSAL in body
    assert "Signed off by Maya Mensah, manager, on 25 November 2026." in body


def test_a_superseded_version_says_so(breaching, client_for):
    breach = _at(breaching, "nps", "sent_to_court")
    first = services.current_pack(breach)
    services.breach_start_new_version(by=breaching.org.officer, breach=breach, reason="Add the letter.")
    advance(refreshed(breach), "sent_to_court")

    html = _html(client_for(breaching.org.officer).get(_url("breach_pack", first)))
    versions = _html(client_for(breaching.org.officer).get(_url("breach", breach)))

    assert "Superseded" in html and "on 25 November 2026 by a later version" in html
    assert versions.count("Superseded</strong>") == 1


# The breaches list --------------------------------------------------------------------------------------------------


def test_the_breaches_lists(breaching, client_for):
    org = breaching.org
    draft = _breach(breaching, "nps")
    waiting_case = community_case(org.colleague, first_name="Wendy", last_name="Waiting")
    sentenced_at(waiting_case, breaching.court)
    waiting = advance(breach_for(waiting_case), "awaiting_sign_off")
    referral = _at(breaching, "crc", "referred_to_nps")
    done_case = community_case(org.officer, first_name="Dan", last_name="Done")
    sentenced_at(done_case, breaching.court)
    advance(breach_for(done_case), "outcome_recorded")

    officer = _html(client_for(org.officer).get(reverse("enforcement:breaches")))
    manager = _html(client_for(org.manager).get(reverse("enforcement:breaches")))
    crc = _html(client_for(org.other_provider_officer).get(reverse("enforcement:breaches")))

    def rows(html, testid):
        if f'data-testid="{testid}"' not in html:
            return []
        table = html[html.index(f'data-testid="{testid}"') : html.index("</table>", html.index(f'"{testid}"'))]
        return [int(pk) for pk in re.findall(r'href="/[^"]*breaches/(\d+)/"', table)]

    assert rows(officer, "in-progress") == [draft.pk]  # the officer's own cases
    assert rows(officer, "referrals") == [referral.pk]  # NPS staff: the region's CRC referrals
    assert "Waiting for your sign-off" not in officer
    assert rows(manager, "sign-off") == [waiting.pk]
    assert sorted(rows(manager, "in-progress")) == sorted([draft.pk, waiting.pk])
    assert rows(manager, "referrals") == [referral.pk]
    assert rows(crc, "in-progress") == [referral.pk]
    assert rows(crc, "referrals") == []
    assert "Pack being prepared" in officer and "Casey Order" in officer


def test_the_breaches_list_when_there_are_none(breaching, client_for):
    html = _html(client_for(breaching.org.manager).get(reverse("enforcement:breaches")))

    assert "No pack is waiting for sign-off." in html
    assert "No breach is in progress." in html
    assert "CRC referrals waiting for the NPS" not in html


# The case's Compliance tab ------------------------------------------------------------------------------------------


def test_the_compliance_tab_lists_the_breach_and_what_is_in_progress(breaching, client_for):
    breach = _at(breaching, "nps", "awaiting_sign_off")

    html = _html(
        client_for(breaching.org.officer).get(reverse("enforcement:case_compliance", args=[breaching.nps_case.pk]))
    )

    in_progress = html[html.index('data-testid="enforcement-in-progress"') : html.index("</dd>", html.index("in-prog"))]
    assert re.search(
        rf'<a class="govuk-link" href="{_url("breach", breach)}">Breach: waiting for a manager\'s sign-off</a>',
        in_progress,
    )
    table = html[html.index('data-testid="breaches-and-recalls"') : html.index("</table>", html.index("and-recalls"))]
    assert re.search(
        rf'href="{_url("breach", breach)}" data-testid="breach-link">Breach of the community order</a>', table
    )
    assert "23 November 2026" in table and "Stockport Magistrates' Court" in table
    assert "Waiting for a manager's sign-off" in table


def test_the_compliance_tab_names_the_nps_as_written(breaching, client_for):
    """ "In progress" lowercases only the status's first letter: "NPS" stays as written."""
    _at(breaching, "crc", "referred_to_nps")

    html = _html(
        client_for(breaching.org.other_provider_officer).get(
            reverse("enforcement:case_compliance", args=[breaching.crc_case.pk])
        )
    )

    in_progress = html[html.index('data-testid="enforcement-in-progress"') : html.index("</dd>", html.index("in-prog"))]
    assert "Breach: referred to the NPS</a>" in in_progress


def test_the_compliance_tab_after_the_outcome(breaching, client_for):
    breach = _at(breaching, "nps", "outcome_recorded")

    html = _html(
        client_for(breaching.org.officer).get(reverse("enforcement:case_compliance", args=[breaching.nps_case.pk]))
    )

    in_progress = html[html.index('data-testid="enforcement-in-progress"') : html.index("</dd>", html.index("in-prog"))]
    assert "No breach or recall in progress" in in_progress
    assert _url("breach", breach) in html
    assert "Court outcome recorded: order to continue" in html


def test_the_compliance_tab_without_a_breach(breaching, client_for):
    html = _html(
        client_for(breaching.org.officer).get(reverse("enforcement:case_compliance", args=[breaching.nps_case.pk]))
    )

    assert "No breach or recall in progress" in html
    assert 'data-testid="breaches-and-recalls"' not in html


# Queries: the same number however many failures, versions, steps and breaches ------------------------------------

# Each count includes the signed-in request's own (the session read and saved, the user, their team and provider, the
# alerts panel). The breach page's 16: those 8, the breach, the access-limit check, the versions with the court's
# requests and who made them (3), the timeline and the case header's risk flags (2).
PINNED = {
    "breach": 16,
    "breach_draft": 18,  # and the region's courts for the draft form (the select counts them, then lists them)
    "pack": 11,
    "breaches_officer": 10,
    "breaches_manager": 10,
}


def _grow(breaching, breach: Breach, *, failures: int = 3, versions: int = 2) -> Breach:
    """More failures decided as breach action (they join the breach), court requests, and corrected versions sent
    to court, each signed off and acknowledged: the breach ends at court again with `versions` more versions."""
    org = breaching.org
    for offset in range(failures):
        further = failure(breach.case, date(2026, 11, 16) + timedelta(days=offset))
        failure_decide(by=org.officer, failure=further, decision="breach", reason=f"Absent again ({offset}).")
    for number in range(versions):
        pack = services.current_pack(breach)
        services.court_acknowledge(by=breaching.court_user, pack=pack)
        for ask in range(2):
            services.court_request_information(by=breaching.court_user, pack=pack, message=f"More {number}.{ask}")
        services.breach_start_new_version(by=org.officer, breach=breach, reason=f"Correction {number}")
        advance(refreshed(breach), "sent_to_court")
    return refreshed(breach)


def _one_of_each(breaching) -> Breach:
    """The NPS breach at court with one version and one request from the court (so every prefetch has a row)."""
    breach = _at(breaching, "nps", "sent_to_court")
    services.court_request_information(
        by=breaching.court_user, pack=services.current_pack(breach), message="The letter, please."
    )
    return breach


def test_the_breach_page_queries(breaching, client_for, django_assert_num_queries):
    breach = _one_of_each(breaching)
    client = client_for(breaching.org.officer)
    url = _url("breach", breach)

    with django_assert_num_queries(PINNED["breach"]):
        assert client.get(url).status_code == 200
    _grow(breaching, breach)
    assert BreachPack.objects.filter(breach=breach).count() == 3
    assert CourtInformationRequest.objects.count() == 5
    assert BreachStep.objects.filter(breach=breach).count() > 20
    with django_assert_num_queries(PINNED["breach"]):
        assert client.get(url).status_code == 200


def test_the_draft_page_queries(breaching, client_for, django_assert_num_queries):
    """The breach being corrected (the draft form), with one version sent and then with three."""
    breach = _one_of_each(breaching)
    client = client_for(breaching.org.officer)
    url = _url("breach", breach)
    services.breach_start_new_version(by=breaching.org.officer, breach=breach, reason="Add the letter.")

    with django_assert_num_queries(PINNED["breach_draft"]):
        assert 'data-testid="draft-form"' in _html(client.get(url))
    advance(refreshed(breach), "sent_to_court")
    _grow(breaching, refreshed(breach))
    services.breach_start_new_version(by=breaching.org.officer, breach=breach, reason="Again.")
    assert BreachPack.objects.filter(breach=breach).count() == 4
    with django_assert_num_queries(PINNED["breach_draft"]):
        assert 'data-testid="draft-form"' in _html(client.get(url))


def test_the_pack_page_queries(breaching, client_for, django_assert_num_queries):
    breach = _at(breaching, "nps", "sent_to_court")
    client = client_for(breaching.org.officer)

    with django_assert_num_queries(PINNED["pack"]):
        assert client.get(_url("breach_pack", services.current_pack(breach))).status_code == 200
    _grow(breaching, breach)
    with django_assert_num_queries(PINNED["pack"]):
        assert client.get(_url("breach_pack", services.current_pack(breach))).status_code == 200
    with django_assert_num_queries(PINNED["pack"]):
        assert client.get(_url("breach_pack", BreachPack.objects.get(breach=breach, version=1))).status_code == 200


@pytest.mark.parametrize("who", ["officer", "manager"])
def test_the_breaches_list_queries(breaching, client_for, django_assert_num_queries, who):
    org = breaching.org
    client = client_for(getattr(org, who))
    url = reverse("enforcement:breaches")
    advance(breach_for(breaching.nps_case), "awaiting_sign_off")

    with django_assert_num_queries(PINNED[f"breaches_{who}"]):
        assert client.get(url).status_code == 200
    for index, status in enumerate(["draft", "awaiting_sign_off", "signed_off", "sent_to_court"]):
        case = community_case(org.officer, first_name="Many", last_name=f"Breaches{index}")
        sentenced_at(case, breaching.court)
        advance(breach_for(case), status)
    crc_case = community_case(org.other_provider_officer, first_name="Crc", last_name="Referral")
    sentenced_at(crc_case, breaching.court)
    advance(breach_for(crc_case), "referred_to_nps")
    _at(breaching, "crc", "accepted_by_nps")
    with django_assert_num_queries(PINNED[f"breaches_{who}"]):
        html = _html(client.get(url))
    assert html.count('href="/') > 5
