"""Print a :class:`~loader.curate.qc.QcReport` as text (terminal), JSON (tools) or Markdown (PRs).

Each finding names its check id, which is also the file ``qc/<id>.rq`` whose header explains
the problem and the fix (ROBOT's "each error has an id and a documentation anchor").
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum

from loader.curate.qc import Finding, QcReport
from loader.namespaces import shorten
from loader.problems import Severity


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


def _short(text: str | None) -> str:
    if text is None:
        return "-"
    return shorten(text).strip("<>") if ":" in text and " " not in text else text


def _summary(report: QcReport) -> str:
    counts = ", ".join(f"{report.count(level)} {level.value}(s)" for level in Severity)
    return f"{len(report.checks)} checks run: {counts}"


def as_text(report: QcReport) -> str:
    """One line per finding (``file:line: level: check: entity property value``), then hints."""
    fixes = {c.name: c.fix for c in report.checks}
    lines: list[str] = []
    seen: set[str] = set()
    for f in report.findings:
        detail = " ".join(x for x in (_short(f.property), _short(f.value)) if x != "-")
        lines.append(
            f"{f.where()}: {f.level.value}: [{f.check}] {_short(f.entity)}"
            + (f" — {detail}" if detail else "")
        )
        if f.check not in seen:
            seen.add(f.check)
            lines.append(f"    fix: {fixes.get(f.check, '')}")
    lines.append(_summary(report))
    return "\n".join(lines)


def _finding_json(f: Finding) -> dict[str, object]:
    data: dict[str, object] = {"check": f.check, "level": f.level.value, "entity": f.entity}
    for key, value in (("property", f.property), ("value", f.value), ("file", f.file)):
        if value is not None:
            data[key] = value
    if f.line is not None:
        data["line"] = f.line
    return data


def as_json(report: QcReport) -> str:
    """``{"summary": {...}, "checks": [...], "findings": [...]}`` for tools and CI."""
    return json.dumps(
        {
            "summary": {level.value: report.count(level) for level in Severity},
            "checks": [
                {
                    "name": c.name,
                    "level": c.level.value if c.level else "off",
                    "problem": c.problem,
                    "fix": c.fix,
                    "source": c.source,
                }
                for c in report.checks
            ],
            "findings": [_finding_json(f) for f in report.findings],
        },
        indent=2,
        ensure_ascii=False,
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def as_markdown(report: QcReport) -> str:
    """A Markdown table of findings and a table of the checks that ran (for a PR comment)."""
    out = ["# tradekg check", "", _summary(report), ""]
    if report.findings:
        out += [
            "| level | check | entity | property | value | where |",
            "|---|---|---|---|---|---|",
        ]
        for f in report.findings:
            cells = (
                f.level.value,
                f"`{f.check}`",
                f"`{_short(f.entity)}`",
                _short(f.property),
                _short(f.value),
                f.where(),
            )
            out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        out.append("")
    out += ["## Checks", "", "| check | level | problem | fix |", "|---|---|---|---|"]
    for c in report.checks:
        level = c.level.value if c.level else "off"
        out.append(f"| `{c.name}` | {level} | {_cell(c.problem)} | {_cell(c.fix)} |")
    return "\n".join(out) + "\n"


FORMATTERS: dict[OutputFormat, Callable[[QcReport], str]] = {
    OutputFormat.TEXT: as_text,
    OutputFormat.JSON: as_json,
    OutputFormat.MARKDOWN: as_markdown,
}
