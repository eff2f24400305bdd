"""A copy of the project with exactly the four seed notes, whatever ``data/notes/`` holds.

A researcher's checkout has more notes than the seeds; tests that count, pick "the first
note" or assert answers must not see them. The seed notes are found by what they record —
their ``source: identifier:`` is one of the four seed articles — not by file name, so a
renamed or re-filed seed note is still found and an extra note is always left out.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
#: the seed articles the four seed notes record (their texts: TRADEKG_SOURCES)
SEED_ARTICLES = frozenset(
    {
        "000_af33afbee50a8bd4.txt",
        "001_daeb3c8afa50e279.txt",
        "002_8dfb3b444941becd.txt",
        "003_c3e5a96a3afe6461.txt",
    }
)
PROJECT_PARTS = ("ontology", "shapes", "queries", "qc")


def seed_notes(repo_root: Path = REPO_ROOT) -> list[Path]:
    """The live notes whose source is a seed article, one per article, sorted by path."""
    notes_dir = repo_root / "data" / "notes"
    found: dict[str, Path] = {}
    for path in sorted(notes_dir.rglob("*.y*ml")):
        try:
            note = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError):
            continue  # a broken extra note is not a seed note
        source = note.get("source") if isinstance(note, dict) else None
        identifier = source.get("identifier") if isinstance(source, dict) else None
        if identifier in SEED_ARTICLES and identifier not in found:
            found[identifier] = path
    missing = sorted(SEED_ARTICLES - found.keys())
    assert not missing, f"no note in {notes_dir} records the seed article(s) {missing}"
    return sorted(found.values())


def copy_seed_project(
    target: Path, *, parts: tuple[str, ...] = PROJECT_PARTS, repo_root: Path = REPO_ROOT
) -> Path:
    """Copy ``parts`` of the project, the reference data and the seed notes into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for part in parts:
        if (repo_root / part).exists():
            shutil.copytree(repo_root / part, target / part)
    shutil.copytree(repo_root / "data" / "reference", target / "data" / "reference")
    notes_dir = repo_root / "data" / "notes"
    for note in seed_notes(repo_root):
        copy = target / "data" / "notes" / note.relative_to(notes_dir)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(note, copy)
    return target
