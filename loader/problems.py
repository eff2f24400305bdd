"""Problems in the user's input, reported all at once and pointing at file and line.

Every stage collects :class:`Problem` records instead of raising on the first one; a
stage that found any raises :class:`InputError` carrying all of them, and the CLI prints
them and exits 2 (input error) or 1 (validation violations) without writing anything.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path


class Severity(enum.StrEnum):
    """How bad a problem is; only ``ERROR`` (and ``WARNING`` under ``--strict``) fails a run."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, said in the note author's words.

    ``code`` is a stable id (e.g. ``unknown-property``) that tests and documentation key on;
    ``hint`` says how to fix it.
    """

    code: str
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None
    severity: Severity = Severity.ERROR
    statement: str | None = None
    value: str | None = None

    def where(self) -> str:
        """``path:line:column`` as far as it is known."""
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def format(self) -> str:
        """One human-readable block: where, what, and how to fix it."""
        text = f"{self.where()}: {self.severity.value}: {self.message} [{self.code}]"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return {k: v for k, v in data.items() if v is not None}


@dataclass
class ProblemCollector:
    """Accumulates problems from one stage so that all of them are reported together."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def has_errors(self) -> bool:
        return any(p.severity is Severity.ERROR for p in self.problems)

    def raise_if_errors(self) -> None:
        """Raise :class:`InputError` with every problem collected so far if any is an error."""
        if self.has_errors:
            raise InputError(self.problems)


class InputError(Exception):
    """The input (notes, ontology, reference data, parameters) cannot be used as it is.

    Carries every problem found, sorted by file and line.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = sorted(
            problems, key=lambda p: (p.file or "", p.line or 0, p.column or 0, p.code)
        )
        super().__init__(f"{tally(self.problems)} in the input")

    def report(self) -> str:
        return "\n".join(p.format() for p in self.problems)

    def to_json(self) -> str:
        return json.dumps([p.to_json() for p in self.problems], indent=2, ensure_ascii=False)


def tally(problems: Sequence[Problem]) -> str:
    """Counts by severity that add up: those of the files with errors first, the rest apart.

    >>> p = [Problem("x", "m", file="a.yaml")] + [Problem("y", "m", file="b.yaml",
    ...      severity=Severity.WARNING)] * 20
    >>> tally(p)
    '1 error (and 20 warnings in other files)'
    """
    failing = {p.file for p in problems if p.severity is Severity.ERROR}
    here = [p for p in problems if p.file in failing] if failing else list(problems)
    elsewhere = [p for p in problems if p.file not in failing] if failing else []
    text = _counts(here) or "no problems"
    if elsewhere:
        text += f" (and {_counts(elsewhere)} in other files)"
    return text


def _counts(problems: Sequence[Problem]) -> str:
    parts = []
    for severity in Severity:
        n = sum(1 for p in problems if p.severity is severity)
        if n:
            parts.append(f"{n} {severity.value}{'s' if n != 1 else ''}")
    return ", ".join(parts)


def article(noun: str) -> str:
    """``noun`` with its indefinite article, for messages (an Agreement, a TariffMeasure)."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def syntax_problem(error: SyntaxError, *, file: str, code: str = "turtle-syntax") -> Problem:
    """A parser's syntax error (pyoxigraph gives line and column) as a problem to fix."""
    return Problem(
        code=code,
        message=f"not valid RDF: {error.msg}",
        file=file,
        line=error.lineno,
        column=error.offset,
        hint="fix the syntax at this position (a missing '.', ';' or quote is usual)",
    )


def relative(path: Path, root: Path) -> str:
    """A path as the user should see it: relative to ``root`` when it is inside it."""
    if path.is_absolute() and path.is_relative_to(root):
        return path.relative_to(root).as_posix()  # the usual case, without resolve()
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
