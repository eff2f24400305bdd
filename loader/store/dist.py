"""Read the built dataset in ``dist/`` as per-graph streams of N-Triples request bodies.

``tradekg build`` writes ``dist/manifest.json`` (the graphs and their triple counts) and
``dist/tradekg.nq`` (every quad, lines sorted). The loader needs each named graph on its
own, as N-Triples, in bounded pieces; it must not hold a million-triple dataset in memory.

So the file is read twice, line by line, with a regular expression rather than a full RDF
parser (the build already parsed and validated it; this is a 1 M lines/s job):

1. :func:`index_dataset` records, per graph, the byte ranges ("runs") of its lines, its
   triple count and its N-Triples size, and checks them against the manifest. Sorted
   N-Quads usually keep a graph contiguous (one run), but nothing here depends on it.
2. :func:`iter_chunks` re-reads one graph's runs and yields N-Triples bodies of at most
   ``chunk_triples`` triples.

Blank nodes: a Graph Store Protocol request is one document, and a blank node label means
the same node only *within* one document. A graph split over several requests would turn
``_:b1`` in chunk 1 and ``_:b1`` in chunk 3 into two different nodes (and a repeated POST
would duplicate them: measured on Virtuoso, 2 + 2 triples became 3). So in a graph that is
sent in chunks, every triple that mentions a blank node goes into one final chunk, which
may therefore be larger than ``chunk_triples``. The project's large graphs (reference data,
notes) name everything with IRIs, so that chunk is small in practice. For SPARQL Update
batches, :func:`iter_triples` gives each graph's triples with its blank node labels
prefixed, so that graphs sharing one ``INSERT DATA`` keep their nodes apart.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from loader.problems import InputError, Problem

MANIFEST_NAME = "manifest.json"
NQUADS_NAME = "tradekg.nq"
BUILD_HINT = "run `tradekg build` first"
_BLOCK = 4 * 1024 * 1024
_MAX_PROBLEMS = 20

_IRI = rb"<[^<>\"{}|^`\\\x00-\x20]*>"
_BNODE = rb"_:[^\s<>\"]*[^\s<>\".]"
_LITERAL = rb'"[^"\\\n]*(?:\\.[^"\\\n]*)*"(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^' + _IRI + rb")?"
_SUBJECT = _IRI + rb"|" + _BNODE
_OBJECT = _IRI + rb"|" + _BNODE + rb"|" + _LITERAL
#: groups: 1 subject, 2 predicate, 3 object, 4 graph (None: the default graph)
_QUAD = re.compile(
    rb"[ \t]*(%b)[ \t]*(%b)[ \t]*(%b)[ \t]*(?:(%b)[ \t]*)?\.[ \t]*(?:#[^\n]*)?\r?"
    % (_SUBJECT, _IRI, _OBJECT, _SUBJECT)
)
_BLANK_LINE = re.compile(rb"[ \t]*(?:#[^\n]*)?\r?")
#: an absolute IRI starts with a scheme (RFC 3987); N-Quads allows no other
_ABSOLUTE = re.compile(rb"<[A-Za-z][A-Za-z0-9+.\-]*:")


def _relative_iri(subject: bytes, predicate: bytes, obj: bytes) -> bool:
    """True if a term is a relative IRI: an N-Triples parser refuses it, but in a SPARQL
    update it would be resolved against the update endpoint's URL and stored, silently."""
    if subject[:1] == b"<" and _ABSOLUTE.match(subject) is None:
        return True
    if _ABSOLUTE.match(predicate) is None:
        return True
    if obj[:1] == b"<":
        return _ABSOLUTE.match(obj) is None
    datatype = obj.rfind(b'"^^<')
    return datatype >= 0 and _ABSOLUTE.match(obj, datatype + 3) is None


@dataclass(frozen=True, slots=True)
class ManifestGraph:
    """One named graph as the manifest lists it."""

    iri: str
    kind: str
    source: str
    triples: int


@dataclass(frozen=True, slots=True)
class DistDataset:
    """The files of a built dataset and the graphs its manifest lists, in manifest order."""

    dist_dir: Path
    manifest_path: Path
    nquads_path: Path
    graphs: tuple[ManifestGraph, ...]

    @property
    def total_triples(self) -> int:
        return sum(graph.triples for graph in self.graphs)


@dataclass(slots=True)
class GraphSlice:
    """Where one graph's lines are in ``tradekg.nq``, and what sending it costs."""

    iri: str
    triples: int = 0
    body_bytes: int = 0
    blank_triples: int = 0
    runs: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DatasetIndex:
    """The dataset and, for every manifest graph, its :class:`GraphSlice`."""

    dataset: DistDataset
    slices: dict[str, GraphSlice]

    def slice(self, iri: str) -> GraphSlice:
        return self.slices[iri]


