"""Write the dataset to ``dist/``: canonical files, a manifest and the embedded store.

Each graph is serialised on its own into *chunks* (sorted N-Quads lines, a TriG block, a
Turtle block); the files are the chunks concatenated in graph-IRI order. Identical input
thus gives byte-identical files, a diff of two builds shows only real changes, and an
incremental build re-serialises only the graphs that changed. Files are written into a
staging folder and moved into ``dist/`` only when all are complete; the embedded store is
either rebuilt in the staging folder or, when only some graphs changed, updated in place
under a ``store.dirty`` marker that makes the next build rebuild it if this one dies.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import mmap
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import pyoxigraph as ox

from loader.build.void import VOID_GRAPH, void_quads, void_quads_of, void_turtle
from loader.files import Closing, remove_leftovers, replace_dir, replace_files
from loader.graph.parts import GraphPart
from loader.namespaces import DCTERMS, RDF, SERIALIZATION_PREFIXES
from loader.query.name_index import NAME_PROPERTIES

_RDF_TYPE = RDF + "type"
_LICENSE = DCTERMS + "license"
_NAMING = frozenset(NAME_PROPERTIES)

NQUADS = "tradekg.nq"
TRIG = "tradekg.trig"
TURTLE = "tradekg.ttl"
MANIFEST = "manifest.json"
IDS = "ids.json"
VOID = "void.ttl"
STORE = "store"
DIRTY_MARKER = "store.dirty"
#: What a build writes; anything else found in dist/ (docs/, …) is left untouched.
BUILD_OUTPUTS = (NQUADS, TRIG, TURTLE, IDS, MANIFEST, VOID, STORE)
_FILES = (NQUADS, TRIG, TURTLE)
#: The staging folder of a build (``.staging-PID-random``) that a killed build left behind.
STAGING_LEFTOVER = r"\.staging-(?P<pid>[0-9]+)-[A-Za-z0-9_]+"


#: (offset, length) of a graph's chunk in the .nq, .trig and .ttl files
Spans = tuple[tuple[int, int], tuple[int, int], tuple[int, int]]


@dataclass(frozen=True, slots=True)
class GraphChunks:
    """One graph serialised, ready to be concatenated into the dist files."""

    iri: str
    kind: str
    source: str | None
    triples: int
    sha256: str
    nquads: bytes
    trig: bytes
    turtle: bytes
    #: where the chunks stand in the dist files: (offset, length) in .nq, .trig and .ttl
    spans: Spans | None = None
    #: what the dataset description (VoID) says of the graph: class → distinct instances,
    #: property → triples, and the licences (dcterms:license values) the graph states
    classes: tuple[tuple[str, int], ...] = ()
    properties: tuple[tuple[str, int], ...] = ()
    licences: tuple[str, ...] = ()
    #: subjects whose triples are the note's additions to things defined elsewhere, which
    #: validation leaves out (see GraphPart.added)
    added: tuple[str, ...] = ()
    #: (IRI, name) of every name the graph gives an IRI (see name_index.NAME_PROPERTIES),
    #: sorted: the name index is made from these, not by reading the whole store back
    names: tuple[tuple[str, str], ...] = ()

    #: set when the bytes are not held but in files: the folder whose .nq, .trig and .ttl
    #: hold them at ``spans`` (a shard's spilled notes, or the previous build's dist/)
    folder: str | None = None

    def stripped(self, *, spans: Spans | None = None) -> GraphChunks:
        """The chunk without its bytes, for the build cache: they stay in the dist files (at
        ``spans`` when given)."""
        return dataclasses.replace(
            self, nquads=b"", trig=b"", turtle=b"", folder=None, spans=spans or self.spans
        )

    def located(self, folder: Path, *, spans: Spans | None = None) -> GraphChunks:
        """The chunk without its bytes, read from ``folder``'s files at its spans (or at
        ``spans``) when needed."""
        return dataclasses.replace(
            self, nquads=b"", trig=b"", turtle=b"", folder=str(folder), spans=spans or self.spans
        )

    def nquads_bytes(self) -> bytes:
        """The N-Quads lines, from memory or from the files the chunk is located in."""
        return self._bytes(0)

    def _bytes(self, index: int) -> bytes:
        if self.folder is None:
            return (self.nquads, self.trig, self.turtle)[index]
        assert self.spans is not None
        start, length = self.spans[index]
        with open(Path(self.folder) / _FILES[index], "rb") as stream:
            return os.pread(stream.fileno(), length, start)

    def record(self) -> dict[str, object]:
        """The graph's entry in ``manifest.json``."""
        entry: dict[str, object] = {"iri": self.iri, "kind": self.kind}
        if self.source is not None:
            entry["source"] = self.source
        entry["triples"] = self.triples
        entry["sha256"] = self.sha256
        return entry


