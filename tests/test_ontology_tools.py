"""`tradekg docs`, `tradekg fmt` and `tradekg diff` on the real ontology and shapes (copies)."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from loader.cli import main
from loader.publish.model import build_model
from loader.read.vocabulary import parse_turtle_files


class _Checker(HTMLParser):
    """Collects the text of a page and checks that every opened tag is closed in order."""

    VOID = frozenset({"meta", "br", "img", "link", "hr", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(path: Path) -> str:
    checker = _Checker()
    checker.feed(path.read_text(encoding="utf-8"))
    checker.close()
    assert checker.stack == [], checker.stack
    return " ".join(checker.text)


@pytest.fixture(scope="module")
def docs(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs")
    result = CliRunner().invoke(main, ["docs", "--project", str(repo_root), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def class_labels(repo_root: Path) -> list[str]:
    triples = parse_turtle_files(sorted((repo_root / "ontology").glob("*.ttl")), repo_root)
    model = build_model(triples)
    return [t.label for t in model.of_kind("class")]


def test_docs_outputs_parse_and_mention_every_class(docs: Path, repo_root: Path) -> None:
    for name in ("index.html", "ontology.html", "classes.svg", "data.svg", "data.html"):
        assert (docs / name).stat().st_size > 0, name
    ontology = parse_html(docs / "ontology.html")
    parse_html(docs / "index.html")
    data = parse_html(docs / "data.html")
    svg = ET.parse(docs / "classes.svg").getroot()
    assert svg.tag.endswith("svg")
    svg_text = " ".join(t for t in svg.itertext())
    for label in class_labels(repo_root):
        assert label in ontology, label
        assert label in svg_text, label
    assert ET.parse(docs / "data.svg").getroot().tag.endswith("svg")
    assert "Viet Nam" in data or "United States of America" in data


def test_docs_use_no_network_assets(docs: Path) -> None:
    for name in ("index.html", "ontology.html", "data.html"):
        text = (docs / name).read_text(encoding="utf-8")
        assert "<script src=" not in text and "stylesheet" not in text, name


@pytest.mark.requires("chromium")
def test_index_renders_in_a_headless_browser(docs: Path, tmp_path: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    assert browser is not None
    png = tmp_path / "index.png"
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            f"--screenshot={png}",
            "--window-size=1200,1600",
            (docs / "index.html").as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def graph_of(path: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(path, format="turtle")
    return graph


@pytest.fixture
def copies(repo_root: Path, tmp_path: Path) -> Path:
    for part in ("ontology", "shapes"):
        shutil.copytree(repo_root / part, tmp_path / part)
    return tmp_path


def test_fmt_is_isomorphic_and_idempotent(copies: Path, repo_root: Path) -> None:
    files = sorted(copies.glob("ontology/*.ttl")) + sorted(copies.glob("shapes/*.ttl"))
    before = {f: graph_of(f) for f in files}
    first = CliRunner().invoke(main, ["fmt", "--project", str(copies)])
    assert first.exit_code == 0, first.output
    texts = {f: f.read_text(encoding="utf-8") for f in files}
    for f in files:
        assert isomorphic(before[f], graph_of(f)), f
    again = CliRunner().invoke(main, ["fmt", "--project", str(copies), "--check"])
    assert again.exit_code == 0, again.output
    CliRunner().invoke(main, ["fmt", "--project", str(copies)])
    assert {f: f.read_text(encoding="utf-8") for f in files} == texts


def test_fmt_check_lists_files_that_would_change(copies: Path) -> None:
    CliRunner().invoke(main, ["fmt", "--project", str(copies)])
    ontology = copies / "ontology" / "tradekg.ttl"
    ontology.write_text(ontology.read_text(encoding="utf-8") + "\n# a comment\n")
    result = CliRunner().invoke(main, ["fmt", "--project", str(copies), "--check"])
    assert result.exit_code == 1
    assert "ontology/tradekg.ttl" in result.output
    assert "shapes/" not in result.output


def test_fmt_inlines_blank_nodes_and_lists(copies: Path) -> None:
    CliRunner().invoke(main, ["fmt", "--project", str(copies)])
    text = (copies / "ontology" / "tradekg.ttl").read_text(encoding="utf-8")
    assert "owl:unionOf ( xsd:date xsd:gYearMonth xsd:gYear )" in text
    assert "_:" not in text


def test_diff_reports_terms_and_bump(copies: Path, repo_root: Path) -> None:
    new = copies / "ontology" / "tradekg.ttl"
    text = new.read_text(encoding="utf-8").replace('"Commodity"@en', '"Goods"@en')
    new.write_text(
        text + '\ntkg:ExportControl a owl:Class ; rdfs:label "Export control"@en .\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main, ["diff", str(repo_root / "ontology"), str(copies / "ontology")]
    )
    assert result.exit_code == 0, result.output
    assert "Suggested version bump: **minor**" in result.output
    assert "- `tkg:ExportControl`" in result.output
    assert '| `rdfs:label` | "Commodity"@en | "Goods"@en |' in result.output


def test_diff_ignores_formatting_and_blank_node_ids(copies: Path, repo_root: Path) -> None:
    CliRunner().invoke(main, ["fmt", "--project", str(copies)])
    result = CliRunner().invoke(
        main, ["diff", str(repo_root / "ontology"), str(copies / "ontology")]
    )
    assert "Suggested version bump: **none**" in result.output


def test_diff_of_a_removed_term_is_major(tmp_path: Path) -> None:
    a, b = tmp_path / "a.nq", tmp_path / "b.nq"
    cls = (
        "<https://w3id.org/tradekg/ontology#X> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<http://www.w3.org/2002/07/owl#Class> <https://w3id.org/tradekg/graph/ontology> .\n"
    )
    a.write_text(cls)
    b.write_text("")
    result = CliRunner().invoke(main, ["diff", str(a), str(b)])
    assert "**major**" in result.output
    assert "graph `<https://w3id.org/tradekg/graph/ontology>`: 1" in result.output
    assert ox.parse(path=str(a), format=ox.RdfFormat.N_QUADS)
