"""Notes that add to things other notes define: ``- about: ID`` statements, in a copy of the seeds.

One thing, many sources, each claim with its own source and quote (Wikidata's model): a
second report gives the US–Malaysia agreement a date; ``show`` and the saved queries see
the agreement with the claims of both, each attributed; editing or deleting the adding note
changes only its claims, incrementally as in a full build; bad additions are clear errors at
file:line, all at once, and nothing is written.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import Result
from note_support import built_with, run, write_note
from seed_project import copy_seed_project

from loader.build.export import NQUADS
from loader.namespaces import TKG, note_graph

AGREEMENT = "us-mys-reciprocal-trade-2025"
AGREEMENT_IRI = f"https://w3id.org/tradekg/id/agreement/{AGREEMENT}"
NOTE_FILE = "data/notes/2025/2025-10-26-wire-malaysia-signing.yaml"
QUOTE = "The United States and Malaysia signed the Agreement on Reciprocal Trade on 26 October."

ADDING_NOTE = f"""\
source:
  title: "Malaysia and the United States sign their trade agreement"
  issued: 2025-10-26
  documentKind: news-article
statements:
  - about: {AGREEMENT}
    announcedOn: 2025-10-26
    altLabel: Agreement on Reciprocal Trade between the United States and Malaysia
    bindingness: binding
    claimStatus: reported
    evidence: "{QUOTE}"
"""


def _run(project: Path, *args: str) -> Result:
    return run(project, *args)


def _write(project: Path, text: str, file: str = NOTE_FILE) -> None:
    write_note(project, text, file)


def _dataset(project: Path) -> bytes:
    return (project / "dist" / NQUADS).read_bytes()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_with(tmp_path_factory.mktemp("additions"), ADDING_NOTE, NOTE_FILE)


def test_the_claims_live_in_the_adding_notes_graph(built: Path) -> None:
    store = ox.Store.read_only(str(built / "dist" / "store"))
    graph = note_graph("2025/2025-10-26-wire-malaysia-signing")
    dates = [
        q.object.value
        for q in store.quads_for_pattern(
            ox.NamedNode(AGREEMENT_IRI), ox.NamedNode(TKG + "announcedOn"), None, graph
        )
    ]
    assert dates == ["2025-10-26"]
    # the thing keeps its definer's classes and name: the addition states neither
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    assert not list(store.quads_for_pattern(ox.NamedNode(AGREEMENT_IRI), rdf_type, None, graph))
    # a query over the union of the graphs sees both sources' claims of the one thing
    rows = list(
        store.query(
            f"SELECT ?kind ?date WHERE {{ <{AGREEMENT_IRI}> <{TKG}agreementKind> ?kind ; "
            f"<{TKG}announcedOn> ?date }}",
            use_default_graph_as_union=True,
        )
    )
    assert [row["date"].value for row in rows] == ["2025-10-26"]  # type: ignore[union-attr]


def test_show_lists_both_sources_each_claim_with_its_quote(built: Path) -> None:
    result = _run(built, "show", AGREEMENT)
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Malaysia and the United States sign their trade agreement" in text
    assert "Trump Strengthens U.S.–Asian Trade Ties Amid Rare Earth Tensions" in text
    assert f"“{QUOTE}”" in text
    sources = {line.split("]")[0].strip(" ["): line for line in text.splitlines() if "] " in line}
    adding = next(n for n, line in sources.items() if "sign their trade agreement" in line)
    date_line = next(line for line in text.splitlines() if "2025-10-26" in line)
    assert date_line.rstrip().endswith(f"[{adding}]")
    # two sources, two values of a single-valued property: both kept, flagged
    binding = [line for line in text.splitlines() if "binding" in line]
    assert any("sources disagree" in line for line in binding), binding
    as_json = json.loads(_run(built, "show", AGREEMENT, "--format", "json").output)
    quotes = [q for record in as_json["provenance"] for q in record["quotes"]]
    assert QUOTE in quotes


def test_editing_and_deleting_the_adding_note_is_incremental_as_full(
    tmp_path: Path,
) -> None:
    project = copy_seed_project(tmp_path / "project")
    _write(project, ADDING_NOTE)
    assert _run(project, "build").exit_code == 0
    _write(project, ADDING_NOTE.replace("announcedOn: 2025-10-26", "announcedOn: 2025-10"))
    result = _run(project, "build", "--verbose")
    assert result.exit_code == 0, result.output
    assert "1 note(s) read and checked" in result.output
    incremental = _dataset(project)
    dates = [
        line.split(b'"')[1]
        for line in incremental.splitlines()
        if b"announcedOn" in line and b"wire-malaysia-signing" in line
    ]
    assert dates == [b"2025-10"]
    assert _run(project, "build", "--full").exit_code == 0
    assert _dataset(project) == incremental

    (project / NOTE_FILE).unlink()
    assert _run(project, "build").exit_code == 0
    deleted = _dataset(project)
    assert b"wire-malaysia-signing" not in deleted
    assert _run(project, "build", "--full").exit_code == 0
    assert _dataset(project) == deleted


def test_editing_the_definition_redoes_the_notes_that_add_to_it(tmp_path: Path) -> None:
    project = copy_seed_project(tmp_path / "project")
    _write(project, ADDING_NOTE)
    assert _run(project, "build").exit_code == 0
    definer = project / "data/notes/2025/2025-10-27-gmt-eight-us-asean-deals.yaml"
    text = definer.read_text(encoding="utf-8")
    definer.write_text(text.replace(f"id: {AGREEMENT}\n", f"id: {AGREEMENT}-renamed\n", 1))
    result = _run(project, "build")
    assert result.exit_code == 2
    assert f"{NOTE_FILE}:6:" in result.output and "[unknown-id]" in result.output
    hint = result.output.split("[unknown-id]")[1].splitlines()[1]
    assert "did you mean" in hint and f"'{AGREEMENT}-renamed'" in hint


BAD_NOTE = f"""\
source:
  title: "A wire with mistaken additions"
  issued: 2025-11-01
  documentKind: news-article
