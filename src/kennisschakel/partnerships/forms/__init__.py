"""The partnerships app's forms, one module per job; import them from here."""

from kennisschakel.partnerships.forms.activity import (
    ACTIVITY_FIELDS,
    ACTIVITY_VERSIONED_FIELDS,
    DIRECTIONS,
    ActivityForm,
    ConfirmForm,
    party_name,
)
from kennisschakel.partnerships.forms.council_note import CouncilNoteForm, default_note_period
from kennisschakel.partnerships.forms.learning_assessment import LearningAssessmentForm
from kennisschakel.partnerships.forms.membership import NETWORK_TYPES, MembershipForm
from kennisschakel.partnerships.forms.partnership import FUNDING_PROGRAMMES, PartnershipForm

__all__ = [
    "ACTIVITY_FIELDS",
    "ACTIVITY_VERSIONED_FIELDS",
    "DIRECTIONS",
    "FUNDING_PROGRAMMES",
    "NETWORK_TYPES",
    "ActivityForm",
    "ConfirmForm",
    "CouncilNoteForm",
    "LearningAssessmentForm",
    "MembershipForm",
    "PartnershipForm",
    "default_note_period",
    "party_name",
]
