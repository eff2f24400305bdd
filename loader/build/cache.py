"""The build cache: what an incremental build keeps of each note between runs.

It lives in ``.tradekg-cache/build.sqlite``, one row per note (its record, pickled) beside
the build's shared state (fingerprint, dist stamp, the fixed graphs and where every graph's
chunks stand in the dist files). A rebuild after editing one note rewrites that note's row
and the shared state, not the records of the 10,000 others: where a graph's bytes stand
shifts with every edit before it, so the spans are kept apart from the records. The cache
is valid only for the same loader version and code, ontology, reference data, shapes and
queries (the *fingerprint*); any change there, a torn file or a cache of another layout
simply costs one full build.

Beside it, ``.tradekg-cache/last-build.pickle`` is a small record (:class:`LastBuild`) of
the size and modification time of every input file and of ``dist/``'s files when the last
build finished, with what that build reported. A rebuild in which none of these changed is
a stat check against it (:func:`unchanged_since_last_build`): it reads no note, unpickles
no note record and writes nothing. That is why every file the fingerprint hashes is listed
by :func:`fingerprint_inputs`: an input the stat check does not see would let a rebuild
report a stale ``dist/`` as current.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import sqlite3
import tempfile
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loader import __version__, code_digest
from loader.build.export import DIRTY_MARKER, STORE, GraphChunks, Spans
from loader.files import remove_leftovers
from loader.graph.entity import Entity
from loader.graph.identity import Identity
from loader.problems import InputError, Problem
from loader.project import Project
from loader.read.reference import ReferenceData
from loader.read.sources import ArchivedFile
from loader.read.vocabulary import Vocabulary

CACHE_FILE = "build.sqlite"
#: the single-file cache of earlier versions, removed when the new one is written
_OLD_CACHE_FILE = "build.pickle"
LAST_BUILD_FILE = "last-build.pickle"
CACHE_FORMAT = 8
_LAYOUT = f"{__version__}/{CACHE_FORMAT}"
_LAST_BUILD_VERSION = f"{__version__}/{CACHE_FORMAT}/last-build-2"


#: (size, mtime_ns) of a file
Stat = tuple[int, int]


@dataclass
class NoteRecord:
    """What the cache keeps of one note between builds."""

    file: str
    key: str
    digest: str
    #: (size, mtime_ns) of the file when it was hashed: unchanged stat → unchanged digest
    stat: tuple[int, int]
    defines: dict[str, Entity]
    references: dict[str, Entity]
    chunks: GraphChunks
    counts: dict[str, int]
    warnings: list[Problem]
    #: the archived source text the note's quotes were proved against (None: names none)
    archived: ArchivedFile | None = None
    #: the ``sameAs`` links the note states (merged again in every build)
    identities: tuple[Identity, ...] = ()


@dataclass
class BuildCache:
    fingerprint: str
    #: the dist files this cache's chunk spans point into (see export.dist_stamp)
    stamp: tuple[tuple[str, int, int], ...] | None = None
    fixed: list[GraphChunks] = field(default_factory=list)
    fixed_counts: dict[str, int] = field(default_factory=dict)
    notes: dict[str, NoteRecord] = field(default_factory=dict)


@dataclass
class LastBuild:
    """What the last successful build saw and reported: enough to answer a rebuild in which
    nothing changed without reading anything else."""

    version: str
    #: every input file (notes included) → its stat when the build read it
    inputs: dict[str, Stat]
    #: dist/'s files → their stat when the build had written them
    dist: dict[str, Stat]
    #: the graphs as (iri, kind, source, triples, sha256, spans): tuples unpickle ~10× faster
    graphs: list[tuple[str, str, str | None, int, str, Any]]
    counts: dict[str, int]
    warnings: list[Problem]

    def graph_chunks(self) -> list[GraphChunks]:
        """The graphs as the build returned them (without their bytes, which are in dist/)."""
        return [
            GraphChunks(i, k, s, t, h, b"", b"", b"", spans) for i, k, s, t, h, spans in self.graphs
        ]


@dataclass
class Warm:
    """What a long-running build process (``build --watch``) keeps between its builds.

    A build given it reads the cache, vocabulary and reference data from here when their
    fingerprint is the one it holds (and the cache's spans still match dist/), instead of
    unpickling and parsing them again; and it leaves saving the new cache to
    :meth:`save`, which the watch calls once it has printed the outcome. Until then the
    cache on disk is the older one, whose stamp no longer matches dist/: a build by another
    process in between simply redoes everything, so nothing stale is ever reused.
    """

    #: the fingerprint of the inputs parsed last, and what they parsed to
    parsed: tuple[str, Vocabulary, ReferenceData] | None = None
    #: the cache of the last build (its own fingerprint says which inputs it is for)
    cache: BuildCache | None = None
    #: when :attr:`cache` is not on disk yet: the stats its fingerprint took and what it was
    #: made from (see :func:`save_cache`)
    unsaved: tuple[dict[str, Stat], Since | None] | None = None

    @property
    def vocabulary(self) -> Vocabulary | None:
        """The vocabulary parsed last, if any."""
        return self.parsed[1] if self.parsed is not None else None

    def inputs(self, fingerprint: str) -> tuple[Vocabulary, ReferenceData] | None:
        """The parsed vocabulary and reference data, if of inputs with this fingerprint."""
        if self.parsed is None or self.parsed[0] != fingerprint:
            return None
        return self.parsed[1], self.parsed[2]

    def keep(self, fingerprint: str, vocabulary: Vocabulary, reference: ReferenceData) -> None:
        """Keep what the inputs with this fingerprint parsed to."""
        self.parsed = (fingerprint, vocabulary, reference)

    def cache_for(self, fingerprint: str) -> BuildCache | None:
        """The cache of the last build, if it is for inputs with this fingerprint."""
        if self.cache is None or self.cache.fingerprint != fingerprint:
            return None
        return self.cache

    def built(
        self,
        project: Project,
        cache: BuildCache,
        hashed: dict[str, Stat],
        since: Since | None,
    ) -> None:
        """Hold the cache of the build that just finished, to be saved by :meth:`save`."""
        self.cache, self.unsaved = cache, (hashed, since)
        # dist/ changed: the last no-change record cannot describe it any more
        (project.cache_dir / LAST_BUILD_FILE).unlink(missing_ok=True)

    def save(self, project: Project) -> None:
        """Write the held cache (and the no-change record) to disk, if not done yet."""
        if self.unsaved is not None and self.cache is not None:
            hashed, since = self.unsaved
            self.unsaved = None
            save_cache(project, self.cache, hashed, since=since)


def fingerprint_inputs(project: Project) -> list[Path]:
    """Every file besides the notes that a build's output depends on."""
    return [
        *project.ontology_files(),
        *sorted(p for p in project.reference_dir.glob("*") if p.is_file()),
        *project.shape_files(),
        *project.query_files(),
    ]


def fingerprint(project: Project) -> tuple[str, dict[str, Stat]]:
    """A hash of everything besides the notes that a build's output depends on, and the stat
    of each file hashed, taken before it was read (so that a file edited while the build
    runs shows another stat when :func:`save_cache` records the build)."""
    digest = hashlib.sha256(f"{__version__}/{CACHE_FORMAT}/{code_digest()}".encode())
    stats: dict[str, Stat] = {}
    for path in fingerprint_inputs(project):
        stats[str(path)] = _stat(path)
        digest.update(project.rel(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest(), stats


#: the stamp of the cache a build started from, and the notes it redid
Since = tuple[tuple[tuple[str, int, int], ...] | None, Collection[str]]


def load_cache(project: Project, expected: str) -> BuildCache | None:
    """The cache of the last successful build, if it is for the same fingerprint."""
    path = project.cache_dir / CACHE_FILE
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            meta = dict(db.execute("SELECT key, value FROM meta"))
            if meta.get("layout") != _LAYOUT or meta.get("fingerprint") != expected:
                return None
            stamp, fixed, fixed_counts, spans = pickle.loads(meta["state"])
            notes: dict[str, NoteRecord] = {}
            for file, blob in db.execute("SELECT file, record FROM notes"):
                record = pickle.loads(blob)
                record.chunks = dataclasses.replace(record.chunks, spans=spans[file])
                notes[file] = record
        finally:
            db.close()
    except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            KeyError, TypeError, ValueError):  # fmt: skip
        return None  # torn, of another layout or not ours: a full build
    return BuildCache(expected, stamp, fixed, fixed_counts, notes)


def save_cache(
    project: Project,
    cache: BuildCache,
    hashed: dict[str, Stat],
    *,
    since: Since | None = None,
) -> None:
    """Write the cache in one transaction (a torn cache would only cost a full build), then
    the :class:`LastBuild` record for the next no-change rebuild.

    ``hashed``: the stats :func:`fingerprint` took of the files it hashed for ``cache``.
    ``since``: the stamp of the cache the build started from and the notes whose records
    it made anew. When the cache on disk is that one, only these rows are written (the
    others are the same records); otherwise, or without ``since``, every row is.
    """
    (project.cache_dir / LAST_BUILD_FILE).unlink(missing_ok=True)
    _write_cache(project.cache_dir, cache, since)
    (project.cache_dir / _OLD_CACHE_FILE).unlink(missing_ok=True)
    last = _last_build(project, cache, hashed)
    if last is not None:
        _dump(project.cache_dir, LAST_BUILD_FILE, last)


def _write_cache(folder: Path, cache: BuildCache, since: Since | None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / CACHE_FILE
    try:
        _write_rows(path, cache, since)
    except sqlite3.DatabaseError:  # a damaged file of an earlier run: start it anew
        path.unlink(missing_ok=True)
        _write_rows(path, cache, None)


def _write_rows(path: Path, cache: BuildCache, since: Since | None) -> None:
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA synchronous = NORMAL")
        with db:  # one transaction: the old cache or the new, never a mix
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value)")
            db.execute("CREATE TABLE IF NOT EXISTS notes (file TEXT PRIMARY KEY, record BLOB)")
            meta = dict(db.execute("SELECT key, value FROM meta WHERE key != 'state'"))
            same = since is not None and meta == {
                "layout": _LAYOUT,
                "fingerprint": cache.fingerprint,
                "stamp": repr(since[0]),
            }
            held = {file for (file,) in db.execute("SELECT file FROM notes")} if same else set()
            if not same:
                db.execute("DELETE FROM notes")
            fresh = set(since[1]) if since is not None and same else set(cache.notes)
            gone = held - cache.notes.keys()
            db.executemany("DELETE FROM notes WHERE file = ?", [(f,) for f in sorted(gone)])
            db.executemany(
                "INSERT OR REPLACE INTO notes VALUES (?, ?)",
                [
                    (file, _record_blob(record))
                    for file, record in cache.notes.items()
                    if file in fresh or file not in held
                ],
            )
            spans: dict[str, Spans | None] = {f: r.chunks.spans for f, r in cache.notes.items()}
            state = (cache.stamp, cache.fixed, cache.fixed_counts, spans)
            db.executemany(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                [
                    ("layout", _LAYOUT),
                    ("fingerprint", cache.fingerprint),
                    ("stamp", repr(cache.stamp)),
                    ("state", pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)),
                ],
            )
    finally:
        db.close()


def _record_blob(record: NoteRecord) -> bytes:
    """A note's row: its record without the spans, which move when other notes change."""
    bare = dataclasses.replace(record, chunks=dataclasses.replace(record.chunks, spans=None))
    return pickle.dumps(bare, protocol=pickle.HIGHEST_PROTOCOL)


def _dump(folder: Path, name: str, value: object) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    remove_leftovers(folder, r"\.build-(?P<pid>[0-9]+)-[A-Za-z0-9_]+")  # of a killed build
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".build-{os.getpid()}-")
    with os.fdopen(handle, "wb") as stream:
        pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, folder / name)


