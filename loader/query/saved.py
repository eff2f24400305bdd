"""Saved queries: a ``.rq`` file with a grlc-compatible header, read into a :class:`SavedQuery`.

The header is YAML in lines starting with ``#+`` (grlc's "decorators"), e.g.::

    #+ summary: Tariffs a state imposes at or above a rate
    #+ description: …
    #+ tags: [tariffs]
    #+ defaults:
    #+   - rate: 19
    #+ enumerate:
    #+   - status: [in-effect, announced]

Because the header is made of SPARQL comments, the file stays a valid query that any engine,
and grlc itself, can run. Parameters are the query's ``?_name…`` variables
(:mod:`loader.query.params`); the header only adds defaults and closed lists of values.
Everything wrong with a file is reported at once, with the line it is on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from loader.problems import InputError, Problem, Severity
from loader.project import Project
from loader.query.params import ParamSpec, ParamValueError, spec_for_variable, to_term
from loader.query.scan import UPDATE_KEYWORDS, ScanError, structure

#: Header keys we read, and grlc keys we accept but do not use (they configure grlc's API).
HEADER_KEYS = frozenset({"summary", "description", "tags", "defaults", "enumerate", "units"})
GRLC_ONLY_KEYS = frozenset(
    {"endpoint", "method", "pagination", "transform", "endpoint_in_url", "language"}
)


@dataclass(frozen=True)
class SavedQuery:
    """One query: its text (header included, so lines match the file) and what the header says."""

    name: str
    text: str
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    summary: str | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()
    params: Mapping[str, ParamSpec] = field(default_factory=dict)
    file: str | None = None  # as shown to users
    #: column → unit of its numbers: a unit notation (``percent``) or ``?col`` naming the
    #: column that holds each row's unit (``#+ units:`` in the header; tables show ``19 %``)
    units: Mapping[str, str] = field(default_factory=dict)

    @property
    def body(self) -> str:
        """The query without its ``#+`` header lines (for the catalogue)."""
        lines = [line for line in self.text.splitlines() if not line.startswith("#+")]
        return "\n".join(lines).strip() + "\n"


