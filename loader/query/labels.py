"""The words people know things by: labels for IRIs, read from the graph itself.

A result cell that is an IRI is shown by the thing's label — the note's ``label:``, the
reference data's country name, a controlled value's label — so that an answer reads
"Viet Nam", "maintained" instead of ``id:state/VNM``, ``tkg:measure-status-maintained``.
Labels come from the same store or endpoint that answered the query, with one query for all
the IRIs of an answer (in batches), so local and remote answers read the same.

Preference, per IRI: ``rdfs:label``, ``skos:prefLabel``, ``dcterms:title`` (a source's
title), ``skos:notation``, then ``schema:name``, each in English, then untagged, then any
language; an IRI with none of them is shown shortened (``id:state/VNM``), which is what
``--iris`` shows for every cell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import pyoxigraph as ox

from loader.namespaces import DCTERMS, RDFS, SCHEMA, SKOS
from loader.query.output import Readable
from loader.query.result import QueryResult, Solutions

#: Label properties, most preferred first.
LABEL_PROPERTIES: tuple[str, ...] = (
    RDFS + "label",
    SKOS + "prefLabel",
    DCTERMS + "title",
    SKOS + "notation",
    SCHEMA + "name",
)
#: Language tags, most preferred first ("" is an untagged literal).
LANGUAGES: tuple[str, ...] = ("en", "")

#: How many IRIs one label query asks about (keeps requests to endpoints small).
BATCH = 400

#: Runs a SELECT and returns its solutions: the embedded store or an endpoint.
Runner = Callable[[str], QueryResult]


def label_query(iris: Iterable[str], properties: Iterable[str] = LABEL_PROPERTIES) -> str:
    """One SELECT of every label-like value of ``iris``, over the union default graph.

    The properties are a ``FILTER``, not a second ``VALUES``: with two ``VALUES`` blocks
    Oxigraph scans every quad of the store and joins afterwards (1 s per batch at 1,000
    notes), with one it looks each IRI up in its subject index (40× faster).
    """
    values = " ".join(f"<{iri}>" for iri in iris)
    predicates = ", ".join(f"<{p}>" for p in properties)
    return (
        f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o . "
        f"FILTER(?p IN ({predicates}) && isLiteral(?o)) }}"
    )


def best_label(
    candidates: Iterable[tuple[str, ox.Literal]], properties: tuple[str, ...] = LABEL_PROPERTIES
) -> str | None:
    """The most preferred (property, literal) pair's text, or None when there is none."""

    def rank(item: tuple[str, ox.Literal]) -> tuple[int, int, str]:
        prop, literal = item
        language = (literal.language or "").lower().split("-")[0]
        lang_rank = LANGUAGES.index(language) if language in LANGUAGES else len(LANGUAGES)
        return properties.index(prop), lang_rank, literal.value

    ranked = sorted(candidates, key=rank)
    return ranked[0][1].value if ranked else None


def fetch_labels(
    iris: Iterable[str], run: Runner, *, properties: tuple[str, ...] = LABEL_PROPERTIES
) -> dict[str, str]:
    """IRI → label for those of ``iris`` that have one (see the module docstring).

    ``properties`` narrows the look-up, e.g. to ``skos:notation`` for unit symbols. An
    answer of another shape (other columns, a triple term where a literal belongs) gives no
    label for what it got wrong rather than an error: the cell is then shown as its IRI.
    """
    wanted = sorted(set(iris))
    found: dict[str, list[tuple[str, ox.Literal]]] = {}
    for start in range(0, len(wanted), BATCH):
        answer = run(label_query(wanted[start : start + BATCH], properties))
        # an endpoint may answer other columns than asked for: read them by name, skip the rest
        if not isinstance(answer, Solutions) or not {"s", "p", "o"} <= set(answer.variables):
            continue
        columns = [answer.variables.index(name) for name in ("s", "p", "o")]
        for row in answer.rows:
            subject, prop, value = (row[i] for i in columns)
            if (
                isinstance(subject, ox.NamedNode)
                and isinstance(prop, ox.NamedNode)
                and prop.value in properties  # not asked for: it has no rank
                and isinstance(value, ox.Literal)
            ):
                found.setdefault(subject.value, []).append((prop.value, value))
    labels: dict[str, str] = {}
    for iri, candidates in found.items():
        label = best_label(candidates, properties)
        if label:
            labels[iri] = label
    return labels


def store_labels(
    store: ox.Store, iris: Iterable[str], *, properties: tuple[str, ...] = LABEL_PROPERTIES
) -> dict[str, str]:
    """:func:`fetch_labels` on the embedded store, by index look-ups instead of a query.

    Oxigraph joins ``VALUES`` with a triple pattern by scanning the pattern, so for many IRIs
    a query costs as much as the store is large; one look-up per IRI and property does not.
    """
    nodes = [ox.NamedNode(p) for p in properties]
    labels: dict[str, str] = {}
    for iri in set(iris):
        subject = ox.NamedNode(iri)
        candidates = [
            (prop.value, quad.object)
            for prop in nodes
            for quad in store.quads_for_pattern(subject, prop, None, None)
            if isinstance(quad.object, ox.Literal)
        ]
        label = best_label(candidates, properties)
        if label:
            labels[iri] = label
    return labels


def iris_in(result: Solutions) -> set[str]:
    """Every IRI that appears in a cell of ``result``."""
    return {cell.value for row in result.rows for cell in row if isinstance(cell, ox.NamedNode)}


def readable_answer(
    result: QueryResult,
    units: Mapping[str, str],
    labels_of: Callable[[set[str], tuple[str, ...]], dict[str, str]],
) -> Readable | None:
    """Labels for an answer's IRIs and symbols for its units, looked up with ``labels_of``
    (the engine that answered: the embedded store, a server, the served graph); None for an
    answer that is not rows."""
    if not isinstance(result, Solutions):
        return None
    unit_columns = {u[1:] for u in units.values() if u.startswith("?")}
    unit_iris = {
        cell.value
        for row in result.rows
        for name, cell in zip(result.variables, row, strict=True)
        if name in unit_columns and isinstance(cell, ox.NamedNode)
    }
    symbols = labels_of(unit_iris, (SKOS + "notation",)) if unit_iris else {}
    return Readable(
        labels=labels_of(iris_in(result), LABEL_PROPERTIES), units=units, symbols=symbols
    )
