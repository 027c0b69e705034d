"""Fill the Dutch catalogue from a JSON file of {msgid: msgstr or [singular, plural]}.

Used when a batch of new strings is translated outside the .po file; prints
the msgids still untranslated afterwards.
"""

import json
import sys
from pathlib import Path

import polib

CATALOGUE = (
    Path(__file__).resolve().parents[1] / "src/kennisschakel/locale/nl/LC_MESSAGES/django.po"
)


def main(json_path: str) -> None:
    translations = json.loads(Path(json_path).read_text(encoding="utf-8"))
    catalogue = polib.pofile(str(CATALOGUE))
    for entry in catalogue:
        value = translations.get(entry.msgid)
        if value is None:
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: value[0], 1: value[1]}
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalogue.save()
    for entry in catalogue.untranslated_entries():
        print("untranslated:", entry.msgid)


if __name__ == "__main__":
    main(sys.argv[1])
