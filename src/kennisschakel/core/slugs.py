"""Readable, unique URL slugs from titles."""

from django.db import models
from django.utils.text import slugify


def unique_slug(
    model: type[models.Model], text: str, exclude_pk: int | None = None, fallback: str = "item"
) -> str:
    """``slugify(text)``, with -2, -3 … appended until no other row of ``model`` has it."""
    base = slugify(text)[:100] or fallback
    slug, counter = base, 2
    while model.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug
