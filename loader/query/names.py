"""One resolver for the names people know things by: ``--param``, ``show`` and ``find``.

A researcher types "Vietnam", "usa", "South Korea", ``2846`` or a source's title, not
``id:state/VNM``. Every name the graph gives a thing — its id as notes write it, its labels
and alternative labels, notations, titles, ISO codes — is folded (case, accents and
punctuation dropped) into one index, read once from the built store and kept beside
``dist/ids.json`` as ``names.json`` (rebuilt when the build changes), so a look-up is a
dictionary access rather than a scan of the graph.

Resolution order: an id or IRI as written; then a name equal to the text once folded; then
names starting with the text as whole words — where several things share that start, the
one the notes mention far more than the others wins (an ambiguous name lists its
candidates with their classes; an unknown one the closest names).
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from loader.namespaces import DCTERMS, NOTE_GRAPH_PREFIX, RDF, RDFS, SCHEMA, SKOS, TKG
from loader.problems import Problem

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
INDEX = "names.json"
#: How many candidates an ambiguous or unknown name lists.
SHOWN = 10
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """``text`` as it is compared: no accents, case or punctuation, one space between words,
    without a leading "the" ("Côte d'Ivoire" → "cote d ivoire")."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    words = _NOT_WORD.sub(" ", plain.casefold()).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


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


class Names:
    """Folded name → [(IRI, name as written)], with the store to ask about candidates."""

    def __init__(self, store: ox.Store, index: Mapping[str, list[list[str]]]) -> None:
        self.store = store
        self.index = index

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
        exact = _unique(self.index.get(key, []))
        if len(exact) == 1:
            return exact[0][0]
        if not exact:
            starting = _unique(
                entry
                for name, entries in self.index.items()
                if name.startswith(key + " ")
                for entry in entries
            )
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
        close = difflib.get_close_matches(key, list(self.index), n=5, cutoff=0.6)
        names = [f'"{self.index[c][0][1]}"' for c in close]
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
        for name, entries in self.index.items():
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

    def _mentions(self, iri: str) -> int:
        answer = self.store.query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p <{iri}> }} "
            f'FILTER(STRSTARTS(STR(?g), "{NOTE_GRAPH_PREFIX}")) }}'
        )
        if isinstance(answer, ox.QuerySolutions):
            for row in answer:
                return int(row["n"].value)
        return 0


def other_names(names: Names) -> dict[str, list[str]]:
    """IRI → every folded name it has (for the site's search index), shortest first; an HS
    code's ``hs 2846`` id is left out, its plain ``2846`` is kept."""
    found: dict[str, list[str]] = {}
    for key, entries in names.index.items():
        if key.startswith("hs ") and key[3:].isdigit():
            continue
        for iri, _ in entries:
            found.setdefault(iri, []).append(key)
    return {iri: sorted(keys, key=lambda k: (len(k), k)) for iri, keys in found.items()}


def load_names(store: ox.Store, dist_dir: Path) -> Names:
    """The name index of the last build: ``dist/names.json`` when it belongs to that build,
    otherwise read from ``store`` and written there for the next command."""
    stamp = _stamp(dist_dir)
    path = dist_dir / INDEX
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("build") == stamp:
            return Names(store, data["names"])
    except (OSError, ValueError, AttributeError, KeyError):
        pass
    index = build_index(store, _read_ids(dist_dir))
    try:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"build": stamp, "names": index}, ensure_ascii=False), "utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a read-only dist still answers, only more slowly
    return Names(store, index)


def build_index(store: ox.Store, ids: Mapping[str, str]) -> dict[str, list[list[str]]]:
    """Folded name → [[IRI, name]] for every id (``hs:2846`` also as ``2846``) and every
    value of :data:`NAME_PROPERTIES` on an IRI."""
    index: dict[str, list[list[str]]] = {}

    def add(name: str, iri: str) -> None:
        key = fold(name)
        if key:
            entries = index.setdefault(key, [])
            if not any(e[0] == iri for e in entries):
                entries.append([iri, name])

    for key, iri in ids.items():
        add(key, iri)
        if key.startswith("hs:"):
            add(key[3:], iri)
    for iri, name in _named(store):
        add(name, iri)
    return index


def _named(store: ox.Store) -> Iterator[tuple[str, str]]:
    values = " ".join(f"<{p}>" for p in NAME_PROPERTIES)
    answer = store.query(
        f"SELECT DISTINCT ?s ?n WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?n . "
        f"FILTER(isIRI(?s) && isLiteral(?n)) }}",
        use_default_graph_as_union=True,
    )
    if isinstance(answer, ox.QuerySolutions):
        for row in answer:
            yield row["s"].value, row["n"].value


def _unique(entries: Iterator[list[str]] | list[list[str]]) -> list[list[str]]:
    seen: dict[str, list[str]] = {}
    for entry in entries:
        seen.setdefault(entry[0], entry)
    return sorted(seen.values(), key=lambda e: (len(e[1]), e[1]))


def _stamp(dist_dir: Path) -> str:
    try:
        info = (dist_dir / "ids.json").stat()
    except OSError:
        return ""
    return f"{info.st_mtime_ns}:{info.st_size}"


def _read_ids(dist_dir: Path) -> dict[str, str]:
    try:
        ids = json.loads((dist_dir / "ids.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return ids if isinstance(ids, dict) else {}


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
