"""Django admin for the risk area's reference data: registration (flag) types, with history.

Types are switched off (`active`), never deleted, because registrations keep pointing at them. People's
assessments and registrations are not in the admin: it would bypass access scoping.
"""

from django.contrib import admin

from accounts.admin import NeverDeleteAdmin
from risk.models import RegistrationType


@admin.register(RegistrationType)
class RegistrationTypeAdmin(NeverDeleteAdmin):
    list_display = ["name", "code", "colour", "default_review_months", "active"]
    list_filter = ["active", "colour"]
    search_fields = ["name", "code"]
