"""The management oversight note on allocation (shared/DOMAIN.md section 8): required for a high or very high risk
of serious harm case, kept as a ManagementOversightNote; optional for other cases. Through the service, the
allocate page and the API.

Dates as in tests/cases/test_allocation_setup.py: sentenced on Monday 2 November 2026, today Tuesday 10 November.
"""

import html
import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import Case, Disposal, ManagementOversightNote, OfficerAssignment
from cases.services.allocation import case_allocate
from tests.cases import test_allocation_setup as setup
from tests.cases.test_allocation_setup import HIGH, LOW, MEDIUM, VERY_HIGH, waiting_case
from timeliness.models import Clock

frozen = setup.frozen
youth = setup.youth

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]

ON = date(2026, 11, 3)
NOTE = (
    "Read the pre-sentence report and the RoSH assessment. Olivia has experience of domestic abuse cases and "
    "capacity. First appointment within 5 days; risk management plan reviewed with me in supervision."
)
REQUIRED = "Enter your management oversight note: this case is high or very high risk of serious harm."
TOO_LONG = "The management oversight note must be 5,000 characters or fewer."


def _snapshot(case) -> tuple:
    case.refresh_from_db()
    return (
        case.status,
        case.team_id,
        case.responsible_officer_id,
        case.history.count(),
        OfficerAssignment.objects.count(),
        ManagementOversightNote.objects.count(),
        ManagementOversightNote.history.count(),
        Clock.objects.filter(status=Clock.Status.OPEN).count(),
    )


def _refused(case, **kwargs) -> dict:
    before = _snapshot(case)
    with pytest.raises(ValidationError) as caught:
        case_allocate(case=case, **kwargs)
    assert _snapshot(case) == before
    return caught.value.message_dict


def _text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def _error_summary(response) -> list[tuple[str, str]]:
    body = response.content.decode()
    summary = body[body.index('data-testid="error-summary"') :]
    summary = summary[: summary.index("</ul>")]
    return [
        (href, html.unescape(message).strip())
        for href, message in re.findall(r'<a href="([^"]*)">([^<]*)</a>', summary)
    ]


