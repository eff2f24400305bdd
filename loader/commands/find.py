"""``tradekg find TEXT``: the things whose names match TEXT, best match first.

Thin glue over :mod:`loader.query.names`, the resolver ``--param`` and ``show`` use, so
what ``find`` lists is what those accept: each line gives the name that matched, the
thing's class, the graph it comes from (reference data or a note) and its id.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
import pyoxigraph as ox

from loader.commands.common import open_project, project_option, reports_input_errors
from loader.query.local import open_store
from loader.query.names import Match, Names, load_names
from loader.query.output import short_iri, table
from loader.query.result import Solutions

#: How a match was found, as the ``match`` column says it.
HOW = ("exact", "starts with", "word", "start of a word")


@click.command(name="find")
@click.argument("text")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--limit", type=click.IntRange(min=1), default=25, show_default=True)
@project_option
@reports_input_errors
def command(*, text: str, fmt: str, limit: int, project_root: Path) -> None:
    """List the things called TEXT or with TEXT in a name: labels, alternative names, ids,
    ISO codes, HS codes, titles (case, accents and punctuation do not matter).

    Reads the graph of the last `tradekg build`; any name listed works with --param and show.
    """
    project = open_project(project_root)
    store = open_store(project.store_dir)
    names = load_names(store, project.dist_dir)
    matches = names.find(text, limit=limit)
    rows = [_row(names, m) for m in matches]
    if fmt == "json":
        keys = ("label", "matched", "match", "class", "source", "id", "iri")
        click.echo(
            json.dumps(
                [dict(zip(keys, r, strict=True)) for r in rows], indent=2, ensure_ascii=False
            )
        )
        return
    result = Solutions(
        ("label", "matched", "match", "class", "source", "id"),
        tuple(tuple(ox.Literal(c) for c in r[:6]) for r in rows),
    )
    click.echo(table(result, max_width=60), nl=False)


def _row(names: Names, match: Match) -> tuple[str, str, str, str, str, str, str]:
    label = names.label(match.iri) or match.name
    return (
        label,
        match.name if match.name != label else "",
        HOW[match.rank],
        names.kinds(match.iri),
        names.source_of(match.iri),
        short_iri(match.iri),
        match.iri,
    )
