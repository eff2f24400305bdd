"""Answers in people's words: labels in query output, value sets by notation, ``tradekg show``.

Everything runs the real CLI on a real build of a copy of the project; the remote answers come
from a real Oxigraph server loaded with the same build.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from click.testing import CliRunner, Result
from load_support import server_with
from seed_project import copy_seed_project

from loader.cli import main
from loader.project import Project
from loader.query.output import with_unit
from loader.store.server import OxigraphServer
from loader.units import compact

REPO = Path(__file__).resolve().parent.parent
DEMO = ["query", "tariffs-at-or-above-rate", "--param", "imposer=USA", "--param", "rate=19"]


def copy_project(root: Path) -> Project:
    return Project(copy_seed_project(root, parts=("ontology", "shapes", "queries")))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Project:
    from loader.build import build

    project = copy_project(tmp_path_factory.mktemp("readable"))
    build(project, use_cache=False)
    return project


def tradekg(project: Project, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--project", str(project.root)])


@pytest.fixture(scope="module")
def server(built: Project, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    with server_with(built.dist_dir / "tradekg.nq", tmp_path_factory.mktemp("oxigraph")) as running:
        yield running


def test_the_demo_answer_reads_in_labels_with_units(built: Project) -> None:
    result = tradekg(built, *DEMO)
    assert result.exit_code == 0, result.output
    rows = {line.split("  ")[0]: line for line in result.output.splitlines()}
    malaysia = rows["US 19% tariff on exports from Malaysia, maintained (2025)"]
    assert "Malaysia" in malaysia and "maintained" in malaysia and "19 %" in malaysia
    assert "US–Malaysia reciprocal trade arrangement (2025)" in malaysia
    assert "Viet Nam" in result.output
    assert "id:state/" not in result.output and "tkg:measure-status" not in result.output


def test_iris_are_there_on_request(built: Project) -> None:
    result = tradekg(built, *DEMO, "--iris")
    assert result.exit_code == 0, result.output
    assert "id:state/MYS" in result.output and "tkg:measure-status-maintained" in result.output
    assert "Malaysia  " not in result.output


def test_json_stays_standard_sparql_json_with_iris(built: Project) -> None:
    result = tradekg(built, *DEMO, "--format", "json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    targets = {b["target"]["value"] for b in answer["results"]["bindings"]}
    assert "https://w3id.org/tradekg/id/state/MYS" in targets
    assert all(b["rate"]["datatype"].endswith("#decimal") for b in answer["results"]["bindings"])


def test_csv_and_tsv_carry_labels_and_plain_numbers(built: Project) -> None:
    text = tradekg(built, *DEMO, "--format", "csv").output
    rows = list(csv.DictReader(io.StringIO(text)))
    malaysia = next(r for r in rows if r["target"] == "Malaysia")
    assert malaysia["status"] == "maintained" and malaysia["rate"] == "19"
    tsv = tradekg(built, *DEMO, "--format", "tsv").output.splitlines()
    assert tsv[0].startswith("?measure\t?target")
    assert any("\tMalaysia\t19\t" in line for line in tsv[1:])


@pytest.mark.requires("oxigraph")
def test_an_endpoint_answer_reads_the_same_as_the_local_one(
    built: Project, server: OxigraphServer
) -> None:
    local = tradekg(built, *DEMO)
    remote = tradekg(built, *DEMO, "--endpoint", server.url, "--store", "oxigraph")
    assert remote.exit_code == 0, remote.output
    assert remote.output == local.output


def test_a_value_set_parameter_takes_the_notation_notes_write(built: Project) -> None:
    by_notation = tradekg(built, "query", "agreements-by-stage", "--param", "stage=announced")
    by_iri = tradekg(
        built, "query", "agreements-by-stage", "--param", "stage=tkg:agreement-stage-announced"
    )
    assert by_notation.exit_code == 0, by_notation.output
    assert by_notation.output == by_iri.output
    assert "US–Vietnam framework agreement" in by_notation.output


def test_a_wrong_notation_is_refused_with_the_allowed_values(built: Project) -> None:
    result = tradekg(built, "query", "agreements-by-stage", "--param", "stage=annonced")
    assert result.exit_code == 2
    assert "'annonced' is not one of its values" in result.output
    for allowed in ("announced", "signed", "concluded", "in-force"):
        assert allowed in result.output
    assert "Traceback" not in result.output


def test_units_are_written_as_trade_reports_write_them() -> None:
    def number(text: str) -> ox.Literal:
        return ox.Literal(text, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))

    assert with_unit(number("19"), "percent") == "19 %"
    assert with_unit(number("19.50"), "percent") == "19.5 %"
    assert with_unit(number("-123500000000"), "USD") == "USD -123.5 bn"
    assert with_unit(number("2000000"), "box") == "2 m box"
    assert with_unit(ox.Literal("n/a"), "percent") == "n/a"
    assert compact(Decimal("9500")) == "9,500"


def test_show_prints_the_tariff_with_its_quote(built: Project) -> None:
    result = tradekg(built, "show", "MYS")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert text.startswith("Malaysia")
    assert "US 19% tariff on exports from Malaysia, maintained (2025)" in text
    assert "Washington maintained a 19% tariff on exports from Malaysia" in text
    assert "Trump Strengthens U.S.–Asian Trade Ties Amid Rare Earth Tensions" in text


def test_show_of_a_measure_gives_its_facts_in_words(built: Project) -> None:
    result = tradekg(built, "show", "us-tariff-mys-19-2025-10")
    assert result.exit_code == 0, result.output
    facts = {line.split()[0]: line for line in result.output.splitlines() if line.startswith("  ")}
    assert "19 %" in facts["rate"] and "maintained" in result.output
    assert "United States of America" in result.output


def test_show_json_is_for_scripts(built: Project) -> None:
    result = tradekg(built, "show", "VNM", "--format", "json")
    data = json.loads(result.output)
    assert data["label"] == "Viet Nam"
    kinds = {g["kind"] for g in data["pointedAtBy"]}
    assert {"Tariff measure", "Statistic"} <= kinds


def test_an_unknown_id_suggests_the_closest(built: Project) -> None:
    result = tradekg(built, "show", "Malasia")
    assert result.exit_code == 2
    assert "nothing in the graph is called 'Malasia'" in result.output
    assert '"Malaysia"' in result.output
    assert "Traceback" not in result.output


def test_an_ambiguous_label_lists_the_things_it_names(tmp_path: Path) -> None:
    """Two people of one note share a label: ``show LABEL`` names both ids, shows neither."""
    from loader.build import build

    project = copy_project(tmp_path)
    path, note, first = next(  # the first note that records a person (a seed note does)
        (path, note, statement)
        for path in sorted((project.root / "data" / "notes").rglob("*.yaml"))
        for note in [yaml.safe_load(path.read_text(encoding="utf-8"))]
        for statement in note["statements"]
        if statement.get("a") == "Person"
    )
    twin = {**first, "id": first["id"] + "-twin"}
    note["statements"].append(twin)
    path.write_text(yaml.safe_dump(note, allow_unicode=True, sort_keys=False), "utf-8")
    build(project, use_cache=False)
    label = first.get("label") or first.get("name")
    result = tradekg(project, "show", str(label))
    assert result.exit_code == 2, result.output
    assert "names 2 things" in result.output
    assert first["id"] in result.output and twin["id"] in result.output


@pytest.mark.parametrize("name", ["Vietnam", "viet nam", "VIET-NAM", "VN", "vnm", "704"])
def test_show_takes_any_name_or_code_of_a_state(built: Project, name: str) -> None:
    """Alternative labels and ISO alpha-2/alpha-3/numeric codes, in any case or punctuation."""
    result = tradekg(built, "show", name, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["label"] == "Viet Nam"


def test_show_south_korea_is_the_republic_of_korea(built: Project) -> None:
    result = tradekg(built, "show", "South Korea")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Republic of Korea\n")


def test_show_takes_an_hs_code_with_or_without_its_prefix(built: Project) -> None:
    plain, prefixed = tradekg(built, "show", "2846"), tradekg(built, "show", "hs:2846")
    assert plain.exit_code == 0 and prefixed.exit_code == 0, plain.output + prefixed.output
    assert plain.output == prefixed.output
    assert "rare-earth metals" in plain.output


def test_accents_do_not_matter_in_a_name(built: Project) -> None:
    """Accents and apostrophes are folded away: both spellings name Côte d'Ivoire."""
    accented = tradekg(built, "show", "Côte d’Ivoire", "--format", "json")
    plain = tradekg(built, "show", "cote d'ivoire", "--format", "json")
    assert accented.exit_code == 0 and plain.exit_code == 0, accented.output + plain.output
    assert json.loads(accented.output)["iri"] == json.loads(plain.output)["iri"]
    assert json.loads(plain.output)["iri"].endswith("/CIV")


