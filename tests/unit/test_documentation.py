"""The documentation stays inside the repository: its links and section references resolve."""

import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
DOMAIN_REFERENCE = ROOT / "docs" / "domain.md"
MARKDOWN = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").rglob("*.md"))]
CODE_FOLDERS = ("app", "tests", "migrations", "scripts", "bench")


def code_files() -> list[Path]:
    return [
        path
        for folder in CODE_FOLDERS
        for path in sorted((ROOT / folder).rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    ]


def test_markdown_links_lead_to_files_of_the_repository() -> None:
    for document in MARKDOWN:
        for target in re.findall(r"\]\(([^)\s]+)\)", document.read_text()):
            if re.match(r"[a-z]+:|#", target):
                continue  # a web address or an anchor on the same page
            path = (document.parent / target.split("#")[0]).resolve()
            assert path.is_relative_to(ROOT), f"{document.name}: {target}"
            assert path.exists(), f"{document.name}: {target}"


def test_nothing_refers_to_files_beside_the_repository() -> None:
    outside = re.compile(r"\.\./[\w.-]+\.md|\.\./\w+/")
    for path in [*MARKDOWN, *code_files()]:
        text = path.read_text(errors="replace")
        assert not outside.search(text), f"{path.relative_to(ROOT)}: {outside.search(text)}"


def test_section_references_name_sections_of_the_domain_reference() -> None:
    sections = set(re.findall(r"^## (\d+)\. ", DOMAIN_REFERENCE.read_text(), re.MULTILINE))
    cited = re.compile(r"docs/domain\.md`? §(\d+)")
    for path in [*MARKDOWN, *code_files()]:
        for section in cited.findall(path.read_text(errors="replace")):
            assert section in sections, f"{path.relative_to(ROOT)} cites §{section}"
