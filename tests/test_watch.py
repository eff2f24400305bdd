"""``tradekg build --watch`` as an author meets it: a real process watching a real project.

The watch runs as a child process on a copy of the seed project; the test edits notes as an
editor would and reads what the watch prints. Every wait is bounded (:data:`WAIT_S`), so a
watch that never answers fails the test instead of hanging it.
"""

from __future__ import annotations

import hashlib
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from note_support import a_new_note
from seed_project import copy_seed_project

from loader.build.cache import Warm
from loader.build.first_look import FirstLook
from loader.build.pipeline import build
from loader.build.watch import is_editor_temp
from loader.problems import InputError
from loader.project import Project
from loader.publish.site import generate_site
from loader.publish.site.manifest import NAME as MANIFEST

#: The longest any one answer of the watch may take (a cold build of the seeds is ~3 s).
WAIT_S = 60.0
PROJECT_PARTS = ("ontology", "shapes", "queries")
RATE = re.compile(r"^([ \t]+rate: )(\d+(?:\.\d+)?)[ \t]*$", re.MULTILINE)


class Watch:
    """``tradekg build --watch`` in a child process, its output (stdout and stderr) as lines."""

    def __init__(self, root: Path, *options: str) -> None:
        command = [sys.executable, "-m", "loader.cli", "build", "--watch", *options]
        self.process = subprocess.Popen(
            [*command, "--project", str(root)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)  # the process closed its output

    def until(self, pattern: str) -> list[str]:
        """The lines printed up to and including the first that matches ``pattern``."""
        wanted = re.compile(pattern)
        got: list[str] = []
        while True:
            try:
                line = self.lines.get(timeout=WAIT_S)
            except queue.Empty:
                pytest.fail(f"no line matching {pattern!r} within {WAIT_S:.0f} s; got {got}")
            if line is None:
                pytest.fail(f"the watch ended before printing {pattern!r}; it printed {got}")
            got.append(line)
            self.seen.append(line)
            if wanted.search(line):
                return got

    def stop(self) -> int:
        """SIGTERM, then the exit code (bounded wait)."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=WAIT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail(f"the watch did not end within {WAIT_S:.0f} s of SIGTERM")

    def rest(self) -> list[str]:
        """What it printed after the last line read, once it has ended."""
        out: list[str] = []
        while (line := self.lines.get(timeout=WAIT_S)) is not None:
            out.append(line)
        self.seen.extend(out)
        return out


@pytest.fixture
def project(repo_root: Path, tmp_path: Path) -> Project:
    return Project.at(copy_seed_project(tmp_path / "p", parts=PROJECT_PARTS, repo_root=repo_root))


@pytest.fixture
def watching(project: Project) -> Iterator[Watch]:
    watch = Watch(project.root)
    try:
        yield watch
    finally:
        if watch.process.poll() is None:
            watch.process.kill()
            watch.process.wait()


def dist_files(dist: Path) -> dict[str, str]:
    """Every file of dist/ but the store (whose files are not byte-stable) → its sha256."""
    return {
        str(p.relative_to(dist)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(dist.rglob("*"))
        if p.is_file() and p.relative_to(dist).parts[0] != "store"
    }


def store_quads(dist: Path) -> set[str]:
    """The store's quads, blank nodes canonicalised (RDFC-1.0): the store labels its own."""
    dataset = ox.Dataset(ox.Store.read_only(str(dist / "store")))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(quad) for quad in dataset}


def a_rate(project: Project) -> tuple[Path, int, re.Match[str]]:
    """The first note with a numeric ``rate:``, the line it is on and the match."""
    for note in project.note_files():
        text = note.read_text(encoding="utf-8")
        found = RATE.search(text)
        if found:
            return note, text.count("\n", 0, found.start()) + 1, found
    pytest.fail("no seed note states a numeric rate")


def set_rate(note: Path, found: re.Match[str], value: str) -> None:
    """The note as it was when ``found`` was matched, with that rate written as ``value``."""
    text = found.string
    note.write_text(text[: found.start(2)] + value + text[found.end(2) :], encoding="utf-8")


