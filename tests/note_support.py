"""Notes a test writes into a copy of the seed project, and the CLI run on that copy."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result
from seed_project import copy_seed_project

from loader.cli import main


def run(project: Path, *args: str) -> Result:
    """``tradekg ARGS --project PROJECT``, in this process."""
    return CliRunner().invoke(main, [*args, "--project", str(project)])


def write_note(project: Path, text: str, file: str) -> None:
    """Write a note at ``file`` (relative to the project), making its folders."""
    path = project / file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def built_with(folder: Path, text: str, file: str) -> Path:
    """A copy of the seed project in ``folder`` with one more note, built."""
    project = copy_seed_project(folder)
    write_note(project, text, file)
    result = run(project, "build")
    assert result.exit_code == 0, result.output
    return project


def a_new_note(n: int) -> str:
    """A note of the test's own that defines one id no other note refers to: adding it redoes
    exactly one note, so the count of notes redone tells how many saves one rebuild took."""
    return f"""source:
  title: "A note saved in a burst ({n})"
  publisher: gmt-eight
  issued: 2025-10-27
  documentKind: news-article
  identifier: 001_daeb3c8afa50e279.txt
language: en
statements:
  - a: Person
    id: burst-person-{n}
    label: Person {n} of the burst
    claimStatus: reported
    evidence: "U.S. President Donald Trump"
"""