def parse_query(
    text: str, *, name: str, file: str | None = None, require_summary: bool = False
) -> SavedQuery:
    """Read a query and its header.

    Raises:
        InputError: the header is not YAML or has unknown keys, a default or enumerated value
            does not fit its parameter, a parameter variable is badly named, the query is an
            update, or ``require_summary`` and there is no summary.
    """
    problems: list[Problem] = []

    def problem(code: str, message: str, line: int | None, hint: str | None = None) -> None:
        problems.append(Problem(code, message, file=file, line=line, hint=hint))

    header, header_lines = _header(text)
    meta = _parse_yaml(header, header_lines, problem)

    try:
        shape = structure(text)
    except ScanError as error:
        problem("query-syntax", str(error), error.line)
        raise InputError(problems) from None
    form = shape.form
    if form is None:
        problem("query-syntax", "no SELECT, ASK, CONSTRUCT or DESCRIBE found", None)
    elif form in UPDATE_KEYWORDS:
        problem(
            "update-not-allowed",
            f"{form} is a SPARQL update; saved queries only read the graph",
            shape.form_line,
        )

    params: dict[str, ParamSpec] = {}
    for variable, line in sorted(shape.param_lines.items(), key=lambda item: item[1]):
        found = spec_for_variable(variable)
        if isinstance(found, Problem):
            problem(found.code, found.message, line, found.hint)
            continue
        spec = found
        other = params.get(spec.name)
        if other is not None and other.variable != variable:
            problem(
                "duplicate-parameter",
                f"parameter '{spec.name}' is declared twice: ?{other.variable} and ?{variable}",
                line,
            )
            continue
        params[spec.name] = spec

    key_line = {k: _line_of_key(header, header_lines, k) for k in meta}
    for key in meta:
        if key not in HEADER_KEYS | GRLC_ONLY_KEYS:
            problem(
                "unknown-header-key",
                f"unknown header key '{key}'",
                key_line[key],
                hint="use " + ", ".join(sorted(HEADER_KEYS)),
            )
    summary = _text_value(meta, "summary", key_line, problem)
    description = _text_value(meta, "description", key_line, problem)
    tags = _tags(meta.get("tags"), key_line.get("tags"), problem)
    units: dict[str, str] = {}
    for column, unit in _name_values(meta.get("units"), "units", key_line.get("units"), problem):
        if not isinstance(unit, str) or f"?{column}" not in text:
            problem(
                "bad-query-header",
                f"'units' gives '{column}' the unit {unit!r}: name a column of the query and "
                "a unit notation (percent, USD) or the column holding the unit (?unit)",
                key_line.get("units"),
            )
        else:
            units[column] = unit
    header_broken = any(p.code == "bad-query-header" for p in problems)
    if require_summary and not summary and not header_broken:
        problem(
            "missing-summary",
            "a saved query needs a summary",
            header_lines[0] if header_lines else 1,
            hint="add a first line '#+ summary: what question this query answers'",
        )

    for key, attribute in (("defaults", "default"), ("enumerate", "enumeration")):
        for pname, value in _name_values(meta.get(key), key, key_line.get(key), problem):
            declared = params.get(pname)
            if declared is None:
                problem(
                    "unknown-parameter",
                    f"'{key}' names '{pname}', which is not a parameter of the query",
                    key_line.get(key),
                    hint="parameters are: " + (", ".join(sorted(params)) or "none"),
                )
                continue
            if attribute == "default":
                params[pname] = _replace(declared, default=_scalar_text(value))
            elif isinstance(value, list):
                params[pname] = _replace(
                    declared, enumeration=tuple(_scalar_text(v) for v in value)
                )
            # ``- name`` alone means "values from the data" in grlc: nothing to check here

    for pname, spec in params.items():
        values = ([spec.default] if spec.default is not None else []) + list(spec.enumeration or ())
        for value in values:
            try:
                to_term(_replace(spec, enumeration=None), value)
            except ParamValueError as error:
                problem(
                    "bad-parameter-value",
                    f"parameter '{pname}' ({spec.describe_type()}): {error}",
                    key_line.get("defaults") or key_line.get("enumerate"),
                )
        if spec.default is not None and spec.enumeration and spec.default not in spec.enumeration:
            problem(
                "bad-parameter-value",
                f"the default of '{pname}' is not one of its enumerated values",
                key_line.get("defaults"),
            )

    if any(p.severity is Severity.ERROR for p in problems):
        raise InputError(problems)
    assert form is not None
    return SavedQuery(
        name=name,
        text=text,
        form=form,
        summary=summary,
        description=description,
        tags=tags,
        params=params,
        file=file,
        units=units,
    )


def read_query(path: Path, *, file: str | None = None, require_summary: bool = False) -> SavedQuery:
    """Read one ``.rq`` file; its name is the file stem.

    Raises:
        InputError: the file cannot be read as UTF-8 or its header has problems.
    """
    shown = file or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        problem = Problem("unreadable-query", f"cannot read the query: {error}", shown)
        raise InputError([problem]) from None
    return parse_query(text, name=path.stem, file=shown, require_summary=require_summary)


def load_saved_queries(project: Project) -> list[SavedQuery]:
    """Every saved query of the project, by name; all files' problems are reported at once.

    Raises:
        InputError: any file has a problem.
    """
    queries: list[SavedQuery] = []
    problems: list[Problem] = []
    for path in project.query_files():
        try:
            queries.append(read_query(path, file=project.rel(path), require_summary=True))
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    return queries


