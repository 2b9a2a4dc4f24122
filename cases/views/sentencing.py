"""Pages for sentencing (issue 4): a case's sentence tab, recording a sentence with its requirements, release
from custody, referral order panel meetings and requirements added by the court. Thin: parse, call, render.

Scoping: a case or sentence the user may not see is "not found" (cases.selectors). Responsible officers and
managers who can see the case may record; other roles who can see it are refused (403).
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases import selectors, services
from cases.forms.sentencing import (
    PanelMeetingForm,
    ReleaseForm,
    RequirementForm,
    SentenceForm,
    add_service_errors,
)
from cases.models import CUSTODIAL_DISPOSALS, DISPOSALS_WITH_REQUIREMENTS, Case, CourtAppearance, Disposal
from cases.selectors import sentencing as sentencing_selectors
from cases.services import sentencing as sentencing_services
from risk.forms import GovukDateField


def _record_access(request, case: Case) -> None:
    if getattr(case, "has_access_limits", False):
        services.access_record_write(person=case.person, user=request.user, path=request.path)


def _case_for_request(request, pk: int) -> Case:
    case = selectors.case_get_for_user(user=request.user, case_id=pk)
    _record_access(request, case)
    return case


def _require_writer(request) -> None:
    if not sentencing_selectors.can_record_sentencing(request.user):
        raise PermissionDenied("Only responsible officers and managers can record sentences.")


def _sentence_for_request(request, pk: int):
    """A sentence on a case the user may see (else 404), checked for the right to record (else 403)."""
    sentence = sentencing_selectors.sentence_get_for_user(request.user, pk)
    case = selectors.case_get_for_user(user=request.user, case_id=sentence.case_id)
    _record_access(request, case)
    _require_writer(request)
    return sentence, case


def _sentence_tab(case: Case) -> str:
    return reverse("cases:case_sentence", args=[case.pk])


LENGTH_LABELS = {
    Disposal.SUSPENDED_SENTENCE_ORDER: "Supervision period",
    Disposal.CUSTODY: "Custodial term",
    Disposal.DETENTION_AND_TRAINING_ORDER: "Term",
}


def case_sentence(request, pk: int):
    case = _case_for_request(request, pk)
    sentences = sentencing_selectors.sentences_for_case(request.user, case)
    for sentence in sentences:
        sentence.length_label = LENGTH_LABELS.get(sentence.disposal, "Length")
    current = next((sentence for sentence in sentences if sentence.status == "current"), None)
    return render(
        request,
        "cases/sentencing/case_sentence.html",
        {
            "case": case,
            "person": case.person,
            "tab": "sentence",
            "current": current,
            "past": [sentence for sentence in sentences if sentence is not current],
            "can_record": sentencing_selectors.can_record_sentencing(request.user),
            "can_sentence": current is None and case.status != Case.Status.ENDED,
            "custodial": CUSTODIAL_DISPOSALS,
            "with_requirements": DISPOSALS_WITH_REQUIREMENTS,
            "referral_order": Disposal.REFERRAL_ORDER,
        },
    )


def _submitted_date(request, name: str):
    """A date being submitted, if it is a real one (it decides which disposals the form offers)."""
    if request.method != "POST":
        return None
    field = GovukDateField(name=name, required=False)
    try:
        return field.clean(field.widget.value_from_datadict(request.POST, {}, name))
    except ValidationError:
        return None


def _disposals_offered(person, submitted_date) -> list[str]:
    """Disposals valid for the person's age today, on the submitted date of sentence, and on any day in the
    past year (a sentence recorded late for someone who has just turned 18 may be a youth one)."""
    today = timezone.localdate()
    ages = {person.age(today), person.age(today - timedelta(days=365))}
    if submitted_date is not None:
        ages.add(person.age(submitted_date))
    offered = set()
    for age in ages:
        offered.update(sentencing_services.disposals_for_age(age))
    return [value for value in Disposal.values if value in offered]


@require_http_methods(["GET", "POST"])
def sentence_new(request, pk: int):
    case = _case_for_request(request, pk)
    _require_writer(request)
    person = case.person
    current = sentencing_selectors.current_sentence(case)
    appearances = CourtAppearance.objects.filter(case=case).select_related("court").order_by("-appearance_date", "-pk")
    form = SentenceForm(
        request.POST if request.method == "POST" else None,
        disposals=_disposals_offered(person, _submitted_date(request, "sentence_date")),
        appearances=appearances,
        requirement_types=sentencing_selectors.requirement_types_active(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            sentence = sentencing_services.sentence_record(by=request.user, case=case, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error, form.field_for)
        else:
            return _after_sentence(request, case, sentence)
    return render(
        request,
        "cases/sentencing/sentence_form.html",
        {"case": case, "person": person, "form": form, "current": current},
        status=400 if form.errors else 200,
    )


def _after_sentence(request, case: Case, sentence):
    case.refresh_from_db()
    if case.status == Case.Status.AWAITING_ALLOCATION:
        messages.success(
            request,
            f"{sentence.get_disposal_display()} recorded. The case is waiting for allocation by {case.provider.name}.",
        )
    else:
        messages.success(request, f"{sentence.get_disposal_display()} recorded")
    if selectors.cases_visible_to(request.user).filter(pk=case.pk).exists():
        return redirect(_sentence_tab(case))
    # The case has moved to another provider's allocation queue, out of this user's sight.
    return redirect(reverse("cases:caseload"))


def _small_form_page(request, form, *, case, sentence, heading, button, save, success, intro=""):
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(_sentence_tab(case))
    return render(
        request,
        "cases/sentencing/small_form.html",
        {
            "case": case,
            "person": case.person,
            "sentence": sentence,
            "form": form,
            "heading": heading,
            "button": button,
            "intro": intro,
        },
        status=400 if form.errors else 200,
    )


def _data(request):
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET", "POST"])
def sentence_release(request, pk: int):
    sentence, case = _sentence_for_request(request, pk)
    return _small_form_page(
        request,
        ReleaseForm(_data(request)),
        case=case,
        sentence=sentence,
        heading="Record release from custody",
        intro="Release starts the clock for the first appointment: it is due within 1 working day.",
        button="Record release",
        save=lambda data: sentencing_services.release_record(
            by=request.user, sentence=sentence, released_on=data["released_on"]
        ),
        success="Release recorded",
    )


@require_http_methods(["GET", "POST"])
def panel_meeting_new(request, pk: int):
    sentence, case = _sentence_for_request(request, pk)
    return _small_form_page(
        request,
        PanelMeetingForm(_data(request)),
        case=case,
        sentence=sentence,
        heading="Record a referral order panel meeting",
        intro="The referral order runs from the day the contract is signed at the initial panel meeting.",
        button="Record meeting",
        save=lambda data: sentencing_services.panel_meeting_record(by=request.user, sentence=sentence, **data),
        success="Panel meeting recorded",
    )


@require_http_methods(["GET", "POST"])
def requirement_new(request, pk: int):
    sentence, case = _sentence_for_request(request, pk)
    form = RequirementForm(_data(request), requirement_types=sentencing_selectors.requirement_types_active())

    def save(data):
        fields = {key: value for key, value in data.items() if key != "start_date"}
        sentencing_services.requirement_add(
            by=request.user, sentence=sentence, start_date=data.get("start_date"), **fields
        )

    return _small_form_page(
        request,
        form,
        case=case,
        sentence=sentence,
        heading="Add a requirement",
        intro="When the court amends the order to add a requirement. The same rules apply as at sentence.",
        button="Add requirement",
        save=save,
        success="Requirement added",
    )


urlpatterns = [
    path("cases/<int:pk>/sentence/", case_sentence, name="case_sentence"),
    path("cases/<int:pk>/sentence/new/", sentence_new, name="sentence_new"),
    path("sentences/<int:pk>/release/", sentence_release, name="sentence_release"),
    path("sentences/<int:pk>/panel-meetings/new/", panel_meeting_new, name="panel_meeting_new"),
    path("sentences/<int:pk>/requirements/new/", requirement_new, name="requirement_new"),
]
