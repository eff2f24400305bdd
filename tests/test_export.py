"""`tradekg export`: flat tables and a Frictionless data package, from a real build.

The project is a copy of the seed project with one more note of a class a researcher adds
(with its own ontology file, a month-precision source date and a quantity in tonnes), built
for real. Counts are computed here from the built store by SPARQL; the package is checked
by the real ``frictionless`` library, and the tables are read back with pandas and pyarrow.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from frictionless import validate
from seed_project import copy_seed_project

from loader.api import open_project, query_frame, table
from loader.cli import main

TKG = "https://w3id.org/tradekg/ontology#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DATA_GRAPHS = (
    "FILTER(?g NOT IN (<https://w3id.org/tradekg/graph/ontology>, "
    "<https://w3id.org/tradekg/graph/queries>, <https://w3id.org/tradekg/graph/void>))"
)

QUOTA_ONTOLOGY = """\
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix tkg: <https://w3id.org/tradekg/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

tkg:QuotaAllocation a owl:Class ;
    rdfs:label "Quota allocation"@en ;
    skos:definition "A share of a quota that a party is given for its goods."@en ;
    rdfs:subClassOf prov:Entity .

tkg:quotaVolume a owl:DatatypeProperty ;
    rdfs:label "quota volume"@en ;
    skos:definition "How much the quota allows, in the unit given by tkg:unit."@en ;
    rdfs:domain tkg:QuotaAllocation ;
    rdfs:range xsd:decimal .

tkg:quotaHolder a owl:ObjectProperty ;
    rdfs:label "quota holder"@en ;
    skos:definition "The party whose goods the quota admits."@en ;
    rdfs:domain tkg:QuotaAllocation ;
    rdfs:range tkg:Party .
"""
QUOTA_TEXT = "Export Test Wire. The EU opened a quota of 1.3 million tonnes of Ukrainian wheat.\n"
QUOTA_NOTE = """\
source:
  title: "The EU opens a wheat quota for Ukraine"
  identifier: export-test-quota.txt
  publisher: export-test-wire
  issued: 2025-11
  documentKind: news-article
language: en
statements:
  - a: Company
    id: export-test-wire
    label: Export Test Wire
    claimStatus: reported
    evidence: "Export Test Wire"
  - a: QuotaAllocation
    id: eu-ukr-wheat-quota-2025
    label: EU tariff-rate quota for Ukrainian wheat (2025)
    quotaHolder: UKR
    quotaVolume: 1300000
    unit: tonne
    claimStatus: reported
    evidence: "a quota of 1.3 million tonnes of Ukrainian wheat"
"""


def invoke(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built copy of the seed project with the quota extension, exported as CSV."""
    root = copy_seed_project(tmp_path_factory.mktemp("export"))
    (root / "ontology" / "quota.ttl").write_text(QUOTA_ONTOLOGY, encoding="utf-8")
    note = root / "data" / "notes" / "2025" / "2025-11-export-test-quota.yaml"
    note.write_text(QUOTA_NOTE, encoding="utf-8")
    archive = root / "data" / "sources"
    archive.mkdir(parents=True)
    (archive / "export-test-quota.txt").write_text(QUOTA_TEXT, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:  # this test's archive, not CI's seed folder
        patch.setenv("TRADEKG_SOURCES", str(archive))
        invoke("build", "--project", str(root), "--quiet")
    output = invoke("export", "--project", str(root))
    assert "Into dist/tables/" in output
    return root


@pytest.fixture(scope="module")
def tables_dir(project: Path) -> Path:
    return project / "dist" / "tables"


@pytest.fixture(scope="module")
def package(tables_dir: Path) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((tables_dir / "datapackage.json").read_text("utf-8"))
    return loaded


@pytest.fixture(scope="module")
def parquet_dir(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("parquet") / "tables"
    invoke("export", "--project", str(project), "--format", "parquet", "--out", str(out))
    return out


def store(project: Path) -> ox.Store:
    return ox.Store.read_only(str(project / "dist" / "store"))


def select(project: Path, query: str) -> list[ox.QuerySolution]:
    answer = store(project).query(query, use_default_graph_as_union=True)
    assert isinstance(answer, ox.QuerySolutions)
    return list(answer)


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def resources(package: dict[str, object]) -> dict[str, dict[str, object]]:
    found = package["resources"]
    assert isinstance(found, list)
    return {r["name"]: r for r in found}


def fields(resource: dict[str, object]) -> dict[str, dict[str, object]]:
    schema = resource["schema"]
    assert isinstance(schema, dict)
    return {f["name"]: f for f in schema["fields"]}


def things_of(project: Path, klass: str, *, but: tuple[str, ...] = ()) -> set[str]:
    """IRIs the data graphs type with ``klass`` (or a subclass) and with none of ``but``."""
    excluded = "".join(
        f"FILTER NOT EXISTS {{ ?s a/<{RDFS}subClassOf>* <{TKG}{other}> }} " for other in but
    )
    query = (
        f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a ?c }} {DATA_GRAPHS} "
        f"?c <{RDFS}subClassOf>* <{TKG}{klass}> . {excluded} }}"
    )
    return {row["s"].value for row in select(project, query)}


