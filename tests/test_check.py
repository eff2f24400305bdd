"""`tradekg check`: passes on the project, and names the right check on broken copies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from seed_project import copy_seed_project

from loader.cli import main
from loader.curate.usage import mentions


def copy_project(src: Path, dst: Path) -> Path:
    return copy_seed_project(dst, repo_root=src)


def run_check(project: Path, *args: str) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(
        main, ["check", "--project", str(project), "--format", "json", *args]
    )
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.output)


def failed_checks(report: dict[str, object]) -> set[str]:
    findings = report["findings"]
    assert isinstance(findings, list)
    return {f["check"] for f in findings if f["level"] == "error"}


@pytest.fixture
def project(repo_root: Path, tmp_path: Path) -> Path:
    return copy_project(repo_root, tmp_path / "project")


def test_check_passes_on_the_project(repo_root: Path) -> None:
    code, report = run_check(repo_root)
    assert failed_checks(report) == set()
    assert code == 0


def test_missing_definition_is_named(project: Path) -> None:
    with (project / "ontology" / "tradekg.ttl").open("a", encoding="utf-8") as f:
        f.write('\ntkg:Undefined a owl:Class ; rdfs:label "Undefined"@en .\n')
    code, report = run_check(project, "--no-reasoner")
    assert code == 1
    assert failed_checks(report) == {"missing-definition"}
    (finding,) = [f for f in report["findings"] if f["check"] == "missing-definition"]  # type: ignore[attr-defined]
    assert finding["entity"] == "https://w3id.org/tradekg/ontology#Undefined"
    assert finding["file"] == "ontology/tradekg.ttl"
    assert isinstance(finding["line"], int)


def test_undeclared_term_in_a_query_is_named_with_file_and_line(project: Path) -> None:
    (project / "queries").mkdir(exist_ok=True)
    (project / "queries" / "typo.rq").write_text(
        "# tkg:inAComment does not count\n"
        "PREFIX tkg: <https://w3id.org/tradekg/ontology#>\n"
        "SELECT ?m WHERE {\n"
        '  ?m a tkg:TariffMeasure ; tkg:imposedby ?p . FILTER(?p != "tkg:inAString")\n'
        "}\n",
        encoding="utf-8",
    )
    code, report = run_check(project, "--only", "undeclared-term")
    assert code == 1
    findings = report["findings"]
    assert isinstance(findings, list)
    assert [(f["entity"], f["file"], f["line"], f.get("value")) for f in findings] == [
        (
            "https://w3id.org/tradekg/ontology#imposedby",
            "queries/typo.rq",
            4,
            "https://w3id.org/tradekg/ontology#imposedBy",
        )
    ]


@pytest.mark.requires("java")
def test_unsatisfiable_class_is_found_by_the_reasoner(project: Path) -> None:
    with (project / "ontology" / "tradekg.ttl").open("a", encoding="utf-8") as f:
        f.write(
            "\ntkg:AgreedMeasure a owl:Class ;\n"
            '    rdfs:label "Agreed measure"@en ;\n'
            '    skos:definition "Both an agreement and a trade measure: impossible."@en ;\n'
            "    rdfs:subClassOf tkg:Agreement , tkg:TradeMeasure .\n"
        )
    code, report = run_check(project)
    assert code == 1
    errors = failed_checks(report)
    if "reasoner-unavailable" in errors:
        pytest.fail(f"the OWL reasoner must run here (CI installs Java): {report['findings']}")
    assert errors == {"unsatisfiable-class"}


def test_deprecated_term_in_use_names_its_replacement(project: Path) -> None:
    path = project / "ontology" / "tradekg.ttl"
    text = path.read_text(encoding="utf-8")
    text += "\ntkg:unit-box owl:deprecated true ; dcterms:isReplacedBy tkg:unit-count .\n"
    path.write_text(
        text + '\ntkg:UsesBox a owl:Class ; rdfs:label "Uses box"@en ;'
        ' skos:definition "Test."@en ; skos:example tkg:unit-box .\n',
        encoding="utf-8",
    )
    code, report = run_check(project, "--only", "deprecated-in-use")
    assert code == 0  # a warning: deprecated terms keep working until the next major version
    values = {f.get("value") for f in report["findings"]}  # type: ignore[attr-defined]
    assert "https://w3id.org/tradekg/ontology#unit-count" in values


def test_reasoner_switched_off_is_reported_not_silent(project: Path) -> None:
    _code, report = run_check(project, "--no-reasoner")
    assert "reasoner-skipped" in {f["check"] for f in report["findings"]}  # type: ignore[attr-defined]


def test_reasoner_unavailable_is_an_error(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    code, report = run_check(project, "--only", "unsatisfiable-class")
    assert code == 1
    assert failed_checks(report) == {"reasoner-unavailable"}


def test_profile_with_unknown_check_is_an_input_error(project: Path) -> None:
    (project / "qc" / "profile.yaml").write_text("checks:\n  missing-lable: error\n")
    result = CliRunner().invoke(main, ["check", "--project", str(project)])
    assert result.exit_code == 2
    assert "missing-lable" in result.output


def test_a_new_check_is_a_new_file(project: Path) -> None:
    (project / "qc" / "no-alignment.rq").write_text(
        "# problem: A class has no skos:closeMatch.\n"
        "# fix: Align it.\n"
        "# level: info\n"
        "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT ?entity WHERE { GRAPH ?g { ?entity a owl:Class "
        "FILTER NOT EXISTS { ?entity skos:closeMatch ?x } } }\n"
    )
    code, report = run_check(project, "--only", "no-alignment")
    assert code == 0
    assert report["findings"]


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_other_formats(repo_root: Path, fmt: str) -> None:
    result = CliRunner().invoke(
        main, ["check", "--project", str(repo_root), "--format", fmt, "--no-reasoner"]
    )
    assert result.exit_code == 0, result.output
    assert "checks run" in result.output


def test_tokenizer_resolves_prefixes_and_skips_strings_and_comments() -> None:
    found = mentions(
        "@prefix t: <urn:t#> .\nPREFIX u: <urn:u/>\n"
        "t:a u:b <urn:full> . # t:c\n'''t:d''' ?t:e \"u:f\" x:g t:h.\n"
    )
    assert [(m.iri, m.line) for m in found] == [
        ("urn:t#a", 3),
        ("urn:u/b", 3),
        ("urn:full", 3),
        ("urn:t#h", 4),
    ]


def test_inconsistent_note_is_named(project: Path) -> None:
    note = project / "data" / "notes" / "2025" / "2025-11-01-check-test-both.yaml"
    note.write_text(
        'source:\n  title: "x"\n  publisher: check-test-wire\n  issued: 2025-11-01\n'
        "statements:\n"
        "  - a: Company\n    id: check-test-wire\n    label: Check Test Wire\n"
        '    claimStatus: reported\n    evidence: "X"\n'
        "  - a: [Agreement, Commitment]\n    id: check-test-both\n    label: Both\n"
        '    claimStatus: reported\n    evidence: "both"\n',
        encoding="utf-8",
    )
    code, report = run_check(project, "--only", "inconsistent-data")
    assert code == 1
    (finding,) = report["findings"]  # type: ignore[misc]
    assert finding["check"] == "inconsistent-data"
    assert finding["file"] == "data/notes/2025/2025-11-01-check-test-both.yaml"
