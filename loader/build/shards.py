"""The per-note work of a build — read, prove, map, validate, serialise — in shards.

Notes are independent except for ids, so a build splits the notes to redo into shards and
gives each to a :class:`NoteWork`, which takes four steps, the pipeline exchanging a little
between them:

1. :meth:`NoteWork.read` reads and proves its notes and reports the ids they define; the
   pipeline registers every shard's ids in file order, so duplicates are found exactly as
   in one pass;
2. :meth:`NoteWork.map` maps its notes against that registry, serialises them (spilling the
   bytes to files, see :class:`loader.build.export.ChunkWriter`), loads their N-Triples
   into its validation store, and names the notes of other shards they refer to;
3. :meth:`NoteWork.graphs` gives other shards the N-Triples of those notes;
4. :meth:`NoteWork.finish` validates its notes in a store that holds them, the ontology,
   the reference data and every note they refer to.

The notes themselves never leave their shard: only ids, problems, the referred-to graphs
and the places of the spilled bytes do. One shard runs in this process (incremental
builds, small projects). A cold build of many notes runs one shard per core in forked
children (:class:`ForkedShard`), which inherit the ontology, reference data and fixed
graphs without copying them; the results are the same as one shard's — the tests build
both ways and compare the bytes and the problems.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import multiprocessing
import os
import time
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from loader.build.export import (
    ChunkWriter,
    GraphChunks,
    serialise_graph,
    validation_ntriples,
)
from loader.files import Closing
from loader.graph.assemble import Assembled, count_instances
from loader.graph.entity import Entity
from loader.graph.mapping import MappedNote, NoteIds, Registry, map_note, note_ids
from loader.problems import InputError, Problem, Severity
from loader.project import Project, SourcesSetting
from loader.read.notes import Note, note_key, read_note
from loader.read.reference import ReferenceData
from loader.read.sources import ArchivedFile, NoteEvidence, ReadText, prove_note
from loader.read.vocabulary import Vocabulary
from loader.validate import ValidationFailed
from loader.validate.results import RawResult
from loader.validate.validator import validate_store

#: Environment setting: how many processes a build may use for its notes (1: this one only).
WORKERS_SETTING = "TRADEKG_BUILD_WORKERS"
#: Below this many notes per shard a child process costs more than it saves.
MIN_NOTES_PER_SHARD = 250


def shard_count(notes: int) -> int:
    """How many shards to split ``notes`` notes into: the setting, else one per core in use."""
    setting = os.environ.get(WORKERS_SETTING, "").strip()
    if setting:
        try:
            return max(1, min(int(setting), max(notes, 1)))
        except ValueError:
            raise InputError(
                [
                    Problem(
                        code="bad-setting",
                        message=f"{WORKERS_SETTING}={setting!r} is not a number of processes",
                        hint=f"set {WORKERS_SETTING} to a whole number such as 1 or 2",
                    )
                ]
            ) from None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, notes // MIN_NOTES_PER_SHARD))


def split(files: Sequence[str], count: int) -> list[list[str]]:
    """``files`` in ``count`` contiguous runs of nearly equal length (file order is kept)."""
    size, extra = divmod(len(files), count)
    runs: list[list[str]] = []
    start = 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        runs.append(list(files[start:end]))
        start = end
    return runs


@dataclass(frozen=True)
class Inputs:
    """What every shard needs and nobody changes: given once, inherited by forked shards."""

    project: Project
    vocabulary: Vocabulary
    reference: ReferenceData
    sources: SourcesSetting
    files: Mapping[str, Path]
    #: the ontology and reference graphs (the context of every validation)
    fixed: Sequence[GraphChunks]
    #: unchanged notes' graphs, by file: the context of notes that refer to them
    unchanged: Mapping[str, GraphChunks]


@dataclass
class ReadNotes:
    """What reading and proving a shard's notes found, for the pipeline to register."""

    ids: list[NoteIds] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    archived: dict[str, ArchivedFile | None] = field(default_factory=dict)
    #: warnings of proving, by file (kept with the note's record)
    warnings: dict[str, list[Problem]] = field(default_factory=dict)

    def extend(self, more: ReadNotes) -> None:
        """Add what reading more notes of the same shard found."""
        self.ids.extend(more.ids)
        self.problems.extend(more.problems)
        self.archived.update(more.archived)
        self.warnings.update(more.warnings)