class TestService:
    @pytest.mark.parametrize("rosh", [HIGH, VERY_HIGH])
    @pytest.mark.parametrize("note", ["", "   \n  "])
    def test_high_risk_without_a_note_is_refused_and_nothing_is_written(self, org, rosh, note):
        case = waiting_case(org.nps, rosh=rosh)
        setup.publish_sentenced(case, org.manager)

        errors = _refused(
            case, by=org.manager, team=org.team_a, responsible_officer=org.officer, on=ON, oversight_note=note
        )

        assert errors == {"oversight_note": [REQUIRED]}
        assert case.status == Case.Status.AWAITING_ALLOCATION
        assert Clock.objects.get(case=case, service_level="NPS SL002").status == Clock.Status.OPEN

    def test_the_note_is_required_when_no_note_is_passed_at_all(self, org):
        case = waiting_case(org.nps, rosh=HIGH)

        errors = _refused(case, by=org.manager, team=org.team_a, responsible_officer=org.officer, on=ON)

        assert errors == {"oversight_note": [REQUIRED]}

    def test_the_missing_note_is_reported_with_the_other_errors(self, org):
        case = waiting_case(org.nps, rosh=HIGH)

        errors = _refused(case, by=org.manager, team=org.team_b, responsible_officer=org.other_provider_officer, on=ON)

        assert set(errors) == {"team", "oversight_note"}
        assert errors["oversight_note"] == [REQUIRED]

    def test_high_risk_with_a_note_keeps_it_with_its_kind_author_and_date(self, org):
        case = waiting_case(org.nps, rosh=HIGH)
        sentence = case.sentences.get()

        case_allocate(
            by=org.manager,
            case=case,
            team=org.team_a,
            responsible_officer=org.officer,
            on=ON,
            oversight_note=f"  {NOTE}\n",
        )

        case.refresh_from_db()
        assert (case.status, case.responsible_officer) == (Case.Status.ACTIVE, org.officer)
        note = ManagementOversightNote.objects.get()
        assert (note.case, note.kind, note.note, note.recorded_by, note.recorded_on, note.subject) == (
            case,
            ManagementOversightNote.Kind.HIGH_RISK_ALLOCATION,
            NOTE,
            org.manager,
            ON,
            f"sentence:{sentence.pk}",
        )
        history = note.history.get()
        assert (history.history_user, history.history_change_reason) == (
            org.manager,
            "Management oversight: allocation of a high risk of serious harm case",
        )

    def test_very_high_risk_with_a_note(self, org):
        case = waiting_case(org.nps, rosh=VERY_HIGH)

        case_allocate(
            by=org.manager, case=case, team=org.team_a, responsible_officer=org.officer, on=ON, oversight_note=NOTE
        )

        assert list(ManagementOversightNote.objects.values_list("kind", flat=True)) == ["high_risk_allocation"]

    def test_a_high_risk_child_needs_the_note_too(self, org, youth):
        case = waiting_case(youth.provider, rosh=HIGH, born=date(2010, 3, 1), disposal=Disposal.REFERRAL_ORDER)

        errors = _refused(case, by=youth.manager, team=youth.team, responsible_officer=youth.officer, on=ON)
        case_allocate(
            by=youth.manager, case=case, team=youth.team, responsible_officer=youth.officer, on=ON, oversight_note=NOTE
        )

        assert errors == {"oversight_note": [REQUIRED]}
        assert ManagementOversightNote.objects.get().recorded_by == youth.manager

    @pytest.mark.parametrize(("rosh", "mappa"), [(LOW, False), (MEDIUM, False), (LOW, True)])
    def test_lower_risk_without_a_note_is_allocated_and_keeps_no_note(self, org, rosh, mappa):
        case = waiting_case(org.nps, rosh=rosh, mappa=mappa)
        team, officer = (org.team_a, org.officer) if mappa else (org.team_b, org.other_provider_officer)

        case_allocate(by=org.manager, case=case, team=team, responsible_officer=officer, on=ON)

        case.refresh_from_db()
        assert (case.status, case.responsible_officer) == (Case.Status.ACTIVE, officer)
        assert not ManagementOversightNote.objects.exists()

    def test_a_note_given_for_a_lower_risk_case_is_kept_as_a_case_review(self, org):
        case = waiting_case(org.nps, rosh=MEDIUM)

        case_allocate(
            by=org.manager,
            case=case,
            team=org.team_b,
            responsible_officer=org.other_provider_officer,
            on=ON,
            oversight_note="Medium risk; CRC to hold. Check the housing referral.",
        )

        note = ManagementOversightNote.objects.get()
        assert (note.kind, note.note, note.recorded_by, note.recorded_on) == (
            ManagementOversightNote.Kind.CASE_REVIEW,
            "Medium risk; CRC to hold. Check the housing referral.",
            org.manager,
            ON,
        )

    @pytest.mark.parametrize("rosh", [HIGH, MEDIUM])
    def test_an_over_long_note_is_refused(self, org, rosh):
        case = waiting_case(org.nps, rosh=rosh)
        team, officer = (org.team_a, org.officer) if rosh == HIGH else (org.team_b, org.other_provider_officer)

        errors = _refused(
            case, by=org.manager, team=team, responsible_officer=officer, on=ON, oversight_note="x" * 5001
        )

        assert errors == {"oversight_note": [TOO_LONG]}

    def test_a_note_of_exactly_the_limit_is_kept(self, org):
        case = waiting_case(org.nps, rosh=HIGH)

        case_allocate(
            by=org.manager,
            case=case,
            team=org.team_a,
            responsible_officer=org.officer,
            on=ON,
            oversight_note="y" * 5000,
        )

        assert len(ManagementOversightNote.objects.get().note) == 5000


def _allocate_url(case, **params) -> str:
    url = reverse("cases:case_allocate", args=[case.pk])
    return url + ("?" + "&".join(f"{key}={value}" for key, value in params.items()) if params else "")