@pytest.mark.parametrize(
    ("name", "klass", "but"),
    [
        ("tariff-measures", "TariffMeasure", ()),
        ("trade-measures", "TradeMeasure", ("TariffMeasure",)),
        ("commitments", "Commitment", ()),
        ("agreements", "Agreement", ()),
        ("lifecycle-steps", "LifecycleStep", ()),
        ("statistics", "Statistic", ()),
        ("events", "Event", ()),
        ("assessments", "Assessment", ()),
        ("sources", "SourceDocument", ()),
        ("people", "Person", ()),
        ("parties", "Party", ()),
        ("quota-allocations", "QuotaAllocation", ()),
    ],
)
def test_a_table_per_kind_with_one_row_per_thing(
    project: Path, tables_dir: Path, name: str, klass: str, but: tuple[str, ...]
) -> None:
    expected = things_of(project, klass, but=but)
    assert expected, f"the seed project has no {klass}"
    found = rows(tables_dir / f"{name}.csv")
    assert len(found) == len(expected)
    assert {row["iri"] for row in found} == expected
    assert len({row["id"] for row in found}) == len(found)


def test_every_thing_of_every_class_is_in_a_table(
    project: Path, tables_dir: Path, package: dict[str, object]
) -> None:
    """A class with instances and no table of its own gets one (regions, sectors, quotas)."""
    typed = select(
        project,
        f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a ?c }} {DATA_GRAPHS} "
        "GRAPH <https://w3id.org/tradekg/graph/ontology> { ?c a ?kind } "
        "FILTER(?kind IN (<http://www.w3.org/2002/07/owl#Class>, "
        f"<{RDFS}Class>)) FILTER(isIRI(?s)) "
        "FILTER NOT EXISTS { GRAPH <https://w3id.org/tradekg/graph/ontology> { ?s ?p ?o } } }",
    )
    in_tables: list[str] = []
    for name, resource in resources(package).items():
        if "iri" in fields(resource):
            in_tables.extend(row["iri"] for row in rows(tables_dir / f"{name}.csv"))
    assert sorted(in_tables) == sorted(row["s"].value for row in typed)  # each thing once


def test_agreement_parties_one_row_per_agreement_and_party(project: Path, tables_dir: Path) -> None:
    pairs = select(
        project,
        f"SELECT DISTINCT ?a ?p WHERE {{ ?a a <{TKG}Agreement> ; <{TKG}party> ?p }}",
    )
    found = rows(tables_dir / "agreement-party.csv")
    assert len(found) == len(pairs)
    ids = {row["iri"]: row["id"] for row in rows(tables_dir / "agreements.csv")}
    assert {(r["agreement_id"], r["party_id"]) for r in found} == {
        (ids[row["a"].value], row["p"].value.rsplit("/", 1)[1]) for row in pairs
    }


