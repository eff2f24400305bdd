"""``tradekg check``: ROBOT-``report``-style quality control of ontology, notes, shapes, queries."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from loader.commands.common import (
    EXIT_OK,
    EXIT_VIOLATIONS,
    open_project,
    project_option,
    reports_input_errors,
)


@click.command(name="check")
@project_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="How to print the findings.",
)
@click.option(
    "--profile",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Levels of the checks (default: qc/profile.yaml).",
)
@click.option(
    "--only",
    multiple=True,
    metavar="CHECK",
    help="Run only this check (repeatable), e.g. --only missing-label.",
)
@click.option(
    "--reasoner/--no-reasoner",
    default=True,
    show_default=True,
    help="Run the OWL reasoner (HermiT; needs Java). Skipping it is reported, never silent.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the report to this file instead of standard output.",
)
@reports_input_errors
def command(
    project_root: Path,
    output_format: str,
    profile: Path | None,
    only: tuple[str, ...],
    reasoner: bool,
    output: Path | None,
) -> None:
    """Check the ontology, notes, shapes and queries; exit 1 when a check at level error fails.

    Every check is a query in qc/ (or built in: the OWL reasoner's), its level set in
    qc/profile.yaml. Exit codes: 0 no errors (warnings allowed), 1 errors, 2 input error.
    """
    from loader.curate.qc import run_checks
    from loader.curate.report import FORMATTERS, OutputFormat

    project = open_project(project_root)
    report = run_checks(project, reasoner=reasoner, profile=profile, only=only)
    text = FORMATTERS[OutputFormat(output_format)](report)
    if output is not None:
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    else:
        click.echo(text)
    sys.exit(EXIT_VIOLATIONS if report.has_errors else EXIT_OK)
