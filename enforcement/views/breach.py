"""Pages for breach: the breach and its steps, the pack (HTML and PDF) and the staff's lists (issue 6).

Thin: parse, call a selector or a service, render. Breaches and packs are found through the scoped selectors, so
anything outside the user's scope is "not found" (404). A step the user may not take, or one the breach's status
does not allow, gets a refusal page that changes nothing (status 400); bad input re-renders the form with the error
summary (status 400) and changes nothing. Opening a person with an exclusion or restriction list writes an access
record. Every page runs the same number of queries however many failures, versions and steps the breach has.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import User
from cases import services as case_services
from cases.models import PersonAccessLimit
from enforcement.forms.breach import DraftForm, NpsReviewForm, OutcomeForm, ReasonForm, SignOffForm
from enforcement.models import Breach, BreachPack, BreachStatus
from enforcement.pdf import PdfUnavailable, pdf_available, render_pdf
from enforcement.selectors import breach as selectors
from enforcement.selectors.breach import pack_content
from enforcement.services import breach as services
from risk.forms import add_service_errors

BAD_REQUEST = 400
SERVICE_UNAVAILABLE = 503
Status = BreachStatus
CASE_HOLDING_ROLES = (User.Role.RESPONSIBLE_OFFICER, User.Role.MANAGER)

# What each step is called on a button and in the refusal page's title.
STEP_TITLES = {
    "update_draft": "prepare the pack",
    "submit": "submit the pack for sign-off",
    "sign_off": "sign off the pack",
    "return": "send the pack back",
    "refer_to_nps": "refer the breach to the NPS",
    "nps_accept": "accept the referral",
    "nps_request_more": "ask for more information",
    "send_to_court": "send the pack to court",
    "start_new_version": "prepare a corrected version",
    "record_outcome": "record the court's outcome",
    "withdraw": "withdraw the breach",
}


def breach_url(breach_id: int) -> str:
    return reverse("enforcement:breach", args=[breach_id])


def record_access(request, case) -> None:
    """An access record when the person has an exclusion or restriction list (one query)."""
    if PersonAccessLimit.objects.filter(person_id=case.person_id, ended_at__isnull=True).exists():
        case_services.access_record_write(person=case.person, user=request.user, path=request.path)


def _frame(breach: Breach) -> dict:
    case = breach.case
    person = case.person
    return {
        "breach": breach,
        "case": case,
        "person": person,
        "back_url": breach_url(breach.pk),
        "back_text": "Back to the breach",
        "caption": f"{person.full_name} ({person.crn}), breach of the {breach.sentence.get_disposal_display().lower()}",
    }


def _refused(request, breach: Breach, step: str, message: str):
    return render(
        request,
        "includes/refused_page.html",
        {
            **_frame(breach),
            "title": f"You cannot {STEP_TITLES[step]}",
            "message": message,
            "links": [("Go back to the breach", breach_url(breach.pk))],
        },
        status=BAD_REQUEST,
    )


def _breach_for_step(request, breach_id: int, step: str):
    """The breach, and a refusal page when the user may not take `step` now (else None)."""
    breach = selectors.breach_get_for_user(user=request.user, breach_id=breach_id)
    record_access(request, breach.case)
    message = services.step_refusal(request.user, breach, step)
    return breach, (_refused(request, breach, step, message) if message else None)


# The breach ---------------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def breach_detail(request, breach_id: int):
    """The breach: where it is, what comes next, the draft (while prepared), the versions and the timeline. POST saves
    the draft (button "save") or saves and submits it for sign-off (button "submit")."""
    breach = selectors.breach_get_for_user(user=request.user, breach_id=breach_id)
    record_access(request, breach.case)
    allowed = services.steps_allowed(request.user, breach)
    form = None
    status = 200
    if "update_draft" in allowed:
        form = DraftForm(
            request.POST if request.method == "POST" else None,
            initial={"statement": breach.statement, "proposal": breach.proposal, "court": breach.court_id},
            region_id=breach.case.provider.region_id,
        )
        if request.method == "POST":
            if form.is_valid():
                data = form.cleaned_data
                draft = {
                    "by": request.user,
                    "breach": breach,
                    "statement": data["statement"],
                    "proposal": data["proposal"],
                    "court": data["court"],
                }
                try:
                    if request.POST.get("action") == "submit":
                        pack = services.breach_save_and_submit(**draft)
                        messages.success(
                            request, f"Version {pack.version} of the pack is waiting for a manager's sign-off."
                        )
                    else:
                        services.breach_update_draft(**draft)
                        messages.success(request, "Draft saved.")
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    return redirect(breach_url(breach.pk))
            status = BAD_REQUEST
    elif request.method == "POST":
        return _refused(request, breach, "update_draft", services.step_refusal(request.user, breach, "update_draft"))
    detail = selectors.breach_detail(breach)
    return render(
        request,
        "enforcement/breach/breach_detail.html",
        {
            **_frame(breach),
            "tab": "compliance",
            "form": form,
            "allowed": allowed,
            "is_crc": services.is_crc_case(breach),
            **detail,
            "next_step": services.NEXT_STEPS[Status(breach.status)],
        },
        status=status,
    )


@require_safe
def breach_preview(request, breach_id: int):
    """The pack as it would be assembled now, with the draft's statement and proposal (not a version)."""
    breach = selectors.breach_get_for_user(user=request.user, breach_id=breach_id)
    record_access(request, breach.case)
    return render(
        request,
        "enforcement/breach/pack_page.html",
        {
            **_frame(breach),
            "content": pack_content(breach),
            "statement": breach.statement,
            "proposal": breach.proposal,
            "pack": None,
            "preview": True,
        },
    )


@require_http_methods(["GET", "POST"])
def breach_sign_off(request, breach_id: int):
    """Sign off the version waiting, or send it back. A manager who prepared the version may only send it back."""
    breach, refusal = _breach_for_step(request, breach_id, "sign_off")
    if refusal and "return" in services.steps_allowed(request.user, breach):
        refusal = None
    if refusal:
        return refusal
    form = SignOffForm(
        request.POST if request.method == "POST" else None,
        allowed=[step for step in ("sign_off", "return") if step in services.steps_allowed(request.user, breach)],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "sign_off":
                pack = services.breach_sign_off(by=request.user, breach=breach, note=data["note"])
                message = f"Version {pack.version} signed off."
            else:
                pack = services.breach_return(by=request.user, breach=breach, note=data["note"])
                message = f"Version {pack.version} sent back to the officer."
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, message)
            return redirect(breach_url(breach.pk))
    pack = services.current_pack(breach)
    return render(
        request,
        "enforcement/breach/step_form.html",
        {
            **_frame(breach),
            "form": form,
            "heading": "Sign off the breach pack",
            "button": "Continue",
            "intro": f"Read version {pack.version} of the pack before you decide."
            + (
                ""
                if "sign_off" in form.allowed
                else " You prepared this version, so another manager must sign it off; you can still send it back."
            ),
            "pack": pack,
        },
        status=BAD_REQUEST if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def breach_nps_review(request, breach_id: int):
    breach, refusal = _breach_for_step(request, breach_id, "nps_accept")
    if refusal:
        return refusal
    form = NpsReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "accept":
                services.breach_nps_accept(by=request.user, breach=breach)
                message = "Referral accepted. Present the breach to court within 2 working days."
            else:
                services.breach_nps_request_more(by=request.user, breach=breach, message=data["message"])
                message = "The referral was sent back to the CRC with your request."
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, message)
            return redirect(breach_url(breach.pk))
    return render(
        request,
        "enforcement/breach/step_form.html",
        {
            **_frame(breach),
            "form": form,
            "heading": "Review the CRC's breach referral",
            "button": "Continue",
            "intro": "Accept it if the court could act on the pack as it is; otherwise say what more the NPS needs.",
            "pack": services.current_pack(breach),
        },
        status=BAD_REQUEST if form.is_bound and form.errors else 200,
    )


def _simple_post(request, breach_id: int, step: str, call, message: str):
    breach, refusal = _breach_for_step(request, breach_id, step)
    if refusal:
        return refusal
    try:
        call(by=request.user, breach=breach)
    except ValidationError as error:
        return _refused(request, breach, step, " ".join(error.messages))
    messages.success(request, message)
    return redirect(breach_url(breach.pk))


@require_POST
def breach_refer(request, breach_id: int):
    return _simple_post(
        request,
        breach_id,
        "refer_to_nps",
        services.breach_refer_to_nps,
        "Breach referred to the NPS, which will review it and present it to court.",
    )


@require_POST
def breach_send_to_court(request, breach_id: int):
    return _simple_post(
        request,
        breach_id,
        "send_to_court",
        services.breach_send_to_court,
        "Pack sent to court. Court users there can now open it.",
    )


