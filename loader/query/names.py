"""One resolver for the names people know things by: ``--param``, ``show`` and ``find``.

A researcher types "Vietnam", "usa", "South Korea", ``2846`` or a source's title, not
``id:state/VNM``. Every name the graph gives a thing — its id as notes write it, its labels
and alternative labels, notations, titles, ISO codes — is folded (case, accents and
punctuation dropped) into one index, read once from the built store and kept beside
``dist/ids.json`` as ``names.sqlite`` by the build (:mod:`loader.query.name_index`; made here
when it is missing or older than the build): a look-up is one B-tree search in a file opened
in a millisecond, not a scan of the graph nor the load of a large JSON file.

Resolution order: an id or IRI as written; then a name equal to the text once folded; then
names starting with the text as whole words — where several things share that start, the
one the notes mention far more than the others wins (an ambiguous name lists its
candidates with their classes; an unknown one the closest names).
"""

from __future__ import annotations

import contextlib
import difflib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from loader.namespaces import NOTE_GRAPH_PREFIX, RDF, RDFS, TKG
from loader.problems import Problem
from loader.query.name_index import (
    INDEX,
    build_index,
    build_stamp,
    fill_index,
    fold,
    read_ids,
    write_index,
)

#: How many candidates an ambiguous or unknown name lists.
SHOWN = 10
#: How many mentions of a candidate are counted at most (enough to tell which one notes use).
MENTIONS_CAP = 200


@dataclass(frozen=True)
class Match:
    """A thing that a name matched: its IRI, the name that matched and how well."""

    iri: str
    name: str
    #: 0 exact, 1 prefix, 2 whole word, 3 start of a word (lower is better)
    rank: int


