"""Pages for recall (shared/DOMAIN.md section 6): the recall with its timeline and the steps the user may take, a
page per step, the requests for more information about a recall sent to public protection casework and their
answers (CRC SL017), the recall document (PDF, once countersigned), the no-recall letter, and the recalls lists.

Thin: parse, call a selector or service, render. Recalls and cases are found through the scoped selectors, so
anything outside the user's scope is "not found" (404). A step the user may not take, or one the recall's status
does not allow, gets a refusal page that changes nothing (status 400) with the service's words. Bad input re-renders
the form with the error summary, status 400, and changes nothing. Opening a recall of a person with an exclusion or
restriction list writes an access record. Every page runs the same number of queries however many recalls or steps.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.models import User
from cases import selectors as case_selectors
from cases import services as case_services
from enforcement import rules
from enforcement.forms.recall import (
    AnswerForm,
    ConsiderForm,
    CountersignForm,
    DateForm,
    InformationRequestForm,
    ReviewForm,
    SubmitForm,
    WithdrawForm,
    add_service_errors,
)
from enforcement.models import Recall, RecallRecommendation, RecallStatus
from enforcement.pdf import pdf_available, render_pdf
from enforcement.selectors import recall as selectors
from enforcement.services import recall as services

BAD_REQUEST = 400
SERVICE_UNAVAILABLE = 503
Status = RecallStatus
Recommendation = RecallRecommendation
CASE_HOLDING_ROLES = (User.Role.RESPONSIBLE_OFFICER, User.Role.MANAGER)
NOT_COUNTERSIGNED = "The recall document is ready once a senior manager has countersigned the recommendation."
NO_LETTER = "There is no letter: one is issued when a manager decides not to recall."


def _recall_url(recall: Recall) -> str:
    return reverse("enforcement:recall", args=[recall.pk])


def _caption(case) -> str:
    return f"{case.person.full_name} ({case.person.crn}), case {case.pk}"


def _recall_for(request, recall_id: int) -> Recall:
    """The recall if the user may see it (else 404), writing an access record for a person with access limits."""
    recall = selectors.recall_get_for_user(user=request.user, recall_id=recall_id)
    if recall.has_access_limits:
        case_services.access_record_write(person=recall.case.person, user=request.user, path=request.path)
    return recall


def _frame(recall: Recall) -> dict:
    return {
        "recall": recall,
        "case": recall.case,
        "person": recall.case.person,
        "caption": _caption(recall.case),
        "back_url": _recall_url(recall),
        "back_text": "Back to the recall",
    }


def _refused(request, recall: Recall, *, title: str, message: str):
    """Something the rules do not allow: say so plainly, change nothing (status 400)."""
    return render(
        request,
        "includes/refused_page.html",
        {
            **_frame(recall),
            "title": title,
            "message": message,
            "links": [("Go back to the recall", _recall_url(recall))],
        },
        status=BAD_REQUEST,
    )


def _yes_no(value: bool | None) -> str:
    return {True: "Yes", False: "No"}.get(value, "")


def _licence(recall: Recall) -> str:
    sentence = recall.sentence
    term = f" of {sentence.length_months} months" if sentence.length_months else ""
    text = f"Custody{term} passed on {sentence.sentence_date:%-d %B %Y}"
    if sentence.released_on:
        text += f", released on licence on {sentence.released_on:%-d %B %Y}"
    ends = sentence.licence_end_date or sentence.post_sentence_supervision_end_date or sentence.end_date
    if ends:
        text += f", supervision ends {ends:%-d %B %Y}"
    return text


def suitability_rows(recall: Recall) -> list[tuple[str, str]]:
    return [
        (
            "Serving an extended sentence, or one for a specified serious offence",
            _yes_no(recall.extended_or_specified_sentence),
        ),
        ("Charged with a further serious offence", _yes_no(recall.charged_with_serious_offence)),
        (
            "Risk of serious harm could be managed on release after a fixed term",
            _yes_no(recall.risk_manageable_after_fixed_term),
        ),
    ]


# The recall ----------------------------------------------------------------------------------------------------------


def recall_detail(request, recall_id: int):
    """The recall: where it is, its timeline, the officer's reasons, the manager's review, the countersignature, and
    the steps the user may take now."""
    recall = _recall_for(request, recall_id)
    steps = services.steps_allowed(request.user, recall)
    information_requests = selectors.information_requests_for(recall)
    return render(
        request,
        "enforcement/recall/recall.html",
        {
            **_frame(recall),
            "sentence": recall.sentence,
            "licence": _licence(recall),
            "timeline": selectors.recall_timeline(recall, information_requests),
            "information_requests": information_requests,
            "may_record_request": services.information_request_refusal(request.user, recall) is None,
            "may_answer": rules.can_decide(request.user, recall.case),
            "declined": selectors.declined_review(recall),
            "suitability": suitability_rows(recall),
            "steps": steps,
            "next_step": services.NEXT_STEPS[Status(recall.status)],
            "document_ready": recall.countersigned_on is not None,
        },
    )


# Starting a recall ---------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def recall_consider(request, case_id: int):
    """Start considering recall by hand on a licence case (for example, a rise in risk)."""
    case = case_selectors.case_get_for_user(user=request.user, case_id=case_id)
    if case.has_access_limits:
        case_services.access_record_write(person=case.person, user=request.user, path=request.path)
    back_url = reverse("enforcement:case_compliance", args=[case.pk])
    frame = {
        "case": case,
        "person": case.person,
        "caption": _caption(case),
        "back_url": back_url,
        "back_text": "Back to compliance",
    }
    refusal, existing = services.consider_refusal(request.user, case)
    if refusal is not None:
        links = [("Go back to the case's compliance", back_url)]
        if existing is not None:
            links.insert(0, ("Open the recall in progress", _recall_url(existing)))
        return render(
            request,
            "includes/refused_page.html",
            {**frame, "title": "You cannot start a recall on this case", "message": refusal, "links": links},
            status=BAD_REQUEST,
        )
    form = ConsiderForm(request.POST if request.method == "POST" else None, initial={"aware_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            recall = services.recall_consider(
                by=request.user, case=case, reasons=form.cleaned_data["reasons"], aware_on=form.cleaned_data["aware_on"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Recall is being considered. Send the reasons to a manager for review.")
            return redirect(_recall_url(recall))
    return render(
        request,
        "includes/form_page.html",
        {
            **frame,
            "form": form,
            "heading": "Consider recall",
            "intro": "Recall to custody of someone on licence, for a breach of the licence or a rise in risk. A "
            "manager reviews the recommendation within a day of your becoming aware.",
            "button": "Start considering recall",
        },
        status=BAD_REQUEST if form.is_bound and form.errors else 200,
    )


# The steps -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepPage:
    step: str  # the name in services.STEPS whose refusal guards the page
    heading: str
    button: str
    make_form: Callable  # (data, recall) -> form
    run: Callable  # (user, recall, form) -> (recall, success message)
    template: str = "includes/form_page.html"
    intro: str = ""


def _submit(user, recall, form):
    services.recall_submit_for_review(by=user, recall=recall, reasons=form.cleaned_data["reasons"])
    return "Sent to a manager for review."


def _review(user, recall, form):
    reviewed = services.recall_review(by=user, recall=recall, **form.answers())
    if reviewed.recommendation == Recommendation.NO_RECALL:
        return "Decided not to recall. The letter is ready to print."
    return (
        f"Recommendation recorded: {reviewed.get_recommendation_display().lower()}. "
        "It now needs a senior manager's countersignature."
    )


def _countersign(user, recall, form):
    if form.cleaned_data["decision"] == "countersign":
        services.recall_countersign(by=user, recall=recall, note=form.cleaned_data["note"])
        return "Countersigned. The recall document is ready."
    services.recall_decline_countersignature(by=user, recall=recall, note=form.cleaned_data["note"])
    return "Not countersigned: sent back to the manager to review again."


def _send(user, recall, form):
    services.recall_send_to_ppcs(by=user, recall=recall, on=form.cleaned_data["on"])
    return "Sent to public protection casework."


def _custody(user, recall, form):
    services.recall_record_return_to_custody(by=user, recall=recall, on=form.cleaned_data["on"])
    return "Return to custody recorded. The recall documents are due within 10 working days."


def _documents(user, recall, form):
    services.recall_record_documents_supplied(by=user, recall=recall, on=form.cleaned_data["on"])
    return "Recall documents recorded as supplied."


def _withdraw(user, recall, form):
    services.recall_withdraw(by=user, recall=recall, reason=form.cleaned_data["reason"])
    return "Recall withdrawn."


def _today() -> dict:
    return {"on": timezone.localdate()}


STEP_PAGES = {
    "submit": StepPage(
        "submit_for_review",
        "Send the recall for review",
        "Send for review",
        lambda data, recall: SubmitForm(data, initial={"reasons": recall.reasons}),
        _submit,
        intro="A manager of the case's team reviews the reasons and makes the recommendation.",
    ),
    "review": StepPage(
        "review",
        "Review the recall",
        "Record the recommendation",
        lambda data, recall: ReviewForm(data, initial=_today()),
        _review,
        template="enforcement/recall/review.html",
    ),
    "countersign": StepPage(
        "countersign",
        "Countersign the recall",
        "Continue",
        lambda data, recall: CountersignForm(data),
        _countersign,
        template="enforcement/recall/countersign.html",
    ),
    "send": StepPage(
        "send_to_ppcs",
        "Send the recall to public protection casework",
        "Record as sent",
        lambda data, recall: DateForm(data, name="Date it was sent", label="When was it sent?", initial=_today()),
        _send,
        intro="The countersigned recall goes to the public protection casework section, which issues the recall.",
    ),
    "custody": StepPage(
        "record_return_to_custody",
        "Record the return to custody",
        "Record the return to custody",
        lambda data, recall: DateForm(
            data, name="Date of the return to custody", label="When did they return to custody?"
        ),
        _custody,
        intro="The recall documents must then be supplied within 10 working days (NPS SL024).",
    ),
    "documents": StepPage(
        "record_documents_supplied",
        "Record the recall documents as supplied",
        "Record as supplied",
        lambda data, recall: DateForm(
            data, name="Date the documents were supplied", label="When were the documents supplied?", initial=_today()
        ),
        _documents,
    ),
    "withdraw": StepPage(
        "withdraw",
        "Withdraw the recall",
        "Withdraw the recall",
        lambda data, recall: WithdrawForm(data),
        _withdraw,
        intro="A recall can be withdrawn at any step before the return to custody. Its service level clocks no "
        "longer apply.",
    ),
}


def _review_rows(recall: Recall) -> list[tuple[str, str]]:
    return [
        ("Licence", _licence(recall)),
        ("Became aware", f"{recall.aware_on:%-d %B %Y}"),
        ("Fixed-term recall would last", recall.fixed_term_length),
    ]


def _step_view(page_name: str):
    page = STEP_PAGES[page_name]

    @require_http_methods(["GET", "POST"])
    def view(request, recall_id: int):
        recall = _recall_for(request, recall_id)
        refusal = services.step_refusal(request.user, recall, page.step)
        if refusal is not None:
            return _refused(request, recall, title=f"You cannot {services.STEPS[page.step].action}", message=refusal)
        form = page.make_form(request.POST if request.method == "POST" else None, recall)
        if request.method == "POST" and form.is_valid():
            try:
                message = page.run(request.user, recall, form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, message)
                return redirect(_recall_url(recall))
        context = {
            **_frame(recall),
            "form": form,
            "heading": page.heading,
            "button": page.button,
            "intro": page.intro,
            "rows": _review_rows(recall) if page_name in ("review", "countersign") else [],
            "suitability": suitability_rows(recall),
        }
        if page_name == "review":
            context["declined"] = selectors.declined_review(recall)
        return render(request, page.template, context, status=BAD_REQUEST if form.is_bound and form.errors else 200)

    view.__name__ = f"recall_{page_name}"
    view.__doc__ = page.heading
    return view


# Requests for more information (CRC SL017) ---------------------------------------------------------------------------


def _request_rows(info_request) -> list[tuple[str, str]]:
    return [
        ("Asked by", info_request.get_source_display()),
        ("Asked on", f"{info_request.requested_on:%-d %B %Y}"),
        ("What they asked for", info_request.message),
    ]


def _form_page(request, recall: Recall, form, *, heading: str, button: str, intro: str = "", rows=()):
    return render(
        request,
        "includes/form_page.html",
        {**_frame(recall), "form": form, "heading": heading, "button": button, "intro": intro, "rows": list(rows)},
        status=BAD_REQUEST if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def recall_information_request(request, recall_id: int):
    """Record that public protection casework (or the court) asked for more information about the recall."""
    recall = _recall_for(request, recall_id)
    refusal = services.information_request_refusal(request.user, recall)
    if refusal is not None:
        return _refused(request, recall, title=f"You cannot {services.RECORD_REQUEST_ACTION}", message=refusal)
    form = InformationRequestForm(
        request.POST if request.method == "POST" else None, initial={"requested_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.recall_record_information_request(by=request.user, recall=recall, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Request for more information recorded. Record the answer once it is sent.")
            return redirect(_recall_url(recall))
    return _form_page(
        request,
        recall,
        form,
        heading="Record a request for more information",
        button="Record the request",
        intro="When public protection casework or the court cannot act on the recall as sent and asks for more. "
        "Recalls made without being asked for more are measured (CRC SL017).",
    )


@require_http_methods(["GET", "POST"])
def recall_information_answer(request, recall_id: int, request_id: int):
    """Record what was sent in reply to a request for more information."""
    recall = _recall_for(request, recall_id)
    info_request = recall.information_requests.filter(pk=request_id).first()
    if info_request is None:
        raise Http404("No such request for more information")
    refusal = services.answer_refusal(request.user, info_request)
    if refusal is not None:
        return _refused(request, recall, title=f"You cannot {services.ANSWER_REQUEST_ACTION}", message=refusal)
    form = AnswerForm(request.POST if request.method == "POST" else None, initial={"answered_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.recall_answer_information_request(by=request.user, request=info_request, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Answer recorded.")
            return redirect(_recall_url(recall))
    return _form_page(
        request,
        recall,
        form,
        heading="Record the answer",
        button="Record the answer",
        rows=_request_rows(info_request),
    )


# Documents -----------------------------------------------------------------------------------------------------------


def recall_document(request, recall_id: int):
    """The recall document as a PDF (once countersigned): person, licence, reasons, review, alternatives,
    suitability, recommendation and countersignature, laid out as a court document."""
    recall = _recall_for(request, recall_id)
    if recall.countersigned_on is None:
        return _refused(request, recall, title="The recall document is not ready", message=NOT_COUNTERSIGNED)
    if not pdf_available():
        return render(
            request,
            "enforcement/recall/pdf_unavailable.html",
            {**_frame(recall)},
            status=SERVICE_UNAVAILABLE,
        )
    case = recall.case
    person = case.person
    context = {
        **_frame(recall),
        "sentence": recall.sentence,
        "licence": _licence(recall),
        "suitability": suitability_rows(recall),
        "reference": f"{person.crn} / recall {recall.pk}",
        "header_left": f"Recall: {person.full_name}",
        "footer_right": f"Printed {timezone.localdate():%-d %B %Y}",
        "age_at_review": person.age(recall.reviewed_on) if recall.reviewed_on else None,
    }
    pdf = render_pdf("enforcement/recall/document.html", context, title=f"Recall of {person.full_name}")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="recall-{person.crn}-{recall.pk}.pdf"'
    return response


def no_recall_letter(request, recall_id: int):
    """The letter telling the person it was decided not to recall them, as issued, laid out to print."""
    recall = _recall_for(request, recall_id)
    if not recall.no_recall_letter:
        return _refused(request, recall, title="There is no letter for this recall", message=NO_LETTER)
    return render(
        request,
        "enforcement/recall/no_recall_letter.html",
        {
            **_frame(recall),
            "paragraphs": [part.strip() for part in recall.no_recall_letter.split("\n\n") if part.strip()],
        },
    )


# The lists -----------------------------------------------------------------------------------------------------------


def recalls(request):
    """Recalls in progress on the officer's own cases (a manager's: the team's) and, for a senior manager, the
    provider's recalls waiting for countersignature."""
    user = request.user
    if not user.team_id or user.role not in CASE_HOLDING_ROLES:
        raise PermissionDenied("Only responsible officers and managers work on recalls.")
    in_progress = Paginator(selectors.recalls_in_progress(user=user), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    senior = user.role == User.Role.MANAGER and user.senior_manager
    waiting = (
        Paginator(selectors.countersignatures_waiting(user=user), settings.PAGE_SIZE).get_page(
            request.GET.get("countersign_page")
        )
        if senior
        else None
    )
    return render(
        request,
        "enforcement/recall/recalls.html",
        {
            "page_obj": in_progress,
            "waiting": waiting,
            "is_manager": user.role == User.Role.MANAGER,
            "is_senior": senior,
        },
    )


urlpatterns = [
    path("recalls/", recalls, name="recalls"),
    path("recalls/<int:recall_id>/", recall_detail, name="recall"),
    path("cases/<int:case_id>/recall/new/", recall_consider, name="recall_consider"),
    path("recalls/<int:recall_id>/submit/", _step_view("submit"), name="recall_submit"),
    path("recalls/<int:recall_id>/review/", _step_view("review"), name="recall_review"),
    path("recalls/<int:recall_id>/countersign/", _step_view("countersign"), name="recall_countersign"),
    path("recalls/<int:recall_id>/send/", _step_view("send"), name="recall_send"),
    path("recalls/<int:recall_id>/custody/", _step_view("custody"), name="recall_custody"),
    path("recalls/<int:recall_id>/documents/", _step_view("documents"), name="recall_documents"),
    path("recalls/<int:recall_id>/withdraw/", _step_view("withdraw"), name="recall_withdraw"),
    path(
        "recalls/<int:recall_id>/information-requests/new/",
        recall_information_request,
        name="recall_information_request",
    ),
    path(
        "recalls/<int:recall_id>/information-requests/<int:request_id>/answer/",
        recall_information_answer,
        name="recall_information_answer",
    ),
    path("recalls/<int:recall_id>/document.pdf", recall_document, name="recall_document"),
    path("recalls/<int:recall_id>/letter/", no_recall_letter, name="no_recall_letter"),
]
