"""Rules mended after the review of breach and recall (issue 6): post-sentence supervision is breached (the
magistrates' court enforces it), never recalled; a recall is never reviewed before it was started; a pack lists only
decided failures and counts appointments up to its own day; a court cannot acknowledge a withdrawn breach; PDF
running headers print names as they are.

Today is Wednesday 25 November 2026 (tests/enforcement/setup.py).
"""

import io
from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Disposal
from conftest import service_required
from enforcement.models import BreachPack, Recall
from enforcement.pdf import pdf_available, render_pdf
from enforcement.selectors.breach import pack_content
from enforcement.services import breach as breach_services
from enforcement.services import compliance
from enforcement.services import recall as recall_services
from enforcement.templatetags.enforcement_tags import css_string
from tests import factories
from tests.enforcement import breach_setup, setup
from tests.enforcement.breach_setup import advance, breach_for, refreshed
from tests.enforcement.setup import ORDER_DATE, failure

frozen = setup.frozen
breaching = breach_setup.breaching

pytestmark = pytest.mark.django_db

LONDON = timezone.get_default_timezone()


def supervision_case(officer):
    """Custody of 6 months from 2 March 2026, released 1 May; licence to 1 September, post-sentence supervision to 1
    May 2027: today the person is under post-sentence supervision."""
    case = factories.CaseFactory(responsible_officer=officer)
    factories.SentenceFactory(
        case=case,
        disposal=Disposal.CUSTODY,
        sentence_date=ORDER_DATE,
        length_months=6,
        released_on=date(2026, 5, 1),
        licence_end_date=date(2026, 9, 1),
        post_sentence_supervision_end_date=date(2027, 5, 1),
        end_date=date(2027, 5, 1),
    )
    return case


# Post-sentence supervision -----------------------------------------------------------------------------------------


def test_post_sentence_supervision_is_breached_not_recalled(org, frozen):
    case = supervision_case(org.officer)
    first = failure(case, date(2026, 11, 2))
    sentence = first.sentence

    assert compliance.is_post_sentence_supervision(sentence, date(2026, 11, 2))
    assert not compliance.is_licence(sentence, date(2026, 11, 2))
    assert compliance.is_licence(sentence, date(2026, 8, 1))  # on licence then: recall
    assert compliance.is_breachable(sentence, date(2026, 11, 2))
    assert compliance.decisions_allowed(first, warnings=[], requires_action=False)[-1] == "breach"
    with pytest.raises(ValidationError) as refused:
        compliance.failure_decide(by=org.officer, failure=first, decision="recall")
    assert refused.value.message_dict == {
        "decision": ["Recall is only for someone on licence: an order, or post-sentence supervision, is breached."]
    }
    decided = compliance.failure_decide(by=org.officer, failure=first, decision="first_warning")
    assert "you will be returned to court for breach" in decided.warning_letter.body
    assert "Your licence ended on 1 September 2026 and you are under post-sentence supervision until 1 May 2027." in (
        decided.warning_letter.body
    )


def test_recall_cannot_be_considered_once_the_licence_has_ended(org, frozen):
    case = supervision_case(org.officer)

    with pytest.raises(ValidationError) as refused:
        recall_services.recall_consider(by=org.officer, case=case, reasons="Arrested.")

    assert refused.value.messages == [recall_services.LICENCE_ENDED]
    assert not Recall.objects.exists()


# A recall is reviewed on or after the day it was started ------------------------------------------------------------