def test_an_error_shows_at_its_line_a_fix_shows_ok_and_dist_equals_a_full_build(
    project: Project, watching: Watch, tmp_path: Path
) -> None:
    first = watching.until(r"^watching ")
    assert any(re.match(r"^ok: 4 notes redone in \d+\.\d+ s$", line) for line in first), first
    before = dist_files(project.dist_dir)
    note, line, found = a_rate(project)
    file = project.rel(note)

    set_rate(note, found, "nineteen")
    failed = watching.until(r"^failed: ")
    assert failed[-1].startswith("failed: 1 error in ")
    assert failed[-1].endswith("dist/ keeps the last good build")
    errors = [x for x in failed if re.match(rf"^{re.escape(file)}:{line}:\d+: error: ", x)]
    assert len(errors) == 1 and "'nineteen' is not a number" in errors[0], failed
    assert dist_files(project.dist_dir) == before  # the failed build wrote nothing

    new_rate = f"{float(found.group(2)) + 1:g}"
    set_rate(note, found, new_rate)
    fixed = watching.until(r"^ok: ")
    # the note and those referring to ids it defines
    assert re.match(r"^ok: [1-9]\d* notes? redone in \d+\.\d+ s$", fixed[-1]), fixed
    assert not any(": error: " in x for x in fixed), fixed
    assert watching.stop() == 0
    assert watching.rest() == ["stopped watching"]
    assert not any("Traceback" in x for x in watching.seen)

    after = dist_files(project.dist_dir)
    assert after != before  # the edit reached dist/ …
    assert f'"{new_rate}"' in (project.dist_dir / "tradekg.nq").read_text(encoding="utf-8")
    # … exactly as a fresh full build of the edited notes writes it
    copy = tmp_path / "fresh"
    shutil.copytree(project.root, copy, ignore=shutil.ignore_patterns("dist", ".tradekg-*"))
    fresh = Project.at(copy)
    build(fresh, use_cache=False)
    assert dist_files(fresh.dist_dir) == after
    assert store_quads(fresh.dist_dir) == store_quads(project.dist_dir)


def test_a_burst_of_saves_is_one_rebuild_and_sigterm_ends_it_cleanly(
    project: Project, watching: Watch
) -> None:
    watching.until(r"^watching ")
    folder = project.note_files()[0].parent  # a folder the watch already watches
    for n in (1, 2):  # two files saved together, with an editor's scratch files between
        note = folder / f"burst-{n}.yaml"
        (folder / f".{note.name}.swp").write_bytes(b"\0swap")
        note.write_text(a_new_note(n), encoding="utf-8")
        (folder / "4913").write_bytes(b"")
        (folder / "4913").unlink()
        (folder / f"{note.name}~").write_text("an editor's backup", encoding="utf-8")
    done = watching.until(r"^(ok|failed): ")
    assert re.match(r"^ok: 2 notes redone in ", done[-1]), done
    assert watching.stop() == 0
    assert watching.rest() == ["stopped watching"]
    assert not any("Traceback" in x for x in watching.seen)


@pytest.mark.parametrize(
    ("name", "scratch"),
    [
        (".note.yaml.swp", True),
        (".note.yaml.swx", True),
        ("note.yaml~", True),
        (".#note.yaml", True),
        ("#note.yaml#", True),
        ("4913", True),
        ("note.yaml", False),
        ("rates.ttl", False),
        ("000_af33afbee50a8bd4.txt", False),
        ("swap.yaml", False),
    ],
)
def test_editor_scratch_files_are_not_inputs(name: str, scratch: bool) -> None:
    assert is_editor_temp(f"/some/project/data/notes/{name}") is scratch


def test_the_first_look_finds_a_notes_own_errors_and_leaves_the_rest_to_the_build(
    project: Project,
) -> None:
    look = FirstLook(project)
    files = [project.rel(note) for note in project.note_files()]
    assert look.errors(files) == []  # the build accepts the seed notes: so does the first look
    note, line, found = a_rate(project)
    set_rate(note, found, "nineteen")
    errors = look.errors([project.rel(note), "ontology/not-a-note.ttl"])
    assert [(e.file, e.line, e.code) for e in errors] == [
        (project.rel(note), line, "wrong-datatype")
    ]
    # an id no note defines yet may be defined by a note saved with it: only the build knows
    unknown = project.notes_dir / "refers-to-an-unknown-id.yaml"
    role = """
  - a: Role
    id: role-of-someone-not-yet-defined
    holder: someone-not-yet-defined
    roleTitle: President
    roleIn: USA
    claimStatus: reported
    evidence: "U.S. President Donald Trump"
"""
    unknown.write_text(a_new_note(3) + role, encoding="utf-8")
    assert look.errors([project.rel(unknown)]) == []
    with pytest.raises(InputError) as failed:
        build(project)
    assert "unknown-id" in {p.code for p in failed.value.problems}