class TestPage:
    @pytest.mark.parametrize(("rosh", "level"), [(HIGH, "high"), (VERY_HIGH, "very high")])
    def test_a_high_risk_case_says_so_above_the_note(self, org, client_for, rosh, level):
        case = waiting_case(org.nps, rosh=rosh)

        response = client_for(org.manager).get(_allocate_url(case, team=org.team_a.pk))

        assert response.status_code == 200
        text = _text(response)
        warning = f"This case is {level} risk of serious harm: record your management oversight before allocating."
        assert warning in text
        assert text.index(warning) < text.index("Management oversight note")
        assert '<textarea class="govuk-textarea" id="id_oversight_note" name="oversight_note"' in (
            response.content.decode()
        )
        assert "Required for a case that is high or very high risk of serious harm." in text

    def test_a_lower_risk_case_offers_the_note_without_the_warning(self, org, client_for):
        case = waiting_case(org.nps, rosh=MEDIUM)

        response = client_for(org.manager).get(_allocate_url(case, team=org.team_b.pk))

        text = _text(response)
        assert "Management oversight note" in text
        assert "record your management oversight before allocating" not in text

    def test_posting_a_high_risk_case_without_a_note_shows_the_error_and_changes_nothing(self, org, client_for):
        case = waiting_case(org.nps, rosh=HIGH)

        response = client_for(org.manager).post(
            _allocate_url(case), {"team": org.team_a.pk, "responsible_officer": org.officer.pk, "oversight_note": ""}
        )

        assert response.status_code == 400
        assert _error_summary(response) == [("#id_oversight_note", REQUIRED)]
        assert 'id="id_oversight_note-error"' in response.content.decode()
        case.refresh_from_db()
        assert case.status == Case.Status.AWAITING_ALLOCATION
        assert not OfficerAssignment.objects.exists()
        assert not ManagementOversightNote.objects.exists()

    def test_an_over_long_note_shows_the_error(self, org, client_for):
        case = waiting_case(org.nps, rosh=HIGH)

        response = client_for(org.manager).post(
            _allocate_url(case),
            {"team": org.team_a.pk, "responsible_officer": org.officer.pk, "oversight_note": "x" * 5001},
        )

        assert response.status_code == 400
        assert _error_summary(response) == [("#id_oversight_note", TOO_LONG)]
        assert not ManagementOversightNote.objects.exists()

    def test_posting_with_a_note_allocates_and_keeps_it(self, org, client_for):
        case = waiting_case(org.nps, rosh=HIGH)

        response = client_for(org.manager).post(
            _allocate_url(case), {"team": org.team_a.pk, "responsible_officer": org.officer.pk, "oversight_note": NOTE}
        )

        assert (response.status_code, response["Location"]) == (302, reverse("cases:case", args=[case.pk]))
        note = ManagementOversightNote.objects.get()
        assert (note.case_id, note.kind, note.note, note.recorded_by, note.recorded_on) == (
            case.pk,
            "high_risk_allocation",
            NOTE,
            org.manager,
            date(2026, 11, 10),
        )


class TestApi:
    def _url(self, case) -> str:
        return f"/api/v1/allocation-queue/{case.pk}/allocate/"

    def test_accepts_the_note(self, org, client_for):
        case = waiting_case(org.nps, rosh=HIGH)

        response = client_for(org.manager).post(
            self._url(case),
            {"team": org.team_a.pk, "responsible_officer": org.officer.pk, "oversight_note": NOTE},
            content_type="application/json",
        )

        assert response.status_code == 200
        assert response.json()["status"] == "active"
        note = ManagementOversightNote.objects.get()
        assert (note.case_id, note.kind, note.note, note.recorded_by) == (
            case.pk,
            "high_risk_allocation",
            NOTE,
            org.manager,
        )

    @pytest.mark.parametrize(("note", "message"), [(None, REQUIRED), ("", REQUIRED), ("x" * 5001, TOO_LONG)])
    def test_a_high_risk_case_without_a_fitting_note_is_a_400(self, org, client_for, note, message):
        case = waiting_case(org.nps, rosh=HIGH)
        body = {"team": org.team_a.pk, "responsible_officer": org.officer.pk}
        if note is not None:
            body["oversight_note"] = note

        response = client_for(org.manager).post(self._url(case), body, content_type="application/json")

        assert response.status_code == 400
        assert response.json() == {"detail": "The request has errors.", "errors": {"oversight_note": [message]}}
        assert Case.objects.get(pk=case.pk).status == Case.Status.AWAITING_ALLOCATION
        assert not ManagementOversightNote.objects.exists()

    def test_a_lower_risk_case_needs_no_note(self, org, client_for):
        case = waiting_case(org.nps, rosh=LOW)

        response = client_for(org.manager).post(
            self._url(case),
            {"team": org.team_b.pk, "responsible_officer": org.other_provider_officer.pk},
            content_type="application/json",
        )

        assert response.status_code == 200
        assert not ManagementOversightNote.objects.exists()

    def test_the_schema_documents_the_note(self, org, client_for):
        schema = client_for(org.manager).get("/api/schema/", {"format": "json"}).json()

        request = schema["components"]["schemas"]["AllocateRequest"]
        assert request["properties"]["oversight_note"]["type"] == "string"
        assert "oversight_note" not in request.get("required", [])
        assert "oversight_note" not in schema["components"]["schemas"]["TransferRequest"]["properties"]
