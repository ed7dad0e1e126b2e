"""The folders are the architecture: no module imports a layer above its own, no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "genai_cli"

# Rank of each layer: a module may import its own layer and lower ranks only.
# errors, paths, the clock and the version (genai_cli/__init__) are shared by every layer.
RANKS = {
    "base": 0,
    "knowledge": 1,
    "reference": 2,
    "study": 2,
    "formats": 2,
    "views": 3,
    "frame": 4,
}
BASE = {"genai_cli", "genai_cli.clock", "genai_cli.errors", "genai_cli.paths"}
FRAME = {"genai_cli.cli", "genai_cli.entry", "genai_cli.runner", "genai_cli.__main__"}
SIBLINGS_APART = {"reference", "study", "formats"}  # same rank, but never import each other


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer(module: str) -> str:
    if module in BASE:
        return "base"
    if any(module == f or module.startswith(f + ".") for f in FRAME):
        return "frame"
    second = module.split(".")[1]
    if second not in RANKS:
        raise AssertionError(f"{module} is in no layer: add its folder to RANKS")
    return second


def imports_of(path: Path) -> set[str]:
    """Every genai_cli module a file imports, at module level or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("genai_cli"))
        elif (
            isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("genai_cli")
        ):
            found.add(node.module)
            # ``from genai_cli.views import quiz`` imports the module genai_cli.views.quiz
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                if (PACKAGE.parent / (candidate.replace(".", "/") + ".py")).exists():
                    found.add(candidate)
    return found


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def upward(importer: str, imported: str) -> bool:
    mine, theirs = layer(importer), layer(imported)
    if mine in SIBLINGS_APART and theirs in SIBLINGS_APART and mine != theirs:
        return True
    return RANKS[theirs] > RANKS[mine]


class TestLayers:
    """Imports run from the frame down to knowledge, never back up."""

    @pytest.mark.parametrize("module", sorted(MODULES))
    def test_no_upward_import(self, module: str) -> None:
        wrong = sorted(i for i in imports_of(MODULES[module]) if upward(module, i))
        assert wrong == [], f"{module} ({layer(module)}) imports a layer above it"

    def test_the_check_can_fail(self) -> None:
        assert upward("genai_cli.knowledge.loader", "genai_cli.views.entries")
        assert upward("genai_cli.study.session", "genai_cli.reference.lookup")
        assert upward("genai_cli.views.quiz", "genai_cli.cli.app")
        assert not upward("genai_cli.views.quiz", "genai_cli.study.stats")
        assert not upward("genai_cli.cli.study", "genai_cli.errors")

    def test_no_cycles(self) -> None:
        graph = {
            m: {i for i in imports_of(p) if i in MODULES and i != m} for m, p in MODULES.items()
        }
        # A package's __init__ importing its own submodules is registration, not a cycle.
        for m, deps in graph.items():
            graph[m] = {d for d in deps if not d.startswith(m + ".")}
        state: dict[str, int] = {}

        def visit(node: str, trail: list[str]) -> None:
            state[node] = 1
            for nxt in sorted(graph[node]):
                if state.get(nxt) == 1:
                    pytest.fail("import cycle: " + " -> ".join([*trail, node, nxt]))
                if nxt not in state:
                    visit(nxt, [*trail, node])
            state[node] = 2

        for m in sorted(graph):
            if m not in state:
                visit(m, [])

    def test_top_level_holds_only_the_frame(self) -> None:
        top = sorted(p.name for p in PACKAGE.glob("*.py"))
        assert top == [
            "__init__.py",
            "__main__.py",
            "clock.py",
            "entry.py",
            "errors.py",
            "paths.py",
            "runner.py",
        ]

    @pytest.mark.parametrize(
        "package", ["knowledge", "reference", "study", "formats", "views", "cli"]
    )
    def test_each_package_says_what_it_may_import(self, package: str) -> None:
        doc = ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text()))
        assert doc and "import" in doc

    @pytest.mark.parametrize("module", sorted(MODULES))
    def test_no_module_over_450_lines(self, module: str) -> None:
        assert len(MODULES[module].read_text(encoding="utf-8").splitlines()) <= 450


def third_party_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


# Each library and the only modules that may import it (ruff's banned-api works per rule
# and per file, so it cannot tell questionary in views/prompts.py from questionary in
# views/quiz.py; this can).
CONFINED = {
    "typer": ("genai_cli.cli",),
    "click": ("genai_cli.cli",),
    "questionary": ("genai_cli.views.prompts",),
    "prompt_toolkit": ("genai_cli.views.prompts",),
    "rich": ("genai_cli.views",),
}


class TestLibrariesInTheirRooms:
    """Typer in the CLI, questionary in the prompt adapter, Rich in the views."""

    @pytest.mark.parametrize("module", sorted(MODULES))
    def test_confined(self, module: str) -> None:
        for library in third_party_imports(MODULES[module]) & set(CONFINED):
            rooms = CONFINED[library]
            assert any(module == r or module.startswith(r + ".") for r in rooms), (
                f"{module} imports {library}, which belongs in {', '.join(rooms)}"
            )
