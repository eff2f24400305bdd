"""The build proves every evidence quote against the archived source text it names.

These tests write their own source texts and notes (the seed articles are third-party texts
kept outside the repository; tests/test_seed_notes.py checks them when they are available).
"""

from __future__ import annotations

import hashlib
import shutil
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from loader.cli import main
from loader.project import Project
from loader.read.notes import read_note
from loader.read.sources import SourceText, SourceTextError, prove_note

ARTICLE = (
    "Trade Talk Weekly\n\n"
    "The  Republic of Examplia said on Monday that it “will not raise” duties on steel.\n"
    "Officials added that a deal\n\nwas close — perhaps within weeks.\n"
    "Examplia’s minister met the delegation twice.\n"
)

NOTE = """\
source:
  title: "Trade Talk Weekly"
  publisher: trade-talk-weekly
  issued: 2025-10-27
  identifier: {identifier}
statements:
  - a: Organization
    id: trade-talk-weekly
    label: Trade Talk Weekly
    evidence: {first}
  - a: Organization
    id: examplia-ministry
    label: Ministry of Examplia
    evidence:
      - {second}
      - "Examplia’s minister met the delegation"
"""


def make_project(
    repo_root: Path,
    folder: Path,
    *,
    first: str = '"Trade Talk Weekly"',
    second: str = '"it “will not raise” duties on steel"',
    identifier: str = "examplia.txt",
    text: bytes | None = ARTICLE.encode(),
) -> Path:
    """A project with the repository's ontology, reference data and shapes and one note."""
    for part in ("ontology", "shapes"):
        shutil.copytree(repo_root / part, folder / part)
    shutil.copytree(repo_root / "data" / "reference", folder / "data" / "reference")
    notes = folder / "data" / "notes"
    notes.mkdir(parents=True)
    (notes / "examplia.yaml").write_text(
        NOTE.format(identifier=identifier, first=first, second=second), encoding="utf-8"
    )
    if text is not None:
        sources = folder / "data" / "sources"
        sources.mkdir(parents=True)
        (sources / identifier).write_bytes(text)
    return folder


def build(project: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["build", "--project", str(project), *args])


def line_of(project: Path, needle: str) -> int:
    text = (project / "data" / "notes" / "examplia.yaml").read_text(encoding="utf-8")
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


@pytest.fixture(autouse=True)
def no_archive_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests choose their archive themselves; CI's TRADEKG_SOURCES must not leak in."""
    monkeypatch.delenv("TRADEKG_SOURCES", raising=False)


# -- matching ---------------------------------------------------------------------------------


def test_whitespace_runs_match_and_offsets_point_into_the_original_text() -> None:
    source = SourceText(ARTICLE)
    span = source.find("a deal was close — perhaps")  # the text has a paragraph break inside
    assert span is not None
    assert ARTICLE[span.start : span.end] == span.exact == "a deal\n\nwas close — perhaps"
    assert ARTICLE[: span.start].endswith(span.prefix) and span.prefix
    assert ARTICLE[span.end :].startswith(span.suffix) and span.suffix


def test_typographic_characters_are_part_of_a_quote() -> None:
    source = SourceText(ARTICLE)
    assert source.find("it “will not raise” duties") is not None
    assert source.find('it "will not raise" duties') is None
    assert source.find("Examplia's minister") is None
    assert source.find("a deal was close - perhaps") is None


def test_a_quote_starting_and_ending_mid_word_matches() -> None:
    source = SourceText(ARTICLE)
    span = source.find("epublic of Examplia sai")
    assert span is not None and span.exact == "epublic of Examplia sai"


def test_the_first_occurrence_is_recorded() -> None:
    text = "one two three. Later: one two three again."
    span = SourceText(text).find("one two three")
    assert span is not None and span.start == 0


def test_a_long_text_is_searched_through_its_word_index() -> None:
    filler = "".join(f"Paragraph {n} says little of note.\n\n" for n in range(3000))
    text = filler + ARTICLE + filler + ARTICLE
    source = SourceText(text)
    assert len(source.normal) > 100_000
    span = source.find("epublic of Examplia said on Monday that it “will")
    assert span is not None
    assert span.start == text.index("epublic of Examplia")  # the first of the two places
    assert text[span.start : span.end] == span.exact
    assert source.find("a deal was close — perhaps") is not None
    assert source.find("a deal was close — surely") is None
    assert source.words["examplia"]  # the index was built and holds the text's words
    assert source.closest("Paragraph 2999 sayz little") == "Paragraph 2999 says little"


def test_empty_and_overlong_quotes_do_not_match() -> None:
    source = SourceText("short text")
    assert source.find("   ") is None
    assert source.find("short text and much more than the source holds") is None


def test_the_closest_passage_is_found_through_the_word_index() -> None:
    source = SourceText(ARTICLE)
    assert source.closest("Officials added that a deel was close") == (
        "Officials added that a deal was close"
    )
    assert source.closest("nothing in common here") is None


