"""/api/v1/network-memberships: organisations' memberships of networks."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from kennisschakel.partnerships import services
from kennisschakel.partnerships.filters import MembershipFilter
from kennisschakel.partnerships.forms import NETWORK_TYPES
from kennisschakel.partnerships.models import NetworkMembership
from kennisschakel.register.models import Organisation, PolicyDomain


class MembershipSerializer(serializers.ModelSerializer):
    member = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        required=False,
        help_text="Defaults to your own organisation; only facilitators name another.",
    )
    network = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organisation.objects.filter(type__in=NETWORK_TYPES)
    )
    themes = serializers.SlugRelatedField(
        many=True, slug_field="slug", queryset=PolicyDomain.objects.all(), required=False
    )

    class Meta:
        model = NetworkMembership
        fields = ["id", "member", "network", "role", "since", "until", "themes", "source"]
        read_only_fields = ["id"]
        validators = []  # the unique pair is checked below, with a readable message

    def validate(self, attrs):
        user = self.context["request"].user
        if self.instance is not None:
            attrs.pop("member", None)
            attrs.pop("network", None)
            member, network = self.instance.member, self.instance.network
        else:
            member = attrs.get("member") if user.is_facilitator else user.organisation
            if member is None:
                raise serializers.ValidationError({"member": _("Name the member organisation.")})
            if not user.is_facilitator and attrs.get("member") not in (None, member):
                raise serializers.ValidationError(
                    {"member": _("You can only record memberships of your own organisation.")}
                )
            attrs["member"] = member
            network = attrs["network"]
            if NetworkMembership.objects.filter(member=member, network=network).exists():
                raise serializers.ValidationError(
                    {
                        "network": _("%(member)s is already a member of %(network)s.")
                        % {"member": member, "network": network}
                    }
                )
        if member.pk == network.pk:
            raise serializers.ValidationError(
                {"network": _("An organisation cannot be a member of itself.")}
            )
        since = attrs.get("since", getattr(self.instance, "since", None))
        until = attrs.get("until", getattr(self.instance, "until", None))
        if since and until and until < since:
            raise serializers.ValidationError(
                {"until": _("The end year lies before the start year.")}
            )
        return attrs

    # Not ModelSerializer's own writes: every write goes through the services.
    def create(self, validated):
        themes = validated.pop("themes", None)
        return services.save_membership(NetworkMembership(**validated), themes)

    def update(self, membership, validated):
        themes = validated.pop("themes", None)
        for name, value in validated.items():
            setattr(membership, name, value)
        return services.save_membership(membership, themes)


@extend_schema_view(
    list=extend_schema(summary="Network memberships", tags=["partnerships"]),
    retrieve=extend_schema(summary="One network membership", tags=["partnerships"]),
    create=extend_schema(
        summary="Record your organisation's membership of a network", tags=["partnerships"]
    ),
    update=extend_schema(summary="Change a membership (the member only)", tags=["partnerships"]),
    partial_update=extend_schema(
        summary="Change part of a membership (the member only)", tags=["partnerships"]
    ),
    destroy=extend_schema(summary="End the record of a membership", tags=["partnerships"]),
)
class MembershipViewSet(viewsets.ModelViewSet):
    queryset = NetworkMembership.objects.select_related("member", "network").prefetch_related(
        "themes"
    )
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter

    def perform_destroy(self, membership):
        services.delete_membership(membership)
