"""The algorithmic engines: plain Python, no Django, no app.

Each engine takes plain data in and gives plain data out; the apps feed them through thin
adapters (``knowledge/search.py``, ``matching/adapter.py``, ``monitor/questionnaire.py``,
``partnerships/balances.py``, ``register/services.py``). The boundary is a contract
(``[tool.importlinter]`` in ``pyproject.toml``, checked by ``make lint``) and a test that
imports every engine in a bare interpreter without loading Django
(``tests/engines/test_no_django.py``).
"""
