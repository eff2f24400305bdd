"""`tradekg build`: the real pipeline on the real notes, and on broken copies of them."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from seed_project import copy_seed_project

from loader.build.void import DIST_BASE, VOID_GRAPH, void_quads
from loader.cli import main
from loader.namespaces import NOTE_GRAPH_PREFIX, SERIALIZATION_PREFIXES

PROJECT_PARTS = ("ontology", "shapes", "queries")


def copy_project(src: Path, dst: Path) -> Path:
    """A throw-away copy of the seed project in ``src`` (without dist/) that a test may break."""
    return copy_seed_project(dst, parts=PROJECT_PARTS, repo_root=src)


@pytest.fixture(scope="module")
def built(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(repo_root, tmp_path_factory.mktemp("built"))
    result = CliRunner().invoke(main, ["build", "--project", str(project)])
    assert result.exit_code == 0, result.output
    return project


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def write_note(project: Path, name: str, body: str) -> Path:
    path = project / "data" / "notes" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


GOOD_SOURCE = textwrap.dedent(
    """\
    source:
      title: "A test article"
      publisher: test-publisher-{n}
      issued: 2025-10-27
    statements:
      - a: Organization
        id: test-publisher-{n}
        label: Test Publisher
        evidence: "Test Publisher"
    """
)


def test_summary_lists_every_graph_and_the_counts(built: Path, repo_root: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--project", str(built)])
    assert result.exit_code == 0, result.output
    notes = sorted((built / "data" / "notes").rglob("*.yaml"))
    assert len(notes) == 4  # the seed project's notes
    for note in notes:
        key = note.relative_to(built / "data" / "notes").with_suffix("").as_posix()
        assert NOTE_GRAPH_PREFIX + key in result.output
    for label in ("sovereign states", "agreements", "commitments", "tariff measures"):
        assert label in result.output


def test_nquads_and_trig_parse_identically_in_two_parsers(built: Path) -> None:
    dist = built / "dist"
    ox_quads = list(ox.parse(path=str(dist / "tradekg.nq"), format=ox.RdfFormat.N_QUADS))
    ox_trig = list(ox.parse(path=str(dist / "tradekg.trig"), format=ox.RdfFormat.TRIG))
    rdflib_nq = rdflib.Dataset()
    rdflib_nq.parse(dist / "tradekg.nq", format="nquads")
    rdflib_trig = rdflib.Dataset()
    rdflib_trig.parse(dist / "tradekg.trig", format="trig")
    assert len(ox_quads) == len(ox_trig) == len(rdflib_nq) == len(rdflib_trig)
    note_graphs = {q.graph_name.value for q in ox_quads} - {""}
    note_graphs = {g for g in note_graphs if g.startswith(NOTE_GRAPH_PREFIX)}
    note_files = list((built / "data" / "notes").rglob("*.yaml"))
    assert len(note_graphs) == len(note_files)
    rdflib_graphs = {str(c.identifier) for c in rdflib_trig.graphs()}
    assert note_graphs <= rdflib_graphs


def test_trig_is_what_pyoxigraph_writes_for_each_graph(built: Path) -> None:
    """The build writes TriG by indenting each graph's Turtle; it must be pyoxigraph's TriG."""
    dist = built / "dist"
    graphs: dict[str, list[ox.Quad]] = {}
    for quad in ox.parse(path=str(dist / "tradekg.nq"), format=ox.RdfFormat.N_QUADS):
        graphs.setdefault(quad.graph_name.value, []).append(quad)
    blocks = [
        ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=SERIALIZATION_PREFIXES) or b""
        for _, quads in sorted(graphs.items())
    ]
    header = b"".join(line for line in blocks[0].splitlines(keepends=True) if line[:1] == b"@")
    body = b"".join(block.removeprefix(header) for block in blocks)
    assert len(graphs) >= 8 and b"_:" in body  # notes, reference data and the ontology
    assert (dist / "tradekg.trig").read_bytes() == header + body


def test_turtle_holds_the_union_of_all_graphs(built: Path) -> None:
    dist = built / "dist"
    triples = {q.triple for q in ox.parse(path=str(dist / "tradekg.nq"))}
    turtle = {q.triple for q in ox.parse(path=str(dist / "tradekg.ttl"))}
    assert turtle == triples


def test_build_is_byte_identical_across_processes(built: Path) -> None:
    before = {k: v for k, v in tree_digest(built / "dist").items() if not k.startswith("store")}
    result = subprocess.run(
        [sys.executable, "-m", "loader.cli", "build", "--full", "--project", str(built)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    after = {k: v for k, v in tree_digest(built / "dist").items() if not k.startswith("store")}
    assert before == after


def test_embedded_store_holds_the_same_quads(built: Path) -> None:
    # The store holds the dumps' quads plus the dataset's description (VoID), which the
    # dumps never contain (they cannot count their own bytes): see loader/build/void.py.
    store = ox.Store.read_only(str(built / "dist" / "store"))
    quads = set(ox.parse(path=str(built / "dist" / "tradekg.nq")))
    described = set(void_quads((built / "dist" / "void.ttl").read_bytes()))
    assert any(q.object == ox.NamedNode(DIST_BASE + "tradekg.nq") for q in described)
    assert {q.graph_name for q in described} == {VOID_GRAPH}
    assert len(store) == len(quads) + len(described)
    assert set(store.quads_for_pattern(None, None, None, VOID_GRAPH)) == described
    assert not any(q.graph_name == VOID_GRAPH for q in quads)


BAD_NOTES = {
    "unknown property": (
        """\
          - a: TariffMeasure
            id: bad-measure
            imposedBy: USA
            appliesTo: VNM
            rate: 20
            imposedOn: VNM
            evidence: "a quote"
        """,
        ["unknown-property", "'imposedOn' is not a property", "did you mean"],
        6,
    ),
    "unknown id": (
        """\
          - a: TariffMeasure
            id: bad-measure
            imposedBy: USA
            appliesTo: VNMX
            rate: 20
            evidence: "a quote"
        """,
        ["unknown-id", "'VNMX' is not a known id"],
        4,
    ),
    "wrong datatype": (
        """\
          - a: TariffMeasure
            id: bad-measure
            imposedBy: USA
            appliesTo: VNM
            rate: nineteen
            evidence: "a quote"
        """,
        ["wrong-datatype", "'nineteen' is not a number"],
        5,
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_NOTES))
def test_bad_note_fails_with_file_and_line_and_leaves_dist_untouched(
    built: Path, tmp_path: Path, case: str
) -> None:
    project = copy_project(built, tmp_path / "p")
    shutil.copytree(built / "dist", project / "dist")
    before = tree_digest(project / "dist")
    statements, expected, line_in_statements = BAD_NOTES[case]
    body = GOOD_SOURCE.format(n=1) + textwrap.indent(textwrap.dedent(statements), "  ")
    write_note(project, "zz/bad.yaml", body)
    result = CliRunner().invoke(main, ["build", "--project", str(project)])
    assert result.exit_code == 2, result.output
    header_lines = GOOD_SOURCE.count("\n")
    assert f"data/notes/zz/bad.yaml:{header_lines + line_in_statements}" in result.output
    for text in expected:
        assert text in result.output
    assert tree_digest(project / "dist") == before


def test_id_defined_twice_across_notes(built: Path, tmp_path: Path) -> None:
    project = copy_project(built, tmp_path / "p")
    twice = '  - a: Person\n    id: same-person\n    label: A\n    evidence: "a person named A"\n'
    write_note(project, "zz/one.yaml", GOOD_SOURCE.format(n=1) + twice)
    write_note(project, "zz/two.yaml", GOOD_SOURCE.format(n=2) + twice)
    result = CliRunner().invoke(main, ["build", "--project", str(project)])
    assert result.exit_code == 2, result.output
    assert "duplicate-id" in result.output
    assert "data/notes/zz/two.yaml:11" in result.output
    assert "already defined in data/notes/zz/one.yaml:" in result.output
    assert not (project / "dist").exists()


def test_malformed_yaml_and_other_problems_are_reported_together(
    built: Path, tmp_path: Path
) -> None:
    project = copy_project(built, tmp_path / "p")
    write_note(project, "zz/broken.yaml", "source:\n  title: [unclosed\nstatements: []\n")
    bad = '  - a: TarifMeasure\n    evidence: "q"\n'
    write_note(project, "zz/typo.yaml", GOOD_SOURCE.format(n=3) + bad)
    result = CliRunner().invoke(main, ["build", "--project", str(project)])
    assert result.exit_code == 2, result.output
    assert "data/notes/zz/broken.yaml:3" in result.output
    assert "yaml-syntax" in result.output
    assert "data/notes/zz/typo.yaml:10" in result.output
    assert "did you mean 'TariffMeasure'?" in result.output
    assert not (project / "dist").exists()


def test_duplicate_key_is_an_error(built: Path, tmp_path: Path) -> None:
    project = copy_project(built, tmp_path / "p")
    twice = '  - a: Person\n    label: A\n    label: B\n    evidence: "A"\n'
    write_note(project, "zz/dup.yaml", GOOD_SOURCE.format(n=4) + twice)
    result = CliRunner().invoke(main, ["build", "--project", str(project)])
    assert result.exit_code == 2
    assert "data/notes/zz/dup.yaml:12" in result.output
    assert "'label' is given twice" in result.output


def test_new_property_in_ontology_is_usable_without_python_change(
    built: Path, tmp_path: Path
) -> None:
    project = copy_project(built, tmp_path / "p")
    extension = textwrap.dedent(
        """\
        @prefix tkg: <https://w3id.org/tradekg/ontology#> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

        tkg:tariffLineCount a owl:DatatypeProperty ;
            rdfs:label "tariff line count"@en ;
            skos:definition "How many tariff lines a measure covers."@en ;
            rdfs:domain tkg:TariffMeasure ;
            rdfs:range xsd:integer .
        """
    )
    (project / "ontology" / "extension.ttl").write_text(extension, encoding="utf-8")
    statement = textwrap.indent(
        textwrap.dedent(
            """\
          - a: TariffMeasure
            id: ext-measure
            imposedBy: USA
            appliesTo: VNM
            rate: 20
            measureStatus: in-effect
            tariffLineCount: 120
            claimStatus: reported
            evidence: "a quote"
        """
        ),
        "  ",
    )
    write_note(project, "zz/ext.yaml", GOOD_SOURCE.format(n=5) + statement)
    result = CliRunner().invoke(main, ["build", "--project", str(project)])
    assert result.exit_code == 0, result.output
    store = ox.Store.read_only(str(project / "dist" / "store"))
    rows = list(
        store.query(
            "SELECT ?n WHERE { ?m <https://w3id.org/tradekg/ontology#tariffLineCount> ?n }",
            use_default_graph_as_union=True,
        )
    )
    assert [row["n"].value for row in rows] == ["120"]


def test_incremental_build_equals_full_build(built: Path, tmp_path: Path) -> None:
    """Editing, adding and deleting notes then building incrementally gives the full output."""
    project = copy_project(built, tmp_path / "p")
    runner = CliRunner()
    assert runner.invoke(main, ["build", "--project", str(project)]).exit_code == 0
    statement = (
        "  - a: Person\n    id: incremental-person\n    label: P\n"
        '    evidence: "a person named P"\n'
    )
    write_note(project, "zz/new.yaml", GOOD_SOURCE.format(n=6) + statement)
    first = runner.invoke(main, ["build", "--project", str(project)])
    assert first.exit_code == 0, first.output
    assert "(1 note(s) read and checked)" in first.output
    (project / "data" / "notes" / "zz" / "new.yaml").write_text(
        GOOD_SOURCE.format(n=6) + statement.replace("label: P", "label: Q"), encoding="utf-8"
    )
    second = runner.invoke(main, ["build", "--project", str(project)])
    assert second.exit_code == 0, second.output
    incremental = tree_digest(project / "dist")
    store = ox.Store.read_only(str(project / "dist" / "store"))
    incremental_quads = set(store)
    del store
    full = runner.invoke(main, ["build", "--full", "--project", str(project)])
    assert full.exit_code == 0, full.output
    assert {k: v for k, v in tree_digest(project / "dist").items() if "store" not in k} == {
        k: v for k, v in incremental.items() if "store" not in k
    }
    assert set(ox.Store.read_only(str(project / "dist" / "store"))) == incremental_quads
    (project / "data" / "notes" / "zz" / "new.yaml").unlink()
    third = runner.invoke(main, ["build", "--project", str(project)])
    assert third.exit_code == 0, third.output
    assert "incremental-person" not in (project / "dist" / "tradekg.nq").read_text()


def test_a_generated_label_follows_a_rename_in_another_note(built: Path, tmp_path: Path) -> None:
    """A role in one note is named after a person of another; renaming the person redoes it."""
    project = copy_project(built, tmp_path / "p")
    runner = CliRunner()
    person = '  - a: Person\n    id: naming-person\n    label: {name}\n    evidence: "a person"\n'
    role = (
        "  - a: Role\n    id: naming-role\n    holder: naming-person\n"
        '    roleTitle: Envoy\n    roleIn: VNM\n    evidence: "a person"\n'
    )
    write_note(project, "zz/person.yaml", GOOD_SOURCE.format(n=7) + person.format(name="Ann"))
    write_note(project, "zz/role.yaml", GOOD_SOURCE.format(n=8) + role)
    assert runner.invoke(main, ["build", "--project", str(project)]).exit_code == 0
    assert '"Ann, Envoy (Viet Nam)"@en' in (project / "dist" / "tradekg.nq").read_text()
    write_note(project, "zz/person.yaml", GOOD_SOURCE.format(n=7) + person.format(name="Bea"))
    again = runner.invoke(main, ["build", "--project", str(project)])
    assert again.exit_code == 0, again.output
    incremental = tree_digest(project / "dist")
    assert '"Bea, Envoy (Viet Nam)"@en' in (project / "dist" / "tradekg.nq").read_text()
    assert runner.invoke(main, ["build", "--full", "--project", str(project)]).exit_code == 0
    full = tree_digest(project / "dist")
    assert {k: v for k, v in full.items() if "store" not in k} == {
        k: v for k, v in incremental.items() if "store" not in k
    }
