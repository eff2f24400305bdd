"""A third, independent SHACL engine (Apache Jena, Java) reaches the same results as ours.

Jena implements SHACL Core and SHACL-SPARQL, so it runs shapes/ unchanged. Debian's
``libapache-jena-java`` (installed by ``.ci/install.sh``) crashes at start from
a packaging bug (misplaced Xerces message files); the fixture below works around it: copy
``org/apache/jena/ext/xerces/*`` out of jena-core.jar into a jar as ``xerces/…`` and put it
first on the classpath. Fails when Java or Jena is missing (see tests/conftest.py).
"""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from bench.jena import classpath as jena_classpath
from loader.graph.assemble import Assembled, assemble
from loader.namespaces import SH
from loader.project import Project
from loader.validate.results import from_rdflib
from loader.validate.scope import Scope, data_scope, ontology_scope
from loader.validate.shapes import load_shapes
from loader.validate.validator import validate

pytestmark = pytest.mark.requires("jena")


@pytest.fixture(scope="module")
def classpath(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The benchmark's recipe (bench/jena.py), so that both run the same Jena."""
    return jena_classpath(tmp_path_factory.mktemp("jena"))


def jena(
    classpath: str, shapes: list[Path], scope: Scope, work: Path
) -> list[tuple[str, str, str]]:
    """(focus, source shape, severity) of every result Jena reports for the scope's focus nodes."""
    data = work / "data.nt"
    data.write_bytes(ox.serialize(scope.triples, format=ox.RdfFormat.N_TRIPLES) or b"")
    shapes_file = work / "shapes.ttl"
    merged = rdflib.Graph()
    for path in shapes:
        merged.parse(path, format="turtle")
    merged.serialize(shapes_file, format="turtle")
    run = subprocess.run(
        [
            "java",
            "-cp",
            classpath,
            "shacl.shacl",
            "validate",
            "--shapes",
            str(shapes_file),
            "--data",
            str(data),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    report = rdflib.Graph().parse(data=run.stdout, format="turtle")
    sh = rdflib.Namespace(SH)
    found = []
    for result in report.objects(None, sh.result):
        focus = from_rdflib(report.value(result, sh.focusNode))
        if focus.kind == "iri" and focus.text in scope.focus:
            found.append(
                (
                    focus.text,
                    str(report.value(result, sh.sourceShape)),
                    str(report.value(result, sh.resultSeverity)),
                )
            )
    return found


def ours(assembled: Assembled) -> list[tuple[str, str, str]]:
    report = validate(assembled)
    severity = {"error": SH + "Violation", "warning": SH + "Warning", "info": SH + "Info"}
    shapes = load_shapes(assembled.project.shape_files(), root=assembled.project.root)
    by_rule = {r.iri: severity[r.severity.value] for r in shapes.data_rules + shapes.ontology_rules}
    return [(r.focus.text, r.rule, by_rule[r.rule]) for r in report.results]


def jena_all(assembled: Assembled, classpath: str, work: Path) -> list[tuple[str, str, str]]:
    project = assembled.project
    data_shapes = [p for p in project.shape_files() if not p.name.startswith("ontology")]
    ontology_shapes = [p for p in project.shape_files() if p.name.startswith("ontology")]
    checked = {m.graph.value for m in assembled.mapped}
    (work / "data").mkdir()
    (work / "ontology").mkdir()
    return jena(classpath, data_shapes, data_scope(assembled.parts, checked), work / "data") + jena(
        classpath, ontology_shapes, ontology_scope(assembled.parts), work / "ontology"
    )


@pytest.fixture(scope="module")
def seed_assembled(repo_root: Path) -> Assembled:
    return assemble(Project.at(repo_root))


@pytest.fixture(scope="module")
def combined(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Assembled:
    """The seed notes plus every bad note that the reader accepts (as in test_validation)."""
    from test_validation import EXPECTED, add_bad, copy_project

    project = copy_project(repo_root, tmp_path_factory.mktemp("jena-combined"))
    for name, expected in EXPECTED.items():
        if expected["exit"] != 2:
            add_bad(project, name)
    return assemble(Project.at(project))


def test_jena_agrees_on_the_seed_notes(
    classpath: str, tmp_path: Path, seed_assembled: Assembled
) -> None:
    theirs = jena_all(seed_assembled, classpath, tmp_path)
    assert Counter(theirs) == Counter(ours(seed_assembled))
    assert not [r for r in theirs if r[2] == SH + "Violation"]


def test_jena_agrees_on_the_bad_corpus(classpath: str, tmp_path: Path, combined: Assembled) -> None:
    theirs = jena_all(combined, classpath, tmp_path)
    mine = ours(combined)
    assert Counter(theirs) == Counter(mine)
    violations = [r for r in theirs if r[2] == SH + "Violation"]
    assert len(violations) == len([r for r in mine if r[2] == SH + "Violation"]) > 0
