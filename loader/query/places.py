"""Where each quote of a statement stands in its archived source text, from its annotations.

The build proves each quote against the source text and records the place as a Web
Annotation (``oa:hasBody`` the statement, ``oa:hasTarget`` → selectors with ``oa:exact``,
``oa:start``, ``oa:end``). Read by look-ups that is four reads per quote, for every thing
``show`` lists; so the selectors of all the annotations are asked for in one query, and only
an annotation that the query cannot answer unambiguously (a blank node, more than one
target or value) is read by look-ups, in the store's order as before.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from loader.namespaces import OA
from loader.query.output import plain
from loader.query.reader import Reader

#: (quote with its runs of space folded, (start, end) in the source text)
Place = tuple[str, tuple[int, int]]
_Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
_SELECTED = (OA + "exact", OA + "start", OA + "end")
#: How many annotations one query asks about.
BATCH = 500


def quote_places(read: Reader, subjects: Iterable[str]) -> dict[str, list[Place]]:
    """Subject → the place of each of its annotations' quotes, in the store's order of the
    annotations (the first place of a quote is the one shown)."""
    body = ox.NamedNode(OA + "hasBody")
    annotations: dict[str, list[_Term]] = {}
    for subject in subjects:
        quads = read.store.quads_for_pattern(None, body, ox.NamedNode(subject))
        annotations[subject] = [q.subject for q in quads]
    named = sorted(
        {a.value for found in annotations.values() for a in found if isinstance(a, ox.NamedNode)}
    )
    answered: dict[str, list[Place]] = {}
    for start in range(0, len(named), BATCH):
        answered.update(_selected(read.store, named[start : start + BATCH]))
    places: dict[str, list[Place]] = {}
    for subject, found in annotations.items():
        entries = places.setdefault(subject, [])
        for annotation in found:
            known = answered.get(annotation.value) if isinstance(annotation, ox.NamedNode) else None
            entries += known if known is not None else _looked_up(read, annotation)
    return places


def _selected(store: ox.Store, annotations: list[str]) -> dict[str, list[Place]]:
    """Annotation IRI → its place, for those with one target and at most one of each value
    (the others are left out, to be read by look-ups)."""
    values = " ".join(f"<{a}>" for a in annotations)
    props = ", ".join(f"<{p}>" for p in _SELECTED)
    answer = store.query(
        f"SELECT ?a ?t ?p ?v WHERE {{ VALUES ?a {{ {values} }} ?a <{OA}hasTarget> ?t . "
        f"?t <{OA}hasSelector> ?sel . ?sel ?p ?v FILTER(?p IN ({props})) }}",
        use_default_graph_as_union=True,
    )
    targets: dict[str, set[str]] = {}
    found: dict[str, dict[str, list[_Term]]] = {}
    if isinstance(answer, ox.QuerySolutions):
        for row in answer:
            a, t, p, v = row["a"], row["t"], row["p"], row["v"]
            if a is None or t is None or p is None or v is None:
                continue
            targets.setdefault(a.value, set()).add(str(t))
            found.setdefault(a.value, {}).setdefault(p.value, []).append(v)
    known: dict[str, list[Place]] = {a: [] for a in annotations}  # no row: no place
    for a, by_prop in found.items():
        if len(targets[a]) != 1 or any(len(v) > 1 for v in by_prop.values()):
            del known[a]
            continue
        if all(p in by_prop for p in _SELECTED):
            exact, start, end = (by_prop[p][0] for p in _SELECTED)
            known[a] = [(" ".join(plain(exact).split()), (int(plain(start)), int(plain(end))))]
    return known


def _looked_up(read: Reader, annotation: _Term) -> list[Place]:
    """The places of one annotation by look-ups (its targets and selectors read whole)."""

    def objects(node: _Term, prop: str) -> list[_Term]:
        return read.objects(node, prop, whole=True)

    places = []
    for target in objects(annotation, OA + "hasTarget"):
        selectors = objects(target, OA + "hasSelector")
        exact = [plain(e) for sel in selectors for e in objects(sel, OA + "exact")]
        start = [int(plain(v)) for sel in selectors for v in objects(sel, OA + "start")]
        end = [int(plain(v)) for sel in selectors for v in objects(sel, OA + "end")]
        if exact and start and end:
            places.append((" ".join(exact[0].split()), (start[0], end[0])))
    return places