@dataclass(frozen=True, slots=True)
class Chunk:
    """One request body: N-Triples ``body`` holding ``triples`` triples."""

    body: bytes
    triples: int


def _problem(code: str, message: str, file: Path, line: int | None = None) -> Problem:
    return Problem(code=code, message=message, file=str(file), line=line, hint=BUILD_HINT)


def read_dist(dist_dir: Path) -> DistDataset:
    """The dataset described by ``dist_dir/manifest.json``.

    Raises:
        InputError: ``dist/``, the manifest or ``tradekg.nq`` is missing, or the manifest
            is not JSON of the documented shape.
    """
    manifest_path = dist_dir / MANIFEST_NAME
    nquads_path = dist_dir / NQUADS_NAME
    missing = [p for p in (manifest_path, nquads_path) if not p.is_file()]
    if missing:
        raise InputError(
            [
                _problem("no-build", f"{p} does not exist: there is no built dataset to load", p)
                for p in missing
            ]
        )
    try:
        data = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(
            [_problem("bad-manifest", f"cannot read the manifest: {error}", manifest_path)]
        ) from error
    entries = data.get("graphs") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InputError(
            [_problem("bad-manifest", 'the manifest has no "graphs" list', manifest_path)]
        )
    graphs: list[ManifestGraph] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries):
        iri = entry.get("iri") if isinstance(entry, dict) else None
        triples = entry.get("triples") if isinstance(entry, dict) else None
        if (
            not isinstance(entry, dict)
            or not isinstance(iri, str)
            or not iri
            or not isinstance(triples, int)
            or isinstance(triples, bool)
            or triples < 0
        ):
            problems.append(
                _problem(
                    "bad-manifest",
                    f'graphs[{position}] needs a string "iri" and a count "triples" ≥ 0',
                    manifest_path,
                )
            )
            continue
        if iri in seen:
            problems.append(
                _problem("bad-manifest", f"graph <{iri}> is listed twice", manifest_path)
            )
            continue
        seen.add(iri)
        graphs.append(
            ManifestGraph(
                iri=iri,
                kind=str(entry.get("kind", "")),
                source=str(entry.get("source", "")),
                triples=triples,
            )
        )
    if problems:
        raise InputError(problems)
    return DistDataset(
        dist_dir=dist_dir,
        manifest_path=manifest_path,
        nquads_path=nquads_path,
        graphs=tuple(graphs),
    )


def _graph_iri(term: bytes) -> str:
    text = term.decode("utf-8")
    return text[1:-1] if text.startswith("<") else text


def _lines(handle: BinaryIO, start: int, end: int) -> Iterator[bytes]:
    """The lines (without the newline) in bytes ``start``–``end`` of ``handle``."""
    handle.seek(start)
    remaining = end - start
    tail = b""
    while remaining > 0:
        block = handle.read(min(_BLOCK, remaining))
        if not block:
            raise OSError("tradekg.nq changed while it was being loaded")
        remaining -= len(block)
        pieces = (tail + block).split(b"\n")
        tail = pieces.pop()
        yield from pieces
    if tail:
        yield tail


