"""Who may import whom (docs/layout.md), read from the code itself with `ast`.

Imports anywhere in a module count, inside functions too: an import deferred into a function to
dodge a circle is still a circle. A package's `__init__` counts as one module; `from pkg import
sub` counts as importing `pkg.sub`. Migrations and tests are left out: they sit on top of
everything and nothing imports them.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("accounts", "audit", "channels", "config", "referrals", "reports", "services")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of the project's apps, by dotted name (no migrations)."""
    found = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


def _project_module(name: str) -> str | None:
    """`name` or the nearest package above it that is a project module."""
    while name:
        if name in modules():
            return name
        name = name.rpartition(".")[0]
    return None


@cache
def imports_of(name: str) -> frozenset[str]:
    """The project modules `name` imports, anywhere in its text."""
    path = modules()[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            # `from pkg import sub` imports pkg.sub; `from mod import name` imports mod.
            targets = [
                f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules() else source
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            module = _project_module(target)
            if module is not None and module != name:
                found.add(module)
    return frozenset(found)


def circles() -> list[list[str]]:
    """Every set of modules that import each other, directly or round a loop (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(imports_of(node)):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for name in sorted(modules()):
        if name not in index:
            visit(name)
    return found


def _in(name: str, app: str) -> bool:
    return name == app or name.startswith(app + ".")


def test_the_walk_sees_the_apps() -> None:
    assert "services.search.query" in modules()
    assert "services.search.params" in imports_of("services.search.query")
    assert "services.models" in imports_of("services.search.params")


def test_there_is_no_import_circle() -> None:
    assert circles() == []


def test_config_imports_no_app_outside_urls() -> None:
    wrong = {
        name: sorted(target for target in imports_of(name) if not _in(target, "config"))
        for name in modules()
        if _in(name, "config") and name != "config.urls"
    }
    assert {name: targets for name, targets in wrong.items() if targets} == {}


def test_services_do_not_import_referrals() -> None:
    wrong = {
        name: sorted(target for target in imports_of(name) if _in(target, "referrals"))
        for name in modules()
        if _in(name, "services")
    }
    assert {name: targets for name, targets in wrong.items() if targets} == {}


def test_nothing_but_the_url_conf_imports_channels() -> None:
    wrong = {
        name: sorted(target for target in imports_of(name) if _in(target, "channels"))
        for name in modules()
        if not _in(name, "channels") and name != "config.urls"
    }
    assert {name: targets for name, targets in wrong.items() if targets} == {}
