"""Pages of matchmaking, one module per kind of page: asking (:mod:`.ask`), questions and
offers (:mod:`.items`), introductions (:mod:`.introductions`) and the international
partner search (:mod:`.international`)."""

from kennisschakel.matching.views.ask import ask, ask_introduce
from kennisschakel.matching.views.international import international
from kennisschakel.matching.views.introductions import (
    introduction_create,
    introduction_detail,
    introduction_list,
)
from kennisschakel.matching.views.items import (
    offer_create,
    offer_detail,
    offer_edit,
    question_create,
    question_detail,
    question_edit,
    question_list,
)

__all__ = [
    "ask",
    "ask_introduce",
    "international",
    "introduction_create",
    "introduction_detail",
    "introduction_list",
    "offer_create",
    "offer_detail",
    "offer_edit",
    "question_create",
    "question_detail",
    "question_edit",
    "question_list",
]