def test_a_recall_decided_after_the_failure_cannot_be_reviewed_before_the_decision(compliance_licence):
    org, case = compliance_licence
    absent = failure(case, date(2026, 11, 16))
    compliance.failure_decide(by=org.officer, failure=absent, decision="first_warning", on=date(2026, 11, 16))
    again = failure(case, date(2026, 11, 18))
    compliance.failure_decide(by=org.officer, failure=again, decision="recall", on=date(2026, 11, 20))
    recall = Recall.objects.get()
    recall_services.recall_submit_for_review(by=org.officer, recall=recall, reasons=recall.reasons)

    with pytest.raises(ValidationError) as refused:
        recall_services.recall_review(
            by=org.manager,
            recall=recall,
            recommendation="no_recall",
            rationale="Re-engaged.",
            alternatives_considered="More contact.",
            extended_or_specified_sentence=None,
            charged_with_serious_offence=None,
            risk_manageable_after_fixed_term=None,
            on=date(2026, 11, 18),
        )

    assert refused.value.message_dict == {
        "on": ["The date of the review cannot be before recall was started (20 November 2026)."]
    }
    assert recall_services.recall_started_on(recall) == date(2026, 11, 20)


@pytest.fixture
def compliance_licence(org, frozen):
    return org, setup.licence_case(org.officer)


# The pack lists decided failures, as things stood on its day ---------------------------------------------------------


def test_the_pack_lists_decided_failures_only_and_appointments_up_to_its_day(breaching):
    case = breaching.nps_case
    breach = breach_for(case)
    waiting = failure(case, date(2026, 11, 24))  # not decided yet: not an allegation
    later = factories.ContactFactory(case=case, starts_at=datetime.combine(date(2026, 11, 26), time(10), LONDON))

    content = pack_content(breach, as_at=timezone.now())

    assert [row["failed_on"] for row in content["failures"]] == ["2026-11-02", "2026-11-23"]
    assert waiting.pk not in [row["id"] for row in content["failures"]]
    earlier = pack_content(breach, as_at=timezone.now() - timedelta(days=10))
    assert [row["failed_on"] for row in earlier["failures"]] == ["2026-11-02"]
    assert earlier["appointments"]["total"] == 1
    assert later.outcome is None  # (an appointment still to come counts nowhere)


# The court and a withdrawn breach -----------------------------------------------------------------------------------


def test_a_court_cannot_acknowledge_a_withdrawn_breach(breaching):
    breach = advance(breach_for(breaching.nps_case), "sent_to_court")
    pack = breach_services.current_pack(breach)
    breach_services.breach_withdraw(by=breaching.org.officer, breach=refreshed(breach), reason="Evidence arrived.")
    steps_before = list(breach.steps.values_list("step", flat=True))

    with pytest.raises(ValidationError) as refused:
        breach_services.court_acknowledge(by=breaching.court_user, pack=pack)

    assert refused.value.messages == ["The breach was withdrawn, so there is nothing to acknowledge."]
    assert BreachPack.objects.get(pk=pack.pk).acknowledged_at is None
    assert list(breach.steps.values_list("step", flat=True)) == steps_before


# PDF running headers -------------------------------------------------------------------------------------------------


def test_css_strings_escape_quotes_backslashes_and_angle_brackets():
    assert css_string("O'Brien-Smith") == "O'Brien-Smith"
    assert css_string('say "no"\\ </style>') == 'say \\"no\\"\\\\ \\3C /style>'
    assert css_string("two\nlines") == "two lines"


def test_a_pdf_header_prints_a_name_with_an_apostrophe_and_a_hyphen():
    service_required(pdf_available(), "WeasyPrint and Debian's Pango are needed for PDFs")
    import pypdf

    pdf = render_pdf(
        "enforcement/documents/base_document.html",
        {"header_left": "Breach pack – Siobhán O'Brien-Smith", "reference": 'A123456 "v1"', "footer_right": "v1"},
        title="Header",
    )

    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Siobhán O'Brien-Smith" in text and 'A123456 "v1"' in text
    assert "u0027" not in text


def test_a_recall_recorded_late_counts_the_licence_on_the_day_of_awareness(org, frozen):
    case = supervision_case(org.officer)  # licence ended on 1 September 2026

    recall = recall_services.recall_consider(
        by=org.officer, case=case, reasons="Arrested on 20 August.", aware_on=date(2026, 8, 20)
    )

    assert (recall.status, recall.aware_on) == ("considering", date(2026, 8, 20))
