"""The package's layout keeps the data flow visible: stages as subpackages, no import cycles.

Imports are read from the source with :mod:`ast`, so imports inside functions (the lazy ones
that keep the CLI quick to start) count as much as those at the top of a module; imports under
``if TYPE_CHECKING:`` never run and do not count. Importing ``loader.a.b`` runs the face
``loader/a/__init__.py`` first, but that is the package being entered, not an edge: a face
re-exports its own submodules, so counting it would make every face a cycle.
"""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "loader"

#: The stages in data-flow order, and the modules every stage may share.
STAGES = ("read", "graph", "validate", "build", "query", "store", "curate", "publish", "web")
SHARED = {"__init__", "api", "cli", "files", "namespaces", "problems", "project", "units"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The ``loader`` modules ``name`` imports anywhere in its body (lazy imports included)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if _type_checking_only(node):
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                found.add(submodule if submodule in known else target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in found if m in known and m != name}


def import_graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports_of(name, path, known) for name, path in found.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first = last), or None (iterative DFS)."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    for start in sorted(graph):
        if state.get(start):
            continue
        path = [start]
        stack = [iter(sorted(graph[start]))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(graph[nxt])))
    return None


def test_the_checker_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_lazy_imports_are_edges(tmp_path: Path) -> None:
    source = "def f():\n    from loader.x import y\n\nif TYPE_CHECKING:\n    import loader.z\n"
    path = tmp_path / "m.py"
    path.write_text(source)
    assert imports_of("loader.m", path, {"loader.x", "loader.z", "loader.m"}) == {"loader.x"}


def test_no_import_cycles_among_loader_modules() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_stages_are_subpackages_and_few_modules_stay_at_the_top() -> None:
    top = {path.stem for path in PACKAGE.glob("*.py")}
    assert top <= SHARED, f"modules at the top of loader/ that belong in a stage: {top - SHARED}"
    assert len(top) <= 8
    for stage in STAGES:
        assert (PACKAGE / stage / "__init__.py").is_file(), f"loader/{stage}/ has no face"


@pytest.mark.parametrize("stage", STAGES)
def test_earlier_stages_never_import_later_ones(stage: str) -> None:
    """read → graph → validate → build; query and store read dist/ and never build it; web
    stands in front of them all."""
    later = {
        "read": {
            "graph",
            "validate",
            "build",
            "query",
            "store",
            "curate",
            "publish",
            "web",
            "commands",
        },
        "graph": {"validate", "build", "query", "store", "curate", "publish", "web", "commands"},
        "validate": {"build", "query", "store", "curate", "publish", "web", "commands"},
        "build": {"store", "curate", "publish", "web", "commands"},
        "query": {"read", "graph", "validate", "build", "curate", "publish", "web", "commands"},
        "store": {
            "read",
            "graph",
            "validate",
            "build",
            "query",
            "curate",
            "publish",
            "web",
            "commands",
        },
        "curate": {"build", "query", "store", "publish", "web", "commands"},
        "publish": {"build", "store", "curate", "web", "commands"},
        "web": {"commands"},
    }[stage]
    wrong = sorted(
        f"{name} imports {target}"
        for name, targets in import_graph().items()
        if name.startswith(f"loader.{stage}")
        for target in targets
        if target.partition(".")[2].partition(".")[0] in later
    )
    assert not wrong, "\n".join(wrong)


def tracked_files() -> list[Path]:
    root = PACKAGE.parent
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True
    ).stdout.split(b"\0")
    return [root / name.decode() for name in listed if name]


def test_no_tracked_file_names_a_development_machine() -> None:
    """The product speaks of itself: no machine's paths; only CI knows where the seeds are."""
    forbidden = ["/" + "work/", "../" + "shared", "/" + "root/", "/" + "home/"]
    allowed = {".ci/run"}
    found = []
    for path in tracked_files():
        relative = path.relative_to(PACKAGE.parent).as_posix()
        if relative in allowed or not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        found += [f"{relative}: {word}" for word in forbidden if word in text]
    assert not found, "\n".join(found)
