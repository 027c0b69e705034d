"""From the database to the survey engine and back: the tables of a wave.

The engine (:mod:`kennisschakel.engines.survey`) tabulates plain data; this package feeds
it a wave's submitted invitations and turns its tables into what the pages, the PDF and
the JSON export need:

* :mod:`.tables`: the wave's own tables (:func:`groups_of`, :func:`population_of`,
  :func:`respondents_of`, :func:`wave_report`, :func:`report_json`);
* :mod:`.printed`: how a wave's table lines up with a printed one (whose row codes and
  layouts differ from the instrument's; see the comment above ``ROW_ALIASES``);
* :mod:`.comparison`: :func:`compare_with_published`, the wave beside the printed tables;
* :mod:`.benchmark`: :func:`benchmark_for`, a municipality's "where do we stand";
* :mod:`.trend`: :func:`trend_waves` and :func:`trend_report`, waves of one instrument;
* :mod:`.own_trend`: :func:`own_trend`, one municipality over the waves.

Suppression is the engine's (``Wave.min_cell``); nothing here ever puts one
municipality's answers beside another's: :func:`benchmark_for` shows the answers of
the invitation it is given and aggregates only.
"""

from kennisschakel.monitor.reporting.benchmark import benchmark_for
from kennisschakel.monitor.reporting.comparison import compare_with_published
from kennisschakel.monitor.reporting.own_trend import TREND_TYPES, own_trend
from kennisschakel.monitor.reporting.printed import MEAN_ROWS, RESPONSE_ROWS, ROW_ALIASES
from kennisschakel.monitor.reporting.tables import (
    apply_printed_rounding,
    groups_of,
    population_of,
    report_json,
    respondents_of,
    wave_report,
)
from kennisschakel.monitor.reporting.trend import trend_report, trend_waves

__all__ = [
    "MEAN_ROWS",
    "RESPONSE_ROWS",
    "ROW_ALIASES",
    "TREND_TYPES",
    "apply_printed_rounding",
    "benchmark_for",
    "compare_with_published",
    "groups_of",
    "own_trend",
    "population_of",
    "report_json",
    "respondents_of",
    "trend_report",
    "trend_waves",
    "wave_report",
]