@cache
def _prefix_header() -> bytes:
    """The ``@prefix`` block pyoxigraph writes for our prefixes (written once per file)."""
    probe = ox.Triple(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.NamedNode("urn:x:o"))
    text = ox.serialize([probe], format=ox.RdfFormat.TURTLE, prefixes=SERIALIZATION_PREFIXES)
    assert text is not None
    return b"".join(line for line in text.splitlines(keepends=True) if line.startswith(b"@prefix"))


def _without_header(text: bytes | None) -> bytes:
    """``text`` without the ``@prefix`` block (each file has it once, at its top)."""
    header = _prefix_header()
    assert text is not None
    return text[len(header) :] if text.startswith(header) else text


def canonical_blank_nodes(triples: list[ox.Triple]) -> list[ox.Triple]:
    """Relabel blank nodes (the ontology's class expressions) with RDFC-1.0.

    A parser gives blank nodes new random labels on every run; without this, two builds of
    the same ontology would differ.
    """
    if not any(
        isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples
    ):
        return triples
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return [quad.triple for quad in dataset]


def graph_chunks(part: GraphPart) -> GraphChunks:
    """Serialise one graph canonically: sorted, deduplicated N-Quads lines, TriG and Turtle."""
    return serialise_graph(part)[0]


def serialise_graph(part: GraphPart) -> tuple[GraphChunks, bytes]:
    """The graph's chunks (see :func:`graph_chunks`), and its triples as N-Triples (unsorted,
    for loading into a validation store: without the additions, see GraphPart.added).

    pyoxigraph writes the N-Triples, one line per triple in the order given; sorting the
    lines gives the order of the triples too, so Turtle and TriG are written from the
    same sorted triples without parsing the lines back. A TriG block is the Turtle block
    indented inside its graph (pyoxigraph escapes line breaks in literals, so every line of
    Turtle is one line of TriG); :func:`trig_block` and the tests hold it to pyoxigraph's
    own TriG.
    """
    triples = canonical_blank_nodes(part.triples)
    ntriples = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert ntriples is not None  # serialize() returns bytes when no output is given
    plain = ntriples.splitlines()
    first: dict[bytes, int] = {}
    for i, line in enumerate(plain):
        first.setdefault(line, i)
    order = sorted(first.values(), key=plain.__getitem__)
    suffix = f"<{part.iri}> .\n".encode()
    nquads = b"".join([plain[i][:-1] + suffix for i in order])
    ordered = [triples[i] for i in order]
    turtle = _without_header(
        ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=SERIALIZATION_PREFIXES)
    )
    classes, properties, licences, names = _statistics(ordered)
    chunks = GraphChunks(
        iri=part.iri,
        kind=part.kind,
        source=part.source,
        triples=len(order),
        sha256=hashlib.sha256(nquads).hexdigest(),
        nquads=nquads,
        trig=trig_block(part.iri, turtle),
        turtle=turtle,
        classes=classes,
        properties=properties,
        licences=licences,
        added=tuple(sorted(part.added)),
        names=names,
    )
    if part.added:
        ntriples = _without_subjects(ntriples, part.added)
    return chunks, ntriples


def trig_block(iri: str, turtle: bytes) -> bytes:
    """The TriG block of graph ``iri`` whose triples are the Turtle block ``turtle``."""
    if not turtle:
        return b""
    body = b"".join([b"\t" + line for line in turtle.splitlines(keepends=True)])
    return _graph_opening(iri) + body + b"}\n"


def _graph_opening(iri: str) -> bytes:
    """``<iri> {`` as pyoxigraph's TriG writer opens the graph (with our prefixes)."""
    probe = ox.Quad(
        ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.NamedNode("urn:x:o"), ox.NamedNode(iri)
    )
    text = ox.serialize([probe], format=ox.RdfFormat.TRIG, prefixes=SERIALIZATION_PREFIXES)
    assert text is not None
    return next(line for line in _without_header(text).splitlines(keepends=True))


