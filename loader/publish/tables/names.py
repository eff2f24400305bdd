"""Names in the tables: a thing's id as notes write it, and column and table names.

Column names are the property's local name in snake case (``imposedBy`` → ``imposed_by``),
table names the class's in kebab case and plural (``TariffRateQuota`` →
``tariff-rate-quotas``), so a researcher can guess them from the ontology.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from loader.namespaces import DCTERMS, GRAPH, ID, PROV, RDFS, SCHEMA, SKOS, TKG


class Ids:
    """How a cell names an IRI: a thing by its id as notes write it (from ``ids.json``, else
    the end of its IRI), a controlled value by its notation, anything by its label."""

    def __init__(
        self,
        ids: Mapping[str, str] | None,
        notations: Mapping[str, str],
        labels: Mapping[str, str | None],
    ) -> None:
        self._by_iri: dict[str, str] = {}
        for key, iri in sorted((ids or {}).items(), key=lambda kv: (len(kv[0]), kv[0])):
            self._by_iri[iri] = key  # the longest id wins: hs:2805 rather than 2805
        self.notations = notations
        self.labels = labels

    def of(self, iri: str) -> str:
        known = self._by_iri.get(iri)
        if known is not None:
            return known
        if iri.startswith(ID) and iri.count("/") > ID.count("/"):
            return iri[len(ID) :].split("/", 1)[1]
        if iri.startswith(GRAPH + "note/"):
            return iri[len(GRAPH + "note/") :]
        return iri


PREFIXES = {
    TKG: "tkg",
    SKOS: "skos",
    DCTERMS: "dcterms",
    SCHEMA: "schema",
    PROV: "prov",
    RDFS: "rdfs",
}


def local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1] or iri


def prefix(iri: str) -> str:
    for namespace, prefix in PREFIXES.items():
        if iri.startswith(namespace):
            return prefix
    return "x"


def snake(name: str) -> str:
    """``imposedBy`` → ``imposed_by``, ``HSCode`` → ``hs_code``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name)
    return re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")


def kebab(name: str) -> str:
    return snake(name).replace("_", "-")


def plural(name: str) -> str:
    """A table's name from its class's: ``sector`` → ``sectors``, ``policy`` → ``policies``."""
    if re.search(r"[^aeiou]y$", name):
        return name[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", name):
        return name + "es"
    return name + "s"