@pytest.mark.parametrize("imposer", ["United States", "usa", "US", "United States of America"])
def test_a_parameter_takes_the_names_people_use(built: Project, imposer: str) -> None:
    by_id = tradekg(built, *DEMO[:3], "imposer=USA", "--param", "rate=19", "--format", "csv")
    by_name = tradekg(
        built, *DEMO[:3], f"imposer={imposer}", "--param", "rate=19", "--format", "csv"
    )
    assert by_name.exit_code == 0, by_name.output
    assert by_name.output == by_id.output
    assert len(by_name.output.splitlines()) > 1


def test_a_wrong_name_in_a_parameter_lists_the_closest(built: Project) -> None:
    result = tradekg(built, *DEMO[:3], "imposer=Untied States", "--param", "rate=19")
    assert result.exit_code == 2
    assert "nothing in the graph is called 'Untied States'" in result.output
    assert '"United States of America"' in result.output
    assert "Traceback" not in result.output


def test_a_name_that_several_things_share_lists_them_with_their_classes(built: Project) -> None:
    """ "Korea" is no thing's name, "Republic of" starts dozens of names: candidates listed."""
    result = tradekg(built, "show", "Republic of")
    assert result.exit_code == 2, result.output
    assert "names" in result.output and "(Country, Sovereign state)" in result.output
    assert "id:state/" in result.output


