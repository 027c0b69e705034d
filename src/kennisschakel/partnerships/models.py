"""Partnerships, network memberships and the exchange ledger (*voor wat hoort wat*).

A party in a partnership or activity is a Dutch municipality, a place
abroad or another organisation; ``Party`` rows hold exactly one of these, so
one activity between A and B is one record with one side per party — seen
from both sides, never counted twice.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kennisschakel.register.models import Country, ForeignPlace, Organisation, PolicyDomain


class NetworkMembership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("member")
        BOARD = "board", _("board member")
        FOUNDER = "founder", _("founder")
        CHAIR = "chair", _("chair")

    member = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="network_memberships"
    )
    network = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    since = models.PositiveSmallIntegerField(_("since (year)"), null=True, blank=True)
    until = models.PositiveSmallIntegerField(_("until (year)"), null=True, blank=True)
    themes = models.ManyToManyField(PolicyDomain, blank=True, verbose_name=_("themes"))
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["network__name", "member__name"]
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")
        constraints = [
            models.UniqueConstraint(fields=["member", "network"], name="one_membership_per_network")
        ]

    def __str__(self) -> str:
        return f"{self.member} ∈ {self.network}"

    def clean(self):
        if self.member_id and self.member_id == self.network_id:
            raise ValidationError(_("An organisation cannot be a member of itself."))
        if self.since and self.until and self.until < self.since:
            raise ValidationError({"until": _("The end year lies before the start year.")})


class Motive(models.Model):
    """Why a municipality keeps a partnership: the monitor's motives (``004`` Tabel 6.2)."""

    slug = models.SlugField(unique=True)
    label_nl = models.CharField(max_length=200)
    label_en = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        from kennisschakel.core.i18n import current_language

        return self.label_en if current_language() == "en" and self.label_en else self.label_nl