def test_encodings(tmp_path: Path) -> None:
    assert SourceText.from_bytes(b"\xef\xbb\xbfBOM text", name="a.txt").text == "BOM text"
    with pytest.raises(SourceTextError, match=r"b\.txt is not UTF-8 .*iconv"):
        SourceText.from_bytes("caf\u00e9".encode("latin-1"), name="b.txt")
    with pytest.raises(SourceTextError, match=r"c\.txt is UTF-16"):
        SourceText.from_bytes("text".encode("utf-16"), name="c.txt")


def test_one_warning_per_note_when_the_text_is_not_archived(
    repo_root: Path, tmp_path: Path
) -> None:
    project = make_project(repo_root, tmp_path, text=None)
    path = project / "data" / "notes" / "examplia.yaml"
    note, problems = read_note(path, file="data/notes/examplia.yaml", key="examplia")
    assert note is not None and problems == []
    proved = prove_note(note, Project.at(project).sources())
    assert [(p.code, p.severity.value, p.line) for p in proved.problems] == [
        ("source-text-missing", "warning", line_of(project, "identifier:"))
    ]
    assert "3 quote(s)" in proved.problems[0].message


# -- the build --------------------------------------------------------------------------------


def test_build_records_each_quote_as_a_web_annotation(repo_root: Path, tmp_path: Path) -> None:
    project = make_project(repo_root, tmp_path)
    result = build(project, "--strict")
    assert result.exit_code == 0, result.output
    store = ox.Store.read_only(str(project / "dist" / "store"))
    rows = store.query(
        """PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?statement ?exact ?prefix ?start ?end WHERE {
          ?annotation a oa:Annotation ; oa:hasBody ?statement ; oa:hasTarget ?target .
          ?target a oa:SpecificResource ; oa:hasSource ?source ;
                  oa:hasSelector ?quote , ?position .
          ?quote a oa:TextQuoteSelector ; oa:exact ?exact ; oa:prefix ?prefix ; oa:suffix ?s .
          ?position a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
        } ORDER BY ?start""",
        use_default_graph_as_union=True,
    )
    found = [
        (r["statement"].value.rsplit("/", 1)[1], r["exact"].value, int(r["start"].value))
        for r in rows  # type: ignore[union-attr]
    ]
    assert [f[:2] for f in found] == [
        ("trade-talk-weekly", "Trade Talk Weekly"),
        ("examplia-ministry", "it “will not raise” duties on steel"),
        ("examplia-ministry", "Examplia’s minister met the delegation"),
    ]
    for _, exact, start in found:
        assert ARTICLE[start : start + len(exact)] == exact


def test_a_wrong_quote_fails_at_its_line_with_the_closest_passage(
    repo_root: Path, tmp_path: Path
) -> None:
    project = make_project(repo_root, tmp_path, second='"it “will not rise” duties on steel"')
    assert not (project / "dist").exists()
    result = build(project)
    assert result.exit_code == 2
    where = f"data/notes/examplia.yaml:{line_of(project, 'will not rise')}:"
    assert where in result.output
    assert "[quote-not-in-source]" in result.output
    assert 'did you mean: "it “will not raise” duties on steel."' in result.output
    assert not (project / "dist").exists()
    assert "Traceback" not in result.output


def test_all_wrong_quotes_are_reported_at_once_and_dist_is_untouched(
    repo_root: Path, tmp_path: Path
) -> None:
    project = make_project(repo_root, tmp_path)
    assert build(project).exit_code == 0
    before = {p.name: p.read_bytes() for p in (project / "dist").glob("*.*")}
    note = project / "data" / "notes" / "examplia.yaml"
    text = note.read_text(encoding="utf-8")
    text = text.replace('evidence: "Trade Talk Weekly"', 'evidence: "   "')
    text = text.replace(
        '"it “will not raise” duties on steel"', """'it "will not raise" duties on steel'"""
    )
    text = text.replace(
        '"Examplia’s minister met the delegation"',
        '"Examplia’s minister met the delegation thrice"',
    )
    note.write_text(text, encoding="utf-8")
    result = build(project)
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if "error:" in line]
    assert [e.split(": error:")[0] for e in errors] == [
        f"data/notes/examplia.yaml:{line_of(project, needle)}:{column}"
        for needle, column in (('"   "', 15), ("will not raise", 9), ("thrice", 9))
    ]
    assert "[empty-value]" in errors[0]  # the note reader refuses an empty quote first
    assert "[quote-not-in-source]" in errors[1] and "[quote-not-in-source]" in errors[2]
    assert "the quotation marks or dashes differ" in result.output
    assert 'did you mean: "Examplia’s minister met the delegation twice."' in result.output
    assert before == {p.name: p.read_bytes() for p in (project / "dist").glob("*.*")}


def test_a_missing_text_warns_once_and_strict_makes_it_an_error(
    repo_root: Path, tmp_path: Path
) -> None:
    project = make_project(repo_root, tmp_path, text=None)
    result = build(project)
    assert result.exit_code == 0, result.output
    assert result.output.count("[source-text-missing]") == 1
    assert "TRADEKG_SOURCES" in result.output
    strict = build(project, "--strict")
    assert strict.exit_code == 2
    assert "error: the source text 'examplia.txt' is not in the archive" in strict.output


