"""``tradekg validate``: check the notes against shapes/ and report by note file and line.

Exit codes: 0 the data conforms, 1 violations (or warnings with ``--strict``), 2 usage or
input error (a note that cannot be read or mapped is an input error: its problems are
printed in the same format as violations, as JSON too with ``--format json``).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

import click

from loader.commands.common import (
    EXIT_INPUT_ERROR,
    EXIT_OK,
    EXIT_VIOLATIONS,
    open_project,
    project_option,
)
from loader.problems import InputError, Problem, Severity


@click.command(name="validate")
@project_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for machines.",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option(
    "--engine",
    type=click.Choice(["fast", "pyshacl"]),
    default="fast",
    show_default=True,
    help="fast: set-oriented SPARQL on Oxigraph; pyshacl: the reference engine (slow).",
)
@click.option(
    "--note",
    "note_paths",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Validate only this note (repeatable); other notes are read for context.",
)
def command(
    project_root: Path, output_format: str, strict: bool, engine: str, note_paths: tuple[Path, ...]
) -> None:
    """Validate the notes (and the ontology) against the SHACL shapes in shapes/.

    Every problem names the note file, the line of the field (or of the statement), the
    statement id, what is wrong and how to fix it, and the offending value.
    """
    from loader.graph.assemble import assemble
    from loader.validate.validator import validate

    try:
        project = open_project(project_root)
        assembled = assemble(project)
        notes = [str(p.resolve()) for p in note_paths] or None
        report = validate(assembled, notes=notes, engine=engine)
    except InputError as error:
        _print_input_error(error, output_format)
        sys.exit(EXIT_INPUT_ERROR)
    problems = assembled.warnings + report.problems
    failed = not report.conforms or (
        strict and any(p.severity is Severity.WARNING for p in problems)
    )
    if output_format == "json":
        data = report.to_json()
        data["problems"] = [p.to_json() for p in problems]
        data["strict"] = strict
        data["exit"] = EXIT_VIOLATIONS if failed else EXIT_OK
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(format_text(problems))
        click.echo(_summary(report.counts, len(assembled.mapped), engine, report.seconds))
    sys.exit(EXIT_VIOLATIONS if failed else EXIT_OK)


def _print_input_error(error: InputError, output_format: str) -> None:
    if output_format == "json":
        data = {
            "conforms": False,
            "input_error": True,
            "exit": EXIT_INPUT_ERROR,
            "problems": [p.to_json() for p in error.problems],
        }
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(format_text(error.problems))
    click.echo(f"{error}: the notes could not be read, so nothing was validated.")


def format_text(problems: list[Problem] | tuple[Problem, ...]) -> str:
    """Problems grouped by file, each as ``line  statement  severity  message [code]``."""
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_file[problem.file or "<input>"].append(problem)
    blocks: list[str] = []
    for file in sorted(by_file):
        lines = [file]
        for p in sorted(by_file[file], key=lambda p: (p.line or 0, p.column or 0, p.code)):
            where = f"{p.line}" if p.line is not None else "-"
            who = f"  {p.statement}" if p.statement else ""
            message = p.message.removeprefix(f"'{p.statement}': ")
            lines.append(f"  {where:>5}{who}  {p.severity.value}: {message} [{p.code}]")
            if p.hint:
                lines.append(f"         hint: {p.hint}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _summary(counts: dict[str, int], notes: int, engine: str, seconds: float) -> str:
    parts = ", ".join(f"{n} {severity}{'s' if n != 1 else ''}" for severity, n in counts.items())
    return f"\n{notes} notes validated with the {engine} engine in {seconds:.2f} s: {parts}."
