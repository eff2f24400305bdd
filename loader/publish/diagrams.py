"""Diagrams as SVG: laid out by Graphviz ``dot`` when it is installed, else by a simple grid.

A :class:`Diagram` is plain nodes and edges; :func:`to_dot` writes it as DOT and
:func:`render_svg` asks ``dot`` for SVG (Debian package ``graphviz``). Without Graphviz the
fallback writes an SVG itself (nodes on a grid, straight edges) so that ``tradekg docs`` never
needs anything beyond Python; the pictures are just less tidy.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from dataclasses import dataclass, field
from html import escape
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    label: str
    shape: str = "box"  # box, ellipse, note
    href: str | None = None
    fill: str = "#ffffff"


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    label: str = ""
    style: str = "property"  # property, subclass, member, measure, commitment


@dataclass
class Diagram:
    title: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    layout: str = "dot"  # the Graphviz engine: dot (layered) or neato/circo


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


_EDGE_STYLES = {
    "property": 'color="#0969da", fontcolor="#0969da"',
    "subclass": 'arrowhead=empty, color="#57606a"',
    "member": 'arrowhead=none, style=dashed, color="#8c959f"',
    "measure": 'color="#cf222e", fontcolor="#cf222e"',
    "commitment": 'color="#1a7f37", fontcolor="#1a7f37"',
    "pair": 'arrowhead=none, color="#6e7781", fontcolor="#1b1f24", penwidth=1.2',
}


def to_dot(diagram: Diagram) -> str:
    """The diagram in DOT, nodes and edges in a stable order (same input, same bytes)."""
    lines = [
        "digraph tradekg {",
        f'  graph [label={_quote(diagram.title)}, labelloc=t, fontname="DejaVu Sans", '
        'rankdir=LR, overlap=false, splines=true, bgcolor="white"];',
        '  node [fontname="DejaVu Sans", fontsize=10, style=filled];',
        '  edge [fontname="DejaVu Sans", fontsize=10];',
    ]
    for node in sorted(diagram.nodes, key=lambda n: n.id):
        attrs = [
            f"label={_quote(node.label)}",
            f"shape={node.shape}",
            f"fillcolor={_quote(node.fill)}",
        ]
        if node.href:
            attrs.append(f"href={_quote(node.href)}")
        lines.append(f"  {_quote(node.id)} [{', '.join(attrs)}];")
    for edge in sorted(diagram.edges, key=lambda e: (e.source, e.target, e.label)):
        style = _EDGE_STYLES.get(edge.style, "")
        label = f"label={_quote(edge.label)}, " if edge.label else ""
        lines.append(f"  {_quote(edge.source)} -> {_quote(edge.target)} [{label}{style}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def graphviz_available() -> bool:
    return shutil.which("dot") is not None


def render(diagram: Diagram, fmt: str = "svg") -> bytes:
    """Lay out and render with Graphviz (``fmt``: svg or png).

    Raises:
        RuntimeError: Graphviz is not installed or failed (the message says which).
    """
    engine = shutil.which(diagram.layout) or shutil.which("dot")
    if engine is None:
        raise RuntimeError("Graphviz is not installed (Debian: apt-get install graphviz)")
    result = subprocess.run(
        [engine, f"-T{fmt}"],
        input=to_dot(diagram).encode("utf-8"),
        capture_output=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"Graphviz failed: {result.stderr.decode('utf-8', 'replace').strip()}")
    return result.stdout


def render_svg(diagram: Diagram) -> str:
    """SVG text: Graphviz's layout if available, else :func:`fallback_svg`."""
    if graphviz_available():
        try:
            return render(diagram, "svg").decode("utf-8")
        except RuntimeError:
            pass  # a broken Graphviz install: the fallback still gives a picture
    return fallback_svg(diagram)


def write_png(diagram: Diagram, path: Path) -> bool:
    """Write a PNG with Graphviz; ``False`` (and nothing written) when Graphviz is missing."""
    if not graphviz_available():
        return False
    path.write_bytes(render(diagram, "png"))
    return True


def fallback_svg(diagram: Diagram) -> str:
    """An SVG drawn without Graphviz: nodes on a grid (or a circle for neato), straight edges."""
    count = max(len(diagram.nodes), 1)
    width_cell, height_cell = 190, 70
    nodes = sorted(diagram.nodes, key=lambda n: n.id)
    positions: dict[str, tuple[float, float]] = {}
    if diagram.layout == "dot":
        columns = max(1, math.ceil(math.sqrt(count)))
        for i, node in enumerate(nodes):
            positions[node.id] = (
                100 + (i % columns) * width_cell,
                80 + (i // columns) * height_cell,
            )
        width = 100 + columns * width_cell
        height = 80 + math.ceil(count / columns) * height_cell
    else:
        radius = max(200.0, count * 28 / math.pi)
        for i, node in enumerate(nodes):
            angle = 2 * math.pi * i / count
            positions[node.id] = (
                radius + 120 + radius * math.cos(angle),
                radius + 80 + radius * math.sin(angle),
            )
        width = height = int(2 * radius + 240)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{int(width)}" height="{int(height)}" '
        f'viewBox="0 0 {int(width)} {int(height)}" font-family="DejaVu Sans, sans-serif">',
        f"<title>{escape(diagram.title)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" '
        'markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#57606a"/></marker>'
        "</defs>",
        f'<text x="10" y="24" font-size="16">{escape(diagram.title)}</text>',
    ]
    for edge in diagram.edges:
        if edge.source not in positions or edge.target not in positions:
            continue
        (x1, y1), (x2, y2) = positions[edge.source], positions[edge.target]
        out.append(
            f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" stroke="#8c959f" '
            'marker-end="url(#arrow)"/>'
        )
        if edge.label:
            out.append(
                f'<text x="{(x1 + x2) / 2:.0f}" y="{(y1 + y2) / 2:.0f}" font-size="8" '
                f'fill="#0969da">{escape(edge.label)}</text>'
            )
    for node in nodes:
        x, y = positions[node.id]
        out.append(
            f'<g><rect x="{x - 85:.0f}" y="{y - 18:.0f}" width="170" height="36" rx="6" '
            f'fill="{escape(node.fill)}" stroke="#57606a"/>'
            f'<text x="{x:.0f}" y="{y + 4:.0f}" font-size="10" text-anchor="middle">'
            f"{escape(node.label)}</text></g>"
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"
