"""The README's layout section stays true: it lists every top-level folder, and every file
of bot/, index/, benchmarks/ and docs/, each with a phrase, and nothing that is not there."""

from __future__ import annotations

import re
import subprocess

from tests.conftest import REPO

# Folders whose every file the layout names; the other top-level folders are named alone.
LISTED_IN_FULL = ("benchmarks", "bot", "docs", "index")


def layout_section() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```\n(.*?)```", section, re.DOTALL)
    assert block, "the Layout section holds the tree in a code block"
    return block.group(1).splitlines()


def layout() -> dict[str, str]:
    """Path -> its phrase, from the indented tree (two spaces per level; folders end in /)."""
    entries: dict[str, str] = {}
    parents: list[str] = []
    for line in layout_section():
        match = re.fullmatch(r"( *)(\S+)\s{2,}(\S.*)", line)
        assert match, f"not `name  phrase`: {line!r}"
        indent, name, phrase = match.groups()
        depth = len(indent) // 2
        assert len(indent) % 2 == 0 and depth <= len(parents), f"bad indentation: {line!r}"
        parents[depth:] = [name.rstrip("/")] if name.endswith("/") else []
        path = "/".join(parents[:depth] + [name.rstrip("/")])
        entries[path + ("/" if name.endswith("/") else "")] = phrase
    return entries


def files_in_checkout() -> list[str]:
    """Tracked files and new ones not ignored: what a commit of the checkout would hold."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    return [path for path in listed if (REPO / path).exists()]


def test_the_layout_names_every_top_level_folder():
    top = {path.split("/")[0] + "/" for path in files_in_checkout() if "/" in path}
    listed = {path for path in layout() if path.count("/") == 1 and path.endswith("/")}
    assert listed == top


def test_the_layout_names_every_module_and_document_and_nothing_else():
    actual = {path for path in files_in_checkout() if path.split("/")[0] in LISTED_IN_FULL}
    listed = {path for path in layout() if path.split("/")[0] in LISTED_IN_FULL and not path.endswith("/")}
    assert sorted(actual - listed) == [], "files missing from the README's layout"
    assert sorted(listed - actual) == [], "the README's layout names files that do not exist"