def test_a_rate_is_a_number_with_its_unit(tables_dir: Path, package: dict[str, object]) -> None:
    columns = fields(resources(package)["tariff-measures"])
    assert columns["rate"]["type"] == "number"
    assert columns["rate_unit"]["type"] == "string"
    assert "percent" in str(columns["rate"]["description"])
    malaysia = next(
        row
        for row in rows(tables_dir / "tariff-measures.csv")
        if row["id"] == "us-tariff-mys-19-2025-10"
    )
    assert (malaysia["rate"], malaysia["rate_unit"]) == ("19", "percent")
    assert (malaysia["imposed_by_id"], malaysia["imposed_by_label"]) == (
        "USA",
        "United States of America",
    )
    assert (malaysia["applies_to_id"], malaysia["measure_status"]) == ("MYS", "maintained")
    assert malaysia["claim_status"] == "reported"
    assert malaysia["source_id"] == "2025-10-27-gmt-eight-us-asean-deals"
    assert malaysia["evidence"].startswith("Under these arrangements, Washington maintained")


def test_an_amount_is_a_number_with_its_unit(
    project: Path, tables_dir: Path, package: dict[str, object]
) -> None:
    quota = rows(tables_dir / "quota-allocations.csv")[0]
    assert (quota["quota_volume"], quota["unit"], quota["quota_holder_id"]) == (
        "1300000",
        "tonne",
        "UKR",
    )
    assert fields(resources(package)["quota-allocations"])["quota_volume"]["type"] == "number"
    stats = {row["iri"]: row for row in rows(tables_dir / "statistics.csv")}
    for row in select(
        project,
        f"SELECT ?s ?v ?n WHERE {{ ?s a <{TKG}Statistic> ; <https://schema.org/value> ?v ; "
        f"<{TKG}unit>/<http://www.w3.org/2004/02/skos/core#notation> ?n }}",
    ):
        cell = stats[row["s"].value]
        assert float(cell["value"]) == float(row["v"].value)
        assert cell["unit"] == row["n"].value


def test_dates_keep_the_precision_the_source_gives(
    project: Path, tables_dir: Path, package: dict[str, object]
) -> None:
    """Every date of a thing is written as stored; a column's type says one precision or
    is a string when precisions mix (the quota's source is dated by month only)."""
    dated = select(
        project,
        f"SELECT ?s ?p ?d WHERE {{ GRAPH ?g {{ ?s ?p ?d }} {DATA_GRAPHS} "
        "FILTER(DATATYPE(?d) IN (<http://www.w3.org/2001/XMLSchema#date>, "
        "<http://www.w3.org/2001/XMLSchema#gYearMonth>, "
        "<http://www.w3.org/2001/XMLSchema#gYear>)) }",
    )
    assert any(re.fullmatch(r"\d{4}-\d{2}", row["d"].value) for row in dated)
    by_iri: dict[str, tuple[str, dict[str, str]]] = {}
    for name, resource in resources(package).items():
        if "iri" in fields(resource):
            for row in rows(tables_dir / f"{name}.csv"):
                by_iri[row["iri"]] = (name, row)
    checked = 0
    for row in dated:
        name, cells = by_iri[row["s"].value]
        local = re.split(r"[#/]", row["p"].value)[-1]
        column = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", local).lower()
        assert row["d"].value in cells[column].split(" | "), (name, column)
        checked += 1
    assert checked == len(dated)
    sources = rows(tables_dir / "sources.csv")
    assert "2025-11" in {row["issued"] for row in sources}
    assert fields(resources(package)["sources"])["issued"]["type"] == "string"  # mixed
    types = {f["type"] for r in resources(package).values() for f in fields(r).values()}
    assert types & {"date", "yearmonth", "year"}, "no column has a single date precision"


