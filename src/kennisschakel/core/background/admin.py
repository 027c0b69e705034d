from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kennisschakel.core.background.models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """Read-only: the outbox is written by the site and the worker, looked at by people."""

    list_display = ["subject", "recipient_list", "status", "attempts", "next_attempt_at",
                    "sent_at", "created_at"]  # fmt: skip
    list_filter = ["status"]
    search_fields = ["subject", "last_error"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in OutgoingEmail._meta.fields]

    @admin.display(description=_("recipients"))
    def recipient_list(self, email):
        return ", ".join(email.recipients)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
