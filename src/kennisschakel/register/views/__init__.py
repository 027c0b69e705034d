"""HTML pages of the register, one module per kind of page: municipalities,
organisations and groupings (:mod:`.directory`), places and countries abroad
(:mod:`.abroad`), contact persons and their consent (:mod:`.contacts`), and the
party combobox's suggestions (:mod:`.suggest`)."""

from kennisschakel.register.views.abroad import (
    country_detail,
    country_list,
    place_detail,
    place_search,
)
from kennisschakel.register.views.contacts import (
    consent,
    contact_erase,
    contact_export,
    contact_list,
    contact_request_consent,
)
from kennisschakel.register.views.directory import (
    OrganisationDetailView,
    OrganisationEditView,
    OrganisationListView,
    grouping_list,
    municipality_detail,
    municipality_list,
)
from kennisschakel.register.views.suggest import party_suggest

__all__ = [
    "OrganisationDetailView",
    "OrganisationEditView",
    "OrganisationListView",
    "consent",
    "contact_erase",
    "contact_export",
    "contact_list",
    "contact_request_consent",
    "country_detail",
    "country_list",
    "grouping_list",
    "municipality_detail",
    "municipality_list",
    "party_suggest",
    "place_detail",
    "place_search",
]
