"""The reference data and its RDF: counts, ids, links between files, problems, determinism."""

from __future__ import annotations

import csv
import shutil
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from loader.namespaces import ID, RDF_TYPE, SKOS, reference_graph, thing, tkg
from loader.problems import InputError
from loader.read.reference import GRAPH_NAMES, ReferenceData, load_reference

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"

BROADER = ox.NamedNode(SKOS + "broader")
NARROW_MATCH = ox.NamedNode(SKOS + "narrowMatch")
CLOSE_MATCH = ox.NamedNode(SKOS + "closeMatch")
HAS_MEMBER = tkg("hasMember")


@pytest.fixture(scope="module")
def reference() -> ReferenceData:
    return load_reference(REFERENCE_DIR)


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _classes(data: ReferenceData, graph: str) -> Counter[str]:
    return Counter(
        t.object.value.rsplit("#", 1)[-1]
        for t in data.graphs[graph]
        if t.predicate == RDF_TYPE and isinstance(t.object, ox.NamedNode)
    )


def _objects(
    data: ReferenceData, graph: str, subject: ox.NamedNode, predicate: ox.NamedNode
) -> list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]:
    return [
        t.object for t in data.graphs[graph] if t.subject == subject and t.predicate == predicate
    ]


def _tails(
    data: ReferenceData, graph: str, subject: ox.NamedNode, predicate: ox.NamedNode
) -> set[str]:
    """The last path segments of the IRIs a subject points to (``…/state/VNM`` → ``VNM``)."""
    return {
        o.value.rsplit("/", 1)[-1]
        for o in _objects(data, graph, subject, predicate)
        if isinstance(o, ox.NamedNode)
    }


# --- counts and ids --------------------------------------------------------------------------


def test_graph_names_and_iris(reference: ReferenceData) -> None:
    assert (
        tuple(reference.graphs) == GRAPH_NAMES == ("states", "parties", "hs2022", "product-groups")
    )
    assert reference.graph_iri("hs2022") == reference_graph("hs2022")
    assert reference_graph("states").value == "https://w3id.org/tradekg/graph/reference/states"


def test_country_counts(reference: ReferenceData) -> None:
    classes = _classes(reference, "states")
    assert classes["Country"] == 249
    assert classes["SovereignState"] == 195
    # Palestine and Western Sahara ("In contention") and Antarctica ("International") are
    # countries of ISO 3166 but neither sovereign states nor dependent territories.
    assert classes["DependentTerritory"] == 249 - 195 - 3
    assert sum(1 for e in reference.ids.values() if tkg("Country") in e.classes) == 249


def test_hs_counts(reference: ReferenceData) -> None:
    classes = _classes(reference, "hs2022")
    assert classes["HSSection"] == 21
    assert classes["HSChapter"] == 97
    assert classes["HSHeading"] == 1229
    assert classes["HSSubheading"] == 5613
    assert classes["ConceptScheme"] == 1


def test_namibia_is_na(reference: ReferenceData) -> None:
    namibia = reference.ids["NAM"]
    assert namibia.label == "Namibia"
    alpha2 = _objects(reference, "states", namibia.iri, tkg("iso3166Alpha2"))
    assert alpha2 == [ox.Literal("NA")]
    currencies = _objects(reference, "states", namibia.iri, tkg("currencyCode"))
    assert currencies == [ox.Literal("NAD"), ox.Literal("ZAR")]


def test_country_details(reference: ReferenceData) -> None:
    vnm = reference.ids["VNM"]
    assert vnm.iri == thing("state", "VNM")
    assert vnm.classes == (tkg("Country"), tkg("SovereignState"))
    afg = thing("state", "AFG")
    assert _objects(reference, "states", afg, tkg("iso3166Numeric")) == [ox.Literal("004")]
    assert _objects(reference, "states", afg, tkg("m49Code")) == [ox.Literal("004")]
    assert _objects(reference, "states", afg, ox.NamedNode(SKOS + "exactMatch")) == [
        ox.NamedNode("http://www.wikidata.org/entity/Q889")
    ]
    assert reference.ids["ALA"].classes == (tkg("Country"), tkg("DependentTerritory"))
    labels = _objects(reference, "states", vnm.iri, ox.NamedNode(SKOS + "altLabel"))
    assert ox.Literal("Socialist Republic of Viet Nam", language="en") in labels
    # No cell that was only a no-break space became a value.
    for triple in reference.graphs["states"]:
        if isinstance(triple.object, ox.Literal):
            assert triple.object.value == triple.object.value.strip() != ""


