"""The whole pipeline: ontology + reference data + notes → checked dataset → ``dist/``.

:func:`assemble` reads and maps everything in memory and raises :class:`InputError` with
every problem of every file; :func:`build` then validates and writes ``dist/``. Nothing is
written when there is a problem.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from loader.export import GraphChunks, GraphPart
from loader.mapping import Entity, MappedNote, Registry, map_note, register_ids
from loader.namespaces import ONTOLOGY_GRAPH, QUERIES_GRAPH, RDF, TKG, reference_graph
from loader.notes import Note, read_notes
from loader.problems import InputError, Problem, Severity
from loader.project import Project
from loader.reference import ReferenceData, load_reference
from loader.vocabulary import Vocabulary, load_vocabulary

#: Summary counts: label → class IRI (instances of subclasses count too).
COUNTED_CLASSES: dict[str, str] = {
    "countries": TKG + "Country",
    "sovereign states": TKG + "SovereignState",
    "HS codes": TKG + "HSCode",
    "source documents": TKG + "SourceDocument",
    "agreements": TKG + "Agreement",
    "lifecycle steps": TKG + "LifecycleStep",
    "commitments": TKG + "Commitment",
    "trade measures": TKG + "TradeMeasure",
    "tariff measures": TKG + "TariffMeasure",
    "statistics": TKG + "Statistic",
    "events": TKG + "Event",
    "people": TKG + "Person",
}


@dataclass
class Assembled:
    """The dataset in memory, with what is needed to point problems back at notes."""

    project: Project
    vocabulary: Vocabulary
    reference: ReferenceData
    notes: list[Note]
    registry: Registry
    mapped: list[MappedNote]
    parts: list[GraphPart]
    warnings: list[Problem] = field(default_factory=list)


def count_instances(triples: Iterable[ox.Triple], vocabulary: Vocabulary) -> dict[str, int]:
    """Distinct instances per summary class, following rdfs:subClassOf.

    Counts of different graphs add up, because a thing is typed only in the graph that
    defines it (ids are global).
    """
    type_iri = RDF + "type"
    members: dict[str, set[str]] = {}
    for triple in triples:
        subject, obj = triple.subject, triple.object
        if (
            triple.predicate.value == type_iri
            and isinstance(obj, ox.NamedNode)
            and isinstance(subject, ox.NamedNode)
        ):
            members.setdefault(obj.value, set()).add(subject.value)
    counts: dict[str, int] = {}
    for label, cls in COUNTED_CLASSES.items():
        found: set[str] = set()
        for member_class, subjects in members.items():
            if vocabulary.is_subclass(member_class, cls):
                found |= subjects
        counts[label] = len(found)
    return counts


@dataclass
class BuildResult:
    """What ``tradekg build`` made: the graphs in file order, summary counts and timings."""

    graphs: list[GraphChunks]
    counts: dict[str, int]
    timings: dict[str, float]
    warnings: list[Problem]
    #: note files read, mapped and validated again in this build (all of them when full)
    redone: list[str]


def reference_entities(reference: ReferenceData) -> dict[str, Entity]:
    return {
        key: Entity(entity.iri.value, tuple(c.value for c in entity.classes))
        for key, entity in reference.ids.items()
    }


def assemble(project: Project) -> Assembled:
    """Read, check and map everything; raise :class:`InputError` listing all problems.

    Raises:
        InputError: the ontology, the reference data or any note has a problem.
    """
    vocabulary = load_vocabulary(project.ontology_files(), root=project.root)
    reference = load_reference(project.reference_dir)
    notes, problems = read_notes(
        project.note_files(), notes_dir=project.notes_dir, root=project.root
    )
    registry, id_problems = register_ids(notes, vocabulary, reference_entities(reference))
    problems.extend(id_problems)
    mapped: list[MappedNote] = []
    for note in notes:
        result, note_problems = map_note(note, vocabulary, registry)
        problems.extend(note_problems)
        mapped.append(result)
    if any(p.severity is Severity.ERROR for p in problems):
        raise InputError(problems)

    parts = fixed_parts(project, vocabulary, reference, with_queries=False)
    for result in mapped:
        parts.append(GraphPart(result.graph.value, "note", result.note.file, result.triples))
    return Assembled(
        project=project,
        vocabulary=vocabulary,
        reference=reference,
        notes=notes,
        registry=registry,
        mapped=mapped,
        parts=parts,
        warnings=[p for p in problems if p.severity is not Severity.ERROR],
    )


def fixed_parts(
    project: Project, vocabulary: Vocabulary, reference: ReferenceData, *, with_queries: bool
) -> list[GraphPart]:
    """The graphs that do not come from notes: ontology, reference data, query catalogue."""
    sources = ",".join(project.rel(p) for p in project.ontology_files())
    parts = [GraphPart(ONTOLOGY_GRAPH.value, "ontology", sources, vocabulary.triples)]
    for name, triples in sorted(reference.graphs.items()):
        parts.append(
            GraphPart(reference_graph(name).value, "reference", f"data/reference/{name}", triples)
        )
    if with_queries:
        parts.extend(query_catalogue_part(project))
    return parts


def query_catalogue_part(project: Project) -> list[GraphPart]:
    """The saved-query catalogue as a graph, when the project has saved queries."""
    if not project.query_files():
        return []
    from loader.query_catalogue import catalogue_triples

    return [GraphPart(QUERIES_GRAPH.value, "queries", "queries/", catalogue_triples(project))]


def build(project: Project, *, use_cache: bool = True) -> BuildResult:
    """Assemble, validate and write ``dist/``, redoing only what changed (see incremental).

    Raises:
        InputError: the input has problems (nothing is written).
        ValidationFailed: the data violates the shapes (nothing is written).
    """
    from loader.incremental import build as incremental_build

    return incremental_build(project, use_cache=use_cache)


class ValidationFailed(Exception):
    """The data violates the SHACL shapes; carries the report's problems."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} violation(s) of the shapes")


def store_quads(parts: Iterable[GraphPart]) -> ox.Store:
    """An in-memory store with every part in its named graph (for validation and tests)."""
    store = ox.Store()
    store.bulk_extend(
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(part.iri))
        for part in parts
        for t in part.triples
    )
    return store
