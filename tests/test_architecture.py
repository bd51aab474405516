"""The shape of the code, read from its source (nothing is imported): no import cycles in
`bot` or `index`; `index` never imports the bot or Telegram; the bot uses only what `index`
exports; the reply layer and the terminal chat work without Telegram types."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGES = ("bot", "index")
# Decides what to say; must not depend on Telegram (see bot/replies.py).
REPLY_LAYER = ("bot.replies", "bot.reply", "bot.render", "bot.texts", "bot.i18n", "bot.buttons", "bot.services", "bot.local_chat")


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports, by absolute name, at any depth of its code."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from . import x` may name a module
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    """Module -> the project's modules it imports."""
    files = [path for package in PACKAGES for path in (REPO / package).rglob("*.py")]
    modules = {module_name(path): path for path in files}
    return {name: {m for m in imports_of(path) if m in modules and m != name} for name, path in modules.items()}


def third_party(module: str) -> set[str]:
    path = REPO / Path(*module.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    return {name.split(".")[0] for name in imports_of(path)} - {"bot", "index"}


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for module in graph[todo.pop()] - seen:
            seen.add(module)
            todo.append(module)
    return seen


def test_no_import_cycles(graph):
    # Importing a package's submodule runs the package's __init__ first: not a cycle.
    cycles = {f"{a} -> {b}" for a in graph for b in graph[a] if a in reachable(graph, b) and not a.startswith(f"{b}.")}
    assert sorted(cycles) == []


def test_index_never_imports_the_bot_or_telegram(graph):
    for module in (m for m in graph if m.startswith("index")):
        assert not any(m.startswith("bot") for m in graph[module]), module
        assert "telegram" not in third_party(module), module


def test_the_bot_uses_only_the_public_api_of_index(graph):
    reaching_in = {f"{m} -> {i}" for m in graph if m.startswith("bot") for i in graph[m] if i.startswith("index.")}
    assert sorted(reaching_in) == []


@pytest.mark.parametrize("module", REPLY_LAYER)
def test_the_reply_layer_needs_no_telegram(graph, module):
    used = {module} | {m for m in reachable(graph, module) if m.startswith("bot")}
    assert {m for m in used if "telegram" in third_party(m)} == set()


def test_the_checks_see_the_imports(graph):
    """Were names resolved wrongly, the graph would be empty and every test above would pass."""
    assert {"bot.replies", "bot.handlers.context", "bot.handlers.send"} <= graph["bot.handlers.questions"]
    assert {"bot.render", "bot.services", "bot.texts", "index"} <= graph["bot.replies"]
    assert "telegram" in third_party("bot.handlers.send")
