"""``tradekg fmt``: canonical Turtle for ontology/ and shapes/ (``--check`` fails on drift)."""

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


@click.command(name="fmt")
@project_option
@click.option(
    "--check", is_flag=True, help="Change nothing; exit 1 listing files that would change."
)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@reports_input_errors
def command(project_root: Path, check: bool, files: tuple[Path, ...]) -> None:
    """Rewrite ontology/*.ttl and shapes/*.ttl (or FILES) as canonical Turtle.

    The rewrite keeps the triples exactly (it is checked for graph isomorphism before a file
    is written) and drops comments: subjects are grouped by kind under generated headings.
    """
    from loader.curate.fmt import format_files, project_files

    project = open_project(project_root)
    paths = [p.resolve() for p in files] if files else project_files(project)
    results = format_files(paths, project, write=not check)
    changed = [r for r in results if r.changed]
    for result in changed:
        click.echo(f"{'would reformat' if check else 'reformatted'} {result.rel}")
    if not changed:
        click.echo(f"{len(results)} files already canonical")
    sys.exit(EXIT_VIOLATIONS if check and changed else EXIT_OK)
