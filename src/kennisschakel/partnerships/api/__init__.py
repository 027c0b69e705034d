"""REST API: /api/v1/partnerships, /activities, /network-memberships and reciprocity balances.

One module per resource (its serializers and viewset); the project's API URL list
imports the viewsets from here.
"""

from kennisschakel.partnerships.api.activities import (
    ActivitySerializer,
    ActivityViewSet,
    ConfirmationSerializer,
    SideSerializer,
)
from kennisschakel.partnerships.api.conditional import ConditionalUpdateMixin
from kennisschakel.partnerships.api.memberships import MembershipSerializer, MembershipViewSet
from kennisschakel.partnerships.api.partnerships import (
    LearningScoresSerializer,
    ParticipationSerializer,
    PartnershipSerializer,
    PartnershipViewSet,
)
from kennisschakel.partnerships.api.reciprocity import ReciprocityViewSet

__all__ = [
    "ActivitySerializer",
    "ActivityViewSet",
    "ConditionalUpdateMixin",
    "ConfirmationSerializer",
    "LearningScoresSerializer",
    "MembershipSerializer",
    "MembershipViewSet",
    "ParticipationSerializer",
    "PartnershipSerializer",
    "PartnershipViewSet",
    "ReciprocityViewSet",
    "SideSerializer",
]
