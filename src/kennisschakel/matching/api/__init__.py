"""REST API of matchmaking: /api/v1/matches (:mod:`.matches`), /questions and /offers
(:mod:`.items`), /introductions (:mod:`.introductions`)."""

from kennisschakel.matching.api.introductions import IntroductionViewSet
from kennisschakel.matching.api.items import OfferViewSet, QuestionViewSet
from kennisschakel.matching.api.matches import MatchView

__all__ = ["IntroductionViewSet", "MatchView", "OfferViewSet", "QuestionViewSet"]