def test_foreign_keys_resolve(tables_dir: Path, package: dict[str, object]) -> None:
    ids = {
        name: {row["id"] for row in rows(tables_dir / f"{name}.csv")}
        for name, resource in resources(package).items()
        if "id" in fields(resource)
    }
    keys = 0
    for name, resource in resources(package).items():
        schema = resource["schema"]
        assert isinstance(schema, dict)
        for key in schema.get("foreignKeys", []):
            target = key["reference"]["resource"]
            values = {row[key["fields"]] for row in rows(tables_dir / f"{name}.csv")} - {""}
            assert values <= ids[target], (name, key["fields"], sorted(values - ids[target]))
            keys += 1
    schema = resources(package)["tariff-measures"]["schema"]
    assert isinstance(schema, dict)
    assert {"fields": "imposed_by_id", "reference": {"resource": "parties", "fields": "id"}} in (
        schema["foreignKeys"]
    )
    assert keys > 20


def test_the_package_says_licence_sources_version_and_descriptions(
    project: Path, package: dict[str, object]
) -> None:
    licences = package["licenses"]
    assert isinstance(licences, list)
    stated = select(
        project,
        "SELECT ?l WHERE { GRAPH <https://w3id.org/tradekg/graph/void> { "
        "<https://w3id.org/tradekg/dataset> <http://purl.org/dc/terms/license> ?l } }",
    )
    assert {item["path"] for item in licences} == {row["l"].value for row in stated}
    from loader import __version__

    assert package["version"] == __version__
    assert package["sources"]
    rate = fields(resources(package)["tariff-measures"])["rate"]
    definition = select(
        project,
        f"SELECT ?d WHERE {{ <{TKG}rate> <http://www.w3.org/2004/02/skos/core#definition> ?d }}",
    )
    assert rate["description"] == definition[0]["d"].value


def test_frictionless_validates_the_package(tables_dir: Path) -> None:
    report = validate(str(tables_dir / "datapackage.json"))
    problems = [
        f"{task.name}: {error.message}" for task in report.tasks for error in task.errors
    ] + [error.message for error in report.errors]
    assert report.valid, "\n".join(problems[:20])
    assert len(report.tasks) > 20


def test_a_repeated_export_is_byte_identical(
    project: Path, tables_dir: Path, parquet_dir: Path, tmp_path: Path
) -> None:
    invoke("export", "--project", str(project), "--out", str(tmp_path / "csv"))
    invoke(
        "export", "--project", str(project), "--format", "parquet", "--out", str(tmp_path / "pq")
    )
    for first, again in ((tables_dir, tmp_path / "csv"), (parquet_dir, tmp_path / "pq")):
        names = sorted(p.name for p in first.iterdir())
        assert names == sorted(p.name for p in again.iterdir())
        for name in names:
            assert (first / name).read_bytes() == (again / name).read_bytes(), name


DTYPES = {"number": "float64", "integer": "Int64", "boolean": "boolean"}


