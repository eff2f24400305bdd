"""``tradekg site``: the browsable static site of the built graph into dist/site/."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from loader.commands.common import open_project, project_option, reports_input_errors

if TYPE_CHECKING:
    from loader.publish.site.generate import SiteResult


@click.command(name="site")
@project_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the site (default: dist/site/ of the project).",
)
@click.option(
    "--full",
    is_flag=True,
    help="Write every page again, whatever the site's manifest says is up to date.",
)
@reports_input_errors
def command(project_root: Path, out_dir: Path | None, full: bool) -> None:
    """Write a page per party, agreement, measure, commitment, statistic, event, person and
    source, with quotes, charts and a search, from the built store (run `tradekg build` first).

    The site needs no network and opens from file:// or any static host. When the folder
    holds an earlier site, only the pages the new build made stale are written again (its
    manifest, .manifest.sqlite, says what each page was made from); the result is the site
    a full run writes (--full writes it all).
    """
    from loader.publish.site import generate_site

    project = open_project(project_root)
    result = generate_site(project, out_dir, full=full)
    click.echo(summary(result))
    click.echo(f"Open {project.rel(result.out_dir / 'index.html')}")


def summary(result: SiteResult) -> str:
    """One line of what a run wrote (for ``site`` and ``build --site``)."""
    if not result.full:
        return (
            f"Brought the site up to date: {result.rewritten:,} of {result.pages:,} pages "
            f"written again ({result.charts:,} charts) in {result.seconds:.1f} s"
        )
    return (
        f"Wrote {result.pages:,} pages, {result.class_pages:,} listings and "
        f"{result.charts:,} charts ({result.conflicts:,} conflicting statistics) "
        f"in {result.seconds:.1f} s"
    )
