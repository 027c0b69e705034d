"""Thin adapter: the register, the knowledge bank and the ledger → matchengine candidates.

Everything the engine ranks is built here, in a fixed number of queries — all of it for
a full build, or only the candidates a logged change names (:class:`Scope`). The facts
about municipalities and partnerships are read by :mod:`kennisschakel.matching.facts`,
the names a text mentions found by :mod:`kennisschakel.matching.names`. Keeping the
built matcher (saved, opened by every process, changes applied) is
:mod:`kennisschakel.matching.match_index`. People appear only while their consent
stands; places abroad only when a Dutch municipality is already linked to them.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import translation

from kennisschakel.engines import matching as matchengine
from kennisschakel.knowledge.models import Adoption, Maturity, Practice
from kennisschakel.matching.facts import (
    INSTITUTION_TYPES,
    NETWORK_TYPES,
    cached_municipal_facts,
    municipal_facts,
    partnership_facts,
    party_key,
)
from kennisschakel.matching.models import Offer, Question
from kennisschakel.matching.names import MentionFinder, place_names
from kennisschakel.partnerships.models import NetworkMembership, PartnershipPartner
from kennisschakel.register import models as register


@dataclass(frozen=True)
class Scope:
    """Which candidates to build: primary keys per source (None: all of them)."""

    practices: frozenset[int] | None = None
    organisations: frozenset[int] | None = None
    people: frozenset[int] | None = None
    places: frozenset[int] | None = None


EVERYTHING = Scope()


def _within(queryset, field: str, ids):
    return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})


def build_candidates(facts=None, ledger=None, scope: Scope = EVERYTHING):
    """The matcher's candidates from the database; ``scope`` limits them to some
    practices, organisations (their municipality, network or institution candidate),
    people and places abroad — what a logged change needs re-derived."""
    facts = facts if facts is not None else municipal_facts()
    by_municipality, by_place = ledger if ledger is not None else partnership_facts(facts)
    candidates: list[matchengine.Candidate] = []
    all_ = scope == EVERYTHING
    if not all_:  # a partial scope: what it does not name, it does not want
        scope = Scope(
            *(
                frozenset(ids or ())
                for ids in (scope.practices, scope.organisations, scope.people, scope.places)
            )
        )

    adoptions = dict(
        _within(Adoption.objects, "practice_id", scope.practices)
        .exclude(organisation_id=None)
        .exclude(outcome="rejected")
        .values_list("practice_id")
        .annotate(n=Count("id"))
    )
    practices = (
        Practice.objects.published()
        .select_related("owner")
        .prefetch_related("domains", "foreign_places__country__world_region", "co_owners")
    )
    if not all_:
        practices = practices.filter(
            Q(pk__in=scope.practices or ()) | Q(owner_id__in=scope.organisations or ())
        )
    practice_domains_of = defaultdict(set)
    practice_texts_of = defaultdict(list)
    mentions = MentionFinder()
    for practice in practices:
        owner = facts.get(practice.owner_id, {})
        domains = frozenset(d.slug for d in practice.domains.all())
        places = list(practice.foreign_places.all())
        parties = [practice.owner, *practice.co_owners.all()]
        summary = f"{practice.title}. {practice.summary}"
        practice_domains_of[practice.owner_id] |= domains
        practice_texts_of[practice.owner_id].append(summary)
        if scope.practices is not None and practice.pk not in scope.practices:
            continue  # only its owners' profiles needed it
        # What the practice is about or made by (issue 12): its places abroad, its owner
        # and co-owners, and the places, networks and institutions its title, summary or
        # partner list name. Linked candidates inherit the practice's topic evidence
        # (the engine's "practice_evidence") and a question naming them finds it.
        named, countries, regions = mentions.find(f"{summary} {practice.context_partners}")
        links = frozenset(
            {f"place:{place.pk}" for place in places}
            | {key for key in map(party_key(facts), parties) if key}
            | named
        )
        countries |= {p.country.iso2 for p in places}
        regions |= {p.country.world_region.slug for p in places if p.country.world_region_id}
        candidates.append(
            matchengine.Candidate(
                key=f"practice:{practice.slug}",
                type="practice",
                name=practice.title,
                text={
                    "title": practice.title,
                    "summary": practice.summary,
                    "body": " ".join(
                        [practice.body, practice.negative_lessons, " ".join(practice.tags)]
                    ),
                },
                domains=domains,
                municipality=owner.get("code"),
                province=owner.get("province"),
                size_class=owner.get("size_class"),
                border_countries=owner.get("borders", frozenset()),
                countries=frozenset(countries),
                regions=frozenset(regions),
                since=practice.period_start,
                maturity=practice.maturity or None,
                evaluated=practice.maturity == Maturity.EVALUATED or bool(practice.evidence_url),
                adoptions=adoptions.get(practice.pk, 0),
                links=links,
                owner=party_key(facts)(practice.owner),
            )
        )

    orgs = scope.organisations
    seeks = defaultdict(set)
    for org_id, slug in (
        _within(Question.domains.through.objects, "question__organisation_id", orgs)
        .filter(question__status__in=[Question.Status.OPEN, Question.Status.IN_CONVERSATION])
        .values_list("question__organisation_id", "policydomain__slug")
    ):
        seeks[org_id].add(slug)
    offers_text = defaultdict(list)
    for org_id, title, text in (
        _within(Offer.objects, "organisation_id", orgs)
        .filter(active=True)
        .values_list("organisation_id", "title", "text")
    ):
        offers_text[org_id].append(f"{title}. {text}")
    offer_domains = defaultdict(set)
    for org_id, slug in (
        _within(Offer.domains.through.objects, "offer__organisation_id", orgs)
        .filter(offer__active=True)
        .values_list("offer__organisation_id", "policydomain__slug")
    ):
        offer_domains[org_id].add(slug)

    for org_id, fact in facts.items():
        if orgs is not None and org_id not in orgs:
            continue
        ledger = by_municipality.get(org_id)
        body = practice_texts_of[org_id] + offers_text[org_id]
        candidates.append(
            matchengine.Candidate(
                key=f"municipality:{fact['code']}",
                type="municipality",
                name=fact["name"],
                # What it does and knows; its name counts only when a question names it
                # (the engine's "named" signal), never through its letters (issue 12).
                # Its partnerships' texts in a field of their own, lighter than its own
                # practices and offers (weights.yaml field_weights): a partnership of five
                # Twente municipalities is one text shared by all five.
                text={
                    "body": " ".join(body),
                    "partnerships": " ".join(ledger["texts"] if ledger else []),
                },
                names=fact.get("names") or frozenset({fact["name"]}),
                links=frozenset(ledger["partners"]) if ledger else frozenset(),
                domains=frozenset(
                    practice_domains_of[org_id]
                    | offer_domains[org_id]
                    | (ledger["domains"] if ledger else set())
                ),
                municipality=fact["code"],
                province=fact["province"],
                size_class=fact["size_class"],
                border_countries=fact["borders"],
                countries=frozenset(ledger["countries"]) if ledger else frozenset(),
                regions=frozenset(ledger["regions"]) if ledger else frozenset(),
                since=ledger["since"] if ledger else None,
                seeks=frozenset(seeks[org_id]),
                international=bool(ledger and ledger["countries"]),
            )
        )

    with translation.override("nl"):
        type_labels = {value: str(label) for value, label in register.Organisation.Type.choices}
    members = defaultdict(set)
    for network_id, member_id in _within(NetworkMembership.objects, "network_id", orgs).values_list(
        "network_id", "member_id"
    ):
        if member_id in facts:
            members[network_id].add(facts[member_id]["code"])
    for organisation in (
        _within(register.Organisation.objects, "pk", orgs)
        .filter(type__in=NETWORK_TYPES | INSTITUTION_TYPES)
        .prefetch_related("domains")
    ):
        kind = "network" if organisation.type in NETWORK_TYPES else "institution"
        domains = list(organisation.domains.all())
        candidates.append(
            matchengine.Candidate(
                key=f"{kind}:{organisation.slug}",
                type=kind,
                name=organisation.name,
                # What it is (its register type, in Dutch) and does; its name counts only
                # as a whole name, through the "named" signal (issue 12). A register
                # description is a sentence or two: the names of the policy domains it
                # works in say more of what it knows (its practices count through the
                # engine's "practice_evidence").
                text={
                    "body": f"{type_labels.get(organisation.type, '')}. "
                    f"{organisation.description_nl} {organisation.description_en} "
                    + ". ".join(d.name_nl for d in domains),
                },
                names=frozenset(filter(None, [organisation.name, organisation.short_name])),
                domains=frozenset(d.slug for d in domains) | practice_domains_of[organisation.pk],
                linked_municipalities=frozenset(members[organisation.pk]),
                level=organisation.level or None,
                international=organisation.level == "international",
            )
        )

    people = _within(register.ContactPerson.objects.consented(), "pk", scope.people)
    for person in people.filter(erased_at__isnull=True):
        owner = facts.get(person.organisation_id, {})
        candidates.append(
            matchengine.Candidate(
                key=f"person:{person.pk}",
                type="person",
                name=person.name,
                text={"title": f"{person.name} {person.role}", "body": person.expertise},
                municipality=owner.get("code"),
                province=owner.get("province"),
                size_class=owner.get("size_class"),
            )
        )

    for place_id, entry in by_place.items():
        if scope.places is not None and place_id not in scope.places:
            continue
        place = entry["place"]
        country = place.country
        candidates.append(
            matchengine.Candidate(
                key=f"place:{place_id}",
                type="place",
                name=f"{place.name} ({country.name_nl})",
                text={"body": f"{country.name_nl} {country.name_en} " + " ".join(entry["texts"])},
                names=place_names(place.name, place.name_variants),
                countries=frozenset({country.iso2}),
                regions=frozenset({country.world_region.slug} if country.world_region_id else ()),
                linked_municipalities=frozenset(entry["municipalities"]),
                since=entry["since"],
                international=True,
            )
        )
    return candidates


def asker_for(organisation_id: int) -> matchengine.Asker:
    """The asking municipality: its facts and its own partnerships, read for it alone."""
    facts = cached_municipal_facts()
    fact = facts[organisation_id]
    partnership_ids = PartnershipPartner.objects.filter(
        organisation_id=organisation_id, status=PartnershipPartner.Status.CONFIRMED
    ).values_list("partnership_id", flat=True)
    ledger = partnership_facts(facts, list(partnership_ids))[0].get(organisation_id)
    networks = frozenset(
        f"network:{slug}"
        for slug in NetworkMembership.objects.filter(member_id=organisation_id).values_list(
            "network__slug", flat=True
        )
    )
    offers = set(
        Offer.domains.through.objects.filter(
            offer__organisation_id=organisation_id, offer__active=True
        ).values_list("policydomain__slug", flat=True)
    )
    offers |= set(
        Practice.domains.through.objects.filter(
            practice__owner_id=organisation_id, practice__status=Practice.Status.PUBLISHED
        ).values_list("policydomain__slug", flat=True)
    )
    if ledger:
        offers |= ledger["domains"]  # experience from its partnerships is something to give too
    return matchengine.Asker(
        municipality=fact["code"],
        province=fact["province"],
        size_class=fact["size_class"],
        border_countries=fact["borders"],
        partners=frozenset(ledger["partners"]) if ledger else frozenset(),
        networks=networks,
        offers=frozenset(offers),
    )
