"""Copy a benchmark database for the baseline tree, with the baseline's schema.

    .venv/bin/python benchmarks/baseline_db.py \\
        --source postgres://postgres@127.0.0.1:5432/bench --target bench_base

``kennisschakel demo-scale`` exists only in the current tree, so the national-scale data
is generated once (in ``--source``) and copied (``CREATE DATABASE … TEMPLATE``, a file
copy, no other connection to the source may be open). The copy is then migrated back,
with the current tree's migrations, to the last migration of every app that the
baseline (/work/baseline) has, and apps the baseline does not have are unapplied: the
baseline then runs on exactly its own tables, columns and indexes, with the same rows.
"""

import argparse
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from httpbench import BASELINE, ROOT, VENV_BIN  # noqa: E402


def leaf_migrations(src: Path) -> dict[str, str]:
    leaves = {}
    for folder in sorted((src / "kennisschakel").glob("*/migrations")):
        names = sorted(p.stem for p in folder.glob("[0-9]*.py"))
        if names:
            leaves[folder.parent.name] = names[-1]
    return leaves


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", required=True, help="URL of the generated database")
    parser.add_argument("--target", default="bench_base", help="name of the copy")
    args = parser.parse_args()
    source = urllib.parse.urlsplit(args.source)
    source_name = source.path.strip("/")
    admin = source._replace(path="/postgres").geturl()
    target_url = source._replace(path=f"/{args.target}").geturl()
    started = time.perf_counter()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{args.target}"')
        connection.execute(f'CREATE DATABASE "{args.target}" TEMPLATE "{source_name}"')
    print(f"copied {source_name} → {args.target} in {time.perf_counter() - started:.1f} s")

    baseline = leaf_migrations(BASELINE / "src")
    current = leaf_migrations(ROOT / "src")
    env = {"DATABASE_URL": target_url, "KENNISSCHAKEL_DEBUG": "1", "PATH": "/usr/bin:/bin"}
    for app, leaf in sorted(current.items()):
        target = baseline.get(app, "zero")
        if target == leaf:
            continue
        print(f"  {app}: {leaf} → {target}")
        subprocess.run(
            [str(VENV_BIN / "kennisschakel"), "migrate", app, target, "-v0"],
            env=env,
            check=True,
            cwd=ROOT,
        )
    # Third-party apps the baseline does not install keep their tables: unused by it.
    with psycopg.connect(target_url, autocommit=True) as connection:
        connection.execute("ANALYZE")
    print(f"{args.target} ready for the baseline in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
