from django.urls import path  # noqa: F401 - patterns are added by the risk pages

app_name = "risk"

urlpatterns: list = []
