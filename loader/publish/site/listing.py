"""The columns of a class's listing: what most of its things state, read from the data.

A listing of tariff measures is read for who imposes what on whom, at which rate and status,
from which source — not for names alone. Which columns a class gets is not written down
anywhere: it is the properties most of its things have (so a class a researcher adds gets
columns too), leaving out names, quotes and other provenance, plus the source.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pyoxigraph as ox

from loader.namespaces import OWL_SAME_AS, PROV, RDF, RDFS, SKOS, TKG
from loader.publish.site.model import SiteData, Term
from loader.publish.site.render import by_name, value_of

#: How many property columns a listing shows at most (besides name and source).
MAX_COLUMNS = 7
#: A property is a column when at least this share of the class's things state it.
MIN_SHARE = 0.3
#: Never columns: names (the name column has them), quotes, provenance and bookkeeping.
LEFT_OUT = frozenset(
    {
        RDF + "type",
        RDFS + "label",
        SKOS + "prefLabel",
        SKOS + "altLabel",
        SKOS + "hiddenLabel",
        SKOS + "definition",
        SKOS + "editorialNote",
        SKOS + "inScheme",
        SKOS + "broader",
        SKOS + "exactMatch",
        SKOS + "closeMatch",
        TKG + "evidence",
        TKG + "generatedLabel",
        TKG + "reportedAs",
        PROV + "wasDerivedFrom",
        PROV + "wasAttributedTo",
        OWL_SAME_AS,
    }
)
SOURCE = PROV + "wasDerivedFrom"
_STATUS = TKG + "claimStatus"
#: Cells list at most this many values ("and N more" after them).
MAX_VALUES = 3

Facts = dict[str, list[Term]]


def facts_of(d: SiteData, things: Sequence[str]) -> dict[str, Facts]:
    """Each thing's properties and values (from every graph, each value once)."""
    found: dict[str, Facts] = {}
    for iri in things:
        facts: Facts = {}
        for quad in d.store.quads_for_pattern(ox.NamedNode(iri), None, None):
            values = facts.setdefault(quad.predicate.value, [])
            if quad.object not in values:
                values.append(quad.object)
        found[iri] = facts
    return found


def columns_of(facts: dict[str, Facts]) -> list[str]:
    """The properties most of the things state, most common first (see the module)."""
    counts = Counter(p for one in facts.values() for p in one if p not in LEFT_OUT)
    enough = max(1, int(len(facts) * MIN_SHARE))
    common = [p for p, n in counts.most_common() if n >= enough]
    # the most common first; how the sources tell it (claim status) last, before the source
    return sorted(common[:MAX_COLUMNS], key=lambda p: (p == _STATUS, -counts[p], p))


def has_sources(facts: dict[str, Facts]) -> bool:
    return any(SOURCE in one for one in facts.values())


def cells(d: SiteData, facts: Facts, columns: Sequence[str], *, sources: bool) -> list[str]:
    """The listing's cells for one thing (already escaped HTML)."""
    row = [_values(d, p, facts.get(p, [])) for p in columns]
    if sources:
        row.append(_values(d, SOURCE, facts.get(SOURCE, [])))
    return row


def _values(d: SiteData, predicate: str, terms: list[Term]) -> str:
    shown = []
    for term in sorted(terms, key=lambda t: by_name(d, t))[:MAX_VALUES]:
        shown.append(value_of(d, predicate, term, nowrap=True))
    more = len(terms) - MAX_VALUES
    if more > 0:
        shown.append(f'<span class="more">+{more}</span>')
    return ", ".join(shown)
