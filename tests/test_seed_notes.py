"""The seed notes quote their sources faithfully, and every seed article has exactly one note.

A note's ``evidence`` is the link between a fact in the graph and the words that support it,
so every quote must occur in the seed file the note names (``source: identifier:``). Only
runs of whitespace are normalised: the quote must keep the seed's own characters (curly
apostrophes and quotes, en dashes), because a "corrected" quote is no longer a quote.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTES_DIR = REPO_ROOT / "data" / "notes"
#: The archive of source texts: the seed articles are third-party texts kept outside the
#: repository, so the folder is named by the environment (``.ci/run`` sets it).
SOURCES = os.environ.get("TRADEKG_SOURCES", "")
SEEDS_DIR = Path(SOURCES) if SOURCES else REPO_ROOT / "data" / "sources"

pytestmark = pytest.mark.skipif(
    not any(SEEDS_DIR.glob("*.txt")),
    reason=f"no source texts in {SEEDS_DIR}: set TRADEKG_SOURCES to the seed articles' folder",
)


def normalise(text: str) -> str:
    """Collapse every run of whitespace to one space (and trim): nothing else."""
    return re.sub(r"\s+", " ", text).strip()


def note_paths() -> list[Path]:
    return sorted(NOTES_DIR.rglob("*.yaml")) if NOTES_DIR.is_dir() else []


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path}: a note is a mapping"
    return data


def seed_notes() -> dict[str, list[Path]]:
    """Seed file name → the notes whose source identifier names it."""
    found: dict[str, list[Path]] = {}
    for path in note_paths():
        identifier = (load(path).get("source") or {}).get("identifier")
        if isinstance(identifier, str) and (SEEDS_DIR / identifier).is_file():
            found.setdefault(identifier, []).append(path)
    return found


def evidence_quotes(note: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(statement id or position, quote) for every evidence of every statement."""
    blocks: list[tuple[str, Any]] = [("source", note.get("source") or {})]
    for n, item in enumerate(note.get("statements") or [], start=1):
        where = item.get("id", f"statement {n}") if isinstance(item, dict) else f"statement {n}"
        blocks.append((str(where), item))
    for where, block in blocks:
        if not isinstance(block, dict) or "evidence" not in block:
            continue
        quotes = block["evidence"]
        for quote in quotes if isinstance(quotes, list) else [quotes]:
            yield where, str(quote)


def seed_paths() -> list[Path]:
    return sorted(SEEDS_DIR.glob("*.txt")) if SEEDS_DIR.is_dir() else []


@pytest.mark.parametrize(
    "seed", seed_paths(), ids=lambda p: p.name if isinstance(p, Path) else str(p)
)
def test_every_seed_has_exactly_one_note(seed: Path) -> None:
    notes = seed_notes().get(seed.name, [])
    assert len(notes) == 1, f"{seed.name} has {len(notes)} notes: {[str(p) for p in notes]}"


@pytest.mark.parametrize("path", note_paths(), ids=lambda p: p.relative_to(NOTES_DIR).as_posix())
def test_every_evidence_quote_is_verbatim_in_its_seed(path: Path) -> None:
    note = load(path)
    identifier = (note.get("source") or {}).get("identifier")
    assert isinstance(identifier, str), f"{path.name}: source has no identifier"
    seed = SEEDS_DIR / identifier
    if not seed.is_file():
        pytest.skip(f"{identifier} is not a seed article")
    text = normalise(seed.read_text(encoding="utf-8"))
    quotes = list(evidence_quotes(note))
    assert quotes, f"{path.name} has no evidence"
    missing = [f"{where}: {quote!r}" for where, quote in quotes if normalise(quote) not in text]
    assert not missing, f"quotes not found verbatim in {identifier}:\n" + "\n".join(missing)
