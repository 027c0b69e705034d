"""Readable, unique URL slugs from titles, also when two people save the same title at once."""

import secrets

from django.db import IntegrityError, models, transaction
from django.utils.text import slugify

# After this many lost races for the readable "-2, -3 …" slugs, a random suffix ends the contest.
READABLE_ATTEMPTS = 5
MAX_ATTEMPTS = 12


def unique_slug(
    model: type[models.Model], text: str, exclude_pk: int | None = None, fallback: str = "item"
) -> str:
    """``slugify(text)``, with -2, -3 … appended until no other row of ``model`` has it."""
    base = slugify(text)[:100] or fallback
    slug, counter = base, 2
    while model.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def _random_slug(text: str, fallback: str) -> str:
    base = slugify(text)[:100] or fallback
    return f"{base}-{secrets.token_hex(3)}"


def save_with_unique_slug(
    instance: models.Model,
    text: str,
    *,
    fallback: str = "item",
    field: str = "slug",
    save=None,
) -> models.Model:
    """Give ``instance`` a unique slug from ``text`` and save it, even under concurrent saves.

    ``unique_slug`` checks, then the INSERT writes: between the two, another
    request may take the same slug, and the unique constraint refuses the
    second INSERT. Each attempt therefore runs in its own savepoint; when the
    slug turned out to be taken, the next free one is chosen and the save is
    tried again. ``save`` (default ``instance.save``) performs the write.
    An IntegrityError that is not about the slug is raised as is.
    """
    save = save or instance.save
    model = type(instance)
    for attempt in range(MAX_ATTEMPTS):
        if attempt < READABLE_ATTEMPTS:
            slug = unique_slug(model, text, exclude_pk=instance.pk, fallback=fallback)
        else:
            slug = _random_slug(text, fallback)
        setattr(instance, field, slug)
        adding = instance._state.adding
        try:
            with transaction.atomic():
                save()
            return instance
        except IntegrityError:
            # The failed INSERT may have set a primary key; the next try starts clean.
            if adding:
                instance.pk = None
                instance._state.adding = True
            taken = model._default_manager.filter(**{field: slug}).exclude(pk=instance.pk)
            if not taken.exists():
                raise
    raise IntegrityError(f"no free slug for {text!r} after {MAX_ATTEMPTS} attempts")
