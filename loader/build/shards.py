"""The per-note work of a build — read, prove, map, validate, serialise — in shards.

Notes are independent except for ids, so a build splits the notes to redo into shards and
gives each to a :class:`NoteWork`. A shard works in two steps with one exchange between
them: :meth:`NoteWork.read` reads and proves its notes and reports the ids they define;
the pipeline registers every shard's ids in file order (so duplicates are found exactly as
in one pass) and hands the registry back to :meth:`NoteWork.finish`, which maps, validates
and serialises the shard's notes. The notes themselves never leave their shard: only ids,
problems and finished bytes do.

One shard runs in this process (incremental builds, small projects). A cold build of many
notes runs one shard per core in forked children (:class:`ForkedShard`): the children
inherit the ontology, reference data and fixed graphs without copying them, and the
results are the same as one shard's — the tests build both ways and compare the bytes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import time
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import Any

import pyoxigraph as ox

from loader.build.export import GraphChunks, graph_chunks
from loader.graph.assemble import Assembled, count_instances
from loader.graph.mapping import Entity, MappedNote, NoteIds, Registry, map_note, note_ids
from loader.graph.parts import GraphPart
from loader.problems import InputError, Problem, Severity
from loader.project import Project, SourcesSetting
from loader.read.notes import Note, note_key, read_note
from loader.read.reference import ReferenceData
from loader.read.sources import ArchivedFile, NoteEvidence, ReadText, prove_note
from loader.read.vocabulary import Vocabulary
from loader.validate import ValidationFailed, validate
from loader.validate.results import RawResult

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


@dataclass(frozen=True)
class NoteOutput:
    """One finished note: its graph serialised, its counts and what its ids resolved to."""

    key: str
    chunks: GraphChunks
    counts: dict[str, int]
    references: dict[str, Entity]


@dataclass
class Finished:
    """What mapping, validating and serialising a shard's notes gave."""

    #: problems of mapping; when one is an error nothing else was done
    problems: list[Problem] = field(default_factory=list)
    outputs: dict[str, NoteOutput] = field(default_factory=dict)
    #: every validation result with its problem, so shards' reports merge in one order
    results: list[tuple[RawResult, Problem]] = field(default_factory=list)
    #: seconds spent mapping, validating and serialising
    timings: dict[str, float] = field(default_factory=dict)


class NoteWork:
    """One shard's notes, from file to serialised graph (see the module docstring)."""

    def __init__(self, inputs: Inputs) -> None:
        self.inputs = inputs
        self.notes: dict[str, Note] = {}
        self.evidence: dict[str, NoteEvidence] = {}
        self.ids: dict[str, NoteIds] = {}

    def read(self, files: Sequence[str]) -> ReadNotes:
        """Read and prove ``files``; keep the notes here, report their ids and problems."""
        found = ReadNotes()
        notes = self._read(files, found.problems)
        for file in notes:
            found.ids.append(self.ids[file])
            evidence = self.evidence[file]
            found.problems.extend(evidence.problems)
            found.archived[file] = evidence.archived
            found.warnings[file] = [p for p in evidence.problems if p.severity is Severity.WARNING]
        self.notes.update(notes)
        return found

    def finish(self, by_id: Mapping[str, Entity], *, failed: bool) -> Finished:
        """Map the shard's notes against the registry; unless anything ``failed`` (or
        mapping does), validate and serialise them."""
        inputs = self.inputs
        registry = _registry(by_id, self.ids.values())
        done = Finished()
        clock = time.perf_counter()
        mapped = {f: self._map(note, registry, done.problems) for f, note in self.notes.items()}
        self.notes.clear()
        done.timings["map notes"] = time.perf_counter() - clock
        if failed or any(p.severity is Severity.ERROR for p in done.problems):
            return done
        if inputs.project.shape_files() and mapped:
            clock = time.perf_counter()
            done.results = self._validate(mapped, registry)
            done.timings["validate"] = time.perf_counter() - clock
            if any(p.severity is Severity.ERROR for _, p in done.results):
                return done
        clock = time.perf_counter()
        for file, result in mapped.items():
            part = GraphPart(result.graph.value, "note", file, result.triples)
            done.outputs[file] = NoteOutput(
                key=result.note.key,
                chunks=graph_chunks(part),
                counts=count_instances(result.triples, inputs.vocabulary),
                references=result.references,
            )
            result.triples = []  # serialised: free them as we go
        done.timings["serialise notes"] = time.perf_counter() - clock
        return done

    def _read(self, files: Sequence[str], problems: list[Problem]) -> dict[str, Note]:
        inputs = self.inputs
        texts: dict[str, ReadText] = {}  # many notes quote one text: read it once
        notes: dict[str, Note] = {}
        for file in files:
            path = inputs.files[file]
            note, found = read_note(path, file=file, key=note_key(path, inputs.project.notes_dir))
            problems.extend(found)
            if note is None:
                continue
            notes[file] = note
            self.ids[file] = note_ids(note, inputs.vocabulary)
            self.evidence[file] = prove_note(note, inputs.sources, texts)
        return notes

    def _map(self, note: Note, registry: Registry, problems: list[Problem]) -> MappedNote:
        spans = self.evidence[note.file].spans
        result, found = map_note(note, self.inputs.vocabulary, registry, spans=spans)
        problems.extend(found)
        # The parsed statements are not needed once mapped (positions are kept in the
        # result); dropping them keeps a 10,000-note build well under 2 GB.
        result.note = dataclasses.replace(note, source=None, statements=())
        return result

    def _validate(
        self, mapped: dict[str, MappedNote], registry: Registry
    ) -> list[tuple[RawResult, Problem]]:
        """Validate the shard's notes with the graphs their rules reach (see validate.scope)."""
        inputs = self.inputs
        needed = sorted({e.file for m in mapped.values() for e in m.references.values() if e.file})
        parts = [_part_of(chunk) for chunk in inputs.fixed if chunk.kind != "queries"]
        parts += [_part_of(inputs.unchanged[f]) for f in needed if f in inputs.unchanged]
        borrowed = [f for f in needed if f not in mapped and f not in inputs.unchanged]
        context = self._borrow(borrowed, registry)
        parts += [GraphPart(m.graph.value, "note", f, m.triples) for f, m in context.items()]
        parts += [GraphPart(m.graph.value, "note", f, m.triples) for f, m in mapped.items()]
        assembled = Assembled(
            project=inputs.project,
            vocabulary=inputs.vocabulary,
            reference=inputs.reference,
            notes=[m.note for m in mapped.values()],
            registry=registry,
            mapped=list(mapped.values()),
            parts=parts,
        )
        report = validate(assembled, notes=[m.note.key for m in mapped.values()])
        return list(zip(report.results, report.problems, strict=True))

    def _borrow(self, files: list[str], registry: Registry) -> dict[str, MappedNote]:
        """Notes of other shards that this shard's notes refer to, mapped here as context
        (another shard reads, checks and outputs them; they were found sound there)."""
        if not files:
            return {}
        notes = self._read(files, [])
        for file in notes:
            registry.by_statement.update(_statements(self.ids.pop(file)))
        return {file: self._map(note, registry, []) for file, note in notes.items()}


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


