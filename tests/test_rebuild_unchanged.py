"""A rebuild in which nothing changed is a stat check: it reads no note and writes nothing.

And whatever did change — a note, an input besides the notes, a file of dist/ — still
takes the ordinary path, with output byte-identical to a full build's.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from seed_project import copy_seed_project

from loader.build.pipeline import BuildResult, build
from loader.problems import InputError
from loader.project import Project

PROJECT_PARTS = ("ontology", "shapes", "queries")


def snapshot(folder: Path) -> dict[str, tuple[int, int, str]]:
    """Every file below ``folder``: inode, mtime and content hash (to see any write)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            status = path.stat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            found[str(path.relative_to(folder))] = (status.st_ino, status.st_mtime_ns, digest)
    return found


def digests(dist: Path) -> dict[str, str]:
    """The files' digests, without the store (a derived index whose files are not
    byte-stable)."""
    return {k: v[2] for k, v in snapshot(dist).items() if not k.startswith("store")}


@pytest.fixture
def project(repo_root: Path, tmp_path: Path) -> Project:
    root = copy_seed_project(tmp_path / "p", parts=PROJECT_PARTS, repo_root=repo_root)
    return Project.at(root)


def summary(result: BuildResult) -> tuple[object, ...]:
    return (
        [(g.iri, g.triples, g.sha256, g.spans) for g in result.graphs],
        result.counts,
        [w.format() for w in result.warnings],
    )


def test_nothing_changed_touches_nothing_and_reports_the_same(project: Project) -> None:
    first = build(project)
    assert first.redone  # a first build does the work
    before = snapshot(project.root)
    second = build(project)
    assert second.redone == []
    assert list(second.timings) == ["check for changes"]  # no stage ran
    assert summary(second) == summary(first)
    assert snapshot(project.root) == before  # not a byte written, not a file replaced


def test_a_touched_note_takes_the_ordinary_path(project: Project) -> None:
    build(project)
    note = next(project.notes_dir.rglob("*.yaml"))
    status = note.stat()
    os.utime(note, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000))
    result = build(project)
    assert "read notes" in result.timings


def test_changes_are_built_and_equal_a_full_build(project: Project) -> None:
    build(project)
    note = next(project.notes_dir.rglob("*.yaml"))
    note.write_text(note.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    edited = build(project)
    assert "read notes" in edited.timings
    incremental = digests(project.dist_dir)
    build(project, use_cache=False)
    assert digests(project.dist_dir) == incremental


def test_a_damaged_dist_is_rebuilt(project: Project) -> None:
    build(project)
    whole = digests(project.dist_dir)
    (project.dist_dir / "tradekg.trig").unlink()
    result = build(project)
    assert "export and index" in result.timings
    assert digests(project.dist_dir) == whole
    shutil.rmtree(project.dist_dir / "store")
    build(project)
    assert (project.dist_dir / "store").is_dir()


def test_a_new_note_and_a_changed_shape_are_seen(project: Project) -> None:
    first = build(project)
    shape = project.shape_files()[0]
    shape.write_text(shape.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert "read notes" in build(project).timings
    note = next(project.notes_dir.rglob("*.yaml"))
    copy = note.parent / "zz-copy.yaml"
    copy.write_text(note.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(InputError) as failure:  # the copy defines the same ids again
        build(project)
    assert any((p.file or "").endswith("zz-copy.yaml") for p in failure.value.problems)
    copy.unlink()
    again = build(project)
    assert summary(again) == summary(first)


def test_the_source_archive_is_an_input(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A source text that appears, or a setting that points elsewhere, is a change."""
    archive = tmp_path / "archive"
    archive.mkdir()
    monkeypatch.setenv("TRADEKG_SOURCES", str(archive))
    first = build(project)
    assert any(w.code == "source-text-missing" for w in first.warnings)
    assert build(project).redone == []
    identifier = next(  # a note that names its archived text (every seed note does)
        line.split(":", 1)[1].strip().strip("'\"")
        for note in sorted(project.notes_dir.rglob("*.yaml"))
        for line in note.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("identifier:")
    )
    (archive / identifier).write_text("A text that holds none of the quotes.\n", "utf-8")
    with pytest.raises(InputError) as failure:  # its quotes are now proved, and fail
        build(project)
    assert any(p.code == "quote-not-in-source" for p in failure.value.problems)
    (archive / identifier).unlink()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert build(project).redone == []
    monkeypatch.setenv("TRADEKG_SOURCES", str(elsewhere))
    assert "read notes" in build(project).timings
    assert build(project, strict=False).redone == []
    with pytest.raises(InputError):  # strict never answers from the last build's record
        build(project, strict=True)