def test_the_warm_state_gives_what_a_cold_process_gives_and_leaves_the_cache_for_the_cli(
    project: Project, tmp_path: Path
) -> None:
    """Builds in one process with :class:`Warm` (as the watch runs them): after a note edit
    and after an ontology edit, dist/ is what a fresh full build writes — a label changed in
    the ontology must not be served from the parsed vocabulary the process kept — and once
    saved, the cache is the one the next ``tradekg build`` finds current."""
    warm = Warm()
    build(project, warm=warm)
    assert warm.unsaved is not None and warm.vocabulary is not None
    kept = warm.vocabulary
    note, _line, found = a_rate(project)
    set_rate(note, found, f"{float(found.group(2)) + 1:g}")
    edited = build(project, warm=warm)
    assert edited.redone and len(edited.redone) < len(project.note_files())  # incremental
    assert warm.vocabulary is kept  # the ontology did not change: not parsed again
    ontology = project.root / "ontology" / "tradekg.ttl"
    text = ontology.read_text(encoding="utf-8")
    label = re.search(r'rdfs:label "([^"]+)"@en', text)
    assert label is not None
    ontology.write_text(
        text.replace(label.group(0), f'rdfs:label "{label.group(1)} (edited)"@en', 1)
    )
    build(project, warm=warm)
    assert warm.vocabulary is not kept  # a new fingerprint: parsed anew

    copy = tmp_path / "fresh"
    shutil.copytree(project.root, copy, ignore=shutil.ignore_patterns("dist", ".tradekg-*"))
    fresh = Project.at(copy)
    build(fresh, use_cache=False)
    assert dist_files(fresh.dist_dir) == dist_files(project.dist_dir)
    assert store_quads(fresh.dist_dir) == store_quads(project.dist_dir)

    # Not yet saved: on disk there is no cache (or an older build's), so the CLI redoes all.
    assert build(project).redone  # (a cold process, on the stale cache: all redone, correct)
    warm = Warm()
    set_rate(note, found, f"{float(found.group(2)) + 2:g}")
    build(project, warm=warm)
    warm.save(project)
    assert warm.unsaved is None
    again = build(project)  # a cold process after the watch saved: nothing to redo
    assert again.redone == [] and list(again.timings) == ["check for changes"]


def test_with_site_every_good_build_brings_the_site_up_to_date(
    project: Project, tmp_path: Path
) -> None:
    """``build --watch --site``: the first build writes the site, an edit rewrites its stale
    pages only, and the site is then the one a full run writes from the same build."""
    watching = Watch(project.root, "--site")
    try:
        first = watching.until(r"^watching ")
        assert any(re.match(r"^Wrote \d[\d,]* pages, ", line) for line in first), first
        note, _line, found = a_rate(project)
        set_rate(note, found, f"{float(found.group(2)) + 1:g}")
        done = watching.until(r"^Brought the site up to date: ")
        assert re.match(r"^Brought the site up to date: [1-9][\d,]* of [\d,]+ pages", done[-1])
        assert any(line.startswith("ok: ") for line in done), done
        assert watching.stop() == 0
        assert not any("Traceback" in x for x in watching.seen)
    finally:
        if watching.process.poll() is None:
            watching.process.kill()
            watching.process.wait()
    fresh = generate_site(project, tmp_path / "fresh-site", full=True)
    assert fresh.full
    site = project.dist_dir / "site"
    assert _site_files(site) == _site_files(tmp_path / "fresh-site")


def _site_files(folder: Path) -> dict[str, str]:
    """Every file of a site by sha256, but its manifest (the same rows, not the same bytes)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }
