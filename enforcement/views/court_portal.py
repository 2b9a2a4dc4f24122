"""The court portal: court users see the breach packs sent to their courts, and nothing else (issue 6).

A court user opens the list of packs sent to the courts they work for, a pack as a page or PDF, acknowledges it, or
asks for more information with a message (each request counts against CRC SL016: packs the court could use without
asking for more). Every other pack — another court's, a draft, a version never sent — is "not found" (404), and
staff who are not court users get 403 here. Packs are read through enforcement.selectors.breach.packs_for_court_user.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import User
from enforcement.forms.breach import CourtRequestForm
from enforcement.pdf import pdf_available
from enforcement.selectors import breach as selectors
from enforcement.services import breach as services
from enforcement.views.breach import pack_context, pack_pdf_response, record_access
from risk.forms import add_service_errors

BAD_REQUEST = 400
PAGE_SIZE = 25


def _court_user(request) -> User:
    if request.user.role != User.Role.COURT_USER:
        raise PermissionDenied("The court portal is for court users.")
    return request.user


def _pack_url(pack_id: int) -> str:
    return reverse("enforcement:court_pack", args=[pack_id])


@require_safe
def court_packs(request):
    """The packs sent to the user's courts, newest first: whether each is new, acknowledged or asked about."""
    user = _court_user(request)
    page_obj = Paginator(selectors.packs_for_court_user(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "enforcement/court_portal/packs.html",
        {"page_obj": page_obj, "courts": list(user.courts.filter(active=True).order_by("name"))},
    )


def _page(request, pack, form, *, status: int = 200):
    breach = pack.breach
    return render(
        request,
        "enforcement/court_portal/pack.html",
        {
            **pack_context(pack),
            "breach": breach,
            "person": breach.case.person,
            "form": form,
            "requests": pack.requests,
            "pdf_available": pdf_available(),
            "can_ask": pack.superseded_at is None and breach.status == services.Status.SENT_TO_COURT,
        },
        status=status,
    )


@require_safe
def court_pack(request, pack_id: int):
    user = _court_user(request)
    pack = selectors.court_pack_get(user=user, pack_id=pack_id)
    record_access(request, pack.breach.case)
    return _page(request, pack, CourtRequestForm())


@require_safe
def court_pack_pdf(request, pack_id: int):
    user = _court_user(request)
    pack = selectors.court_pack_get(user=user, pack_id=pack_id)
    record_access(request, pack.breach.case)
    return pack_pdf_response(pack)


@require_POST
def court_pack_acknowledge(request, pack_id: int):
    user = _court_user(request)
    pack = selectors.court_pack_get(user=user, pack_id=pack_id)
    services.court_acknowledge(by=user, pack=pack)
    messages.success(request, "Pack acknowledged. The probation service can see that the court has it.")
    return redirect(_pack_url(pack.pk))


@require_http_methods(["POST"])
def court_pack_request_information(request, pack_id: int):
    user = _court_user(request)
    pack = selectors.court_pack_get(user=user, pack_id=pack_id)
    form = CourtRequestForm(request.POST)
    if form.is_valid():
        try:
            services.court_request_information(by=user, pack=pack, message=form.cleaned_data["message"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Request sent. The officer will send a corrected version of the pack.")
            return redirect(_pack_url(pack.pk))
    return _page(request, selectors.court_pack_get(user=user, pack_id=pack_id), form, status=BAD_REQUEST)


urlpatterns = [
    path("court-portal/", court_packs, name="court_packs"),
    path("court-portal/packs/<int:pack_id>/", court_pack, name="court_pack"),
    path("court-portal/packs/<int:pack_id>/pdf/", court_pack_pdf, name="court_pack_pdf"),
    path("court-portal/packs/<int:pack_id>/acknowledge/", court_pack_acknowledge, name="court_pack_acknowledge"),
    path(
        "court-portal/packs/<int:pack_id>/request-information/",
        court_pack_request_information,
        name="court_pack_request_information",
    ),
]