@dataclass(frozen=True)
class NoteOutput:
    """One finished note: its graph serialised, its counts and what its ids resolved to."""

    key: str
    chunks: GraphChunks
    counts: dict[str, int]
    references: dict[str, Entity]


@dataclass
class Mapped:
    """What mapping a shard's notes gave: its problems, and the graphs it needs to see."""

    problems: list[Problem] = field(default_factory=list)
    #: notes of other shards that this shard's notes refer to (validation reads them)
    needs: list[str] = field(default_factory=list)
    #: seconds spent mapping and serialising
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class Finished:
    """What validating a shard's notes gave and, when they conform, their outputs."""

    #: the notes' outputs, their chunks located in the shard's folder (see export.ChunkWriter)
    outputs: dict[str, NoteOutput] = field(default_factory=dict)
    #: every validation result with its problem, so shards' reports merge in one order
    results: list[tuple[RawResult, Problem]] = field(default_factory=list)
    #: seconds spent validating
    timings: dict[str, float] = field(default_factory=dict)


class NoteWork:
    """One shard's notes, from file to serialised graph (see the module docstring)."""

    def __init__(self, inputs: Inputs, folder: Path) -> None:
        self.inputs = inputs
        #: where the shard's serialised notes are spilled (copied into dist/ by write_dist)
        self.folder = folder
        #: the validation store: the shard's notes, then the graphs they refer to (made in
        #: the shard's own process, by :meth:`map`)
        self.store: ox.Store | None = None
        self.notes: dict[str, Note] = {}
        self.evidence: dict[str, NoteEvidence] = {}
        self.ids: dict[str, NoteIds] = {}
        self.mapped: list[MappedNote] = []
        self.registry = Registry()
        self.outputs: dict[str, NoteOutput] = {}
        #: the subjects of the shard's triples: the focus nodes whose results it reports
        self.focus: set[str] = set()

    def read(self, files: Sequence[str]) -> ReadNotes:
        """Read and prove ``files``; keep the notes here, report their ids and problems."""
        found = ReadNotes()
        inputs = self.inputs
        texts: dict[str, ReadText] = {}  # many notes quote one text: read it once
        for file in files:
            path = inputs.files[file]
            note, problems = read_note(
                path, file=file, key=note_key(path, inputs.project.notes_dir)
            )
            found.problems.extend(problems)
            if note is None:
                continue
            self.notes[file] = note
            self.ids[file] = ids = note_ids(note, inputs.vocabulary)
            self.evidence[file] = evidence = prove_note(note, inputs.sources, texts)
            found.ids.append(ids)
            found.problems.extend(evidence.problems)
            found.archived[file] = evidence.archived
            found.warnings[file] = [p for p in evidence.problems if p.severity is Severity.WARNING]
        return found

    def map(
        self, by_id: Mapping[str, Entity], merged: Mapping[str, Entity], *, failed: bool
    ) -> Mapped:
        """Map the shard's notes against the registry (``merged``: the ids ``sameAs`` merged
        into others) and, unless anything ``failed`` (or mapping does), serialise them;
        report the other shards' notes they refer to."""
        vocabulary = self.inputs.vocabulary
        self.registry = registry = Registry(by_id=dict(by_id), merged=dict(merged))
        for ids in self.ids.values():
            registry.by_statement.update({(ids.key, i): e for i, e, _, _ in ids.subjects})
        done = Mapped()
        clock = time.perf_counter()
        mapped = []
        for file, note in self.notes.items():
            result, problems = map_note(note, vocabulary, registry, spans=self.evidence[file].spans)
            done.problems.extend(problems)
            # The parsed statements are not needed once mapped (positions are kept in the
            # result); dropping them keeps a 10,000-note build well under 2 GB.
            result.note = dataclasses.replace(note, source=None, statements=())
            mapped.append(result)
        self.notes.clear()
        done.timings["map notes"] = time.perf_counter() - clock
        if failed or any(p.severity is Severity.ERROR for p in done.problems) or not mapped:
            return done
        clock = time.perf_counter()
        needs: set[str] = set()
        self.store = store = ox.Store()
        with ChunkWriter(self.folder) as spill:
            for result in mapped:
                file = result.note.file
                part = result.part()
                chunks, ntriples = serialise_graph(part)
                self.outputs[file] = NoteOutput(
                    key=result.note.key,
                    chunks=spill.write(chunks),
                    counts=count_instances(result.triples, vocabulary),
                    references=result.references,
                )
                store.load(ntriples, format=ox.RdfFormat.N_TRIPLES)
                # the subjects whose results it reports: its own, not those it adds to
                self.focus.update(t.subject.value for t in part.validated())  # type: ignore[union-attr]
                needs.update(e.file for e in result.references.values() if e.file)
                result.triples = []  # serialised: free them as we go
        self.mapped = mapped
        done.needs = sorted(needs.difference(self.outputs, self.inputs.unchanged))
        done.timings["serialise notes"] = time.perf_counter() - clock
        return done

    def graphs(self, files: Sequence[str]) -> dict[str, bytes]:
        """The N-Triples of the shard's notes ``files`` (another shard's context)."""
        return {file: validation_ntriples(self.outputs[file].chunks) for file in files}

    def finish(self, context: Mapping[str, bytes]) -> Finished:
        """Validate the shard's notes in a store holding them, the ontology, the reference
        data and every note they refer to (``context``: other shards' notes by file)."""
        inputs = self.inputs
        done = Finished()
        store = self.store
        if inputs.project.shape_files() and self.outputs and store is not None:
            clock = time.perf_counter()
            graphs = [c for c in inputs.fixed if c.kind != "queries"]
            references = (e for o in self.outputs.values() for e in o.references.values())
            needed = {e.file for e in references if e.file is not None}
            graphs += [inputs.unchanged[f] for f in sorted(needed) if f in inputs.unchanged]
            for chunks in graphs:
                store.load(validation_ntriples(chunks), format=ox.RdfFormat.N_TRIPLES)
            for ntriples in context.values():
                store.load(ntriples, format=ox.RdfFormat.N_TRIPLES)
            assembled = Assembled(
                project=inputs.project,
                vocabulary=inputs.vocabulary,
                reference=inputs.reference,
                notes=[m.note for m in self.mapped],
                registry=self.registry,
                mapped=self.mapped,
                parts=[],
            )
            report = validate_store(assembled, store, self.focus)
            done.results = list(zip(report.results, report.problems, strict=True))
            done.timings["validate"] = time.perf_counter() - clock
            if not report.conforms:
                return done
        done.outputs = self.outputs
        return done


