"""What the site shows, read from the built store by SPARQL.

Which things get pages, what they are, their properties and what points at them all come
from queries over whatever the store holds, so a class, property or note a researcher adds
appears with no Python change. Only the claim model (evidence, claim status, source) and the
extra sections of some pages (a party's tariffs, commitments and agreements, an agreement's
lifecycle, a source's facts) name core terms of the ontology; subclasses of those terms are
found through ``rdfs:subClassOf*``.
Each query runs once for the whole site, or once per page with ``?this`` substituted (SEP-0007);
a page's own statements and what points at it are two scans of the store's quad indexes.
Memory holds labels, types and the list of pages, never the graph.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from loader.namespaces import (
    DCTERMS,
    ID,
    NOTE_GRAPH_PREFIX,
    OA,
    OWL,
    PROV,
    RDF,
    RDFS,
    REFERENCE_GRAPH_PREFIX,
    SKOS,
    TKG,
    shorten,
)
from loader.publish.site.manifest import key_hash
from loader.publish.site.paths import has_page_iri
from loader.read.vocabulary import ancestors_of

PREFIXES = f"""PREFIX tkg: <{TKG}>
PREFIX rdf: <{RDF}>
PREFIX rdfs: <{RDFS}>
PREFIX owl: <{OWL}>
PREFIX skos: <{SKOS}>
PREFIX prov: <{PROV}>
PREFIX dcterms: <{DCTERMS}>
PREFIX schema: <https://schema.org/>
"""

#: Every class and property the store declares, with its label and parents.
TERMS = (
    PREFIXES
    + """SELECT ?term ?kind ?label ?parent WHERE {
  ?term a ?kind .
  FILTER(?kind IN (owl:Class, rdfs:Class, owl:ObjectProperty, owl:DatatypeProperty,
                   owl:AnnotationProperty, rdf:Property))
  OPTIONAL { ?term rdfs:label ?label FILTER(LANG(?label) IN ("en", "")) }
  OPTIONAL { ?term rdfs:subClassOf ?parent FILTER(isIRI(?parent)) }
}"""
)

#: The properties whose numbers are in percent (``tkg:rate`` 19 is 19 %).
PERCENT_PROPERTIES = (
    PREFIXES
    + """SELECT DISTINCT ?p WHERE {
  ?p skos:closeMatch|skos:exactMatch <http://qudt.org/vocab/unit/PERCENT>
}"""
)

#: Every name a thing has, best kind first (1 label, 2 preferred label, 3 title, 4 notation).
LABELS = (
    PREFIXES
    + """SELECT ?thing ?name ?rank WHERE {
  { ?thing rdfs:label ?name BIND(1 AS ?rank) }
  UNION { ?thing skos:prefLabel ?name BIND(2 AS ?rank) }
  UNION { ?thing dcterms:title ?name BIND(3 AS ?rank) }
  UNION { ?thing skos:notation ?name BIND(4 AS ?rank) }
  FILTER(isLiteral(?name) && LANG(?name) IN ("en", ""))
}"""
)

#: The asserted types of everything.
#: Each thing's most specific classes: the build also states every superclass (see
#: loader/graph/entail.py), which a page would only repeat.
TYPES = (
    PREFIXES
    + """SELECT DISTINCT ?thing ?class WHERE {
  ?thing a ?class FILTER(isIRI(?thing))
  FILTER NOT EXISTS {
    ?thing a ?narrower . ?narrower rdfs:subClassOf ?class FILTER(?narrower != ?class)
  }
}"""
)

#: Things that get a page: what notes type, and the things of ours they point at.
PAGES = (
    PREFIXES
    + f"""SELECT DISTINCT ?thing WHERE {{
  GRAPH ?g {{ {{ ?thing a ?class }} UNION {{ ?s ?p ?thing FILTER(isIRI(?thing)) }} }}
  FILTER(STRSTARTS(STR(?g), "{NOTE_GRAPH_PREFIX}") && STRSTARTS(STR(?thing), "{ID}"))
}}"""
)

#: The source document each note graph is derived from.
GRAPH_SOURCES = PREFIXES + "SELECT ?g ?source WHERE { GRAPH ?g { ?g prov:wasDerivedFrom ?source } }"

#: What a thing says, by graph.
OUTGOING = PREFIXES + "SELECT ?this ?g ?p ?o WHERE { GRAPH ?g { ?this ?p ?o } }"

#: The tariffs a party faces and imposes, with the date the sources give (else the report's).
TARIFFS = (
    PREFIXES
    + """SELECT ?this ?measure ?direction ?other ?rate ?status ?date ?source ?agreement WHERE {
  { ?measure tkg:appliesTo ?this . OPTIONAL { ?measure tkg:imposedBy ?other }
    BIND("faces" AS ?direction) }
  UNION
  { ?measure tkg:imposedBy ?this . OPTIONAL { ?measure tkg:appliesTo ?other }
    BIND("imposes" AS ?direction) }
  ?measure a/rdfs:subClassOf* tkg:TariffMeasure .
  OPTIONAL { ?measure tkg:rate ?rate }
  OPTIONAL { ?measure tkg:measureStatus ?status }
  OPTIONAL { ?measure tkg:underAgreement ?agreement }
  OPTIONAL { ?measure tkg:inEffectFrom ?from }
  OPTIONAL { ?measure tkg:announcedOn ?announced }
  OPTIONAL { ?measure prov:wasDerivedFrom ?source OPTIONAL { ?source dcterms:issued ?issued } }
  BIND(COALESCE(?from, ?announced, ?issued) AS ?date)
}"""
)

#: A party's commitments, as obligor or beneficiary, with their types.
COMMITMENTS = (
    PREFIXES
    + """SELECT DISTINCT ?this ?commitment ?role ?type WHERE {
  VALUES (?side ?role) { (tkg:obligor "gives") (tkg:beneficiary "receives") }
  ?commitment ?side ?this .
  FILTER EXISTS { ?commitment a/rdfs:subClassOf* tkg:Commitment }
  OPTIONAL { ?commitment tkg:commitmentType ?type }
}"""
)

#: Who a party deals with, and how: things between it and each other party, counted by kind.
PARTNERS = (
    PREFIXES
    + """SELECT ?this ?other ?kind (COUNT(DISTINCT ?thing) AS ?n) WHERE {
  {
    { ?thing tkg:imposedBy ?this ; tkg:appliesTo ?other . BIND("imposes" AS ?kind) }
    UNION { ?thing tkg:appliesTo ?this ; tkg:imposedBy ?other . BIND("faces" AS ?kind) }
    FILTER EXISTS { ?thing a/rdfs:subClassOf* tkg:TradeMeasure }
  } UNION {
    { ?thing tkg:obligor ?this ; tkg:beneficiary ?other . BIND("gives" AS ?kind) }
    UNION { ?thing tkg:beneficiary ?this ; tkg:obligor ?other . BIND("receives" AS ?kind) }
  } UNION {
    ?thing tkg:party ?this , ?other ; a/rdfs:subClassOf* tkg:Agreement .
    BIND("shares" AS ?kind)
  }
  FILTER(isIRI(?other) && ?other != ?this)
} GROUP BY ?this ?other ?kind"""
)

#: The agreements a party is party to.
AGREEMENTS = (
    PREFIXES
    + """SELECT DISTINCT ?this ?agreement WHERE {
  ?agreement tkg:party ?this ; a/rdfs:subClassOf* tkg:Agreement .
}"""
)

#: An agreement's lifecycle steps with their dates, stage, status and source.
LIFECYCLE = (
    PREFIXES
    + """SELECT ?this ?step ?stage ?on ?start ?end ?status ?reported ?source ?quote WHERE {
  ?step tkg:ofAgreement ?this .
  OPTIONAL { ?step tkg:stage ?stage }
  OPTIONAL { ?step tkg:onDate ?on }
  OPTIONAL { ?step schema:startDate ?start }
  OPTIONAL { ?step schema:endDate ?end }
  OPTIONAL { ?step tkg:claimStatus ?status }
  OPTIONAL { ?step tkg:reportedAs ?reported }
  OPTIONAL { ?step prov:wasDerivedFrom ?source }
  OPTIONAL { ?step tkg:evidence ?quote }
}"""
)

#: Every fact a source states, with its status and quotes.
SOURCE_FACTS = (
    PREFIXES
    + """SELECT ?this ?thing ?status ?reported ?quote WHERE {
  GRAPH ?g { ?thing prov:wasDerivedFrom ?this FILTER(?thing != ?g)
    OPTIONAL { ?thing tkg:claimStatus ?status }
    OPTIONAL { ?thing tkg:reportedAs ?reported }
    OPTIONAL { ?thing tkg:evidence ?quote } }
}"""
)

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
#: What a page reads, by kind: the graphs its thing's own statements (``OUT_GRAPH``) and the
#: statements pointing at it (``IN_GRAPH``) come from; the things whose own statements it
#: shows or counts (``DATA``: query rows, what points at it); the things whose name, kinds
#: or page it shows (``NAMES``).
OUT_GRAPH, IN_GRAPH, DATA, NAMES = range(4)
Reads = tuple[set[str], set[str], set[str], set[str]]


def no_reads() -> Reads:
    return (set(), set(), set(), set())


#: One statement next to a thing: (graph, predicate, the other end).
Link = tuple[str, str, Term]
_RDF_TYPE = RDF + "type"
_HAS_BODY, _HAS_TARGET, _HAS_SELECTOR, _EXACT, _START, _END = (
    ox.NamedNode(OA + name)
    for name in ("hasBody", "hasTarget", "hasSelector", "exact", "start", "end")
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def words(iri: str) -> str:
    """A name for a term without label: ``wasDerivedFrom`` → ``was derived from``."""
    local = re.split(r"[#/]", iri)[-1]
    return _CAMEL.sub(" ", local).replace("_", " ").lower() or iri


def fallback_name(iri: str) -> str:
    """The id a note uses for a thing without a name (the last part of its IRI)."""
    if iri.startswith(ID) and "/" in iri[len(ID) :]:
        return iri[len(ID) :].split("/", 1)[1]
    return shorten(iri)


@dataclass
class Vocabulary:
    """The classes and properties of the store: labels, parents, and ancestors on demand."""

    labels: dict[str, str] = field(default_factory=dict)
    classes: set[str] = field(default_factory=set)
    parents: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: properties whose numbers are in percent (aligned with QUDT's percent)
    percent: set[str] = field(default_factory=set)

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or words(iri)

    def ancestors(self, iri: str) -> set[str]:
        """The class and all its superclasses."""
        return set(ancestors_of(iri, self.parents))


@dataclass
class SiteData:
    """Everything held in memory while pages are written: names, types and the page list."""

    store: ox.Store
    vocabulary: Vocabulary
    names: dict[str, str]
    types: dict[str, list[str]]
    pages: list[str]
    page_set: set[str]
    graph_sources: dict[str, str]
    #: While set, what the page being made reads, by kind (see :class:`Reads`), so that the
    #: site manifest knows which pages an edit makes stale.
    seen: Reads | None = None
    #: While :attr:`seen` is set: hashes of the page thing's own statements and quotes' places
    #: (``[0]``) and of the statements pointing at it (``[1]``), see :meth:`own_digests`.
    own: list[int] = field(default_factory=lambda: [0, 0])

    def note(self, term: Term | ox.DefaultGraph | None, kind: int) -> None:
        """Remember that the page being made read ``term`` (when it is a tracked IRI)."""
        if self.seen is not None and isinstance(term, ox.NamedNode):
            key = tracked(term.value)
            if key:
                self.seen[kind].add(key)

    def name(self, iri: str) -> str:
        """A thing's label (its label, preferred label, title or notation), else its id."""
        return self.names.get(iri) or self.vocabulary.labels.get(iri) or fallback_name(iri)

    def is_a(self, iri: str, class_iri: str) -> bool:
        return any(class_iri in self.vocabulary.ancestors(c) for c in self.types.get(iri, ()))

    def around(self, this: ox.NamedNode) -> tuple[list[Link], list[Link], bool]:
        """What a thing says, what points at it (as (graph, predicate, other) triples), and
        whether parts of it (``<thing>#…``) point at it.

        The same answer as ``SELECT ?g ?p ?o { GRAPH ?g { ?this ?p ?o } }`` and its mirror,
        read through the store's quad indexes: for one thing, two index scans cost half as
        much as parsing and planning the queries, and a site asks this once per page. Types,
        a note graph's own provenance and the thing's own parts (``<thing>#…``, the
        annotations that place its quotes) are left out of what points at it.
        """
        outgoing: list[Link] = []
        incoming: list[Link] = []
        own = this.value + "#"  # the thing's own parts (its quotes' annotations)
        has_parts = False
        note = self.note if self.seen is not None else None
        said = heard = 0
        for quad in self.store.quads_for_pattern(this, None, None):
            outgoing.append((term_text(quad.graph_name), quad.predicate.value, quad.object))
            if note is not None:
                note(quad.graph_name, OUT_GRAPH)
                note(quad.object, NAMES)
                said ^= key_hash(f"{quad.graph_name} {quad.predicate} {quad.object}")
        for quad in self.store.quads_for_pattern(None, None, this):
            if note is not None:
                note(quad.graph_name, IN_GRAPH)
                note(quad.subject, DATA)
                note(quad.subject, NAMES)
                heard ^= key_hash(f"{quad.graph_name} {quad.predicate} {quad.subject}")
            graph = term_text(quad.graph_name)
            predicate = quad.predicate.value
            subject = term_text(quad.subject)
            if subject.startswith(own):
                has_parts = True
            elif subject.startswith(ID) and "#" in subject:
                continue  # a part of another thing (its quote placed in this source): shown there
            elif predicate != _RDF_TYPE and subject != graph:
                incoming.append((graph, predicate, quad.subject))
        if note is not None:
            self.own = [said, heard]
        return outgoing, incoming, has_parts

    def own_digests(self, iri: str) -> tuple[int, int]:
        """The hashes :meth:`around` and :meth:`places` leave in :attr:`own` for ``iri``'s
        page, read as that page reads them: what changed of the thing since the last site."""
        this = ox.NamedNode(iri)
        self.seen = (set(), set(), set(), set())
        try:
            _, _, has_parts = self.around(this)
            if has_parts:
                self.places(this)
            return self.own[0], self.own[1]
        finally:
            self.seen = None

    def places(self, this: ox.NamedNode) -> dict[str, tuple[int, int]]:
        """Each quote about ``this`` → its character offsets in the archived source text.

        The Web Annotations whose body is ``this`` (``oa:hasTarget`` → ``oa:hasSelector`` →
        ``oa:exact`` and ``oa:start``/``oa:end``), walked through the quad indexes (a few
        lookups per quote cost a fraction of planning a query for every page); where a
        quote has several places, the first in order is kept.
        """
        found: dict[str, tuple[int, int]] = {}
        quads = self.store.quads_for_pattern
        annotations = {q.subject for q in quads(None, _HAS_BODY, this)}
        for annotation in sorted(annotations, key=str):
            targets = {q.object for q in quads(annotation, _HAS_TARGET, None)}
            for target in sorted(_nodes(targets), key=str):
                selectors = sorted(
                    _nodes({q.object for q in quads(target, _HAS_SELECTOR, None)}), key=str
                )
                texts = sorted(
                    {term_text(q.object) for s in selectors for q in quads(s, _EXACT, None)}
                )
                spans = sorted(
                    {
                        (start, end)
                        for s in selectors
                        for start in _numbers(quads(s, _START, None))
                        for end in _numbers(quads(s, _END, None))
                    }
                )
                for text in texts:
                    if spans and text not in found:
                        found[text] = spans[0]
        if self.seen is not None:
            for quote, (start, end) in found.items():
                self.own[0] ^= key_hash(f"place {start} {end} {quote}")
        return found

    def select(self, query: str, this: ox.NamedNode | None = None) -> Iterator[ox.QuerySolution]:
        """Run a SELECT over the union of all graphs, with ``?this`` bound when given."""
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]
        substitutions = {ox.Variable("this"): this} if this is not None else {}
        answer = self.store.query(
            query, use_default_graph_as_union=True, substitutions=substitutions
        )
        assert isinstance(answer, ox.QuerySolutions)
        if self.seen is None:
            yield from answer
            return
        self.note(this, DATA)
        for row in answer:
            for term in row:
                self.note(term, DATA)
                self.note(term, NAMES)
            yield row


