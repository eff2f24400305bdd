"""``tradekg docs``: HTML documentation, class diagram and data picture into dist/docs/."""

from __future__ import annotations

import time
from pathlib import Path

import click

from loader.commands.common import open_project, project_option, reports_input_errors


@click.command(name="docs")
@project_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the pages (default: dist/docs/ of the project).",
)
@click.option(
    "--images",
    "images_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write classes.svg/png and data.svg/png here (the README uses docs/images).",
)
@reports_input_errors
def command(project_root: Path, out_dir: Path | None, images_dir: Path | None) -> None:
    """Generate index.html, ontology.html, classes.svg, data.svg and data.html.

    Diagrams are laid out by Graphviz when `dot` is installed, else drawn by a simple
    built-in layout. Nothing is fetched from the network.
    """
    from loader.publish.docs import generate, write_readme_images

    start = time.perf_counter()
    project = open_project(project_root)
    result = generate(project, out_dir)
    written = list(result.files)
    if images_dir is not None:
        written += write_readme_images(result, images_dir)
    for path in written:
        click.echo(project.rel(path))
    click.echo(f"Wrote {len(written)} files in {time.perf_counter() - start:.2f} s")
