"""The ``tradekg`` command: a click group whose subcommands are imported only when run.

Each subcommand lives in its own module under :mod:`loader.commands`; listing them here
with their one-line help keeps ``tradekg --help`` and start-up free of rdflib, pyshacl and
SPARQL machinery (GUIDE §8: no eager imports that make a CLI slow to start).
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import click

#: name → (module under loader.commands, one-line help shown by ``tradekg --help``)
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("build", "Build the graph from ontology, reference data and notes into dist/."),
    "validate": ("validate", "Validate notes against the SHACL shapes; report by file and line."),
    "query": ("query", "Run a saved or ad-hoc SPARQL query, locally or on an endpoint."),
    "load": ("load", "Load the built graph into a triplestore and verify every graph's count."),
    "serve": ("serve", "Serve the built graph from a local Oxigraph server."),
    "show": ("show", "Show everything the graph says about one thing, with sources and quotes."),
    "find": ("find", "Find things by any of their names: labels, ids, ISO and HS codes, titles."),
    "check": ("check", "Quality-control the ontology, notes, shapes and queries."),
    "docs": ("docs", "Generate HTML documentation and diagrams into dist/docs/."),
    "export": ("export", "Write flat tables (CSV or Parquet) and a Frictionless data package."),
    "site": ("site", "Write the browsable static site of the built graph into dist/site/."),
    "fmt": ("fmt", "Rewrite ontology/ and shapes/ canonically (--check: fail on drift)."),
    "diff": ("diff", "Report terms and triples added, removed and changed between two versions."),
}


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when that subcommand is invoked."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module = importlib.import_module(f"loader.commands.{entry[0]}")
        command: click.Command = module.command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _ontology_version(root: Path) -> str:
    """``owl:versionInfo`` of the project's ontology, read as text (no RDF library at start)."""
    for path in sorted((root / "ontology").glob("*.ttl")):
        found = re.search(r'owl:versionInfo\s+"([^"]+)"', path.read_text(encoding="utf-8"))
        if found:
            return f"{found.group(1)} ({path.relative_to(root).as_posix()})"
    return "none here (no ontology/ in this folder)"


def _installed(distribution: str) -> str:
    from importlib import metadata  # only for --version: it costs start-up time

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def version_text(root: Path) -> str:
    """What ``tradekg --version`` prints: ours, the ontology's and the engines' versions."""
    return "\n".join(
        [
            f"tradekg {_installed('tradekg')}",
            f"ontology {_ontology_version(root)}",
            f"pyoxigraph {_installed('pyoxigraph')} (embedded engine)",
            f"oxigraph {_installed('oxigraph')} (server: tradekg serve, tests)",
        ]
    )


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    click.echo(version_text(Path.cwd()))
    ctx.exit()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the versions of tradekg, the ontology (of the project here), pyoxigraph and "
    "the oxigraph server, and exit.",
)
def main() -> None:
    """tradekg: a knowledge graph of trade agreements, measures and commitments.

    Exit codes: 0 success, 1 the data has violations or a check failed, 2 usage or input error.

    Shell completion (bash): eval "$(_TRADEKG_COMPLETE=bash_source tradekg)" — zsh and fish
    likewise; see the README.
    """


if __name__ == "__main__":
    main()