def test_the_environment_overrides_the_setting(
    repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(repo_root, tmp_path / "project", text=None)
    (project / "pyproject.toml").write_text(
        '[tool.tradekg]\nsources = "elsewhere"\n', encoding="utf-8"
    )
    setting = Project.at(project).sources()
    assert setting.path == project / "elsewhere"
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "examplia.txt").write_text(ARTICLE, encoding="utf-8")
    monkeypatch.setenv("TRADEKG_SOURCES", str(archive))
    assert Project.at(project).sources().path == archive
    result = build(project, "--strict")
    assert result.exit_code == 0, result.output


def test_a_bad_setting_is_an_input_error(repo_root: Path, tmp_path: Path) -> None:
    project = make_project(repo_root, tmp_path)
    (project / "pyproject.toml").write_text("[tool.tradekg]\nsources = 3\n", encoding="utf-8")
    result = build(project)
    assert result.exit_code == 2
    assert "pyproject.toml: error: [tool.tradekg] sources must be a folder path" in result.output


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("Trade Talk Weekly — “quoted”".encode("utf-16"), "is UTF-16 or UTF-32, not UTF-8"),
        ("Trade Talk Weekly, café".encode("cp1252"), "is not UTF-8 (byte 0xe9"),
    ],
)
def test_a_text_in_another_encoding_is_named(
    repo_root: Path, tmp_path: Path, data: bytes, message: str
) -> None:
    project = make_project(repo_root, tmp_path, text=data)
    result = build(project)
    assert result.exit_code == 2
    line = line_of(project, "identifier:")
    assert f"data/notes/examplia.yaml:{line}: error: the archived text examplia.txt" in (
        result.output
    )
    assert message in result.output
    assert "[source-text-unreadable]" in result.output


def test_a_text_with_a_byte_order_mark_matches(repo_root: Path, tmp_path: Path) -> None:
    project = make_project(repo_root, tmp_path, text=b"\xef\xbb\xbf" + ARTICLE.encode())
    result = build(project, "--strict")
    assert result.exit_code == 0, result.output


def test_changing_the_archived_text_redoes_the_note_like_a_full_build(
    repo_root: Path, tmp_path: Path
) -> None:
    project = make_project(repo_root, tmp_path, text=None)
    assert build(project).exit_code == 0
    sources = project / "data" / "sources"
    sources.mkdir()
    (sources / "examplia.txt").write_text("Preface.\n" + ARTICLE, encoding="utf-8")
    incremental = build(project)
    assert incremental.exit_code == 0, incremental.output
    assert "[source-text-missing]" not in incremental.output
    assert "(1 note(s) read and checked)" in incremental.output
    after_incremental = digests(project / "dist")
    assert build(project, "--full").exit_code == 0
    assert digests(project / "dist") == after_incremental
    nquads = (project / "dist" / "tradekg.nq").read_text(encoding="utf-8")
    assert '"9"^^<http://www.w3.org/2001/XMLSchema#integer>' in nquads  # "Trade" after preface


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.*")}


def test_notes_without_quotes_need_no_archive(repo_root: Path, tmp_path: Path) -> None:
    project = make_project(repo_root, tmp_path, text=None)
    path = project / "data" / "notes" / "examplia.yaml"
    body = textwrap.dedent(
        """\
        source:
          title: "Trade Talk Weekly"
          publisher: trade-talk-weekly
          issued: 2025-10-27
          identifier: examplia.txt
        statements:
          - a: Organization
            id: trade-talk-weekly
            label: Trade Talk Weekly
        """
    )
    path.write_text(body, encoding="utf-8")
    note, problems = read_note(path, file="data/notes/examplia.yaml", key="examplia")
    assert note is not None and problems == []
    proved = prove_note(note, Project.at(project).sources())
    assert proved.problems == [] and proved.spans == {}
    assert proved.archived is not None and proved.archived.digest is None


@given(
    words=st.lists(st.text(alphabet="ab’—“”.,é", min_size=1, max_size=6), min_size=2, max_size=40),
    gaps=st.lists(st.sampled_from([" ", "  ", "\n", "\n\n", "\t ", " \u00a0"]), min_size=40),
    data=st.data(),
)
@settings(max_examples=200, deadline=None)
def test_any_passage_is_found_and_its_offsets_cut_it_out(
    words: list[str], gaps: list[str], data: st.DataObject
) -> None:
    text = "".join(w + g for w, g in zip(words, gaps, strict=False))
    first = data.draw(st.integers(0, len(words) - 1))
    last = data.draw(st.integers(first, len(words) - 1))
    starts = [
        sum(len(w) + len(g) for w, g in zip(words[:i], gaps, strict=False))
        for i in range(len(words))
    ]
    passage = text[starts[first] : starts[last] + len(words[last])]
    quote = " ".join(passage.split())  # as a note writer would retype it
    source = SourceText(text)
    for candidate in (source, SourceText(text * 300)):  # scanned, and indexed (long text)
        span = candidate.find(quote)
        assert span is not None
        assert candidate.text[span.start : span.end] == span.exact
        assert " ".join(span.exact.split()) == quote
