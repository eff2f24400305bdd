"""A progress bar on stderr for long stages, shown only to a person at a terminal.

click's own ``progressbar`` is used rather than ``rich``: click is already the CLI's one
dependency for the terminal, is well kept, and draws a bar with a label and an ETA on one
line; ``rich`` would add a dependency and its import time to every command for the same bar.

Nothing is drawn when stderr is not a terminal (CI logs, pipes, tests): output that a script
reads stays exactly what it was. Nothing is drawn either for work that finishes within
:data:`DELAY` seconds, so a quick rebuild shows no flicker.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import Any, TextIO

import click

#: seconds of work before the bar appears
DELAY = 2.0


class ProgressBar:
    """``with ProgressBar(total, label) as bar: bar.update(done, label)`` — may draw nothing.

    ``done`` is absolute (how much of ``total`` is finished), which suits callbacks that
    report running totals (the loader's triples sent, the build's stages).
    """

    def __init__(
        self,
        total: int,
        label: str,
        *,
        stream: TextIO | None = None,
        delay: float = DELAY,
        unit: str = "",
    ) -> None:
        self.total = max(total, 1)
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.delay = delay
        self.unit = unit
        self.enabled = self.stream.isatty()
        self._start = time.monotonic()
        self._done = 0
        self._bar: Any = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            if kind is None:
                self._bar.update(self.total - self._done)
            self._bar.render_finish()

    def update(self, done: int, label: str | None = None) -> None:
        """Move the bar to ``done`` of ``total`` (and change its label)."""
        if not self.enabled:
            return
        if label is not None:
            self.label = label
        if self._bar is None:
            if time.monotonic() - self._start < self.delay:
                return
            self._bar = click.progressbar(
                length=self.total,
                label=self.label,
                file=self.stream,
                show_pos=bool(self.unit),
                show_eta=True,
                width=30,
            )
        self._bar.label = self.label
        step = max(0, min(done, self.total) - self._done)
        self._done += step
        self._bar.update(step)
