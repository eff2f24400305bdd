"""The competency questions of ``queries/questions.yaml`` are answered by the saved queries.

Each question names a saved query, its parameters (as ``tradekg query NAME --param k=v`` takes
them) and rows that must be in the answer, by the text the readable table prints for a cell
(labels, not IRIs). The questions are about the four seed articles, so the project is copied
into a temporary folder with only the seed notes (a researcher's own notes in ``data/notes``
neither help nor break them), built, and every question is run through ``tradekg query``
itself, reading the printed table back column by column.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from loader.cli import main

REPO = Path(__file__).resolve().parent.parent
QUESTIONS_FILE = REPO / "queries" / "questions.yaml"
#: The notes of the four seed articles, the only notes the questions are about.
SEED_NOTES = (
    "2025/2025-06-27-hongrun-li-asia-pacific-realignments.yaml",
    "2025/2025-06-diendandoanhnghiep-us-negotiation-progress.yaml",
    "2025/2025-10-27-gmt-eight-us-asean-deals.yaml",
    "2025/2025-livemint-vietnam-trade-envoy.yaml",
)
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
#: A language tag a table cell may end with (``for now@en``); the question gives the text only.
_LANGUAGE_TAG = re.compile(r"@[a-zA-Z]{2,3}(-[a-zA-Z0-9]+)*$")


def _questions() -> list[dict[str, Any]]:
    loaded = yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))
    questions = loaded["questions"]
    assert isinstance(questions, list)
    return questions


QUESTIONS = _questions()


@pytest.fixture(scope="module")
def seed_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built copy of the project whose notes are exactly the seed notes."""
    root = tmp_path_factory.mktemp("questions")
    for part in ("ontology", "shapes", "queries", "data/reference"):
        shutil.copytree(REPO / part, root / part)
    for note in SEED_NOTES:
        target = root / "data" / "notes" / note
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / "data" / "notes" / note, target)
    shutil.copyfile(REPO / "pyproject.toml", root / "pyproject.toml")
    result = CliRunner().invoke(main, ["build", "--project", str(root)])
    assert result.exit_code == 0, result.output
    return root


def read_table(output: str) -> list[dict[str, str]]:
    """The rows of a printed table: the rule under the header gives each column's span."""
    lines = output.rstrip("\n").split("\n")
    assert len(lines) >= 3 and re.fullmatch(r"\(\d+ rows?\)", lines[-1]), output
    header, rule, body = lines[0], lines[1], lines[2:-1]
    spans = [m.span() for m in re.finditer(r"-+", rule)]
    names = [header[start:end].strip() for start, end in spans]
    return [
        {name: line[start:end].strip() for name, (start, end) in zip(names, spans, strict=True)}
        for line in body
    ]


def _matches(row: Mapping[str, str], expected: Mapping[str, Any]) -> bool:
    return all(
        _LANGUAGE_TAG.sub("", row.get(column, "")) == str(text) for column, text in expected.items()
    )


def test_the_questions_file_is_well_formed() -> None:
    ids = [q["id"] for q in QUESTIONS]
    assert len(ids) >= 40, f"{len(ids)} questions; the file should ask at least 40"
    assert len(set(ids)) == len(ids), "question ids must be unique"
    for question in QUESTIONS:
        assert _ID.fullmatch(question["id"]), f"{question['id']}: ids are kebab-case"
        assert set(question) <= {"id", "question", "kind", "query", "params", "expect", "rows"}
        assert question["question"].strip() and question["kind"].strip()
        assert question.get("expect") or "rows" in question, f"{question['id']} checks nothing"
        assert (REPO / "queries" / f"{question['query']}.rq").is_file(), (
            f"{question['id']}: no saved query queries/{question['query']}.rq"
        )


def test_the_questions_cover_the_kinds_of_fact() -> None:
    kinds = {q["kind"] for q in QUESTIONS}
    wanted = {"tariff", "agreement", "commitment", "statistic", "assessment", "purpose"}
    wanted |= {"cause", "use", "ranking", "event"}
    assert wanted <= kinds, f"no question of kind {sorted(wanted - kinds)}"


@pytest.mark.parametrize("question", QUESTIONS, ids=[q["id"] for q in QUESTIONS])
def test_the_saved_query_answers_the_question(seed_project: Path, question: dict[str, Any]) -> None:
    args = ["query", question["query"], "--project", str(seed_project)]
    for name, value in (question.get("params") or {}).items():
        args += ["--param", f"{name}={value}"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, f"{question['id']}: {result.output}"
    rows = read_table(result.output)
    for expected in question.get("expect") or []:
        assert any(_matches(row, expected) for row in rows), (
            f"{question['id']}: no row with {expected} in\n{result.output}"
        )
    if "rows" in question:
        assert len(rows) == question["rows"], f"{question['id']}:\n{result.output}"


def test_a_missing_row_is_caught(seed_project: Path) -> None:
    """The row check can fail: a row no seed note states is not found."""
    result = CliRunner().invoke(main, ["query", "rankings", "--project", str(seed_project)])
    rows = read_table(result.output)
    assert rows and any(_matches(row, {"behind": "China"}) for row in rows)
    assert not any(_matches(row, {"behind": "Atlantis"}) for row in rows)
