"""HTML pages for partnerships, the exchange ledger, networks and the landscape.

One module per kind of page: reading (``browse``), changing (``editing``), the council
note, the learning assessment and the balances. The URL list and other code import the
views from here.
"""

from kennisschakel.partnerships.views.balances import country_balance_list, network_balance
from kennisschakel.partnerships.views.browse import (
    PARTNER_PREFETCH,
    PARTNERSHIPS_PER_PAGE,
    activity_detail,
    landscape,
    partnership_detail,
    partnership_list,
)
from kennisschakel.partnerships.views.council_note import (
    activity_council_note,
    activity_council_note_pdf,
    council_note,
    council_note_pdf,
)
from kennisschakel.partnerships.views.editing import (
    activity_create,
    activity_edit,
    membership_create,
    membership_edit,
    partnership_create,
    partnership_edit,
    partnership_participation,
)
from kennisschakel.partnerships.views.learning import learning_assessment

__all__ = [
    "PARTNERSHIPS_PER_PAGE",
    "PARTNER_PREFETCH",
    "activity_council_note",
    "activity_council_note_pdf",
    "activity_create",
    "activity_detail",
    "activity_edit",
    "council_note",
    "council_note_pdf",
    "country_balance_list",
    "landscape",
    "learning_assessment",
    "membership_create",
    "membership_edit",
    "network_balance",
    "partnership_create",
    "partnership_detail",
    "partnership_edit",
    "partnership_list",
    "partnership_participation",
]