def merge_results(finished: Sequence[Finished]) -> list[Problem]:
    """The shards' validation problems in the order one validation of all of them gives.

    Raises:
        ValidationFailed: a note violates the shapes.
    """
    results = sorted((pair for done in finished for pair in done.results), key=lambda p: p[0])
    problems = [problem for _, problem in results]
    if any(p.severity is Severity.ERROR for p in problems):
        raise ValidationFailed(problems)
    return problems


class Shards(Closing):
    """The shards of one build: one :class:`NoteWork` here, or one per forked child.

    Each spills its serialised notes into its own subfolder of ``folder``, which must
    outlive the shards until the dist files are written.

    Each call takes one argument per shard and returns one answer per shard, in order.
    """

    def __init__(self, inputs: Inputs, count: int, folder: Path) -> None:
        works = [NoteWork(inputs, folder / f"shard-{i}") for i in range(count)]
        self._here = works[0] if count == 1 else None
        self._forked: list[ForkedShard] = []
        if self._here is None:
            try:
                for work in works:
                    self._forked.append(ForkedShard(work))
            except BaseException:
                self.close()
                raise

    def __len__(self) -> int:
        return 1 if self._here is not None else len(self._forked)

    def read(self, files: Sequence[Sequence[str]]) -> list[ReadNotes]:
        """Read and prove ``files[i]`` in shard ``i`` (see :meth:`NoteWork.read`)."""
        return self._each("read", [(part,) for part in files])

    def map(
        self, by_id: Mapping[str, Entity], merged: Mapping[str, Entity], *, failed: bool
    ) -> list[Mapped]:
        """Map and serialise every shard's notes (see :meth:`NoteWork.map`)."""
        return self._each("map", [(by_id, merged)] * len(self), failed=failed)

    def graphs(self, files: Sequence[Sequence[str]]) -> list[dict[str, bytes]]:
        """The N-Triples of notes ``files[i]`` of shard ``i``."""
        return self._each("graphs", [(part,) for part in files])

    def finish(self, contexts: Sequence[Mapping[str, bytes]]) -> list[Finished]:
        """Validate every shard's notes, with ``contexts[i]`` for shard ``i``."""
        return self._each("finish", [(context,) for context in contexts])

    def _each(self, method: str, args: Sequence[tuple[Any, ...]], **options: Any) -> list[Any]:
        if self._here is not None:
            return [getattr(self._here, method)(*args[0], **options)]
        for shard, arguments in zip(self._forked, args, strict=True):
            shard.send(method, arguments, options)
        return self._gather()

    def _gather(self) -> list[Any]:
        """Every shard's answer; when one failed, the first failure, once all have answered
        (a child is never left blocked on an answer nobody reads)."""
        answers: list[Any] = []
        failure: Exception | None = None
        for shard in self._forked:
            try:
                answers.append(shard.result())
            except Exception as error:  # re-raised below
                failure = failure or error
        if failure is not None:
            raise failure
        return answers

    def close(self) -> None:
        for shard in self._forked:
            shard.close()
        self._forked.clear()
        self._here = None


