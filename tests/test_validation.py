"""`tradekg validate`: the seed notes conform, every bad note gives exactly its problems, the
fast engine agrees with pySHACL, one note alone is validated as in the full run, and random
damage to a note never ends in a traceback."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from seed_project import copy_seed_project

from loader.cli import main
from loader.graph.assemble import Assembled, assemble
from loader.problems import InputError
from loader.project import Project
from loader.validate.validator import validate

BAD = Path(__file__).parent / "bad_notes"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load(
    (BAD / "expected.yaml").read_text(encoding="utf-8")
)
PARTS = ("ontology", "shapes")


def copy_project(src: Path, dst: Path) -> Path:
    """The seed project of ``src`` (the repository, or a copy a test made) in ``dst``."""
    return copy_seed_project(dst, parts=PARTS, repo_root=src)


def add_bad(project: Path, name: str) -> str:
    target = project / "data" / "notes" / "bad" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(BAD / name, target)
    return f"data/notes/bad/{name}"


def run_json(project: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(
        main, ["validate", "--project", str(project), "--format", "json", *args]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.output)


@pytest.fixture(scope="module")
def seed_project(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(repo_root, tmp_path_factory.mktemp("seed"))


@pytest.fixture(scope="module")
def combined(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Assembled:
    """The seed notes plus every bad note that the reader accepts, all at once."""
    project = copy_project(repo_root, tmp_path_factory.mktemp("combined"))
    for name, expected in EXPECTED.items():
        if expected["exit"] != 2:
            add_bad(project, name)
    return assemble(Project.at(project))


def test_corpus_is_large_enough() -> None:
    assert len(EXPECTED) >= 20
    assert sorted(EXPECTED) == sorted(
        p.name for p in BAD.glob("*.yaml") if p.name != "expected.yaml"
    )


def test_seed_notes_conform(seed_project: Path) -> None:
    code, report = run_json(seed_project)
    assert code == 0, report
    assert report["conforms"] is True
    assert report["counts"]["error"] == 0


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_note_gives_exactly_its_problems(name: str, repo_root: Path, tmp_path: Path) -> None:
    project = copy_project(repo_root, tmp_path)
    file = add_bad(project, name)
    code, report = run_json(project)
    expected = EXPECTED[name]
    assert code == expected["exit"], report
    problems = report["problems"]
    assert isinstance(problems, list)
    found = sorted((p["code"], p.get("line")) for p in problems if p.get("file") == file)
    assert found == sorted(tuple(p) for p in expected["problems"])
    others = [p for p in problems if p.get("file") != file and p["severity"] == "error"]
    assert others == []


def test_strict_fails_on_warnings(repo_root: Path, tmp_path: Path) -> None:
    project = copy_project(repo_root, tmp_path)
    add_bad(project, "11-source-without-publisher.yaml")
    assert run_json(project)[0] == 0
    assert run_json(project, "--strict")[0] == 1


def test_input_errors_are_reported_as_json_with_exit_2(repo_root: Path, tmp_path: Path) -> None:
    project = copy_project(repo_root, tmp_path)
    add_bad(project, "24-broken-yaml.yaml")
    code, report = run_json(project)
    assert code == 2
    assert report["input_error"] is True
    text = CliRunner().invoke(main, ["validate", "--project", str(project)])
    assert text.exit_code == 2
    assert "data/notes/bad/24-broken-yaml.yaml" in text.output


def test_text_report_groups_by_file_with_line_statement_and_value(
    repo_root: Path, tmp_path: Path
) -> None:
    project = copy_project(repo_root, tmp_path)
    add_bad(project, "10-rate-1500.yaml")
    result = CliRunner().invoke(main, ["validate", "--project", str(project)])
    assert result.exit_code == 1
    block = result.output.split("data/notes/bad/10-rate-1500.yaml", 1)[1]
    assert "16  bad-10-tariff  error:" in block
    assert "(found: 1500) [tariff-rate-range]" in block


def test_fast_engine_agrees_with_pyshacl(combined: Assembled) -> None:
    fast = validate(combined, engine="fast")
    reference = validate(combined, engine="pyshacl")
    assert Counter(fast.results) == Counter(reference.results)
    assert fast.counts == reference.counts
    assert fast.counts["error"] > 0


def test_one_note_alone_gives_what_the_full_run_gives_for_it(combined: Assembled) -> None:
    full = validate(combined)
    for mapped in combined.mapped:
        alone = validate(combined, notes=[mapped.note.file])
        expected = [p for p in full.problems if p.file == mapped.note.file]
        assert sorted(alone.problems, key=repr) == sorted(expected, key=repr), mapped.note.file


def test_ontology_shapes_check_the_ontology_only(repo_root: Path, tmp_path: Path) -> None:
    project = copy_project(repo_root, tmp_path)
    ontology = project / "ontology" / "tradekg.ttl"
    ontology.write_text(
        ontology.read_text(encoding="utf-8")
        + '\ntkg:Undefined a owl:Class ; rdfs:label "Undefined"@en .\n',
        encoding="utf-8",
    )
    code, report = run_json(project)
    assert code == 1
    problems = [p for p in report["problems"] if p["severity"] == "error"]
    assert [(p["code"], p["file"], p["statement"]) for p in problems] == [
        ("term-definition", "ontology/tradekg.ttl", "tkg:Undefined")
    ]


# -- random damage ---------------------------------------------------------------------------

NOTE = """\
source:
  title: "Random test"
  publisher: fuzz-wire
  issued: 2025-10-27
