"""Read note files into statements whose every key and value knows its file and line.

PyYAML's ``compose`` keeps the position of every node, which is what lets every later
problem (unknown property, wrong datatype, SHACL violation) point at the line to fix. It
also lets us refuse what ``yaml.safe_load`` silently accepts: a key given twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from loader.problems import Problem, relative

#: libyaml's loader when PyYAML was built with it (2-3x faster at 10,000 notes), else Python's.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Keys a note may have at its top level.
TOP_LEVEL_KEYS = ("source", "statements", "language")
#: Keys of a statement that are not ontology terms.
TYPE_KEY = "a"
ID_KEY = "id"
#: A statement that starts with this key adds claims to the thing it names (defined by
#: another note or the reference data) instead of defining a thing of its own.
ABOUT_KEY = "about"


@dataclass(frozen=True, slots=True)
class Scalar:
    """One value as written: its text (never YAML's guess at a type) and its position."""

    text: str
    line: int
    column: int
    quoted: bool


@dataclass(frozen=True, slots=True)
class Field:
    """A ``key: value`` or ``key: [values]`` line of a statement."""

    key: str
    line: int
    column: int
    values: tuple[Scalar, ...]


@dataclass(frozen=True, slots=True)
class Statement:
    """One item of ``statements:`` (or the ``source:`` block), fields in file order."""

    index: int
    line: int
    fields: tuple[Field, ...]

    @property
    def is_addition(self) -> bool:
        """Whether the statement adds to a thing defined elsewhere (``- about: ID`` first)."""
        return bool(self.fields) and self.fields[0].key == ABOUT_KEY

    def get(self, key: str) -> Field | None:
        for item in self.fields:
            if item.key == key:
                return item
        return None


@dataclass(frozen=True, slots=True)
class Note:
    """A parsed note: where it is, its key, its source block and its statements."""

    path: Path
    file: str  # as shown to users (relative to the project root)
    key: str  # path below data/notes without suffix: the name of its graph
    language: str
    source: Statement | None
    statements: tuple[Statement, ...]


def note_key(path: Path, notes_dir: Path) -> str:
    """``data/notes/2025/x.yaml`` → ``2025/x``: stable, readable, unique per file."""
    try:  # the notes the project lists are below its notes folder as written: no resolving
        relative = path.relative_to(notes_dir)
    except ValueError:
        relative = path.resolve().relative_to(notes_dir.resolve())
    if ".." in relative.parts:
        relative = path.resolve().relative_to(notes_dir.resolve())
    return relative.with_suffix("").as_posix()


def read_note(path: Path, *, file: str, key: str) -> tuple[Note | None, list[Problem]]:
    """Parse one note; return it (None if it cannot be read at all) and every problem found."""
    problems: list[Problem] = []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [Problem(code="unreadable-file", message=str(error), file=file)]
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        return None, [
            Problem(
                code="yaml-syntax",
                message=f"not valid YAML: {error.problem or error.context}",
                file=file,
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
                hint=_yaml_hint(error, text),
            )
        ]
    except yaml.YAMLError as error:
        return None, [Problem(code="yaml-syntax", message=f"not valid YAML: {error}", file=file)]

    if root is None:
        return None, [
            Problem(
                code="empty-note",
                message="the note is empty",
                file=file,
                line=1,
                hint="a note needs a 'source:' block and a 'statements:' list",
            )
        ]
    if not isinstance(root, yaml.MappingNode):
        return None, [_shape(root, file, "a note must be a mapping of 'source:' and 'statements:'")]

    top = _mapping_items(root, file, problems)
    for key_node, _ in top:
        if key_node.value not in TOP_LEVEL_KEYS:
            problems.append(
                Problem(
                    code="unknown-note-key",
                    message=f"'{key_node.value}' is not a top-level key of a note",
                    file=file,
                    line=key_node.start_mark.line + 1,
                    column=key_node.start_mark.column + 1,
                    hint=f"a note has only {', '.join(TOP_LEVEL_KEYS)}; statements go under "
                    "'statements:'",
                )
            )
    values = {k.value: v for k, v in top}

    language = "en"
    if "language" in values:
        node = values["language"]
        if isinstance(node, yaml.ScalarNode) and node.value.strip():
            language = node.value.strip()
        else:
            problems.append(_shape(node, file, "'language' must be a language tag such as en"))

    source: Statement | None = None
    if "source" not in values:
        problems.append(
            Problem(
                code="missing-source",
                message="the note has no 'source:' block",
                file=file,
                line=1,
                hint="add 'source:' with at least title, publisher and issued (or coverageStart)",
            )
        )
    else:
        source = _statement(values["source"], 0, file, problems, what="'source'")

    statements: list[Statement] = []
    listed = values.get("statements")
    if listed is None:
        problems.append(
            Problem(
                code="missing-statements",
                message="the note has no 'statements:' list",
                file=file,
                line=1,
                hint="add 'statements:' with one item per fact, each with 'a:' and 'evidence:'",
            )
        )
    elif not isinstance(listed, yaml.SequenceNode):
        problems.append(_shape(listed, file, "'statements' must be a list ('- a: …' items)"))
    else:
        for index, item in enumerate(listed.value, start=1):
            statement = _statement(item, index, file, problems, what=f"statement {index}")
            if statement is not None:
                statements.append(statement)

    note = Note(
        path=path,
        file=file,
        key=key,
        language=language,
        source=source,
        statements=tuple(statements),
    )
    return note, problems


def _yaml_hint(error: yaml.MarkedYAMLError, text: str) -> str:
    """How to fix a YAML syntax error; for the usual one, the line as it should be written."""
    mark = error.problem_mark
    if mark is not None and "mapping values are not allowed" in str(error.problem):
        lines = text.splitlines()
        line = lines[mark.line] if mark.line < len(lines) else ""
        key, colon, value = line.strip().partition(": ")
        if colon and value and not value.startswith(('"', "'")):
            escaped = value.replace("\\", "\\\\").replace('"', '\\"')
            return (
                "the value contains ': ', which YAML reads as the start of a new key: quote "
                f'it, {key}: "{escaped}"'
            )
    return "check indentation and quoting; quote values that contain ': ' or ' #'"


def read_notes(
    paths: Iterable[Path], *, notes_dir: Path, root: Path
) -> tuple[list[Note], list[Problem]]:
    """Read every note, collecting all problems of all files."""
    notes: list[Note] = []
    problems: list[Problem] = []
    for path in paths:
        file = relative(path, root)
        note, found = read_note(path, file=file, key=note_key(path, notes_dir))
        problems.extend(found)
        if note is not None:
            notes.append(note)
    return notes, problems


def _statement(
    node: yaml.Node, index: int, file: str, problems: list[Problem], *, what: str
) -> Statement | None:
    if not isinstance(node, yaml.MappingNode):
        problems.append(_shape(node, file, f"{what} must be a mapping of 'key: value' lines"))
        return None
    fields: list[Field] = []
    for key_node, value_node in _mapping_items(node, file, problems):
        values = _scalars(value_node, key_node.value, file, problems)
        if values is None:
            continue
        fields.append(
            Field(
                key=key_node.value,
                line=key_node.start_mark.line + 1,
                column=key_node.start_mark.column + 1,
                values=values,
            )
        )
    return Statement(index=index, line=node.start_mark.line + 1, fields=tuple(fields))


def _mapping_items(
    node: yaml.MappingNode, file: str, problems: list[Problem]
) -> list[tuple[yaml.ScalarNode, yaml.Node]]:
    """The key/value pairs of a mapping; a repeated or non-text key is a problem, not a win."""
    seen: dict[str, int] = {}
    items: list[tuple[yaml.ScalarNode, yaml.Node]] = []
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(_shape(key_node, file, "a key must be a plain word"))
            continue
        line = key_node.start_mark.line + 1
        if key_node.value in seen:
            problems.append(
                Problem(
                    code="duplicate-key",
                    message=f"'{key_node.value}' is given twice (first on line "
                    f"{seen[key_node.value]})",
                    file=file,
                    line=line,
                    column=key_node.start_mark.column + 1,
                    hint="give several values as a list: 'key: [a, b]'",
                )
            )
            continue
        seen[key_node.value] = line
        items.append((key_node, value_node))
    return items


def _scalars(
    node: yaml.Node, key: str, file: str, problems: list[Problem]
) -> tuple[Scalar, ...] | None:
    nodes = node.value if isinstance(node, yaml.SequenceNode) else [node]
    scalars: list[Scalar] = []
    for item in nodes:
        if not isinstance(item, yaml.ScalarNode):
            problems.append(
                _shape(
                    item,
                    file,
                    f"the value of '{key}' must be a value or a list of values, not a mapping",
                    hint="refer to another statement by its id instead of nesting it",
                )
            )
            return None
        quoted = item.style in ("'", '"')
        if (item.tag == "tag:yaml.org,2002:null" and not quoted) or not item.value.strip():
            problems.append(
                Problem(
                    code="empty-value",
                    message=f"'{key}' has no value",
                    file=file,
                    line=item.start_mark.line + 1,
                    column=item.start_mark.column + 1,
                    hint="give a value or remove the line",
                )
            )
            return None
        scalars.append(
            Scalar(
                text=item.value,
                line=item.start_mark.line + 1,
                column=item.start_mark.column + 1,
                quoted=quoted,
            )
        )
    if not scalars:
        problems.append(
            Problem(
                code="empty-value",
                message=f"'{key}' is an empty list",
                file=file,
                line=node.start_mark.line + 1,
                hint="give at least one value or remove the line",
            )
        )
        return None
    return tuple(scalars)


def _shape(node: yaml.Node, file: str, message: str, *, hint: str | None = None) -> Problem:
    return Problem(
        code="note-structure",
        message=message,
        file=file,
        line=node.start_mark.line + 1,
        column=node.start_mark.column + 1,
        hint=hint,
    )
