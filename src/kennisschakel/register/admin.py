from django.contrib import admin

from kennisschakel.register import models as m


@admin.register(m.Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["cbs_code", "name", "common_name", "province", "inhabitants"]
    list_filter = ["province"]
    search_fields = ["cbs_code", "name", "common_name"]
    list_select_related = ["province"]
    readonly_fields = ["organisation"]


@admin.register(m.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "type", "level"]
    list_filter = ["type", "level"]
    search_fields = ["name", "short_name", "slug"]
    filter_horizontal = ["domains"]
    prepopulated_fields = {"slug": ["name"]}


class GroupingMembershipInline(admin.TabularInline):
    model = m.GroupingMembership
    autocomplete_fields = ["municipality"]
    extra = 1


@admin.register(m.Grouping)
class GroupingAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [GroupingMembershipInline]


class SizeClassInline(admin.TabularInline):
    model = m.SizeClass
    extra = 0


@admin.register(m.SizeScheme)
class SizeSchemeAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_nl"]
    inlines = [SizeClassInline]


@admin.register(m.PolicyDomain)
class PolicyDomainAdmin(admin.ModelAdmin):
    list_display = ["name_nl", "name_en", "parent", "position"]
    list_select_related = ["parent"]  # nullable: Django does not join it by itself
    list_filter = ["parent"]
    search_fields = ["name_nl", "name_en"]


@admin.register(m.Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["iso2", "name_nl", "name_en", "world_region"]
    list_select_related = ["world_region"]  # nullable: Django does not join it by itself
    list_filter = ["world_region"]
    search_fields = ["iso2", "iso3", "name_nl", "name_en"]


@admin.register(m.ForeignPlace)
class ForeignPlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "population"]
    search_fields = ["name", "search_names"]
    list_select_related = ["country"]
    raw_id_fields = ["country"]


@admin.register(m.Merger)
class MergerAdmin(admin.ModelAdmin):
    list_display = ["old_name", "old_code", "new_name", "new_code", "effective_date"]
    search_fields = ["old_name", "old_code", "new_name", "new_code"]
    date_hierarchy = "effective_date"


admin.site.register(m.Province)
admin.site.register(m.WorldRegion)
