"""``tradekg docs``: generate the ontology's documentation and pictures into ``dist/docs/``.

Writes ``index.html`` (header, counts, diagrams), ``ontology.html`` (every term),
``classes.svg`` (classes, subclass links, object properties from domain to range),
``data.svg`` and ``data.html`` (the parties in the notes and the agreements, measures and
commitments between them). Everything is standalone: no network, no CDN assets. The data is
assembled in memory as ``tradekg build`` does; ``dist/`` itself is not needed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

from loader.files import beside, remove_killed, writing
from loader.graph.assemble import Assembled, assemble, count_instances
from loader.graph.parts import store_quads
from loader.namespaces import TKG, shorten
from loader.project import Project
from loader.publish.diagrams import Diagram, Edge, Node, render_svg, write_png
from loader.publish.html import data_page, index_page, ontology_page
from loader.publish.model import DocModel, build_model

#: The pages are written into ``.docs.tmp-PID`` beside the folder (see loader.files.beside).
TEMP_TAG = "tmp"

# The class tests run over the union of all graphs: the data's types are in the note graphs,
# the subclass links in the ontology's.
_PREFIXES = """
PREFIX tkg: <https://w3id.org/tradekg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
_LABEL = "OPTIONAL {{ {0} rdfs:label ?{1}Label FILTER (LANG(?{1}Label) IN ('en', '')) }}"

AGREEMENTS = (
    _PREFIXES
    + """SELECT DISTINCT ?agreement ?agreementLabel ?party ?partyLabel WHERE {
  ?agreement a/rdfs:subClassOf* tkg:Agreement ; tkg:party ?party .
  """
    + _LABEL.format("?agreement", "agreement")
    + "\n  "
    + _LABEL.format("?party", "party")
    + "\n}"
)
MEASURES = (
    _PREFIXES
    + """SELECT DISTINCT ?measure ?from ?fromLabel ?to ?toLabel ?rate ?kind ?kindLabel WHERE {
  ?measure a/rdfs:subClassOf* tkg:TradeMeasure ; tkg:imposedBy ?from ; tkg:appliesTo ?to .
  OPTIONAL { ?measure tkg:rate ?rate }
  OPTIONAL {
    ?measure a ?kind . ?kind rdfs:subClassOf+ tkg:TradeMeasure .
    FILTER NOT EXISTS { ?measure a ?narrower . ?narrower rdfs:subClassOf+ ?kind }
    OPTIONAL { ?kind rdfs:label ?kindLabel FILTER (LANG(?kindLabel) IN ('en', '')) }
  }
  """
    + _LABEL.format("?from", "from")
    + "\n  "
    + _LABEL.format("?to", "to")
    + "\n}"
)
COMMITMENTS = (
    _PREFIXES
    + """SELECT DISTINCT ?commitment ?from ?fromLabel ?to ?toLabel WHERE {
  ?commitment a/rdfs:subClassOf* tkg:Commitment ; tkg:obligor ?from ; tkg:beneficiary ?to .
  """
    + _LABEL.format("?from", "from")
    + "\n  "
    + _LABEL.format("?to", "to")
    + "\n}"
)


@dataclass
class DocsResult:
    """The files written, and the diagrams (for the README images)."""

    files: list[Path] = field(default_factory=list)
    classes: Diagram | None = None
    data: Diagram | None = None


def _node_id(iri: str) -> str:
    return "n" + hashlib.sha1(iri.encode("utf-8")).hexdigest()[:10]