def test_find_lists_names_best_first_with_class_and_source(built: Project) -> None:
    result = tradekg(built, "find", "vietnam", "--format", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found[0]["label"] == "Viet Nam" and found[0]["match"] == "exact"
    assert found[0]["class"] == "Country, Sovereign state"
    assert found[0]["source"] == "reference/states"
    ranks = [("exact", "starts with", "word", "start of a word").index(f["match"]) for f in found]
    assert ranks == sorted(ranks)
    assert any(f["source"].startswith("note ") for f in found)
    viet = tradekg(built, "find", "viet", "--limit", "500", "--format", "json")
    labels = [f["label"] for f in json.loads(viet.output)]
    assert labels[0] == "Viet Nam"
    assert not any("serviettes" in label for label in labels)


def test_show_says_where_each_quote_stands_in_its_archived_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An archive text written from the note's own quotes: show gives offsets that cut them out."""
    from loader.build import build

    project = copy_project(tmp_path / "project")
    note_path = next(
        p for p in (project.root / "data" / "notes").rglob("*.yaml") if "gmt-eight" in p.name
    )
    note = yaml.safe_load(note_path.read_text(encoding="utf-8"))
    quotes = [
        q
        for item in [note.get("source") or {}, *note["statements"]]
        for q in (
            item.get("evidence")
            if isinstance(item.get("evidence"), list)
            else [item.get("evidence")]
        )
        if isinstance(q, str)
    ]
    archive = tmp_path / "archive"
    archive.mkdir()
    text = "Filler before.\n\n" + "\n\nMore filler. ".join(quotes) + "\n"
    (archive / note["source"]["identifier"]).write_text(text, encoding="utf-8")
    monkeypatch.setenv("TRADEKG_SOURCES", str(archive))
    build(project, use_cache=False)
    result = tradekg(project, "show", "us-tariff-mys-19-2025-10", "--format", "json")
    assert result.exit_code == 0, result.output
    places = [
        p for record in json.loads(result.output)["provenance"] for p in record["places"].items()
    ]
    assert places, result.output
    for quote, (start, end) in places:
        assert " ".join(text[start:end].split()) == quote


def test_show_flags_conflicting_statistics_as_the_saved_query_finds_them(built: Project) -> None:
    """Every statistic's conflicts in ``show`` are exactly its pairs in conflicting-statistics."""
    from loader.query.describe import describe

    answer = json.loads(
        tradekg(built, "query", "conflicting-statistics", "--format", "json").output
    )
    pairs = {(b["a"]["value"], b["b"]["value"]) for b in answer["results"]["bindings"]}
    assert pairs, "the seed notes keep two sources' trade balances side by side"
    store = ox.Store.read_only(str(built.store_dir))
    statistics = {
        row["s"].value
        for row in store.query(
            "SELECT ?s WHERE { ?s a <https://w3id.org/tradekg/ontology#Statistic> }",
            use_default_graph_as_union=True,
        )
    }
    for statistic in statistics:
        flagged = {c.iri for c in describe(store, statistic).conflicts}
        expected = {b for a, b in pairs if a == statistic} | {a for a, b in pairs if b == statistic}
        assert flagged == expected, statistic
    a, b = sorted(pairs)[0]
    shown = tradekg(built, "show", a)
    assert "⚠ conflicts with" in shown.output and b.rsplit("/", 1)[1] in shown.output


SAVED = sorted(p.stem for p in (REPO / "queries").glob("*.rq"))
#: A language tag at the end of a cell (``Brunei Darussalam@en``).
_TAGGED = re.compile(r"@[a-zA-Z]{2,8}(-[a-zA-Z0-9]{1,8})*$")
#: A project IRI, bare (CSV), bracketed (TSV) or shortened (table), where a label belongs.
_SLUG = re.compile(r"^<?(https://w3id\.org/tradekg/|id:|tkg:)")


def _cells(fmt: str, output: str) -> list[str]:
    if fmt == "csv":
        return [cell for row in list(csv.reader(io.StringIO(output)))[1:] for cell in row]
    if fmt == "tsv":
        return [cell for line in output.splitlines()[1:] for cell in line.split("\t")]
    rows = output.splitlines()[2:-1]
    return [cell.strip() for line in rows for cell in re.split(r" {2,}", line) if cell.strip()]


@pytest.mark.parametrize("name", SAVED)
def test_no_readable_cell_of_a_saved_query_has_a_language_tag(built: Project, name: str) -> None:
    for fmt in ("table", "csv", "tsv"):
        result = tradekg(built, "query", name, "--format", fmt)
        assert result.exit_code == 0, result.output
        tagged = [cell for cell in _cells(fmt, result.output) if _TAGGED.search(cell)]
        assert not tagged, f"{name} --format {fmt}: language tags in {tagged[:5]}"


def test_json_keeps_the_language_of_each_literal(built: Project) -> None:
    tagged = 0
    for name in SAVED:
        result = tradekg(built, "query", name, "--format", "json")
        assert result.exit_code == 0, result.output
        bindings = json.loads(result.output)["results"]["bindings"]
        tagged += sum("xml:lang" in term for row in bindings for term in row.values())
    assert tagged, "no saved query's JSON answer kept a literal's language"


def _json_rows(project: Project, *args: str) -> list[dict[str, str]]:
    result = tradekg(project, "query", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    bindings = json.loads(result.output)["results"]["bindings"]
    return [{k: v["value"] for k, v in row.items()} for row in bindings]


def test_a_step_only_expected_is_not_shown_as_done(built: Project) -> None:
    """The seed's June 2025 note only expects the US–Viet Nam deal to be signed."""
    result = tradekg(built, "query", "agreements-by-stage", "--param", "stage=signed")
    assert result.exit_code == 0, result.output
    vietnam = [line for line in result.output.splitlines() if "Vietnam trade deal" in line]
    assert vietnam and all("expected" in line for line in vietnam), result.output
    steps = _json_rows(built, "agreement-lifecycle")
    assert steps and all("claimStatus" in step for step in steps)


def test_no_party_is_beneficiary_of_its_own_commitment(built: Project) -> None:
    store = ox.Store.read_only(str(built.store_dir))
    types = [
        row["n"].value
        for row in store.query(
            "SELECT DISTINCT ?n WHERE { ?c a <https://w3id.org/tradekg/ontology#Commitment> ; "
            "<https://w3id.org/tradekg/ontology#commitmentType>/"
            "<http://www.w3.org/2004/02/skos/core#notation> ?n }",
            use_default_graph_as_union=True,
        )
    ]
    del store
    assert types
    rows = [r for t in types for r in _json_rows(built, "commitments-by-type", "-p", f"type={t}")]
    rows += _json_rows(built, "purchase-pledges")
    assert rows
    pairs = [
        (r.get("obligor", r.get("buyer")), r.get("beneficiary", r.get("seller"))) for r in rows
    ]
    own = [pair for pair in pairs if pair[1] is not None and pair[0] == pair[1]]
    assert not own, own[:3]


def test_every_thing_a_note_defines_has_a_label(built: Project) -> None:
    store = ox.Store.read_only(str(built.store_dir))
    rows = store.query(
        "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s a ?c } "
        "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/tradekg/graph/note/')) "
        "FILTER(STRSTARTS(STR(?s), 'https://w3id.org/tradekg/id/') && !CONTAINS(STR(?s), '#')) "
        "FILTER NOT EXISTS { ?s <http://www.w3.org/2000/01/rdf-schema#label>|"
        "<http://purl.org/dc/terms/title> ?l } }",
        use_default_graph_as_union=True,
    )
    unnamed = [row["s"].value for row in rows]
    del store
    assert not unnamed, unnamed[:5]
