"""The researcher's path of docs/EXTENDING.md, done for real in a copy of the project.

A new kind of fact — an investment pledge — is added with no Python: a class, two properties
and a value set in a new ontology file, a shape, a note that uses them and a saved query.
Build, validate, check, query and docs must all pick it up.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from extension_support import PLEDGE, PLEDGE_ONTOLOGY, copy_project

from loader.cli import main

ONTOLOGY = (
    PLEDGE_ONTOLOGY
    + """
tkg:investmentForm a owl:ObjectProperty ;
    rdfs:label "investment form"@en ;
    skos:definition "How the money is to be invested."@en ;
    rdfs:domain tkg:InvestmentPledge ;
    rdfs:range tkg:InvestmentForm .

tkg:InvestmentForm a owl:Class ;
    rdfs:label "Investment form"@en ;
    skos:definition "The value set of forms of investment."@en ;
    rdfs:subClassOf skos:Concept .

tkg:investment-form-greenfield a tkg:InvestmentForm ;
    skos:notation "greenfield" ;
    rdfs:label "greenfield"@en ;
    skos:definition "New plants or facilities built by the investor."@en .

tkg:investment-form-fund a tkg:InvestmentForm ;
    skos:notation "fund" ;
    rdfs:label "investment fund"@en ;
    skos:definition "Money put into a fund that others direct."@en .
"""
)

SHAPES = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix tkg: <https://w3id.org/tradekg/ontology#> .
@prefix tkgsh: <https://w3id.org/tradekg/shapes#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

tkgsh:InvestmentPledgeShape a sh:NodeShape ;
    sh:targetClass tkg:InvestmentPledge ;
    sh:property tkgsh:investment-pledge-amount .

tkgsh:investment-pledge-amount a sh:PropertyShape ;
    sh:path tkg:investmentAmount ;
    sh:minCount 1 ;
    sh:maxCount 1 ;
    sh:datatype xsd:decimal ;
    sh:name "investment-pledge-amount" ;
    sh:message "An investment pledge needs one amount: add 'investmentAmount: 550e9'."@en ;
    sh:severity sh:Violation .
"""

NOTE = """\
source:
  title: "Japan pledges investment in the United States"
  publisher: extension-test-wire
  issued: 2025-10-28
  documentKind: news-article
language: en
statements:
  - a: Company
    id: extension-test-wire
    label: Extension Test Wire
    claimStatus: reported
    evidence: "Extension Test Wire"
  - a: InvestmentPledge
    id: jpn-usa-investment-2025
    obligor: JPN
    beneficiary: USA
    commitmentType: investment
    commitmentStatus: pledged
    investmentAmount: 550e9
    unit: USD
    investmentForm: fund
    claimStatus: reported
    evidence: "Japan pledged $550 billion of investment in the United States"
"""

