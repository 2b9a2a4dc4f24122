from django.urls import path

from oversight.views import audits, compliance, dashboard

app_name = "oversight"

urlpatterns = [
    # Team dashboard and overdue work (oversight/views/dashboard.py)
    path("oversight/", dashboard.dashboard, name="dashboard"),
    path("oversight/overdue-work/", dashboard.overdue_work, name="overdue_work"),
    # Service-level compliance, missed cases and continuity (oversight/views/compliance.py)
    path("oversight/service-levels/", compliance.compliance, name="compliance"),
    path("oversight/service-levels/missed/", compliance.missed, name="missed"),
    path("oversight/continuity/", compliance.continuity, name="continuity"),
    # Case quality audits (oversight/views/audits.py)
    path("oversight/audits/", audits.audit_list, name="audits"),
    path("oversight/audits/new/", audits.audit_new, name="audit_new"),
    path("oversight/audits/<int:pk>/", audits.audit_detail, name="audit"),
    path("oversight/audits/<int:pk>/cases/<int:audited_case_id>/", audits.audit_case, name="audit_case"),
]
