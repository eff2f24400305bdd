"""The benchmark corpus is a fair stand-in for real notes: deterministic, complete, and valid.

A benchmark on notes that do not build, or that refer to ids nobody defines, would time error
paths instead of the pipeline; a corpus that changes between runs would make two runs
incomparable. These tests keep the generator honest without timing anything.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from click.testing import CliRunner

from bench.generate import generate
from loader.cli import main
from loader.namespaces import ONTOLOGY_GRAPH, TKG
from loader.read.reference import load_reference
from loader.read.vocabulary import PropertyKind, load_vocabulary

NOTES = 50


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("corpus")
    generate(NOTES, project, seed=7)
    return project


def note_files(project: Path) -> list[Path]:
    return sorted((project / "data" / "notes").rglob("*.yaml"))


def test_writes_the_requested_number_of_notes(corpus: Path) -> None:
    assert len(note_files(corpus)) == NOTES
    for part in ("ontology", "data/reference"):
        assert (corpus / part).is_dir()


def test_is_deterministic(corpus: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate(NOTES, again, seed=7)
    first = {p.relative_to(corpus): p.read_bytes() for p in note_files(corpus)}
    second = {p.relative_to(again): p.read_bytes() for p in note_files(again)}
    assert first == second
    other = tmp_path / "other-seed"
    generate(NOTES, other, seed=8)
    assert {p.relative_to(other): p.read_bytes() for p in note_files(other)} != first


def test_refuses_to_overwrite_a_folder_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(SystemExit):
        generate(3, tmp_path)
    assert (tmp_path / "precious.txt").read_text(encoding="utf-8") == "keep me"


def test_ids_are_unique_and_every_reference_is_defined(corpus: Path) -> None:
    vocab = load_vocabulary(sorted((corpus / "ontology").glob("*.ttl")), root=corpus)
    known = set(load_reference(corpus / "data" / "reference").ids)
    defined: list[str] = []
    referenced: set[str] = set()
    for path in note_files(corpus):
        note = yaml.safe_load(path.read_text(encoding="utf-8"))
        blocks = [note["source"], *note["statements"]]
        for block in blocks:
            if "id" in block:
                defined.append(str(block["id"]))
            for key, value in block.items():
                if key in ("a", "id"):
                    continue
                (prop,) = vocab.find_property(key)
                assert "evidence" in block or block is note["source"]
                is_reference = prop.kind is PropertyKind.OBJECT and not (
                    prop.range and vocab.is_value_set(prop.range)
                )
                if is_reference:
                    values = value if isinstance(value, list) else [value]
                    referenced.update(str(v) for v in values)
    assert len(defined) == len(set(defined)), "an id is defined twice"
    assert not set(defined) & known, "a note redefines a reference id"
    assert referenced - set(defined) - known == set()


def test_a_small_corpus_builds_and_validates(corpus: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["build", "--project", str(corpus), "--quiet"])
    assert result.exit_code == 0, result.output
    assert (corpus / "dist" / "tradekg.nq").stat().st_size > 0
    if importlib.util.find_spec("loader.commands.validate") is not None:
        result = runner.invoke(main, ["validate", "--project", str(corpus)])
        assert result.exit_code == 0, result.output


def test_the_ids_the_saved_queries_default_to_are_in_the_corpus(tmp_path: Path) -> None:
    """Every id a saved query's default parameter names is a thing of the built corpus, and
    every kind of statement a saved query asks for is there: all saved queries answer."""
    import pyoxigraph as ox

    from bench.generate import query_defaults
    from bench.run import saved_queries

    project = tmp_path / "corpus"
    generate(300, project, seed=7)
    result = CliRunner().invoke(main, ["build", "--project", str(project), "--quiet"])
    assert result.exit_code == 0, result.output
    store = ox.Store.read_only(str(project / "dist" / "store"))
    defaults = query_defaults(project / "queries")
    assert any("/agreement/" in iri for iri in defaults)  # the headers were read
    for iri in defaults:
        assert store.query(f"ASK {{ <{iri}> ?p ?o }}", use_default_graph_as_union=True), iri
    queries, skipped = saved_queries(project)
    assert skipped == {}
    kinds = ("export-restrictions", "people-and-roles", "tariff-exemptions", "facts-in-source")
    for name in kinds:
        answer = store.query(queries[name], use_default_graph_as_union=True)
        assert isinstance(answer, ox.QuerySolutions)
        assert list(answer), name


@pytest.fixture(scope="module")
def built(corpus: Path) -> Path:
    result = CliRunner().invoke(main, ["build", "--project", str(corpus), "--quiet"])
    assert result.exit_code == 0, result.output
    return corpus


def test_every_saved_query_answers_on_a_small_corpus(built: Path) -> None:
    """Each saved query, bound with its header defaults as the bench runs it, answers at least
    one row on 50 notes: an empty answer would make the bench time no work (and fail).

    A query that needs an ontology term no data of the corpus states (a class or property a
    researcher added, which the generator does not know yet) cannot answer and is left out:
    the generator covers what the notes it writes can say, not every project's extensions."""
    import pyoxigraph as ox

    from bench.run import saved_queries

    store = ox.Store.read_only(str(built / "dist" / "store"))
    queries, skipped = saved_queries(built)
    assert skipped == {}
    assert len(queries) == len(list((built / "queries").glob("*.rq")))
    empty = []
    for name, text in sorted(queries.items()):
        if not all(_stated(store, term) for term in _ontology_terms(text)):
            continue
        answer = store.query(text, use_default_graph_as_union=True)
        assert isinstance(answer, ox.QuerySolutions), name
        if not list(answer):
            empty.append(name)
    assert empty == []


