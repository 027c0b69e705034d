from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kennisschakel.register import models as m
from kennisschakel.register import services


class ProvinceSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.Province
        fields = ["code", "name"]


class GroupingRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.Grouping
        fields = ["slug", "name", "kind"]


class SizeClassRefSerializer(serializers.Serializer):
    scheme = serializers.CharField()
    size_class = serializers.CharField(allow_null=True)
    label = serializers.CharField(allow_null=True)


class MunicipalitySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:municipality-detail", lookup_field="cbs_code"
    )
    province = ProvinceSerializer(read_only=True)
    groupings = GroupingRefSerializer(many=True, read_only=True)
    border_countries = serializers.SlugRelatedField(many=True, read_only=True, slug_field="iso2")
    size_classes = serializers.SerializerMethodField()
    organisation = serializers.SlugRelatedField(read_only=True, slug_field="slug")

    class Meta:
        model = m.Municipality
        fields = [
            "url",
            "cbs_code",
            "name",
            "common_name",
            "province",
            "inhabitants",
            "inhabitants_date",
            "inhabitants_source",
            "size_classes",
            "groupings",
            "border_countries",
            "organisation",
            "source",
        ]

    @extend_schema_field(SizeClassRefSerializer(many=True))
    def get_size_classes(self, obj):
        schemes = self.context.get("size_schemes") or []
        result = []
        for bands in schemes:
            size_class = bands.class_for(obj.inhabitants)
            result.append(
                {
                    "scheme": bands.scheme.slug,
                    "size_class": size_class.slug if size_class else None,
                    "label": size_class.label if size_class else None,
                }
            )
        return result


class MergerSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.Merger
        fields = ["old_code", "old_name", "new_code", "new_name", "effective_date", "source"]


class SizeClassSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = m.SizeClass
        fields = ["slug", "label", "lower", "upper"]


class SizeSchemeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    classes = SizeClassSerializer(many=True, read_only=True)

    class Meta:
        model = m.SizeScheme
        fields = ["slug", "name", "source", "classes"]


class GroupingSerializer(serializers.ModelSerializer):
    members = serializers.SlugRelatedField(
        source="municipalities", many=True, read_only=True, slug_field="cbs_code"
    )
    description = serializers.CharField(read_only=True)

    class Meta:
        model = m.Grouping
        fields = ["slug", "name", "kind", "description", "source", "members"]


class WorldRegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.WorldRegion
        fields = ["slug", "name_nl", "name_en"]


class CountrySerializer(serializers.ModelSerializer):
    world_region = WorldRegionSerializer(read_only=True, allow_null=True)

    class Meta:
        model = m.Country
        fields = ["iso2", "iso3", "name_nl", "name_en", "world_region"]


class CountryRefSerializer(serializers.ModelSerializer):
    world_region = serializers.SlugRelatedField(read_only=True, slug_field="slug")

    class Meta:
        model = m.Country
        fields = ["iso2", "name_nl", "name_en", "world_region"]


class ForeignPlaceSerializer(serializers.ModelSerializer):
    country = CountryRefSerializer(read_only=True)

    class Meta:
        model = m.ForeignPlace
        fields = [
            "id",
            "geonameid",
            "name",
            "country",
            "population",
            "latitude",
            "longitude",
            "name_variants",
            "source",
        ]


class OrganisationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:organisation-detail", lookup_field="slug"
    )
    domains = serializers.SlugRelatedField(
        many=True, slug_field="slug", queryset=m.PolicyDomain.objects.all(), required=False
    )
    municipality = serializers.SlugRelatedField(
        read_only=True, slug_field="cbs_code", allow_null=True
    )

    class Meta:
        model = m.Organisation
        fields = [
            "url",
            "slug",
            "name",
            "short_name",
            "type",
            "level",
            "website",
            "description_nl",
            "description_en",
            "domains",
            "municipality",
            "source",
        ]
        read_only_fields = ["slug", "municipality"]

    def validate(self, attrs):
        # A municipality's organisation record mirrors the register: its name and
        # type follow the CBS data and cannot be changed through the profile.
        instance = self.instance
        if instance is not None and instance.type == m.Organisation.Type.MUNICIPALITY:
            for locked in ("name", "type"):
                if locked in attrs and attrs[locked] != getattr(instance, locked):
                    raise serializers.ValidationError(
                        {
                            locked: _("A municipality's %(field)s comes from the register.")
                            % {"field": m.Organisation._meta.get_field(locked).verbose_name}
                        }
                    )
        return attrs

    def update(self, instance, validated_data):
        return services.update_organisation(instance, validated_data)


class OrganisationCreateSerializer(OrganisationSerializer):
    slug = serializers.SlugField(max_length=120)

    class Meta(OrganisationSerializer.Meta):
        read_only_fields = ["municipality"]

    def validate_slug(self, value):
        if m.Organisation.objects.filter(slug=value).exists():
            raise serializers.ValidationError(_("An organisation with this slug already exists."))
        return value

    def validate_type(self, value):
        if value == m.Organisation.Type.MUNICIPALITY:
            raise serializers.ValidationError(
                _("Municipalities are added through the register import, not here.")
            )
        return value

    def create(self, validated_data):
        return services.create_organisation(validated_data)
