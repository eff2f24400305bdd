"""Options and error handling shared by every subcommand."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

import click

from loader.problems import InputError
from loader.project import Project

P = ParamSpec("P")
R = TypeVar("R")

#: Exit codes with one meaning each (unlike pySHACL's one code for two meanings).
EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_INPUT_ERROR = 2

project_option = click.option(
    "--project",
    "project_root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The project folder (with ontology/, data/, shapes/, queries/).",
)


def reports_input_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Print an :class:`InputError`'s problems to stderr and exit 2 instead of a traceback."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except InputError as error:
            click.echo(error.report(), err=True)
            click.echo(f"{error}: nothing was written.", err=True)
            sys.exit(EXIT_INPUT_ERROR)

    return wrapper


def open_project(root: Path) -> Project:
    return Project.at(root)