def test_ids_notes_use(reference: ReferenceData) -> None:
    for note_id, kind, key in [
        ("EU", "party", "EU"),
        ("ASEAN", "party", "ASEAN"),
        ("WTO", "organization", "WTO"),
        ("world-bank", "organization", "world-bank"),
        ("hs:2805", "hs2022", "2805"),
        ("hs:280530", "hs2022", "280530"),
        ("hs:01", "hs2022", "01"),
        ("hs:section-XV", "hs2022", "section-XV"),
        ("rare-earths", "product-group", "rare-earths"),
        ("telecommunications", "product-group", "telecommunications"),
    ]:
        assert reference.ids[note_id].iri == thing(kind, key), note_id
    assert reference.ids["WTO"].classes == (tkg("InternationalOrganization"),)
    assert reference.ids["EU"].classes == (tkg("SupranationalUnion"),)
    assert reference.ids["telecommunications"].classes == (tkg("Sector"),)
    assert reference.ids["hs:2805"].label.startswith("Alkali or alkaline-earth metals")


def test_hs_hierarchy(reference: ReferenceData) -> None:
    broader = {
        t.subject.value: t.object.value
        for t in reference.graphs["hs2022"]
        if t.predicate == BROADER
        and isinstance(t.subject, ox.NamedNode)
        and isinstance(t.object, ox.NamedNode)
    }
    assert broader[ID + "hs2022/280530"] == ID + "hs2022/2805"
    assert broader[ID + "hs2022/2805"] == ID + "hs2022/28"
    assert broader[ID + "hs2022/28"] == ID + "hs2022/section-VI"
    assert ID + "hs2022/section-VI" not in broader
    notation = _objects(
        reference, "hs2022", thing("hs2022", "0808"), ox.NamedNode(SKOS + "notation")
    )
    assert notation == [ox.Literal("0808")]
    assert not any(t.predicate.value == SKOS + "narrower" for t in reference.graphs["hs2022"])


# --- links between files ---------------------------------------------------------------------


def test_every_product_group_hs_code_exists() -> None:
    codes = {row["hscode"] for row in _rows("harmonized-system.csv") if row["level"] != "5"}
    linked = [
        code
        for row in _rows("product-groups.csv")
        for column in ("narrow_match", "close_match")
        for code in row[column].split()
    ]
    assert linked
    assert [code for code in linked if code not in codes] == []


def test_every_member_code_exists() -> None:
    alpha3 = {row["ISO3166-1-Alpha-3"].strip() for row in _rows("country-codes.csv")}
    parties = {row["id"] for row in _rows("parties.csv")}
    members = [m for row in _rows("parties.csv") for m in row["members"].split()]
    assert members
    assert [m for m in members if m not in alpha3 | parties] == []


def test_memberships(reference: ReferenceData) -> None:
    def members(party: str) -> set[str]:
        return _tails(reference, "parties", reference.ids[party].iri, HAS_MEMBER)

    assert len(members("EU")) == 27
    assert len(members("ASEAN")) == 11 and "TLS" in members("ASEAN")
    assert len(members("CPTPP")) == 12 and "GBR" in members("CPTPP")
    assert len(members("APEC")) == 21 and {"HKG", "TWN"} <= members("APEC")
    assert "EU" in members("G20")
    assert members("WTO") == set() and members("world-bank") == set()


def test_product_group_links(reference: ReferenceData) -> None:
    def links(group: str, predicate: ox.NamedNode) -> set[str]:
        return _tails(reference, "product-groups", reference.ids[group].iri, predicate)

    assert links("rare-earths", NARROW_MATCH) == {"280530", "2846"}
    assert links("rare-earths", BROADER) == {"critical-minerals"}
    assert links("semiconductors", NARROW_MATCH) == {"8541", "8542"}
    assert links("lng", CLOSE_MATCH) == {"271111"}
    assert links("smartphones", CLOSE_MATCH) == {"851713"}
    assert "high-tech-products" in links("semiconductors", BROADER)


# --- output properties -----------------------------------------------------------------------


def test_deterministic(reference: ReferenceData) -> None:
    again = load_reference(REFERENCE_DIR)
    assert again.graphs == reference.graphs
    assert list(again.ids) == list(reference.ids)


def test_no_blank_nodes_and_no_duplicates(reference: ReferenceData) -> None:
    for triples in reference.graphs.values():
        assert len(set(triples)) == len(triples)
        for t in triples:
            assert not isinstance(t.subject, ox.BlankNode)
            assert not isinstance(t.object, ox.BlankNode)


