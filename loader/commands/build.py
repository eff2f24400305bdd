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
@click.option(
    "--full", is_flag=True, help="Ignore the build cache and redo every note (same output)."
)
@click.option("--quiet", is_flag=True, help="Print only problems, not the summary.")
@click.option("--timings", is_flag=True, help="Print the time each stage took.")
@click.option(
    "--strict",
    is_flag=True,
    help="Fail when a note's source text is not in the archive (its quotes cannot be proved).",
)
@reports_input_errors
def command(project_root: Path, full: bool, quiet: bool, timings: bool, strict: bool) -> None:
    """Build the graph from ontology/, data/reference/ and data/notes/ into dist/.

    Every key and value of every note is checked against the ontology, and the data is
    validated against shapes/. All problems are reported at once; when there is one,
    dist/ is left as it was. Only notes that changed since the last build (and the notes
    that refer to them) are redone; the output is the same as a full build's.
    """
    from loader.build.pipeline import build
    from loader.validate.validator import ValidationFailed

    start = time.perf_counter()
    project = open_project(project_root)
    try:
        result = build(project, use_cache=not full, strict=strict)
    except ValidationFailed as failure:
        for problem in failure.problems:
            click.echo(problem.format(), err=True)
        click.echo(f"{failure}: nothing was written.", err=True)
        sys.exit(EXIT_VIOLATIONS)
    for warning in result.warnings:
        click.echo(warning.format(), err=True)
    if timings:
        for stage, seconds in result.timings.items():
            click.echo(f"{stage:<28} {seconds:8.3f} s", err=True)
    if quiet:
        return
    elapsed = time.perf_counter() - start
    click.echo(
        f"Built {project.rel(project.dist_dir)}/ in {elapsed:.2f} s "
        f"({len(result.redone)} note(s) read and checked)"
    )
    width = max(len(g.iri) for g in result.graphs)
    click.echo(f"\n{'graph':<{width}}  {'triples':>8}")
    for graph in result.graphs:
        click.echo(f"{graph.iri:<{width}}  {graph.triples:>8}")
    total = sum(g.triples for g in result.graphs)
    click.echo(f"{'total':<{width}}  {total:>8}")
    click.echo("\n" + ", ".join(f"{n} {label}" for label, n in result.counts.items()))
