from django.contrib import admin

from kennisschakel.partnerships import models as m


class PartnerInline(admin.TabularInline):
    model = m.PartnershipPartner
    raw_id_fields = ["organisation", "place"]
    extra = 1


class SideInline(admin.TabularInline):
    model = m.ActivitySide
    raw_id_fields = ["organisation", "place"]
    extra = 2


@admin.register(m.Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "status", "start_year"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "slug"]
    filter_horizontal = ["motives", "domains"]
    inlines = [PartnerInline]


@admin.register(m.ExchangeActivity)
class ExchangeActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "form", "start_date", "year", "confirmation"]
    list_filter = ["form", "confirmation"]
    search_fields = ["title", "slug"]
    raw_id_fields = ["partnership", "logged_by", "logged_by_organisation", "practices"]
    inlines = [SideInline]


@admin.register(m.NetworkMembership)
class NetworkMembershipAdmin(admin.ModelAdmin):
    list_display = ["member", "network", "role", "since", "until"]
    list_filter = ["role", "network"]
    raw_id_fields = ["member", "network"]


admin.site.register(m.Motive)
