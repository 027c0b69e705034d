"""A municipality named as a proposed partner hears about it once, by email."""

import pytest
from django.urls import reverse

from kennisschakel.accounts.models import Role
from kennisschakel.partnerships import services
from kennisschakel.partnerships.models import Partnership

pytestmark = pytest.mark.django_db


def test_a_proposed_municipality_gets_one_email_and_none_on_resaving(
    client,
    settings,
    enschede_contributor,
    make_user,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    settings.KENNISSCHAKEL_SITE_URL = "https://kennisschakel.example/"
    zwolle_contributor = make_user(Role.CONTRIBUTOR, "GM0193")
    zwolle_reader = make_user(Role.READER, "GM0193")
    weert_contributor = make_user(Role.CONTRIBUTOR, "GM0988")
    client.force_login(enschede_contributor)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            reverse("partnerships:partnership-create"),
            {
                "name": "Enschede neemt Zwolle mee",
                "kind": "projectpartnerschap",
                "status": "actief",
                "partners_text": "GM0153\nGM0193\nplace: Münster, DE",
            },
        )
    assert created.status_code == 302
    partnership = Partnership.objects.get(name="Enschede neemt Zwolle mee")

    assert len(smtp_server.messages) == 1
    sent = smtp_server.messages[0]
    assert sent["to"] == [zwolle_contributor.email]
    for bystander in (zwolle_reader, weert_contributor, enschede_contributor):
        assert bystander.email not in sent["to"]
    body = sent["message"].get_body(preferencelist=("plain",)).get_content()
    assert "Enschede neemt Zwolle mee" in sent["message"]["Subject"]
    assert "Enschede" in body
    assert f"https://kennisschakel.example{partnership.get_absolute_url()}" in body

    # Saving again with the same partners proposes nobody new: no second email.
    partners = [services.parse_party(p) for p in ("GM0153", "GM0193", "place: Münster, DE")]
    with django_capture_on_commit_callbacks(execute=True):
        services.update_partnership(
            partnership,
            {"name": "Enschede neemt Zwolle mee", "kind": "projectpartnerschap"},
            partners,
            user=enschede_contributor,
        )
    assert len(smtp_server.messages) == 1
