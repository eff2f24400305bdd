"""``tradekg build``: notes → validated dataset → dist/, with a summary of what was built."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from loader.commands.common import (
    EXIT_VIOLATIONS,
    open_project,
    project_option,
    reports_input_errors,
)


@click.command(name="build")
@project_option
@click.option("--quiet", is_flag=True, help="Print only problems, not the summary.")
@reports_input_errors
def command(project_root: Path, quiet: bool) -> None:
    """Build the graph from ontology/, data/reference/ and data/notes/ into dist/.

    Every key and value of every note is checked against the ontology, and the data is
    validated against shapes/. All problems are reported at once; when there is one,
    dist/ is left as it was.
    """
    from loader.build import ValidationFailed, build

    start = time.perf_counter()
    project = open_project(project_root)
    try:
        result = build(project)
    except ValidationFailed as failure:
        for problem in failure.problems:
            click.echo(problem.format(), err=True)
        click.echo(f"{failure}: nothing was written.", err=True)
        sys.exit(EXIT_VIOLATIONS)
    for warning in result.assembled.warnings:
        click.echo(warning.format(), err=True)
    if quiet:
        return
    elapsed = time.perf_counter() - start
    click.echo(f"Built {project.rel(project.dist_dir)}/ in {elapsed:.2f} s")
    width = max(len(r.iri) for r in result.records)
    click.echo(f"\n{'graph':<{width}}  {'triples':>8}")
    for record in result.records:
        click.echo(f"{record.iri:<{width}}  {record.triples:>8}")
    total = sum(r.triples for r in result.records)
    click.echo(f"{'total':<{width}}  {total:>8}")
    click.echo("\n" + ", ".join(f"{n} {label}" for label, n in result.counts.items()))
