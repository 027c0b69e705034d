"""The rules a practice must meet, one set for every way in: form, API and import.

The form (``forms.PracticeForm``, also used row by row by the spreadsheet
import) and the API serializer both call ``practice_rule_errors`` with the
values as they will be stored, so a practice the form refuses cannot come in
through the API either.
"""

import datetime

from django.utils.translation import gettext as _

from kennisschakel.knowledge.models import Practice

FIRST_YEAR = 1950
MIN_TITLE_LENGTH = 5


def last_year() -> int:
    return datetime.date.today().year + 10


def practice_rule_errors(values: dict) -> dict[str, str]:
    """Field name → message, for each rule that ``values`` break (empty when all hold).

    ``values`` holds the practice's fields as they will be saved; ``domains``
    is a sequence of policy domains.
    """
    errors: dict[str, str] = {}
    title = (values.get("title") or "").strip()
    if len(title) < MIN_TITLE_LENGTH:
        errors["title"] = _("Give a title of at least 5 characters.")
    if not values.get("domains"):
        errors["domains"] = _("Choose at least one policy domain.")
    for name in ("period_start", "period_end"):
        year = values.get(name)
        if year is not None and not FIRST_YEAR <= year <= last_year():
            errors[name] = _("Give a year between 1950 and %(max)s.") % {"max": last_year()}
    start, end = values.get("period_start"), values.get("period_end")
    if start and end and end < start and "period_end" not in errors:
        errors["period_end"] = _("The end year lies before the start year.")
    lesson_text = (values.get("negative_lessons") or "").strip()
    if values.get("kind") == Practice.Kind.LESSON and not lesson_text:
        errors["negative_lessons"] = _("A lesson says what did not work: fill in this field.")
    return errors
