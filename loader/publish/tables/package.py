"""The Frictionless data package that describes an export: ``datapackage.json``.

A researcher opens the tables in R, pandas or a spreadsheet; the descriptor says what each
column is (type, description from the ontology), which columns identify a row and which
point into another table, under which licences the data is and where it came from — all
read from the build (its VoID/DCAT description and the ontology), so that
``frictionless validate`` can check the files against it.

Dates are typed ``date``, ``yearmonth`` or ``year`` only when every value in the column has
that one precision. A column that mixes them (a source dated ``2025-10-27``, another only
``2025``) is a ``string``: Table Schema gives a field one type, and turning ``2025`` into
``2025-01-01`` would invent a precision the source does not give.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from loader.namespaces import DCAT, DCTERMS, GRAPH, RDFS
from loader.publish.tables.model import Field, Table

DATASET_IRI = "https://w3id.org/tradekg/dataset"
VOID_GRAPH = GRAPH + "void"

#: Open Definition ids of the licences the project's data is under.
LICENCE_NAMES = {
    "https://creativecommons.org/licenses/by/4.0/": (
        "CC-BY-4.0",
        "Creative Commons Attribution 4.0",
    ),
    "https://creativecommons.org/publicdomain/zero/1.0/": ("CC0-1.0", "CC0 1.0"),
    "https://opendatacommons.org/licenses/pddl/1-0/": (
        "ODC-PDDL-1.0",
        "Open Data Commons Public Domain Dedication and License 1.0",
    ),
}


@dataclass(frozen=True)
class Format:
    """How a table is written: file extension, Table Schema format name, media type."""

    extension: str
    name: str
    mediatype: str


FORMATS = {
    "csv": Format("csv", "csv", "text/csv"),
    "parquet": Format("parquet", "parquet", "application/vnd.apache.parquet"),
}


@dataclass(frozen=True)
class About:
    """What the build says about itself: title, version, licences, where the data came from."""

    title: str
    version: str
    licences: tuple[str, ...]
    sources: tuple[str, ...]


def read_about(store: ox.Store) -> About:
    """The dataset's title, version and licences (VoID/DCAT) and the reference data's sources."""
    dataset = ox.NamedNode(DATASET_IRI)
    void = ox.NamedNode(VOID_GRAPH)

    def values(predicate: str) -> list[str]:
        found = store.quads_for_pattern(dataset, ox.NamedNode(predicate), None, void)
        return sorted(
            {quad.object.value for quad in found if not isinstance(quad.object, ox.Triple)}
        )

    titles = values(DCTERMS + "title") or values(RDFS + "label") or ["tradekg"]
    versions = values(DCAT + "version") or [""]
    answer = store.query(
        f"SELECT DISTINCT ?source WHERE {{ GRAPH ?g {{ ?s <{DCTERMS}source> ?source }} "
        f'FILTER(STRSTARTS(STR(?g), "{GRAPH}reference/") && isIRI(?source)) }}'
    )
    assert isinstance(answer, ox.QuerySolutions)
    sources = sorted({row["source"].value for row in answer})
    return About(titles[0], versions[0], tuple(values(DCTERMS + "license")), tuple(sources))


def descriptor(tables: Sequence[Table], about: About, fmt: str) -> dict[str, object]:
    """The data package: one tabular resource per table, with its schema and keys."""
    kind = FORMATS[fmt]
    names = {table.name for table in tables}
    resources: list[dict[str, object]] = []
    for table in tables:
        schema: dict[str, object] = {
            "fields": [_field(field, field.name in table.primary_key) for field in table.fields],
            "primaryKey": list(table.primary_key),
            "missingValues": [""],
        }
        keys = [
            {"fields": field.name, "reference": {"resource": field.refers_to, "fields": "id"}}
            for field in table.fields
            if field.refers_to is not None and field.refers_to in names
        ]
        if keys:
            schema["foreignKeys"] = keys
        resource: dict[str, object] = {
            "name": table.name,
            "title": table.title,
            "description": table.description,
            "path": f"{table.name}.{kind.extension}",
            "profile": "tabular-data-resource",
            "format": kind.name,
            "mediatype": kind.mediatype,
            "encoding": "utf-8",
            "schema": schema,
        }
        if fmt == "csv":
            resource["dialect"] = {"delimiter": ",", "lineTerminator": "\r\n", "header": True}
        resources.append(resource)
    licences = [_licence(iri) for iri in about.licences]
    sources: list[dict[str, str]] = [{"title": iri, "path": iri} for iri in about.sources]
    if "sources" in names:
        sources.append(
            {
                "title": "The source documents the notes record, one row each in sources",
                "path": f"sources.{kind.extension}",
            }
        )
    package: dict[str, object] = {
        "profile": "tabular-data-package",
        "name": "tradekg",
        "title": about.title,
        "description": (
            "Flat tables of the tradekg knowledge graph: one table per kind of thing, one "
            "row per thing, with each statement's claim status, source and evidence quote."
        ),
        "homepage": "https://w3id.org/tradekg",
        "id": DATASET_IRI,
        "version": about.version,
        "licenses": licences,
        "sources": sources,
        "resources": resources,
    }
    return package


def to_json(package: dict[str, object]) -> str:
    """The descriptor as written: sorted keys inside objects would reorder fields, so not."""
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"


def _field(field: Field, key: bool) -> dict[str, object]:
    item: dict[str, object] = {
        "name": field.name,
        "type": field.type,
        "description": field.description,
    }
    if field.type in ("date", "yearmonth", "year"):
        item["format"] = "default"
    if key:
        item["constraints"] = {"required": True}
    return item


def _licence(iri: str) -> dict[str, str]:
    name, title = LICENCE_NAMES.get(iri, ("", iri))
    licence = {"path": iri, "title": title}
    if name:
        licence["name"] = name
    return licence
