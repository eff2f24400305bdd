"""Which IRIs a SPARQL query or a Turtle file mentions, and on which line.

Queries are text, not RDF, so a typo in a term (``tkg:imposedby``) is invisible to any RDF
check and only shows as a silently empty answer. This tokenizer reads a query (or a Turtle
file) the way a parser would — skipping comments and string literals, resolving prefixed
names with the file's own ``PREFIX`` / ``@prefix`` lines — and lists every IRI it mentions
with the line of its first mention. :mod:`loader.curate.qc` turns the mentions into triples so
that one SPARQL check finds undeclared terms in notes, shapes and queries alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_TOKEN = re.compile(
    r"""
    (?P<long>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*''')
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<comment>\#[^\n]*)
  | (?P<prefix_decl>(?:@prefix|PREFIX)\s+(?P<decl_name>[A-Za-z][\w.-]*)?:\s*
        <(?P<decl_iri>[^<>"{}|^`\\\x00-\x20]*)>)
  | (?P<var>[?$]\w+)
  | (?P<pname>(?<![\w.:-])(?P<pfx>[A-Za-z][\w-]*(?:\.[\w-]+)*)?:
        (?P<local>(?:[\w%-]|:|\\[-_~.!$&'()*+,;=/?\#@%]|\.(?=[\w%:-]))*))
    """,
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Mention:
    """An IRI mentioned in a file, at the line of its first mention."""

    iri: str
    line: int


def mentions(text: str) -> list[Mention]:
    """Every IRI a query or Turtle text mentions, first mention first.

    Prefixed names with an undeclared prefix are skipped (the query parser reports those).

    >>> [m.iri for m in mentions('PREFIX t: <urn:x#>\\nSELECT * { ?s t:a "t:b" } # t:c')]
    ['urn:x#a']
    """
    prefixes: dict[str, str] = {}
    found: dict[str, int] = {}
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        line = text.count("\n", 0, match.start()) + 1
        if kind == "prefix_decl":
            prefixes[match["decl_name"] or ""] = match["decl_iri"]
        elif kind == "iri":
            found.setdefault(match.group()[1:-1], line)
        elif kind == "pname":
            namespace = prefixes.get(match["pfx"] or "")
            if namespace is not None:
                local = re.sub(r"\\(.)", r"\1", match["local"])
                found.setdefault(namespace + local, line)
    return [Mention(iri, line) for iri, line in found.items()]


def file_mentions(path: Path) -> list[Mention]:
    """:func:`mentions` of a file read as UTF-8.

    Raises:
        OSError: the file cannot be read.
    """
    return mentions(path.read_text(encoding="utf-8"))


_SUBJECT_LINE = re.compile(r"^(?P<term><[^>\s]+>|[A-Za-z][\w.-]*:[\w.%-]*[\w%-]|:[\w.%-]*[\w%-])\s")


def declaration_lines(path: Path) -> dict[str, int]:
    """IRI → line where a Turtle file starts a description of it (a subject at column 0).

    Used to point ontology problems at the line of the term; a term described on several
    lines keeps its first.
    """
    text = path.read_text(encoding="utf-8")
    prefixes = {
        (m["decl_name"] or ""): m["decl_iri"]
        for m in _TOKEN.finditer(text)
        if m.lastgroup == "prefix_decl"
    }
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _SUBJECT_LINE.match(line)
        if not match:
            continue
        term = match["term"]
        if term.startswith("<"):
            iri: str | None = term[1:-1]
        else:
            prefix, _, local = term.partition(":")
            namespace = prefixes.get(prefix)
            iri = namespace + local if namespace is not None else None
        if iri is not None:
            lines.setdefault(iri, number)
    return lines
