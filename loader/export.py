"""Write the dataset to ``dist/``: canonical files, a manifest and the embedded store.

The canonical form is the N-Quads file: graphs in IRI order, each graph's lines sorted and
deduplicated, so identical input gives byte-identical output and a diff of two builds shows
only real changes. TriG, Turtle and the store are derived from it. Everything is written
into a temporary folder that replaces ``dist/`` only when complete: a failed build never
leaves half-written output.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from loader.namespaces import SERIALIZATION_PREFIXES

NQUADS = "tradekg.nq"
TRIG = "tradekg.trig"
TURTLE = "tradekg.ttl"
MANIFEST = "manifest.json"
STORE = "store"
#: What a build writes; anything else found in dist/ (docs/, …) is carried over untouched.
BUILD_OUTPUTS = (NQUADS, TRIG, TURTLE, MANIFEST, STORE)


@dataclass(frozen=True, slots=True)
class GraphPart:
    """One named graph of the dataset and where it came from."""

    iri: str
    kind: str  # ontology | reference | note | queries
    source: str | None
    triples: list[ox.Triple]


@dataclass(frozen=True, slots=True)
class GraphRecord:
    """What the manifest says of one graph after canonicalisation."""

    iri: str
    kind: str
    source: str | None
    triples: int
    sha256: str


def canonical_lines(part: GraphPart) -> list[bytes]:
    """The graph's N-Quads lines, sorted and without duplicates."""
    ntriples = ox.serialize(part.triples, format=ox.RdfFormat.N_TRIPLES)
    assert ntriples is not None  # serialize() returns bytes when no output is given
    suffix = f" <{part.iri}> .".encode()
    lines = {line[:-2] + suffix for line in ntriples.splitlines() if line}
    return sorted(lines)


def write_dist(
    parts: Iterable[GraphPart], dist_dir: Path, *, version: str, counts: dict[str, int]
) -> list[GraphRecord]:
    """Write every output of a build into ``dist_dir``, replacing the previous build whole.

    Raises:
        OSError: the folder cannot be written (nothing is replaced then).
    """
    dist_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".dist-", dir=dist_dir.parent))
    try:
        records = _write_all(sorted(parts, key=lambda p: p.iri), staging, version, counts)
        _swap_in(staging, dist_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return records


def _write_all(
    parts: list[GraphPart], folder: Path, version: str, counts: dict[str, int]
) -> list[GraphRecord]:
    records: list[GraphRecord] = []
    nquads_path = folder / NQUADS
    union: set[bytes] = set()
    with nquads_path.open("wb") as out:
        for part in parts:
            lines = canonical_lines(part)
            digest = hashlib.sha256()
            for line in lines:
                out.write(line + b"\n")
                digest.update(line + b"\n")
                union.add(_triple_of(line, part.iri))
            records.append(
                GraphRecord(part.iri, part.kind, part.source, len(lines), digest.hexdigest())
            )

    quads = list(ox.parse(path=str(nquads_path), format=ox.RdfFormat.N_QUADS))
    ox.serialize(
        quads, str(folder / TRIG), format=ox.RdfFormat.TRIG, prefixes=SERIALIZATION_PREFIXES
    )
    union_triples = ox.parse(b"\n".join(sorted(union)), format=ox.RdfFormat.N_TRIPLES)
    ox.serialize(
        union_triples,
        str(folder / TURTLE),
        format=ox.RdfFormat.TURTLE,
        prefixes=SERIALIZATION_PREFIXES,
    )

    store = ox.Store(str(folder / STORE))
    store.bulk_load(path=str(nquads_path), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store

    manifest = {
        "version": version,
        "graphs": [{k: v for k, v in asdict(r).items() if v is not None} for r in records],
        "quads": sum(r.triples for r in records),
        "counts": counts,
    }
    (folder / MANIFEST).write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False) + "\n",
        encoding="utf-8",
    )
    return records


def _triple_of(line: bytes, graph_iri: str) -> bytes:
    suffix = f" <{graph_iri}> .".encode()
    return line[: -len(suffix)] + b" ."


def _swap_in(staging: Path, dist_dir: Path) -> None:
    """Replace ``dist_dir`` by ``staging``, keeping what earlier non-build commands wrote."""
    if dist_dir.exists():
        retired = Path(tempfile.mkdtemp(prefix=".dist-old-", dir=dist_dir.parent))
        os.replace(dist_dir, retired / "dist")
        os.replace(staging, dist_dir)
        for entry in (retired / "dist").iterdir():
            if entry.name not in BUILD_OUTPUTS and not (dist_dir / entry.name).exists():
                os.replace(entry, dist_dir / entry.name)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.replace(staging, dist_dir)
