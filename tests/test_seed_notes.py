"""The seed notes quote their sources faithfully, and every seed article has exactly one note.

A note's ``evidence`` is the link between a fact in the graph and the words that support it,
so every quote must occur in the seed file the note names (``source: identifier:``). Only
runs of whitespace are normalised: the quote must keep the seed's own characters (curly
apostrophes and quotes, en dashes), because a "corrected" quote is no longer a quote.

The seeds are read through the project's ``sources`` setting (``TRADEKG_SOURCES``, else
``[tool.tradekg] sources`` in pyproject.toml); this check is written apart from the build's
own quote proving (loader/read/sources.py), so that the two check each other.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from seed_project import copy_seed_project

from loader.project import Project

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTES_DIR = REPO_ROOT / "data" / "notes"
#: The archive of source texts, through the same setting the build uses. The seed articles
#: are third-party texts kept outside the repository; ``.ci/run`` points TRADEKG_SOURCES there.
SETTING = Project.at(REPO_ROOT).sources()
SEEDS_DIR = SETTING.path

pytestmark = pytest.mark.skipif(
    not any(SEEDS_DIR.glob("*.txt")),
    reason=f"no source texts in {SEEDS_DIR} (from {SETTING.origin}): set TRADEKG_SOURCES "
    "(or [tool.tradekg] sources in pyproject.toml) to the folder of the seed articles",
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


@pytest.fixture
def seed_project(repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project in ``tmp_path``, its archive setting pointed at the seeds."""
    copy_seed_project(tmp_path, parts=("ontology", "shapes", "queries"), repo_root=repo_root)
    monkeypatch.setenv("TRADEKG_SOURCES", str(SEEDS_DIR.resolve()))
    return tmp_path


def test_build_proves_the_seed_quotes_and_records_where_they_are(seed_project: Path) -> None:
    """Every quote becomes a Web Annotation whose offsets cut the quote out of the seed."""
    import pyoxigraph as ox
    from click.testing import CliRunner

    from loader.cli import main

    result = CliRunner().invoke(main, ["build", "--strict", "--project", str(seed_project)])
    assert result.exit_code == 0, result.output
    store = ox.Store.read_only(str(seed_project / "dist" / "store"))
    rows = list(
        store.query(
            """PREFIX oa: <http://www.w3.org/ns/oa#>
            PREFIX dcterms: <http://purl.org/dc/terms/>
            SELECT ?file ?exact ?start ?end WHERE {
              ?annotation oa:hasBody ?statement ; oa:hasTarget ?target .
              ?target oa:hasSource ?source ;
                      oa:hasSelector [ oa:exact ?exact ] , [ oa:start ?start ; oa:end ?end ] .
              ?source dcterms:identifier ?file .
            }""",
            use_default_graph_as_union=True,
        )
    )
    quotes = {normalise(q) for p in note_paths() for _, q in evidence_quotes(load(p))}
    assert len(rows) >= len(quotes) > 0
    texts: dict[str, str] = {}
    for row in rows:
        name = row["file"].value
        text = texts.setdefault(name, (SEEDS_DIR / name).read_text(encoding="utf-8-sig"))
        start, end = int(row["start"].value), int(row["end"].value)
        assert text[start:end] == row["exact"].value
        assert normalise(row["exact"].value) in quotes


def test_a_corrupted_seed_quote_fails_the_build_at_its_line(seed_project: Path) -> None:
    from click.testing import CliRunner

    from loader.cli import main

    assert CliRunner().invoke(main, ["build", "--project", str(seed_project)]).exit_code == 0
    before = {p: p.read_bytes() for p in (seed_project / "dist").glob("*.*")}
    note = next(p for p in sorted((seed_project / "data" / "notes").rglob("*.yaml")))
    lines = note.read_text(encoding="utf-8").splitlines(keepends=True)
    quoted = re.compile(r"evidence: \"\w+ \w+")
    number, line = next((n, t) for n, t in enumerate(lines, start=1) if quoted.search(t))
    word = re.search(r"evidence: \"(\w+)", line)
    assert word is not None
    lines[number - 1] = line.replace(word.group(1), word.group(1) + "x", 1)
    note.write_text("".join(lines), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--project", str(seed_project)])
    assert result.exit_code == 2
    relative = note.relative_to(seed_project).as_posix()
    assert f"{relative}:{number}:" in result.output
    assert "did you mean: " in result.output
    assert word.group(1) + " " in result.output.split("did you mean: ", 1)[1]
    assert before == {p: p.read_bytes() for p in (seed_project / "dist").glob("*.*")}
