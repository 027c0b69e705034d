"""/meldingen/: only the user's own notifications, newest first, unread marked in words,
marked read one by one or all at once (POST, CSRF, idempotent), paginated without a
query per row; the unread ones on Mijn Kennisschakel; the digest choice on Account."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kennisschakel.accounts.models import Role
from kennisschakel.notifications.models import DigestPreference, Kind, Notification
from kennisschakel.notifications.services import create_for

pytestmark = pytest.mark.django_db
LIST = reverse("notifications:list")


def _notify(user, n: int, start: int = 0) -> list[Notification]:
    """Notifications number ``start`` … ``start + n - 1``, a higher number a later one."""
    base = timezone.now() - datetime.timedelta(hours=1)
    return Notification.objects.bulk_create(
        [
            Notification(
                user=user,
                kind=Kind.INTRODUCTION_REQUESTED,
                key=f"test:{user.pk}:{i}",
                actor="Gemeente Weert",
                subject=f"Verzoek nummer {i}",
                url=f"/introducties/{i}/",
                created_at=base + datetime.timedelta(seconds=i),
            )
            for i in range(start, start + n)
        ]
    )


def _items(body: str) -> list[str]:
    return re.findall(r'<li class="notification[^"]*">.*?</li>', body, re.S)


def test_login_required(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    post = client.post(reverse("notifications:mark-all-read"))
    assert post.status_code == 302 and post["Location"].startswith(reverse("accounts:login"))


def test_list_shows_own_newest_first_with_unread_in_words(client, make_user):
    enschede = make_user(Role.COORDINATOR, "GM0153")
    weert = make_user(Role.CONTRIBUTOR, "GM0988")
    old, new = _notify(enschede, 2)
    old.read_at = timezone.now()
    old.save()
    _notify(weert, 1, start=50)
    client.force_login(enschede)
    body = client.get(LIST).content.decode()
    assert "<h1>Meldingen</h1>" in body
    items = _items(body)
    assert len(items) == 2  # never another user's (Weert's "Verzoek nummer 50")
    assert "Verzoek nummer 50" not in body
    # Newest first; unread is said in words and in bold, not by colour alone.
    assert "Verzoek nummer 1" in items[0] and "Verzoek nummer 0" in items[1]
    assert ">ongelezen</span>" in items[0] and "<strong>" in items[0]
    assert ">gelezen</span>" in items[1] and "Markeer als gelezen" not in items[1]
    assert 'href="/introducties/1/"' in items[0]
    assert "U hebt 1 ongelezen melding." in body


def test_list_is_paginated_with_a_fixed_number_of_queries(client, make_user):
    user = make_user(Role.CONTRIBUTOR, "GM0153")
    client.force_login(user)
    _notify(user, 3)
    client.get(LIST)  # session and caches warmed up
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    _notify(user, 40, start=3)
    with CaptureQueriesContext(connection) as many:
        body = client.get(LIST).content.decode()
    assert len(many) == len(few), [q["sql"] for q in many]
    assert len(_items(body)) == 20
    assert "Pagina 1 van 3" in body
    page3 = client.get(LIST, {"page": 3}).content.decode()
    assert len(_items(page3)) == 3 and "Verzoek nummer 0" in page3
    assert client.get(LIST, {"page": "x<script>"}).status_code == 200  # bad input: page 1


def test_mark_read_is_a_post_for_the_owner_only_and_idempotent(client, make_user):
    user = make_user(Role.CONTRIBUTOR, "GM0153")
    other = make_user(Role.CONTRIBUTOR, "GM0988")
    (mine,) = _notify(user, 1)
    (theirs,) = _notify(other, 1, start=9)
    url = reverse("notifications:mark-read", args=[mine.pk])
    client.force_login(user)
    assert client.get(url).status_code == 405  # a link cannot mark anything
    response = client.post(url, {"next": f"{LIST}?page=1"})
    assert response.status_code == 302 and response["Location"] == f"{LIST}?page=1"
    mine.refresh_from_db()
    first_read = mine.read_at
    assert first_read is not None
    assert client.post(url).status_code == 302  # again: nothing changes, no error
    mine.refresh_from_db()
    assert mine.read_at == first_read
    # Another user's notification: not found, and left unread.
    other_url = reverse("notifications:mark-read", args=[theirs.pk])
    assert client.post(other_url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    # A "next" to another site is not followed.
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == LIST


def test_forms_need_the_csrf_token(make_user):
    user = make_user(Role.CONTRIBUTOR, "GM0153")
    (notification,) = _notify(user, 1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    url = reverse("notifications:mark-read", args=[notification.pk])
    assert client.post(url).status_code == 403
    assert client.post(reverse("notifications:mark-all-read")).status_code == 403
    body = client.get(LIST).content.decode()
    assert body.count('name="csrfmiddlewaretoken"') >= 2  # each form carries its token


def test_mark_all_read_stops_at_what_the_page_showed(client, make_user):
    user = make_user(Role.CONTRIBUTOR, "GM0153")
    other = make_user(Role.CONTRIBUTOR, "GM0988")
    shown = _notify(user, 3)
    (theirs,) = _notify(other, 1, start=9)
    client.force_login(user)
    body = client.get(LIST).content.decode()
    up_to = re.search(r'name="up_to" value="(\d+)"', body).group(1)
    (later,) = _notify(user, 1, start=5)  # arrives after the page was shown
    response = client.post(reverse("notifications:mark-all-read"), {"up_to": up_to})
    assert response.status_code == 302
    assert Notification.objects.filter(pk__in=[n.pk for n in shown], read_at=None).count() == 0
    later.refresh_from_db()
    theirs.refresh_from_db()
    assert later.read_at is None and theirs.read_at is None
    messages = client.get(LIST).content.decode()
    assert "U hebt 1 ongelezen melding." in messages
    # Again, and with nonsense: no error, only what is the user's.
    assert client.post(reverse("notifications:mark-all-read"), {"up_to": "1e99"}).status_code == 302
    later.refresh_from_db()
    theirs.refresh_from_db()
    assert later.read_at is not None and theirs.read_at is None
    body = client.get(LIST).content.decode()
    assert "Alles als gelezen markeren" not in body


def test_mine_shows_the_unread_notifications(client, make_user):
    user = make_user(Role.READER, "GM0153")
    _notify(user, 7)
    client.force_login(user)
    body = client.get(reverse("core:mine")).content.decode()
    section = re.search(
        r'<section[^>]*aria-labelledby="mine-notifications".*?</section>', body, re.S
    )
    assert section, "the notifications section is on Mijn Kennisschakel"
    html = section.group(0)
    assert "Ongelezen meldingen" in html and '<span class="mine-count">7</span>' in html
    assert html.count("<li>") == 5 and f'href="{LIST}"' in html
    Notification.objects.filter(user=user).update(read_at=timezone.now())
    body = client.get(reverse("core:mine")).content.decode()
    assert "U hebt geen ongelezen meldingen." in body


def test_unread_notifications_add_nothing_to_the_menu_count(make_user):
    """The menu counts what waits once, in the section of its own app."""
    from kennisschakel.core.context_processors import MineMenu

    user = make_user(Role.COORDINATOR, "GM0086")
    _notify(user, 3)
    assert MineMenu(user).count == 0


def test_account_page_offers_the_digest_never_by_default(client, make_user):
    user = make_user(Role.CONTRIBUTOR, "GM0153")
    client.force_login(user)
    body = client.get(reverse("accounts:profile")).content.decode()
    assert '<h2 id="email-digest">E-mailoverzicht</h2>' in body
    assert "<legend>Hoe vaak wilt u een e-mail met uw nieuwe meldingen?</legend>" in body
    for label in ("Nooit", "Dagelijks", "Wekelijks"):
        assert f">{label}</label>" in body
    assert re.search(r'<input type="radio" name="frequency" value="never"[^>]*checked', body)
    assert not DigestPreference.objects.filter(user=user).exists()  # opt-in: nothing stored


def test_choosing_a_digest_stores_it_with_the_language(client, make_user):
    user = make_user(Role.CONTRIBUTOR, "GM0153")
    client.force_login(user)
    url = reverse("notifications:digest")
    response = client.post(url, {"frequency": "weekly"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:profile")
    assert "U krijgt een wekelijks e-mailoverzicht van nieuwe meldingen." in (
        response.content.decode()
    )
    preference = DigestPreference.objects.get(user=user)
    assert (preference.frequency, preference.language) == ("weekly", "nl")
    assert re.search(r'value="weekly"[^>]*checked', response.content.decode()), (
        "the page shows the choice"
    )
    client.cookies["django_language"] = "en"
    client.post(url, {"frequency": "daily"}, HTTP_ACCEPT_LANGUAGE="en")
    preference.refresh_from_db()
    assert preference.frequency == "daily"
    # Bad input: a clear message, the choice unchanged, never a 500.
    client.cookies["django_language"] = "nl"
    response = client.post(url, {"frequency": "hourly"}, follow=True)
    assert response.status_code == 200
    assert "Kies nooit, dagelijks of wekelijks." in response.content.decode()
    preference.refresh_from_db()
    assert preference.frequency == "daily"
    assert client.get(url).status_code == 405


def test_digest_choice_is_english_when_chosen_in_english(client, make_user):
    user = make_user(Role.CONTRIBUTOR, "GM0153")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(reverse("notifications:digest"), {"frequency": "daily"})
    assert DigestPreference.objects.get(user=user).language == "en"


def test_create_for_skips_inactive_users_and_repeats(make_user):
    active = make_user(Role.READER, "GM0153")
    make_user(Role.READER, "GM0153", email="oud@enschede.test", is_active=False)
    values = {"kind": Kind.MONITOR_RESULTS, "key": "k", "subject": "s", "url": "/", "actor": ""}
    assert create_for([active.organisation_id], None, **values) >= 1
    create_for([active.organisation_id], None, **values)  # the same event again
    assert Notification.objects.filter(key="k", user=active).count() == 1
    assert not Notification.objects.filter(key="k", user__is_active=False).exists()