def class_diagram(model: DocModel) -> Diagram:
    """Classes (blue), value sets (yellow), external ranges (grey), with their relations."""
    diagram = Diagram("tradekg ontology: classes and relations")
    shown: set[str] = set()
    for term in model.classes:
        diagram.nodes.append(
            Node(_node_id(term.iri), term.label, "box", f"ontology.html#{term.anchor}", "#ddf4ff")
        )
        shown.add(term.iri)
    for term in model.value_sets:
        diagram.nodes.append(
            Node(_node_id(term.iri), term.label, "note", f"ontology.html#{term.anchor}", "#fff8c5")
        )
        shown.add(term.iri)
    for term in model.classes:
        for parent in term.parents:
            if parent in shown:
                diagram.edges.append(Edge(_node_id(term.iri), _node_id(parent), "", "subclass"))
    external: set[str] = set()
    for prop in model.of_kind("object property"):
        for domain in prop.domains:
            for range_ in prop.ranges:
                if domain not in shown:
                    continue
                if range_ not in shown:
                    external.add(range_)
                diagram.edges.append(
                    Edge(_node_id(domain), _node_id(range_), prop.label, "property")
                )
    for iri in sorted(external):
        diagram.nodes.append(Node(_node_id(iri), shorten(iri), "ellipse", iri, "#eaeef2"))
    return diagram


def _label(solution: ox.QuerySolution, name: str) -> str:
    label = solution[f"{name}Label"]
    node = solution[name]
    if isinstance(label, ox.Literal):
        return label.value
    return shorten(node.value) if isinstance(node, ox.NamedNode) else str(node)


#: The parties a data picture names; the rest are drawn as one "other parties" node. With a
#: line per kind and direction, eight parties and ten pairs stay readable when the picture is
#: scaled to a page's width (labels about 9 px at 1,000 notes).
TOP_PARTIES = 8
#: The pairs a data picture draws: the most strongly bound, by the things their lines stand for.
TOP_LINKS = 10
#: Agreements with more parties than this are not drawn as links between every two of them.
PAIRWISE_AGREEMENT = 6
_OTHER = "other"