def typed_csv(path: Path, resource: dict[str, object]) -> pd.DataFrame:
    """A CSV table read by pandas with the types its Table Schema gives."""
    types = {n: f["type"] for n, f in fields(resource).items()}
    return pd.read_csv(
        path,
        dtype={n: DTYPES.get(str(t), "object") for n, t in types.items()},
        keep_default_na=False,
        na_values=[""],
    )


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as Python objects with one kind of empty (None), whatever the reader."""
    cells = frame.astype(object)
    return cells.where(frame.notna(), None)


def test_parquet_round_trip_equals_csv(
    tables_dir: Path, parquet_dir: Path, package: dict[str, object]
) -> None:
    for name, resource in resources(package).items():
        from_csv = typed_csv(tables_dir / f"{name}.csv", resource)
        from_parquet = pd.read_parquet(parquet_dir / f"{name}.parquet")
        pd.testing.assert_frame_equal(
            comparable(from_csv), comparable(from_parquet), check_dtype=False, obj=name
        )
        assert pq.read_table(parquet_dir / f"{name}.parquet").num_rows == len(from_csv)
    schema = pq.read_schema(parquet_dir / "tariff-measures.parquet")
    assert str(schema.field("rate").type) == "double"


def test_tables_as_data_frames_equal_the_export(
    project: Path, tables_dir: Path, package: dict[str, object]
) -> None:
    for name in ("commitments", "tariff-measures", "agreement-party", "sources"):
        frame = table(open_project(project), name)
        from_csv = typed_csv(tables_dir / f"{name}.csv", resources(package)[name])
        pd.testing.assert_frame_equal(comparable(frame), comparable(from_csv), obj=name)
    measures = table(open_project(project), "tariff-measures")
    assert measures["rate"].dtype == "float64"


def test_a_query_frame_equals_the_query_csv(project: Path) -> None:
    params = {"imposer": "USA", "rate": "19"}
    frame = query_frame(open_project(project), "tariffs-at-or-above-rate", **params)
    text = invoke(
        "query",
        "tariffs-at-or-above-rate",
        "--project",
        str(project),
        "--param",
        "imposer=USA",
        "--param",
        "rate=19",
        "--format",
        "csv",
    )
    expected = list(csv.DictReader(text.splitlines()))
    assert len(frame) == len(expected)
    assert frame["rate"].dtype.kind in "if"
    for index, row in enumerate(expected):
        for column, cell in row.items():
            shown = frame[f"{column}_label"] if f"{column}_label" in frame else frame[column]
            value = shown.iloc[index]
            assert ("" if value is None or value != value else str(value)) == cell, column


def test_an_unknown_table_names_the_closest(project: Path) -> None:
    from loader.problems import InputError

    with pytest.raises(InputError) as caught:
        table(open_project(project), "tarif-measures")
    assert "tariff-measures" in str(caught.value.problems[0].hint)


def test_no_build_is_a_clear_error(tmp_path: Path) -> None:
    root = copy_seed_project(tmp_path / "unbuilt")
    output = invoke("export", "--project", str(root), code=2)
    assert "run `tradekg build` first" in output
    assert not (root / "dist" / "tables").exists()


def test_a_folder_that_is_no_export_is_left_alone(project: Path, tmp_path: Path) -> None:
    keep = tmp_path / "mine"
    keep.mkdir()
    (keep / "thesis.txt").write_text("precious", encoding="utf-8")
    output = invoke("export", "--project", str(project), "--out", str(keep), code=2)
    assert "not an earlier export" in output
    assert [p.name for p in keep.iterdir()] == ["thesis.txt"]


def test_an_export_replaces_the_previous_one_whole(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables"
    invoke("export", "--project", str(project), "--out", str(out))
    (out / "stale.csv").write_text("old,table\n", encoding="utf-8")
    invoke("export", "--project", str(project), "--out", str(out))
    assert not (out / "stale.csv").exists()
    assert (out / "tariff-measures.csv").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tables"]  # no folder left aside


def test_parquet_without_pyarrow_names_the_extra(project: Path, tmp_path: Path) -> None:
    """A real interpreter in which pyarrow cannot be imported, as where the extra is missing."""
    script = (
        "import sys; sys.modules['pyarrow'] = None\n"
        "from loader.cli import main\n"
        f"main(['export', '--project', {str(project)!r}, '--format', 'parquet', "
        f"'--out', {str(tmp_path / 'pq')!r}])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2, done.stderr
    assert "pip install 'tradekg[tables]'" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "pq").exists()


def test_data_frames_without_pandas_name_the_extra(project: Path) -> None:
    """A real interpreter in which pandas cannot be imported: a clear error, not a traceback."""
    script = (
        "import sys; sys.modules['pandas'] = None\n"
        "from loader.api import open_project, tables\n"
        "from loader.problems import InputError\n"
        "try:\n"
        f"    tables(open_project({str(project)!r}))\n"
        "except InputError as error:\n"
        "    print(error.problems[0].message, '|', error.problems[0].hint)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "a data frame needs pandas" in done.stdout
    assert "pip install 'tradekg[tables]'" in done.stdout
