from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from kennisschakel.accounts.forms import AdminLoginForm
from kennisschakel.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "organisation", "role", "is_active"]
    list_select_related = ["organisation"]  # nullable: Django does not join it by itself
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    autocomplete_fields = ["organisation"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "organisation", "role"]}),
        (_("Rights"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
        (_("Person"), {"fields": ["full_name", "organisation", "role"]}),
    ]


# The admin login goes through the same one-attempt-at-a-time lock-out as the site's.
admin.site.login_form = AdminLoginForm
