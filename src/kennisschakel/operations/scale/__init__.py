"""National-scale SYNTHETIC data for benchmarks (``kennisschakel demo-scale``).

Generated, never real: every row carries a marker (``markers.py``) so it can be
told apart from real content, counted, checksummed and removed again. The
generator refuses a database that holds real user content beyond the demo seed.

    markers.py    what marks a row as synthetic; the guard against real content;
                  purge (remove every synthetic row); fingerprint (counts + checksum)
    texts.py      plausible Dutch practice texts from the demo practices' vocabulary
    bulk.py       fast inserts with explicit ids: COPY on PostgreSQL, bulk_create elsewhere
    plan.py       what to make (Plan) and the fixed "now" every generated date is before
    generate.py   practices (+ search terms as save_practice computes them), adoptions,
                  partnerships and exchanges
    waves.py      monitor waves with invitations and answers along the routing
    hooks.py      after the bulk load: rebuild the derived indexes through their commands
"""
