"""``tradekg docs``: generate the ontology's documentation and pictures into ``dist/docs/``.

Writes ``index.html`` (header, counts, diagrams), ``ontology.html`` (every term),
``classes.svg`` (classes, subclass links, object properties from domain to range),
``data.svg`` and ``data.html`` (the parties in the notes and the agreements, measures and
commitments between them). Everything is standalone: no network, no CDN assets. The data is
assembled in memory as ``tradekg build`` does; ``dist/`` itself is not needed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from loader.graph.assemble import Assembled, assemble, count_instances
from loader.graph.parts import store_quads
from loader.namespaces import TKG, shorten
from loader.project import Project
from loader.publish.diagrams import Diagram, Edge, Node, render_svg, write_png
from loader.publish.html import data_page, index_page, ontology_page
from loader.publish.model import DocModel, build_model

_PREFIXES = """
PREFIX tkg: <https://w3id.org/tradekg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
_LABEL = "OPTIONAL {{ {0} rdfs:label ?{1}Label FILTER (LANG(?{1}Label) IN ('en', '')) }}"

AGREEMENTS = (
    _PREFIXES
    + """SELECT DISTINCT ?agreement ?agreementLabel ?party ?partyLabel ?graph WHERE {
  GRAPH ?graph { ?agreement a/rdfs:subClassOf* tkg:Agreement ; tkg:party ?party }
  """
    + _LABEL.format("?agreement", "agreement")
    + "\n  "
    + _LABEL.format("?party", "party")
    + "\n}"
)
MEASURES = (
    _PREFIXES
    + """SELECT DISTINCT ?from ?fromLabel ?to ?toLabel ?rate ?status ?graph WHERE {
  GRAPH ?graph { ?measure a/rdfs:subClassOf* tkg:TradeMeasure ; tkg:imposedBy ?from ;
                 tkg:appliesTo ?to .
    OPTIONAL { ?measure tkg:rate ?rate }
    OPTIONAL { ?measure tkg:measureStatus ?statusValue } }
  OPTIONAL { ?statusValue skos:notation ?status }
  """
    + _LABEL.format("?from", "from")
    + "\n  "
    + _LABEL.format("?to", "to")
    + "\n}"
)
COMMITMENTS = (
    _PREFIXES
    + """SELECT DISTINCT ?from ?fromLabel ?to ?toLabel ?kind ?graph WHERE {
  GRAPH ?graph { ?commitment a/rdfs:subClassOf* tkg:Commitment ; tkg:obligor ?from ;
                 tkg:beneficiary ?to .
    OPTIONAL { ?commitment tkg:commitmentType ?kindValue } }
  OPTIONAL { ?kindValue skos:notation ?kind }
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


def _short_graph(graph: object) -> str:
    text = graph.value if isinstance(graph, ox.NamedNode) else str(graph)
    return text.rsplit("/note/", 1)[-1]


def data_diagram(store: ox.Store) -> tuple[Diagram, list[tuple[str, str, str, str]]]:
    """Parties and the agreements, measures and commitments between them, and a table of it."""
    diagram = Diagram("tradekg data: parties, agreements, measures and commitments", layout="neato")
    nodes: dict[str, Node] = {}
    rows: list[tuple[str, str, str, str]] = []

    def party(solution: ox.QuerySolution, name: str) -> str:
        iri = str(solution[name].value) if solution[name] is not None else ""
        nodes.setdefault(
            iri, Node(_node_id(iri), _label(solution, name), "ellipse", None, "#ddf4ff")
        )
        return _node_id(iri)

    for s in store.query(AGREEMENTS, use_default_graph_as_union=True):  # type: ignore[union-attr]
        agreement = str(s["agreement"].value)
        label = _label(s, "agreement")
        nodes.setdefault(agreement, Node(_node_id(agreement), label, "box", None, "#fff8c5"))
        diagram.edges.append(Edge(_node_id(agreement), party(s, "party"), "", "member"))
        rows.append((label, "party", _label(s, "party"), _short_graph(s["graph"])))
    for s in store.query(MEASURES, use_default_graph_as_union=True):  # type: ignore[union-attr]
        rate = f"{s['rate'].value}%" if s["rate"] is not None else "measure"
        status = f" ({s['status'].value})" if s["status"] is not None else ""
        diagram.edges.append(Edge(party(s, "from"), party(s, "to"), rate + status, "measure"))
        rows.append(
            (
                _label(s, "from"),
                f"tariff {rate}{status} on",
                _label(s, "to"),
                _short_graph(s["graph"]),
            )
        )
    for s in store.query(COMMITMENTS, use_default_graph_as_union=True):  # type: ignore[union-attr]
        kind = str(s["kind"].value) if s["kind"] is not None else "commitment"
        diagram.edges.append(Edge(party(s, "from"), party(s, "to"), kind, "commitment"))
        rows.append(
            (_label(s, "from"), f"commits ({kind}) to", _label(s, "to"), _short_graph(s["graph"]))
        )
    diagram.nodes = sorted(nodes.values(), key=lambda n: n.id)
    diagram.edges = _merge_parallel(diagram.edges)
    return diagram, sorted(set(rows))


def _merge_parallel(edges: list[Edge]) -> list[Edge]:
    """One edge per (from, to, kind): "3 commitments" instead of three parallel arrows."""
    labels: dict[tuple[str, str, str], set[str]] = {}
    for edge in edges:
        labels.setdefault((edge.source, edge.target, edge.style), set()).add(edge.label)
    merged = []
    for (source, target, style), texts in sorted(labels.items()):
        names = sorted(t for t in texts if t)
        label = ", ".join(names) if len(names) <= 2 else f"{len(names)} kinds of {style}"
        merged.append(Edge(source, target, label, style))
    return merged


def _counts(assembled: Assembled) -> dict[str, int]:
    data = (t for part in assembled.parts if part.kind != "ontology" for t in part.triples)
    return count_instances(data, assembled.vocabulary)


def _strip_xml_prolog(svg: str) -> str:
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def generate(project: Project, out_dir: Path | None = None) -> DocsResult:
    """Write the documentation into ``out_dir`` (default ``dist/docs/``).

    Raises:
        InputError: the ontology, reference data or notes cannot be assembled.
    """
    out = out_dir if out_dir is not None else project.dist_dir / "docs"
    out.mkdir(parents=True, exist_ok=True)
    assembled = assemble(project)
    model = build_model(assembled.vocabulary.triples)
    store = store_quads(assembled.parts)
    classes = class_diagram(model)
    data, rows = data_diagram(store)
    data_svg = render_svg(data)
    files = {
        "classes.svg": render_svg(classes),
        "data.svg": data_svg,
        "data.html": data_page(_strip_xml_prolog(data_svg), rows),
        "ontology.html": ontology_page(model),
        "index.html": index_page(model, _counts(assembled), data_svg=True),
    }
    result = DocsResult(classes=classes, data=data)
    for name, text in files.items():
        path = out / name
        path.write_text(text, encoding="utf-8")
        result.files.append(path)
    return result


def write_readme_images(result: DocsResult, images_dir: Path) -> list[Path]:
    """Copy the diagrams into ``images_dir`` as SVG, and as PNG when Graphviz is installed."""
    images_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, diagram in (("classes", result.classes), ("data", result.data)):
        if diagram is None:
            continue
        svg = images_dir / f"{name}.svg"
        svg.write_text(render_svg(diagram), encoding="utf-8")
        written.append(svg)
        png = images_dir / f"{name}.png"
        if write_png(diagram, png):
            written.append(png)
    return written


__all__ = ["TKG", "DocsResult", "class_diagram", "data_diagram", "generate"]