@dataclass
class _Links:
    """Relations between parties, counted per (kind, from, to), with the tariff rates."""

    things: dict[tuple[str, str, str], set[str]] = field(default_factory=dict)
    rates: dict[tuple[str, str], set[float]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    def add(self, kind: str, source: str, target: str, thing: str) -> None:
        if source and target and source != target:
            self.things.setdefault((kind, source, target), set()).add(thing)

    def degree(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for (_, source, target), things in self.things.items():
            for party in (source, target):
                counts[party] = counts.get(party, 0) + len(things)
        return counts


def _iri(solution: ox.QuerySolution, name: str) -> str:
    term = solution[name]
    return str(term.value) if isinstance(term, ox.NamedNode) else ""


def _read_links(store: ox.Store) -> _Links:
    links = _Links()

    def party(solution: ox.QuerySolution, name: str) -> str:
        iri = _iri(solution, name)
        if iri:
            links.labels.setdefault(iri, _label(solution, name))
        return iri

    members: dict[str, set[str]] = {}
    for s in store.query(AGREEMENTS, use_default_graph_as_union=True):  # type: ignore[union-attr]
        members.setdefault(_iri(s, "agreement"), set()).add(party(s, "party"))
    for agreement, parties in members.items():
        if len(parties) <= PAIRWISE_AGREEMENT:
            ordered = sorted(p for p in parties if p)
            for i, first in enumerate(ordered):
                for second in ordered[i + 1 :]:
                    links.add("member", first, second, agreement)
    for s in store.query(MEASURES, use_default_graph_as_union=True):  # type: ignore[union-attr]
        source, target = party(s, "from"), party(s, "to")
        # a trade measure by its most specific class: an export restriction is no tariff
        kind = _label(s, "kind") if s["kind"] is not None else "trade measure"
        links.add(f"measure:{kind.lower()}", source, target, _iri(s, "measure"))
        if s["rate"] is not None:
            links.rates.setdefault((source, target), set()).add(float(s["rate"].value))
    for s in store.query(COMMITMENTS, use_default_graph_as_union=True):  # type: ignore[union-attr]
        links.add("commitment", party(s, "from"), party(s, "to"), _iri(s, "commitment"))
    return links


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _edge_label(kind: str, count: int, rates: set[float]) -> str:
    """``2 tariff measures (19–46 %)``, ``1 export restriction``, ``3 commitments``."""
    if kind.startswith("measure:"):
        name = kind.split(":", 1)[1]
        text = f"{count} {name}" + ("" if count == 1 else "s")
        if rates and "tariff" in name:
            low, high = min(rates), max(rates)
            text += f" ({low:g} %)" if low == high else f" ({low:g}–{high:g} %)"
        return text
    return _plural(count, "shared agreement" if kind == "member" else "commitment")


def _kind_style(kind: str) -> str:
    """The legend's colours: measures red, commitments green, shared agreements dashed."""
    return "measure" if kind.startswith("measure:") else kind


def data_diagram(
    store: ox.Store, *, site: str | None = None
) -> tuple[Diagram, list[tuple[str, str, str, str]]]:
    """Parties and what binds them, aggregated so that it stays readable at any size.

    The :data:`TOP_PARTIES` parties with the most relations are drawn, all others as one
    node; between two nodes there is at most one line per kind and direction, drawn as the
    legend says (trade measures red, by kind, tariffs with their rates; commitments green;
    shared agreements dashed), each counting the things it stands for, and only the
    :data:`TOP_LINKS` most strongly bound pairs are drawn. ``site`` is the relative path to the
    browsable site (``tradekg site``): nodes then link to the parties' pages. The table
    lists every relation, uncut.
    """
    from loader.publish.site.paths import page_path

    links = _read_links(store)
    degree = links.degree()
    ranked = sorted(degree, key=lambda p: (-degree[p], links.labels.get(p, p)))
    top = set(ranked[:TOP_PARTIES])
    others = len(ranked) - len(top)
    rows = []
    pairs: dict[tuple[str, str], dict[str, set[str]]] = {}
    for (kind, source, target), things in sorted(links.things.items()):
        is_measure = kind.startswith("measure:")
        rate_set = links.rates.get((source, target), set()) if is_measure else set()
        relation = (
            "imposes measures on"
            if kind.startswith("measure:")
            else {"commitment": "commits to"}.get(kind, "shares agreements with")
        )
        rows.append(
            (
                links.labels.get(source, source),
                relation,
                links.labels.get(target, target),
                _edge_label(kind, len(things), rate_set),
            )
        )
        a = source if source in top else _OTHER
        b = target if target in top else _OTHER
        if a == b:
            continue
        first, second = sorted((a, b))
        if kind == "member":
            a, b = first, second
        bucket = pairs.setdefault((first, second), {})
        bucket.setdefault(f"{kind} {a} {b}", set()).update(things)
        if is_measure and (a != source or b != target):
            links.rates.setdefault((a, b), set()).update(rate_set)
    strength = {
        pair: sum(len(things) for things in kinds.values()) for pair, kinds in pairs.items()
    }
    strongest = sorted(pairs, key=lambda pair: (-strength[pair], pair))[:TOP_LINKS]
    drawn = {party for pair in strongest for party in pair}
    diagram = Diagram(
        "tradekg data: who imposes trade measures on, commits to and agrees with whom", layout="dot"
    )
    for iri in sorted(drawn - {_OTHER}):
        href = f"{site}{page_path(iri)}" if site else None
        diagram.nodes.append(
            Node(_node_id(iri), links.labels.get(iri, shorten(iri)), "ellipse", href, "#ddf4ff")
        )
    if _OTHER in drawn:
        diagram.nodes.append(
            Node(
                _node_id(_OTHER),
                _plural(others, "other party").replace("partys", "parties"),
                "box",
                None,
                "#eaeef2",
            )
        )
    for first, second in sorted(strongest):
        # one line per kind and direction, drawn as the legend says
        for key, things in sorted(pairs[(first, second)].items()):
            kind, a, b = key.rsplit(" ", 2)
            rates = links.rates.get((a, b), set())
            label = _edge_label(kind, len(things), rates)
            diagram.edges.append(Edge(_node_id(a), _node_id(b), label, _kind_style(kind)))
    left = len(pairs) - len(strongest)
    if left:
        diagram.title += f" (the {len(strongest)} strongest links; {left:,} more in the table)"
    return diagram, sorted(set(rows))


def _counts(assembled: Assembled) -> dict[str, int]:
    data = (t for part in assembled.parts if part.kind != "ontology" for t in part.triples)
    return count_instances(data, assembled.vocabulary)


def _site_instances(store: ox.Store) -> dict[str, int]:
    """How many pages each class's listing in the site has (the site's own rule)."""
    from loader.publish.site.model import read_pages

    _, types = read_pages(store)
    counts: dict[str, int] = {}
    for classes in types.values():
        for class_iri in classes:
            counts[class_iri] = counts.get(class_iri, 0) + 1
    return counts


def _strip_xml_prolog(svg: str) -> str:
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def generate(project: Project, out_dir: Path | None = None) -> DocsResult:
    """Write the documentation into ``out_dir`` (default ``dist/docs/``).

    Raises:
        InputError: the ontology, reference data or notes cannot be assembled, or the disk
            is full or ``out_dir`` cannot be written (its pages are then left as they were).
    """
    out = out_dir if out_dir is not None else project.dist_dir / "docs"
    assembled = assemble(project)
    model = build_model(assembled.vocabulary.triples)
    store = store_quads(assembled.parts)
    classes = class_diagram(model)
    data, rows = data_diagram(store, site="../site/")
    data_svg = render_svg(data)
    files = {
        "classes.svg": render_svg(classes),
        "data.svg": data_svg,
        "data.html": data_page(_strip_xml_prolog(data_svg), rows),
        "ontology.html": ontology_page(model, _site_instances(store)),
        "index.html": index_page(model, _counts(assembled), data_svg=True),
    }
    result = DocsResult(classes=classes, data=data)
    with writing(out, elsewhere="write the pages elsewhere with --out DIR"):
        out.mkdir(parents=True, exist_ok=True)
        result.files = _put_in_place(files, out)
    return result


def _put_in_place(files: dict[str, str], out: Path) -> list[Path]:
    """Write ``files`` into a folder beside ``out``, then rename each into ``out``.

    The renames need no space, so a full disk stops the run before any page of ``out``
    changed; other files in ``out`` are left alone. A killed run's folder is removed first.
    """
    remove_killed(out.resolve(), TEMP_TAG)
    temp = beside(out.resolve(), TEMP_TAG)
    shutil.rmtree(temp, ignore_errors=True)
    try:
        temp.mkdir()
        for name, text in files.items():
            (temp / name).write_text(text, encoding="utf-8")
        for name in files:
            os.replace(temp / name, out / name)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return [out / name for name in files]


def write_readme_images(result: DocsResult, images_dir: Path) -> list[Path]:
    """Copy the diagrams into ``images_dir`` as SVG, and as PNG when Graphviz is installed.

    Raises:
        InputError: the disk is full or ``images_dir`` cannot be written.
    """
    with writing(images_dir, elsewhere="give --images another folder"):
        return _write_images(result, images_dir)


def _write_images(result: DocsResult, images_dir: Path) -> list[Path]:
    images_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, diagram in (("classes", result.classes), ("data", result.data)):
        if diagram is None:
            continue
        if name == "data":  # the README has no site beside it: no links into one
            nodes = [replace(node, href=None) for node in diagram.nodes]
            diagram = Diagram(diagram.title, nodes, diagram.edges, diagram.layout)
        svg = images_dir / f"{name}.svg"
        svg.write_text(render_svg(diagram), encoding="utf-8")
        written.append(svg)
        png = images_dir / f"{name}.png"
        if write_png(diagram, png):
            written.append(png)
    return written


__all__ = ["TKG", "DocsResult", "class_diagram", "data_diagram", "generate"]
