"""The shape of the code (docs/design.md, "Map"): module sizes and the direction of imports."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
MAX_LINES = 300


def modules() -> dict[str, Path]:
    """Every module of the papo package, by dotted name."""
    found = {}
    for path in sorted((SRC / "papo").rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path) -> set[str]:
    """The modules `name` imports, anywhere in its body (lazy imports included)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


MODULES = modules()


def under(name: str, *packages: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_over_300_lines(name):
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines"


CORE = ("papo.server.services", "papo.server.models")
EDGES = ("papo.server.api", "papo.server.realtime")


@pytest.mark.parametrize("name", sorted(n for n in MODULES if under(n, *CORE)))
def test_services_and_models_never_import_the_edges(name):
    wrong = {m for m in imports_of(name, MODULES[name]) if under(m, *EDGES)}
    assert not wrong, f"{name} imports {sorted(wrong)}: edges call services, not the reverse"


@pytest.mark.parametrize("name", ["papo.rules", "papo.error_codes"])
def test_the_rule_and_error_tables_need_nothing_but_the_standard_library(name):
    outside = {
        m.partition(".")[0]
        for m in imports_of(name, MODULES[name])
        if m.partition(".")[0] not in sys.stdlib_module_names and m != "__future__"
    }
    assert not outside, f"{name} imports {sorted(outside)}"


@pytest.mark.parametrize("name", sorted(n for n in MODULES if under(n, "papo.client")))
def test_the_client_never_imports_the_server(name):
    wrong = {m for m in imports_of(name, MODULES[name]) if under(m, "papo.server")}
    assert not wrong, f"{name} imports {sorted(wrong)}"


def test_the_checks_see_a_wrong_import(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("def f():\n    from ..realtime.hub import hub\n")
    assert "papo.server.realtime.hub" in imports_of("papo.server.services.bad", module)
