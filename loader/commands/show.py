"""``tradekg show ID``: everything the graph says about one thing, in words, with its sources.

Thin glue over :mod:`loader.query.describe`: resolve the id (as notes write it, an IRI, or a
label), describe it from the built store, print it grouped — what it is, its properties, the
notes that state them, and what points at it — each claim with its source, status word and
verbatim quote. ``--format json`` gives the same for scripts. The text goes to a terminal, so
its control characters (an escape sequence or a bidi override in a note's label or quote)
are made visible first; the JSON keeps the data as it is.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import click

from loader.commands.common import open_project, project_option, reports_input_errors
from loader.query.describe import (
    DEFAULT_LIMIT,
    Description,
    Provenance,
    Value,
    describe,
    resolve_id,
)
from loader.query.local import open_store
from loader.store.scrub import visible

WIDTH = 100


@click.command(name="show")
@click.argument("thing", metavar="ID")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help=f"List every thing pointing at ID (by default the first {DEFAULT_LIMIT} per group).",
)
@project_option
@reports_input_errors
def command(*, thing: str, fmt: str, show_all: bool, project_root: Path) -> None:
    """Show everything the graph says about ID: an id as notes write it (MYS, hs:2846,
    us-tariff-mys-19-2025-10), an IRI, or a label ("Malaysia").

    Reads the graph of the last `tradekg build`.
    """
    project = open_project(project_root)
    store = open_store(project.store_dir)
    iri = resolve_id(store, thing, project.dist_dir)
    description = describe(store, iri, limit=None if show_all else DEFAULT_LIMIT)
    if fmt == "json":
        click.echo(json.dumps(description.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(visible(as_text(description)))


def as_text(d: Description) -> str:
    """The description as a person reads it in a terminal."""
    lines = [d.label, f"  {d.iri}"]
    if d.kinds:
        lines.append("  a " + ", ".join(d.kinds))
    for merged in d.same_as:
        lines.append(f"  same as {merged} (merged into this thing by sameAs)")
    # claims of several sources: number them, and mark each fact with its source's number
    numbered = {r.note: n for n, r in enumerate(d.provenance, start=1) if r.note}
    if len(numbered) < 2:
        numbered = {}
    for record in d.provenance:
        mark = f"[{numbered[record.note]}] " if record.note in numbered else ""
        lines += _provenance(record, indent="  ", mark=mark)
    for other in d.conflicts:
        lines.append(f"  ⚠ conflicts with {other.text}: another source gives another value")
    if d.facts:
        lines += ["", "What it says"]
        width = max(len(f.property.text) for f in d.facts)
        for fact in d.facts:
            flag = "  ⚠ sources disagree" if fact.conflict else ""
            for n, (text, notes) in enumerate(_by_value(fact.values).items()):
                name = fact.property.text if n == 0 else ""
                if numbered and notes:
                    marks = ", ".join(str(n) for n in sorted(numbered[k] for k in notes))
                    where = f"  [{marks}]"
                else:
                    where = f"  (in {', '.join(notes)})" if notes and fact.conflict else ""
                lines.append(f"  {name:<{width}}  {text}{where}{flag if n == 0 else ''}")
    for group in d.groups:
        lines += ["", f"{group.kind} — {group.property.text} ({group.total})"]
        for mention in group.mentions:
            lines.append(f"  • {mention.thing.text}")
            lines += _provenance(mention.provenance, indent="      ")
            for other in mention.conflicts:
                lines.append(f"      ⚠ conflicts with {other.text}")
        if group.total > len(group.mentions):
            lines.append(f"  … and {group.total - len(group.mentions)} more (--all lists them)")
    return "\n".join(lines)


def _by_value(values: list[tuple[Value, str | None]]) -> dict[str, list[str]]:
    """Each value's text once, with the notes that state it, in order of first mention."""
    found: dict[str, list[str]] = {}
    for value, note in values:
        notes = found.setdefault(value.text, [])
        if note is not None and note not in notes:
            notes.append(note)
    return found


def _provenance(record: Provenance, *, indent: str, mark: str = "") -> list[str]:
    parts = []
    if record.status:
        parts.append(record.status)
    if record.reported_as:
        parts.append(f"reported as “{record.reported_as}”")
    if record.source is not None:
        parts.append(f"source: {record.source.text}")
    lines = [indent + mark + " · ".join(parts)] if parts else []
    for quote in record.quotes:
        text = "“" + " ".join(quote.split()) + "”"
        place = record.places.get(" ".join(quote.split()))
        if place is not None:
            text += f"  [characters {place[0]:,}–{place[1]:,} of the source text]"
        lines += textwrap.wrap(
            text, width=WIDTH, initial_indent=indent + "  ", subsequent_indent=indent + "   "
        )
    return lines
