"""The name index a build writes beside ``dist/ids.json``: every name of every thing, folded.

``dist/names.sqlite`` holds (folded name, IRI, name as written) for every id notes use and
every label, alternative label, notation, title and ISO code in the graph, with a B-tree on
the folded name, so :mod:`loader.query.names` answers "Vietnam" or "usa" with one look-up
in a file it opens in a millisecond, however large the graph. Folding drops case, accents,
punctuation and a leading "the", as people do when they type a name.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import sqlite3
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from loader.namespaces import DCTERMS, RDFS, SCHEMA, SKOS, TKG

#: Properties whose values name their subject (searched by every resolver and by ``find``).
NAME_PROPERTIES: tuple[str, ...] = (
    RDFS + "label",
    SKOS + "prefLabel",
    SKOS + "altLabel",
    SKOS + "notation",
    DCTERMS + "title",
    DCTERMS + "identifier",
    SCHEMA + "name",
    TKG + "iso3166Alpha2",
    TKG + "iso3166Alpha3",
    TKG + "iso3166Numeric",
)
#: The index file, beside ``ids.json`` in ``dist/``.
INDEX = "names.sqlite"
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """``text`` as it is compared: no accents, case or punctuation, one space between words,
    without a leading "the" ("Côte d'Ivoire" → "cote d ivoire")."""
    if text.isascii():  # most names: nothing to decompose, and casefold is lower
        words = _NOT_WORD.sub(" ", text.lower()).split()
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c))
        words = _NOT_WORD.sub(" ", plain.casefold()).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def write_index(
    store: ox.Store, dist_dir: Path, *, graphs: Sequence[NamedGraph] | None = None
) -> None:
    """Write ``dist/names.sqlite`` for the build in ``dist_dir`` (whose store is ``store``),
    replacing the previous index only once the new one is complete.

    ``graphs``: the names each graph gives, as the build collected them while serialising
    (then only the store's other graphs, its description, are read from the store); None:
    every graph is read from the store. Either way the rows are the same, in the same order.

    Raises:
        OSError, sqlite3.Error: the folder cannot be written.
    """
    path = dist_dir / INDEX
    rows = build_index(store, read_ids(dist_dir), graphs=graphs, folded=_folded_before(path))
    tmp = path.with_name(f".{INDEX}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        fill_index(sqlite3.connect(tmp), rows, build_stamp(dist_dir)).close()
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def fill_index(
    db: sqlite3.Connection, rows: list[tuple[str, str, str]], stamp: str
) -> sqlite3.Connection:
    """Fill an empty database with ``rows`` and the build ``stamp`` they belong to."""
    db.executescript(
        "CREATE TABLE meta (build TEXT, folding TEXT);"
        " CREATE TABLE names (key TEXT, iri TEXT, name TEXT);"
    )
    db.execute("INSERT INTO meta VALUES (?, ?)", (stamp, _folding()))
    db.executemany("INSERT INTO names VALUES (?, ?, ?)", rows)
    db.execute("CREATE INDEX by_key ON names (key)")
    db.commit()
    return db


class NamedGraph(Protocol):
    """What the index needs of a graph the build wrote (a build.export.GraphChunks)."""

    @property
    def iri(self) -> str: ...
    @property
    def names(self) -> tuple[tuple[str, str], ...]: ...


def build_index(
    store: ox.Store,
    ids: Mapping[str, str],
    *,
    graphs: Sequence[NamedGraph] | None = None,
    folded: Mapping[str, str] | None = None,
) -> list[tuple[str, str, str]]:
    """(folded name, IRI, name as written) for every id (``hs:2846`` also as ``2846``), then
    every value of :data:`NAME_PROPERTIES` on an IRI graph by graph (in IRI order, each
    graph's (IRI, name) pairs sorted), each (folded name, IRI) pair once.

    ``graphs`` gives the names of those graphs without reading them from the store (see
    :func:`write_index`). ``folded`` (name → folded name, from the previous index) spares
    folding again the names that did not change: folding was most of the index's time.
    """
    seen: set[tuple[str, str]] = set()
    rows: list[tuple[str, str, str]] = []
    known = folded or {}

    def add(name: str, iri: str) -> None:
        key = known.get(name)
        if key is None:
            key = fold(name)
        if key and (key, iri) not in seen:
            seen.add((key, iri))
            rows.append((key, iri, name))

    for key, iri in ids.items():
        add(key, iri)
        if key.startswith("hs:"):
            add(key[3:], iri)
    given = {graph.iri: graph.names for graph in graphs or ()}
    everywhere = sorted({g.value for g in store.named_graphs()} | given.keys())
    for graph in everywhere:
        names = given.get(graph)
        for iri, name in _named(store, graph) if names is None else names:
            add(name, iri)
    return rows


def _named(store: ox.Store, graph: str) -> list[tuple[str, str]]:
    """(IRI, name) for every literal value of a name property in ``graph``, sorted."""
    named = ox.NamedNode(graph)
    found = {
        (quad.subject.value, quad.object.value)
        for prop in NAME_PROPERTIES
        for quad in store.quads_for_pattern(None, ox.NamedNode(prop), None, named)
        if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal)
    }
    return sorted(found)


@functools.cache
def _folding() -> str:
    """What identifies the folding: the digest of this module, so that names folded by other
    code are never taken from an older index."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def _folded_before(path: Path) -> dict[str, str]:
    """Name → folded name from the index at ``path``, if the same folding wrote it."""
    try:
        db = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return {}
    try:
        if db.execute("SELECT folding FROM meta").fetchone() != (_folding(),):
            return {}
        return dict(db.execute("SELECT name, key FROM names"))
    except sqlite3.Error:  # no index yet, an older layout or a torn file: fold everything
        return {}
    finally:
        db.close()


def build_stamp(dist_dir: Path) -> str:
    """What identifies a build: the digest of its ``ids.json`` (content, not time, so two builds
    of the same notes write byte-identical indexes)."""
    try:
        data = (dist_dir / "ids.json").read_bytes()
    except OSError:
        return ""
    return hashlib.sha256(data).hexdigest()


def read_ids(dist_dir: Path) -> dict[str, str]:
    """The ids of the build (note id → IRI), empty without one."""
    try:
        ids = json.loads((dist_dir / "ids.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return ids if isinstance(ids, dict) else {}
