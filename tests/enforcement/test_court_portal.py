"""The court portal: a court user sees exactly the breach packs sent to the courts they work for, opens one,
acknowledges it and asks for more information; everything else is not found (404) and staff are refused (403).

Today is Wednesday 25 November 2026, 10:00 London (tests/enforcement/setup.py). Breaches are made as the product
makes them (tests/enforcement/breach_setup.py). Carys Clerk is the court user of Stockport Magistrates' Court (court
A, where the orders were made); Owain Usher works for Manchester Magistrates' Court (court B).
"""

import html as html_lib
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse

from cases.models import AccessRecord, PersonAccessLimit
from enforcement.models import BreachPack, BreachStep, CourtInformationRequest
from enforcement.services import breach as services
from tests import factories
from tests.enforcement import breach_setup
from tests.enforcement.breach_setup import (
    PROPOSAL,
    STATEMENT,
    advance,
    breach_for,
    prepare,
    refreshed,
    sentenced_at,
    state,
    submit,
)
from tests.enforcement.setup import NOW, community_case

frozen = breach_setup.frozen
breaching = breach_setup.breaching

pytestmark = pytest.mark.django_db

STAFF = ["officer", "manager", "other_provider_officer", "administrator"]


def _html(response) -> str:
    return html_lib.unescape(response.content.decode())


def _list_url() -> str:
    return reverse("enforcement:court_packs")


def _url(name: str, pack) -> str:
    return reverse(f"enforcement:{name}", args=[pack.pk])


def _listed(html: str) -> dict[int, str]:
    """The packs in the court's list: pack id -> the row's status tag."""
    rows = re.findall(r'<tr class="govuk-table__row" data-testid="court-pack-(\d+)">(.*?)</tr>', html, re.S)
    return {int(pk): re.search(r'<strong class="govuk-tag[^"]*">([^<]*)</strong>', row).group(1) for pk, row in rows}


def _case(breaching, officer, last_name: str):
    case = community_case(officer, first_name="Pat", last_name=last_name)
    sentenced_at(case, breaching.court)
    return case


def _errors(response) -> str:
    html = _html(response)
    start = html.index('data-testid="error-summary"')
    return html[start : html.index("</ul>", start)]


@pytest.fixture
def packs(breaching):
    """Packs in every place: two sent to court A (an NPS case's, and a CRC case's presented by the NPS), the first
    version of a third sent to court A whose corrected version waits for sign-off, one sent to court B, and packs
    the court must never see: a version sent back to draft, a version waiting for sign-off, a signed-off version not
    yet sent and a CRC breach only referred to the NPS."""
    org = breaching.org
    nps = advance(breach_for(breaching.nps_case), "sent_to_court")
    crc_at_court = advance(breach_for(_case(breaching, org.other_provider_officer, "Presented")), "sent_to_court")
    corrected = advance(breach_for(_case(breaching, org.officer, "Corrected")), "sent_to_court")
    corrected_v1 = services.current_pack(corrected)
    services.breach_start_new_version(by=org.officer, breach=corrected, reason="A clearer proposal.")
    corrected_v2 = submit(refreshed(corrected))
    to_b = breach_for(_case(breaching, org.officer, "Elsewhere"))
    prepare(to_b, court=breaching.other_court)
    to_b = advance(refreshed(to_b), "sent_to_court")
    returned = breach_for(_case(breaching, org.colleague, "Returned"))
    returned_v1 = submit(returned)
    services.breach_return(by=org.manager, breach=returned, note="Add the warning letter.")
    waiting = advance(breach_for(_case(breaching, org.officer, "Waiting")), "awaiting_sign_off")
    signed = advance(breach_for(_case(breaching, org.officer, "Signed")), "signed_off")
    referred = advance(breach_for(breaching.crc_case), "referred_to_nps")
    return SimpleNamespace(
        nps=services.current_pack(nps),
        crc_at_court=services.current_pack(crc_at_court),
        corrected_v1=corrected_v1,
        corrected_v2=corrected_v2,
        to_b=services.current_pack(to_b),
        returned=returned_v1,
        waiting=services.current_pack(waiting),
        signed=services.current_pack(signed),
        referred=services.current_pack(referred),
    )


