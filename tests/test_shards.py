"""A build split over several processes gives exactly what one process gives.

A cold build of many notes reads, maps, validates and serialises them in shards, one
forked process each (:mod:`loader.build.shards`). Every test here builds the same project
with one and with several shards (``TRADEKG_BUILD_WORKERS``) and compares the bytes of
dist/, or the problems reported — including those that cross shards: an id defined in
the first shard and again in the last, and a commitment in the last shard whose obligor
is not a party to an agreement defined in the first.
"""

from __future__ import annotations

import hashlib
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bench.generate import generate
from loader.build.shards import WORKERS_SETTING, split
from loader.cli import main

NOTES = 24
#: dist/ files that must be byte-identical (the RocksDB store is compared by the build tests)
OUTPUTS = ("tradekg.nq", "tradekg.trig", "tradekg.ttl", "ids.json", "manifest.json", "void.ttl")

FIRST = textwrap.dedent(
    """\
    source:
      title: "First of the shards"
      publisher: shard-wire
      issued: 2025-10-27
    statements:
      - a: Organization
        id: shard-wire
        label: Shard Wire
        evidence: "Shard Wire"
      - a: Agreement
        id: shard-us-mys-deal
        label: US–Malaysia deal (shard test)
        party: [USA, MYS]
        claimStatus: reported
        evidence: "the United States and Malaysia signed a deal"
    """
)
LAST = textwrap.dedent(
    """\
    source:
      title: "Last of the shards"
      publisher: shard-wire
      issued: 2025-10-28
    statements:
      - a: Commitment
        id: shard-mys-buys
        obligor: {obligor}
        beneficiary: USA
        underAgreement: shard-us-mys-deal
        commitmentType: purchase
        claimStatus: reported
        evidence: "Malaysia will buy more American aircraft under the deal"
    """
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Bench notes, plus a first and a last note that refer to each other across shards."""
    project = tmp_path_factory.mktemp("shards") / "corpus"
    generate(NOTES, project, seed=11)
    notes = project / "data" / "notes"
    (notes / "0000").mkdir()
    (notes / "0000" / "first.yaml").write_text(FIRST, encoding="utf-8")
    (notes / "9999").mkdir()
    (notes / "9999" / "last.yaml").write_text(LAST.format(obligor="MYS"), encoding="utf-8")
    return project


def build(project: Path, workers: int, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    monkeypatch.setenv(WORKERS_SETTING, str(workers))
    return CliRunner().invoke(main, ["build", "--full", "--project", str(project), *args])


def outputs(project: Path) -> dict[str, str]:
    dist = project / "dist"
    return {name: hashlib.sha256((dist / name).read_bytes()).hexdigest() for name in OUTPUTS}


def copy(corpus: Path, to: Path) -> Path:
    shutil.copytree(corpus, to)
    return to


def test_split_keeps_file_order_in_nearly_equal_runs() -> None:
    files = [f"n{i:02}" for i in range(7)]
    assert split(files, 3) == [["n00", "n01", "n02"], ["n03", "n04"], ["n05", "n06"]]
    assert split(files, 1) == [files]
    assert [f for run in split(files, 4) for f in run] == files


def test_sharded_build_is_byte_identical(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    digests = {}
    for workers in (1, 2, 3):
        project = copy(corpus, tmp_path / f"w{workers}")
        result = build(project, workers, monkeypatch, "--timings")
        assert result.exit_code == 0, result.output
        assert ("shard exchange" in result.output) == (workers > 1)
        digests[workers] = outputs(project)
    assert digests[2] == digests[1]
    assert digests[3] == digests[1]
    nquads = (tmp_path / "w2" / "dist" / "tradekg.nq").read_text(encoding="utf-8")
    assert "shard-mys-buys" in nquads and "shard-us-mys-deal" in nquads


def test_sharded_build_reports_the_same_problems(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mapping problems in several shards and an id defined in the first and last shard."""
    reports = {}
    for workers in (1, 2):
        project = copy(corpus, tmp_path / f"w{workers}")
        notes = project / "data" / "notes"
        (notes / "9999" / "again.yaml").write_text(
            FIRST.replace("First of", "Again, last of"), encoding="utf-8"
        )
        last = notes / "9999" / "last.yaml"
        last.write_text(last.read_text(encoding="utf-8").replace("Commitment", "Comitment"))
        (notes / "0000" / "broken.yaml").write_text("source: [unclosed\n", encoding="utf-8")
        result = build(project, workers, monkeypatch)
        assert result.exit_code != 0
        assert not (project / "dist" / "tradekg.nq").exists()
        reports[workers] = result.output
    assert "already defined in data/notes/0000/first.yaml" in reports[1]
    assert "'Comitment' is not a class" in reports[1]
    assert "0000/broken.yaml" in reports[1]
    assert reports[2] == reports[1]


def test_sharded_validation_sees_notes_of_other_shards(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The obligor rule reads the agreement's parties, defined in another shard's note."""
    reports = {}
    for workers in (1, 2):
        project = copy(corpus, tmp_path / f"w{workers}")
        last = project / "data" / "notes" / "9999" / "last.yaml"
        last.write_text(LAST.format(obligor="THA"), encoding="utf-8")
        result = build(project, workers, monkeypatch)
        assert result.exit_code != 0
        reports[workers] = result.output
    assert "shard-mys-buys" in reports[1] and "9999/last.yaml" in reports[1]
    assert reports[2] == reports[1]


def test_a_bad_setting_is_an_input_error(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy(corpus, tmp_path / "p")
    monkeypatch.setenv(WORKERS_SETTING, "many")
    result = CliRunner().invoke(main, ["build", "--full", "--project", str(project)])
    assert result.exit_code != 0
    assert f"{WORKERS_SETTING}='many' is not a number of processes" in result.output
    assert "Traceback" not in result.output