def _registry(by_id: Mapping[str, Entity], ids: Any) -> Registry:
    registry = Registry(by_id=dict(by_id))
    for note in ids:
        registry.by_statement.update(_statements(note))
    return registry


def _statements(ids: NoteIds) -> dict[tuple[str, int], Entity]:
    return {(ids.key, index): entity for index, entity, _, _ in ids.subjects}


def _part_of(chunk: GraphChunks) -> GraphPart:
    quads = ox.parse(chunk.nquads, format=ox.RdfFormat.N_QUADS)
    return GraphPart(chunk.iri, chunk.kind, chunk.source, [q.triple for q in quads])


class Shards:
    """The shards of one build: one :class:`NoteWork` here, or one per forked child.

    Each call takes one argument per shard and returns one answer per shard, in order.
    """

    def __init__(self, inputs: Inputs, count: int) -> None:
        self._here = NoteWork(inputs) if count == 1 else None
        self._forked: list[ForkedShard] = []
        if self._here is None:
            try:
                for _ in range(count):
                    self._forked.append(ForkedShard(inputs))
            except BaseException:
                self.close()
                raise

    def __len__(self) -> int:
        return 1 if self._here is not None else len(self._forked)

    def read(self, files: Sequence[Sequence[str]]) -> list[ReadNotes]:
        """Read and prove ``files[i]`` in shard ``i``."""
        if self._here is not None:
            return [self._here.read(files[0])]
        for shard, part in zip(self._forked, files, strict=True):
            shard.read_async(part)
        return self._gather()

    def finish(self, by_id: Mapping[str, Entity], *, failed: bool) -> list[Finished]:
        """Map, validate and serialise every shard's notes (see :meth:`NoteWork.finish`)."""
        if self._here is not None:
            return [self._here.finish(by_id, failed=failed)]
        for shard in self._forked:
            shard.finish_async(by_id, failed=failed)
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

    def __enter__(self) -> Shards:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class ForkedShard:
    """A :class:`NoteWork` in a forked child process, called like the object itself.

    ``read`` and ``finish`` send their arguments to the child and wait for its answer; an
    input or validation problem found there is raised here as it would be in-process.
    """

    def __init__(self, inputs: Inputs) -> None:
        context = multiprocessing.get_context("fork")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child, NoteWork(inputs)), name="tradekg-build-shard"
        )
        self._process.start()
        child.close()

    def read_async(self, files: Sequence[str]) -> None:
        self._conn.send(("read", (list(files),), {}))

    def finish_async(self, by_id: Mapping[str, Entity], *, failed: bool) -> None:
        self._conn.send(("finish", (by_id,), {"failed": failed}))

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

    def __enter__(self) -> ForkedShard:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _serve(conn: Connection, work: NoteWork) -> None:
    """The child's loop: run each requested step, send back its result or its failure."""
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
