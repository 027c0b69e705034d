"""Generations of a saved search index in one directory, swapped atomically.

Layout under ``root``::

    generations/<name>/   one saved index each (see SearchIndex.save)
    current               symlink to generations/<name>: the index to open
    build.lock            taken by whoever builds, so parallel workers do not all build

A new generation is written to a temporary directory, renamed into ``generations/``
and only then pointed to by ``current`` (a symlink replaced with ``os.replace``), so
a reader sees either the old or the new index, never half of one. Older generations
are deleted: on Linux a process that still maps their files keeps reading them until
it opens the new one.
"""

import fcntl
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

from kennisschakel.engines.text.search import SearchIndex

CURRENT = "current"
GENERATIONS = "generations"
KEEP_GENERATIONS = 2  # the current one and the one before it


class IndexStore:
    def __init__(self, root: Path | str):
        self.root = Path(root)

    def current(self) -> str | None:
        """Name of the current generation, or None when none was published."""
        try:
            return os.path.basename(os.readlink(self.root / CURRENT))
        except (FileNotFoundError, OSError):
            return None

    def path(self, name: str) -> Path:
        return self.root / GENERATIONS / name

    def generations(self) -> list[str]:
        try:
            return sorted(p.name for p in (self.root / GENERATIONS).iterdir() if p.is_dir())
        except FileNotFoundError:
            return []

    def open(self, name: str, analyzer=None, index_class=SearchIndex, **options) -> SearchIndex:
        return index_class.open(self.path(name), analyzer=analyzer, **options)

    def built_at(self, name: str) -> float:
        """When a generation was published (seconds since the epoch)."""
        return (self.path(name) / "manifest.json").stat().st_mtime

    def publish(self, index: SearchIndex, meta: dict | None = None) -> str:
        """Save ``index`` as a new generation and make it current; returns its name."""
        generations = self.root / GENERATIONS
        generations.mkdir(parents=True, exist_ok=True)
        # Names sort by time; the pid keeps two builders apart.
        name = f"{time.time_ns():020d}-{os.getpid()}"
        temporary = self.root / f"tmp-{name}"
        index.save(temporary, meta=meta)
        os.rename(temporary, generations / name)
        link = self.root / f".{CURRENT}-{name}"
        os.symlink(os.path.join(GENERATIONS, name), link)
        os.replace(link, self.root / CURRENT)
        self._fsync_directory(self.root)
        self._remove_old(keep=name)
        return name

    def _remove_old(self, keep: str) -> None:
        names = self.generations()
        older = [n for n in names if n < keep]
        for name in older[: max(0, len(older) - (KEEP_GENERATIONS - 1))]:
            shutil.rmtree(self.path(name), ignore_errors=True)
        # Leftovers of a builder that died halfway (older than an hour).
        for leftover in self.root.glob("tmp-*"):
            if time.time() - leftover.stat().st_mtime > 3600:
                shutil.rmtree(leftover, ignore_errors=True)

    @contextmanager
    def build_lock(self):
        """Exclusive lock across processes for building a generation."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / "build.lock", "a") as file:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(file.fileno(), fcntl.LOCK_UN)

    @staticmethod
    def _fsync_directory(path: Path) -> None:
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