def _ontology_terms(query: str) -> set[str]:
    """The project's ontology terms a query needs a note to state (``tkg:X`` or in full):
    those outside comments, ``OPTIONAL`` groups and ``FILTER``s."""
    lines = [re.sub(r"(^|\s)#.*$", "", line) for line in query.splitlines()]
    needed = _without_groups(" ".join(lines), ("OPTIONAL", "FILTER NOT EXISTS", "FILTER"))
    found = {TKG + local for local in re.findall(r"\btkg:([A-Za-z][\w-]*)", needed)}
    return found | set(re.findall(rf"<({re.escape(TKG)}[^>]+)>", needed))


def _without_groups(text: str, keywords: tuple[str, ...]) -> str:
    """``text`` without each keyword and the bracketed group that follows it."""
    opening = re.compile(r"\b(" + "|".join(re.escape(k) for k in keywords) + r")\s*([{(])")
    while (found := opening.search(text)) is not None:
        depth, end = 0, found.end() - 1
        for end in range(found.end() - 1, len(text)):
            depth += {"{": 1, "(": 1, "}": -1, ")": -1}.get(text[end], 0)
            if depth == 0:
                break
        text = text[: found.start()] + " " + text[end + 1 :]
    return text


def _stated(store: ox.Store, term: str) -> bool:
    """Whether a data graph of the corpus (a note's or the reference data's, not the
    ontology) uses ``term`` as a property or a value."""
    answer = store.query(
        f"ASK {{ GRAPH ?g {{ {{ ?s <{term}> ?o }} UNION {{ ?s ?p <{term}> }} }} "
        f"FILTER(?g != <{ONTOLOGY_GRAPH.value}>) }}"
    )
    return bool(answer)


def test_later_kinds_are_a_fraction_of_the_notes(corpus: Path) -> None:
    """The kinds of statement added for the later saved queries are in some notes, not in
    all: the corpus keeps the mix (and the size per note) of real notes."""
    counts: dict[str, int] = {}
    for path in note_files(corpus):
        note = yaml.safe_load(path.read_text(encoding="utf-8"))
        for cls in {str(s.get("a")) for s in note["statements"]}:
            counts[cls] = counts.get(cls, 0) + 1
    for cls in ("Assessment", "ProductUse", "TradeDispute", "DisputeFiling", "Assistance"):
        assert 0 < counts.get(cls, 0) < NOTES * 0.6, (cls, counts.get(cls))


def test_each_source_text_is_what_its_note_quotes(corpus: Path) -> None:
    """The source text written beside a note is the one :func:`source_text` makes from the
    note as written (the generator builds it while writing, without parsing the YAML)."""
    from bench.generate import source_text

    for path in note_files(corpus):
        note = path.read_text(encoding="utf-8")
        identifier = yaml.safe_load(note)["source"]["identifier"]
        written = (corpus / "data" / "sources" / identifier).read_text(encoding="utf-8")
        assert written == source_text(note), path.name