def _stat(path: Path | os.DirEntry[str]) -> Stat:
    status = path.stat()
    return (status.st_size, status.st_mtime_ns)


def _input_stats(project: Project) -> dict[str, Stat] | None:
    """Stat of the non-note inputs and of every file under the notes folder (keyed by path);
    None: one vanished while we looked.

    The notes folder is walked with ``os.walk`` (≈ 10× faster than ``Path.rglob`` on 10,000
    files), following symbolic links and keeping every file: a superset of the note files a
    build reads, so a change the build would see is never missed.

    The archive of source texts counts too (the quotes are proved against it): the folder the
    setting names, under a key that changes when the setting points elsewhere, and its files.
    """
    try:
        sources = project.sources().path
    except InputError:
        return None  # a broken setting: the ordinary path reports it
    try:
        stats = {str(p): _stat(p) for p in fingerprint_inputs(project)}
        stats[f"sources setting: {sources}"] = (0, 0)
        for root in (project.notes_dir, sources):
            for folder, _dirs, names in os.walk(root, followlinks=True):
                for name in names:
                    path = os.path.join(folder, name)
                    status = os.stat(path)
                    stats[path] = (status.st_size, status.st_mtime_ns)
    except OSError:
        return None
    return stats


def _dist_stats(dist_dir: Path) -> dict[str, Stat] | None:
    """The stat of dist/'s top-level files, and whether the store is there and intact."""
    try:
        # folders others write into (docs/, site/) change their own stat: only files count
        found = {e.name: _stat(e) for e in os.scandir(dist_dir) if e.is_file()}
    except OSError:
        return None
    if not (dist_dir / STORE).is_dir() or (dist_dir / DIRTY_MARKER).exists():
        return None
    return found


def _last_build(project: Project, cache: BuildCache, hashed: dict[str, Stat]) -> LastBuild | None:
    """The record of the build that just wrote ``cache`` and dist/, or None if an input
    changed while it ran (the next build then takes the ordinary path).

    Every input is recorded with the stat taken *before* it was read: notes with theirs in
    the cache, the other inputs with ``hashed`` (taken by :func:`fingerprint`). Either way, a
    file edited during the build makes its stat differ next time, so nothing is hashed again.
    """
    notes = {str(project.root / f): r.stat for f, r in cache.notes.items()}
    current = _input_stats(project)
    if (
        current is None
        or {str(p) for p in fingerprint_inputs(project)} != hashed.keys()
        or any(current.get(key) != stat for key, stat in {**hashed, **notes}.items())
    ):
        return None
    if any(key not in notes and key.endswith((".yaml", ".yml")) for key in current):
        return None  # a note that appeared while the build ran
    dist = _dist_stats(project.dist_dir)
    if dist is None:
        return None
    counts = dict(cache.fixed_counts)
    for record in cache.notes.values():
        for label, n in record.counts.items():
            counts[label] = counts.get(label, 0) + n
    graphs = sorted([*cache.fixed, *(r.chunks for r in cache.notes.values())], key=lambda c: c.iri)
    return LastBuild(
        version=f"{_LAST_BUILD_VERSION}/{code_digest()}",
        inputs=current,
        dist=dist,
        graphs=[(c.iri, c.kind, c.source, c.triples, c.sha256, c.spans) for c in graphs],
        counts=counts,
        warnings=[w for r in cache.notes.values() for w in r.warnings],
    )


def unchanged_since_last_build(project: Project) -> LastBuild | None:
    """The last build's record if no input file and no file of dist/ changed since.

    A stat check (size and modification time) of every input and of dist/: no file is
    read but the small record itself.
    """
    try:
        with (project.cache_dir / LAST_BUILD_FILE).open("rb") as stream:
            last = pickle.load(stream)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    if not isinstance(last, LastBuild) or last.version != f"{_LAST_BUILD_VERSION}/{code_digest()}":
        return None
    if _dist_stats(project.dist_dir) != last.dist or _input_stats(project) != last.inputs:
        return None
    return last