def _court_a(packs):
    return {packs.nps.pk, packs.crc_at_court.pk, packs.corrected_v1.pk}


def _never_for_court_a(packs):
    return {
        "to court B": packs.to_b,
        "sent back to draft": packs.returned,
        "waiting for sign-off": packs.waiting,
        "signed off, not sent": packs.signed,
        "corrected version waiting for sign-off": packs.corrected_v2,
        "a CRC breach only referred to the NPS": packs.referred,
    }


# What each court user sees -----------------------------------------------------------------------------------------


def test_a_court_user_sees_exactly_the_packs_sent_to_their_court(breaching, packs, client_for):
    response = client_for(breaching.court_user).get(_list_url())

    assert response.status_code == 200
    html = _html(response)
    assert _listed(html) == dict.fromkeys(_court_a(packs), "New")
    assert "Packs the probation service has sent to Stockport Magistrates' Court, newest first." in html
    row = html[html.index(f'data-testid="court-pack-{packs.nps.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Casey Order" in row and "CRN X123456, version 1" in row
    assert "Community order" in row and "Stockport Magistrates' Court" in row and "25 November 2026" in row
    assert _url("court_pack", packs.nps) in row


def test_the_other_courts_user_sees_only_theirs(breaching, packs, client_for):
    html = _html(client_for(breaching.other_court_user).get(_list_url()))

    assert _listed(html) == {packs.to_b.pk: "New"}
    assert "Manchester Magistrates' Court" in html


def test_a_court_user_of_both_courts_sees_both(breaching, packs, client_for):
    both = factories.CourtUserFactory(courts=[breaching.court, breaching.other_court])

    html = _html(client_for(both).get(_list_url()))

    assert set(_listed(html)) == _court_a(packs) | {packs.to_b.pk}
    assert "Manchester Magistrates' Court and Stockport Magistrates' Court" in html


def test_a_court_user_without_courts_sees_nothing(breaching, packs, client_for):
    html = _html(client_for(breaching.org.court_user).get(_list_url()))

    assert _listed(html) == {}
    assert 'data-testid="no-court-packs"' in html
    assert "No breach pack has been sent to your courts." in html


def test_a_court_user_does_not_see_a_person_excluded_for_them(breaching, packs, client_for):
    factories.PersonAccessLimitFactory(person=breaching.nps_case.person, user=breaching.court_user)
    client = client_for(breaching.court_user)

    assert set(_listed(_html(client.get(_list_url())))) == _court_a(packs) - {packs.nps.pk}
    assert client.get(_url("court_pack", packs.nps)).status_code == 404


def test_a_court_user_on_a_restriction_list_sees_the_pack_and_others_do_not(breaching, packs, client_for):
    factories.PersonAccessLimitFactory(
        person=breaching.nps_case.person, user=breaching.court_user, kind=PersonAccessLimit.Kind.RESTRICTION
    )
    other = factories.CourtUserFactory(courts=[breaching.court])

    assert client_for(breaching.court_user).get(_url("court_pack", packs.nps)).status_code == 200
    assert client_for(other).get(_url("court_pack", packs.nps)).status_code == 404
    assert packs.nps.pk not in _listed(_html(client_for(other).get(_list_url())))


def test_opening_a_restricted_persons_pack_writes_an_access_record(breaching, packs, client_for):
    person = breaching.nps_case.person
    factories.PersonAccessLimitFactory(
        person=person, user=breaching.court_user, kind=PersonAccessLimit.Kind.RESTRICTION
    )

    assert client_for(breaching.court_user).get(_url("court_pack", packs.nps)).status_code == 200

    assert list(AccessRecord.objects.filter(person=person).values_list("user", "path")) == [
        (breaching.court_user.pk, _url("court_pack", packs.nps))
    ]


def test_the_list_is_paginated(breaching, packs, client_for, monkeypatch):
    monkeypatch.setattr("enforcement.views.court_portal.PAGE_SIZE", 2)
    client = client_for(breaching.court_user)

    first = _listed(_html(client.get(_list_url())))
    second = _listed(_html(client.get(_list_url(), {"page": 2})))

    assert len(first) == 2 and len(second) == 1
    assert set(first) | set(second) == _court_a(packs)


@pytest.mark.parametrize(
    "which",
    [
        "to court B",
        "sent back to draft",
        "waiting for sign-off",
        "signed off, not sent",
        "corrected version waiting for sign-off",
        "a CRC breach only referred to the NPS",
    ],
)
def test_a_pack_outside_the_court_users_courts_is_not_found(breaching, packs, client_for, which):
    pack = _never_for_court_a(packs)[which]
    client = client_for(breaching.court_user)
    before = state()

    assert client.get(_url("court_pack", pack)).status_code == 404
    assert client.get(_url("court_pack_pdf", pack)).status_code == 404
    assert client.post(_url("court_pack_acknowledge", pack)).status_code == 404
    assert client.post(_url("court_pack_request_information", pack), {"message": "Why?"}).status_code == 404
    assert state() == before


def test_a_missing_pack_is_not_found(breaching, client_for):
    assert client_for(breaching.court_user).get(reverse("enforcement:court_pack", args=[999_999])).status_code == 404


@pytest.mark.parametrize("who", STAFF)
def test_staff_are_refused_the_court_portal(breaching, packs, client_for, who):
    client = client_for(getattr(breaching.org, who))
    before = state()

    assert client.get(_list_url()).status_code == 403
    assert client.get(_url("court_pack", packs.nps)).status_code == 403
    assert client.get(_url("court_pack_pdf", packs.nps)).status_code == 403
    assert client.post(_url("court_pack_acknowledge", packs.nps)).status_code == 403
    assert client.post(_url("court_pack_request_information", packs.nps), {"message": "Why?"}).status_code == 403
    assert state() == before


def test_signed_out_the_portal_asks_to_sign_in(breaching, client_for):
    from django.test import Client

    response = Client().get(_list_url())

    assert response.status_code == 302 and "login" in response.url


@pytest.mark.parametrize("name", ["court_pack_acknowledge", "court_pack_request_information"])
def test_post_only_addresses_answer_405_to_a_get(breaching, packs, client_for, name):
    before = state()

    assert client_for(breaching.court_user).get(_url(name, packs.nps)).status_code == 405
    assert state() == before


# The pack page -----------------------------------------------------------------------------------------------------


def test_the_pack_as_the_court_sees_it(breaching, packs, client_for):
    response = client_for(breaching.court_user).get(_url("court_pack", packs.nps))

    assert response.status_code == 200
    html = _html(response)
    assert "Casey Order, CRN X123456" in html
    assert "Breach pack, version 1" in html
    assert "Stockport Magistrates' Court on 25 November 2026" in html
    assert re.search(r'data-testid="acknowledged">Not yet</dd>', html)
    assert 'data-testid="acknowledge"' in html
    assert 'data-testid="request-form"' in html
    body = html[html.index('data-testid="pack"') :]
    assert STATEMENT in body and PROPOSAL in body
    assert "2 November 2026" in body and "23 November 2026" in body
    assert "Signed off by Maya Mensah, manager, on 25 November 2026." in body
    assert "Information the court asked for" in html and "None." in html
    assert _list_url() in html  # back to the list


# Acknowledging ------------------------------------------------------------------------------------------------------


def test_acknowledging_a_pack(breaching, packs, client_for):
    client = client_for(breaching.court_user)

    response = client.post(_url("court_pack_acknowledge", packs.nps))

    assert response.status_code == 302 and response.url == _url("court_pack", packs.nps)
    html = _html(client.get(response.url))
    assert "Pack acknowledged. The probation service can see that the court has it." in html
    assert re.search(r'data-testid="acknowledged">On 25 November 2026 by Carys Clerk</dd>', html)
    assert 'data-testid="acknowledge"' not in html
    assert _listed(_html(client.get(_list_url())))[packs.nps.pk] == "Acknowledged"
    staff = _html(client_for(breaching.org.officer).get(reverse("enforcement:breach", args=[packs.nps.breach_id])))
    assert "Sent to Stockport Magistrates' Court on 25 November 2026; acknowledged 25 November 2026" in staff
    assert "Court acknowledged the pack by Carys Clerk (version 1)" in staff


def test_acknowledging_again_keeps_the_first_time(breaching, packs, client_for):
    client_for(breaching.court_user).post(_url("court_pack_acknowledge", packs.nps))

    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        client = client_for(breaching.court_user)  # signed in again the next day
        again = client.post(_url("court_pack_acknowledge", packs.nps))
        page = _html(client.get(_url("court_pack", packs.nps)))

    assert again.status_code == 302 and again.url == _url("court_pack", packs.nps)
    pack = BreachPack.objects.get(pk=packs.nps.pk)
    assert (pack.acknowledged_at, pack.acknowledged_by) == (NOW, breaching.court_user)
    assert BreachStep.objects.filter(pack=pack, step="court_acknowledged").count() == 1
    assert re.search(r'data-testid="acknowledged">On 25 November 2026 by Carys Clerk</dd>', page)


# Asking for more information ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("", "Say what more information the court needs."),
        ("   ", "Say what more information the court needs."),
        ("x" * 4_001, "What more does the court need? must be 4,000 characters or fewer."),
    ],
)
def test_asking_needs_a_message(breaching, packs, client_for, message, error):
    before = state()

    response = client_for(breaching.court_user).post(
        _url("court_pack_request_information", packs.nps), {"message": message}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["message"] == [error]
    assert error in _errors(response)
    html = _html(response)
    assert 'id="id_message-error"' in html
    assert "<title>Error: Breach pack" in html
    assert "Breach pack, version 1" in html  # still the pack's page
    assert not CourtInformationRequest.objects.exists()
    assert state() == before


def test_asking_for_more_and_the_corrected_version_answering_it(breaching, packs, client_for):
    org = breaching.org
    court = client_for(breaching.court_user)
    breach = refreshed(packs.nps.breach)

    response = court.post(
        _url("court_pack_request_information", packs.nps), {"message": "The dates of the appointments offered."}
    )

    assert response.status_code == 302 and response.url == _url("court_pack", packs.nps)
    request = CourtInformationRequest.objects.get()
    assert (request.pack, request.court, request.message, request.requested_by, request.answered_by_pack) == (
        packs.nps,
        breaching.court,
        "The dates of the appointments offered.",
        breaching.court_user,
        None,
    )
    page = _html(court.get(response.url))
    assert "Request sent. The officer will send a corrected version of the pack." in page
    requests = page[page.index('data-testid="court-requests"') : page.index("</ul>", page.index("court-requests"))]
    assert "25 November 2026: The dates of the appointments offered." in requests
    assert "Answered by a later version" not in requests
    assert _listed(_html(court.get(_list_url())))[packs.nps.pk] == "More information asked for"
    staff = _html(client_for(org.officer).get(reverse("enforcement:breach", args=[breach.pk])))
    assert re.search(
        r'data-testid="court-request">25 November 2026, Carys Clerk: The dates of the appointments offered.', staff
    )

    # The officer prepares version 2, the manager signs it off and the officer sends it.
    officer, manager = client_for(org.officer), client_for(org.manager)
    breach_url = reverse("enforcement:breach", args=[breach.pk])
    assert (
        officer.post(
            reverse("enforcement:breach_new_version", args=[breach.pk]), {"reason": "The appointments offered."}
        ).status_code
        == 302
    )
    assert (
        officer.post(
            breach_url,
            {"statement": STATEMENT + " Offered 9 and 16 November.", "proposal": PROPOSAL, "court": breaching.court.pk}
            | {"action": "submit"},
        ).status_code
        == 302
    )
    assert (
        manager.post(reverse("enforcement:breach_sign_off", args=[breach.pk]), {"decision": "sign_off"}).status_code
        == 302
    )
    assert officer.post(reverse("enforcement:breach_send_to_court", args=[breach.pk])).status_code == 302

    second = BreachPack.objects.get(breach=breach, version=2)
    listed = _listed(_html(court.get(_list_url())))
    assert listed[second.pk] == "New"
    assert listed[packs.nps.pk] == "Replaced by a later version"
    request.refresh_from_db()
    assert request.answered_by_pack == second
    first_page = _html(court.get(_url("court_pack", packs.nps)))
    assert "Superseded" in first_page and "by a later version on 25 November 2026" in first_page
    assert "The dates of the appointments offered. Answered by a later version" in re.sub(r"<[^>]+>", "", first_page)
    assert 'data-testid="request-form"' not in first_page  # nothing more to ask about version 1
    second_page = _html(court.get(_url("court_pack", second)))
    assert "Breach pack, version 2" in second_page
    assert "Offered 9 and 16 November." in second_page
    assert 'data-testid="request-form"' in second_page and "Superseded" not in second_page


def test_asking_about_a_version_being_corrected_or_replaced_is_refused(breaching, packs, client_for):
    client = client_for(breaching.court_user)
    before = state()

    # Version 2 of the corrected breach waits for sign-off: the breach is not at court while it is corrected.
    page = _html(client.get(_url("court_pack", packs.corrected_v1)))
    waiting = client.post(_url("court_pack_request_information", packs.corrected_v1), {"message": "Why?"})

    assert 'data-testid="request-form"' not in page
    assert waiting.status_code == 400
    assert waiting.context["form"].non_field_errors() == [
        "The breach is no longer waiting at court (waiting for a manager's sign-off), so there is nothing to ask."
    ]
    assert state() == before

    services.breach_sign_off(by=breaching.org.manager, breach=packs.corrected_v2.breach)
    services.breach_send_to_court(by=breaching.org.officer, breach=packs.corrected_v2.breach)
    before = state()

    replaced = client.post(_url("court_pack_request_information", packs.corrected_v1), {"message": "And why?"})

    assert replaced.status_code == 400
    assert replaced.context["form"].non_field_errors() == ["A later version of this pack was sent: ask about that one."]
    assert "A later version of this pack was sent: ask about that one." in _errors(replaced)
    assert state() == before


def test_asking_after_the_outcome_is_refused(breaching, packs, client_for):
    advance(refreshed(packs.nps.breach), "outcome_recorded")
    client = client_for(breaching.court_user)
    before = state()

    page = _html(client.get(_url("court_pack", packs.nps)))
    response = client.post(_url("court_pack_request_information", packs.nps), {"message": "Why?"})

    assert 'data-testid="request-form"' not in page
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "The breach is no longer waiting at court (court outcome recorded), so there is nothing to ask."
    ]
    assert state() == before


def test_the_list_says_when_the_breach_was_heard_or_withdrawn(breaching, client_for):
    org = breaching.org
    heard = services.current_pack(advance(breach_for(breaching.nps_case), "sent_to_court"))
    advance(refreshed(heard.breach), "outcome_recorded")
    withdrawn = services.current_pack(advance(breach_for(_case(breaching, org.officer, "Withdrawn")), "sent_to_court"))
    services.breach_withdraw(by=org.officer, breach=withdrawn.breach, reason="The person died on 24 November.")

    listed = _listed(_html(client_for(breaching.court_user).get(_list_url())))

    assert listed == {heard.pk: "Heard on 25 November 2026", withdrawn.pk: "Breach withdrawn"}


# Home and navigation ------------------------------------------------------------------------------------------------


def test_the_home_page_takes_a_court_user_to_the_portal(breaching, client_for):
    response = client_for(breaching.court_user).get("/")

    assert response.status_code == 302 and response.url == _list_url()


def test_the_home_page_takes_staff_to_their_caseload(breaching, client_for):
    response = client_for(breaching.org.officer).get("/")

    assert response.status_code == 302 and response.url == reverse("cases:caseload")


def _navigation(html: str) -> list[tuple[str, str, bool]]:
    """(text, href, current) of each item in the service navigation."""
    items = re.findall(
        r'<a class="govuk-service-navigation__link" href="([^"]+)"( aria-current="page")?>\s*(?:<strong[^>]*>)?'
        r"([^<]+?)\s*<",
        html,
    )
    return [(text, href, bool(current)) for href, current, text in items]


@pytest.mark.parametrize("page", ["list", "pack"])
def test_a_court_users_navigation_has_only_breach_packs(breaching, packs, client_for, page):
    url = _list_url() if page == "list" else _url("court_pack", packs.nps)

    html = _html(client_for(breaching.court_user).get(url))

    assert _navigation(html) == [("Breach packs", _list_url(), True)]


def test_staff_navigation_has_no_court_portal(breaching, client_for):
    items = _navigation(_html(client_for(breaching.org.officer).get(reverse("enforcement:breaches"))))

    assert "Breach packs" not in [text for text, _, _ in items]
    assert ("Breach and recall", reverse("enforcement:breaches"), True) in items


# Queries: the same number however many packs, versions and requests -------------------------------------------------

# Each count includes the signed-in request's own (the session read and saved: 4, the user: 1; a court user has no
# team). The list's 8: those 5, the page's count, the user's courts for the heading and the page of packs. The pack
# page's 9: those 5, the pack (with its breach, person, order and court), the court's requests on it, and who
# prepared and who signed off the version (one query each: court_pack_get does not select_related them).
PINNED = {"list": 8, "pack": 8}  # the pack page: with its access-limit check, who prepared and signed it in one query


def test_the_list_queries(breaching, client_for, django_assert_num_queries):
    org = breaching.org
    client = client_for(breaching.court_user)
    first = services.current_pack(advance(breach_for(breaching.nps_case), "sent_to_court"))
    services.court_request_information(by=breaching.court_user, pack=first, message="The letter.")

    with django_assert_num_queries(PINNED["list"]):
        assert len(_listed(_html(client.get(_list_url())))) == 1
    services.breach_start_new_version(by=org.officer, breach=first.breach, reason="The letter.")
    advance(refreshed(first.breach), "sent_to_court")
    for index in range(4):
        pack = services.current_pack(
            advance(breach_for(_case(breaching, org.officer, f"Many{index}")), "sent_to_court")
        )
        if index % 2:
            services.court_acknowledge(by=breaching.court_user, pack=pack)
        else:
            services.court_request_information(by=breaching.court_user, pack=pack, message="More.")
    crc = services.current_pack(advance(breach_for(breaching.crc_case), "sent_to_court"))
    services.court_acknowledge(by=breaching.court_user, pack=crc)
    with django_assert_num_queries(PINNED["list"]):
        assert len(_listed(_html(client.get(_list_url())))) == 7


def test_the_pack_page_queries(breaching, client_for, django_assert_num_queries):
    org = breaching.org
    client = client_for(breaching.court_user)
    breach = advance(breach_for(breaching.nps_case), "sent_to_court")
    first = services.current_pack(breach)
    services.court_request_information(by=breaching.court_user, pack=first, message="The letter.")

    with django_assert_num_queries(PINNED["pack"]):
        assert client.get(_url("court_pack", first)).status_code == 200
    for index in range(4):
        services.court_request_information(by=breaching.court_user, pack=first, message=f"And {index}.")
    services.court_acknowledge(by=breaching.court_user, pack=first)
    with django_assert_num_queries(PINNED["pack"]):
        assert client.get(_url("court_pack", first)).status_code == 200
    services.breach_start_new_version(by=org.officer, breach=breach, reason="The letter.")
    second = services.current_pack(advance(refreshed(breach), "sent_to_court"))
    services.court_request_information(by=breaching.court_user, pack=second, message="Still more.")
    with django_assert_num_queries(PINNED["pack"]):
        assert client.get(_url("court_pack", first)).status_code == 200  # replaced, its requests answered
    with django_assert_num_queries(PINNED["pack"]):
        assert client.get(_url("court_pack", second)).status_code == 200