class Partnership(models.Model):
    class Kind(models.TextChoices):
        TWINNING = "stedenband", _("town twinning")
        FRIENDSHIP = "vriendschapsband", _("friendship link")
        PROJECT = "projectpartnerschap", _("project partnership")
        CROSS_BORDER = "grensoverschrijdend", _("cross-border cooperation")
        REGIONAL = "regionaal", _("regional collaboration")

    class Status(models.TextChoices):
        ACTIVE = "actief", _("active")
        DORMANT = "slapend", _("dormant")
        ENDED = "beeindigd", _("ended")
        PROPOSED = "voorgesteld", _("proposed")

    class TranslocalLink(models.TextChoices):
        DIRECT = "direct", _("direct")
        REGIONAL = "regionaal", _("regional / weak")
        NONE = "geen", _("none")

    class NetworkModel(models.TextChoices):
        CLASSIC = "klassiek", _("classic")
        MULTI_ACTOR = "multi-actor", _("multi-actor")
        MULTI_LEVEL = "multi-level", _("multi-level")
        HYBRID = "hybride", _("hybrid")

    class PolicyField(models.TextChoices):
        # The monitor's four policy fields (``004`` §6).
        INFRASTRUCTURE = (
            "fysieke-en-economische-infrastructuur",
            _("physical and economic infrastructure"),
        )
        WELFARE = "brede-welzijnsterrein", _("broad welfare")
        GOVERNANCE = "algemeen-bestuur", _("general administration")
        CULTURE = "cultuur-en-sport", _("culture and sport")

    class WgrForm(models.TextChoices):
        # Legal forms under the Wet gemeenschappelijke regelingen (``002`` §2.3; DESIGN §6).
        PUBLIC_BODY = "openbaar-lichaam", _("public body (openbaar lichaam)")
        JOINT_BODY = "gemeenschappelijk-orgaan", _("joint body (gemeenschappelijk orgaan)")
        CENTRAL_MUNICIPALITY = "centrumgemeente", _("central municipality (centrumgemeente)")
        PLAIN = "regeling-zonder-meer", _("arrangement only (regeling zonder meer)")

    class CollaborationLevel(models.TextChoices):
        EXECUTIVE = "uitvoerend", _("executive")
        POLICY = "beleid", _("policy")

    class Phase(models.TextChoices):
        # Phases of a regional collaboration (``002`` §2.3; DESIGN §6).
        INITIATIVE = "initiatief-en-orientatie", _("initiative and orientation")
        ELABORATION = "uitwerking-en-besluitvorming", _("elaboration and decision-making")
        IMPLEMENTATION = "implementatie-en-pionieren", _("implementation and pioneering")
        MONITORING = "monitoren-en-verbeteren", _("monitoring and improving")
        DEVELOPMENT = "doorontwikkelen", _("further development")

    slug = models.SlugField(unique=True, max_length=120)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    start_year = models.PositiveSmallIntegerField(_("start (year)"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("end (year)"), null=True, blank=True)
    end_reason = models.TextField(_("why it ended"), blank=True)
    started_by = models.CharField(_("what started it"), max_length=200, blank=True)
    translocal_link = models.CharField(
        _("translocal link"), max_length=20, choices=TranslocalLink.choices, blank=True
    )
    network_model = models.CharField(
        _("network model"), max_length=20, choices=NetworkModel.choices, blank=True
    )
    motives = models.ManyToManyField(Motive, blank=True, verbose_name=_("motives"))
    policy_fields = models.JSONField(_("policy fields"), default=list, blank=True)
    domains = models.ManyToManyField(PolicyDomain, blank=True, verbose_name=_("policy domains"))
    funding = models.JSONField(_("funding programmes"), default=list, blank=True)
    local_organisations = models.TextField(_("involved local organisations"), blank=True)
    council_ambassador = models.CharField(_("council ambassador"), max_length=150, blank=True)
    wgr_form = models.CharField(
        _("legal form (Wgr)"), max_length=30, choices=WgrForm.choices, blank=True
    )
    collaboration_level = models.CharField(
        _("level"), max_length=20, choices=CollaborationLevel.choices, blank=True
    )
    phase = models.CharField(_("phase"), max_length=40, choices=Phase.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Raised by one on every change; an edit based on an older version is refused
    # (optimistic concurrency: two editors never silently overwrite each other).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnerships:partnership-detail", args=[self.slug])

    @property
    def world_regions(self) -> list:
        """World regions of the foreign partners, derived from their countries."""
        regions = []
        for partner in self.partners.all():
            country = partner.partner_country
            region = country.world_region if country else None
            if region is not None and region not in regions:
                regions.append(region)
        return regions


def exactly_one_party() -> models.Q:
    """Database check: a party row names exactly one organisation, place or country."""
    return (
        models.Q(organisation__isnull=False, place__isnull=True, country__isnull=True)
        | models.Q(organisation__isnull=True, place__isnull=False, country__isnull=True)
        | models.Q(organisation__isnull=True, place__isnull=True, country__isnull=False)
    )


class Party(models.Model):
    """One participant: exactly one of an organisation (incl. Dutch municipalities), a place
    abroad, or a country as a whole.

    A country is a partner when the source names no town: Den Haag shares knowledge on
    greenhouse horticulture "with India" (``000``), Enschede works "with Ukraine".
    """

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    place = models.ForeignKey(
        ForeignPlace, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        abstract = True

    def clean(self):
        if sum(bool(pk) for pk in (self.organisation_id, self.place_id, self.country_id)) != 1:
            raise ValidationError(
                _("A party is exactly one of: an organisation, a place abroad or a country.")
            )

    @property
    def party_key(self) -> str:
        """Stable key for the reciprocity engine: 'org:<id>', 'place:<id>' or 'country:<id>'."""
        if self.organisation_id:
            return f"org:{self.organisation_id}"
        if self.place_id:
            return f"place:{self.place_id}"
        return f"country:{self.country_id}"

    @property
    def label(self) -> str:
        return str(self.organisation or self.place or self.country)

    @property
    def partner_country(self):
        """The country abroad this party stands for or lies in (None for organisations)."""
        if self.place_id:
            return self.place.country
        return self.country


class PartnershipPartner(Party):
    class Status(models.TextChoices):
        # An organisation named as partner by another has not agreed yet: it is
        # *proposed* until one of its own people confirms (or declines).
        PROPOSED = "proposed", _("proposed")
        CONFIRMED = "confirmed", _("confirmed")
        DECLINED = "declined", _("declined")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="partners")
    status = models.CharField(
        _("participation"), max_length=10, choices=Status.choices, default=Status.CONFIRMED
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=exactly_one_party(), name="partner_is_organisation_place_or_country"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED


class ExchangeForm(models.TextChoices):
    """Forms of exchange (DESIGN §6; ``000`` Tabel 3, ``001``, ``002``)."""

    PROFESSIONAL_EXCHANGE = "ambtelijke-uitwisseling", _("professional exchange between officials")
    SECONDMENT = "detachering", _("secondment")
    MEETING = "bijeenkomst", _("sharing experience in (online) meetings")
    DELEGATION = "delegatiebezoek", _("delegation visit")
    CONFERENCE = "conferentie-of-training", _("contribution to a conference or training")
    WORKING_VISIT = "werkbezoek", _("working visit / mission")
    PEER_EXCHANGE = "collega-uitwisseling", _("colleague-to-colleague exchange")
    VISITATION = "visitatie", _("visitation")
    PEER_REVIEW = "peer-review", _("peer review")


class OutcomeLevel(models.TextChoices):
    """Where learning landed (``001`` ch. 7: outcome levels)."""

    INDIVIDUAL = "individu", _("individual")
    DEPARTMENT = "afdeling", _("department")
    CIVIL_SOCIETY = "middenveld", _("relation with civil society")
    NETWORK = "breder-netwerk", _("wider network")


class Dissemination(models.TextChoices):
    NONE = "niet", _("not shared")
    INTERNAL = "intern", _("within the organisation")
    EXTERNAL = "extern", _("outside the organisation")
    BOTH = "intern-en-extern", _("inside and outside")


class ExchangeActivity(models.Model):
    class Confirmation(models.TextChoices):
        PENDING = "pending", _("awaiting the other side")
        CONFIRMED = "confirmed", _("confirmed by the other side")
        DISPUTED = "disputed", _("disputed by the other side")

    slug = models.SlugField(unique=True, max_length=140)
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    form = models.CharField(_("form of exchange"), max_length=30, choices=ExchangeForm.choices)
    title = models.CharField(_("title"), max_length=200)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, help_text=_("When only the year is known.")
    )
    costs = models.DecimalField(
        _("costs (euro)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    subsidy = models.DecimalField(
        _("subsidy (euro)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    subsidy_programme = models.CharField(_("subsidy programme"), max_length=120, blank=True)
    learning_goals = models.TextField(_("learning goals (set beforehand)"), blank=True)
    outcomes = models.TextField(_("what was learned"), blank=True)
    outcome_level = models.CharField(
        _("level of the outcome"), max_length=30, choices=OutcomeLevel.choices, blank=True
    )
    outcome_side = models.CharField(
        _("side that learned"),
        max_length=20,
        blank=True,
        choices=[("eigen", _("our side")), ("partner", _("the partner")), ("beide", _("both"))],
    )
    embedded = models.BooleanField(_("embedded in the organisation"), null=True, blank=True)
    disseminated = models.CharField(
        _("disseminated"), max_length=30, choices=Dissemination.choices, blank=True
    )
    practices = models.ManyToManyField(
        "knowledge.Practice",
        blank=True,
        related_name="activities",
        verbose_name=_("practices adopted"),
    )
    confirmation = models.CharField(
        max_length=10, choices=Confirmation.choices, default=Confirmation.PENDING
    )
    confirmation_note = models.TextField(blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    logged_by_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # See Partnership.version: the logging side's edits never overwrite each other silently.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-start_date", "-year", "-created_at"]
        verbose_name = _("exchange activity")
        verbose_name_plural = _("exchange activities")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partnerships:activity-detail", args=[self.slug])


class ActivitySide(Party):
    """One party's part in an activity: direction, people and hours from that side."""

    class Direction(models.TextChoices):
        GAVE = "gave", _("gave")
        RECEIVED = "received", _("received")
        MUTUAL = "mutual", _("mutual")

    activity = models.ForeignKey(ExchangeActivity, on_delete=models.CASCADE, related_name="sides")
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=9, decimal_places=1, null=True, blank=True)
    # The activity's start (or 1 January of its year) copied onto each side, and empty
    # when the activity does not count in balances (undated or disputed). This lets the
    # country-wide balance be one GROUP BY over sides with a covering index instead of a
    # join with the activity table (benchmarks/reciprocity.py: 0.27 s against 3.8 s).
    balance_date = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        indexes = [
            models.Index(
                fields=["organisation", "direction", "balance_date", "hours"],
                name="side_balance_covering",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=exactly_one_party(), name="side_is_organisation_place_or_country"
            ),
            models.CheckConstraint(
                condition=models.Q(hours__isnull=True) | models.Q(hours__gte=0),
                name="hours_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.get_direction_display()}"


class LearningDimension(models.TextChoices):
    """Dimensions of mutual learning: the five of ``001`` ('Vijf dimensies voor wederzijds
    leren') plus transnational relations, which DESIGN §6 adds from ``001``'s research questions."""

    SIMILARITIES = "overeenkomsten", _("similarities between professionals")
    DIFFERENCES = "verschillen", _("differences between partners")
    RESOURCES = "middelen", _("resources brought in")
    TRUST = "vertrouwen", _("trust through long-term cooperation")
    POWER = "machtsverschillen", _("power differences")
    TRANSNATIONAL = "transnationale-relaties", _("transnational relations")


class LearningScore(models.Model):
    """One side's score on one dimension of mutual learning in one year (1 = weak, 5 = strong).

    ``001`` names the dimensions but gives no scale; the five-point scale is ours.
    """

    partner = models.ForeignKey(
        PartnershipPartner, on_delete=models.CASCADE, related_name="learning_scores"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    dimension = models.CharField(_("dimension"), max_length=30, choices=LearningDimension.choices)
    score = models.PositiveSmallIntegerField(_("score (1–5)"))
    justification = models.TextField(_("justification"), blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["year", "dimension"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "year", "dimension"], name="one_score_per_side_year_dimension"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="score_between_1_and_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.year} {self.dimension}: {self.score}"


class LedgerGeneration(models.Model):
    """One row: a number that moves with every committed change to the exchange ledger.

    Cached ledger figures (``balance_cache``) are keyed on it, so a change made in any
    process makes every process recompute on its next request.
    """

    n = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"ledger generation {self.n}"
