"""Instruments as data: load the YAML files into the database (parsing a stored one for the
engine is the model's: ``Instrument.engine``)."""

import json
from pathlib import Path

import yaml

from kennisschakel.core.upsert import UpsertResult
from kennisschakel.engines import survey
from kennisschakel.monitor.models import Instrument, engine_instrument

DATA_DIR = Path(__file__).resolve().parent / "data" / "instruments"


def load_instruments(directory: Path = DATA_DIR) -> UpsertResult:
    """Validate every ``*.yaml`` in ``directory`` and store it; a file that does not validate
    stops the load with the path of the offending element (``survey.InstrumentError``)."""
    result = UpsertResult()
    for path in sorted(directory.glob("*.yaml")):
        # As JSON gives it back from the database (scale labels' keys become strings), so
        # that an unchanged file compares equal to what is stored.
        definition = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8"))))
        try:
            survey.load_instrument(definition)
        except survey.InstrumentError as error:
            raise survey.InstrumentError(error.path, f"{path.name}: {error.problem}") from error
        stored = Instrument.objects.filter(slug=definition["slug"]).first()
        values = {
            "title_nl": definition["title_nl"],
            "title_en": definition.get("title_en", ""),
            "source": definition.get("source", "")[:500],
            "definition": definition,
        }
        if stored is None:
            Instrument.objects.create(slug=definition["slug"], **values)
            result.created += 1
        elif any(getattr(stored, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(stored, name, value)
            stored.save()
            result.updated += 1
        else:
            result.unchanged += 1
    return result


__all__ = ["DATA_DIR", "engine_instrument", "load_instruments"]
