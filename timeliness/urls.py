from django.urls import path

from timeliness import views

app_name = "timeliness"

urlpatterns = [
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:pk>/read/", views.alert_read, name="alert_read"),
    path("alerts/read-all/", views.alerts_read_all, name="alerts_read_all"),
    path("cases/<int:pk>/service-levels/", views.case_clocks, name="case_clocks"),
    path("service-levels/", views.service_levels, name="service_levels"),
]