def validation_ntriples(chunk: GraphChunks) -> bytes:
    """The chunk's graph as N-Triples for a validation store: its N-Quads lines without the
    graph name, and without the triples of its additions (see GraphPart.added)."""
    ntriples = chunk.nquads_bytes().replace(f" <{chunk.iri}> .\n".encode(), b" .\n")
    return _without_subjects(ntriples, chunk.added) if chunk.added else ntriples


def _without_subjects(ntriples: bytes, subjects: frozenset[str] | tuple[str, ...]) -> bytes:
    """N-Triples lines whose subject IRI is not one of ``subjects``."""
    left_out = {f"<{iri}> ".encode() for iri in subjects}
    return b"".join(
        line
        for line in ntriples.splitlines(keepends=True)
        if line[: line.find(b"> ") + 2] not in left_out
    )


def _statistics(
    triples: list[ox.Triple],
) -> tuple[
    tuple[tuple[str, int], ...],
    tuple[tuple[str, int], ...],
    tuple[str, ...],
    tuple[tuple[str, str], ...],
]:
    """Instances per class, triples per property, licences and names of one graph, sorted."""
    members: dict[str, set[str]] = {}
    properties: dict[str, int] = {}
    licences: set[str] = set()
    names: set[tuple[str, str]] = set()
    for triple in triples:
        predicate = triple.predicate.value
        properties[predicate] = properties.get(predicate, 0) + 1
        if predicate == _RDF_TYPE and isinstance(triple.object, ox.NamedNode):
            members.setdefault(triple.object.value, set()).add(str(triple.subject))
        elif predicate == _LICENSE and isinstance(triple.object, ox.NamedNode):
            licences.add(triple.object.value)
        elif (
            predicate in _NAMING
            and isinstance(triple.subject, ox.NamedNode)
            and isinstance(triple.object, ox.Literal)
        ):
            names.add((triple.subject.value, triple.object.value))
    return (
        tuple(sorted((c, len(s)) for c, s in members.items())),
        tuple(sorted(properties.items())),
        tuple(sorted(licences)),
        tuple(sorted(names)),
    )