QUERY = """\
#+ summary: Investment pledges with investor, host, amount and form
#+ tags: [commitments, investment]
PREFIX tkg: <https://w3id.org/tradekg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?pledge ?investor ?host ?amount ?form WHERE {
  ?pledge a tkg:InvestmentPledge ;
          tkg:obligor ?investor ;
          tkg:investmentAmount ?amount .
  OPTIONAL { ?pledge tkg:beneficiary ?host }
  OPTIONAL { ?pledge tkg:investmentForm/skos:notation ?form }
}
ORDER BY ?pledge
"""


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def extended(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with the investment-pledge extension, written as files only."""
    project = copy_project(repo_root, tmp_path_factory.mktemp("extended"))
    (project / "queries").mkdir(exist_ok=True)
    (project / "shapes").mkdir(exist_ok=True)
    (project / "ontology" / "investment.ttl").write_text(ONTOLOGY, encoding="utf-8")
    (project / "shapes" / "investment-shapes.ttl").write_text(SHAPES, encoding="utf-8")
    note = project / "data" / "notes" / "2025" / "2025-10-28-extension-test-investment.yaml"
    note.parent.mkdir(parents=True, exist_ok=True)
    note.write_text(NOTE, encoding="utf-8")
    (project / "queries" / "investment-pledges.rq").write_text(QUERY, encoding="utf-8")
    return project


def test_build_picks_up_the_new_class(extended: Path) -> None:
    result = invoke("build", "--project", str(extended), "--quiet")
    assert result.exit_code == 0, result.output
    nquads = (extended / "dist" / "tradekg.nq").read_text(encoding="utf-8")
    assert f"<{PLEDGE}> <https://w3id.org/tradekg/ontology#investmentAmount>" in nquads
    assert "ontology#investment-form-fund" in nquads


def test_validate_applies_the_new_shape(extended: Path, tmp_path: Path) -> None:
    result = invoke("validate", "--project", str(extended))
    assert result.exit_code == 0, result.output
    broken = tmp_path / "broken"
    shutil.copytree(extended, broken, ignore=shutil.ignore_patterns("dist", ".tradekg-cache"))
    note = broken / "data" / "notes" / "2025" / "2025-10-28-extension-test-investment.yaml"
    note.write_text(NOTE.replace("    investmentAmount: 550e9\n", ""), encoding="utf-8")
    result = invoke("validate", "--project", str(broken))
    assert result.exit_code == 1, result.output
    assert "investment-pledge-amount" in result.output


def test_check_knows_the_new_terms(extended: Path) -> None:
    result = invoke("check", "--project", str(extended), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    flagged = {f["entity"] for f in report["findings"]}
    assert "https://w3id.org/tradekg/ontology#InvestmentPledge" not in flagged  # it has a shape
    assert not [f for f in report["findings"] if f["level"] == "error"]


def test_check_catches_a_typo_in_the_new_query(extended: Path, tmp_path: Path) -> None:
    broken = tmp_path / "typo"
    shutil.copytree(extended, broken, ignore=shutil.ignore_patterns("dist", ".tradekg-cache"))
    query = broken / "queries" / "investment-pledges.rq"
    query.write_text(QUERY.replace("tkg:investmentAmount", "tkg:investmentAmmount"))
    result = invoke("check", "--project", str(broken), "--only", "undeclared-term")
    assert result.exit_code == 1
    assert "queries/investment-pledges.rq:8" in result.output


def test_query_answers_from_the_new_note(extended: Path) -> None:
    build = invoke("build", "--project", str(extended), "--quiet")
    assert build.exit_code == 0, build.output
    result = invoke("query", "investment-pledges", "--project", str(extended), "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["results"]["bindings"]
    assert [(r["pledge"]["value"], r["form"]["value"]) for r in rows] == [(PLEDGE, "fund")]
    assert float(rows[0]["amount"]["value"]) == 550e9


def test_docs_document_the_new_terms(extended: Path) -> None:
    result = invoke("docs", "--project", str(extended))
    assert result.exit_code == 0, result.output
    docs = extended / "dist" / "docs"
    ontology = (docs / "ontology.html").read_text(encoding="utf-8")
    for text in ("Investment pledge", "investment amount", "Investment form", "investment fund"):
        assert text in ontology
    assert "Investment pledge" in (docs / "classes.svg").read_text(encoding="utf-8")


def test_the_pledge_is_a_commitment_to_every_saved_query(extended: Path) -> None:
    """The build writes what rdfs:subClassOf entails, so the existing commitment query finds
    the pledge without knowing its class (step 1 of docs/EXTENDING.md promises it)."""
    build = invoke("build", "--project", str(extended), "--quiet")
    assert build.exit_code == 0, build.output
    result = invoke(
        "query",
        "commitments-by-obligor",
        "--param",
        "obligor=JPN",
        "--project",
        str(extended),
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["results"]["bindings"]
    assert PLEDGE in [r["commitment"]["value"] for r in rows]
    pledge = next(r for r in rows if r["commitment"]["value"] == PLEDGE)
    assert pledge["beneficiary"]["value"].endswith("/USA")


EXTRA_NOTE = """\
source:
  title: "Extra wire {n}"
  publisher: extra-wire-{n}
  issued: 2025-11-0{n}
  documentKind: news-article
language: en
statements:
  - a: Company
    id: extra-wire-{n}
    label: Extra Wire {n}
    claimStatus: reported
    evidence: "Extra Wire {n}"
  - a: Commitment
    id: extra-commitment-{n}
    obligor: {obligor}
    beneficiary: USA
    commitmentType: investment
    commitmentStatus: pledged
    claimStatus: reported
    evidence: "{obligor} pledged to invest in the United States"
"""


@pytest.fixture(scope="module")
def extended_and_grown(extended: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The extended project plus two notes written here: a researcher's project is bigger
    than the seeds, and the project-level checks must hold there too."""
    project = tmp_path_factory.mktemp("grown")
    shutil.copytree(extended, project, dirs_exist_ok=True, ignore=shutil.ignore_patterns("dist"))
    for n, obligor in ((1, "KOR"), (2, "IND")):
        note = project / "data" / "notes" / "2025" / f"2025-11-0{n}-extra-wire-{n}.yaml"
        note.write_text(EXTRA_NOTE.format(n=n, obligor=obligor), encoding="utf-8")
    return project


def test_the_project_checks_hold_with_more_notes(extended_and_grown: Path) -> None:
    """Build, validate, check and every saved query, as a researcher runs them; a query with
    no queries/expected/NAME.json (the new one) is run but has nothing to be compared with."""
    project = extended_and_grown
    assert len(list((project / "data" / "notes").rglob("*.yaml"))) == 4 + 1 + 2
    for command in (["build", "--quiet"], ["validate"], ["check"]):
        result = invoke(command[0], "--project", str(project), *command[1:])
        assert result.exit_code == 0, f"{command}: {result.output}"
    names = sorted(p.stem for p in (project / "queries").glob("*.rq"))
    assert "investment-pledges" in names
    assert not (project / "queries" / "expected" / "investment-pledges.json").exists()
    for name in names:
        result = invoke("query", name, "--project", str(project), "--format", "json")
        assert result.exit_code == 0, f"{name}: {result.output}"
        assert "results" in json.loads(result.output) or "boolean" in result.output, name
    kor = invoke(
        "query",
        "commitments-by-obligor",
        "--param",
        "obligor=KOR",
        "--project",
        str(project),
        "--format",
        "json",
    )
    assert kor.exit_code == 0 and "extra-commitment-1" in kor.output, kor.output