statements:
  - a: Organization
    id: fuzz-wire
    label: Fuzz Wire
    evidence: "Fuzz Wire"
  - a: TariffMeasure
    id: fuzz-tariff
    imposedBy: USA
    appliesTo: MYS
    rate: 19
    measureStatus: maintained
    announcedOn: 2025-07
    inEffectFrom: 2025-08-01
    claimStatus: reported
    evidence: "a 19% tariff"
  - a: Agreement
    id: fuzz-deal
    party: [USA, MYS]
    evidence: "a deal"
  - a: Commitment
    id: fuzz-commitment
    obligor: MYS
    underAgreement: fuzz-deal
    commitmentType: purchase
    evidence: "Malaysia will buy"
"""
VALUES = st.sampled_from(
    [
        "19",
        "19%",
        "1500",
        "-3",
        "",
        "~",
        "2025-13",
        "2025",
        "VNM",
        "hongrun-li",
        "fuzz-deal",
        "maintained",
        "enforced",
        "[]",
        "[USA, VNM]",
        "{a: b}",
        "'x: y'",
        '""',
        "nineteen",
    ]
)
KEYS = st.sampled_from(
    [
        "rate",
        "tarif",
        "a",
        "id",
        "obligor",
        "party",
        "evidence",
        "issued",
        "source",
        "statements",
        "appliesTo",
        "startDate",
        "endDate",
        "unit",
        "value",
    ]
)


@st.composite
def damaged_notes(draw: st.DrawFn) -> str:
    lines = NOTE.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        line = lines[index]
        action = draw(st.sampled_from(["drop", "duplicate", "retype", "revalue", "break"]))
        indent = line[: len(line) - len(line.lstrip())]
        if action == "drop":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, line)
        elif action == "retype" and ":" in line:
            lines[index] = f"{indent}{draw(KEYS)}:{line.split(':', 1)[1]}"
        elif action == "revalue" and ":" in line:
            lines[index] = f"{line.split(':', 1)[0]}: {draw(VALUES)}"
        elif action == "break":
            cut = draw(st.integers(0, len(line)))
            lines[index] = line[:cut] + draw(st.sampled_from(["\t", ": :", "  - ", "'", "{", "#"]))
        if not lines:
            break
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def fuzz_project(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(repo_root, tmp_path_factory.mktemp("fuzz"))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=damaged_notes())
def test_damaged_notes_give_a_graph_or_clear_problems(fuzz_project: Path, text: str) -> None:
    note = fuzz_project / "data" / "notes" / "fuzz.yaml"
    note.write_text(text, encoding="utf-8")
    try:
        assembled = assemble(Project.at(fuzz_project))
    except InputError as error:
        assert error.problems
        assert all(p.message and p.code for p in error.problems)
        return
    report = validate(assembled, notes=[str(note)])
    for problem in report.problems:
        assert problem.file == "data/notes/fuzz.yaml"
        assert problem.line is not None and problem.statement