def read_manifest(dist_dir: Path) -> dict[str, str] | None:
    """Graph IRI → sha256 of the build in ``dist_dir``, or None when there is none."""
    try:
        data = json.loads((dist_dir / MANIFEST).read_text(encoding="utf-8"))
        return {g["iri"]: g["sha256"] for g in data["graphs"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_dist(
    chunks: list[GraphChunks],
    dist_dir: Path,
    *,
    version: str,
    counts: Mapping[str, int],
    ids: Mapping[str, str],
    store_has: Mapping[str, str] | None = None,
    previous: tuple[Sequence[GraphChunks], Mapping[str, int]] | None = None,
) -> list[GraphChunks]:
    """Write every output of a build into ``dist_dir``.

    ``ids`` (note id → IRI) is written to ``ids.json`` so that commands can accept the ids
    notes use (``VNM``, ``hs:2805``) where an IRI is expected. ``store_has`` (graph IRI →
    sha256) says what the existing store holds; when given, and
    the store is intact, only changed graphs are replaced in it. Otherwise a new store is
    built. ``previous`` (the last build's graphs in file order, without their bytes, and the
    sizes of its dump files) lets the store's description graph be updated by what changed in it
    without reading it back from the store. Returns the graphs in file order, without their
    bytes (``spans`` says where they are in the files). ``chunks`` is emptied once the files are
    written, so that the caller's serialisations can be freed before the store is built
    (RocksDB's bulk load is the build's memory peak).

    Raises:
        OSError: the folder cannot be written (the previous files then stay as they were).
    """
    ordered = sorted(chunks, key=lambda c: c.iri)
    chunks.clear()
    dist_dir.mkdir(parents=True, exist_ok=True)
    remove_leftovers(dist_dir, STAGING_LEFTOVER)
    if (dist_dir / STORE).exists():
        remove_leftovers(dist_dir, rf"\.retired-(?P<pid>[0-9]+)-{STORE}")
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{os.getpid()}-", dir=dist_dir))
    try:
        written = _write_files(ordered, staging, version, counts)
        sizes = {name: (staging / name).stat().st_size for name in (NQUADS, TRIG, TURTLE)}
        described = void_turtle(written, version=version, sizes=sizes)
        (staging / VOID).write_bytes(described)
        last_described = _read_bytes(dist_dir / VOID)
        (staging / IDS).write_text(
            json.dumps(dict(sorted(ids.items())), indent=0, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        store = dist_dir / STORE
        if store_has is not None and store.is_dir() and not (dist_dir / DIRTY_MARKER).exists():
            description = None
            if described != last_described:
                held = None
                if previous is not None:  # what the store's description graph holds now
                    graphs, old_sizes = previous
                    held = void_quads_of(graphs, version, old_sizes)
                description = (void_quads_of(written, version, sizes), held)
            _update_store(store, ordered, store_has, dist_dir / DIRTY_MARKER, description)
        else:
            ordered.clear()
            _release_freed_memory()
            _new_store(staging / STORE, staging / NQUADS, described)
            replace_dir(staging / STORE, store)
            (dist_dir / DIRTY_MARKER).unlink(missing_ok=True)
        names = (NQUADS, TRIG, TURTLE, IDS, MANIFEST, VOID)
        replace_files([(staging / name, dist_dir / name) for name in names])
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


def _release_freed_memory() -> None:
    """Hand freed heap pages back to the OS (glibc keeps them otherwise) before the bulk load."""
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    name = ctypes.util.find_library("c")
    if name is None:
        return
    try:
        ctypes.CDLL(name).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        return


def _write_files(
    ordered: list[GraphChunks], folder: Path, version: str, counts: Mapping[str, int]
) -> list[GraphChunks]:
    """Write the three RDF files and the manifest; return the chunks with their spans."""
    header = _prefix_header()
    spans: list[list[tuple[int, int]]] = [[] for _ in ordered]
    for index, (name, prefix) in enumerate(((NQUADS, b""), (TRIG, header), (TURTLE, header))):
        with (folder / name).open("wb") as out, _Sources(index) as sources:
            out.write(prefix)
            offset = len(prefix)
            for i, chunk in enumerate(ordered):
                length = sources.copy(chunk, out)
                spans[i].append((offset, length))
                offset += length
    manifest = {
        "version": version,
        "graphs": [chunk.record() for chunk in ordered],
        "quads": sum(chunk.triples for chunk in ordered),
        "counts": dict(counts),
    }
    (folder / MANIFEST).write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return [
        chunk.stripped(spans=(span[0], span[1], span[2]))
        for chunk, span in zip(ordered, spans, strict=True)
    ]


class _Sources(Closing):
    """Copies chunks into one of the dist files: held bytes are written, located ones are
    copied file to file by the kernel (``os.copy_file_range``), never through Python."""

    def __init__(self, index: int) -> None:
        self._index = index
        self._open: dict[str, BinaryIO] = {}

    def copy(self, chunk: GraphChunks, out: BinaryIO) -> int:
        """Append the chunk's bytes of this file to ``out``; return how many."""
        if chunk.folder is None:
            data = (chunk.nquads, chunk.trig, chunk.turtle)[self._index]
            out.write(data)
            return len(data)
        assert chunk.spans is not None
        source = self._open.get(chunk.folder)
        if source is None:
            source = open(Path(chunk.folder) / _FILES[self._index], "rb")  # noqa: SIM115
            self._open[chunk.folder] = source
        start, length = chunk.spans[self._index]
        out.flush()
        done = 0
        while done < length:
            copied = _copy_range(source.fileno(), out.fileno(), length - done, start + done)
            if copied == 0:
                raise OSError(f"{source.name} ends before the graph {chunk.iri} it should hold")
            done += copied
        out.seek(0, os.SEEK_END)
        return length

    def close(self) -> None:
        for stream in self._open.values():
            stream.close()
        self._open.clear()


def _copy_range(source: int, target: int, count: int, offset: int) -> int:
    """Copy ``count`` bytes at ``offset`` of ``source`` to the end of ``target``."""
    if hasattr(os, "copy_file_range"):
        return os.copy_file_range(source, target, count, offset)
    data = os.pread(source, count, offset)  # not Linux: through memory
    return os.write(target, data)


def dist_stamp(dist_dir: Path) -> tuple[tuple[str, int, int], ...] | None:
    """Size and modification time of the RDF files, to know they are the ones a cache saw."""
    try:
        stats = [(name, (dist_dir / name).stat()) for name in (NQUADS, TRIG, TURTLE)]
    except OSError:
        return None
    return tuple((name, status.st_size, status.st_mtime_ns) for name, status in stats)


class ChunkWriter(Closing):
    """Appends chunks to an N-Quads, a TriG and a Turtle file in a folder (no prefix header).

    A build shard spills its serialised notes this way instead of sending the bytes to the
    pipeline through a pipe: it returns the chunks *located* in the folder, and
    :func:`write_dist` copies their bytes from there into the dist files.
    """

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._folder = folder
        self._files = [(folder / name).open("wb") for name in _FILES]

    def write(self, chunk: GraphChunks) -> GraphChunks:
        """Append ``chunk``; return it without its bytes, with where they are."""
        spans = []
        for stream, data in zip(self._files, (chunk.nquads, chunk.trig, chunk.turtle), strict=True):
            spans.append((stream.tell(), len(data)))
            stream.write(data)
        return chunk.located(self._folder, spans=(spans[0], spans[1], spans[2]))

    def close(self) -> None:
        for stream in self._files:
            stream.close()


class DistChunks:
    """Reads the chunks of unchanged graphs back from the previous build's files.

    Used as a context manager: the files are memory-mapped, so a rebuild copies the
    unchanged graphs' bytes instead of keeping them in the cache or re-serialising them.
    """

    def __init__(self, dist_dir: Path) -> None:
        self._dist_dir = dist_dir
        self._maps: list[mmap.mmap] = []

    def __enter__(self) -> DistChunks:
        for name in (NQUADS, TRIG, TURTLE):
            with (self._dist_dir / name).open("rb") as stream:
                empty = os.fstat(stream.fileno()).st_size == 0  # mmap refuses empty files
                self._maps.append(
                    mmap.mmap(-1, 1)
                    if empty
                    else mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
                )
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for view in self._maps:
            view.close()
        self._maps.clear()

    def load(self, chunk: GraphChunks) -> GraphChunks:
        """``chunk`` with its bytes read from the files at its spans."""
        if chunk.spans is None:
            raise ValueError(f"no spans recorded for {chunk.iri}")
        data = [
            view[start : start + length]
            for view, (start, length) in zip(self._maps, chunk.spans, strict=True)
        ]
        return dataclasses.replace(chunk, nquads=data[0], trig=data[1], turtle=data[2])


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _new_store(path: Path, nquads: Path, described: bytes) -> None:
    store = ox.Store(str(path))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    store.extend(void_quads(described))
    store.flush()
    del store  # closes RocksDB before the folder is moved


def _update_store(
    path: Path,
    ordered: list[GraphChunks],
    store_has: Mapping[str, str],
    dirty: Path,
    description: tuple[set[ox.Quad], set[ox.Quad] | None] | None,
) -> None:
    """Replace only the graphs whose content changed; the marker guards against a crash.

    ``description``, when ``void.ttl`` changed: the quads of the store's new description
    graph, and those the last build put there (None: read them from the store).
    """
    wanted = {c.iri: c for c in ordered}
    stale = [iri for iri in store_has if iri not in wanted]
    changed = [c for c in ordered if store_has.get(c.iri) != c.sha256]
    if not stale and not changed and description is None:
        return
    dirty.touch()
    store = ox.Store(str(path))
    if description is not None:
        # The description changes by a few counts per build: replacing its ~100,000
        # triples whole took seconds, and so did reading them back from the store. It has
        # no blank nodes, so the sets compare exactly.
        wanted_void, held = description
        if held is None:
            held = set(store.quads_for_pattern(None, None, None, VOID_GRAPH))
        for quad in held - wanted_void:
            store.remove(quad)
        store.extend(wanted_void - held)
    for iri in stale:
        store.remove_graph(ox.NamedNode(iri))
    for chunk in changed:
        graph = ox.NamedNode(chunk.iri)
        if chunk.iri in store_has:
            store.remove_graph(graph)
        store.extend(ox.parse(chunk.nquads_bytes(), format=ox.RdfFormat.N_QUADS))
    store.flush()
    del store
    dirty.unlink()
