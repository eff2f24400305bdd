"""The dataset in memory: ontology + reference data + notes, read, checked and mapped.

:func:`assemble` reads and maps everything and raises :class:`InputError` with every problem
of every file. Commands that need the whole dataset but write no ``dist/`` (``validate``,
``check``, ``docs``) start here; the build pipeline (:mod:`loader.build.pipeline`) reads the
same inputs through its cache and shares :class:`Assembled` and the helpers below.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from loader.graph.entity import Entity
from loader.graph.mapping import (
    MappedNote,
    Registry,
    map_note,
    possible_duplicate,
    register_ids,
    similar_pairs,
)
from loader.graph.parts import GraphPart
from loader.namespaces import ONTOLOGY_GRAPH, RDF, TKG, reference_graph
from loader.problems import InputError, Problem, Severity
from loader.project import Project
from loader.read.notes import Note, read_notes
from loader.read.reference import ReferenceData, load_reference
from loader.read.vocabulary import Vocabulary, load_vocabulary

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


def reference_entities(reference: ReferenceData) -> dict[str, Entity]:
    return {
        key: Entity(entity.iri.value, tuple(c.value for c in entity.classes), label=entity.label)
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
    problems.extend(
        possible_duplicate(one, other, registry.by_id)
        for one, other in similar_pairs(registry.by_id)
        if registry.by_id[one].file is not None
    )
    mapped: list[MappedNote] = []
    for note in notes:
        result, note_problems = map_note(note, vocabulary, registry)
        problems.extend(note_problems)
        mapped.append(result)
    if any(p.severity is Severity.ERROR for p in problems):
        raise InputError(problems)

    parts = fixed_parts(project, vocabulary, reference)
    parts.extend(result.part() for result in mapped)
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
    project: Project, vocabulary: Vocabulary, reference: ReferenceData
) -> list[GraphPart]:
    """The graphs that do not come from notes: the ontology and the reference data."""
    sources = ",".join(project.rel(p) for p in project.ontology_files())
    parts = [GraphPart(ONTOLOGY_GRAPH.value, "ontology", sources, vocabulary.triples)]
    for name, triples in sorted(reference.graphs.items()):
        parts.append(
            GraphPart(reference_graph(name).value, "reference", f"data/reference/{name}", triples)
        )
    return parts
