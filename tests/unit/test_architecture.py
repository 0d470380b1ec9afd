"""The code's shape, held by tests: queries scoped in one place, packages importing downward."""

import ast
import re
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"
# The context scopes every query; the database's base classes define soft deletion, and with
# it the index predicate of the records not deleted.
SCOPE_OWNERS = {APP / "context.py", APP / "db.py"}

HAND_WRITTEN_SCOPE = re.compile(r"organization_id\s*==|deleted_at\.is_\(|deleted_at\s+IS\s+NULL")


def app_modules() -> list[Path]:
    return sorted(APP.rglob("*.py"))


@pytest.mark.parametrize("path", app_modules(), ids=lambda path: str(path.relative_to(APP)))
def test_queries_are_scoped_only_by_the_context(path: Path) -> None:
    """`Context.select` / `Context.scope` apply the organization and hide deleted rows; a
    filter written by hand elsewhere is one that a later change can forget."""
    if path in SCOPE_OWNERS:
        return
    offending = [
        f"{path.relative_to(APP)}:{number}: {line.strip()}"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if HAND_WRITTEN_SCOPE.search(line)
    ]
    assert offending == [], "use ctx.select(Model) or *ctx.scope(Model):\n" + "\n".join(offending)


# Bottom to top. A module imports from its own package and from lower layers only; the
# foundation's modules may also import one another. Routers and examples (a domain's HTTP face)
# sit on top with the application's entry points, so they may call flows.
LAYERS: list[set[str]] = [
    {
        "access", "audit", "config", "context", "db", "errors", "events", "idempotency", "logging",
        "middleware", "migrations", "openapi", "ops", "pagination", "ratelimit", "routing",
        "schemas", "security", "timeofday", "versioning", "vocabulary",
    },
    {"programs", "patients", "webhooks"},
    {"admissions", "coverages"},
    {"groups", "verifications", "inquiries", "assignments", "case_management"},
    {"scheduling"},
    {"estimates", "attendance"},
    {"flows"},
    {"fhir"},
    {"interface"},
]  # fmt: skip
FOUNDATION = 0
INTERFACE_MODULES = {"router", "examples"}
# Interfaces of their own, whole packages: they call services and flows, and only the entry
# points (`main`) import them.
INTERFACE_PACKAGES = {"fhir"}
ENTRY_POINTS = {"main", "cli", "demo", "models", "__main__"}


def unit_of(module: str) -> str:
    """The package (or top-level module) a dotted `app.…` module belongs to, or "interface"."""
    parts = module.split(".")[1:]
    if parts and parts[0] in INTERFACE_PACKAGES:
        return parts[0]
    if not parts or parts[0] in ENTRY_POINTS or INTERFACE_MODULES & set(parts[1:]):
        return "interface"
    return parts[0]


def layer_of(unit: str) -> int:
    [layer] = [index for index, units in enumerate(LAYERS) if unit in units]
    return layer


def imports_of(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            # `from app.groups import membership` imports the module app.groups.membership.
            found += [(node.lineno, name) for name in names if name.startswith("app.")]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("app.")]
    return found


def module_name(path: Path) -> str:
    relative = path.relative_to(APP.parent).with_suffix("")
    parts = [part for part in relative.parts if part != "__init__"]
    return ".".join(parts)


def test_every_package_has_a_layer() -> None:
    units = {unit_of(module_name(path)) for path in app_modules()} - {"app"}
    assert units <= set().union(*LAYERS)


@pytest.mark.parametrize("path", app_modules(), ids=lambda path: str(path.relative_to(APP)))
def test_packages_import_downward_only(path: Path) -> None:
    unit = unit_of(module_name(path))
    if unit == "app":
        return
    layer = layer_of(unit)
    upward = []
    for line, imported in imports_of(path):
        other = unit_of(imported)
        if other == unit:
            continue
        other_layer = layer_of(other)
        same_foundation = layer == other_layer == FOUNDATION
        if other_layer > layer or (other_layer == layer and not same_foundation):
            upward.append(f"line {line}: {imported} ({other}) from {unit}")
    assert upward == [], "imports against the layer order (CONTRIBUTING.md):\n" + "\n".join(upward)
