from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from accounts.forms import LoginForm
from accounts.models import User
from cases.api import CaseViewSet, PersonViewSet
from cases.api import allocation as allocation_api
from cases.api import contacts as contacts_api
from cases.api import court as court_api
from cases.api import oversight as oversight_notes_api
from cases.api import plans as plans_api
from cases.api import sentencing as sentencing_api
from config.health import health
from enforcement.api import breach as breach_api
from enforcement.api import compliance as compliance_api
from enforcement.api import recall as recall_api
from interventions.api import delivery as delivery_api
from interventions.api import programmes as programmes_api
from interventions.api import rar as rar_api
from interventions.api import referrals as referrals_api
from interventions.api import unpaid_work as unpaid_work_api
from oversight import api as oversight_figures_api
from risk.api import register as register_risk_api
from timeliness import api as timeliness_api

router = DefaultRouter()
router.register("people", PersonViewSet, basename="person")
router.register("cases", CaseViewSet, basename="case")
register_risk_api(router)
for stage_api in (
    court_api,
    sentencing_api,
    allocation_api,
    contacts_api,
    plans_api,
    timeliness_api,
    delivery_api,
    rar_api,
    unpaid_work_api,
    programmes_api,
    referrals_api,
    compliance_api,
    breach_api,
    recall_api,
    oversight_notes_api,
    oversight_figures_api,
):
    stage_api.register(router)

admin.site.site_header = "Probation case management: administration"
admin.site.site_title = "Probation case management"


def home(request):
    if getattr(request.user, "role", "") == User.Role.COURT_USER:
        return redirect("enforcement:court_packs")
    return redirect("cases:caseload")


# API views (DRF) authenticate by session or token and answer anonymous callers with 401/403;
# DRF marks them exempt from the login redirect of LoginRequiredMiddleware.
api_patterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]

urlpatterns = [
    path("", home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
            extra_context={"inactivity_minutes": settings.SESSION_INACTIVITY_MINUTES},
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("health/", login_not_required(health), name="health"),
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
    path("", include("cases.urls")),
    path("", include("risk.urls")),
    path("", include("timeliness.urls")),
    path("", include("interventions.urls")),
    path("", include("enforcement.urls")),
    path("", include("oversight.urls")),
]
