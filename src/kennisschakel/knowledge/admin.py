from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kennisschakel.knowledge import models as m


class AttachmentInline(admin.TabularInline):
    model = m.Attachment
    extra = 0
    readonly_fields = ["download", "content_type", "size", "uploaded_by", "uploaded_at"]
    fields = readonly_fields

    @admin.display(description=_("file"))
    def download(self, attachment):
        # Files are served only through the view that checks permission, never from /media/.
        url = reverse(
            "knowledge:attachment-download",
            kwargs={"slug": attachment.practice.slug, "pk": attachment.pk},
        )
        return format_html('<a href="{}">{}</a>', url, attachment.original_name)

    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False  # uploads go through the site, which checks content


class AdoptionInline(admin.TabularInline):
    model = m.Adoption
    extra = 0
    fields = ["organisation", "outcome", "note", "reply"]
    raw_id_fields = ["organisation"]


@admin.register(m.Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "kind", "status", "maturity", "updated_at"]
    list_filter = ["status", "kind", "maturity"]
    search_fields = ["title", "summary", "summary_en", "slug"]
    raw_id_fields = ["owner", "co_owners", "contacts", "foreign_places", "created_by"]
    filter_horizontal = ["domains"]
    inlines = [AttachmentInline, AdoptionInline]

    def save_model(self, request, obj, form, change):
        # Through the service, so search terms and history stay right.
        from kennisschakel.knowledge.services import save_practice

        save_practice(obj, request.user, note="admin")


@admin.register(m.Adoption)
class AdoptionAdmin(admin.ModelAdmin):
    list_display = ["practice", "organisation", "outcome", "created_at"]
    list_filter = ["outcome"]
    raw_id_fields = ["practice", "organisation", "recorded_by", "replied_by"]


@admin.register(m.PracticeRevision)
class PracticeRevisionAdmin(admin.ModelAdmin):
    list_display = ["practice", "user", "created_at"]
    list_select_related = ["practice", "user"]  # user is nullable: not joined by itself
    readonly_fields = ["practice", "user", "created_at", "changes", "note"]
