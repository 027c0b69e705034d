"""The knowledge bank: practices and lessons, their attachments, history and adoptions."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kennisschakel.core.versioning import VersionedModel
from kennisschakel.register.models import (
    ContactPerson,
    ForeignPlace,
    Organisation,
    PolicyDomain,
)


class TransferCategory(models.TextChoices):
    """What is transferred (Dolowitz & Marsh, in ``000`` §2)."""

    GOALS = "beleidsdoelen", _("policy goals")
    CONTENT = "beleidsinhoud", _("policy content")
    INSTRUMENTS = "beleidsinstrumenten", _("policy instruments")
    PROGRAMMES = "beleidsprogrammas", _("policy programmes")
    INSTITUTIONS = "instellingen", _("institutions")
    IDEOLOGIES = "ideologieen", _("ideologies")
    IDEAS = "ideeen-en-attitudes", _("ideas and attitudes")
    NEGATIVE_LESSONS = "negatieve-lessen", _("negative lessons")


class LearningType(models.TextChoices):
    INSTRUMENTAL = "instrumenteel", _("instrumental")
    CONCEPTUAL = "conceptueel", _("conceptual")


# ``000`` §2: content, instruments, programmes, institutions and negative lessons
# are instrumental learning; goals, ideologies, ideas and attitudes conceptual.
LEARNING_TYPE_OF = {
    TransferCategory.GOALS: LearningType.CONCEPTUAL,
    TransferCategory.IDEOLOGIES: LearningType.CONCEPTUAL,
    TransferCategory.IDEAS: LearningType.CONCEPTUAL,
    TransferCategory.CONTENT: LearningType.INSTRUMENTAL,
    TransferCategory.INSTRUMENTS: LearningType.INSTRUMENTAL,
    TransferCategory.PROGRAMMES: LearningType.INSTRUMENTAL,
    TransferCategory.INSTITUTIONS: LearningType.INSTRUMENTAL,
    TransferCategory.NEGATIVE_LESSONS: LearningType.INSTRUMENTAL,
}


class Maturity(models.TextChoices):
    IDEA = "idee", _("idea")
    PREPARING = "in-voorbereiding", _("in preparation")
    RUNNING = "in-uitvoering", _("being carried out")
    RESULT_KNOWN = "resultaat-bekend", _("result known")
    EVALUATED = "geevalueerd", _("evaluated")


class PracticeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Practice.Status.PUBLISHED)

    def visible_to(self, user):
        """Published practices, plus every status for the owning organisations and facilitators."""
        if not (user and user.is_authenticated):
            return self.published()
        if user.is_facilitator:
            return self
        own = models.Q(owner_id=user.organisation_id) | models.Q(co_owners__id=user.organisation_id)
        return self.filter(models.Q(status=Practice.Status.PUBLISHED) | own).distinct()


class Practice(VersionedModel):
    class Kind(models.TextChoices):
        PRACTICE = "praktijk", _("practice")
        LESSON = "les", _("lesson")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        ARCHIVED = "archived", _("archived")

    slug = models.SlugField(unique=True, max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PRACTICE)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=1000)
    summary_en = models.TextField(
        _("summary in English"),
        max_length=1000,
        blank=True,
        help_text=_(
            "Optional: the summary for international partners and English-speaking "
            "colleagues. It is searched too."
        ),
    )
    body = models.TextField(_("description"), blank=True, help_text=_("Markdown is allowed."))
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="practices", verbose_name=_("owner")
    )
    co_owners = models.ManyToManyField(
        Organisation, blank=True, related_name="co_owned_practices", verbose_name=_("co-owners")
    )
    contacts = models.ManyToManyField(
        ContactPerson, blank=True, related_name="practices", verbose_name=_("contact persons")
    )
    domains = models.ManyToManyField(
        PolicyDomain, blank=True, related_name="practices", verbose_name=_("policy domains")
    )
    transfer = models.JSONField(_("what is transferred"), default=list, blank=True)
    maturity = models.CharField(
        _("maturity"), max_length=20, choices=Maturity.choices, default=Maturity.RUNNING
    )
    evidence_url = models.URLField(_("evaluation or evidence (link)"), blank=True)
    effort_cost = models.TextField(_("effort and cost"), blank=True)
    period_start = models.PositiveSmallIntegerField(_("from (year)"), null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(_("until (year)"), null=True, blank=True)
    context_urbanity = models.CharField(_("urbanity"), max_length=100, blank=True)
    context_legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    context_partners = models.TextField(_("partners"), blank=True)
    negative_lessons = models.TextField(
        _("what did not work, and why"),
        blank=True,
        help_text=_("Negative lessons are knowledge too: what would you do differently?"),
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    foreign_places = models.ManyToManyField(
        ForeignPlace, blank=True, related_name="practices", verbose_name=_("places abroad")
    )
    source = models.CharField(_("source"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Per-field term counts from the Dutch analyser, stored so every web
    # process can build its search index without analysing all texts again.
    search_terms = models.JSONField(default=dict, blank=True, editable=False)
    # The body as plain text (Markdown rendered, tags stripped), made when the practice
    # is saved, so a results page highlights snippets without rendering Markdown.
    body_text = models.TextField(default="", blank=True, editable=False)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        indexes = [models.Index(fields=["status", "owner"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:practice-detail", args=[self.slug])

    @property
    def learning_types(self) -> list[str]:
        types = {LEARNING_TYPE_OF.get(category) for category in self.transfer}
        return [t for t in LearningType if t in types]

    def transfer_labels(self) -> list[str]:
        labels = dict(TransferCategory.choices)
        return [str(labels.get(category, category)) for category in self.transfer]


def attachment_path(instance, filename: str) -> str:
    """An unguessable place: a random folder per file, so no one finds files by counting.

    The original name is kept in ``Attachment.original_name`` (for the download's
    file name); files are only handed out by ``views.attachment_download``.
    """
    return f"practices/{instance.practice_id}/{secrets.token_urlsafe(16)}/{filename}"


class Attachment(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    is_evidence = models.BooleanField(_("evaluation or evidence"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class PracticeRevision(models.Model):
    """Who changed what, when: one row per save, with the changed fields' old and new values."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="revisions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    changes = models.JSONField(default=dict)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.practice_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class Adoption(models.Model):
    """A municipality took over, adapted or rejected a practice: the loop back to the giver."""

    class Outcome(models.TextChoices):
        ADOPTED = "overgenomen", _("adopted")
        ADAPTED = "aangepast", _("adopted with changes")
        DECLINED = "afgezien", _("considered and decided against")

    class Reason(models.TextChoices):
        # Why municipalities share or not (``000`` Tables 4 and 5), turned to adoption.
        SOLVES_OUR_PROBLEM = "lost-ons-probleem-op", _("it solves a problem we have")
        PROVEN = "bewezen", _("it has proven results")
        CHEAP = "weinig-kosten", _("it costs little")
        NO_CAPACITY = "geen-tijd-of-geld", _("no time or money")
        NO_PRIORITY = "geen-prioriteit", _("no priority now")
        NOT_APPLICABLE = "past-niet", _("does not fit our situation")
        OTHER = "anders", _("other")

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="adoptions")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="adoptions"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    what_changed = models.TextField(_("what we changed"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reply = models.TextField(_("reply from the owner"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "organisation"], name="one_adoption_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_outcome_display()} · {self.practice}"

    @property
    def took_over(self) -> bool:
        return self.outcome in (self.Outcome.ADOPTED, self.Outcome.ADAPTED)


class SearchIndexState(models.Model):
    """One row: the sequence number of the last change to what the search index holds.

    Every change to a practice (or to what its facets show) takes the next number while
    holding this row locked until its transaction commits (see
    ``knowledge.index_changes``). Numbers therefore become visible in commit order: a
    reader that has seen number N has seen every change up to N, and a late commit
    can never hide behind a higher number already read.
    """

    seq = models.BigIntegerField(default=0)
    # Sequence number the newest saved index (on disk) was built from.
    base_seq = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("search index state")
        verbose_name_plural = _("search index state")

    def __str__(self) -> str:
        return f"search index at change {self.seq}"

    @classmethod
    def current_seq(cls) -> int:
        """The number of the last committed change (one indexed primary-key read)."""
        found = cls.objects.filter(pk=1).values_list("seq", flat=True).first()
        return found or 0


class SearchIndexChange(models.Model):
    """A practice to look at again for the search index: changed, unpublished or deleted.

    No foreign key, so the row outlives a deleted practice. Rows at or below the
    watermark of the saved indexes are pruned when a new index is built.
    """

    seq = models.BigIntegerField(db_index=True)
    practice_id = models.BigIntegerField()

    class Meta:
        verbose_name = _("search index change")
        verbose_name_plural = _("search index changes")

    def __str__(self) -> str:
        return f"{self.seq}: practice {self.practice_id}"
