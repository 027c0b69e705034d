"""Pick the Dutch or English variant of a bilingual model field."""

from django.utils.translation import get_language


def current_language() -> str:
    return (get_language() or "nl")[:2]


class BilingualMixin:
    """Models with ``<field>_nl`` and ``<field>_en`` columns read them through
    :meth:`localized`, falling back to Dutch when the English text is empty."""

    def localized(self, field: str) -> str:
        value = getattr(self, f"{field}_{current_language()}", "")
        return value or getattr(self, f"{field}_nl", "")