class ForkedShard(Closing):
    """A :class:`NoteWork` in a forked child process.

    :meth:`send` passes a call to the child, :meth:`result` waits for its answer; an input
    or validation problem found there is raised here as it would be in this process.
    """

    def __init__(self, work: NoteWork) -> None:
        context = multiprocessing.get_context("fork")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child, work), name="tradekg-build-shard"
        )
        self._process.start()
        child.close()

    def send(self, method: str, args: tuple[Any, ...], options: dict[str, Any]) -> None:
        """Ask the child to run ``NoteWork.<method>``; :meth:`result` waits for its answer."""
        self._conn.send((method, args, options))

    def result(self) -> Any:
        try:
            kind, value = self._conn.recv()
        except EOFError:
            code = self._process.exitcode
            raise RuntimeError(f"a build process stopped unexpectedly (exit code {code})") from None
        if kind == "input-error":
            raise InputError(value)
        if kind == "failed":
            raise ValidationFailed(value)
        if kind == "crash":
            raise RuntimeError(f"a build process failed:\n{value}")
        return value

    def close(self) -> None:
        with contextlib.suppress(OSError):  # the child may be gone already
            self._conn.send(None)
        self._conn.close()
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()


def _serve(conn: Connection, work: NoteWork) -> None:
    """The child's loop: run each requested step, send back its result or its failure.

    The cyclic garbage collector is off in a shard: it builds millions of long-lived
    objects that form no cycles worth collecting and exits when the build ends, and the
    collector's full passes over them cost 10 % of a 10,000-note build (45.0 s → 40.4 s)
    and grew faster than the notes.
    """
    gc.disable()
    try:
        while True:
            message = conn.recv()
            if message is None:
                return
            method, args, options = message
            try:
                conn.send(("ok", getattr(work, method)(*args, **options)))
            except InputError as error:
                conn.send(("input-error", error.problems))
            except ValidationFailed as error:
                conn.send(("failed", error.problems))
            except Exception:  # anything else is a bug: shown with its trace
                conn.send(("crash", traceback.format_exc()))
    except (EOFError, KeyboardInterrupt):
        return
    finally:
        conn.close()
