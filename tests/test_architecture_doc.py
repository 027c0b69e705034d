"""docs/architecture.md stays true: every module of the package is named in its layout, every
module it names exists, and the test tree mirrors the package (issue 15).

The layout is a tree in a code block: a line whose first word ends in ``/`` opens a folder
(nested by indentation), a line whose first word ends in ``.py`` names a module in the folder
it is in. A folder's or module's description may name further modules of that folder
(``api/  problems.py (…), pagination.py``); those count as named too.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "kennisschakel"
DOC = ROOT / "docs" / "architecture.md"

_MODULE = re.compile(r"(?<![\w/.])((?:[\w-]+/)*[\w-]+\.py)\b")
_ENTRY = re.compile(r"^(\s*)(\S+(?:, \S+)*)(?:\s{2,}|$)")


def modules_in_package() -> set[str]:
    """Every .py file of the package but migrations and ``__init__.py``, relative to it."""
    return {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts and path.name != "__init__.py"
    }


def layout_lines() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    block = text.split("## Layout", 1)[1].split("```", 2)[1]
    lines = block.splitlines()
    assert lines[1].strip() == "src/kennisschakel/", "the layout starts at src/kennisschakel/"
    return lines[2:]


def named_in_layout() -> tuple[set[str], set[str]]:
    """(every module the layout names, the modules named as an entry of their own)."""
    named: set[str] = set()
    entries: set[str] = set()
    folders: list[tuple[int, str]] = []  # (indentation, path) of the open folders
    current = ""  # the folder that the description on this line belongs to
    for line in layout_lines():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        match = _ENTRY.match(line)
        first = match.group(2) if match else ""
        words = [word.rstrip(",") for word in first.split(", ")]
        is_entry = indent <= (folders[-1][0] + 2 if folders else 2) and (
            words[0].endswith("/") or words[0].endswith(".py")
        )
        if is_entry:
            while folders and folders[-1][0] >= indent:
                folders.pop()
            parent = folders[-1][1] if folders else ""
            if words[0].endswith("/"):
                current = parent + words[0]
                folders.append((indent, current))
            else:
                current = parent
                for word in words:
                    if word.endswith(".py"):
                        entries.add(parent + word)
        for module in _MODULE.findall(line):
            named.add(current + module)
    return named, entries


def test_every_module_is_named_in_the_architecture_doc():
    named, _ = named_in_layout()
    missing = sorted(modules_in_package() - named)
    assert not missing, (
        "docs/architecture.md does not name these modules (add a line in its layout): "
        + ", ".join(missing)
    )


def test_every_module_the_architecture_doc_lists_exists():
    _, entries = named_in_layout()
    stale = sorted(entries - modules_in_package())
    assert not stale, "docs/architecture.md lists modules that do not exist: " + ", ".join(stale)


def test_the_parser_reads_folders_modules_and_descriptions():
    """The reading above, on a layout of the doc's shape, so a broken parser cannot pass
    the two tests above by naming everything or nothing."""
    import tests.test_architecture_doc as me

    sample = [
        "  settings.py           all configuration",
        "  core/                 shared pieces",
        "    api/                problems.py (errors), pagination.py,",
        "                        docs.py",
        "    clientip.py         client_ip(); see core/api/problems.py",
        "    templatetags/citations.py  the cite filter",
        "  engines/              no Django",
        "    text/               search",
        "      search.py, query.py  ranking",
        "  cli.py, __main__.py   the command",
    ]
    original = me.layout_lines
    me.layout_lines = lambda: sample
    try:
        named, entries = named_in_layout()
    finally:
        me.layout_lines = original
    assert entries == {
        "settings.py",
        "core/clientip.py",
        "core/templatetags/citations.py",
        "engines/text/search.py",
        "engines/text/query.py",
        "cli.py",
        "__main__.py",
    }
    assert {
        "core/api/problems.py",
        "core/api/pagination.py",
        "core/api/docs.py",
    } <= named
    assert "core/search.py" not in named and "engines/search.py" not in named


def test_the_test_tree_mirrors_the_package():
    """Every test folder is the mirror of a package folder (tests/engines/text for
    src/kennisschakel/engines/text …); helpers shared by all tests live at the top."""
    folders = [
        path.parent.relative_to(ROOT / "tests")
        for path in (ROOT / "tests").rglob("__init__.py")
        if path.parent != ROOT / "tests"
    ]
    assert folders, "the test tree has folders"
    strays = sorted(str(folder) for folder in folders if not (PACKAGE / folder).is_dir())
    assert not strays, "test folders without a package folder of the same name: " + ", ".join(
        strays
    )
