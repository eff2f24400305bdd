"""``tradekg export``: flat tables of the built graph and their Frictionless data package."""

from __future__ import annotations

from pathlib import Path

import click

from loader.commands.common import open_project, project_option, reports_input_errors


@click.command(name="export")
@project_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "parquet"]),
    default="csv",
    show_default=True,
    help="csv, or parquet (needs pip install 'tradekg[tables]').",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Where to write the tables (default: dist/tables/ of the project); an earlier "
    "export there is replaced whole.",
)
@reports_input_errors
def command(project_root: Path, fmt: str, out_dir: Path | None) -> None:
    """Write one table per kind of thing (tariff measures, commitments, agreements and their
    parties, statistics, events, sources …) and a datapackage.json describing them, from the
    built store (run `tradekg build` first).

    One row per thing: id, label, the key properties (numbers as numbers with their unit,
    dates at the precision the source gives, controlled values by notation, references by
    id and label), the claim status, the source and the evidence quote.
    """
    from loader.publish.tables.write import export_tables

    project = open_project(project_root)
    result = export_tables(project, out_dir, fmt=fmt)
    click.echo(
        f"Wrote {result.tables:,} {result.format} tables ({result.rows:,} rows, "
        f"{result.bytes / 1e6:.1f} MB) and datapackage.json in {result.seconds:.1f} s"
    )
    click.echo(f"Into {project.rel(result.out_dir)}/")
