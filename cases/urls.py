from django.urls import path

from cases import views
from cases.views import allocation, contacts, court, ending, oversight, plans, sentencing

app_name = "cases"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("team/", views.team, name="team"),
    path("search/", views.search, name="search"),
    path("people/<str:crn>/", views.person_detail, name="person"),
    path("people/<str:crn>/history/", views.person_history_view, name="person_history"),
    path("people/<str:crn>/contact-details/", views.person_contact_details, name="person_contact_details"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/history/", views.case_history_view, name="case_history"),
    *court.urlpatterns,
    *sentencing.urlpatterns,
    *allocation.urlpatterns,
    *ending.urlpatterns,
    *contacts.urlpatterns,
    *plans.urlpatterns,
    *oversight.urlpatterns,
]