def test_round_trip_through_rdflib(reference: ReferenceData) -> None:
    import rdflib

    for name, triples in reference.graphs.items():
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        assert data is not None
        graph = rdflib.Graph()
        graph.parse(data=data.decode("utf-8"), format="nt")
        assert len(graph) == len(triples), name


def test_quads_are_in_the_reference_graphs(reference: ReferenceData) -> None:
    quads = list(reference.quads())
    assert len(quads) == sum(len(t) for t in reference.graphs.values())
    assert {q.graph_name for q in quads} == {reference_graph(n) for n in GRAPH_NAMES}


def test_fast_enough() -> None:
    start = time.perf_counter()
    load_reference(REFERENCE_DIR)
    # The target is < 0.3 s; the bound is loose so that a busy CI machine does not flake.
    assert time.perf_counter() - start < 1.5


# --- problems --------------------------------------------------------------------------------


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, target)
    return target


def _line_of(path: Path, prefix: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if line.startswith(prefix):
            return number
    raise AssertionError(prefix)


def test_several_problems_with_file_and_line(tmp_path: Path) -> None:
    ref = _copy(tmp_path)
    parties = ref / "parties.csv"
    text = parties.read_text(encoding="utf-8")
    text = text.replace("BRN KHM IDN", "BRN XXX IDN", 1)
    text += "EU,Grouping,Duplicate,,,,\n"
    text += "BLOC,Club,Some bloc,,Q1,FRA,\n"
    parties.write_text(text, encoding="utf-8")
    groups = ref / "product-groups.csv"
    groups.write_text(
        groups.read_text(encoding="utf-8")
        + "bad-hs,ProductGroup,bad,,,2805 9998 280531,,\n"
        + "loop-a,ProductGroup,a,,,,,loop-b\n"
        + "loop-b,ProductGroup,b,,,,,loop-a\n"
        + "orphan,ProductGroup,o,,,,,no-such-group\n",
        encoding="utf-8",
    )

    with pytest.raises(InputError) as caught:
        load_reference(ref)
    problems = caught.value.problems
    found = {(p.code, Path(p.file or "").name, p.line, p.value) for p in problems}

    asean = _line_of(parties, "ASEAN,")
    dup = _line_of(parties, "EU,Grouping")
    bloc = _line_of(parties, "BLOC,")
    bad_hs = _line_of(groups, "bad-hs,")
    orphan = _line_of(groups, "orphan,")
    assert ("unknown-member", "parties.csv", asean, "XXX") in found
    assert ("duplicate-id", "parties.csv", dup, "EU") in found
    assert ("bad-value", "parties.csv", bloc, "Club") in found
    assert ("unknown-hs-code", "product-groups.csv", bad_hs, "9998") in found
    assert ("unknown-hs-code", "product-groups.csv", bad_hs, "280531") in found
    assert ("unknown-group", "product-groups.csv", orphan, "no-such-group") in found
    assert {p.value for p in problems if p.code == "broader-cycle"} == {"loop-a", "loop-b"}
    assert all(p.file and p.line for p in problems)
    # The report prints file:line for each one.
    assert f"parties.csv:{asean}: error:" in caught.value.report()


def test_missing_column_and_duplicate_country(tmp_path: Path) -> None:
    ref = _copy(tmp_path)
    groups = ref / "product-groups.csv"
    lines = groups.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[0] = lines[0].replace(",broader", ",broader_groups")
    groups.write_text("".join(lines), encoding="utf-8")
    countries = ref / "country-codes.csv"
    rows = countries.read_text(encoding="utf-8").splitlines(keepends=True)
    vnm = next(row for row in rows if ",VNM," in row)
    countries.write_text("".join(rows) + vnm, encoding="utf-8")

    with pytest.raises(InputError) as caught:
        load_reference(ref)
    found = {(p.code, Path(p.file or "").name, p.line) for p in caught.value.problems}
    assert ("missing-column", "product-groups.csv", 1) in found
    assert ("duplicate-id", "country-codes.csv", len(rows) + 1) in found


def test_missing_file(tmp_path: Path) -> None:
    ref = _copy(tmp_path)
    (ref / "hs-sections.csv").unlink()
    with pytest.raises(InputError) as caught:
        load_reference(ref)
    codes = {p.code for p in caught.value.problems}
    assert "missing-reference-file" in codes
