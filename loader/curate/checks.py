"""The quality-control checks: SPARQL files that document themselves, and a profile of levels.

Like ROBOT ``report``, each check is one query in ``qc/<name>.rq`` returning ``?entity
?property ?value`` (and optionally ``?graph``, the named graph the problem is in, so the
report can point at a file and line). The query's header says what is wrong and how to fix it::

    # problem: A declared term has no rdfs:label.
    # fix: Add rdfs:label "…"@en to the term.
    # level: error

``qc/profile.yaml`` sets each check's level (``error``, ``warning``, ``info`` or ``off``),
overriding the header, so a project can tighten or relax checks without editing queries.
A researcher adds a check by dropping a new ``.rq`` file into ``qc/``: no Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from loader.problems import InputError, Problem, Severity, relative

#: Levels a profile may give; ``off`` means the check is not run.
LEVELS = ("error", "warning", "info", "off")
HEADER_KEYS = ("problem", "fix", "level")
_HEADER_LINE = re.compile(r"^#\s*(?P<key>[a-z]+)\s*:\s*(?P<text>.*)$")
_CHECK_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True, slots=True)
class Check:
    """One check: its id (the file stem), what it detects, how to fix it, and its level.

    ``query`` is ``None`` for the built-in checks that are not SPARQL (the OWL reasoner's).
    """

    name: str
    problem: str
    fix: str
    level: Severity | None  # None: switched off by the profile
    query: str | None = None
    source: str | None = None


#: Checks done in Python rather than SPARQL: the OWL reasoner (HermiT through owlready2).
BUILTIN_CHECKS: tuple[Check, ...] = (
    Check(
        "inconsistent-ontology",
        "The ontology is logically inconsistent: no world can satisfy its axioms.",
        "Look for contradicting axioms (disjoint classes with a common member, a property "
        "range that excludes its own values) in ontology/.",
        Severity.ERROR,
    ),
    Check(
        "inconsistent-data",
        "The notes contradict the ontology (for example one id typed with two disjoint "
        "classes, or a value outside a property's range).",
        "Correct the note named: give the thing one class, or use the property the ontology meant.",
        Severity.ERROR,
    ),
    Check(
        "unsatisfiable-class",
        "A class can have no members (it is equivalent to owl:Nothing), usually because it is "
        "a subclass of two disjoint classes.",
        "Remove one of the conflicting rdfs:subClassOf or owl:disjointWith axioms.",
        Severity.ERROR,
    ),
    Check(
        "reasoner-unavailable",
        "The OWL reasoner could not run, so consistency and satisfiability were not checked.",
        "Install Java (Debian: default-jre-headless) and owlready2 (pip install owlready2), "
        "or see the reason given.",
        Severity.ERROR,
    ),
    Check(
        "reasoner-skipped",
        "The OWL reasoner was switched off on the command line (--no-reasoner).",
        "Run without --no-reasoner before a release.",
        Severity.INFO,
    ),
)


def parse_header(text: str, *, source: str) -> dict[str, str]:
    """The ``# key: value`` lines at the top of a query (continuation lines are joined).

    Raises:
        InputError: a required key (problem, fix, level) is missing or the level is unknown.
    """
    header: dict[str, str] = {}
    current: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped:
                break
            continue
        match = _HEADER_LINE.match(stripped)
        if match and match["key"] in HEADER_KEYS:
            current = match["key"]
            header[current] = match["text"].strip()
        elif current is not None and stripped.lstrip("#").strip():
            header[current] += " " + stripped.lstrip("#").strip()
    missing = [key for key in HEADER_KEYS if not header.get(key)]
    problems = [
        Problem(
            code="qc-header",
            message=f"the check has no '# {key}:' line in its header",
            file=source,
            line=1,
            hint="start the query with '# problem: …', '# fix: …' and '# level: error'",
        )
        for key in missing
    ]
    level = header.get("level", "error")
    if level not in LEVELS:
        problems.append(_bad_level(level, source))
    if problems:
        raise InputError(problems)
    return header


def _bad_level(level: str, source: str) -> Problem:
    return Problem(
        code="qc-level",
        message=f"'{level}' is not a level",
        file=source,
        hint=f"use one of {', '.join(LEVELS)}",
    )


def _severity(level: str) -> Severity | None:
    return None if level == "off" else Severity(level)


def load_checks(qc_dir: Path, *, root: Path, profile: Path | None = None) -> list[Check]:
    """Every ``qc/*.rq`` check plus the built-in ones, with levels from the profile.

    Raises:
        InputError: a check's header is incomplete, the profile is not valid YAML, names an
            unknown check or gives an unknown level.
    """
    problems: list[Problem] = []
    checks: list[Check] = []
    for path in sorted(qc_dir.glob("*.rq")):
        rel = relative(path, root)
        if not _CHECK_NAME.match(path.stem):
            problems.append(
                Problem(
                    code="qc-name",
                    message=f"'{path.stem}' is not a check name",
                    file=rel,
                    hint="name check files in lower-case kebab-case, e.g. missing-label.rq",
                )
            )
            continue
        text = path.read_text(encoding="utf-8")
        try:
            header = parse_header(text, source=rel)
        except InputError as error:
            problems.extend(error.problems)
            continue
        checks.append(
            Check(
                path.stem,
                header["problem"],
                header["fix"],
                _severity(header["level"]),
                query=text,
                source=rel,
            )
        )
    checks.extend(BUILTIN_CHECKS)
    profile_path = profile if profile is not None else qc_dir / "profile.yaml"
    if profile_path.exists():
        try:
            checks = apply_profile(checks, read_profile(profile_path, root=root))
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    return checks


def read_profile(path: Path, *, root: Path) -> dict[str, str]:
    """``checks: {name: level}`` from a profile file.

    Raises:
        InputError: not YAML, not a mapping, or a level that is not one of :data:`LEVELS`.
    """
    import yaml

    rel = relative(path, root)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InputError(
            [
                Problem(
                    code="qc-profile",
                    message=f"not valid YAML: {error}",
                    file=rel,
                    line=mark.line + 1 if mark is not None else None,
                )
            ]
        ) from error
    levels = data.get("checks") if isinstance(data, dict) else None
    if not isinstance(levels, dict):
        raise InputError(
            [
                Problem(
                    code="qc-profile",
                    message="the profile has no 'checks:' mapping of check name to level",
                    file=rel,
                    hint="write 'checks:' then one 'name: level' line per check",
                )
            ]
        )
    problems = [
        _bad_level(str(level), rel) for level in levels.values() if str(level) not in LEVELS
    ]
    if problems:
        raise InputError(problems)
    return {str(name): str(level) for name, level in levels.items()}


def apply_profile(checks: list[Check], levels: dict[str, str]) -> list[Check]:
    """The checks with the profile's levels.

    Raises:
        InputError: the profile names a check that does not exist (a typo would otherwise
            silently leave the check at its default level).
    """
    known = {check.name for check in checks}
    unknown = sorted(set(levels) - known)
    if unknown:
        raise InputError(
            [
                Problem(
                    code="qc-profile",
                    message=f"the profile names an unknown check '{name}'",
                    file="qc/profile.yaml",
                    hint=f"known checks: {', '.join(sorted(known))}",
                )
                for name in unknown
            ]
        )
    return [
        replace(check, level=_severity(levels[check.name])) if check.name in levels else check
        for check in checks
    ]