def find_saved_query(project: Project, name: str) -> SavedQuery:
    """The saved query called ``name`` (only that file is read, for a fast start).

    Raises:
        InputError: there is no such query (the message lists the ones there are), or it has
            problems.
    """
    path = project.queries_dir / f"{name}.rq"
    if "/" in name or "\\" in name or not path.is_file():
        names = ", ".join(p.stem for p in project.query_files()) or "none"
        raise InputError(
            [
                Problem(
                    "unknown-query",
                    f"there is no saved query '{name}'",
                    hint=f"saved queries: {names} (tradekg query --list)",
                )
            ]
        )
    return read_query(path, file=project.rel(path), require_summary=True)


# ---------------------------------------------------------------------------------------------


def _replace(spec: ParamSpec, **changes: object) -> ParamSpec:
    import dataclasses

    return dataclasses.replace(spec, **changes)  # type: ignore[arg-type]


def _header(text: str) -> tuple[str, list[int]]:
    """The YAML of the ``#+`` lines, and the file line number of each YAML line."""
    lines: list[str] = []
    numbers: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#+"):
            lines.append(line[2:])
            numbers.append(number)
    return "\n".join(lines), numbers


def _parse_yaml(header: str, header_lines: list[int], problem: _ProblemSink) -> dict[str, object]:
    if not header.strip():
        return {}
    import yaml

    try:
        data = yaml.safe_load(header)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = None
        if mark is not None and 0 <= mark.line < len(header_lines):
            line = header_lines[mark.line]
        reason = getattr(error, "problem", None) or "not valid YAML"
        problem(
            "bad-query-header",
            f"the #+ header is not valid YAML: {reason}",
            line,
            "each header line is '#+ key: value'; lists are '#+   - item'",
        )
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        problem("bad-query-header", "the #+ header must be 'key: value' lines", header_lines[0])
        return {}
    return {str(k): v for k, v in data.items()}


def _line_of_key(header: str, header_lines: list[int], key: str) -> int | None:
    for index, line in enumerate(header.splitlines()):
        if line.strip().startswith(f"{key}:"):
            return header_lines[index]
    return header_lines[0] if header_lines else None


class _ProblemSink(Protocol):
    """Type of the ``problem(code, message, line, hint=None)`` callback."""

    def __call__(
        self, code: str, message: str, line: int | None, hint: str | None = None
    ) -> None: ...


def _text_value(
    meta: dict[str, object], key: str, key_line: dict[str, int | None], problem: _ProblemSink
) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if not isinstance(value, str | int | float):
        problem("bad-query-header", f"'{key}' must be one line of text", key_line.get(key))
        return None
    return str(value).strip() or None


def _tags(value: object, line: int | None, problem: _ProblemSink) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return tuple(str(v) for v in value)
    problem("bad-query-header", "'tags' must be a list of words, e.g. [tariffs, states]", line)
    return ()


def _name_values(
    value: object, key: str, line: int | None, problem: _ProblemSink
) -> Iterable[tuple[str, object]]:
    """grlc writes ``defaults``/``enumerate`` as a list of one-key mappings; a mapping is fine."""
    if value is None:
        return []
    items: list[tuple[str, object]] = []
    entries: list[object] = list(value.items()) if isinstance(value, dict) else []
    if isinstance(value, list):
        for entry in value:
            if isinstance(entry, dict):
                entries.extend(entry.items())
            elif isinstance(entry, str) and key == "enumerate":
                entries.append((entry, None))
            else:
                entries.append((None, entry))
    elif not isinstance(value, dict):
        entries = [(None, value)]
    for pair in entries:
        assert isinstance(pair, tuple)
        pname, pvalue = pair
        if pname is None or (pvalue is None and key == "defaults"):
            problem(
                "bad-query-header",
                f"'{key}' must be a list of 'name: value' entries",
                line,
                hint=f"#+ {key}:\n#+   - rate: 19",
            )
            continue
        items.append((str(pname), pvalue))
    return items


def _scalar_text(value: object) -> str:
    """A YAML scalar as the text the user would have typed (YAML turns 2025-04-02 into a date)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)