def _nodes(terms: set[Term]) -> list[ox.NamedNode | ox.BlankNode]:
    return [t for t in terms if isinstance(t, ox.NamedNode | ox.BlankNode)]


def _numbers(quads: Iterator[ox.Quad]) -> list[int]:
    found = []
    for quad in quads:
        try:
            found.append(int(term_text(quad.object)))
        except ValueError:
            continue
    return found


def tracked(iri: str) -> str:
    """The key under which the site manifest tracks ``iri``: a thing of ours without its
    fragment (``<thing>#evidence-…`` is part of the thing), a note graph as it is; "" for
    vocabulary and reference terms, whose changes make the whole site stale anyway."""
    if iri.startswith(ID):
        return iri.split("#", 1)[0]
    if iri.startswith(NOTE_GRAPH_PREFIX):
        return iri
    return ""


def term_text(term: Term | ox.DefaultGraph | None) -> str:
    """The text of an IRI or literal (a graph name, a cell); "" for anything else."""
    return str(term.value) if isinstance(term, ox.NamedNode | ox.Literal) else ""


def read_vocabulary(store: ox.Store) -> Vocabulary:
    vocabulary = Vocabulary()
    for row in _select(store, TERMS):
        term = term_text(row["term"])
        if not term:
            continue
        if term_text(row["kind"]) in (OWL + "Class", RDFS + "Class"):
            vocabulary.classes.add(term)
        label = term_text(row["label"])
        if label and (term not in vocabulary.labels or label < vocabulary.labels[term]):
            vocabulary.labels[term] = label
        parent = term_text(row["parent"])
        if parent:
            vocabulary.parents[term].add(parent)
    vocabulary.percent = {term_text(row["p"]) for row in _select(store, PERCENT_PROPERTIES)}
    return vocabulary


