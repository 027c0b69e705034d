"""The objects the permission matrix points its requests at, built once per test module.

Two municipalities matter: OWN (Enschede, the organisation of the reader, contributor
and coordinator under test) and OTHER (Weert); THIRD (Eindhoven) is a bystander, so
that "other" objects involve neither the user's organisation nor anyone they deal
with. Everything is made through the same services the site uses, by loaders (no
user) where the rules would otherwise turn a partner into a mere proposal.
"""

import datetime
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from rest_framework.authtoken.models import Token

from kennisschakel.accounts.models import Role, User
from kennisschakel.knowledge import services as knowledge
from kennisschakel.knowledge.models import Adoption, Attachment, Practice
from kennisschakel.matching.models import Introduction, Offer, Question
from kennisschakel.monitor import services as monitor
from kennisschakel.monitor.models import Instrument, Wave
from kennisschakel.notifications.models import Kind, Notification
from kennisschakel.partnerships import services as partnerships
from kennisschakel.partnerships.models import ActivitySide, NetworkMembership
from kennisschakel.register.models import (
    ContactPerson,
    ForeignPlace,
    Grouping,
    Municipality,
    Organisation,
    PolicyDomain,
    SizeScheme,
)

PASSWORD = "a-long-test-password"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OWN_CODE, OTHER_CODE, THIRD_CODE = "GM0153", "GM0988", "GM0772"
ROLES = ("anonymous", "reader", "contributor", "coordinator", "facilitator", "code_holder")


@dataclass
class World:
    own: Organisation
    other: Organisation
    third: Organisation
    network: Organisation
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    objects: dict[str, object] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name):
        return self.objects[name]


def organisation(cbs_code: str) -> Organisation:
    return Municipality.objects.select_related("organisation").get(cbs_code=cbs_code).organisation


def _user(email: str, role: str, org: Organisation) -> User:
    return User.objects.create_user(email=email, password=PASSWORD, role=role, organisation=org)


def _practice(owner: Organisation, title: str, status: str, domain: PolicyDomain) -> Practice:
    practice = Practice(
        owner=owner, title=title, summary=f"{title}: samenvatting voor de matrix.", status=status
    )
    return knowledge.save_practice(practice, None, relations={"domains": [domain]})


