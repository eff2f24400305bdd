"""``tradekg build``: notes → validated dataset → dist/, with a summary of what was built.

Quiet by default: the warnings and infos of the notes this build redid are printed in full,
those of unchanged notes (already shown when they were built) only as one summary line, so
the line that matters is not buried; ``--verbose`` prints them all. A progress bar on stderr
shows the stages of a long build when stderr is a terminal.
"""

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
from loader.commands.progress import ProgressBar
from loader.files import writing
from loader.problems import Problem
from loader.project import Project

STAGES = (
    "check for changes",
    "read ontology and reference",
    "read notes",
    "map notes",
    "prove quotes",
    "fixed graphs",
    "validate",
    "serialise",
    "export and index",
)


def problem_lines(warnings: list[Problem], redone: list[str], *, verbose: bool) -> list[str]:
    """The warnings of redone notes in full; of the others one summary line (or all)."""
    if verbose:
        return [warning.format() for warning in warnings]
    fresh = set(redone)
    shown = [w.format() for w in warnings if w.file is None or w.file in fresh]
    old = [w for w in warnings if w.file is not None and w.file not in fresh]
    if old:
        by_level: dict[str, int] = {}
        for warning in old:
            by_level[warning.severity.value] = by_level.get(warning.severity.value, 0) + 1
        levels = " and ".join(
            f"{n} {level}{'s' if n != 1 else ''}"
            for level, n in sorted(by_level.items(), key=lambda x: x[0] != "warning")
        )
        notes = len({w.file for w in old})
        shown.append(
            f"{levels} in {notes} unchanged note{'s' if notes != 1 else ''} — "
            "`tradekg validate` lists them (or `tradekg build --verbose`)"
        )
    return shown


@click.command(name="build")
@project_option
@click.option(
    "--full", is_flag=True, help="Ignore the build cache and redo every note (same output)."
)
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Print the warnings of unchanged notes too (by default: one summary line).",
)
@click.option("--quiet", is_flag=True, help="Print only problems, not the summary.")
@click.option("--timings", is_flag=True, help="Print the time each stage took.")
@click.option(
    "--strict",
    is_flag=True,
    help="Fail when a note's source text is not in the archive (its quotes cannot be proved).",
)
@click.option(
    "--watch",
    is_flag=True,
    help="Build, then rebuild after every saved change to the inputs, printing only that "
    "edit's problems or one 'ok' line; Ctrl-C stops.",
)
@click.option(
    "--site",
    is_flag=True,
    help="After each build that succeeds, bring dist/site/ up to date (as `tradekg site`).",
)
@reports_input_errors
def command(
    project_root: Path,
    full: bool,
    quiet: bool,
    verbose: bool,
    timings: bool,
    strict: bool,
    watch: bool,
    site: bool,
) -> None:
    """Build the graph from ontology/, data/reference/ and data/notes/ into dist/.

    Every key and value of every note is checked against the ontology, and the data is
    validated against shapes/. All problems are reported at once; when there is one,
    dist/ is left as it was. Only notes that changed since the last build (and the notes
    that refer to them) are redone; the output is the same as a full build's.

    With --watch the build is redone after each save (of notes, ontology, shapes, saved
    queries, reference data or source texts); a failed rebuild keeps the last good dist/.
    With --site each build that succeeds also brings the static site up to date.
    """
    project = open_project(project_root)
    write_site = (lambda: _write_site(project)) if site else None
    if watch:
        from loader.build.watch import watch as watch_project

        def echo(line: str, problem: bool) -> None:
            click.echo(line, err=problem)

        watch_project(project, echo, full=full, strict=strict, timings=timings, after=write_site)
        return

    from loader.build.pipeline import STAGES, build
    from loader.validate.validator import ValidationFailed

    start = time.perf_counter()
    elsewhere = "build a copy of the project on a device with room"
    bar = ProgressBar(len(STAGES), "build")
    try:
        with writing(project.dist_dir, elsewhere=elsewhere), bar:
            started: list[str] = []

            def on_stage(name: str) -> None:
                bar.update(len(started), label=name)  # the stages before this one are done
                started.append(name)

            result = build(project, use_cache=not full, strict=strict, on_stage=on_stage)
    except ValidationFailed as failure:
        for problem in failure.problems:
            click.echo(problem.format(), err=True)
        click.echo(f"{failure}: nothing was written.", err=True)
        sys.exit(EXIT_VIOLATIONS)
    for line in problem_lines(result.warnings, result.redone, verbose=verbose):
        click.echo(line, err=True)
    if timings:
        for stage, seconds in result.timings.items():
            click.echo(f"{stage:<28} {seconds:8.3f} s", err=True)
    site_line = write_site() if write_site is not None else None
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
    if site_line is not None:
        click.echo(site_line)


def _write_site(project: Project) -> str:
    """Bring dist/site/ up to date with the build just made; the line that says so."""
    from loader.commands.site import summary
    from loader.publish.site import generate_site

    return summary(generate_site(project))
