"""``sameAs``: one thing under two ids, in a copy of the seed project.

A second source defines the US–Malaysia agreement again under its own id and says, with an
editorial reason, that it is the seed's. The build makes them one thing: every id names the
canonical IRI, both definitions' claims are the one thing's, each in its own note's graph,
and the saved queries see one agreement with the lifecycle steps of both sources.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import Result
from note_support import built_with, run, write_note
from seed_project import copy_seed_project

from loader.api import open_project, run_query
from loader.build.export import IDS, NQUADS
from loader.namespaces import OWL

SEED_ID = "us-mys-reciprocal-trade-2025"
SEED_IRI = f"https://w3id.org/tradekg/id/agreement/{SEED_ID}"
NEW_ID = "usa-mys-art"
NEW_IRI = f"https://w3id.org/tradekg/id/agreement/{NEW_ID}"
NOTE_FILE = "data/notes/2025/2025-11-03-wire-us-mys-agreement.yaml"
NOTE = f"""\
source:
  title: "The US and Malaysia sign their reciprocal trade agreement"
  issued: 2025-11-03
  documentKind: news-article
statements:
  - a: Agreement
    id: {NEW_ID}
    label: "Agreement on Reciprocal Trade between the United States and Malaysia"
    party: [USA, MYS]
    claimStatus: reported
    evidence: "the Agreement on Reciprocal Trade between the United States and Malaysia"
  - a: LifecycleStep
    ofAgreement: {NEW_ID}
    stage: signed
    onDate: 2025-10-26
    claimStatus: reported
    evidence: "signed in Kuala Lumpur on 26 October"
  - about: {NEW_ID}
    sameAs: {SEED_ID}
    editorialNote: Both name the agreement the two states signed in Kuala Lumpur on 26 October 2025.
"""


def _run(project: Path, *args: str) -> Result:
    return run(project, *args)


def _write(project: Path, text: str, file: str = NOTE_FILE) -> None:
    write_note(project, text, file)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_with(tmp_path_factory.mktemp("identity"), NOTE, NOTE_FILE)


def test_both_ids_name_the_thing_defined_first(built: Path) -> None:
    ids = json.loads((built / "dist" / IDS).read_text(encoding="utf-8"))
    # the seed note's file sorts before the new one: its IRI is the canonical one
    assert ids[SEED_ID] == ids[NEW_ID] == SEED_IRI
    store = ox.Store.read_only(str(built / "dist" / "store"))
    same = list(store.quads_for_pattern(None, ox.NamedNode(OWL + "sameAs"), None, None))
    assert [(q.subject.value, q.object.value) for q in same] == [(NEW_IRI, SEED_IRI)]
    # nothing else is stated of the merged-away IRI
    assert len(list(store.quads_for_pattern(ox.NamedNode(NEW_IRI), None, None, None))) == 1


def test_show_by_either_id_is_one_thing_with_both_sources(built: Path) -> None:
    by_seed = _run(built, "show", SEED_ID, "--format", "json")
    by_new = _run(built, "show", NEW_ID, "--format", "json")
    assert by_seed.exit_code == by_new.exit_code == 0, by_new.output
    seed, new = json.loads(by_seed.output), json.loads(by_new.output)
    assert seed == new
    assert seed["iri"] == SEED_IRI and seed["sameAs"] == [NEW_IRI]
    sources = {record["source"]["text"] for record in seed["provenance"]}
    assert "The US and Malaysia sign their reciprocal trade agreement" in sources
    assert "Trump Strengthens U.S.–Asian Trade Ties Amid Rare Earth Tensions" in sources
    names = {
        v["value"]["text"]
        for f in seed["facts"]
        if f["property"]["text"] == "alternative label"
        for v in f["values"]
    }
    assert names == {"Agreement on Reciprocal Trade between the United States and Malaysia"}


def test_saved_queries_see_one_agreement_with_the_steps_of_both(built: Path) -> None:
    rows = run_query(open_project(built), "agreement-lifecycle", agreement=NEW_ID)
    stages = sorted(row["stage"].value.rsplit("-", 1)[-1] for row in rows)  # type: ignore[union-attr]
    assert stages == ["concluded", "signed"]


def test_a_sameas_note_added_or_removed_builds_as_a_full_build(tmp_path: Path) -> None:
    project = copy_seed_project(tmp_path / "project")
    assert _run(project, "build").exit_code == 0
    for text in (NOTE, None):
        if text is None:
            (project / NOTE_FILE).unlink()
        else:
            _write(project, text)
        result = _run(project, "build")
        assert result.exit_code == 0, result.output
        incremental = (project / "dist" / NQUADS).read_bytes()
        assert _run(project, "build", "--full").exit_code == 0
        assert (project / "dist" / NQUADS).read_bytes() == incremental
        assert (b"owl#sameAs" in incremental) is (text is not None)


BAD = f"""\
source:
  title: "Mistaken identities"
  issued: 2025-11-04
  documentKind: news-article
statements:
  - about: {SEED_ID}
    sameAs: us-mys-reciprocal-trade-2052
    editorialNote: a typo in the id
  - about: {SEED_ID}
    sameAs: MYS
    editorialNote: an agreement is not a state
  - about: {SEED_ID}
    sameAs: us-khm-reciprocal-trade-2025
    editorialNote: the Cambodian agreement, said to be the same
  - about: us-khm-reciprocal-trade-2025
    sameAs: {SEED_ID}
    editorialNote: and the same said again the other way round
"""


def test_bad_links_are_reported_at_their_lines(tmp_path: Path) -> None:
    project = copy_seed_project(tmp_path / "project")
    _write(project, BAD, "data/notes/2025/2025-11-04-mistaken-identities.yaml")
    result = _run(project, "build")
    assert result.exit_code == 2
    rows = result.output.splitlines()
    file = "data/notes/2025/2025-11-04-mistaken-identities.yaml"
    for line, code in {
        7: "unknown-id",
        10: "same-as-unrelated-classes",
        16: "same-as-cycle",
    }.items():
        assert any(r.startswith(f"{file}:{line}:") and f"[{code}]" in r for r in rows), (
            line,
            code,
            result.output,
        )
    assert f"did you mean '{SEED_ID}'" in result.output
    assert f"'{SEED_ID}' is an Agreement and 'MYS' a Country" in result.output
