"""Domain operations of matchmaking (no HTTP): ask and match (:mod:`.asking`), suggest
networks (:mod:`.networks`), introduce (:mod:`.introductions`).

Callers use ``services.<name>``: the names below are the package's interface."""

from kennisschakel.matching.countries import countries_in_text
from kennisschakel.matching.services.asking import (
    MAX_LIMIT,
    MAX_QUESTION_LENGTH,
    MIN_QUESTION_LENGTH,
    Suggestion,
    find_matches,
    municipality_by_code,
    question_matches,
    save_asked_question,
    save_item,
    validate_match_text,
    validate_question_text,
)
from kennisschakel.matching.services.introductions import (
    AlreadyAnswered,
    answer_introduction,
    introductions_visible_to,
    recipient_of,
    request_introduction,
    withdraw_introduction,
)
from kennisschakel.matching.services.networks import _size_fits, network_suggestions

__all__ = [
    "MAX_LIMIT",
    "MAX_QUESTION_LENGTH",
    "MIN_QUESTION_LENGTH",
    "AlreadyAnswered",
    "Suggestion",
    "_size_fits",
    "answer_introduction",
    "countries_in_text",
    "find_matches",
    "introductions_visible_to",
    "municipality_by_code",
    "network_suggestions",
    "question_matches",
    "recipient_of",
    "request_introduction",
    "save_asked_question",
    "save_item",
    "validate_match_text",
    "validate_question_text",
    "withdraw_introduction",
]