def index_dataset(dataset: DistDataset) -> DatasetIndex:
    """One pass over ``tradekg.nq``: each graph's byte runs, counts and sizes.

    Raises:
        InputError: a line is not N-Quads, a triple is in the default graph or in a graph
            the manifest does not list, or a graph's count differs from the manifest's.
    """
    slices = {graph.iri: GraphSlice(iri=graph.iri) for graph in dataset.graphs}
    problems: list[Problem] = []
    unknown: dict[str, int] = {}
    path = dataset.nquads_path
    current: GraphSlice | None = None
    run_start = 0
    offset = 0
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            line_start = offset
            offset += len(line)
            match = _QUAD.fullmatch(line.rstrip(b"\n"))
            if match is None:
                is_statement = _BLANK_LINE.fullmatch(line.rstrip(b"\n")) is None
                if is_statement and len(problems) < _MAX_PROBLEMS:
                    problems.append(
                        _problem("bad-nquads", "not an N-Quads statement", path, number)
                    )
                continue
            graph_term = match.group(4)
            if graph_term is None:
                if len(problems) < _MAX_PROBLEMS:
                    problems.append(
                        _problem(
                            "default-graph-triple",
                            "a triple in the default graph: every triple belongs in a named graph",
                            path,
                            number,
                        )
                    )
                continue
            if (
                _relative_iri(match.group(1), match.group(2), match.group(3))
                and len(problems) < _MAX_PROBLEMS
            ):
                problems.append(
                    _problem(
                        "relative-iri",
                        "a relative IRI: N-Quads needs absolute IRIs (scheme:…)",
                        path,
                        number,
                    )
                )
            iri = _graph_iri(graph_term)
            target = slices.get(iri)
            if target is None:
                unknown[iri] = unknown.get(iri, 0) + 1
                continue
            if target is not current:
                if current is not None:
                    current.runs.append((run_start, line_start))
                current, run_start = target, line_start
            target.triples += 1
            target.body_bytes += len(line[: match.start(4)].rstrip()) + 3
            if match.group(1).startswith(b"_:") or match.group(3).startswith(b"_:"):
                target.blank_triples += 1
    if current is not None:
        current.runs.append((run_start, offset))
    for iri, count in sorted(unknown.items()):
        problems.append(
            _problem(
                "graph-not-in-manifest",
                f"{count} triples in graph <{iri}>, which the manifest does not list",
                path,
            )
        )
    for graph in dataset.graphs:
        found = slices[graph.iri].triples
        if found != graph.triples:
            problems.append(
                _problem(
                    "count-mismatch",
                    f"the manifest says <{graph.iri}> has {graph.triples} triples, "
                    f"{NQUADS_NAME} has {found}",
                    dataset.manifest_path,
                )
            )
    if problems:
        raise InputError(problems)
    return DatasetIndex(dataset=dataset, slices=slices)


def iter_triples(
    index: DatasetIndex, iri: str, *, blank_prefix: bytes | None = None
) -> Iterator[tuple[bytes, bool]]:
    """Graph ``iri``'s triples as N-Triples lines (``b"s p o .\\n"``), each with a flag
    saying whether it mentions a blank node.

    ``blank_prefix`` renames every blank node ``_:x`` to ``_:<prefix>x``: inside one SPARQL
    ``INSERT DATA`` a label means one node across all the graphs in it, so graphs batched
    into one request get disjoint labels (the prefix must start with a letter and hold only
    letters, digits and ``_``, so the new label is still a valid N-Triples/SPARQL label).

    Raises:
        OSError: ``tradekg.nq`` cannot be read or changed since it was indexed.
        KeyError: ``iri`` is not a graph of the index.
    """
    graph = index.slice(iri)
    with index.dataset.nquads_path.open("rb") as handle:
        for start, end in graph.runs:
            for line in _lines(handle, start, end):
                match = _QUAD.fullmatch(line)
                if match is None or match.group(4) is None:
                    continue
                subject, obj = match.group(1), match.group(3)
                blank = subject.startswith(b"_:") or obj.startswith(b"_:")
                if blank and blank_prefix is not None:
                    if subject.startswith(b"_:"):
                        subject = b"_:" + blank_prefix + subject[2:]
                    if obj.startswith(b"_:"):
                        obj = b"_:" + blank_prefix + obj[2:]
                    yield b"%s %s %s .\n" % (subject, match.group(2), obj), True
                    continue
                yield line[: match.start(4)].rstrip() + b" .\n", blank


def iter_chunks(index: DatasetIndex, iri: str, *, chunk_triples: int) -> Iterator[Chunk]:
    """N-Triples bodies for graph ``iri``, each of at most ``chunk_triples`` triples.

    A graph that fits in one chunk is one body. In a bigger graph, triples that mention a
    blank node are held back and sent together as the last body (see the module docstring).
    An empty graph yields one empty body, so that a PUT still empties it on the server.

    Raises:
        OSError: ``tradekg.nq`` cannot be read or changed since it was indexed.
        KeyError: ``iri`` is not a graph of the index.
    """
    if chunk_triples < 1:
        raise ValueError("chunk_triples must be at least 1")
    graph = index.slice(iri)
    split = graph.triples > chunk_triples
    lines: list[bytes] = []
    blank: list[bytes] = []
    sent_any = False
    for triple, has_blank in iter_triples(index, iri):
        if split and has_blank:
            blank.append(triple)
            continue
        lines.append(triple)
        if len(lines) >= chunk_triples:
            yield Chunk(body=b"".join(lines), triples=len(lines))
            sent_any = True
            lines = []
    if lines or (not sent_any and not blank):
        yield Chunk(body=b"".join(lines), triples=len(lines))
    if blank:
        yield Chunk(body=b"".join(blank), triples=len(blank))
