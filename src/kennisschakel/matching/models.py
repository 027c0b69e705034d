"""Questions and offers (*kennisvraag*, *kennisaanbod*) and introductions between them.

The ranking itself is the plain engine :mod:`kennisschakel.engines.matching`; these models
keep what a municipality asked or offered and the introductions it requested.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kennisschakel.knowledge.models import TransferCategory
from kennisschakel.partnerships.models import ExchangeForm
from kennisschakel.register.models import (
    ContactPerson,
    Country,
    Organisation,
    PolicyDomain,
    WorldRegion,
)

TITLE_LENGTH = 80


def title_from_text(text: str, length: int = TITLE_LENGTH) -> str:
    """A short title from a question's text: its first sentence, cut at a word before
    ``length`` characters ('Wie heeft ervaring met warmtenetten in oude wijken?')."""
    first = " ".join(text.split())
    for end in (". ", "? ", "! "):
        if end in first:
            first = first.split(end, 1)[0] + end.strip()
    if len(first) <= length:
        return first
    cut = first[: length - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return f"{cut}…"


class KnowledgeItem(models.Model):
    """What a question and an offer share: text, domains, kind of knowledge, forms, abroad."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("municipality")
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), max_length=4000)
    domains = models.ManyToManyField(
        PolicyDomain, blank=True, related_name="+", verbose_name=_("policy domains")
    )
    transfer = models.JSONField(
        _("kind of knowledge"),
        default=list,
        blank=True,
        help_text=_("What is to be transferred (Dolowitz & Marsh, 000 §2)."),
    )
    forms = models.JSONField(_("preferred forms of exchange"), default=list, blank=True)
    international = models.BooleanField(_("international"), default=False)
    countries = models.ManyToManyField(
        Country, blank=True, related_name="+", verbose_name=_("countries of interest")
    )
    regions = models.ManyToManyField(
        WorldRegion, blank=True, related_name="+", verbose_name=_("world regions of interest")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def heading(self) -> str:
        """What lists and headings show: the title, or a short one made from the text when
        there is none or it is long (older questions and the API may carry the whole text)."""
        title = " ".join((self.title or "").split())
        if title and len(title) <= TITLE_LENGTH:
            return title
        return title_from_text(title or self.text)

    def transfer_labels(self) -> list[str]:
        labels = dict(TransferCategory.choices)
        return [str(labels.get(code, code)) for code in self.transfer]

    def form_labels(self) -> list[str]:
        labels = dict(ExchangeForm.choices)
        return [str(labels.get(code, code)) for code in self.forms]


class Question(KnowledgeItem):
    """*Kennisvraag*: what a municipality seeks."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_CONVERSATION = "in-gesprek", _("in conversation")
        ANSWERED = "beantwoord", _("answered")
        CLOSED = "gesloten", _("closed")

    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    answer = models.TextField(_("answer"), blank=True, help_text=_("What the answer was."))
    outside_circle = models.BooleanField(
        _("outside the usual circle"),
        default=False,
        help_text=_("Prefer municipalities outside your region and your existing partners."),
    )

    class Meta(KnowledgeItem.Meta):
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def get_absolute_url(self) -> str:
        return reverse("matching:question-detail", args=[self.pk])


class Offer(KnowledgeItem):
    """*Kennisaanbod*: what a municipality can give."""

    active = models.BooleanField(_("still on offer"), default=True)

    class Meta(KnowledgeItem.Meta):
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def get_absolute_url(self) -> str:
        return reverse("matching:offer-detail", args=[self.pk])


class Introduction(models.Model):
    """A request to be put in touch, accepted or declined by the other side.

    Contact details pass only on acceptance; a declined request is seen by the two sides
    alone, never by third parties.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.SET_NULL, related_name="introductions"
    )
    asker = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("asked by")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    recipient = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("asked of")
    )
    person = models.ForeignKey(
        ContactPerson,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The person asked for, when the suggestion was a person."),
    )
    candidate_key = models.CharField(max_length=120, blank=True)
    subject = models.CharField(_("about"), max_length=200)
    message = models.TextField(_("message"), max_length=2000)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    response = models.TextField(_("answer"), max_length=2000, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(asker=models.F("recipient")), name="no_introduction_to_self"
            ),
            # One open request per pair, also when two are sent at the same moment.
            models.UniqueConstraint(
                fields=["asker", "recipient"],
                condition=models.Q(status="requested"),
                name="one_open_introduction_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asker} → {self.recipient}: {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("matching:introduction-detail", args=[self.pk])

    @property
    def heading(self) -> str:
        """The subject as a short title (older requests may carry a whole question)."""
        return title_from_text(self.subject)


class MatchIndexState(models.Model):
    """One row: the number of the last change to the matcher's candidates (see
    ``index_changes.py``). Taking a number locks this row until the writing transaction
    ends, so numbers become visible in commit order."""

    seq = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("match index state")
        verbose_name_plural = _("match index states")

    def __str__(self) -> str:
        return f"match index change {self.seq}"


class MatchIndexChange(models.Model):
    """What a numbered change touched: ``kind`` (practice, organisation, person, place,
    partnership) and its primary key, plus the candidate key it had when known (so a
    deleted or renamed candidate can be dropped)."""

    seq = models.BigIntegerField(db_index=True)
    kind = models.CharField(max_length=20)
    ref = models.BigIntegerField()
    key = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("match index change")
        verbose_name_plural = _("match index changes")

    def __str__(self) -> str:
        return f"{self.seq}: {self.kind} {self.ref}"


class SuggestionState(models.Model):
    """What the matcher last suggested for a saved question, and what its asker has seen
    (``followup.py``). The background pass writes ``current``; opening the question's
    page as one of the asking organisation writes ``seen``. Both write under a row lock,
    so neither loses the other's update; ``new_count`` (current keys not seen, counted
    only once the page has been opened) is kept with each write, for Mijn Kennisschakel."""

    question = models.OneToOneField(
        Question, on_delete=models.CASCADE, primary_key=True, related_name="suggestion_state"
    )
    current = models.JSONField(default=list, blank=True)  # candidate keys, best first
    seen = models.JSONField(default=list, blank=True)  # candidate keys the asker has seen
    new_count = models.PositiveSmallIntegerField(default=0)
    basis = models.CharField(max_length=200, blank=True)  # index generation:change number
    refreshed_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("suggestions of a question")
        verbose_name_plural = _("suggestions of questions")

    def __str__(self) -> str:
        return f"question {self.question_id}: {self.new_count} new"
