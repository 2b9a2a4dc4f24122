"""Django admin for organisations, staff and reference data, with history (django-simple-history)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import Court, Provider, Region, Team, User


class NeverDeleteAdmin(SimpleHistoryAdmin):
    """Organisations and reference data are switched off (`active`), never deleted: records point at them."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(NeverDeleteAdmin):
    search_fields = ["name"]


@admin.register(Provider)
class ProviderAdmin(NeverDeleteAdmin):
    list_display = ["name", "code", "provider_type", "region", "active"]
    list_filter = ["provider_type", "region", "active"]
    search_fields = ["name", "code"]


@admin.register(Team)
class TeamAdmin(NeverDeleteAdmin):
    list_display = ["name", "code", "provider", "active"]
    list_filter = ["provider", "active"]
    list_select_related = ["provider"]
    search_fields = ["name", "code"]


@admin.register(Court)
class CourtAdmin(NeverDeleteAdmin):
    list_display = ["name", "code", "court_type", "region", "active"]
    list_filter = ["court_type", "region", "active"]
    search_fields = ["name", "code"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "team", "is_active"]
    list_filter = ["role", "team__provider", "is_active"]
    list_select_related = ["team"]
    search_fields = ["username", "first_name", "last_name", "email"]
    filter_horizontal = ["courts", "groups", "user_permissions"]
    fieldsets = DjangoUserAdmin.fieldsets + (("Role and team", {"fields": ("role", "team", "courts")}),)
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        ("Role and team", {"fields": ("first_name", "last_name", "email", "role", "team")}),
    )

    def delete_model(self, request, obj):
        """Staff are never deleted (their names are on case history): switch the account off instead."""
        obj.is_active = False
        obj._history_user = request.user
        obj.save()

    def has_delete_permission(self, request, obj=None):
        return False
