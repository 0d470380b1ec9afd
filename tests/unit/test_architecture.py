"""The code's shape, held by tests: queries scoped in one place, packages importing downward."""

import re
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"
SCOPE_OWNER = APP / "context.py"

HAND_WRITTEN_SCOPE = re.compile(r"organization_id\s*==|deleted_at\.is_\(|deleted_at\s+IS\s+NULL")


def app_modules() -> list[Path]:
    return sorted(APP.rglob("*.py"))


@pytest.mark.parametrize("path", app_modules(), ids=lambda path: str(path.relative_to(APP)))
def test_queries_are_scoped_only_by_the_context(path: Path) -> None:
    """`Context.select` / `Context.scope` apply the organization and hide deleted rows; a
    filter written by hand elsewhere is one that a later change can forget."""
    if path == SCOPE_OWNER:
        return
    offending = [
        f"{path.relative_to(APP)}:{number}: {line.strip()}"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if HAND_WRITTEN_SCOPE.search(line)
    ]
    assert offending == [], "use ctx.select(Model) or *ctx.scope(Model):\n" + "\n".join(offending)
