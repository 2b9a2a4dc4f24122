"""Case quality audit pages: the audits with their results, drawing a sample, one audit, and answering the nine
inspectorate questions for each sampled case."""

import re
from datetime import date

import pytest
from django.urls import reverse

from cases.models import AccessRecord, ManagementOversightNote, PersonAccessLimit
from oversight.models import AUDIT_QUESTIONS, QUESTION_CODES, AuditAnswer, AuditedCase, CaseAudit
from oversight.scopes import resolve_scope
from oversight.services import audit_answer_case, audit_draw
from risk.models import RiskLevel
from tests import factories

pytestmark = pytest.mark.django_db

LIST_URL = reverse("oversight:audits")
NEW_URL = reverse("oversight:audit_new")
DRAWN_ON = date(2026, 3, 2)
ANSWERED_ON = date(2026, 3, 9)


def _audit_url(audit) -> str:
    return reverse("oversight:audit", args=[audit.pk])


def _case_url(audited) -> str:
    return reverse("oversight:audit_case", args=[audited.audit_id, audited.pk])


def _html(response) -> str:
    return response.content.decode()


def _text(html: str) -> str:
    """The page's text with tags removed and spaces collapsed, for exact phrases."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _csv(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return content[1:]


def _errors(response) -> list[str]:
    return [str(error) for field_errors in response.context["form"].errors.values() for error in field_errors]


def _all_yes(reason: str = "Seen in the records.") -> dict:
    return dict.fromkeys(QUESTION_CODES, (True, reason))


def _post_answers(answers: dict[str, tuple[str, str]]) -> dict:
    data = {}
    for code, (answer, reason) in answers.items():
        data[f"{code}_answer"] = answer
        data[f"{code}_reason"] = reason
    return data


@pytest.fixture
def team_cases(org):
    """Eight active cases in Manchester North: two very high, two high, four not assessed. Not drawn from: an ended
    case, another team's case and another provider's case."""
    cases = []
    for index in range(8):
        officer = org.officer if index % 2 == 0 else org.colleague
        case = factories.CaseFactory(responsible_officer=officer, person__last_name=f"Person{index}")
        if index < 2:
            factories.RoshAssessmentFactory(person=case.person, risk_to_public=RiskLevel.VERY_HIGH)
        elif index < 4:
            factories.RoshAssessmentFactory(person=case.person, risk_to_public=RiskLevel.HIGH)
        cases.append(case)
    factories.CaseFactory(responsible_officer=org.officer, ended=True)
    factories.CaseFactory(responsible_officer=org.other_team_officer)
    factories.CaseFactory(responsible_officer=org.other_provider_officer)
    return cases


PLAN_REASON = "Give the reason for your answer to: Was there sufficient planning to manage the risk of harm?"


def _draw(org, size=4, seed=7, kind="team", by=None, on=DRAWN_ON):
    by = by or org.manager
    return audit_draw(by=by, scope=resolve_scope(by, kind), sample_size=size, seed=seed, on=on)


def _sample(audit) -> list[int]:
    return list(AuditedCase.objects.filter(audit=audit).order_by("position").values_list("case_id", flat=True))


# Drawing a sample ----------------------------------------------------------------------------------------------


def test_the_new_audit_page_offers_the_managers_scopes_and_explains_the_draw(org, client_for, team_cases):
    response = client_for(org.manager).get(NEW_URL)

    assert response.status_code == 200
    html = _html(response)
    assert "<title>Draw a sample for a case quality audit – Probation case management</title>" in html
    assert '<h1 class="govuk-heading-l">Draw a sample for a case quality audit</h1>' in html
    assert response.context["form"].fields["scope"].choices == [
        (f"team:{org.team_a.pk}", "Team: Manchester North"),
        ("provider", "Provider: NPS North West"),
    ]
    # The manager's own team and a sample of 10 are chosen to start with.
    assert f'value="team:{org.team_a.pk}" checked' in html
    assert 'name="sample_size" type="text" value="10"' in html
    text = _text(html)
    assert (
        "Leave empty for a random draw. Enter the seed of an earlier audit to draw the same sample again from the "
        "same cases." in text
    )
    assert "Each group gets a share of the sample in proportion to its size." in text
    assert "a small group such as very high risk cases is never left out" in text


def test_a_senior_manager_may_choose_any_team_of_their_provider(org, client_for, team_cases):
    head = factories.ManagerFactory(team=org.team_a, senior_manager=True)

    choices = client_for(head).get(NEW_URL).context["form"].fields["scope"].choices

    assert [label for _, label in choices] == [
        "Team: Manchester North",
        "Team: Manchester South",
        "Provider: NPS North West",
    ]
    response = client_for(head).post(NEW_URL, {"scope": f"team:{org.team_a2.pk}", "sample_size": "1", "seed": "3"})
    audit = CaseAudit.objects.get()
    assert response.status_code == 302
    assert (audit.scope, audit.team, audit.population_size) == ("team", org.team_a2, 1)


def test_drawing_through_the_page_shows_a_sample_of_the_size_asked(org, client_for, team_cases):
    client = client_for(org.manager)

    response = client.post(NEW_URL, {"scope": f"team:{org.team_a.pk}", "sample_size": "5", "seed": "42"})

    audit = CaseAudit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _audit_url(audit)
    assert (audit.scope, audit.team, audit.seed, audit.sample_size, audit.population_size) == (
        "team",
        org.team_a,
        42,
        5,
        8,
    )
    assert (audit.drawn_by, audit.status) == (org.manager, CaseAudit.Status.IN_PROGRESS)
    page = client.get(response["Location"])
    html = _html(page)
    assert "Sample drawn: 5 of the 8 active cases in Manchester North" in html
    assert len(page.context["rows"]) == 5
    assert html.count('data-testid="sample-row"') == 5
    assert [row["case"].pk for row in page.context["rows"]] == _sample(audit)
    # Every sampled case is one of the team's active cases; stratified: both very high risk cases' group is there.
    assert set(_sample(audit)) <= {case.pk for case in team_cases}
    assert {row["rosh"] for row in page.context["rows"]} == {"Very high", "High", "Not assessed"}
    assert '<span data-testid="audit-seed">42</span>' in html
    assert "0 of 5 cases answered" in _text(html)


def test_the_same_seed_on_the_same_cases_gives_the_same_cases_in_the_same_order(org, client_for, team_cases):
    client = client_for(org.manager)
    data = {"scope": f"team:{org.team_a.pk}", "sample_size": "5", "seed": "123456789"}

    client.post(NEW_URL, data)
    client.post(NEW_URL, data)
    client.post(NEW_URL, {**data, "seed": "987654321"})

    first, second, third = CaseAudit.objects.order_by("pk")
    assert _sample(first) == _sample(second)
    assert len(set(_sample(first))) == 5
    assert _sample(third) != _sample(first)
    rows = [row["case"].pk for row in client.get(_audit_url(second)).context["rows"]]
    assert rows == _sample(first)


def test_an_empty_seed_draws_at_random_and_keeps_the_seed_so_it_can_be_repeated(org, client_for, team_cases):
    client = client_for(org.manager)

    client.post(NEW_URL, {"scope": f"team:{org.team_a.pk}", "sample_size": "3", "seed": ""})
    audit = CaseAudit.objects.get()
    client.post(NEW_URL, {"scope": f"team:{org.team_a.pk}", "sample_size": "3", "seed": str(audit.seed)})

    again = CaseAudit.objects.exclude(pk=audit.pk).get()
    assert again.seed == audit.seed
    assert _sample(again) == _sample(audit)
    assert f'<span data-testid="audit-seed">{audit.seed}</span>' in _html(client.get(_audit_url(audit)))


def test_the_provider_scope_draws_from_every_team_of_the_provider(org, client_for, team_cases):
    response = client_for(org.manager).post(NEW_URL, {"scope": "provider", "sample_size": "9", "seed": "1"})

    audit = CaseAudit.objects.get()
    assert response.status_code == 302
    # Eight in Manchester North and one in Manchester South; not the CRC's case, not the ended one.
    assert (audit.scope, audit.provider, audit.population_size, len(_sample(audit))) == ("provider", org.nps, 9, 9)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"sample_size": ""}, "sample_size", "Enter the sample size"),
        ({"sample_size": "ten"}, "sample_size", "Enter the sample size as a whole number, for example 10"),
        ({"sample_size": "2.5"}, "sample_size", "Enter the sample size as a whole number, for example 10"),
        ({"sample_size": "0"}, "sample_size", "Enter a sample size between 1 and 100."),
        ({"sample_size": "101"}, "sample_size", "Enter a sample size between 1 and 100."),
        (
            {"sample_size": "9"},
            "sample_size",
            "Manchester North has 8 active cases: choose a sample of at most that many.",
        ),
        ({"seed": "-1"}, "seed", "Enter the seed as a whole number, 0 or more."),
        ({"seed": "lucky"}, "seed", "Enter the seed as a whole number, 0 or more."),
        ({"seed": str(2**62)}, "seed", "Enter the seed as a whole number, 0 or more."),
        ({"scope": ""}, "scope", "Choose a team or your provider"),
        ({"scope": "galaxy"}, "scope", "Choose a team or your provider."),
        ({"scope": "galaxy:1"}, "scope", "Choose a team or your provider."),
        ({"scope": "team:abc"}, "scope", "Choose a team from the list."),
    ],
)
def test_bad_input_gives_the_exact_field_error_and_draws_nothing(org, client_for, team_cases, data, field, message):
    form = {"scope": f"team:{org.team_a.pk}", "sample_size": "4", "seed": "", **data}

    response = client_for(org.manager).post(NEW_URL, form)

    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}
    html = _html(response)
    assert "<title>Error: Draw a sample for a case quality audit – Probation case management</title>" in html
    assert f'<li><a href="#id_{field}">{message}</a></li>' in html.replace("&#x27;", "'")
    assert CaseAudit.objects.count() == 0
    assert AuditedCase.objects.count() == 0


def test_a_team_the_manager_does_not_manage_is_refused_on_the_form(org, client_for, team_cases):
    response = client_for(org.manager).post(
        NEW_URL, {"scope": f"team:{org.team_a2.pk}", "sample_size": "1", "seed": ""}
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"scope": ["You can only see the teams you manage."]}
    assert '<li><a href="#id_scope">You can only see the teams you manage.</a></li>' in _html(response)
    assert CaseAudit.objects.count() == 0


def test_a_scope_without_active_cases_is_refused(org, client_for):
    response = client_for(org.manager).post(NEW_URL, {"scope": f"team:{org.team_a.pk}", "sample_size": "1"})

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "sample_size": ["There are no active cases in Manchester North to audit."]
    }
    assert CaseAudit.objects.count() == 0


# Answering the questions ---------------------------------------------------------------------------------------


def test_the_case_page_shows_the_case_and_the_nine_questions(org, client_for, team_cases):
    audit = _draw(org, size=3)
    audited = audit.audited_cases.order_by("position").first()
    case = audited.case

    response = client_for(org.manager).get(_case_url(audited))

    assert response.status_code == 200
    html = _html(response)
    assert f"<title>Answer the audit questions – {case.person.full_name} – Probation case management</title>" in html
    assert f'<h1 class="govuk-heading-l">Answer the audit questions: {case.person.full_name}</h1>' in html
    assert f'href="{reverse("cases:case", args=[case.pk])}"' in html
    assert 'target="_blank"' not in html
    text = _text(html)
    assert f"CRN {case.person.crn}" in text
    assert f"Responsible officer {case.responsible_officer.get_full_name()}, Manchester North" in text
    assert "Case 1 of 3 in the audit of Manchester North" in text
    assert html.count('class="govuk-radios govuk-radios--inline"') == 9
    assert html.count('class="govuk-textarea') == 9
    for number, question in enumerate(AUDIT_QUESTIONS, start=1):
        assert f"{number}. {question.text}" in text.replace("&#x27;", "'")
        assert f'id="id_{question.code}_answer" name="{question.code}_answer" type="radio" value="yes"' in html
        assert f'id="id_{question.code}_answer-2" name="{question.code}_answer" type="radio" value="no"' in html
        assert f'id="id_{question.code}_reason" name="{question.code}_reason"' in html


def test_every_question_needs_an_answer_and_a_reason(org, client_for, team_cases):
    audit = _draw(org, size=2)
    audited = audit.audited_cases.order_by("position").first()

    response = client_for(org.manager).post(_case_url(audited), {})

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert len(errors) == 18
    assert errors["sufficient_plan_answer"] == [
        "Select yes or no: was there sufficient planning to manage the risk of harm?"
    ]
    assert errors["sufficient_plan_reason"] == [
        "Give the reason for your answer to: Was there sufficient planning to manage the risk of harm?"
    ]
    assert errors["non_compliance_answer"] == ["Select yes or no: was the response to non-compliance sufficient?"]
    html = _html(response)
    assert html.count('<li><a href="#id_') == 18
    assert (
        '<li><a href="#id_sufficient_plan_answer">Select yes or no: was there sufficient planning to manage the risk '
        "of harm?</a></li>" in html
    )
    assert f'<li><a href="#id_sufficient_plan_reason">{PLAN_REASON}</a></li>' in html
    assert AuditAnswer.objects.count() == 0


def test_a_missing_reason_or_answer_is_named_and_the_rest_kept_on_the_form(org, client_for, team_cases):
    audit = _draw(org, size=2)
    audited = audit.audited_cases.order_by("position").first()
    answers = dict.fromkeys(QUESTION_CODES, ("yes", "Clear in the records."))
    answers["diversity"] = ("no", "")
    answers["changes_in_risk"] = ("maybe", "Unclear.")

    response = client_for(org.manager).post(_case_url(audited), _post_answers(answers))

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "diversity_reason": [
            "Give the reason for your answer to: Were diversity and barriers to engagement taken into account?"
        ],
        "changes_in_risk_answer": ["Select yes or no: was the response to changes in risk appropriate?"],
    }
    html = _html(response)
    assert 'id="id_diversity_answer-2" name="diversity_answer" type="radio" value="no" checked' in html
    assert "Unclear.</textarea>" in html
    assert AuditAnswer.objects.count() == 0


def test_a_reason_longer_than_2000_characters_is_refused(org, client_for, team_cases):
    audit = _draw(org, size=2)
    audited = audit.audited_cases.order_by("position").first()
    answers = dict.fromkeys(QUESTION_CODES, ("yes", "Fine."))
    answers["sufficient_review"] = ("no", "x" * 2001)

    response = client_for(org.manager).post(_case_url(audited), _post_answers(answers))

    assert response.context["form"].errors == {
        "sufficient_review_reason": ["The reason must be 2,000 characters or fewer."]
    }
    assert AuditAnswer.objects.count() == 0


def test_answers_are_stored_and_the_next_unanswered_case_follows(org, client_for, team_cases):
    audit = _draw(org, size=3)
    first, second, third = audit.audited_cases.order_by("position")
    client = client_for(org.manager)
    answers = {code: ("yes", f"Reason for {code}.") for code in QUESTION_CODES}
    answers["diversity"] = ("no", "No interpreter was offered.")

    response = client.post(_case_url(first), _post_answers(answers))

    assert response.status_code == 302
    assert response["Location"] == _case_url(second)
    stored = {a.question: (a.answer, a.reason, a.answered_by) for a in AuditAnswer.objects.filter(audited_case=first)}
    assert len(stored) == 9
    assert stored["diversity"] == (False, "No interpreter was offered.", org.manager)
    assert stored["sufficient_plan"] == (True, "Reason for sufficient_plan.", org.manager)
    first.refresh_from_db()
    assert first.completed_by == org.manager
    person = first.case.person
    page = client.get(response["Location"])
    assert f"Answers saved for {person.full_name} ({person.crn}). This is the next case without answers." in _html(page)

    # Answering the third goes back to the second, which is still waiting.
    response = client.post(_case_url(third), _post_answers(answers))
    assert response["Location"] == _case_url(second)
    # The first case's answers are shown on its form to change.
    html = _html(client.get(_case_url(first)))
    assert 'id="id_diversity_answer-2" name="diversity_answer" type="radio" value="no" checked' in html
    assert "No interpreter was offered.</textarea>" in html
    audit.refresh_from_db()
    assert audit.status == CaseAudit.Status.IN_PROGRESS


def test_answering_the_last_case_completes_the_audit(org, client_for, team_cases):
    audit = _draw(org, size=2)
    first, second = audit.audited_cases.order_by("position")
    audit_answer_case(by=org.manager, audited_case=first, answers=_all_yes())
    client = client_for(org.manager)
    answers = dict.fromkeys(QUESTION_CODES, ("no", "Not done."))

    response = client.post(_case_url(second), _post_answers(answers))

    assert response.status_code == 302
    assert response["Location"] == _audit_url(audit)
    audit.refresh_from_db()
    assert audit.status == CaseAudit.Status.COMPLETED
    assert audit.completed_on is not None
    notes = ManagementOversightNote.objects.filter(subject=f"audit:{audit.pk}").order_by("case_id")
    assert sorted(note.note for note in notes) == [
        "Case quality audit of Manchester North: 0 of 9 questions answered yes.",
        "Case quality audit of Manchester North: 9 of 9 questions answered yes.",
    ]
    html = _html(client.get(response["Location"]))
    assert "the audit is complete and a management oversight note has been added to each case" in html
    assert "2 of 2 cases answered" in _text(html)
    assert html.count(">View answers<") == 2


def test_a_completed_audit_shows_the_answers_read_only_and_refuses_changes(org, client_for, team_cases):
    audit = _draw(org, size=1)
    audited = audit.audited_cases.get()
    answers = _all_yes()
    answers["diversity"] = (False, "No interpreter was offered.")
    audit_answer_case(by=org.manager, audited_case=audited, answers=answers, on=ANSWERED_ON)
    client = client_for(org.manager)

    response = client.get(_case_url(audited))

    html = _html(response)
    assert response.status_code == 200
    assert '<form method="post" novalidate>' not in html
    assert 'type="radio"' not in html
    assert "This audit was completed on 9 March 2026. Its answers cannot be changed." in html
    assert "<strong>No</strong><br>No interpreter was offered." in html
    assert html.count("<strong>Yes</strong>") == 8

    refused = client.post(_case_url(audited), _post_answers(dict.fromkeys(QUESTION_CODES, ("no", "Changed."))))
    assert refused.status_code == 400
    assert "This audit was completed on 9 March 2026: its answers cannot be changed." in _html(refused)
    assert AuditAnswer.objects.filter(answer=False).count() == 1


def test_the_case_page_of_a_restricted_person_records_the_access(org, client_for, team_cases):
    audit = _draw(org, size=1, seed=5)
    audited = audit.audited_cases.get()
    factories.PersonAccessLimitFactory(person=audited.case.person, user=org.colleague, added_by=org.manager)

    client_for(org.manager).get(_case_url(audited))

    assert list(AccessRecord.objects.values_list("person_id", "user_id")) == [(audited.case.person_id, org.manager.pk)]


# Results -------------------------------------------------------------------------------------------------------


@pytest.fixture
def answered_audit(org, team_cases):
    """Four adult cases answered: sufficient planning yes on three of four, the rest varied."""
    audit = _draw(org, size=4, seed=11)
    for index, audited in enumerate(audit.audited_cases.order_by("position")):
        answers = _all_yes()
        answers["sufficient_plan"] = (index != 3, "Plan checked.")
        answers["changes_in_risk"] = (index == 0, "Reviews checked.")
        answers["diversity"] = (False, "Not recorded.")
        audit_answer_case(by=org.manager, audited_case=audited, answers=answers, on=ANSWERED_ON)
    audit.refresh_from_db()
    return audit


def _rosh(audited) -> str:
    return RiskLevel(audited.rosh_level).label if audited.rosh_level else "Not assessed"


def _result_row(html: str, code: str) -> str:
    return _text(re.search(rf'data-testid="result-{code}">(.*?)</tr>', html, re.S).group(1))


def test_the_results_of_an_audit_beside_the_2017_figures(org, client_for, answered_audit):
    html = _html(client_for(org.manager).get(_audit_url(answered_audit)))

    assert _result_row(html, "sufficient_plan") == (
        "Was there sufficient planning to manage the risk of harm? 75.0% (3 of 4) 72% No answers 71%"
    )
    assert _result_row(html, "changes_in_risk") == (
        "Was the response to changes in risk appropriate? 25.0% (1 of 4) 52% No answers No national figure"
    )
    assert _result_row(html, "diversity") == (
        "Were diversity and barriers to engagement taken into account? 0.0% (0 of 4) No national figure No answers "
        "No national figure"
    )
    assert _result_row(html, "non_compliance") == (
        "Was the response to non-compliance sufficient? 100.0% (4 of 4) 73% No answers 91%"
    )
    # The chart: adults only (no child's case), green at or above the national figure, red below, marker at 72%.
    bars = {bar["label"]: bar for bar in client_for(org.manager).get(_audit_url(answered_audit)).context["adult_bars"]}
    plan = bars["Was there sufficient planning to manage the risk of harm?"]
    assert (plan["display"], plan["marker"], plan["status"]) == ("75.0%", 72, "good")
    assert bars["Was the response to changes in risk appropriate?"]["status"] == "bad"
    assert bars["Were diversity and barriers to engagement taken into account?"]["status"] == ""
    assert 'aria-describedby="audit-results-table"' in html
    assert html.index('class="app-bar-chart"') < html.index('id="audit-results-table"')


def test_children_are_compared_with_the_youth_figures(db, client_for):
    region = factories.RegionFactory(name="North West")
    yot = factories.ProviderFactory(name="Salford YOT", code="Y01", provider_type="yot", region=region)
    team = factories.TeamFactory(provider=yot, name="Salford youth justice")
    manager = factories.ManagerFactory(team=team)
    for _ in range(2):
        factories.CaseFactory(responsible_officer=factories.OfficerFactory(team=team))
    audit = audit_draw(by=manager, scope=resolve_scope(manager, "team"), sample_size=2, seed=1, on=DRAWN_ON)
    for index, audited in enumerate(audit.audited_cases.order_by("position")):
        answers = _all_yes()
        answers["meaningfully_involved"] = (index == 0, "Carer involved.")
        audit_answer_case(by=manager, audited_case=audited, answers=answers, on=ANSWERED_ON)

    response = client_for(manager).get(LIST_URL)

    html = _html(response)
    assert _result_row(html, "meaningfully_involved") == (
        "Was the person meaningfully involved in planning? No answers 58% 50.0% (1 of 2) 80%"
    )
    assert response.context["adult_bars"] == []
    assert len(response.context["youth_bars"]) == 9
    assert "Children: % yes, with the 2017 national figure marked" in html


def test_the_list_shows_the_audits_newest_first_with_overall_results(org, client_for, answered_audit):
    later = _draw(org, size=2, seed=3, kind="provider", on=date(2026, 4, 1))
    audit_answer_case(by=org.manager, audited_case=later.audited_cases.order_by("position").first(), answers=_all_yes())
    # Not the manager's: another provider's audit.
    factories.CaseFactory(responsible_officer=org.other_provider_officer)
    _draw(org, size=1, by=org.other_provider_manager)

    response = client_for(org.manager).get(LIST_URL)

    assert response.status_code == 200
    html = _html(response)
    assert "<title>Case quality audits – Probation case management</title>" in html
    assert '<h1 class="govuk-heading-l">Case quality audits</h1>' in html
    assert 'data-testid="oversight-nav"' in html
    assert f'href="{NEW_URL}"' in html
    assert [audit.pk for audit in response.context["page_obj"]] == [later.pk, answered_audit.pk]
    rows = [_text(row) for row in re.findall(r'data-testid="audit-row">(.*?)</tr>', html, re.S)]
    assert rows == [
        "1 Apr 2026 Provider: NPS North West Maya Mensah 2 of 9 1 of 2 In progress View the audit of NPS North West "
        "drawn on 1 April 2026",
        "2 Mar 2026 Team: Manchester North Maya Mensah 4 of 8 4 of 4 Completed View the audit of Manchester North "
        "drawn on 2 March 2026",
    ]
    # Across both audits: five adult cases answered, four yes on sufficient planning.
    assert _result_row(html, "sufficient_plan").startswith(
        "Was there sufficient planning to manage the risk of harm? 80.0% (4 of 5) 72%"
    )
    assert 'href="?format=csv&amp;table=results"' in html
    assert 'href="?format=csv&amp;table=audits"' in html


def test_no_audits_yet(org, client_for):
    html = _html(client_for(org.manager).get(LIST_URL))

    assert "There are no audits yet. Draw a sample to start one." in html
    assert "No questions have been answered yet." in html
    assert 'class="app-bar-chart"' not in html


# CSV -----------------------------------------------------------------------------------------------------------


def test_the_audit_list_and_results_download_as_csv(org, client_for, answered_audit):
    client = client_for(org.manager)

    audits = _csv(client.get(LIST_URL, {"format": "csv", "table": "audits"}))
    results = _csv(client.get(LIST_URL, {"format": "csv", "table": "results"}))

    assert audits == (
        "Drawn on,Scope,Drawn by,Seed,Sample size,Active cases drawn from,Cases answered,Status,Completed on\r\n"
        "2026-03-02,Team: Manchester North,Maya Mensah,11,4,8,4,Completed,2026-03-09\r\n"
    )
    assert results == (
        "Question,Adults: yes,Adults: answered,Adults: % yes,Adults: 2017 national % yes,Children: yes,"
        "Children: answered,Children: % yes,Children: 2017 national % yes\r\n"
        "Was there a sufficient assessment of the risk of harm?,4,4,100.0,,0,0,,\r\n"
        "Was there a sufficient assessment of the factors linked to reoffending?,4,4,100.0,,0,0,,\r\n"
        "Was there sufficient planning to manage the risk of harm?,3,4,75.0,72,0,0,,71\r\n"
        "Was the person meaningfully involved in planning?,4,4,100.0,58,0,0,,80\r\n"
        "Were diversity and barriers to engagement taken into account?,0,4,0.0,,0,0,,\r\n"
        "Was sufficient progress made delivering the interventions?,4,4,100.0,46,0,0,,\r\n"
        "Was the response to changes in risk appropriate?,1,4,25.0,52,0,0,,\r\n"
        "Was the response to non-compliance sufficient?,4,4,100.0,73,0,0,,91\r\n"
        "Was the case reviewed sufficiently?,4,4,100.0,,0,0,,\r\n"
    )
    assert client.get(LIST_URL, {"format": "csv", "table": "audits"})["Content-Disposition"] == (
        'attachment; filename="case-quality-audits.csv"'
    )
    # Without a table named, the audits; an unknown table is not found.
    assert _csv(client.get(LIST_URL, {"format": "csv"})) == audits
    assert client.get(LIST_URL, {"format": "csv", "table": "nonsense"}).status_code == 404


def test_the_audit_cases_and_results_download_as_csv(org, client_for, answered_audit):
    client = client_for(org.manager)
    url = _audit_url(answered_audit)

    cases = _csv(client.get(url, {"format": "csv", "table": "cases"}))
    results = _csv(client.get(url, {"format": "csv", "table": "results"}))

    expected = [
        "Position,Name,CRN,Provider type,RoSH when drawn,Responsible officer,Answered,Answered on",
        *(
            f"{audited.position},{audited.case.person.full_name},{audited.case.person.crn},"
            f"National Probation Service division,{_rosh(audited)},"
            f"{audited.case.responsible_officer.get_full_name()},Yes,2026-03-09"
            for audited in answered_audit.audited_cases.order_by("position").select_related("case__person")
        ),
    ]
    assert cases == "\r\n".join(expected) + "\r\n"
    assert results.splitlines()[3] == "Was there sufficient planning to manage the risk of harm?,3,4,75.0,72,0,0,,71"
    assert client.get(url, {"format": "csv"})["Content-Disposition"] == (
        f'attachment; filename="case-quality-audit-{answered_audit.pk}-cases.csv"'
    )


REGION_REFUSED = "Audit a team or your provider: a sample names cases, and you can open only your provider's."


@pytest.mark.parametrize("senior", [False, True], ids=["manager", "senior manager"])
def test_a_region_audit_is_refused_and_draws_nothing(org, client_for, team_cases, senior):
    by = factories.ManagerFactory(team=org.team_a, senior_manager=True) if senior else org.manager

    response = client_for(by).post(NEW_URL, {"scope": "region", "sample_size": "3", "seed": "1"})

    assert response.status_code == 400
    assert response.context["form"].errors == {"scope": [REGION_REFUSED]}
    html = _html(response).replace("&#x27;", "'")
    assert f'<li><a href="#id_scope">{REGION_REFUSED}</a></li>' in html
    assert 'value="region"' not in html  # the form offers no region to choose again
    assert (CaseAudit.objects.count(), AuditedCase.objects.count()) == (0, 0)
    assert (CaseAudit.history.count(), AuditedCase.history.count()) == (0, 0)


def test_a_region_audit_made_directly_is_neither_listed_nor_opened(org, client_for, team_cases):
    """The model still allows a region audit (oversight.models); the pages show only team and provider audits."""
    region = CaseAudit.objects.create(
        scope="region",
        region=org.region,
        seed=1,
        sample_size=1,
        population_size=10,
        drawn_by=org.manager,
        drawn_on=DRAWN_ON,
    )
    audited = AuditedCase.objects.create(
        audit=region, case=team_cases[0], provider_type="nps_division", rosh_level=None, is_youth=False, position=1
    )
    team = _draw(org, size=1)

    for user in (org.manager, factories.ManagerFactory(team=org.team_a, senior_manager=True)):
        client = client_for(user)
        assert [audit.pk for audit in client.get(LIST_URL).context["page_obj"]] == [team.pk]
        assert client.get(_audit_url(region)).status_code == 404
        assert client.get(_case_url(audited)).status_code == 404
        assert client.get(_audit_url(region), {"format": "csv"}).status_code == 404


def test_a_case_the_manager_may_no_longer_open_is_not_shown_and_cannot_be_answered(org, client_for, team_cases):
    audit = _draw(org, size=3)
    hidden, shown, _ = audit.audited_cases.order_by("position").select_related("case__person")
    factories.PersonAccessLimitFactory(
        person=hidden.case.person,
        user=org.manager,
        kind=PersonAccessLimit.Kind.EXCLUSION,
        added_by=org.administrator,
    )
    client = client_for(org.manager)

    page = client.get(_audit_url(audit))

    html = _html(page)
    assert page.status_code == 200
    assert "1 of the sampled cases is held where you cannot see it: its name is not shown." in html
    assert hidden.case.person.crn not in html
    assert f'href="{reverse("cases:case", args=[hidden.case_id])}"' not in html
    assert shown.case.person.crn in html
    cases = _csv(client.get(_audit_url(audit), {"format": "csv", "table": "cases"})).splitlines()
    assert cases[1] == (
        f"1,Not shown: you cannot see this case,,National Probation Service division,{_rosh(hidden)},,No,"
    )
    assert client.get(_case_url(hidden)).status_code == 404
    answers = _post_answers(dict.fromkeys(QUESTION_CODES, ("yes", "Seen.")))
    assert client.post(_case_url(hidden), answers).status_code == 404
    assert AuditAnswer.objects.count() == 0


# Access --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "upw", "court_user", "administrator", "other_provider_officer"])
def test_staff_who_are_not_managers_are_refused(org, client_for, team_cases, who):
    audit = _draw(org, size=1)
    audited = audit.audited_cases.get()
    client = client_for(getattr(org, who))

    for url in (LIST_URL, NEW_URL, _audit_url(audit), _case_url(audited), f"{LIST_URL}?format=csv"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "You do not have access to this page" in _html(response)
    assert client.post(NEW_URL, {"scope": "provider", "sample_size": "1"}).status_code == 403
    assert (
        client.post(_case_url(audited), _post_answers(dict.fromkeys(QUESTION_CODES, ("yes", "x")))).status_code == 403
    )
    assert CaseAudit.objects.count() == 1
    assert AuditAnswer.objects.count() == 0


def test_an_audit_the_manager_may_not_see_is_not_found(org, client_for, team_cases):
    audit = _draw(org, size=1)
    audited = audit.audited_cases.get()
    other_team_manager = factories.ManagerFactory(team=org.team_a2)

    for user in (org.other_provider_manager, other_team_manager):
        client = client_for(user)
        assert client.get(_audit_url(audit)).status_code == 404
        assert client.get(_case_url(audited)).status_code == 404
        assert client.get(_audit_url(audit), {"format": "csv"}).status_code == 404
        assert (
            client.post(_case_url(audited), _post_answers(dict.fromkeys(QUESTION_CODES, ("yes", "x")))).status_code
            == 404
        )
    assert AuditAnswer.objects.count() == 0


def test_a_case_of_another_audit_is_not_found(org, client_for, team_cases):
    first = _draw(org, size=1)
    second = _draw(org, size=1, seed=99)
    other = second.audited_cases.get()

    url = reverse("oversight:audit_case", args=[first.pk, other.pk])

    assert client_for(org.manager).get(url).status_code == 404
    assert client_for(org.manager).get(reverse("oversight:audit", args=[999999])).status_code == 404


# Query counts --------------------------------------------------------------------------------------------------


def _answer_all(org, audit):
    for audited in audit.audited_cases.order_by("position"):
        audit_answer_case(by=org.manager, audited_case=audited, answers=_all_yes(), on=ANSWERED_ON)


def test_the_list_page_queries_do_not_grow_with_the_audits(org, client_for, team_cases, django_assert_num_queries):
    client = client_for(org.manager)
    _answer_all(org, _draw(org, size=2, seed=1))

    with django_assert_num_queries(11):
        assert client.get(LIST_URL).status_code == 200
    for seed in range(2, 8):
        audit = _draw(org, size=3, seed=seed, kind="provider" if seed % 2 else "team")
        if seed % 3:
            _answer_all(org, audit)
    assert CaseAudit.objects.count() == 7
    with django_assert_num_queries(11):
        assert client.get(LIST_URL).status_code == 200


def test_the_audit_page_queries_do_not_grow_with_the_cases(org, client_for, team_cases, django_assert_num_queries):
    client = client_for(org.manager)
    small = _draw(org, size=1, seed=1)
    _answer_all(org, small)
    large = _draw(org, size=8, seed=2)
    _answer_all(org, large)

    with django_assert_num_queries(12):
        assert client.get(_audit_url(small)).status_code == 200
    with django_assert_num_queries(12):
        assert client.get(_audit_url(large)).status_code == 200


def test_the_case_page_queries_are_the_same_before_and_after_answering(
    org, client_for, team_cases, django_assert_num_queries
):
    audit = _draw(org, size=2, seed=1)
    first, second = audit.audited_cases.order_by("position")
    audit_answer_case(by=org.manager, audited_case=first, answers=_all_yes(), on=ANSWERED_ON)
    client = client_for(org.manager)

    with django_assert_num_queries(11):
        assert client.get(_case_url(second)).status_code == 200
    with django_assert_num_queries(11):
        assert client.get(_case_url(first)).status_code == 200