statements:
  - about: us-mys-reciprocal-trade-2052
    announcedOn: 2025-10-26
    evidence: "one"
  - about: {AGREEMENT}
    a: TariffMeasure
    evidence: "two"
  - about: {AGREEMENT}
    id: another-id
    evidence: "three"
  - about: {AGREEMENT}
    rate: 19
    evidence: "four"
  - about: {AGREEMENT}
    bindingness: binding
  - about: [USA, MYS]
    evidence: "five"
"""


def test_bad_additions_are_errors_at_their_lines_and_nothing_is_written(tmp_path: Path) -> None:
    project = copy_seed_project(tmp_path / "project")
    assert _run(project, "build").exit_code == 0
    before = _dataset(project)
    _write(project, BAD_NOTE, "data/notes/2025/2025-11-01-mistaken-additions.yaml")
    result = _run(project, "build")
    assert result.exit_code == 2
    out = result.output
    file = "data/notes/2025/2025-11-01-mistaken-additions.yaml"
    expected = {
        6: "unknown-id",
        10: "addition-class-mismatch",
        13: "addition-with-id",
        16: "property-not-for-kind",
        18: "statement-evidence",
        20: "addition-target",
    }
    for line, code in expected.items():
        assert any(
            row.startswith(f"{file}:{line}:") and f"[{code}]" in row for row in out.splitlines()
        ), (line, code, out)
    assert f"did you mean '{AGREEMENT}'" in out
    assert "is an Agreement (data/notes/2025/2025-10-27-gmt-eight-us-asean-deals.yaml" in out
    assert "6 errors, 1 warning in the input: nothing was written." in out
    assert _dataset(project) == before


def test_a_second_label_is_a_warning_kept_with_the_note(tmp_path: Path) -> None:
    project = copy_seed_project(tmp_path / "project")
    _write(project, ADDING_NOTE.replace("    altLabel:", "    label:"))
    result = _run(project, "build")
    assert result.exit_code == 0, result.output
    assert f"{NOTE_FILE}:8:" in result.output and "[second-label]" in result.output
    validated = _run(project, "build", "--verbose")
    assert "[second-label]" in validated.output  # kept in the cache with the note


DUPLICATE_NOTE = """\
source:
  title: "The US and Malaysia agree on trade"
  issued: 2025-10-26
  documentKind: news-article
statements:
  - a: Agreement
    id: usa-mys-trade-deal
    label: "US–Malaysia Reciprocal Trade Arrangement (2025)"
    party: [USA, MYS]
    claimStatus: reported
    evidence: "the two countries agreed on reciprocal trade"
"""


def test_a_thing_defined_like_an_existing_one_gets_a_hint_in_both_notes(tmp_path: Path) -> None:
    project = copy_seed_project(tmp_path / "project")
    assert _run(project, "build").exit_code == 0
    _write(project, DUPLICATE_NOTE)
    incremental = _run(project, "build", "--verbose")
    assert incremental.exit_code == 0, incremental.output
    full = _run(project, "build", "--full", "--verbose")
    for result in (incremental, full):
        hints = [row for row in result.output.splitlines() if "[possible-duplicate]" in row]
        assert len(hints) == 2, result.output
        assert any(row.startswith(NOTE_FILE) and f"'{AGREEMENT}'" in row for row in hints)
    assert f"'- about: {AGREEMENT}'" in full.output
