"""The build cache on disk (``.tradekg-cache/build.sqlite``): one row per note, so that a
rebuild after one edit rewrites that note's row only — and never a row that would let an
incremental build differ from a full one."""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
from pathlib import Path

import pyoxigraph as ox
import pytest
from note_support import a_new_note, write_note
from seed_project import copy_seed_project

from loader.build.cache import CACHE_FILE, Warm, fingerprint, load_cache
from loader.build.pipeline import build
from loader.project import Project
from loader.query.name_index import INDEX
from loader.query.names import load_names

PROJECT_PARTS = ("ontology", "shapes", "queries")
RATE = re.compile(r"^([ \t]+rate: )(\d+(?:\.\d+)?)[ \t]*$", re.MULTILINE)


@pytest.fixture
def project(repo_root: Path, tmp_path: Path) -> Project:
    return Project.at(copy_seed_project(tmp_path / "p", parts=PROJECT_PARTS, repo_root=repo_root))


def rows(project: Project) -> dict[str, int]:
    """Note file → the rowid of its row (a rewritten row gets a new one)."""
    db = sqlite3.connect(project.cache_dir / CACHE_FILE)
    try:
        return dict(db.execute("SELECT file, rowid FROM notes"))
    finally:
        db.close()


def bump_rate(project: Project, by: float) -> str:
    """Raise the first numeric rate of the notes by ``by``; the note's project path."""
    for note in project.note_files():
        text = note.read_text(encoding="utf-8")
        found = RATE.search(text)
        if found:
            value = f"{float(found.group(2)) + by:g}"
            note.write_text(text[: found.start(2)] + value + text[found.end(2) :], "utf-8")
            return project.rel(note)
    pytest.fail("no seed note states a numeric rate")


def dist_digests(dist: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(dist.iterdir())
        if p.is_file()
    }


def full_build_of(project: Project, tmp_path: Path) -> dict[str, str]:
    copy = tmp_path / "fresh"
    shutil.copytree(project.root, copy, ignore=shutil.ignore_patterns("dist", ".tradekg-*"))
    fresh = Project.at(copy)
    build(fresh, use_cache=False)
    return dist_digests(fresh.dist_dir)


def test_a_one_note_rebuild_rewrites_the_rows_of_the_notes_it_redid_only(
    project: Project, tmp_path: Path
) -> None:
    build(project)
    before = rows(project)
    assert len(before) == len(project.note_files())
    edited = bump_rate(project, 1)
    result = build(project)
    after = rows(project)
    redone = set(result.redone)
    assert edited in redone and len(redone) < len(before)
    assert {f for f in after if after[f] != before[f]} == redone
    assert dist_digests(project.dist_dir) == full_build_of(project, tmp_path)
    # what is read back is what a build that kept the cache in memory would have used
    loaded = load_cache(project, fingerprint(project)[0])
    assert loaded is not None and set(loaded.notes) == set(after)
    assert all(record.chunks.spans is not None for record in loaded.notes.values())


def test_a_cache_that_missed_a_save_is_written_whole_not_patched(
    project: Project, tmp_path: Path
) -> None:
    """A watch whose save failed holds a newer cache than the disk: the next save must not
    write only its own note's row over the older rows."""
    warm = Warm()
    build(project, warm=warm)
    warm.save(project)
    edited = bump_rate(project, 1)
    build(project, warm=warm)
    warm.unsaved = None  # the save that failed (a full disk, say)
    write_note(project.root, a_new_note(1), "data/notes/one-more.yaml")
    third = build(project, warm=warm)
    assert edited not in third.redone  # a patch of the third build's rows would miss it
    warm.save(project)
    assert build(project).redone == []  # the cache on disk is current …
    cold = Project.at(project.root)
    (cold.cache_dir / "last-build.pickle").unlink()  # … and not only its no-change record
    again = build(cold)
    assert again.redone == []
    assert dist_digests(project.dist_dir) == full_build_of(project, tmp_path)


def test_a_damaged_cache_costs_a_full_build_and_nothing_else(project: Project) -> None:
    build(project)
    (project.cache_dir / "last-build.pickle").unlink()
    (project.cache_dir / CACHE_FILE).write_bytes(b"not a database" * 100)
    result = build(project)
    assert sorted(result.redone) == sorted(project.rel(n) for n in project.note_files())
    assert len(rows(project)) == len(project.note_files())


def test_the_name_index_from_the_build_records_is_the_one_read_from_the_store(
    project: Project,
) -> None:
    """The build makes ``names.sqlite`` from the names each graph gave while it was
    serialised; a command that finds no index reads every graph from the store instead.
    Both must write the same file, or an index rebuilt on demand would answer differently."""
    build(project)
    index = project.dist_dir / INDEX
    from_records = index.read_bytes()
    index.unlink()
    store = ox.Store.read_only(str(project.dist_dir / "store"))
    names = load_names(store, project.dist_dir)  # no index: read from the store, written
    assert index.read_bytes() == from_records
    assert names.resolve("Viet Nam") == names.resolve("VNM")