class NameError_(LookupError):
    """A name that names nothing or several things; ``problem`` says which, with hints."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


_GENERATED_LABEL = ox.NamedNode(TKG + "generatedLabel")


class Names:
    """The name index of a build (folded name, IRI, name as written), with the store to ask
    about candidates (their classes, how often notes mention them)."""

    def __init__(self, store: ox.Store, db: sqlite3.Connection) -> None:
        self.store = store
        self.db = db

    def _entries(self, where: str, *args: str) -> list[list[str]]:
        rows = self.db.execute(f"SELECT iri, name FROM names WHERE {where}", args)
        return [[iri, name] for iri, name in rows]

    def rows(self) -> Iterator[tuple[str, str, str]]:
        """Every (folded name, IRI, name as written)."""
        yield from self.db.execute("SELECT key, iri, name FROM names")

    # -- looking up -----------------------------------------------------------------------

    def resolve(self, text: str) -> str:
        """The IRI that ``text`` names (see the module docstring).

        Raises:
            NameError_: nothing is called that (with the closest names), or several things
                are (listed with their classes).
        """
        word = text.strip()
        iri = _as_iri(word)
        if iri is not None and (word.startswith(("<", "http:", "https:")) or self._exists(iri)):
            return iri
        key = fold(word)
        exact = _unique(self._entries("key = ?", key))
        if len(exact) == 1:
            return exact[0][0]
        if not exact:
            # names "KEY …": ' ' is the character before '!', so they sort in this range
            starting = _unique(self._entries("key >= ? AND key < ?", key + " ", key + "!"))
            # a generated label ("United States of America → Viet Nam: tariff") describes a
            # thing by the names of others: it answers to its whole text only, not to a start
            starting = [entry for entry in starting if not self._generated(entry[0])]
            if len(starting) == 1:
                return starting[0][0]
            chosen = self._most_mentioned(starting)
            if chosen is not None:
                return chosen
            exact = starting
        if exact:
            listed = "; ".join(
                f"{name} = {_short(iri)} ({self.kinds(iri)})" for iri, name in exact[:SHOWN]
            )
            more = f" and {len(exact) - SHOWN} more" if len(exact) > SHOWN else ""
            raise NameError_(
                Problem(
                    "ambiguous-name",
                    f"'{word}' names {len(exact)} things: {listed}{more}",
                    hint="give the id of the one you mean (see `tradekg find`)",
                )
            )
        written = dict(self.db.execute("SELECT key, MIN(name) FROM names GROUP BY key"))
        close = difflib.get_close_matches(key, list(written), n=5, cutoff=0.6)
        names = [f'"{written[c]}"' for c in close]
        raise NameError_(
            Problem(
                "unknown-name",
                f"nothing in the graph is called '{word}'",
                hint=(
                    f"did you mean: {', '.join(names)}?"
                    if names
                    else "give a name, an id as notes write it (VNM, hs:2846) or an IRI; "
                    "`tradekg find WORD` lists what the graph has"
                ),
            )
        )

    def find(self, text: str, *, limit: int | None = 50) -> list[Match]:
        """Things with a name matching ``text``, best first: exact, then names starting with
        it, then names with it as a whole word, then with a word starting with it."""
        key = fold(text)
        if not key:
            return []
        best: dict[str, Match] = {}
        padded = f" {key} "
        like = self.db.execute(
            "SELECT key, iri, name FROM names WHERE ' ' || key LIKE ?", (f"% {key}%",)
        )
        grouped: dict[str, list[list[str]]] = {}
        for name, iri, written in like:
            grouped.setdefault(name, []).append([iri, written])
        for name, entries in grouped.items():
            if name == key:
                rank = 0
            elif name.startswith(key + " "):
                rank = 1
            elif padded in f" {name} ":
                rank = 2
            elif f" {key}" in f" {name}":
                rank = 3  # a word starting with it ("Vietnamese"), never mid-word ("serviettes")
            else:
                continue
            for iri, written in entries:
                found = best.get(iri)
                if found is None or (rank, len(written)) < (found.rank, len(found.name)):
                    best[iri] = Match(iri, written, rank)
        ordered = sorted(best.values(), key=lambda m: (m.rank, len(m.name), m.name, m.iri))
        return ordered if limit is None else ordered[:limit]

    def kinds(self, iri: str) -> str:
        """The labels of the thing's classes, for telling candidates apart."""
        answer = self.store.query(
            f"SELECT DISTINCT ?l WHERE {{ <{iri}> <{RDF}type> ?c . "
            f"OPTIONAL {{ ?c <{RDFS}label> ?l0 }} BIND(COALESCE(STR(?l0), STR(?c)) AS ?l) }}",
            use_default_graph_as_union=True,
        )
        labels = (
            sorted({_shown_class(row["l"].value) for row in answer})
            if isinstance(answer, ox.QuerySolutions)
            else []
        )
        return ", ".join(labels) or "no class"

    def label(self, iri: str) -> str | None:
        """The thing's label (what lists show it by), when it has one."""
        from loader.query.labels import store_labels

        return store_labels(self.store, [iri]).get(iri)

    def source_of(self, iri: str) -> str:
        """The graph(s) that name the thing: the reference data or the notes."""
        answer = self.store.query(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }} ORDER BY ?g LIMIT 3"
        )
        graphs = [row["g"].value for row in answer] if isinstance(answer, ox.QuerySolutions) else []
        return ", ".join(_short_graph(g) for g in graphs) or "-"

    def _exists(self, iri: str) -> bool:
        return bool(
            self.store.query(
                f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}",
                use_default_graph_as_union=True,
            )
        )

    def _most_mentioned(self, candidates: list[list[str]]) -> str | None:
        """Of things sharing a name's start, the one the notes mention more than twice as
        often as any other (as search engines rank by use), else None: "United States" is
        the state that notes name hundreds of times, not its Virgin Islands."""
        if len(candidates) < 2 or len(candidates) > SHOWN:
            return None
        counts = sorted(((self._mentions(iri), iri) for iri, _ in candidates), reverse=True)
        (first, iri), (second, _) = counts[0], counts[1]
        return iri if first > 2 * second else None

    def _generated(self, iri: str) -> bool:
        """Whether the build named ``iri`` (tkg:generatedLabel) because its note did not."""
        quads = self.store.quads_for_pattern(ox.NamedNode(iri), _GENERATED_LABEL, None, None)
        return next(iter(quads), None) is not None

    def _mentions(self, iri: str) -> int:
        answer = self.store.query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT ?s WHERE {{ GRAPH ?g {{ ?s ?p <{iri}> }} "
            f'FILTER(STRSTARTS(STR(?g), "{NOTE_GRAPH_PREFIX}")) }} LIMIT {MENTIONS_CAP} }}'
        )
        if isinstance(answer, ox.QuerySolutions):
            for row in answer:
                return int(row["n"].value)
        return 0


def other_names(names: Names) -> dict[str, list[str]]:
    """IRI → every folded name it has (for the site's search index), shortest first; an HS
    code's ``hs 2846`` id is left out, its plain ``2846`` is kept."""
    found: dict[str, set[str]] = {}
    for key, iri, _ in names.rows():
        if not (key.startswith("hs ") and key[3:].isdigit()):
            found.setdefault(iri, set()).add(key)
    return {iri: sorted(keys, key=lambda k: (len(k), k)) for iri, keys in found.items()}


def load_names(store: ox.Store, dist_dir: Path) -> Names:
    """The name index of the last build: ``dist/names.sqlite`` when it belongs to that
    build, otherwise read from ``store`` and written there for the next command (in memory
    only when ``dist/`` cannot be written)."""
    stamp = build_stamp(dist_dir)
    path = (dist_dir / INDEX).absolute()
    with contextlib.suppress(sqlite3.Error):
        db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            if db.execute("SELECT build FROM meta").fetchone() == (stamp,):
                return Names(store, db)
        except sqlite3.Error:
            pass
        db.close()
    # no index, or one older than the build: made now, as the build makes it
    try:
        write_index(store, dist_dir)
        return Names(store, sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True))
    except (OSError, sqlite3.Error):
        rows = build_index(store, read_ids(dist_dir))
        return Names(store, fill_index(sqlite3.connect(":memory:"), rows, stamp))


def _unique(entries: Iterator[list[str]] | list[list[str]]) -> list[list[str]]:
    seen: dict[str, list[str]] = {}
    for entry in entries:
        seen.setdefault(entry[0], entry)
    return sorted(seen.values(), key=lambda e: (len(e[1]), e[1]))


def _short(iri: str) -> str:
    from loader.query.output import short_iri

    return short_iri(iri)


def _shown_class(text: str) -> str:
    return _short(text) if "://" in text else text


def _short_graph(graph: str) -> str:
    if graph.startswith(NOTE_GRAPH_PREFIX):
        return "note " + graph[len(NOTE_GRAPH_PREFIX) :]
    return graph.rsplit("/graph/", 1)[-1]


def _as_iri(word: str) -> str | None:
    from loader.query.params import ParamValueError, expand_iri

    try:
        return expand_iri(word)
    except ParamValueError:
        return None