def read_site_data(store: ox.Store) -> SiteData:
    """Labels, types, the list of pages and the source of each note graph, in five queries."""
    vocabulary = read_vocabulary(store)
    best: dict[str, tuple[int, str]] = {}
    for row in _select(store, LABELS):
        thing, name = term_text(row["thing"]), term_text(row["name"])
        rank = int(term_text(row["rank"]) or 9)
        if thing and name and (thing not in best or (rank, name) < best[thing]):
            best[thing] = (rank, name)
    names = {thing: name for thing, (_, name) in best.items()}
    pages, types = read_pages(store)
    graph_sources = {
        term_text(row["g"]): term_text(row["source"]) for row in _select(store, GRAPH_SOURCES)
    }
    return SiteData(
        store=store,
        vocabulary=vocabulary,
        names=names,
        types=types,
        pages=pages,
        page_set=set(pages),
        graph_sources=graph_sources,
    )


def read_pages(store: ox.Store) -> tuple[list[str], dict[str, list[str]]]:
    """The things that get a page, sorted, and the classes each is asserted to have (sorted)."""
    pages = sorted({term_text(row["thing"]) for row in _select(store, PAGES)} - {""})
    page_set = {iri for iri in pages if has_page_iri(iri)}
    pages = [iri for iri in pages if iri in page_set]
    types: dict[str, list[str]] = defaultdict(list)
    for row in _select(store, TYPES):
        thing = term_text(row["thing"])
        if thing in page_set:
            types[thing].append(term_text(row["class"]))
    for classes in types.values():
        classes.sort()
    return pages, dict(types)


def _select(store: ox.Store, query: str) -> Iterator[ox.QuerySolution]:
    answer = store.query(query, use_default_graph_as_union=True)
    assert isinstance(answer, ox.QuerySolutions)
    yield from answer


def graph_kind(graph: str) -> str:
    """``note``, ``reference`` or ``other``: where a statement comes from."""
    if graph.startswith(NOTE_GRAPH_PREFIX):
        return "note"
    if graph.startswith(REFERENCE_GRAPH_PREFIX):
        return "reference"
    return "other"