def _attachment(practice: Practice) -> Attachment:
    attachment = Attachment(
        practice=practice,
        original_name="matrix.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    attachment.file.save("matrix.pdf", ContentFile(PDF), save=False)
    attachment.save()
    return attachment


def remove_files(world: World) -> None:
    """Files are not part of the database snapshot: delete what the world wrote."""
    for key in ("own", "other"):
        world[f"attachment_{key}"].file.delete(save=False)
    from kennisschakel.files.making import delete_stored

    delete_stored(world["file_done"].file.storage, world["file_done"].file.name)


def _partnership(name: str, *orgs: Organisation):
    parties = [partnerships.PartyRef(organisation=org) for org in orgs]
    return partnerships.create_partnership({"name": name, "kind": "stedenband"}, parties, None)


def _activity(title, logged_by: Organisation, partner: Organisation, partnership=None):
    sides = [
        partnerships.SideInput(partnerships.PartyRef(organisation=logged_by), "gave", 2, 8.0),
        partnerships.SideInput(partnerships.PartyRef(organisation=partner), "received", 3, 8.0),
    ]
    values = {
        "partnership": partnership,
        "form": "werkbezoek",
        "title": title,
        "start_date": datetime.date(2024, 5, 1),
    }
    activity = partnerships.log_activity(values, sides, None, None)
    # As if logged by a person of ``logged_by``: pending until the other side confirms.
    activity.logged_by_organisation = logged_by
    activity.confirmation = activity.Confirmation.PENDING
    activity.save(update_fields=["logged_by_organisation", "confirmation"])
    return activity


def _wave(slug: str, status: str, keep: list[str]) -> Wave:
    today = datetime.date.today()
    closed = status == Wave.Status.CLOSED
    wave = monitor.create_wave(
        {
            "slug": slug,
            "instrument": Instrument.objects.get(slug="gib"),
            "title": f"Matrix {slug}",
            "period": str(today.year),
            "reference_date": datetime.date(today.year, 1, 1),
            "size_scheme": SizeScheme.objects.get(slug="gib2009"),
            "opens_on": today - datetime.timedelta(days=30 if closed else 1),
            "closes_on": today + datetime.timedelta(days=-1 if closed else 365),
        }
    )
    # Two invitations are enough to ask every door; 342 would only make pages slow.
    wave.invitations.exclude(cbs_code__in=keep).delete()
    return wave


def build_world() -> World:
    world = World(
        own=organisation(OWN_CODE),
        other=organisation(OTHER_CODE),
        third=organisation(THIRD_CODE),
        network=Organisation.objects.create(
            slug="matrix-netwerk", name="Matrixnetwerk", type=Organisation.Type.NETWORK
        ),
    )
    beheer = Organisation.objects.get(slug="kennisschakel-beheer")
    for role in (Role.READER, Role.CONTRIBUTOR, Role.COORDINATOR):
        world.users[str(role)] = _user(f"matrix-{role}@test.example", role, world.own)
    world.users["facilitator"] = _user("matrix-facilitator@test.example", Role.FACILITATOR, beheer)
    other_person = _user("matrix-other@test.example", Role.CONTRIBUTOR, world.other)
    for name, user in world.users.items():
        world.tokens[name] = Token.objects.create(user=user).key

    domain = PolicyDomain.objects.filter(children__isnull=True).order_by("pk").first()
    o = world.objects
    o["domain"] = domain
    o["org_own"], o["org_other"], o["network"] = world.own, world.other, world.network
    o["municipality_own"] = Municipality.objects.get(cbs_code=OWN_CODE)
    o["municipality_other"] = Municipality.objects.get(cbs_code=OTHER_CODE)
    o["network2"] = Organisation.objects.create(
        slug="matrix-netwerk-twee", name="Matrixnetwerk twee", type=Organisation.Type.NETWORK
    )
    o["grouping"] = Grouping.objects.order_by("pk").first()
    o["place"] = ForeignPlace.objects.order_by("pk").first()
    o["draft_own"] = _practice(world.own, "Matrix concept Enschede", "draft", domain)
    o["draft_other"] = _practice(world.other, "Matrix concept Weert", "draft", domain)
    o["published_own"] = _practice(world.own, "Matrix praktijk Enschede", "published", domain)
    o["published_other"] = _practice(world.other, "Matrix praktijk Weert", "published", domain)
    for key in ("own", "other"):  # a draft's file: as private as the draft itself
        o[f"attachment_{key}"] = _attachment(o[f"draft_{key}"])
    # An adoption of the own practice (the owner may reply) and one between others.
    o["adoption_own"] = Adoption.objects.create(
        practice=o["published_own"], organisation=world.other, outcome=Adoption.Outcome.ADOPTED
    )
    o["adoption_other"] = Adoption.objects.create(
        practice=o["published_other"], organisation=world.third, outcome=Adoption.Outcome.ADOPTED
    )

    o["partnership_own"] = _partnership("Matrix Enschede–Weert", world.own, world.other)
    o["partnership_other"] = _partnership("Matrix Weert–Eindhoven", world.other, world.third)
    # Named as partner by Weert: Enschede is *proposed* until it confirms (C16).
    o["partnership_proposed"] = partnerships.create_partnership(
        {"name": "Matrix Weert stelt Enschede voor", "kind": "stedenband"},
        [partnerships.PartyRef(organisation=world.other), partnerships.PartyRef(world.own)],
        other_person,
    )
    o["partnership_proposed_other"] = partnerships.create_partnership(
        {"name": "Matrix Weert stelt Eindhoven voor", "kind": "stedenband"},
        [partnerships.PartyRef(organisation=world.other), partnerships.PartyRef(world.third)],
        other_person,
    )
    o["side_own"] = o["partnership_own"].partners.get(organisation=world.own)
    o["side_other_in_own"] = o["partnership_own"].partners.get(organisation=world.other)
    o["side_in_other"] = o["partnership_other"].partners.get(organisation=world.other)
    # Logged by the own side (it edits), logged by the other side with the own side in
    # it (the own side confirms), and one between two others.
    o["activity_own"] = _activity(
        "Matrix bezoek door Enschede", world.own, world.other, o["partnership_own"]
    )
    o["activity_confirmable"] = _activity(
        "Matrix bezoek door Weert", world.other, world.own, o["partnership_own"]
    )
    o["activity_other"] = _activity(
        "Matrix bezoek Weert–Eindhoven", world.other, world.third, o["partnership_other"]
    )
    o["membership_own"] = NetworkMembership.objects.create(member=world.own, network=world.network)
    o["membership_other"] = NetworkMembership.objects.create(
        member=world.other, network=world.network
    )

    o["person_own"] = ContactPerson.objects.create(
        organisation=world.own, name="Matrix Persoon Enschede", email="p-own@test.example"
    )
    o["person_other"] = ContactPerson.objects.create(
        organisation=world.other, name="Matrix Persoon Weert", email="p-other@test.example"
    )

    for key, org in (("own", world.own), ("other", world.other)):
        o[f"question_{key}"] = Question.objects.create(
            organisation=org, title=f"Matrixvraag {key}", text="Hoe organiseren wij inburgering?"
        )
        o[f"offer_{key}"] = Offer.objects.create(
            organisation=org, title=f"Matrixaanbod {key}", text="Wij delen onze aanpak van armoede."
        )
    # Asked of the own organisation (it answers), and between two others.
    o["introduction_own"] = Introduction.objects.create(
        asker=world.other, requested_by=other_person, recipient=world.own,
        candidate_key=f"municipality:{OWN_CODE}", subject="Matrix", message="Graag een gesprek.",
    )  # fmt: skip
    o["introduction_other"] = Introduction.objects.create(
        asker=world.other, requested_by=other_person, recipient=world.third,
        candidate_key=f"municipality:{THIRD_CODE}", subject="Matrix", message="Graag een gesprek.",
    )  # fmt: skip

    # Another person's notification: nobody else may mark it read (notifications app).
    o["notification_other"] = Notification.objects.create(
        user=other_person, kind=Kind.INTRODUCTION_REQUESTED, key="matrix",
        subject="Matrix", url="/",
    )  # fmt: skip

    keep = [OWN_CODE, OTHER_CODE]
    o["wave_open"] = _wave("matrix-open", Wave.Status.OPEN, keep)
    o["wave_open_other"] = _wave("matrix-open-ander", Wave.Status.OPEN, keep)
    o["wave_closed"] = _wave("matrix-gesloten", Wave.Status.CLOSED, keep)
    o["wave_closed_other"] = _wave("matrix-gesloten-ander", Wave.Status.CLOSED, keep)
    # The code holder holds a letter code for the own municipality in one open and one
    # closed wave; in the "_other" waves they hold nothing.
    for name in ("wave_open", "wave_closed"):
        invitation = o[name].invitations.get(cbs_code=OWN_CODE)
        world.codes[name] = monitor.issue_code(invitation)
    o["chart_id"] = _a_chart_id(o["wave_closed"])
    o["file_done"], o["file_failed"] = _file_jobs(o["wave_open"])
    return world


def _file_jobs(wave: Wave):
    """A made and a failed letters PDF of a wave (files app): facilitators' files."""
    from datetime import timedelta

    from django.utils import timezone

    from kennisschakel.files.models import GeneratedFile

    later = timezone.now() + timedelta(hours=1)
    params = {"wave": wave.slug, "title": wave.title}
    done = GeneratedFile(kind="monitor-letters", parameters=params, fingerprint="matrix-done",
                         status="done", filename="brieven.pdf", expires_at=later)  # fmt: skip
    done.file.save("brieven.pdf", ContentFile(PDF), save=False)
    done.save()
    failed = GeneratedFile.objects.create(
        kind="monitor-letters", parameters=params, fingerprint="matrix-failed", status="failed",
        error="matrix", expires_at=later,
    )  # fmt: skip
    return done, failed


def _a_chart_id(wave: Wave) -> str:
    from kennisschakel.monitor import charts, reporting

    tables = reporting.wave_report(wave)
    chosen = next((t for t in tables if t.kind != "text_count" and charts.has_chart(t)), None)
    return chosen.id if chosen else tables[0].id


def _counted_tables() -> list[str]:
    from django.apps import apps

    ignored = {"monitor.codeattempt"}  # wrong codes are counted: that is the lock-out
    tables = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or model._meta.label_lower in ignored:
            continue
        if model.__module__.startswith(("kennisschakel.", "rest_framework.authtoken.")) or (
            model._meta.auto_created and model._meta.app_label in _PROJECT_APPS
        ):
            tables.append(model._meta.db_table)
    return sorted(set(tables))


_PROJECT_APPS = {
    "accounts", "register", "knowledge", "partnerships", "monitor", "matching", "notifications",
}  # fmt: skip


def counts_of_everything() -> dict[str, int]:
    """Rows per table of the project's models (many-to-many tables included): a denied
    write must leave every count alone. One query, so that asking stays cheap."""
    from django.db import connection

    tables = _counted_tables()
    quote = connection.ops.quote_name
    # Table names come from the models, not from input.
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def state_of(obj) -> dict:
    """Every stored column of one object, read fresh from the database."""
    fresh = type(obj).objects.filter(pk=obj.pk).first()
    if fresh is None:
        return {"deleted": True}
    return {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields}


__all__ = ["ROLES", "World", "build_world", "counts_of_everything", "state_of", "ActivitySide"]
