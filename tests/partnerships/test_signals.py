"""A partner's answer is a QuerySet.update(): no model signal, so partnerships sends its
own (``partnerships.signals.partners_changed``) and the matcher's change log follows it
without partnerships importing the matcher."""

import pytest
from django.core.exceptions import PermissionDenied

from kennisschakel.accounts.models import Role
from kennisschakel.matching.models import MatchIndexChange
from kennisschakel.partnerships import services
from kennisschakel.partnerships.models import PartnershipPartner
from kennisschakel.partnerships.signals import partners_changed


@pytest.mark.django_db
def test_an_answered_proposal_is_sent_and_logged_for_the_matcher(enschede_contributor, make_user):
    zwolle_contributor = make_user(Role.CONTRIBUTOR, "GM0193")
    partnership = services.create_partnership(
        {"name": "Voorstel", "kind": "stedenband"},
        [services.parse_party("GM0153"), services.parse_party("GM0193")],
        enschede_contributor,
    )
    heard = []

    def listener(sender, partnership, **kwargs):
        heard.append(partnership.pk)

    partners_changed.connect(listener)
    try:
        logged = MatchIndexChange.objects.filter(kind="partnership", ref=partnership.pk)
        before = logged.count()
        assert services.answer_participation(partnership, zwolle_contributor, True) == 1
        assert heard == [partnership.pk]
        assert logged.count() == before + 1
        # No open proposal left: refused, nothing sent, nothing logged.
        with pytest.raises(PermissionDenied):
            services.answer_participation(partnership, zwolle_contributor, True)
        assert heard == [partnership.pk]
        assert logged.count() == before + 1
    finally:
        partners_changed.disconnect(listener)
    side = partnership.partners.get(organisation=zwolle_contributor.organisation)
    assert side.status == PartnershipPartner.Status.CONFIRMED
