"""The ``--timeout`` and ``--max-answer`` options of the commands that talk to a server.

Why one place: ``query`` and ``load`` must read a deadline the same way — a number of seconds
above zero, fractions honoured (``0.5`` is half a second, not 0), anything else a usage error
(exit 2) rather than a traceback or, worse, no deadline at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from loader.store.limits import DEFAULT_MAX_ANSWER, check_timeout

#: Seconds a whole request to an endpoint may take, by command (the server's work included).
QUERY_TIMEOUT = 60.0
LOAD_TIMEOUT = 30.0
#: The first contact (which store answers?) waits at most this long.
PROBE_TIMEOUT = 5.0
DEFAULT_MAX_ANSWER_MB = DEFAULT_MAX_ANSWER // (1 << 20)
F = TypeVar("F", bound=Callable[..., Any])


def seconds(ctx: click.Context | None, param: click.Parameter | None, value: object) -> float:
    """A deadline in seconds: a finite decimal number above zero, written in ASCII.

    Raises:
        click.BadParameter: anything else (click prints it as a usage error, exit 2).
    """
    text = str(value).strip()
    try:
        if not text.isascii():
            raise ValueError(text)
        return check_timeout(float(text))
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not a number of seconds above 0 (e.g. 30 or 0.5)", ctx, param
        ) from None


def timeout_option(default: float, what: str) -> Callable[[F], F]:
    """``--timeout SECONDS`` with ``default``; ``what`` says what the deadline covers."""
    decorator = click.option(
        "--timeout",
        metavar="SECONDS",
        callback=seconds,
        default=f"{default:g}",
        show_default=True,
        help=f"Seconds {what} may take in all (connecting, the server's work, the answer); "
        "fractions work (0.5).",
    )
    return decorator


max_answer_option = click.option(
    "--max-answer",
    "max_answer_mb",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_ANSWER_MB,
    show_default=True,
    metavar="MB",
    help="Refuse answers larger than this many megabytes (read as a stream, never whole).",
)
