"""``show`` misses nothing: its description of every thing, against a reference read by SPARQL.

The description is read by index look-ups with caches (loader/query/reader.py) for speed; a
look-up or cache that lost a fact, a source, a quote's place or a thing pointing at the
subject would still print something plausible. Here each thing of a built copy of the seed
project (with one more note that merges an agreement by ``sameAs``) is described and
compared with what plain SPARQL over its quads says should be there.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from note_support import built_with, run

from loader.namespaces import NOTE_GRAPH_PREFIX, OA, OWL_SAME_AS, PROV, RDF, RDFS, TKG, note_key_of
from loader.query.describe import Description, describe

NOTE_FILE = "data/notes/2025/2025-11-04-wire-us-mys-reference.yaml"
NOTE = """\
source:
  title: "The US and Malaysia sign again"
  issued: 2025-11-04
  documentKind: news-article
statements:
  - a: Agreement
    id: usa-mys-reference
    label: "US–Malaysia agreement as the wire names it"
    party: [USA, MYS]
    claimStatus: reported
    evidence: "the US–Malaysia agreement"
  - about: usa-mys-reference
    sameAs: us-mys-reciprocal-trade-2025
    editorialNote: Both name the agreement the two states signed on 26 October 2025.
"""
MERGED = "https://w3id.org/tradekg/id/agreement/usa-mys-reference"
#: shown as the heading, the kinds or the provenance, not among the facts
NOT_FACTS = {
    RDF + "type",
    RDFS + "label",
    TKG + "claimStatus",
    PROV + "wasDerivedFrom",
    TKG + "evidence",
    TKG + "reportedAs",
}
PROVENANCE = {TKG + "claimStatus", PROV + "wasDerivedFrom", TKG + "evidence", TKG + "reportedAs"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_with(tmp_path_factory.mktemp("show-reference"), NOTE, NOTE_FILE)


@pytest.fixture(scope="module")
def store(built: Path) -> ox.Store:
    return ox.Store.read_only(str(built / "dist" / "store"))


def _things(built: Path) -> list[str]:
    """Every thing a note or the reference data names, but only every 200th HS code, and a
    class (pointed at by its instances) and a property."""
    ids = json.loads((built / "dist" / "ids.json").read_text(encoding="utf-8"))
    iris = sorted(set(ids.values()))
    codes = [iri for iri in iris if "/hs2022/" in iri]
    others = [iri for iri in iris if "/hs2022/" not in iri]
    return [*others, *codes[::200], TKG + "Agreement", TKG + "party"]


def _select(store: ox.Store, sparql: str) -> list[tuple[Any, ...]]:
    answer = store.query(sparql)
    assert isinstance(answer, ox.QuerySolutions)
    names = [v.value for v in answer.variables]
    return [tuple(row[name] for name in names) for row in answer]


def _note(graph: ox.NamedNode) -> str | None:
    return note_key_of(graph.value) if graph.value.startswith(NOTE_GRAPH_PREFIX) else None


def _check_facts(store: ox.Store, iri: str, d: Description) -> None:
    rows = _select(store, f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}")
    expected_iris: set[tuple[str, str, str | None]] = set()
    expected_literals: Counter[str] = Counter()
    seen: set[tuple[str, str, str | None]] = set()
    for p, o, g in rows:
        assert isinstance(p, ox.NamedNode) and isinstance(g, ox.NamedNode)
        if p.value in NOT_FACTS:
            continue
        if isinstance(o, ox.NamedNode):
            expected_iris.add((p.value, o.value, _note(g)))
        elif (p.value, str(o), _note(g)) not in seen:
            seen.add((p.value, str(o), _note(g)))
            expected_literals[p.value] += 1
    shown_iris = {
        (f.property.iri, v.iri, note)
        for f in d.facts
        for v, note in f.values
        if f.property.iri and v.iri
    }
    shown_literals = Counter(
        f.property.iri for f in d.facts for v, _ in f.values if f.property.iri and v.iri is None
    )
    assert shown_iris == expected_iris, iri
    assert shown_literals == expected_literals, iri


def _check_provenance(store: ox.Store, iri: str, d: Description) -> None:
    rows = _select(store, f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}")
    notes = {_note(g) for p, _, g in rows if p.value in PROVENANCE} - {None}
    assert {r.note for r in d.provenance} == notes, iri
    for record in d.provenance:
        quotes = sorted(
            o.value for p, o, g in rows if p.value == TKG + "evidence" and _note(g) == record.note
        )
        assert sorted(record.quotes) == quotes, iri
        if record.quotes:
            assert record.places == _places(store, iri), iri


def _places(store: ox.Store, iri: str) -> dict[str, tuple[int, int]]:
    rows = _select(
        store,
        f"SELECT ?x ?start ?end WHERE {{ GRAPH ?g {{ ?a <{OA}hasBody> <{iri}> ; "
        f"<{OA}hasTarget> ?t . ?t <{OA}hasSelector> ?q, ?at . ?q <{OA}exact> ?x . "
        f"?at <{OA}start> ?start ; <{OA}end> ?end }} }}",
    )
    return {" ".join(x.value.split()): (int(s.value), int(e.value)) for x, s, e in rows}


def _check_kinds(store: ox.Store, iri: str, d: Description) -> None:
    types = {t.value for (t,) in _select(store, f"SELECT ?t {{ GRAPH ?g {{ <{iri}> a ?t }} }}")}
    below = {
        sup
        for sup in types
        for sub in types
        if sub != sup
        and store.query(f"ASK {{ GRAPH ?g {{ <{sub}> <{RDFS}subClassOf> <{sup}> }} }}")
    }
    assert len(d.kinds) == len(types - below), iri


def _check_pointing(store: ox.Store, iri: str, d: Description) -> None:
    rows = _select(
        store, f"SELECT DISTINCT ?s ?p WHERE {{ GRAPH ?g {{ ?s ?p <{iri}> }} FILTER isIRI(?s) }}"
    )
    expected: dict[str, set[str]] = {}
    same_as = set()
    for s, p in rows:
        if p.value == OWL_SAME_AS:
            same_as.add(s.value)
        elif p.value != OA + "hasBody":
            expected.setdefault(p.value, set()).add(s.value)
    shown: dict[str, set[str]] = {}
    for group in d.groups:
        assert group.property.iri is not None
        things = [m.thing.iri for m in group.mentions]
        assert group.total == len(things) == len(set(things)), iri
        shown.setdefault(group.property.iri, set()).update(t for t in things if t)
    assert shown == expected, iri
    assert set(d.same_as) == same_as, iri


def test_show_describes_every_thing_as_sparql_reads_it(built: Path, store: ox.Store) -> None:
    things = _things(built)
    assert len(things) > 400
    for iri in things:
        d = describe(store, iri, limit=None)
        assert d.iri == iri
        _check_facts(store, iri, d)
        _check_provenance(store, iri, d)
        _check_kinds(store, iri, d)
        _check_pointing(store, iri, d)


def test_the_first_of_each_group_are_the_first_of_all(built: Path, store: ox.Store) -> None:
    for iri in ("https://w3id.org/tradekg/id/state/USA", TKG + "Agreement"):
        every = {(g.kind, g.property.iri): g for g in describe(store, iri, limit=None).groups}
        first = describe(store, iri, limit=3).groups
        assert [(g.kind, g.property.iri) for g in first] == list(every)
        for group in first:
            whole = every[(group.kind, group.property.iri)]
            assert group.total == whole.total
            assert group.mentions == whole.mentions[:3]
        assert any(g.total > 3 for g in first)


def test_the_merged_id_shows_the_one_thing_with_its_other_name(built: Path) -> None:
    by_merged = run(built, "show", "usa-mys-reference", "--format", "json")
    assert by_merged.exit_code == 0, by_merged.output
    shown = json.loads(by_merged.output)
    assert shown["sameAs"] == [MERGED]
    assert "The US and Malaysia sign again" in {r["source"]["text"] for r in shown["provenance"]}
