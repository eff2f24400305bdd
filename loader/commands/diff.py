"""``tradekg diff A B``: terms and triples added, removed and changed, as Markdown."""

from __future__ import annotations

from pathlib import Path

import click

from loader.commands.common import reports_input_errors


@click.command(name="diff")
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=50,
    show_default=True,
    help="Triples listed per graph and direction (the counts are always complete).",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the Markdown here instead of standard output.",
)
@reports_input_errors
def command(old: Path, new: Path, limit: int, output: Path | None) -> None:
    """Compare OLD and NEW: ontology files or folders, or built datasets (.nq, .trig, .ttl).

    Reports terms added, removed and changed (per property), triples added and removed, and
    the semantic-version bump the change needs (see CHANGELOG.md). Exit 0 either way.
    """
    from loader.curate.diff import compare, load, to_markdown

    text = to_markdown(compare(load(str(old), old), load(str(new), new)), limit=limit)
    if output is not None:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
