"""The reference engine: pySHACL over an rdflib graph of exactly the triples the fast engine sees.

It is slow (per-focus-node evaluation, ``sh:sparql`` re-parsed per node; TOOLS.md) but it is
an independent implementation of the standard, so ``tradekg validate --engine pyshacl`` and
the tests use it to keep the fast engine honest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from loader.namespaces import RDF, SH
from loader.validate.results import RawResult, from_rdflib


def to_rdflib(triples: Iterable[ox.Triple]) -> Any:
    """An rdflib graph of ``triples``, built term by term (faster than re-parsing N-Triples)."""
    import rdflib

    graph = rdflib.Graph()
    for triple in triples:
        graph.add((_term(triple.subject), _term(triple.predicate), _term(triple.object)))
    return graph


def _term(term: object) -> Any:
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise TypeError(f"cannot convert {term!r}")


def run(shape_files: Sequence[Path], data: Any) -> list[RawResult]:
    """Validate ``data`` (an rdflib graph) with pySHACL against the shapes files.

    Raises:
        pyshacl.errors.ReportableRuntimeError: pySHACL could not evaluate a shape.
    """
    import pyshacl
    import rdflib

    shapes = rdflib.Graph()
    for path in shape_files:
        shapes.parse(path, format="turtle")
    _conforms, report, _text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        allow_infos=True,
        advanced=False,
    )
    sh = rdflib.Namespace(SH)
    results: list[RawResult] = []
    for result in report.objects(None, sh.result):
        if (result, rdflib.URIRef(RDF + "type"), sh.ValidationResult) not in report:
            continue
        value = report.value(result, sh.value)
        path = report.value(result, sh.resultPath)
        results.append(
            RawResult(
                focus=from_rdflib(report.value(result, sh.focusNode)),
                rule=str(report.value(result, sh.sourceShape)),
                value=from_rdflib(value) if value is not None else None,
                path=str(path) if isinstance(path, rdflib.URIRef) else None,
            )
        )
    return results
