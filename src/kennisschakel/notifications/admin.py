from django.contrib import admin

from kennisschakel.notifications.models import DigestPreference, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "subject", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["user__email", "subject", "key"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Notification._meta.fields]


@admin.register(DigestPreference)
class DigestPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "frequency", "language", "last_digest_at"]
    list_filter = ["frequency"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    readonly_fields = ["last_digest_at", "updated_at"]
