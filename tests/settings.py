"""Settings for the test suite: the production settings with test conveniences."""

import os

os.environ.setdefault("KENNISSCHAKEL_TESTING", "1")

from kennisschakel.settings import *  # noqa: E402, F403

# Hashing passwords slowly protects real accounts; tests only need it correct.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Places abroad: a smaller slice keeps the per-test-run seed quick (the full
# set is loaded by `kennisschakel seed` and measured in benchmarks/).
PLACES_MIN_POPULATION = int(os.environ.get("KENNISSCHAKEL_PLACES_MIN_POPULATION", "100000"))
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# No collectstatic step before tests: serve from the apps' folders.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}  # noqa: F405
STATIC_ROOT = None  # whitenoise serves from the finders; no collectstatic in tests
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405  (live-server threads must not keep connections)

# SQLite tests run on a file, not in memory: concurrency tests need real
# connections from several threads with the same locking as production (WAL,
# busy timeout, IMMEDIATE transactions). One file per test process.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")  # noqa: F405
    }
# `make test` runs the browser tests in a pytest session of their own, on a test database
# of their own (KENNISSCHAKEL_TEST_DATABASE=browser): they commit through a live server,
# and must neither depend on nor disturb what the other tests leave behind.
_OWN_TEST_DATABASE = os.environ.get("KENNISSCHAKEL_TEST_DATABASE", "")
if _OWN_TEST_DATABASE and DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": f"test_{DATABASES['default']['NAME']}_{_OWN_TEST_DATABASE}"  # noqa: F405
    }
WHITENOISE_AUTOREFRESH = True  # no scan of every static file for each test Client()

# Saved search indexes: one directory per test process (tests/conftest.py empties it
# around every test, like the database is rolled back).
KENNISSCHAKEL_INDEX_DIR = VAR_DIR / f"test-index-{os.getpid()}"  # noqa: F405