def _reason_step(request, breach_id: int, step: str, *, heading, label, help_text, required_message, call, done):
    breach, refusal = _breach_for_step(request, breach_id, step)
    if refusal:
        return refusal
    form = ReasonForm(
        request.POST if request.method == "POST" else None,
        label=label,
        help_text=help_text,
        required_message=required_message,
    )
    if request.method == "POST" and form.is_valid():
        try:
            call(by=request.user, breach=breach, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(breach_url(breach.pk))
    return render(
        request,
        "enforcement/breach/step_form.html",
        {**_frame(breach), "form": form, "heading": heading, "button": heading},
        status=BAD_REQUEST if form.is_bound and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def breach_new_version(request, breach_id: int):
    return _reason_step(
        request,
        breach_id,
        "start_new_version",
        heading="Prepare a corrected version",
        label="What the corrected version changes",
        help_text="For example, the information the court asked for. The versions already sent are kept.",
        required_message="Say what the corrected version changes.",
        call=services.breach_start_new_version,
        done="You can now correct the pack. The versions already sent are kept.",
    )


@require_http_methods(["GET", "POST"])
def breach_withdraw(request, breach_id: int):
    return _reason_step(
        request,
        breach_id,
        "withdraw",
        heading="Withdraw the breach",
        label="Why is the breach withdrawn?",
        help_text="For example, evidence arrived that the absence was acceptable.",
        required_message="Say why the breach is withdrawn.",
        call=services.breach_withdraw,
        done="Breach withdrawn.",
    )


@require_http_methods(["GET", "POST"])
def breach_outcome(request, breach_id: int):
    breach, refusal = _breach_for_step(request, breach_id, "record_outcome")
    if refusal:
        return refusal
    form = OutcomeForm(request.POST if request.method == "POST" else None, initial={"hearing_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.breach_record_outcome(
                by=request.user,
                breach=breach,
                hearing_on=data["hearing_on"],
                outcome=data["outcome"],
                details=data["details"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Court outcome recorded.")
            return redirect(breach_url(breach.pk))
    return render(
        request,
        "enforcement/breach/step_form.html",
        {**_frame(breach), "form": form, "heading": "Record the court's outcome", "button": "Record outcome"},
        status=BAD_REQUEST if form.is_bound and form.errors else 200,
    )


# The pack -----------------------------------------------------------------------------------------------------------


def pack_context(pack: BreachPack) -> dict:
    """What the pack's page and PDF show: the frozen content and words of the version, and its sign-off."""
    return {
        "pack": pack,
        "content": pack.content,
        "statement": pack.statement,
        "proposal": pack.proposal,
        "reference": f"{pack.content['person']['crn']} · breach {pack.breach_id} · version {pack.version}",
    }


def pack_pdf_response(pack: BreachPack) -> HttpResponse:
    """The version as a PDF court document; 503 with a plain page when PDFs cannot be made on this machine."""
    context = pack_context(pack)
    try:
        pdf = render_pdf(
            "enforcement/documents/breach_pack.html",
            {
                **context,
                "header_left": f"Breach pack – {pack.content['person']['name']}",
                "footer_right": f"Version {pack.version}",
            },
            title=f"Breach pack, {pack.content['person']['name']}, version {pack.version}",
        )
    except PdfUnavailable as error:
        return HttpResponse(
            f"<!DOCTYPE html><title>PDF not available</title><p>{error} Open the pack's page instead.</p>",
            status=SERVICE_UNAVAILABLE,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="breach-pack-{pack.breach_id}-v{pack.version}.pdf"'
    return response


@require_safe
def breach_pack(request, pack_id: int):
    """One version of the pack, as an accessible page (the same content as the PDF)."""
    pack = selectors.pack_get_for_user(user=request.user, pack_id=pack_id)
    record_access(request, pack.breach.case)
    return render(
        request,
        "enforcement/breach/pack_page.html",
        {**_frame(pack.breach), **pack_context(pack), "pdf_available": pdf_available()},
    )


@require_safe
def breach_pack_pdf(request, pack_id: int):
    pack = selectors.pack_get_for_user(user=request.user, pack_id=pack_id)
    record_access(request, pack.breach.case)
    return pack_pdf_response(pack)


# Lists --------------------------------------------------------------------------------------------------------------


@require_safe
def breaches(request):
    """Breaches in progress on the user's cases (a manager's: the team's), those waiting for the manager's sign-off,
    and for NPS staff the CRC referrals of their region waiting for the NPS."""
    user = request.user
    if not user.team_id or user.role not in CASE_HOLDING_ROLES:
        raise PermissionDenied("Only responsible officers and managers work on breaches.")
    in_progress = list(selectors.breaches_in_progress(user=user)[:200])
    referrals = list(selectors.referrals_waiting_for_nps(user=user)[:200])
    return render(
        request,
        "enforcement/breach/breaches.html",
        {
            "in_progress": in_progress,
            # (Not a version they prepared themselves: another manager signs that off.)
            "sign_off": [
                breach
                for breach in in_progress
                if breach.status == Status.AWAITING_SIGN_OFF and breach.current_pack_prepared_by_id != user.pk
            ]
            if user.role == User.Role.MANAGER
            else [],
            "referrals": referrals,
            "is_manager": user.role == User.Role.MANAGER,
        },
    )


urlpatterns = [
    path("breaches/", breaches, name="breaches"),
    path("breaches/<int:breach_id>/", breach_detail, name="breach"),
    path("breaches/<int:breach_id>/preview/", breach_preview, name="breach_preview"),
    path("breaches/<int:breach_id>/sign-off/", breach_sign_off, name="breach_sign_off"),
    path("breaches/<int:breach_id>/nps-review/", breach_nps_review, name="breach_nps_review"),
    path("breaches/<int:breach_id>/refer/", breach_refer, name="breach_refer"),
    path("breaches/<int:breach_id>/send-to-court/", breach_send_to_court, name="breach_send_to_court"),
    path("breaches/<int:breach_id>/new-version/", breach_new_version, name="breach_new_version"),
    path("breaches/<int:breach_id>/outcome/", breach_outcome, name="breach_outcome"),
    path("breaches/<int:breach_id>/withdraw/", breach_withdraw, name="breach_withdraw"),
    path("breach-packs/<int:pack_id>/", breach_pack, name="breach_pack"),
    path("breach-packs/<int:pack_id>/pdf/", breach_pack_pdf, name="breach_pack_pdf"),
]
