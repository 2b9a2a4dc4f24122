from django.urls import path

from risk import views

app_name = "risk"

urlpatterns = [
    path("people/<str:crn>/risk/", views.person_risk, name="person_risk"),
    path("people/<str:crn>/risk/assessments/new/", views.assessment_new, name="assessment_new"),
    path("people/<str:crn>/risk/registrations/new/", views.registration_new, name="registration_new"),
    path("people/<str:crn>/risk/mappa/new/", views.mappa_new, name="mappa_new"),
    path("people/<str:crn>/risk/changes/new/", views.change_new, name="change_new"),
    path("people/<str:crn>/risk/parents-and-carers/new/", views.parent_new, name="parent_new"),
    path("risk/assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("risk/assessments/<int:pk>/edit/", views.assessment_edit, name="assessment_edit"),
    path("risk/assessments/<int:pk>/complete/", views.assessment_complete, name="assessment_complete"),
    path("risk/registrations/<int:pk>/review/", views.registration_review, name="registration_review"),
    path("risk/registrations/<int:pk>/deregister/", views.registration_deregister, name="registration_deregister"),
    path("risk/mappa/<int:pk>/review/", views.mappa_review, name="mappa_review"),
    path("risk/mappa/<int:pk>/end/", views.mappa_end, name="mappa_end"),
    path("risk-gaps/", views.gaps, name="gaps"),
]
