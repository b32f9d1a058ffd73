"""The documents stand alone: every file they name exists, every cited anchor of
docs/ground-truth.md exists, and nothing points at material outside the repository."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = ("README.md", "docs/ground-truth.md", "docs/performance.md", "docs/configuration.md")
TOP_LEVEL = (
    "app.py|cdk.json|Makefile|mypy.ini|pyproject.toml|requirements[a-z-]*\\.txt|package(?:-lock)?\\.json|"
    "\\.taplo\\.toml|\\.ci/|bench/|config/|docs/|examples/|gt_config/|gt_rules/|gt_runtime/|"
    "labeling_constructs/|lambda/|sample_data/|stacks/|tests/|tools/"
)
# A path in backticks or a Markdown link target that starts at a top-level entry of the repository.
NAMED_PATH = re.compile(rf"(?:`|\]\()(?:\.\./)?((?:{TOP_LEVEL})[\w./<>*-]*)(?:`|\)|#)")
CITATION = re.compile(r"docs/ground-truth\.md#([a-z0-9-]+)((?:,? (?:and )?#[a-z0-9-]+)*)")
ANCHOR = re.compile(r'<a id="([a-z0-9-]+)"></a>')
# Spelled with an escape and a group, so this file does not match itself.
OUTSIDE = re.compile("\u00a7|\\.\\./shared|shared/(?:reference|design)")


def missing_paths(text: str, root: Path) -> list[str]:
    """The named repository paths that do not exist (placeholders such as `<env>` or `*` excepted)."""
    missing = []
    for candidate in NAMED_PATH.findall(text):
        if any(mark in candidate for mark in "<>*") or candidate.endswith("."):
            continue
        if not (root / candidate.rstrip("/.")).exists():
            missing.append(candidate)
    return missing


def cited_anchors(text: str) -> set[str]:
    """Anchors cited as `docs/ground-truth.md#<anchor>`, and the `#<anchor>`s after it in one citation."""
    found = set()
    for first, rest in CITATION.findall(text):
        found.add(first)
        found.update(re.findall(r"#([a-z0-9-]+)", rest))
    return found


def tracked_text_files() -> list[Path]:
    names = subprocess.run(
        ["git", "ls-files"], cwd=REPO_ROOT, check=True, capture_output=True, text=True
    ).stdout.split()
    suffixes = {".py", ".md", ".toml", ".txt", ".json", ".liquid", ".ini", ".html", ""}
    return [
        REPO_ROOT / name
        for name in names
        if Path(name).suffix in suffixes and "__snapshots__" not in name and (REPO_ROOT / name).is_file()
    ]


def test_the_path_check_finds_a_missing_file_and_ignores_placeholders(tmp_path: Path) -> None:
    (tmp_path / "gt_rules").mkdir()
    (tmp_path / "gt_rules" / "limits.py").write_text("")
    text = "See `gt_rules/limits.py`, `gt_rules/gone.py`, [x](tools/none.py) and `config/<env>.toml`."
    assert missing_paths(text, tmp_path) == ["gt_rules/gone.py", "tools/none.py"]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_file_a_document_names_exists(document: str) -> None:
    assert missing_paths((REPO_ROOT / document).read_text(encoding="utf-8"), REPO_ROOT) == []


def test_the_citation_check_reads_every_anchor_of_a_citation() -> None:
    text = "# docs/ground-truth.md#cors, #pricing and #mturk; docs/ground-truth.md#kms"
    assert cited_anchors(text) == {"cors", "pricing", "mturk", "kms"}


def test_every_cited_section_of_ground_truth_md_exists() -> None:
    anchors = set(ANCHOR.findall((REPO_ROOT / "docs" / "ground-truth.md").read_text(encoding="utf-8")))
    unknown = {
        f"{path.relative_to(REPO_ROOT)}: #{anchor}"
        for path in tracked_text_files()
        for anchor in cited_anchors(path.read_text(encoding="utf-8", errors="replace"))
        if anchor not in anchors
    }
    assert not unknown, sorted(unknown)


def test_nothing_refers_to_material_outside_the_repository() -> None:
    offenders = [
        f"{path.relative_to(REPO_ROOT)}:{number}"
        for path in tracked_text_files()
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert offenders == []


def test_the_outside_reference_check_catches_section_marks_and_notes() -> None:
    assert OUTSIDE.search("as the notes say (\u00a74.4)")
    assert OUTSIDE.search("see ../" + "shared/" + "reference/ground-truth-api.md")
    assert not OUTSIDE.search("see docs/ground-truth.md#cors")
