"""Fill the Dutch catalogue from a JSON file of {msgid: msgstr}, plurals as
{"singular ||| plural": [enkelvoud, meervoud]}.

Used when a batch of new strings is translated outside the .po file. Msgids that
the catalogue does not hold yet are added (``makemessages`` later keeps them when
the code uses them), and the catalogue is compiled to .mo. A file lock makes
parallel runs safe. Prints the msgids still untranslated afterwards.
"""

import fcntl
import json
import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[1] / "src/kennisschakel/locale"
CATALOGUE = LOCALE / "nl/LC_MESSAGES/django.po"


def apply(json_path: str) -> None:
    translations = json.loads(Path(json_path).read_text(encoding="utf-8"))
    catalogue = polib.pofile(str(CATALOGUE))
    known = {(entry.msgctxt, entry.msgid): entry for entry in catalogue}
    for key, value in translations.items():
        # A plural is written "singular ||| plural": ["enkelvoud", "meervoud"].
        msgid, _, msgid_plural = key.partition(" ||| ")
        entry = known.get((None, msgid))
        if entry is None:
            if isinstance(value, list):
                entry = polib.POEntry(msgid=msgid, msgid_plural=msgid_plural, msgstr_plural={})
            else:
                entry = polib.POEntry(msgid=msgid, msgstr="")
            catalogue.append(entry)
            known[(None, msgid)] = entry
        if isinstance(value, list):
            entry.msgid_plural = entry.msgid_plural or msgid_plural
            entry.msgstr_plural = {0: value[0], 1: value[1]}
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalogue.save()
    catalogue.save_as_mofile(str(CATALOGUE.with_suffix(".mo")))
    for entry in catalogue.untranslated_entries():
        print("untranslated:", entry.msgid)


def main(paths: list[str]) -> None:
    with open(LOCALE / ".translations.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for path in paths:
            apply(path)


if __name__ == "__main__":
    main(sys.argv[1:])
